"""The monthly reporting in Chromium: the département's pilot opens last month, the association's
reporting lead completes it, saves, submits, then corrects it; the pilot sees the status and the
versions. Each page passes the axe check."""

import re

from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from binome.accounts.models import Role
from binome.reporting.models import AssociationReport, ReportRevision
from binome.reporting.months import month_label
from binome.utils.months import add_months_first_day
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.e2e.conftest import assert_accessible, login


def make_member(world, role, key):
    user = UserFactory(with_totp=True)
    MembershipFactory(user=user, organisation=world[key], role=role)
    return user


def test_a_month_reported_then_corrected(browser, live_server, page, e2e_world):
    lead = make_member(e2e_world, Role.MANAGER, "association")
    pilot = make_member(e2e_world, Role.PILOT, "departement")
    today = timezone.localdate()
    last_month = add_months_first_day(today, -1)
    label = month_label(last_month)
    deadline = today + timezone.timedelta(days=3)

    # The pilot opens last month's reporting with a deadline in three days.
    pilot_page = browser.new_context(base_url=live_server.url, locale="fr-FR").new_page()
    login(pilot_page, pilot)
    pilot_nav = pilot_page.get_by_role("navigation", name="Navigation principale")
    pilot_nav.get_by_text("Pilotage", exact=True).click()
    pilot_nav.get_by_role("link", name="Suivi mensuel").click()
    assert_accessible(pilot_page)
    pilot_page.get_by_label(re.compile(r"^Mois suivi")).select_option(f"{last_month:%Y-%m}")
    pilot_page.get_by_label(re.compile(r"^Échéance")).fill(deadline.isoformat())
    pilot_page.get_by_role("button", name="Ouvrir le suivi").click()
    expect(pilot_page.get_by_role("heading", level=1)).to_have_text(f"Suivi de {label}")
    expect(pilot_page.locator("table.reporting-status")).to_contain_text("Non commencé")
    assert_accessible(pilot_page)

    # The association's reporting lead sees it on the home page and completes it.
    login(page, lead)
    page.get_by_role("link", name=re.compile(f"Suivi mensuel de {label} à transmettre dans 3 jours")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Suivi de {label}")
    assert_accessible(page)
    page.get_by_label(re.compile(r"^ETP salariés")).fill("1,5")
    page.get_by_label(re.compile(r"^ETP bénévoles")).fill("0,5")
    page.get_by_label(re.compile(r"^Coûts de personnel")).fill("4 200")
    page.get_by_label("Financeur, ligne 1").fill("Conseil départemental")
    page.get_by_label("Sous-projet, ligne 1").select_option("mentoring")
    page.get_by_label("Montant (€), ligne 1").fill("5 000")
    page.get_by_label(re.compile(r"^Difficultés et points de blocage")).fill(
        "Consentements parentaux longs à obtenir."
    )
    page.get_by_role("button", name="Enregistrer sans transmettre").click()
    expect(page.locator(".alert--success")).to_contain_text("Votre saisie est enregistrée")

    # Submitting without every number is refused, next to each missing field, nothing lost.
    page.get_by_role("button", name="Transmettre au département").click()
    expect(page.locator(".field--error").first).to_contain_text("Obligatoire pour transmettre")
    expect(page.get_by_label(re.compile(r"^Difficultés et points de blocage"))).to_have_value(
        "Consentements parentaux longs à obtenir."
    )
    assert_accessible(page)
    for name, value in (
        (r"^Structures ASE contactées", "4"),
        (r"^Structures ASE rencontrées", "2"),
        (r"^Réunions d'information", "1"),
        (r"^Autres actions de sensibilisation", "0"),
        (r"^Ateliers collectifs", "2"),
    ):
        page.get_by_label(re.compile(name)).fill(value)
    page.get_by_role("button", name="Transmettre au département").click()
    expect(page.locator(".alert--success")).to_contain_text(f"Le suivi de {label} est transmis")
    expect(page.get_by_role("heading", level=2, name="Version 1 (en vigueur)")).to_be_visible()
    assert_accessible(page)

    # A correction becomes version 2, with its reason.
    page.get_by_role("link", name="Corriger").click()
    page.get_by_label(re.compile(r"^Ateliers collectifs")).fill("3")
    page.get_by_label(re.compile(r"^Motif de la correction")).fill("Un atelier oublié.")
    page.get_by_role("button", name="Transmettre la correction").click()
    expect(page.locator(".alert--success")).to_contain_text("version 2")
    expect(page.locator(".revision-history")).to_contain_text("Motif : Un atelier oublié.")

    report = AssociationReport.objects.get(association=e2e_world["association"])
    assert report.current_revision == 2
    assert list(
        ReportRevision.objects.filter(report=report).order_by("number").values_list("workshops", flat=True)
    ) == [2, 3]
    assert any(pilot.email in m.to and "correction" in m.subject for m in mail.outbox)

    # The pilot sees it submitted, reads the versions and downloads the Cotech pack.
    pilot_page.reload()
    expect(pilot_page.locator("table.reporting-status")).to_contain_text("Transmis")
    pilot_page.get_by_role("link", name=str(e2e_world["association"])).click()
    expect(pilot_page.locator(".revision-history")).to_contain_text("Ateliers collectifs : 2 → 3")
    assert_accessible(pilot_page)
    pilot_page.go_back()
    with pilot_page.expect_download() as download:
        pilot_page.get_by_role("link", name="Dossier du Cotech (PDF)").click()
    assert download.value.suggested_filename == f"cotech-{last_month:%Y-%m}.pdf"
