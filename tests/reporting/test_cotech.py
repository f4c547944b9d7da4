"""The Cotech pack: one click, a PDF following the Cotech agenda, aggregates only, no youth named."""

import datetime
import re

import pytest
from django.urls import reverse
from freezegun import freeze_time

from binome.accounts.models import Role
from binome.audit.models import AccessLog
from binome.reporting import services
from binome.reporting.cotech import bar_chart, cotech_html
from binome.youths import services as youth_services
from tests.accounts.factories import AssociationFactory, ConventionFactory
from tests.reporting.factories import FIGURES, ReportedPairFactory
from tests.youths.factories import ReferralFactory, YouthFactory

MARCH = datetime.date(2026, 3, 1)


@pytest.fixture
def committee(world, member, conventions):
    """March 2026: association A submitted (with difficulties), association C is late, and one youth's
    referral has waited too long for an answer."""
    pilot = member(Role.PILOT)
    manager = member(Role.MANAGER)
    late_one = AssociationFactory(name="Association C en retard")
    ConventionFactory(
        departement=world["departement"],
        association=late_one,
        start_date=datetime.date(2020, 1, 1),
        end_date=None,
    )
    with freeze_time("2026-03-02 09:00"):
        referral = ReferralFactory(
            youth=YouthFactory(
                ase_service=world["ase_service"], ready=True, first_name="Zéphyrine", last_name="Quintard"
            ),
            submitted=True,
        )
        youth_services.referral_route(
            referral=referral, association=world["association"], by=pilot, organisation=world["departement"]
        )
        period = services.period_open(departement=world["departement"], month=MARCH)
    ReportedPairFactory(
        association=world["association"],
        departement=world["departement"],
        started_on=datetime.date(2026, 1, 5),
    )
    report = period.reports.get(association=world["association"])
    with freeze_time("2026-04-02 10:00"):
        services.report_save(
            report=report,
            data={**FIGURES, "next_steps": "Former deux nouveaux mentors en mai."},
            funding=[{"funder": "Département", "sub_project": "mentoring", "amount": "5000"}],
            by=manager,
        )
        services.report_submit(report=report, by=manager, membership=manager.memberships.get())
    return {"period": period, "pilot": pilot, "youth": referral.youth, "manager": manager}


def text_of(markup):
    markup = re.sub(r"<style.*?</style>", "", markup, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", markup)).replace("&#x27;", "'")


def test_the_pack_follows_the_cotech_agenda_without_naming_any_youth(committee):
    with freeze_time("2026-04-10 10:00"):
        markup = cotech_html(committee["period"])
    text = text_of(markup)
    for heading in (
        "1. Les chiffres et les profils repérés",
        "2. Présentations à venir aux acteurs de l'ASE",
        "3. Difficultés et points de blocage",
        "4. Prochaines étapes",
    ):
        assert heading in text
    assert "Deux consentements parentaux attendus depuis plus d'un mois." in text  # difficulties
    assert "Foyer de l'enfance, 12 avril, équipe éducative." in text  # upcoming presentations
    assert "Former deux nouveaux mentors en mai." in text
    assert "Pas de réponse de l'association 1" in text  # blocked files, counted by reason
    assert "Association C en retard mars 2026 05/04/2026" in text  # late reports
    assert "Mineurs à qui le mentorat doit être proposé" in text  # key figures from the steering engine
    assert "Association A 0 1" in text  # pairs: 0 in the platform, 1 imported
    assert markup.count("<svg") >= 2
    youth = committee["youth"]
    for name in (youth.first_name, youth.last_name, youth.external_id or "∅"):
        assert name not in markup


def test_one_click_gives_the_pdf_and_logs_the_export(committee, client_for):
    client = client_for(committee["pilot"])
    with freeze_time("2026-04-10 10:00"):
        response = client.get(reverse("reporting:cotech_pdf", kwargs={"period_id": committee["period"].pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert 'filename="cotech-2026-03.pdf"' in response["Content-Disposition"]
    assert AccessLog.objects.filter(
        action="export", object_type="reporting.cotech", user=committee["pilot"]
    ).exists()


def test_another_departement_cannot_have_the_pack(world, committee, member, client_for):
    other = member(Role.PILOT, organisation=world["other_departement"])
    url = reverse("reporting:cotech_pdf", kwargs={"period_id": committee["period"].pk})
    assert client_for(other).get(url).status_code == 404
    assert client_for(committee["manager"]).get(url).status_code == 403


def test_a_bar_chart_escapes_its_labels_and_scales_to_the_largest():
    svg = bar_chart([("<b>Assoc</b>", 10), ("Autre", 5)], title="Binômes")
    assert "&lt;b&gt;Assoc&lt;/b&gt;" in svg and "<b>" not in svg
    widths = [float(w) for w in re.findall(r'<rect x="\d+" y="\d+" width="([\d.]+)"', svg)]
    assert widths[0] == pytest.approx(2 * widths[1])
    assert "Aucune donnée" in bar_chart([], title="Vide")


def test_weasyprint_draws_the_inline_svg_bars():
    import zlib

    from weasyprint import HTML

    svg = bar_chart([("A", 3), ("B", 1)], title="Binômes").replace("#1f4e79", "#123456")
    pdf = HTML(string=f"<html><body>{svg}</body></html>").write_pdf()
    content = b""
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            content += zlib.decompress(stream)
        except zlib.error:
            continue
    assert content.count(b"0.070588 0.203922 0.337255 rg") == 2  # one fill per bar, in #123456
