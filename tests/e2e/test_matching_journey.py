"""Matching in Chromium: filter the table, read a breakdown, run a batch, accept and reject proposals."""

import re

from playwright.sync_api import expect

from binome.accounts.models import Role
from binome.matching.models import Proposal, ProposalState
from binome.mentorships.models import Mentorship
from binome.territories.models import Commune
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.e2e.conftest import assert_accessible, login
from tests.mentors.factories import MentorFactory
from tests.youths.factories import ReferralFactory, YouthFactory


def test_a_coordinator_matches_the_waiting_pool(page, e2e_world):
    association = e2e_world["association"]
    nantes = Commune.objects.create(
        insee_code="44109",
        name="Nantes",
        departement_code="44",
        postal_codes=["44000"],
        latitude=47.2184,
        longitude=-1.5536,
    )
    reze = Commune.objects.create(
        insee_code="44143",
        name="Rezé",
        departement_code="44",
        postal_codes=["44400"],
        latitude=47.1636,
        longitude=-1.5497,
    )
    slots = ["mer_apm", "sam_matin"]
    for first_name, commune in (("Inès", nantes), ("Yanis", reze)):
        youth = YouthFactory(
            ready=True,
            first_name=first_name,
            ase_service=e2e_world["ase_service"],
            commune=commune,
            modality="in_person",
            availability=slots,
        )
        ReferralFactory(youth=youth, accepted=True, association=association)
    for first_name, commune in (("Camille", nantes), ("Dominique", reze)):
        MentorFactory(
            ready=True,
            first_name=first_name,
            association=association,
            commune=commune,
            availability=slots,
            travel_km=15,
        )
    coordinator = UserFactory(with_totp=True)
    MembershipFactory(user=coordinator, organisation=association, role=Role.COORDINATOR)

    login(page, coordinator)
    nav = page.get_by_role("navigation", name="Navigation principale")
    nav.get_by_text("Mentors et binômes", exact=True).click()
    nav.get_by_role("link", name="Mise en binôme").click()
    expect(page.get_by_role("heading", name="Table des matchings")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Commune").select_option(label="Rezé")
    page.get_by_role("button", name="Filtrer").click()
    expect(page.get_by_role("link", name=re.compile("Yanis"))).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Inès"))).to_have_count(0)
    page.get_by_role("link", name="Tout afficher").click()

    page.get_by_role("link", name=re.compile("Inès")).click()
    expect(page.get_by_role("heading", name=re.compile("Mentors pour Inès"))).to_be_visible()
    page.get_by_text("Détail du score").first.click()
    expect(page.get_by_role("cell", name="même commune").first).to_be_visible()
    assert_accessible(page)

    page.goto("/mise-en-binome/propositions/")
    page.get_by_role("button", name="Calculer les propositions").click()
    expect(page.get_by_text("2 binômes proposés pour 2 jeunes en attente")).to_be_visible()
    assert_accessible(page)

    rows = page.locator("table.proposals > tbody > tr")
    expect(rows).to_have_count(2)  # one compact row per proposal
    second = rows.filter(has_text="Yanis")
    expect(second.get_by_label("Motif")).to_be_hidden()  # the reject form waits in a disclosure
    first = rows.filter(has_text="Inès")
    first.get_by_role("button", name=re.compile("^Valider")).click()
    expect(page.get_by_text("Binôme validé : Inès")).to_be_visible()
    expect(page.get_by_role("link", name="Imprimer la convention (PDF)")).to_be_visible()
    assert_accessible(page)

    second = page.locator("table.proposals > tbody > tr").filter(has_text="Yanis")
    second.locator("summary", has_text="Écarter").click()
    second.get_by_label("Motif").select_option("youth_wish")
    second.get_by_role("button", name="Écarter ce binôme").click()
    expect(page.get_by_text("Proposition écartée")).to_be_visible()
    page.get_by_role("link", name=re.compile("Inès – ")).click()
    expect(page.get_by_role("heading", name=re.compile("^Binôme Inès"))).to_be_visible()

    assert Mentorship.objects.get().youth.first_name == "Inès"
    assert Proposal.objects.get(state=ProposalState.REJECTED).youth.first_name == "Yanis"
    page.goto("/mise-en-binome/")
    expect(page.get_by_role("link", name=re.compile("Inès"))).to_have_count(0)
    expect(page.get_by_role("link", name=re.compile("Yanis"))).to_be_visible()
