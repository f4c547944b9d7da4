"""What a ProConnect login leaves in the session, and what it is used for.

Nothing here imports allauth's social account machinery, so that the middleware can ask cheaply.
"""

SESSION_KEY = "binome_proconnect"  # {"id_token": "...", "second_factor": bool} once logged in
PENDING_KEY = "binome_proconnect_pending"  # the raw ID token between the callback and the login
END_SESSION_URL_KEY = "binome_proconnect_end_session"  # set by the logout, read by the next page
INVITATION_KEY = "binome_proconnect_invitation"  # the invitation being accepted through ProConnect

# RFC 8176 method references ProConnect reports (resources/claim_amr.md): "mfa" when two factors
# were used; a possession factor next to another method is two factors as well.
POSSESSION_FACTORS = frozenset({"totp", "otp", "pop", "hwk", "swk", "sc"})


def has_second_factor(amr) -> bool:
    """Whether the `amr` claim of a verified ID token reports a second authentication factor."""
    if not isinstance(amr, list) or not all(isinstance(method, str) for method in amr):
        return False
    methods = set(amr)
    return "mfa" in methods or (bool(methods & POSSESSION_FACTORS) and len(methods) >= 2)


def sociallogin_second_factor(sociallogin) -> bool:
    if sociallogin is None or sociallogin.account.provider != "proconnect":
        return False
    return has_second_factor((sociallogin.account.extra_data or {}).get("amr"))


def stash_id_token(request, raw_id_token: str) -> None:
    request.session[PENDING_KEY] = raw_id_token


def pending_id_token(request) -> str:
    return request.session.get(PENDING_KEY, "")


def remember_login(sender, request, user, sociallogin=None, **kwargs):
    """user_logged_in: keep the ID token (for logout through ProConnect) and whether two factors were used.

    Any other login drops what a previous ProConnect login left in this session."""
    if sociallogin is not None and sociallogin.account.provider == "proconnect":
        request.session[SESSION_KEY] = {
            "id_token": request.session.pop(PENDING_KEY, ""),
            "second_factor": sociallogin_second_factor(sociallogin),
        }
    else:
        request.session.pop(SESSION_KEY, None)
        request.session.pop(PENDING_KEY, None)


def second_factor_done(request) -> bool:
    """This session was opened through ProConnect with a second factor: Binôme's TOTP is not asked."""
    return bool((request.session.get(SESSION_KEY) or {}).get("second_factor"))


def logged_in_id_token(request) -> str:
    return (request.session.get(SESSION_KEY) or {}).get("id_token", "")


def remember_invitation(request, invitation_id) -> None:
    """« S'identifier avec ProConnect » on an invitation page: the account is to be created from it."""
    request.session[INVITATION_KEY] = str(invitation_id)


def pop_invitation(request) -> str:
    return request.session.pop(INVITATION_KEY, "")
