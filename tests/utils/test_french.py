import pytest
from django.template import engines

from binome.utils import french


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Inès", "d'Inès"),
        ("Yanis", "de Yanis"),
        ("Yves", "d'Yves"),
        ("Paul", "de Paul"),
        ("avril 2026", "d'avril 2026"),
        ("octobre 2026", "d'octobre 2026"),
        ("août 2026", "d'août 2026"),
        ("mars 2026", "de mars 2026"),
        ("Hélène", "d'Hélène"),
        ("Département de la Loire-Atlantique", "du Département de la Loire-Atlantique"),
        ("Association Lien", "de l'Association Lien"),
        ("Maison des jeunes", "de la Maison des jeunes"),
        ("Les Passeurs d'Avenir", "des Passeurs d'Avenir"),
        ("Le Relais", "du Relais"),
        ("La Cravate", "de la Cravate"),
        ("Tremplin Mentorat Atlantique", "de Tremplin Mentorat Atlantique"),
        ("Service ASE — Délégation Nantes", "du Service ASE — Délégation Nantes"),
        ("MECS Les Tilleuls", "de la MECS Les Tilleuls"),
        ("Foyer départemental de l'enfance", "du Foyer départemental de l'enfance"),
        ("Établissement X", "de l'Établissement X"),
    ],
)
def test_de(text, expected):
    assert french.de(text) == expected


def test_de_and_article_with_a_gender():
    assert french.de("convention", feminine=True) == "de la convention"
    assert french.de("avenant", feminine=False) == "de l'avenant"
    assert french.de("suivi", feminine=False) == "du suivi"
    assert (
        french.article("convention individuelle de mentorat", feminine=True)
        == "la convention individuelle de mentorat"
    )
    assert french.article("avenant n° 1", feminine=False) == "l'avenant n° 1"
    assert french.article("handicap", feminine=False) == "le handicap"
    assert french.article("Département du Nord") == "le Département du Nord"
    assert french.article("Inès") == "Inès"


def test_a():
    assert french.a("Département du Nord") == "au Département du Nord"
    assert french.a("Association Lien") == "à l'Association Lien"
    assert french.a("Les Passeurs d'Avenir") == "aux Passeurs d'Avenir"
    assert french.a("Le Relais") == "au Relais"
    assert french.a("Cap Mentor Estuaire") == "à Cap Mentor Estuaire"


@pytest.mark.parametrize(
    "count, expected",
    [(0, "aucun jeune"), (1, "1 jeune"), (2, "2 jeunes"), (1200, "1\u202f200 jeunes"), (None, "aucun jeune")],
)
def test_plural(count, expected):
    assert french.plural(count, "jeune") == expected


def test_plural_phrase_and_feminine():
    assert french.plural(0, "fiche créée", "fiches créées", feminine=True) == "aucune fiche créée"
    assert french.plural(1, "fiche créée", "fiches créées", feminine=True) == "1 fiche créée"
    assert french.plural(3, "fiche créée", "fiches créées", feminine=True) == "3 fiches créées"
    assert french.plural(2, "journal") == "2 journaux"
    assert french.plural(2, "bureau") == "2 bureaux"
    assert french.plural(2, "mois") == "2 mois"


def test_lower_text_keeps_acronyms():
    assert french.lower_text("Référent·e ASE") == "référent·e ASE"
    assert french.lower_text("Chargé·e de mentorat") == "chargé·e de mentorat"
    assert french.lower_text("Mentorat À Distance") == "mentorat à distance"
    assert french.lower_text("Projet pour l'enfant (PPE).") == "projet pour l'enfant (PPE)."
    assert french.lower_text("Service ou établissement ASE") == "service ou établissement ASE"


def test_since_days():
    assert french.since_days(0) == "depuis aujourd'hui"
    assert french.since_days(1) == "depuis hier"
    assert french.since_days(12) == "depuis 12 jours"


def test_filters_are_builtins():
    render = (
        engines["django"]
        .from_string(
            "{{ name|de }}|{{ org|a }}|{{ title|le:'f' }}|{{ n|plural:'jeune' }}|{{ m|plural_f:'fiche créée,fiches créées' }}|{{ role|lower_text }}"
        )
        .render
    )
    out = render(
        {
            "name": "Inès",
            "org": "Département du Nord",
            "title": "convention",
            "n": 0,
            "m": 2,
            "role": "Référent·e ASE",
        }
    )
    assert (
        out == "d&#x27;Inès|au Département du Nord|la convention|aucun jeune|2 fiches créées|référent·e ASE"
    )
