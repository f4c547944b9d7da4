"""The pair lifecycle in Chromium: a validated pair gets its agreement signed and starts; the mentor logs a
meeting and reports a concern through the magic link; the pair turns red and the coordinator is alerted;
the annual review; the closure with its exit survey; the renewal."""

import re

from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from binome.accounts.models import Role
from binome.mentorships.models import Mentorship, MentorshipState
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.e2e.conftest import assert_accessible, login
from tests.mentorships.factories import validated_pair


def make_member(world, role, key):
    user = UserFactory(with_totp=True)
    MembershipFactory(user=user, organisation=world[key], role=role)
    return user


def path_in(message, pattern):
    return re.search(rf"https?://[^/\s]+({pattern})", message.body).group(1)


def test_from_a_validated_pair_to_its_renewal(browser, live_server, page, e2e_world):
    coordinator = make_member(e2e_world, Role.COORDINATOR, "association")
    pair = validated_pair(e2e_world, coordinator, placement_structure="Domicile familial")
    youth, mentor = pair.youth, pair.mentor
    now = timezone.localtime()

    # The coordinator finds the pair waiting for its agreement and records each party's signature.
    login(page, coordinator)
    nav = page.get_by_role("navigation", name="Navigation principale")
    nav.get_by_text("Mentors et binômes", exact=True).click()
    nav.get_by_role("link", name="Binômes").click()
    assert_accessible(page)
    page.get_by_role("link", name=f"{youth.first_name} {youth.last_name}").click()
    expect(page.locator(".lead")).to_contain_text("Convention à signer")
    assert_accessible(page)
    expect(page.get_by_role("button", name="Lancer le binôme")).to_have_count(0)
    for party in ("ase", "association", "youth", "mentor"):
        page.get_by_label(re.compile(r"^Partie")).select_option(party)
        page.get_by_label(re.compile(r"^Nom et qualité du signataire")).fill(f"Signataire {party}")
        page.get_by_label(re.compile(r"^Signé le")).fill(now.date().isoformat())
        page.get_by_label("Signé en présence du chargé de mentorat").check()
        page.get_by_role("button", name="Enregistrer la signature").click()
    expect(page.locator(".alert--success")).to_contain_text("Toutes les parties ont signé")

    # The launch meeting starts the pair.
    page.get_by_label(re.compile(r"^Date et heure de la rencontre de lancement")).fill(
        now.strftime("%Y-%m-%dT%H:%M")
    )
    page.get_by_label(re.compile(r"^Objectifs fixés avec le jeune")).fill("Reprendre confiance en maths")
    page.get_by_role("button", name="Lancer le binôme").click()
    expect(page.locator(".alert--success")).to_contain_text("Le binôme est lancé")
    assert_accessible(page)

    # The mentor receives a link to their space, logs a meeting and reports a concern.
    page.get_by_role("button", name="Envoyer au mentor le lien de son espace").click()
    expect(page.locator(".alert--success")).to_contain_text("lien vers son espace")
    [link_mail] = [m for m in mail.outbox if m.to == [mentor.email]]
    mentor_page = browser.new_context(base_url=live_server.url, locale="fr-FR").new_page()
    mentor_page.goto(path_in(link_mail, r"/binomes/espace-mentor/acces/[^/\s]+/"))
    expect(mentor_page.get_by_role("heading", level=1)).to_have_text(f"Bonjour {mentor.first_name}")
    expect(mentor_page.locator(".lead")).to_contain_text(youth.first_name)
    expect(mentor_page.locator("main")).not_to_contain_text(youth.last_name)
    assert_accessible(mentor_page)
    mentor_page.get_by_label(re.compile(r"^Date et heure")).fill(now.strftime("%Y-%m-%dT%H:%M"))
    mentor_page.get_by_label(re.compile(r"^La rencontre")).select_option("held")
    mentor_page.get_by_label(re.compile(r"^Note courte")).fill("Bibliothèque, exercices de fractions")
    mentor_page.get_by_role("button", name="Enregistrer").click()
    expect(mentor_page.locator(".alert--success")).to_contain_text("c'est noté")
    mentor_page.get_by_role("link", name="Signaler une préoccupation").click()
    assert_accessible(mentor_page)
    mentor_page.get_by_label(re.compile(r"^Ce qui vous inquiète")).fill(
        "Il semble très fatigué ces temps-ci."
    )
    mentor_page.get_by_role("button", name="Envoyer à l'association").click()
    expect(mentor_page.locator(".alert--success")).to_contain_text("prévenu·e")

    # The pair is red; the coordinator was alerted at once and sees it on the home page.
    alerts = [m for m in mail.outbox if m.to == [coordinator.email]]
    assert len(alerts) == 1 and "Alerte" in alerts[0].subject and youth.first_name not in alerts[0].subject
    page.goto("/")
    page.get_by_role("link", name=re.compile("Binômes en rouge")).click()
    page.get_by_role("link", name=f"{youth.first_name} {youth.last_name}").click()
    expect(page.locator(".colour--large")).to_have_text("En retard ou préoccupation")
    expect(page.locator("#rencontres")).to_contain_text("Bibliothèque, exercices de fractions")
    page.get_by_role("link", name="Noter la suite donnée").click()
    page.get_by_label(re.compile(r"^Suite donnée")).fill("Appel au référent ASE : rendez-vous médical pris.")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator(".colour--large")).not_to_have_text("En retard ou préoccupation")

    # The annual review, with the youth's opinion.
    page.get_by_label(re.compile(r"^Bilan réalisé le")).fill(now.date().isoformat())
    page.get_by_label(re.compile(r"^Participants")).fill("Référente ASE, chargé de mentorat, le jeune")
    page.get_by_label(re.compile(r"^Avis du jeune")).fill("Il veut continuer.")
    page.get_by_label("Poursuivre le mentorat").check()
    page.get_by_role("button", name="Enregistrer le bilan").click()
    expect(page.locator(".alert--success")).to_contain_text("Prochain bilan dû le")

    # The closure; the mentor answers the exit survey.
    page.get_by_role("link", name="Clôturer le binôme").click()
    assert_accessible(page)
    page.get_by_label(re.compile(r"^Motif de fin")).select_option("planned_end")
    page.get_by_label("En grande partie").check()
    page.locator("#id_mentor_may_rematch").get_by_label("Oui").check()
    page.get_by_role("button", name="Clôturer le binôme").click()
    expect(page.locator(".alert--success")).to_contain_text("Le binôme est clôturé")
    expect(page.locator("#questionnaires")).to_contain_text("Remplir avec le jeune")
    [survey_mail] = [m for m in mail.outbox if m.to == [mentor.email] and "questionnaire" in m.subject]
    mentor_page.goto(path_in(survey_mail, r"/questionnaires/r/[^/\s]+/"))
    assert_accessible(mentor_page)
    for group in mentor_page.locator("form.survey fieldset").all():
        group.get_by_label("4", exact=True).check()
    mentor_page.get_by_role("button", name="Envoyer mes réponses").click()
    expect(mentor_page.get_by_role("heading", level=1)).to_have_text("Merci pour vos réponses")

    # The renewal: a new pair with the same mentor, counted apart.
    page.get_by_role("button", name="Reconduire avec le même mentor").click()
    expect(page.locator(".lead")).to_contain_text("reconduction")
    renewal = Mentorship.objects.get(previous=pair)
    assert renewal.is_renewal and renewal.mentor == mentor and renewal.state == MentorshipState.AGREEMENT
