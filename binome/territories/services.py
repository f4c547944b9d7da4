import json
from pathlib import Path

from django.conf import settings
from django.db import transaction

from binome.territories.models import Commune

DATA_DIR = Path(settings.BASE_DIR) / "node_modules" / "@etalab" / "decoupage-administratif" / "data"


def read_reference(name: str) -> list[dict]:
    path = DATA_DIR / f"{name}.json"
    if not path.exists():
        raise FileNotFoundError(
            f"{path} est introuvable : lancez `npm ci` pour installer les données de référence."
        )
    return json.loads(path.read_text(encoding="utf-8"))


@transaction.atomic
def communes_load(*, departement_code: str) -> int:
    """Create or update the current communes of a département. Idempotent."""
    rows = [
        row
        for row in read_reference("communes")
        if row.get("departement") == departement_code and row.get("type") == "commune-actuelle"
    ]
    existing = set(Commune.objects.filter(departement_code=departement_code).values_list("pk", flat=True))
    objects = [
        Commune(
            insee_code=row["code"],
            name=row["nom"],
            departement_code=departement_code,
            arrondissement_code=row.get("arrondissement") or "",
            postal_codes=row.get("codesPostaux") or [],
            population=row.get("population"),
        )
        for row in rows
    ]
    Commune.objects.bulk_create([o for o in objects if o.pk not in existing])
    Commune.objects.bulk_update(
        [o for o in objects if o.pk in existing],
        ["name", "arrondissement_code", "postal_codes", "population"],
    )
    return len(objects)


def arrondissements_of(departement_code: str) -> list[dict]:
    return [row for row in read_reference("arrondissements") if row["departement"] == departement_code]


def departement_name(departement_code: str) -> str:
    for row in read_reference("departements"):
        if row["code"] == departement_code:
            return row["nom"]
    raise ValueError(f"Département inconnu : {departement_code}")
