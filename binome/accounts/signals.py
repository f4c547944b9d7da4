import time

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from binome.accounts.session_keys import SESSION_LOGIN_AT


@receiver(user_logged_in)
def remember_login_time(sender, request, user, **kwargs):
    request.session[SESSION_LOGIN_AT] = time.time()
