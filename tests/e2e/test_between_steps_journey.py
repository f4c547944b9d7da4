"""Between two steps, in Chromium (issue 14): a signed agreement says what comes next, with one launch
block and one planned end; closing a pair with a concern still open asks what was done; a mentor without
training is enrolled from their page; the pilot enters a check's result without hunting for the mentor."""

import datetime
import re

from django.utils import timezone
from playwright.sync_api import expect

from binome.accounts.models import Role
from binome.mentorships import services
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.e2e.conftest import assert_accessible, login
from tests.mentors.factories import MentorFactory, TrainingModuleFactory, TrainingSessionFactory
from tests.mentorships.factories import signed_pair


def logged_in(page, user):
    login(page, user)
    expect(page.get_by_role("navigation", name="Navigation principale")).to_be_visible()


def make_member(world, role, key):
    user = UserFactory(with_totp=True)
    MembershipFactory(user=user, organisation=world[key], role=role)
    return user


def test_a_signed_pair_is_launched_then_closed_with_its_open_concern(page, e2e_world):
    coordinator = make_member(e2e_world, Role.COORDINATOR, "association")
    pair = signed_pair(e2e_world, coordinator, placement_structure="Domicile familial")
    agreement = pair.agreements.get()
    logged_in(page, coordinator)
    page.goto(f"/binomes/{pair.pk}/")
    lead = page.locator(".lead")
    expect(lead).to_contain_text("Convention signée — lancez le binôme")
    expect(lead).not_to_contain_text("Convention en cours de signature")
    expect(page.get_by_role("heading", name="Rencontre de lancement")).to_have_count(1)
    assert_accessible(page)

    now = timezone.localtime() - datetime.timedelta(minutes=5)
    page.get_by_label(re.compile(r"^Date et heure de la rencontre de lancement")).fill(
        now.strftime("%Y-%m-%dT%H:%M")
    )
    page.get_by_label(re.compile(r"^Objectifs fixés avec le jeune")).fill("Reprendre confiance en maths")
    page.get_by_role("button", name="Lancer le binôme").click()
    expect(page.locator(".alert--success")).to_contain_text("Le binôme est lancé")
    # One planned end: the agreement's.
    expect(page.locator("dl.details").first).to_contain_text(f"Fin prévue{agreement.end_on:%d/%m/%Y}")

    services.concern_raise(mentorship=pair, message="Il ne répond plus à mes messages.", by_mentor=True)
    page.reload()
    page.get_by_role("link", name="Clôturer le binôme").click()
    expect(page.locator(".alert--warning")).to_contain_text("1 préoccupation encore ouverte")
    expect(page.locator("form.card")).to_contain_text("Il ne répond plus à mes messages.")
    assert_accessible(page)
    page.get_by_label(re.compile(r"^Motif de fin")).select_option("youth_disengaged")
    page.get_by_label("En partie").check()
    page.locator("#id_mentor_may_rematch").get_by_label("Oui").check()
    page.get_by_role("button", name="Clôturer le binôme").click()
    expect(page.locator(".alert--error, .errorlist").first).to_be_visible()
    page.get_by_label(re.compile(r"^Suite donnée à la préoccupation")).fill("Appel au jeune et au référent.")
    page.get_by_role("button", name="Clôturer le binôme").click()
    expect(page.locator(".alert--success")).to_contain_text("Le binôme est clôturé")
    expect(page.locator("main")).not_to_contain_text("Préoccupation signalée")


def test_a_mentor_is_enrolled_from_their_page_and_a_check_entered_in_one_go(browser, live_server, e2e_world):
    association = e2e_world["association"]
    coordinator = make_member(e2e_world, Role.COORDINATOR, "association")
    pilot = make_member(e2e_world, Role.PILOT, "departement")
    module = TrainingModuleFactory(association=association, name="Posture du mentor")
    TrainingSessionFactory(
        association=association,
        title="Session de rentrée",
        starts_at=timezone.now() + datetime.timedelta(days=9),
        modules=[module],
    )
    newcomer = MentorFactory(association=association, first_name="Maëlle", last_name="Aubry")
    checked = MentorFactory(association=association, vetting=True, trained=True, last_name="Aubert")
    following = MentorFactory(association=association, vetting=True, trained=True, last_name="Barbier")

    page = browser.new_context(base_url=live_server.url, locale="fr-FR").new_page()
    logged_in(page, coordinator)
    page.goto(f"/mentors/{newcomer.pk}/")
    expect(page.locator("main")).to_contain_text("Formation requise à terminer.")
    page.get_by_label("Inscrire à une session").select_option(index=0)
    page.get_by_role("button", name="Inscrire").click()
    expect(page.locator(".alert--success")).to_contain_text("inscrit·e à la session « Session de rentrée »")
    expect(page.get_by_role("link", name=re.compile("Session de rentrée"))).to_be_visible()
    assert_accessible(page)

    pilot_page = browser.new_context(base_url=live_server.url, locale="fr-FR").new_page()
    logged_in(pilot_page, pilot)
    pilot_page.goto(f"/honorabilite/mentors/{checked.pk}/")
    pilot_page.get_by_label(re.compile(r"^Demande envoyée le")).fill(timezone.localdate().isoformat())
    pilot_page.get_by_role("button", name="Enregistrer").click()
    expect(pilot_page.get_by_role("heading", name=re.compile("Résultat du contrôle demandé"))).to_be_visible()
    expect(pilot_page.get_by_role("link", name=re.compile("Contrôle suivant"))).to_contain_text(
        following.last_name
    )
    assert_accessible(pilot_page)
    pilot_page.get_by_label("Conforme", exact=True).check()
    pilot_page.get_by_label(re.compile(r"^Résultat reçu le")).fill(timezone.localdate().isoformat())
    pilot_page.get_by_role("button", name="Enregistrer").click()
    expect(pilot_page.get_by_role("heading", level=1)).to_contain_text(following.last_name)
