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
