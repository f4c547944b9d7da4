"""Name searches that forgive, and never travel in URLs.

Forgiving: case, accents, spaces, hyphens and apostrophes are ignored on both sides, so « mael » finds
« Maël », and « le bihan », « lebihan » or « LE-BIHAN » find « Le Bihan ». The folding is the same in
Python (`fold`, for the words typed) and in SQL (`Folded`, for the columns): PostgreSQL's built-in
`translate()` (no extension to install), a deterministic function registered on each SQLite
connection. No stored column to keep current: a list filters one département's rows (10,000 at the
national design's largest), which the fold reads in a few milliseconds (bench/RESULTS.md).

Private: the words are posted once, kept in the session, and the list is shown again at its usual
address (proxy logs, browser history never see a name)."""

import unicodedata
from functools import reduce

from django.contrib import messages
from django.db.models import CharField, Func, Q
from django.db.models.functions import Concat
from django.shortcuts import redirect

MAX_LENGTH = 100
MAX_WORDS = 4
NUL_REFUSED = (
    "La recherche contient un caractère invisible non autorisé (caractère nul) : saisissez-la à nouveau."
)

# Lowercase accented letters and the characters a name may carry that a search ignores. PostgreSQL's
# translate() deletes the characters of FROM beyond the length of TO.
_ACCENTED = "àáâãäåçèéêëìíîïñòóôõöùúûüýÿ"
_PLAIN = "aaaaaaceeeeiiiinooooouuuuyy"
_DROPPED = " -'’.‘_"


def fold(text) -> str:
    """« Le Bihan » → « lebihan », « Maël » → « mael », « Œuvre » → « oeuvre »: letters and digits only."""
    text = str(text or "").lower().replace("œ", "oe").replace("æ", "ae")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if c.isalnum() and not unicodedata.combining(c))


def _sqlite_fold(text):
    return None if text is None else fold(text)


class Folded(Func):
    """fold() in SQL, over one expression (concatenate several with `Concat`)."""

    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        sql = f"translate(replace(replace(lower({sql}), 'œ', 'oe'), 'æ', 'ae'), %s, %s)"
        return sql, (*params, _ACCENTED + _DROPPED, _PLAIN)

    def as_sqlite(self, compiler, connection, **extra_context):
        connection.ensure_connection()
        connection.connection.create_function("binome_fold", 1, _sqlite_fold, deterministic=True)
        sql, params = compiler.compile(self.source_expressions[0])
        return f"binome_fold({sql})", params


def words(terms: str) -> list[str]:
    """The folded words of a search (at most four), empty ones dropped."""
    return [w for w in (fold(word) for word in (terms or "").split()[:MAX_WORDS]) if w]


def search(queryset, terms: str, *fields: str):
    """Rows whose fields, folded and joined, contain every word of the search (folded too).

    Joined without a separator, so « le bihan » (two words) and « lebihan » (one) both find Le Bihan."""
    found = words(terms)
    if not found:
        return queryset
    joined = fields[0] if len(fields) == 1 else Concat(*fields, output_field=CharField())
    queryset = queryset.annotate(search_folded=Folded(joined))
    return queryset.filter(reduce(lambda q, w: q & Q(search_folded__contains=w), found, Q()))


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
