"""Issue 19: from an empty database to a département whose associations are invited, without the
Django admin — the commands, the pilot's « Ajouter une association », the administrator's pages."""

import io
import re

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from binome.accounts.models import Invitation, Membership, Organisation, Role, User
from binome.conventions import services
from binome.conventions.models import Convention, ConventionStatus
from binome.references.models import ReferenceItem
from binome.territories.models import Commune, Territory
from binome.territories.services import read_reference
from binome.utils.identifiers import luhn_valid, siret_valid
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.conventions.capacity import capacity_check, capacity_fields

VALID_SIRET = "73282932000074"
VALID_SIRET_SAME_SIREN = "73282932000041"  # another establishment of the same association
OTHER_SIRET = "44306184100047"


def run(command, *args):
    out = io.StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


def link_in(text):
    return re.search(r"https?://\S+", text).group(0)


# --- Identifiers --------------------------------------------------------------------------------


def test_luhn_key_by_hand():
    # 73282932000074 read from the right: 4 7 0 0 0 0 2 3 9 2 8 2 3 7. Kept as they are (1st, 3rd…):
    # 4+0+0+2+9+8+3 = 26. Doubled (2nd, 4th…), minus 9 past 9: 7→5, 0, 0, 3→6, 2→4, 2→4, 7→5 = 24.
    # 26 + 24 = 50, a multiple of 10.
    assert luhn_valid(VALID_SIRET)
    # Change the last digit by one: the sum is 51, no longer a multiple of 10.
    assert not luhn_valid("73282932000075")
    assert siret_valid(VALID_SIRET_SAME_SIREN)


def test_la_poste_establishments_are_checked_by_the_sum_of_their_digits():
    # 3+5+6+4+9+8+3+7 = 45, a multiple of 5, though the Luhn key fails.
    assert not luhn_valid("35600000049837")
    assert siret_valid("35600000049837")
    assert not siret_valid("35600000049838")


# --- setup_departement ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_setup_departement_builds_the_first_day_and_a_second_run_changes_nothing(settings):
    settings.BINOME_SITE_URL = "https://binome.departement.fr"
    out = run("setup_departement", "--code", "44", "--pilot", "Pilote@CD44.example")

    departement = Organisation.objects.departements().get(insee_code="44")
    assert departement.name == "Département de la Loire-Atlantique"
    expected_communes = sum(
        1
        for r in read_reference("communes")
        if r.get("departement") == "44" and r["type"] == "commune-actuelle"
    )
    assert Commune.objects.filter(departement_code="44").count() == expected_communes > 200
    # Loire-Atlantique has three arrondissements: Nantes, Saint-Nazaire, Châteaubriant-Ancenis.
    territories = Territory.objects.filter(departement=departement)
    assert sorted(territories.values_list("name", flat=True)) == [
        "Territoire de Châteaubriant-Ancenis",
        "Territoire de Nantes",
        "Territoire de Saint-Nazaire",
    ]
    assert all(t.communes.exists() for t in territories)
    assert ReferenceItem.objects.filter(departement=departement).exists()
    invitation = Invitation.objects.get(organisation=departement)
    assert (invitation.email, invitation.role) == ("pilote@cd44.example", Role.PILOT)
    link = link_in(out)
    assert link.startswith("https://binome.departement.fr/invitation/")
    assert link in mail.outbox[-1].body

    counts = (Organisation.objects.count(), Territory.objects.count(), ReferenceItem.objects.count())
    again = run("setup_departement", "--code", "44", "--pilot", "pilote@cd44.example")
    assert "rien à faire" in again
    assert "déjà en attente" in again
    assert "http" not in again  # no new link: the first one still works
    assert (Organisation.objects.count(), Territory.objects.count(), ReferenceItem.objects.count()) == counts
    assert len(mail.outbox) == 1
    assert Invitation.objects.pending().count() == 1

    # The link opens the sign-up; the pilot's account is then a member of the département.
    client = Client()
    path = link.removeprefix("https://binome.departement.fr")
    response = client.post(
        path,
        {
            "first_name": "Claire",
            "last_name": "Martin",
            "password1": "Un-mot-de-passe-solide-44",
            "password2": "Un-mot-de-passe-solide-44",
        },
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user__email="pilote@cd44.example")
    assert (membership.organisation, membership.role) == (departement, Role.PILOT)
    # The next page is the authenticator app's set-up: MFA is required before anything else.
    assert client.get(reverse("home")).url == reverse("mfa_activate_totp")
    assert "a déjà un compte" in run("setup_departement", "--code", "44", "--pilot", "pilote@cd44.example")


@pytest.mark.django_db
def test_setup_departement_renvoyer_replaces_the_pending_link():
    first = link_in(run("setup_departement", "--code", "2a", "--pilot", "pilote@cd2a.example"))
    second = link_in(run("setup_departement", "--code", "2A", "--pilot", "pilote@cd2a.example", "--renvoyer"))
    assert first != second
    assert Organisation.objects.get(insee_code="2A").name == "Département de la Corse-du-Sud"
    assert Client().get(first.split("8000", 1)[1]).status_code == 410
    assert Client().get(second.split("8000", 1)[1]).status_code == 200


@pytest.mark.django_db
def test_setup_departement_names_and_codes():
    run("setup_departement", "--code", "1")
    assert Organisation.objects.get(insee_code="01").name == "Département de l'Ain"
    run("setup_departement", "--code", "59", "--name", "Département du Nord (test)")
    assert Organisation.objects.get(insee_code="59").name == "Département du Nord (test)"
    with pytest.raises(CommandError, match="n'est pas un code de département"):
        run("setup_departement", "--code", "99")
    assert not Organisation.objects.filter(insee_code="99").exists()


@pytest.mark.django_db
def test_running_the_set_up_again_never_brings_back_a_territory_the_pilot_reshaped():
    run("setup_departement", "--code", "44")
    departement = Organisation.objects.get(insee_code="44")
    Territory.objects.filter(departement=departement, name="Territoire de Nantes").update(name="Métropole")
    Territory.objects.filter(departement=departement, name="Territoire de Saint-Nazaire").delete()
    again = run("setup_departement", "--code", "44")
    assert "rien à faire" in again
    assert sorted(Territory.objects.filter(departement=departement).values_list("name", flat=True)) == [
        "Métropole",
        "Territoire de Châteaubriant-Ancenis",
    ]


@pytest.mark.django_db
def test_the_first_run_says_the_reference_lists_are_loaded():
    out = run("setup_departement", "--code", "85")
    departement = Organisation.objects.get(insee_code="85")
    count = ReferenceItem.objects.filter(departement=departement).count()
    assert count > 0
    assert f"{count} entrées ajoutées aux listes de référence nationales" in out


@pytest.mark.django_db
@pytest.mark.parametrize(
    "args,message",
    [
        (["--pilot", "pas une adresse"], "Adresse e-mail de la ou du chargé·e de mission invalide"),
        (["--pilot", "pilote\x00@cd44.example"], "Adresse e-mail de la ou du chargé·e de mission invalide"),
        (["--name", "Département\x00"], "Nom illisible ou trop long"),
        (["--name", "x" * 201], "Nom illisible ou trop long"),
    ],
)
def test_the_command_refuses_what_a_form_would(args, message):
    with pytest.raises(CommandError, match=message):
        run("setup_departement", "--code", "44", *args)
    assert not Organisation.objects.filter(insee_code="44").exists()
    assert not Invitation.objects.exists()


# --- setup_admin ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_setup_admin_gives_a_link_to_choose_a_password_never_one_on_the_command_line():
    out = run("setup_admin", "--email", "Admin@Plateforme.example")
    admin = User.objects.get(email="admin@plateforme.example")
    assert admin.is_staff and admin.is_superuser and not admin.has_usable_password()
    path = "/" + link_in(out).split("/", 3)[3]

    client = Client()
    response = client.get(path, follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else path
    response = client.post(
        form_url, {"password1": "Admin-mot-de-passe-2026", "password2": "Admin-mot-de-passe-2026"}
    )
    assert response.status_code == 302
    admin.refresh_from_db()
    assert admin.check_password("Admin-mot-de-passe-2026")

    again = run("setup_admin", "--email", "admin@plateforme.example")
    assert "déjà administrateur" in again and "rien à faire" in again and "http" not in again


@pytest.mark.django_db
def test_setup_admin_promotes_an_existing_account_and_keeps_its_password():
    user = UserFactory(email="support@plateforme.example")
    out = run("setup_admin", "--email", "support@plateforme.example")
    user.refresh_from_db()
    assert user.is_staff and user.check_password("Un-mot-de-passe-solide-1")
    assert "devient administrateur" in out and "http" not in out


# --- The pilot adds associations --------------------------------------------------------------------


@pytest.fixture
def pilot(world, member):
    return member(Role.PILOT)


def search(client, terms):
    client.post(reverse("accounts:association_find"), {"q": terms})
    return client.get(reverse("accounts:association_find"))


def create(client, **data):
    fields = {
        "name": "Mentorat Loire Solidaire",
        "siret": "732 829 320 00074",
        "rna": "w442001234",
        "address": "1 rue de la Paix, 44000 Nantes",
        "email": "contact@loire-solidaire.example",
        "phone": "02 40 00 00 00",
        "manager_email": "Direction@loire-solidaire.example",
    }
    fields.update(data)
    return client.post(reverse("accounts:association_create"), fields)


def test_the_pilot_creates_an_association_implanted_in_her_departement_and_invites_its_manager(
    pilot, world, client_for
):
    client = client_for(pilot)
    response = create(client)
    association = Organisation.objects.get(name="Mentorat Loire Solidaire")
    assert response.status_code == 302
    assert response.url == reverse("accounts:partner_detail", kwargs={"organisation_id": association.pk})
    assert (association.siret, association.rna) == (VALID_SIRET, "W442001234")
    assert association.home_departement == world["departement"]
    invitation = Invitation.objects.get(organisation=association)
    assert (invitation.email, invitation.role) == ("direction@loire-solidaire.example", Role.MANAGER)
    assert "Mentorat Loire Solidaire" in client.get(reverse("accounts:partner_list")).content.decode()
    assert client.get(response.url).status_code == 200

    # A convention with it binds at once: it is implanted in the département.
    convention = services.convention_save(
        convention=Convention(
            departement=world["departement"],
            association=association,
            status=ConventionStatus.ACTIVE,
            start_date="2026-01-01",
        ),
        by=pilot,
        capacity_check=capacity_check(),
    )
    assert convention.accepted_at is not None


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("siret", "732 829 320 00075", "clé de contrôle"),
        ("siret", "7328293200007", "Un SIRET compte 14 chiffres"),
        ("siret", "abcdefghijklmn", "Un SIRET compte 14 chiffres"),
        (
            "siret",
            "７３２８２９３２０００７４",
            "Un SIRET compte 14 chiffres",
        ),  # full-width: not ASCII digits
        ("rna", "X442001234", "Un numéro RNA s'écrit W suivi de 9"),
        ("rna", "W44200", "Un numéro RNA s'écrit W suivi de 9"),
        ("siret", "", "Ce champ est obligatoire"),
        ("name", "", "Ce champ est obligatoire"),
        ("name", "x" * 5000, "au plus 200 caractères"),
    ],
)
def test_a_wrong_number_is_a_french_error_and_what_was_typed_stays(pilot, client_for, field, value, message):
    client = client_for(pilot)
    response = create(client, **{field: value})
    assert response.status_code == 422
    # The message is the field's own error (the help text and the labels say some of the same words).
    errors = " ".join(response.context["form"].errors[field])
    assert message in errors
    page = response.content.decode()
    assert "1 rue de la Paix, 44000 Nantes" in page
    assert not Organisation.objects.filter(name="Mentorat Loire Solidaire").exists()


def test_an_association_is_never_created_twice(pilot, world, member, client_for):
    client = client_for(pilot)
    create(client)
    # Another establishment of the same association (same SIREN), from another département.
    other_pilot = member(Role.PILOT, organisation=world["other_departement"])
    other = client_for(other_pilot)
    response = create(other, name="Loire Solidaire (antenne)", siret=VALID_SIRET_SAME_SIREN, rna="")
    assert response.status_code == 422
    assert "déjà sur la plateforme" in response.content.decode()
    response = create(other, name="Autre nom", siret=OTHER_SIRET, rna="W442001234")
    assert response.status_code == 422
    assert "déjà sur la plateforme" in response.content.decode()
    assert Organisation.objects.filter(siret__startswith=VALID_SIRET[:9]).count() == 1


def test_an_association_without_siret_is_not_created_again_under_the_same_name(pilot, world, client_for):
    # Added before SIRETs were asked: only its name tells it apart.
    Organisation.objects.create(kind="association", name="Mentorat Loire  Solidaire", siret="")
    response = create(client_for(pilot), name="mentorat loire-solidaire")
    assert response.status_code == 422
    assert "déjà sur la plateforme avec ce nom" in " ".join(response.context["form"].errors["name"])
    assert Organisation.objects.filter(kind="association", siret=VALID_SIRET).count() == 0


def test_a_deactivated_association_is_not_created_again_and_the_page_says_whom_to_ask(
    pilot, world, client_for
):
    Organisation.objects.create(kind="association", name="Ancienne", siret=VALID_SIRET, is_active=False)
    response = create(client_for(pilot))
    assert response.status_code == 422
    errors = " ".join(response.context["form"].errors["siret"])
    assert "désactivée" in errors and "administrateur de la plateforme" in errors
    assert Organisation.objects.filter(siret=VALID_SIRET).count() == 1


def test_a_manager_address_that_cannot_be_invited_is_said_under_its_own_field(
    pilot, world, member, client_for
):
    colleague = member(Role.VIEWER, organisation=world["departement"])
    response = create(client_for(pilot), manager_email=colleague.email)
    assert response.status_code == 422
    form = response.context["form"]
    assert "compte de département" in " ".join(form.errors["manager_email"])
    assert "email" not in form.errors
    assert not Organisation.objects.filter(name="Mentorat Loire Solidaire").exists()  # all or nothing


@pytest.mark.parametrize(
    "terms", ["loire solidaire", "732829320", "732 829 320 00074", "W442001234", "w442001234"]
)
def test_the_search_finds_an_association_by_name_siren_siret_or_rna(pilot, world, member, client_for, terms):
    create(client_for(pilot))
    other = client_for(member(Role.PILOT, organisation=world["other_departement"]))
    page = search(other, terms).content.decode()
    assert "Mentorat Loire Solidaire" in page
    assert "Proposer une convention" in page


def test_search_terms_stay_out_of_the_url_and_short_terms_find_nothing(pilot, client_for):
    client = client_for(pilot)
    create(client)
    response = client.post(reverse("accounts:association_find"), {"q": "Loire"})
    assert response.url == reverse("accounts:association_find")
    assert "Mentorat Loire Solidaire" not in search(client, "Lo").content.decode()
    assert search(client, "x" * 10_000).status_code == 200


def test_an_association_from_elsewhere_is_proposed_a_convention_that_its_manager_must_accept(
    pilot, world, member, client_for
):
    create(client_for(pilot))
    association = Organisation.objects.get(name="Mentorat Loire Solidaire")
    manager = member(Role.MANAGER, organisation=association)
    other_pilot = member(Role.PILOT, organisation=world["other_departement"])
    other = client_for(other_pilot)

    page = search(other, "Loire Solidaire").content.decode()
    proposal_url = f"{reverse('conventions:convention_create')}?association={association.pk}"
    assert proposal_url in page
    form_page = other.get(proposal_url).content.decode()
    assert f'<option value="{association.pk}" selected>' in form_page

    response = other.post(
        reverse("conventions:convention_create"),
        {
            "association": association.pk,
            "status": ConventionStatus.ACTIVE,
            "start_date": "2026-01-01",
            "reporting_frequency": "monthly",
            "reporting_day": 5,
            "age_min": 11,
            "age_max": 20,
            **capacity_fields(),
        },
    )
    assert response.status_code == 302
    convention = Convention.objects.get(departement=world["other_departement"], association=association)
    assert convention.accepted_at is None
    assert not Organisation.objects.partners_of(world["other_departement"]).filter(pk=association.pk).exists()
    # Listed as awaiting on the other pilot's partner page, but the association's page stays closed.
    partners = other.get(reverse("accounts:partner_list")).content.decode()
    assert "en attente de l'accord" in partners
    assert (
        other.get(reverse("accounts:partner_detail", kwargs={"organisation_id": association.pk})).status_code
        == 404
    )

    services.convention_accept(convention=convention, by=manager)
    assert Organisation.objects.partners_of(world["other_departement"]).filter(pk=association.pk).exists()


def test_ase_services_carry_their_siret(pilot, client_for):
    client = client_for(pilot)
    response = client.post(
        reverse("accounts:ase_service_create"), {"name": "Foyer de l'enfance", "siret": "443 061 841 00047"}
    )
    assert response.status_code == 302
    assert Organisation.objects.get(name="Foyer de l'enfance").siret == OTHER_SIRET
    response = client.post(
        reverse("accounts:ase_service_create"), {"name": "Autre", "siret": "44306184100048"}
    )
    assert response.status_code == 422


# --- Platform administrator -------------------------------------------------------------------------


@pytest.fixture
def admin_client(db, client_for):
    admin = UserFactory(with_totp=True, is_staff=True, is_superuser=True)
    client = client_for(admin)
    client.admin = admin
    return client


def test_the_administrator_creates_a_departement_like_the_command(admin_client):
    response = admin_client.post(
        reverse("accounts:platform_departement_create"),
        {"code": "85", "name": "", "pilot_email": "pilote@cd85.example"},
    )
    departement = Organisation.objects.get(insee_code="85")
    assert response.url == reverse("accounts:platform_departement_done")
    page = admin_client.get(response.url).content.decode()
    assert departement.name == "Département de la Vendée"
    assert "Département de la Vendée" in page and "Invitation envoyée à pilote@cd85.example" in page
    assert Territory.objects.filter(departement=departement).exists()
    assert mail.outbox[-1].to == ["pilote@cd85.example"]
    # The one-time link, for an instance whose e-mail is not set up yet, as the command prints it.
    link = re.search(r'value="(https?://[^"]+/invitation/[^"]+)"', page).group(1)
    assert link in mail.outbox[-1].body
    organisation_url = reverse("accounts:platform_organisation", kwargs={"organisation_id": departement.pk})
    assert organisation_url in page
    assert "pilote@cd85.example" in admin_client.get(organisation_url).content.decode()  # pending invitation

    # Shown once: a reload goes to the organisations.
    assert admin_client.get(reverse("accounts:platform_departement_done")).url == reverse(
        "accounts:platform_organisations"
    )

    # Again: nothing to do and no link; with « Renvoyer l'invitation », a new link replaces the first.
    data = {"code": "85", "name": "", "pilot_email": "pilote@cd85.example"}
    again = admin_client.post(reverse("accounts:platform_departement_create"), data, follow=True)
    assert "Rien à faire" in again.content.decode() and "/invitation/" not in again.content.decode()
    renewed = admin_client.post(
        reverse("accounts:platform_departement_create"), {**data, "reinvite": "on"}, follow=True
    ).content.decode()
    new_link = re.search(r'value="(https?://[^"]+/invitation/[^"]+)"', renewed).group(1)
    assert new_link != link and Invitation.objects.pending().filter(organisation=departement).count() == 1

    # A double click (the same one-time form token twice): one set-up, and the second click lands on
    # the same result page, so the link is not lost.
    once = {"code": "2B", "name": "", "pilot_email": "pilote@cd2b.example", "envoi_unique": "x" * 32}
    first = admin_client.post(reverse("accounts:platform_departement_create"), once)
    second = admin_client.post(reverse("accounts:platform_departement_create"), once)
    assert first.url == second.url == reverse("accounts:platform_departement_done")
    assert "/invitation/" in admin_client.get(second.url).content.decode()
    assert Invitation.objects.filter(email="pilote@cd2b.example").count() == 1

    response = admin_client.post(
        reverse("accounts:platform_departement_create"),
        {"code": "zz", "name": "", "pilot_email": "a@b.example"},
    )
    assert response.status_code == 422
    assert "n&#x27;est pas un code de département" in response.content.decode()


def test_the_administrator_sees_every_organisation_and_its_active_members(admin_client, world):
    pilot = MembershipFactory(organisation=world["departement"], role=Role.PILOT).user
    gone = MembershipFactory(organisation=world["departement"], role=Role.VIEWER, is_active=False).user
    page = admin_client.get(reverse("accounts:platform_organisations")).content.decode()
    for organisation in world.values():
        assert organisation.name in page
    only = admin_client.get(
        reverse("accounts:platform_organisations") + "?type=associations"
    ).content.decode()
    assert "Association A" in only and "Service ASE A" not in only
    detail = admin_client.get(
        reverse("accounts:platform_organisation", kwargs={"organisation_id": world["departement"].pk})
    ).content.decode()
    assert pilot.email in detail
    assert gone.email not in detail


def test_the_administrator_deactivates_an_account_and_its_sessions_end(
    admin_client, world, member, client_for
):
    pilot = member(Role.PILOT)
    pilot_client = client_for(pilot)
    assert pilot_client.get(reverse("home")).status_code == 200
    response = admin_client.post(
        reverse("accounts:platform_account_deactivate", kwargs={"user_id": pilot.pk}),
        {"organisation": str(world["departement"].pk)},
    )
    assert response.url == reverse(
        "accounts:platform_organisation", kwargs={"organisation_id": world["departement"].pk}
    )
    pilot.refresh_from_db()
    assert not pilot.is_active
    assert pilot_client.get(reverse("home")).status_code == 302  # back to the login page

    own = admin_client.post(
        reverse("accounts:platform_account_deactivate", kwargs={"user_id": admin_client.admin.pk}),
        {"organisation": "not-a-uuid"},
        follow=True,
    )
    assert "votre propre compte" in own.content.decode()
    admin_client.admin.refresh_from_db()
    assert admin_client.admin.is_active


def test_platform_pages_are_closed_to_a_pilot(pilot, client_for):
    client = client_for(pilot)
    assert client.get(reverse("accounts:platform_organisations")).status_code == 403
    response = client.post(
        reverse("accounts:platform_departement_create"), {"code": "01", "pilot_email": "a@b.example"}
    )
    assert response.status_code == 403
    assert not Organisation.objects.filter(insee_code="01").exists()


# --- Coordinates: SIRET, RNA and contact details, corrected without the Django admin ----------------


def details(client, url_name, organisation=None, **data):
    kwargs = {"organisation_id": organisation.pk} if url_name != "own_details_edit" else {}
    fields = {"name": "", "siret": "", "rna": "", "address": "", "email": "", "phone": ""}
    if organisation is not None:
        fields.update({k: getattr(organisation, k) for k in fields})
    fields.update(data)
    return client.post(reverse(f"accounts:{url_name}", kwargs=kwargs), fields)


def test_the_pilot_corrects_an_association_she_added_until_its_manager_has_an_account(
    pilot, world, member, client_for
):
    client = client_for(pilot)
    association = Organisation.objects.create(
        kind="association", name="Ancienne sans SIRET", home_departement=world["departement"]
    )
    # Implanted in her département: on her partner pages before any convention.
    page = client.get(reverse("accounts:partner_detail", kwargs={"organisation_id": association.pk}))
    assert "Corriger le nom, les numéros ou les coordonnées" in page.content.decode()

    response = details(client, "partner_details_edit", association, siret="732 829 320 00075")
    assert response.status_code == 422
    assert "clé de contrôle" in " ".join(response.context["form"].errors["siret"])
    response = details(
        client, "partner_details_edit", association, siret="732 829 320 00074", rna="w442001234"
    )
    assert response.status_code == 302
    association.refresh_from_db()
    assert (association.siret, association.rna) == (VALID_SIRET, "W442001234")
    assert VALID_SIRET in client.get(response.url).content.decode()

    # Once its manager has an account, the coordinates are the association's own.
    manager = member(Role.MANAGER, organisation=association)
    assert details(client, "partner_details_edit", association, phone="01").status_code == 404
    own = client_for(manager)
    assert reverse("accounts:own_details_edit") in own.get(reverse("accounts:members")).content.decode()
    assert details(own, "own_details_edit", association, phone="02 40 00 00 01").status_code == 302
    association.refresh_from_db()
    assert association.phone == "02 40 00 00 01"


def test_an_association_cannot_take_the_siren_of_another(world, member, client_for):
    Organisation.objects.create(kind="association", name="Première", siret=VALID_SIRET)
    manager = member(Role.MANAGER, organisation=world["association"])
    response = details(
        client_for(manager), "own_details_edit", world["association"], siret=VALID_SIRET_SAME_SIREN
    )
    assert response.status_code == 422
    assert "« Première » a déjà ce numéro" in " ".join(response.context["form"].errors["siret"])
    world["association"].refresh_from_db()
    assert world["association"].siret != VALID_SIRET_SAME_SIREN


def test_the_pilot_never_edits_an_association_of_another_departement(world, member, client_for):
    pilot = member(Role.PILOT)
    # Association A works with département A through a convention, but is implanted elsewhere.
    world["association"].home_departement = world["other_departement"]
    world["association"].save()
    response = details(client_for(pilot), "partner_details_edit", world["association"], phone="00")
    assert response.status_code == 404
    coordinator = member(Role.COORDINATOR, organisation=world["association"])
    assert details(client_for(coordinator), "own_details_edit", world["association"]).status_code == 403


def test_the_administrator_corrects_any_organisation_and_finds_accounts_without_membership(
    admin_client, world
):
    service = world["ase_service"]
    response = details(
        admin_client, "platform_details_edit", service, siret="443 061 841 00047", name="Foyer\x00"
    )
    assert response.status_code == 422  # NUL refused, nothing saved
    response = details(admin_client, "platform_details_edit", service, siret="443 061 841 00047")
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.siret == OTHER_SIRET

    lonely = UserFactory(email="retiree@asso.example")  # no membership at all
    other_admin = UserFactory(email="support@plateforme.example", is_staff=True)
    admin_client.post(reverse("accounts:platform_accounts"), {"q": "retiree@asso"})
    page = admin_client.get(reverse("accounts:platform_accounts")).content.decode()
    assert "retiree@asso.example" in page and "Aucune" in page
    assert "support@plateforme.example" not in page
    response = admin_client.post(
        reverse("accounts:platform_account_deactivate", kwargs={"user_id": lonely.pk}), {"back": "accounts"}
    )
    assert response.url == reverse("accounts:platform_accounts")
    lonely.refresh_from_db()
    assert not lonely.is_active
    admin_client.post(reverse("accounts:platform_accounts"), {"q": "support"})
    page = admin_client.get(reverse("accounts:platform_accounts")).content.decode()
    assert "support@plateforme.example" in page and "Administrateur de la plateforme" in page
    assert other_admin.is_active
