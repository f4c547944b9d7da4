from django.utils import timezone

from binome.utils.pdf import render_pdf
from binome.youths.models import ConsentKind, PathwaySettings
from binome.youths.rules import required_consents


def consent_form(youth, request=None) -> bytes:
    """The prefilled consent form to print and have signed, with one block per consent required."""
    blocks = []
    for kind, count in required_consents(youth.legal_status, youth.authority_holders).items():
        blocks += [ConsentKind(kind).label] * count
    return render_pdf(
        "youths/pdf/consent_form.html",
        {
            "youth": youth,
            "blocks": blocks,
            "today": timezone.localdate(),
            "departement": youth.departement,
            "service": youth.ase_service,
        },
    )


def leaflet_blocks(text: str) -> list[tuple[str, str]]:
    """The département's wording as (kind, text) blocks: « ## » starts a heading, a blank line a paragraph."""
    blocks = []
    for chunk in text.replace("\r\n", "\n").split("\n\n"):
        chunk = chunk.strip()
        if not chunk:
            continue
        if chunk.startswith("## "):
            heading, _, rest = chunk.partition("\n")
            blocks.append(("h", heading[3:].strip()))
            chunk = rest.strip()
            if not chunk:
                continue
        blocks.append(("p", chunk))
    return blocks


def leaflet(departement) -> bytes:
    """The information leaflet the referent hands to the youth and the holders of parental authority
    (art. D.221-35 al.1), in the département's own wording."""
    settings = PathwaySettings.for_organisation(departement)
    return render_pdf(
        "youths/pdf/leaflet.html",
        {
            "departement": departement,
            "blocks": leaflet_blocks(settings.leaflet_text),
            "today": timezone.localdate(),
        },
    )
