"""French that reads as written by a person: elision and articles, plurals, running-text lowercase.

Never glue « de » + a name by hand: « Fiche de Inès », « Suivi de octobre » and « Orientation de
Département de la Loire-Atlantique » all come from that. Instead:

    de("Inès") == "d'Inès"            de("Yanis") == "de Yanis"         de("octobre 2026") == "d'octobre 2026"
    de("Département de la Loire-Atlantique") == "du Département de la Loire-Atlantique"
    de("Les Passeurs d'Avenir") == "des Passeurs d'Avenir"   de("Association Lien") == "de l'Association Lien"
    article("convention individuelle", feminine=True) == "la convention individuelle"
    plural(0, "jeune") == "aucun jeune"     plural(2, "fiche créée", "fiches créées", feminine=True)

Names of organisations that start with a common noun (« Département… », « Service ASE… », « Foyer… »)
take that noun's article; other names (« Tremplin Mentorat Atlantique », a first name, a month) take
none. Templates use the same functions as filters (`binome.utils.templatetags`, a builtin: no
`{% load %}` needed): `{{ youth.first_name|de }}`, `{{ count|plural:"jeune" }}`.
"""

import re
import unicodedata

VOWELS = set("aeiouyœæ")

# Words starting with an aspirated h: no elision (« le handicap », « de Hollande »).
ASPIRATED_H = {"handicap", "handicapé", "handicapée", "hall", "hameau", "hasard", "haut", "haute", "hauteur",
               "hollande", "hongrie", "honte", "hors", "hutte", "héros"}  # fmt: skip

# Common nouns an organisation's name may start with, and their gender (True: feminine).
LEADING_NOUNS = {
    "département": False, "conseil": False, "service": False, "foyer": False, "centre": False,
    "comité": False, "pôle": False, "réseau": False, "institut": False, "établissement": False,
    "territoire": False, "trimestre": False, "semestre": False, "mois": False, "groupement": False, "collectif": False, "village": False, "lieu": False,
    "espace": False, "relais": False, "club": False, "secours": False, "mouvement": False,
    "association": True, "maison": True, "fondation": True, "fédération": True, "union": True,
    "direction": True, "délégation": True, "mission": True, "collectivité": True, "mairie": True,
    "ville": True, "métropole": True, "région": True, "mecs": True, "structure": True,
    "résidence": True, "cité": True, "agence": True, "plateforme": True, "école": True,
}  # fmt: skip

ARTICLES = {"le": ("du", False), "la": ("de la", True), "les": ("des", None), "l'": ("de l'", None)}
_FIRST_WORD = re.compile(r"[\w'’-]+", re.UNICODE)


def _plain(letter: str) -> str:
    return unicodedata.normalize("NFKD", letter)[:1].lower()


def starts_with_vowel_sound(text: str) -> bool:
    """« Inès », « octobre », « août », « Yves », « hébergement », « ASE »: yes. « Yanis », « handicap »: no."""
    text = str(text).lstrip(' «"(')
    if not text:
        return False
    first = _plain(text[0])
    if first == "y":
        # « Yanis », « Yann », « Yasmine »: a consonant sound before a vowel; « Yves »: a vowel.
        return len(text) > 1 and _plain(text[1]) not in VOWELS
    if first == "h":
        word = _FIRST_WORD.match(text)
        return bool(word) and word.group(0).lower() not in ASPIRATED_H
    return first in VOWELS


def elide(word: str, text: str) -> str:
    """« de » + « Inès » → « d'Inès »; « que », « le », « la », « je »… alike."""
    text = str(text)
    if starts_with_vowel_sound(text):
        return f"{word[:-1]}'{text}"
    return f"{word} {text}"


def _leading(text: str):
    """(article, rest) when the text starts with an article, (noun gender, text) when with a known noun."""
    lowered = text.lower()
    for art in ("l'", "l’"):
        if lowered.startswith(art):
            return "l'", text[len(art) :]
    first, _, rest = text.partition(" ")
    if rest and first.lower() in ("le", "la", "les"):
        return first.lower(), rest
    noun = _FIRST_WORD.match(text)
    if noun and noun.group(0).lower() in LEADING_NOUNS:
        return LEADING_NOUNS[noun.group(0).lower()], text
    return None, text


def article(text, feminine: bool | None = None) -> str:
    """« le/la/l' » + a noun or an organisation's name; a proper name without article stays as is.

    With `feminine` given, the text is a common noun of that gender (« la convention individuelle »)."""
    text = str(text)
    if feminine is None:
        lead, _rest = _leading(text)
        if lead is None or lead in ("le", "la", "les", "l'"):
            return text
        feminine = lead
    if starts_with_vowel_sound(text):
        return f"l'{text}"
    return f"{'la' if feminine else 'le'} {text}"


def de(text, feminine: bool | None = None) -> str:
    """« de » with its elision and contraction: d'Inès, de Yanis, du Département…, de la Maison…,
    des Passeurs d'Avenir, d'octobre 2026. With `feminine` given, the text is a common noun."""
    text = str(text)
    if feminine is None:
        lead, rest = _leading(text)
        if lead in ARTICLES:
            contracted, _ = ARTICLES[lead]
            return f"{contracted}{rest}" if contracted.endswith("'") else f"{contracted} {rest}"
        if lead is None:
            return elide("de", text)
        feminine = lead
    if starts_with_vowel_sound(text):
        return f"de l'{text}"
    return f"{'de la' if feminine else 'du'} {text}"


def a(text, feminine: bool | None = None) -> str:
    """« à » with its contraction: à Inès, au Département…, à la Maison…, aux Passeurs…, à l'Association…"""
    text = str(text)
    if feminine is None:
        lead, rest = _leading(text)
        if lead == "le":
            return f"au {rest}"
        if lead == "les":
            return f"aux {rest}"
        if lead in ("la", "l'"):
            return f"à {text[:1].lower()}{text[1:]}"
        if lead is None:
            return f"à {text}"
        feminine = lead
    if starts_with_vowel_sound(text):
        return f"à l'{text}"
    return f"{'à la' if feminine else 'au'} {text}"


def plural_form(singular: str) -> str:
    """The regular plural of one word (« jeune » → « jeunes », « journal » → « journaux »)."""
    if singular.endswith(("s", "x", "z")):
        return singular
    if singular.endswith(("au", "eu")):
        return singular + "x"
    if singular.endswith("al") and singular not in ("festival", "bal", "récital"):
        return singular[:-2] + "aux"
    return singular + "s"


def plural(count, singular: str, plural_text: str | None = None, *, feminine: bool = False) -> str:
    """« aucun jeune », « 1 jeune », « 2 jeunes », « 1 200 jeunes »; feminine: « aucune fiche créée ».

    A phrase of several words needs its plural given (« fiche créée », « fiches créées »)."""
    if count is None or count == "":
        count = 0
    try:
        number = int(count)
    except (TypeError, ValueError):
        return f"{count} {plural_text or singular}"
    if number == 0:
        return f"{'aucune' if feminine else 'aucun'} {singular}"
    if plural_text is None:
        plural_text = plural_form(singular) if " " not in singular else singular
    shown = f"{number:,}".replace(",", "\u202f")
    return f"{shown} {singular if abs(number) == 1 else plural_text}"


_ACRONYM = re.compile(r"^[A-ZÀ-Ý0-9][A-ZÀ-Ý0-9.·-]*[A-ZÀ-Ý0-9]$")


def lower_text(text) -> str:
    """Lowercase as in running text: « Référent·e ASE » → « référent·e ASE » (acronyms keep their capitals)."""
    words = str(text).split(" ")
    return " ".join(w if _is_acronym(w) else w.lower() for w in words)


def _is_acronym(word: str) -> bool:
    core = word.strip("()[]«»\"',;:.!?")
    return bool(_ACRONYM.match(core)) and sum(c.isalpha() for c in core) >= 2


def since_days(days) -> str:
    """« depuis aujourd'hui », « depuis hier », « depuis 3 jours »."""
    try:
        days = int(days)
    except (TypeError, ValueError):
        return ""
    if days <= 0:
        return "depuis aujourd'hui"
    if days == 1:
        return "depuis hier"
    return f"depuis {plural(days, 'jour')}"
