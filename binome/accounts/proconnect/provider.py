import json

from allauth.account.models import EmailAddress
from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider
from django.urls import reverse
from django.utils.http import urlencode

from binome.accounts.proconnect.views import ProConnectOAuth2Adapter

# Every scope ProConnect offers to a service provider (doc_fs/scope-claims.md); phone is not needed.
SCOPES = ["openid", "email", "given_name", "usual_name", "uid", "siret", "idp_id"]
# eIDAS "low" is the only level ProConnect guarantees; `amr` (how the agent authenticated) is in the ID
# token only when asked for through the claims parameter.
AUTH_PARAMS = {
    "acr_values": "eidas1",
    "claims": json.dumps({"id_token": {"amr": {"essential": True}}}, separators=(",", ":")),
}


class ProConnectProvider(OpenIDConnectProvider):
    id = "proconnect"
    name = "ProConnect"
    package = "binome.accounts.proconnect"
    oauth2_adapter_class = ProConnectOAuth2Adapter

    def get_login_url(self, request, **kwargs):
        url = reverse("proconnect_login")
        return f"{url}?{urlencode(kwargs)}" if kwargs else url

    def get_callback_url(self):
        return reverse("proconnect_callback")

    def get_oauth2_adapter(self, request):
        return ProConnectOAuth2Adapter(request)

    # ProConnect refuses any parameter it does not know: scope and parameters are fixed, never taken
    # from the query string as allauth otherwise allows.
    def get_default_scope(self):
        return list(SCOPES)

    def get_scope(self):
        return list(SCOPES)

    def get_scope_from_request(self, request):
        return self.get_scope()

    def get_auth_params(self):
        return dict(AUTH_PARAMS)

    def get_auth_params_from_request(self, request, action):
        return self.get_auth_params()

    def redirect(self, request, process, next_url=None, data=None, **kwargs):
        """The state is ours (ProConnect wants 32 characters at least) and the nonce derives from it."""
        state_id = ProConnectOAuth2Adapter.new_state_id()
        auth_params = kwargs.pop("auth_params", None) or self.get_auth_params()
        auth_params["nonce"] = ProConnectOAuth2Adapter.nonce_for(state_id)
        return super().redirect(
            request, process, next_url, data, auth_params=auth_params, state_id=state_id, **kwargs
        )

    def extract_common_fields(self, data):
        userinfo = data.get("userinfo") or {}
        return {
            "email": (userinfo.get("email") or "").strip().lower(),
            "first_name": userinfo.get("given_name") or "",
            "last_name": userinfo.get("usual_name") or "",
        }

    def extract_extra_data(self, data):
        """What the stored identity keeps: its `sub` and how the agent authenticated (`amr`). The name
        and the address are the account's own fields: they are not kept a second time here."""
        id_token = data.get("id_token") or {}
        return {"sub": str(id_token.get("sub", "")), "amr": list(id_token.get("amr") or [])}

    def extract_email_addresses(self, data):
        """ProConnect's address comes from the agent's administration (its directory or a verified
        professional address): the federation vouches for it, it carries no `email_verified`."""
        email = (data.get("userinfo") or {}).get("email")
        if not email:
            return []
        return [EmailAddress(email=email.strip().lower(), verified=True, primary=True)]

    def verify_token(self, request, token):
        raise NotImplementedError("ProConnect: connexion par redirection uniquement")


provider_classes = [ProConnectProvider]
