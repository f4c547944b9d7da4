"""Name searches never travel in URLs (proxy logs, browser history): the words are posted once,
kept in the session, and the list is shown again at its usual address."""

from django.contrib import messages
from django.shortcuts import redirect

MAX_LENGTH = 100
NUL_REFUSED = (
    "La recherche contient un caractère invisible non autorisé (caractère nul) : saisissez-la à nouveau."
)


def remembered_search(request, key: str):
    """Returns (terms, response): a response to send back when the search was just posted."""
    session_key = f"search:{key}"
    if request.method == "POST":
        terms = " ".join(request.POST.get("q", "").split())[:MAX_LENGTH]
        if "\x00" in terms:  # PostgreSQL refuses it in a query (see utils/nul_guard.py)
            messages.error(request, NUL_REFUSED)
        else:
            request.session[session_key] = terms
        return "", redirect(request.get_full_path())
    return request.session.get(session_key, ""), None
