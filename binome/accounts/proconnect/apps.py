from django.apps import AppConfig


class ProConnectConfig(AppConfig):
    name = "binome.accounts.proconnect"
    label = "proconnect"
    verbose_name = "ProConnect"

    def ready(self):
        from allauth.account.signals import user_logged_in

        from binome.accounts.proconnect.session import remember_login

        user_logged_in.connect(remember_login, dispatch_uid="proconnect_remember_login")
