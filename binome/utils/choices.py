"""Vocabularies shared by youths, mentors and matching."""

from django.db import models


class Gender(models.TextChoices):
    FEMALE = "f", "Fille / femme"
    MALE = "m", "Garçon / homme"
    OTHER = "x", "Autre / non précisé"


class Modality(models.TextChoices):
    IN_PERSON = "in_person", "En présentiel"
    REMOTE = "remote", "À distance"
    HYBRID = "hybrid", "Mixte"


class Subject(models.TextChoices):
    FRENCH = "french", "Français"
    MATHS = "maths", "Mathématiques"
    ENGLISH = "english", "Anglais"
    LANGUAGES = "languages", "Autres langues vivantes"
    SCIENCES = "sciences", "Sciences (physique, SVT)"
    HISTORY = "history", "Histoire-géographie"
    ECONOMICS = "economics", "Économie et gestion"
    TECH = "tech", "Technologie et informatique"
    ARTS = "arts", "Arts et culture"
    METHOD = "method", "Méthodologie, organisation du travail"


class GenderPreference(models.TextChoices):
    NONE = "", "Pas de préférence"
    FEMALE = "f", "Une femme"
    MALE = "m", "Un homme"


DAYS = [
    ("lun", "lundi"),
    ("mar", "mardi"),
    ("mer", "mercredi"),
    ("jeu", "jeudi"),
    ("ven", "vendredi"),
    ("sam", "samedi"),
    ("dim", "dimanche"),
]
MOMENTS = [("matin", "matin"), ("apm", "après-midi"), ("soir", "soir")]
SLOTS = [(f"{d}_{m}", f"{dl} {ml}") for d, dl in DAYS for m, ml in MOMENTS]
SLOT_LABELS = dict(SLOTS)
