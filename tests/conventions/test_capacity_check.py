"""Art. D.221-37: a convention enters into force only once the département has checked the association's
capacity (an individual project per child, informing and supporting the mentors) and kept the evidence.
Also the convention's yearly subsidy."""

import datetime
import html
import io
import zipfile
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from binome.accounts.models import Organisation, OrganisationKind, Role
from binome.conventions import services
from binome.conventions.models import CapacityCheck, Convention, ConventionStatus
from tests.accounts.factories import ConventionFactory
from tests.conventions.capacity import PDF, capacity_check, capacity_fields, evidence

TODAY = datetime.date.today()


@pytest.fixture
def newcomer(world):
    """An association implanted in département A, with no convention yet."""
    return Organisation.objects.create(
        kind=OrganisationKind.ASSOCIATION, name="Association Nouvelle", home_departement=world["departement"]
    )


def form_data(association, **extra):
    return {
        "association": str(association.pk),
        "reference": "CONV-CAPA",
        "status": ConventionStatus.ACTIVE,
        "start_date": "2026-01-01",
        "reporting_frequency": "monthly",
        "reporting_day": "5",
        "age_min": "11",
        "age_max": "20",
        **extra,
    }


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def odt() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


def spreadsheet_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return buffer.getvalue()


def test_an_active_convention_without_a_capacity_check_is_refused_in_french_and_keeps_what_was_typed(
    world, member, client_for, newcomer
):
    client = client_for(member(Role.PILOT))
    response = client.post(reverse("conventions:convention_create"), form_data(newcomer))
    assert response.status_code == 422
    page = html.unescape(response.content.decode())
    assert "ne peut pas entrer en vigueur avant que le département ait vérifié les capacités" in page
    assert 'value="CONV-CAPA"' in page
    assert not Convention.objects.filter(association=newcomer).exists()


def test_a_draft_needs_no_check_and_becomes_active_once_the_check_is_recorded(
    world, member, client_for, newcomer
):
    pilot = member(Role.PILOT)
    client = client_for(pilot)
    response = client.post(
        reverse("conventions:convention_create"), form_data(newcomer, status=ConventionStatus.DRAFT)
    )
    assert response.status_code == 302
    convention = Convention.objects.get(association=newcomer)
    edit = reverse("conventions:convention_edit", args=[convention.pk])

    # Made active without the check: refused, still a draft.
    assert client.post(edit, form_data(newcomer)).status_code == 422
    convention.refresh_from_db()
    assert convention.status == ConventionStatus.DRAFT
    assert not Convention.objects.current().filter(pk=convention.pk).exists()

    # With the check: in force, and the check says who recorded it, when, with which evidence.
    checked_on = TODAY - datetime.timedelta(days=3)
    response = client.post(
        edit, form_data(newcomer, **capacity_fields(capacity_checked_on=checked_on.isoformat()))
    )
    assert response.status_code == 302
    convention.refresh_from_db()
    assert convention.status == ConventionStatus.ACTIVE
    assert Convention.objects.current().filter(pk=convention.pk).exists()
    check = CapacityCheck.objects.get(convention=convention)
    assert (check.individual_project, check.mentor_support) == (True, True)
    assert (check.checked_on, check.recorded_by) == (checked_on, pilot)
    assert check.evidence.name.endswith(".pdf") and "verification-capacites" in check.evidence.name
    with check.evidence.open("rb") as stored:
        assert stored.read() == PDF

    # Later edits of an active convention need no new check.
    assert client.post(edit, form_data(newcomer, reference="CONV-CAPA-2")).status_code == 302
    assert CapacityCheck.objects.filter(convention=convention).count() == 1


@pytest.mark.parametrize("missing", ["capacity_individual_project", "capacity_mentor_support"])
def test_both_points_must_be_ticked(world, member, client_for, newcomer, missing):
    client = client_for(member(Role.PILOT))
    data = form_data(newcomer, **capacity_fields())
    del data[missing]
    response = client.post(reverse("conventions:convention_create"), data)
    assert response.status_code == 422
    assert "Cochez ce point une fois vérifié" in html.unescape(response.content.decode())
    assert not Convention.objects.filter(association=newcomer).exists()
    assert not CapacityCheck.objects.exists()


@pytest.mark.parametrize(
    "extra, message",
    [
        ({"capacity_checked_on": (TODAY + datetime.timedelta(days=1)).isoformat()}, "dans le futur"),
        ({"capacity_checked_on": ""}, "Indiquez la date de la vérification"),
        ({"capacity_checked_on": "31/02/2026"}, "Saisissez une date valide"),
        ({"capacity_evidence": ""}, "Joignez la pièce justificative"),
        ({"capacity_evidence": evidence(b"MZ\x90\x00 not a document", "rapport.pdf")}, "Format non accepté"),
        ({"capacity_evidence": evidence(spreadsheet_zip(), "rapport.docx")}, "Format non accepté"),
        ({"capacity_evidence": evidence(b"PK\x03\x04 broken zip", "rapport.odt")}, "Format non accepté"),
        ({"capacity_evidence": evidence(b"%PDF-" + b"0" * (5 * 1024 * 1024), "gros.pdf")}, "dépasse 5 Mo"),
    ],
)
def test_a_wrong_date_or_evidence_is_a_french_error(world, member, client_for, newcomer, extra, message):
    client = client_for(member(Role.PILOT))
    response = client.post(
        reverse("conventions:convention_create"), form_data(newcomer, **capacity_fields(**extra))
    )
    assert response.status_code == 422
    assert message in html.unescape(response.content.decode())
    assert not CapacityCheck.objects.exists()


@pytest.mark.parametrize(
    "content, extension", [(docx(), ".docx"), (odt(), ".odt"), (b"\x89PNG\r\n\x1a\n....", ".png")]
)
def test_text_documents_and_images_are_accepted_and_named_from_their_bytes(
    world, member, client_for, newcomer, content, extension
):
    client = client_for(member(Role.PILOT))
    data = form_data(newcomer, **capacity_fields(capacity_evidence=evidence(content, "compte-rendu.pdf")))
    assert client.post(reverse("conventions:convention_create"), data).status_code == 302
    assert CapacityCheck.objects.get().evidence.name.endswith(extension)


def test_the_service_refuses_an_incomplete_check(world, member):
    pilot = member(Role.PILOT)
    convention = ConventionFactory(departement=world["departement"], status=ConventionStatus.DRAFT)
    with pytest.raises(ValidationError) as error:
        services.capacity_check_record(
            convention=convention, by=pilot, **capacity_check(mentor_support=False)
        )
    assert "capacity_mentor_support" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.capacity_check_record(convention=convention, by=pilot, **capacity_check(evidence=None))
    assert not CapacityCheck.objects.exists()


def test_the_association_cannot_accept_into_force_a_convention_the_departement_has_not_checked(
    world, member, client_for
):
    association = world["association"]
    manager = member(Role.MANAGER, association)
    # An active convention awaiting the association, from before the check existed.
    convention = ConventionFactory(
        departement=world["other_departement"], association=association, awaiting=True
    )
    client = client_for(manager)
    response = client.post(reverse("conventions:convention_accept", args=[convention.pk]), follow=True)
    assert "Le département n'a pas encore enregistré cette vérification" in html.unescape(
        response.content.decode()
    )
    convention.refresh_from_db()
    assert convention.accepted_at is None

    services.capacity_check_record(
        convention=convention, by=member(Role.PILOT, world["other_departement"]), **capacity_check()
    )
    client.post(reverse("conventions:convention_accept", args=[convention.pk]))
    convention.refresh_from_db()
    assert convention.accepted_at is not None
    assert Convention.objects.current().filter(pk=convention.pk).exists()


def test_only_the_departements_people_download_the_evidence(world, member, client_for):
    convention = Convention.objects.get(departement=world["departement"], association=world["association"])
    pilot = member(Role.PILOT)
    check = services.capacity_check_record(convention=convention, by=pilot, **capacity_check())
    url = reverse("conventions:capacity_evidence", args=[check.pk])

    response = client_for(pilot).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert "attachment" in response["Content-Disposition"]
    assert client_for(member(Role.VIEWER)).get(url).status_code == 200
    # The association sees that the check exists, never the file; another département sees nothing.
    manager = member(Role.MANAGER, world["association"])
    assert client_for(manager).get(url).status_code == 404
    page = html.unescape(
        client_for(manager)
        .get(reverse("conventions:convention_detail", args=[convention.pk]))
        .content.decode()
    )
    assert f"faite le {check.checked_on:%d/%m/%Y}" in page
    assert url not in page
    assert client_for(member(Role.PILOT, world["other_departement"])).get(url).status_code == 404


def test_the_yearly_subsidy_is_written_on_the_form_and_shown_on_the_page(world, member, client_for, newcomer):
    client = client_for(member(Role.PILOT))
    data = form_data(newcomer, yearly_subsidy="45000.50", **capacity_fields())
    response = client.post(reverse("conventions:convention_create"), data)
    assert response.status_code == 302
    convention = Convention.objects.get(association=newcomer)
    assert convention.yearly_subsidy == Decimal("45000.50")
    page = (
        html.unescape(client.get(response.url).content.decode()).replace("\u202f", " ").replace("\xa0", " ")
    )
    assert "45 000,50 € par an" in page


@pytest.mark.parametrize(
    "value, message",
    [
        ("-1", "supérieure ou égale à 0"),
        ("beaucoup", "Saisissez un nombre"),
        ("1e400", "chiffres au total"),
        ("NaN", "Saisissez un nombre"),
    ],
)
def test_a_wrong_subsidy_is_a_french_error(world, member, client_for, newcomer, value, message):
    client = client_for(member(Role.PILOT))
    data = form_data(newcomer, status=ConventionStatus.DRAFT, yearly_subsidy=value)
    response = client.post(reverse("conventions:convention_create"), data)
    assert response.status_code == 422
    assert message in html.unescape(response.content.decode())
    assert not Convention.objects.filter(association=newcomer).exists()
