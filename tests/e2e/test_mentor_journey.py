"""The mentor pathway in Chromium: apply, interview, training, vetting by the département, ready."""

import re

from django.core import mail
from django.utils import timezone
from freezegun import freeze_time
from playwright.sync_api import expect

from binome.accounts.models import Role
from binome.mentors.models import Mentor, MentorStage, TrainingModule, TrainingSession
from binome.territories.models import Commune
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.e2e.conftest import assert_accessible, login


def make_member(world, role, key):
    user = UserFactory(with_totp=True)
    MembershipFactory(user=user, organisation=world[key], role=role)
    return user


def test_candidate_to_ready_mentor(browser, live_server, page, e2e_world):
    Commune.objects.create(insee_code="44109", name="Nantes", departement_code="44", postal_codes=["44000"])
    association = e2e_world["association"]
    module = TrainingModule.objects.create(association=association, name="Posture du mentor")
    session = TrainingSession.objects.create(
        association=association, title="Formation initiale", starts_at=timezone.now(), place="Nantes"
    )
    session.modules.add(module)
    coordinator = make_member(e2e_world, Role.COORDINATOR, "association")
    pilot = make_member(e2e_world, Role.PILOT, "departement")

    # A candidate applies, without an account. The form refuses a too-quick submission.
    candidate = browser.new_context(base_url=live_server.url, locale="fr-FR").new_page()
    candidate.goto(f"/candidater/{association.pk}/")
    assert_accessible(candidate)
    fields = {
        r"^Prénom": "Claire",
        r"^Nom \(": "Lambert",
        r"^E-mail": "claire.lambert@exemple.example",
        r"^Date de naissance": "1990-04-02",
        r"^Motivation": "J'ai été accompagnée moi-même et je veux transmettre.",
        r"^Distance": "15",
    }
    for label, value in fields.items():
        candidate.get_by_label(re.compile(label)).fill(value)
    candidate.get_by_label(re.compile(r"^Genre")).select_option("f")
    candidate.get_by_label(re.compile(r"^Commune")).select_option(label="Nantes (44000)")
    candidate.get_by_label(re.compile(r"^Situation")).select_option("employed")
    candidate.get_by_label(re.compile(r"^Modalité")).select_option("in_person")
    candidate.get_by_label("mercredi après-midi").check()
    candidate.get_by_label("Soutien scolaire").check()
    candidate.get_by_label(re.compile("J'ai lu l'information")).check()
    with freeze_time(timezone.now() + timezone.timedelta(seconds=30), tick=True):
        candidate.get_by_role("button", name="Envoyer ma candidature").click()
        expect(candidate.get_by_role("heading", level=1)).to_have_text("Merci, votre candidature est envoyée")
    assert "claire.lambert@exemple.example" in [to for m in mail.outbox for to in m.to]
    mentor = Mentor.objects.get(email="claire.lambert@exemple.example")

    # The coordinator takes it through the pipeline.
    login(page, coordinator)
    nav = page.get_by_role("navigation", name="Navigation principale")
    nav.get_by_text("Mentors et binômes", exact=True).click()
    nav.get_by_role("link", name="Mentors").click()
    assert_accessible(page)
    page.get_by_role("link", name="Lambert Claire").click()
    assert_accessible(page)
    page.get_by_label(re.compile(r"^Nouvelle étape")).select_option("interview_done")
    page.get_by_label(re.compile(r"^Notes d'entretien")).fill("Disponible le mercredi, très motivée.")
    page.get_by_role("button", name="Enregistrer l'étape").click()
    expect(page.locator(".alert--success")).to_contain_text("Entretien réalisé")
    page.get_by_label(re.compile(r"^Nouvelle étape")).select_option("training")
    page.get_by_role("button", name="Enregistrer l'étape").click()

    page.goto(f"/formations/sessions/{session.pk}/")
    page.get_by_role("button", name="Inscrire").click()
    page.get_by_label("Claire Lambert").check()
    page.get_by_role("button", name="Enregistrer les présences").click()
    expect(page.locator(".alert--success")).to_contain_text("présences")
    page.goto(f"/mentors/{mentor.pk}/")
    expect(page.get_by_text("Formation requise terminée", exact=True)).to_be_visible()
    page.get_by_label(re.compile(r"^Nouvelle étape")).select_option("vetting")
    page.get_by_role("button", name="Enregistrer l'étape").click()

    # The département requests then records the honorability check.
    pilot_page = browser.new_context(base_url=live_server.url, locale="fr-FR").new_page()
    login(pilot_page, pilot)
    pilot_nav = pilot_page.get_by_role("navigation", name="Navigation principale")
    honorability = pilot_nav.get_by_role("link", name="Honorabilité")
    if not honorability.is_visible():
        # The link sits in the « Mentors et binômes » group, closed unless the page belongs to it.
        pilot_nav.get_by_text("Mentors et binômes", exact=True).click()
    honorability.click()
    assert_accessible(pilot_page)
    pilot_page.get_by_role("link", name="Lambert Claire").click()
    pilot_page.get_by_label(re.compile(r"^Demande envoyée le")).fill(timezone.localdate().isoformat())
    pilot_page.get_by_role("button", name="Enregistrer").click()
    # The pilot stays on the mentor to enter the result when it comes.
    pilot_page.get_by_label("Conforme", exact=True).check()
    pilot_page.get_by_label(re.compile(r"^Résultat reçu le")).fill(timezone.localdate().isoformat())
    pilot_page.get_by_role("button", name="Enregistrer").click()
    expect(pilot_page.locator(".alert--success")).to_contain_text("résultat")

    mentor.refresh_from_db()
    assert mentor.stage == MentorStage.READY
    assert mentor in Mentor.objects.matchable()
    page.goto(f"/mentors/{mentor.pk}/")
    expect(page.locator(".lead")).to_contain_text("Prêt·e à être mis·e en binôme")
