"""No text sent to the server may hold a NUL character (U+0000): nobody types one, and PostgreSQL refuses
it in any text column (a 500 instead of an answer).

Where it is refused, each time with a French message:
- every form field: Django's `CharField` refuses it (« Le caractère nul n'est pas autorisé. »), and the
  form is shown again with what was typed (422), as any other error;
- a search (`utils.search`): the words are read outside a form, so it checks them itself;
- the path and the query string, which views read directly (page numbers, filters, tabs): this
  middleware answers a 400 page before any view runs (under /api/, JSON with the code `nul_character`).
"""

from django.http import JsonResponse
from django.shortcuts import render

MESSAGE = (
    "L'adresse demandée contient un caractère invisible non autorisé (caractère nul). Rien n'a été fait : "
    "revenez à la page précédente."
)

API_MESSAGE = "L'adresse demandée contient un caractère nul (U+0000), non autorisé : rien n'a été fait."


def holds_nul(request) -> bool:
    return "\x00" in request.path or any(
        "\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()
    )


class RejectNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if holds_nul(request):
            if request.path_info.startswith("/api/"):
                # The API's clients read JSON with a stable code (as binome/api/errors.py answers), not a page.
                return JsonResponse({"code": "nul_character", "message": API_MESSAGE}, status=400)
            return render(request, "400.html", {"message": MESSAGE}, status=400)
        return self.get_response(request)
