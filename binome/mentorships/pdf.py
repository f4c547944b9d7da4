"""The agreement as a PDF, from the département's template (heading, clauses, logo)."""

import base64
import datetime

from django.conf import settings as django_settings
from django.template.loader import render_to_string
from django.utils import timezone

from binome.mentorships.models import AgreementSettings, Frequency, Party
from binome.utils.choices import Modality
from binome.utils.pdf import html_to_pdf


def _logo_data_uri(settings: AgreementSettings) -> str:
    """The logo inlined: the PDF renderer fetches nothing but our own static files."""
    if not settings.logo:
        return ""
    name = settings.logo.name.lower()
    mime = "image/png" if name.endswith(".png") else "image/jpeg"
    try:
        with settings.logo.open("rb") as handle:
            data = handle.read()
    except OSError:
        return ""
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"


def _html(agreement_like, people: dict, departement, signatures=None) -> str:
    settings = AgreementSettings.for_organisation(departement)
    signed = {s.party: s for s in (signatures or [])}
    parties = [(Party(p).label, signed.get(p)) for p in agreement_like.required_parties()]
    return render_to_string(
        "mentorships/pdf/agreement.html",
        {
            "brand_name": django_settings.BINOME_BRAND_NAME,
            "agreement": agreement_like,
            **people,
            "departement": departement,
            "settings": settings,
            "logo": _logo_data_uri(settings),
            "clauses": [p.strip() for p in settings.legal_text.split("\n\n") if p.strip()],
            "parties": parties,
            "today": timezone.localdate(),
        },
    )


def agreement_html(agreement) -> str:
    mentorship = agreement.mentorship
    people = {
        "youth": mentorship.youth,
        "mentor": mentorship.mentor,
        "association": mentorship.association,
        "service": mentorship.youth.ase_service,
        "referrer": mentorship.youth.referrer,
    }
    return _html(agreement, people, mentorship.departement, list(agreement.signatures.all()))


def agreement_pdf(agreement) -> bytes:
    return html_to_pdf(agreement_html(agreement))


class _Sample:
    """A made-up agreement, for the département to preview its template."""

    kind = "initial"
    number = 0
    title = "Convention individuelle de mentorat (exemple)"
    modality = Modality.IN_PERSON
    frequency = Frequency.MONTHLY
    objectives = "Soutien scolaire\nOrientation scolaire et professionnelle"
    start_on = datetime.date(2026, 9, 15)
    duration_months = 6
    end_on = datetime.date(2027, 3, 15)
    establishment = "Maison d'enfants à caractère social"
    consents_summary = "Avis et adhésion du jeune — 02/09/2026\nAccord écrit d'un titulaire de l'autorité parentale — 05/09/2026"
    changes = ""

    def get_modality_display(self):
        return Modality(self.modality).label

    def get_frequency_display(self):
        return Frequency(self.frequency).label

    def required_parties(self):
        return [Party.ASE, Party.ASSOCIATION, Party.ESTABLISHMENT, Party.YOUTH, Party.MENTOR]


def sample_pdf(departement) -> bytes:
    people = {
        "youth": {"first_name": "Prénom", "last_name": "NOM", "birth_date": datetime.date(2012, 3, 1)},
        "mentor": {"first_name": "Prénom", "last_name": "NOM", "email": "mentor@exemple.fr", "phone": ""},
        "association": "Association de mentorat",
        "service": "Service de l'aide sociale à l'enfance",
        "referrer": None,
    }
    return html_to_pdf(_html(_Sample(), people, departement))
