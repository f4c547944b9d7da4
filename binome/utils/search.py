"""Name searches never travel in URLs (proxy logs, browser history): the words are posted once,
kept in the session, and the list is shown again at its usual address."""

from django.shortcuts import redirect

MAX_LENGTH = 100


def remembered_search(request, key: str):
    """Returns (terms, response): a response to send back when the search was just posted."""
    session_key = f"search:{key}"
    if request.method == "POST":
        request.session[session_key] = " ".join(request.POST.get("q", "").split())[:MAX_LENGTH]
        return "", redirect(request.get_full_path())
    return request.session.get(session_key, ""), None
