"""No text sent to the server may hold a NUL character (U+0000).

Nobody types one, PostgreSQL refuses it in any text column (a 500 instead of an answer), and it slips past
the code that reads the request directly (a search kept in the session, an id list). Django's form
`CharField` already refuses it; this middleware refuses it everywhere else too, in one place: the path,
the query string and every posted field, before any view runs (uploaded files' names are already cleaned
of unprintable characters by Django). The answer is a 400 page in French; nothing is saved.
"""

from django.shortcuts import render

MESSAGE = (
    "Le texte envoyé contient un caractère invisible non autorisé (caractère nul), souvent venu d'un "
    "copier-coller depuis un autre logiciel. Rien n'a été enregistré : revenez à la page précédente et "
    "saisissez ce texte à nouveau."
)


def holds_nul(request) -> bool:
    if "\x00" in request.path:
        return True
    data = [request.GET]
    if request.method == "POST":
        data += [request.POST]
    return any(
        "\x00" in key or any("\x00" in value for value in values)
        for query in data
        for key, values in query.lists()
    )


class RejectNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if getattr(view_func, "csrf_exempt", False):
            return None  # the API reads JSON itself and answers in JSON
        if holds_nul(request):
            return render(request, "400.html", {"message": MESSAGE}, status=400)
        return None
