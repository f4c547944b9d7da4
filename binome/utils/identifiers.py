"""Official identifiers of French organisations: SIRET (INSEE's Sirene) and RNA (associations).

Both are typed by hand from a Kbis, a statute or a letterhead: spaces and dots are tolerated and
removed, then the number is checked so that a typo is caught before it reaches the database.
"""

import re

from django.core.exceptions import ValidationError

# La Poste's establishments share one SIREN and are numbered beyond what the Luhn key allows: INSEE
# checks them by the sum of their digits instead (a multiple of 5); its head office keeps the Luhn key.
LA_POSTE_SIREN = "356000000"
RNA_PATTERN = re.compile(r"W[0-9][0-9AB][0-9]{7}")


def normalise_number(value: str) -> str:
    """Upper case, without the spaces, dots and dashes people type between groups of digits."""
    return re.sub(r"[\s.\-]", "", value or "").upper()


def luhn_valid(digits: str) -> bool:
    """The Luhn key: from the right, every second digit doubled (minus 9 past 9); the sum ends in 0."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        digit = int(char)
        if position % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def siret_valid(siret: str) -> bool:
    if not (len(siret) == 14 and siret.isascii() and siret.isdigit()):
        return False
    if siret.startswith(LA_POSTE_SIREN) and sum(int(d) for d in siret) % 5 == 0:
        return True
    return luhn_valid(siret)


def validate_siret(value: str) -> None:
    if not value:
        return
    if not (len(value) == 14 and value.isascii() and value.isdigit()):
        raise ValidationError("Un SIRET compte 14 chiffres (le SIREN à 9 chiffres, puis 5 chiffres).")
    if not siret_valid(value):
        raise ValidationError(
            "Ce SIRET n'existe pas : sa clé de contrôle ne correspond pas. Vérifiez chaque chiffre."
        )


def validate_rna(value: str) -> None:
    if value and not RNA_PATTERN.fullmatch(value):
        raise ValidationError("Un numéro RNA s'écrit W suivi de 9 caractères, par exemple W442001234.")
