from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Nobody signs up on their own: accounts come from an invitation by an organisation."""

    def is_open_for_signup(self, request):
        return False
