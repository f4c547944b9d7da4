from django.utils import timezone

from binome.utils.pdf import render_pdf
from binome.youths.models import ConsentKind
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
