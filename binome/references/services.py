from django.db import transaction

from binome.references.defaults import DEFAULTS
from binome.references.models import ReferenceItem


@transaction.atomic
def references_ensure_defaults(*, departement) -> int:
    """Create the national defaults a département does not have yet. Never touches its own edits."""
    existing = set(ReferenceItem.objects.filter(departement=departement).values_list("kind", "code"))
    missing = [
        ReferenceItem(departement=departement, kind=kind, code=code, label=label, position=position)
        for kind, items in DEFAULTS.items()
        for position, (code, label) in enumerate(items)
        if (kind, code) not in existing
    ]
    ReferenceItem.objects.bulk_create(missing)
    return len(missing)
