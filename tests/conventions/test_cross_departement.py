"""Issue 12, item 1 (high): a pilot of département B created, alone, an active convention with an
association of département A, then read A's association's mentors and recorded their honorability
results. A convention with an association implanted elsewhere now binds only once the association's
manager accepts it, and one département can never lift another's failed honorability check."""

import datetime
import html
import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from binome.accounts.models import Role
from binome.conventions.models import Convention
from binome.mentors import services
from binome.mentors.models import CheckResult, HonorabilityCheck, MentorStage
from tests.accounts.factories import ConventionFactory
from tests.conventions.capacity import capacity_fields
from tests.mentors.factories import HonorabilityCheckFactory, MentorFactory

TODAY = datetime.date.today()


@pytest.fixture
def setting(world, member):
    """Association A is implanted in département A (its convention there is in force). Département B's
    pilot is the attacker."""
    association = world["association"]
    association.home_departement = world["departement"]
    association.save()
    return {
        "association": association,
        "pilot_a": member(Role.PILOT, world["departement"]),
        "pilot_b": member(Role.PILOT, world["other_departement"]),
        "manager": member(Role.MANAGER, association, email="responsable@asso-a.example"),
        # In vetting, trained, no check yet: a compliant result would make them ready.
        "vetting": MentorFactory(association=association, vetting=True, trained=True, last_name="Vettingnom"),
        "ready": MentorFactory(association=association, ready=True, last_name="Readynom"),
    }


def convention_form(association, **extra):
    return {
        "association": str(association.pk),
        "reference": "CONV-B",
        "status": "active",
        "start_date": (TODAY - datetime.timedelta(days=30)).isoformat(),
        "end_date": (TODAY + datetime.timedelta(days=365)).isoformat(),
        "reporting_frequency": "monthly",
        "reporting_day": "5",
        "age_min": "11",
        "age_max": "20",
        **capacity_fields(),
        **extra,
    }


def results_file(rows):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Identifiant", "Nom", "Résultat", "Date du résultat"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(
        "resultats.xlsx",
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def test_the_attack_no_longer_works(setting, world, client_for):
    attacker = client_for(setting["pilot_b"])
    response = attacker.post(
        reverse("conventions:convention_create"), convention_form(setting["association"])
    )
    assert response.status_code == 302
    convention = Convention.objects.get(
        departement=world["other_departement"], association=setting["association"]
    )
    # Saved, as the pilot's proposal, but not in force: the association has not agreed.
    assert convention.status == "active"
    assert convention.accepted_at is None
    assert not convention.is_current()
    assert not Convention.objects.current().filter(pk=convention.pk).exists()

    vetting, ready = setting["vetting"], setting["ready"]
    # B reads nothing of A's association's mentors: not the list, not a page, not the export.
    listing = attacker.get(reverse("mentors:check_list")).content.decode()
    assert vetting.last_name not in listing and ready.last_name not in listing
    for fmt in ("csv", "xlsx"):
        export = attacker.get(reverse("mentors:check_export", kwargs={"fmt": fmt}))
        assert vetting.last_name.encode() not in export.content
    assert attacker.get(reverse("mentors:check_record", kwargs={"mentor_id": vetting.pk})).status_code == 404
    assert attacker.get(reverse("mentors:detail", kwargs={"mentor_id": ready.pk})).status_code in (403, 404)
    assert (
        attacker.get(reverse("accounts:partner_detail", args=[setting["association"].pk])).status_code == 404
    )

    # B cannot record results, by hand or by file.
    response = attacker.post(
        reverse("mentors:check_record", kwargs={"mentor_id": ready.pk}),
        {"result": "not_compliant", "result_on": TODAY.isoformat()},
    )
    assert response.status_code == 404
    response = attacker.post(
        reverse("mentors:check_import"),
        {
            "file": results_file(
                [
                    [str(vetting.pk), vetting.last_name, "conforme", TODAY.strftime("%d/%m/%Y")],
                    [str(ready.pk), ready.last_name, "non conforme", TODAY.strftime("%d/%m/%Y")],
                ]
            )
        },
    )
    assert "mentor inconnu" in response.content.decode()
    vetting.refresh_from_db()
    ready.refresh_from_db()
    assert vetting.stage == MentorStage.VETTING and vetting.honorability_valid_until is None
    assert ready.stage == MentorStage.READY
    assert not HonorabilityCheck.objects.filter(departement=world["other_departement"]).exists()


def test_the_association_manager_is_asked_and_her_answer_decides(setting, world, client_for):
    client_for(setting["pilot_b"]).post(
        reverse("conventions:convention_create"), convention_form(setting["association"])
    )
    convention = Convention.objects.get(
        departement=world["other_departement"], association=setting["association"]
    )
    [proposal] = mail.outbox
    assert proposal.to == ["responsable@asso-a.example"]
    assert proposal.subject == "[Binôme] Une convention de mentorat vous est proposée par un département"

    manager = client_for(setting["manager"])
    page = manager.get(reverse("conventions:convention_detail", args=[convention.pk])).content.decode()
    assert "Accepter la convention" in page
    # A manager of another association, or a coordinator, cannot answer for her.
    other_manager = client_for(setting_member(world, Role.MANAGER, world["other_association"]))
    assert (
        other_manager.post(reverse("conventions:convention_accept", args=[convention.pk])).status_code == 404
    )
    coordinator = client_for(setting_member(world, Role.COORDINATOR, setting["association"]))
    assert coordinator.post(reverse("conventions:convention_accept", args=[convention.pk])).status_code == 403
    convention.refresh_from_db()
    assert convention.accepted_at is None

    assert manager.post(reverse("conventions:convention_accept", args=[convention.pk])).status_code == 302
    convention.refresh_from_db()
    assert convention.is_current() and convention.accepted_by == setting["manager"]
    assert mail.outbox[-1].to == [setting["pilot_b"].email]
    # Now B works with the association: it sees its mentors for their checks.
    listing = client_for(setting["pilot_b"]).get(reverse("mentors:check_list")).content.decode()
    assert setting["vetting"].last_name in listing
    # A second answer changes nothing.
    manager.post(reverse("conventions:convention_decline", args=[convention.pk]))
    convention.refresh_from_db()
    assert convention.declined_at is None and convention.is_current()


def setting_member(world, role, organisation):
    from tests.accounts.factories import MembershipFactory, UserFactory

    return MembershipFactory(user=UserFactory(with_totp=True), organisation=organisation, role=role).user


def test_a_declined_convention_never_binds(setting, world, client_for):
    client_for(setting["pilot_b"]).post(
        reverse("conventions:convention_create"), convention_form(setting["association"])
    )
    convention = Convention.objects.get(
        departement=world["other_departement"], association=setting["association"]
    )
    client_for(setting["manager"]).post(reverse("conventions:convention_decline", args=[convention.pk]))
    convention.refresh_from_db()
    assert convention.declined_at is not None and not convention.is_current()
    # Editing it again does not sneak it into force.
    client_for(setting["pilot_b"]).post(
        reverse("conventions:convention_edit", args=[convention.pk]),
        convention_form(setting["association"], reference="CONV-B-2"),
    )
    convention.refresh_from_db()
    assert convention.reference == "CONV-B-2" and not convention.is_current()


def test_a_convention_with_an_association_implanted_in_the_departement_binds_at_once(
    setting, world, client_for
):
    Convention.objects.filter(departement=world["departement"]).delete()
    response = client_for(setting["pilot_a"]).post(
        reverse("conventions:convention_create"), convention_form(setting["association"])
    )
    assert response.status_code == 302
    convention = Convention.objects.get(departement=world["departement"])
    assert convention.is_current()
    assert not mail.outbox


def test_the_association_of_a_convention_never_changes(setting, world, client_for):
    convention = Convention.objects.get(departement=world["departement"])
    client_for(setting["pilot_a"]).post(
        reverse("conventions:convention_edit", args=[convention.pk]),
        convention_form(world["other_association"], reference="CHANGEE"),
    )
    convention.refresh_from_db()
    assert convention.association == setting["association"]


@pytest.mark.parametrize("value", ["zzz", "", "0" * 40, "'; DROP TABLE x; --"])
def test_a_malformed_association_is_a_french_form_error(setting, client_for, value):
    response = client_for(setting["pilot_b"]).post(
        reverse("conventions:convention_create"),
        {**convention_form(setting["association"]), "association": value},
    )
    assert response.status_code == 422
    assert "association" in response.content.decode().lower()


@pytest.mark.parametrize("value", ["", "pas-un-uuid", "00000000-0000-0000-0000-000000000000"])
def test_switching_to_a_malformed_or_foreign_membership_is_a_not_found(setting, client_for, value):
    response = client_for(setting["pilot_b"]).post(
        reverse("accounts:organisation_switch"), {"membership": value}
    )
    assert response.status_code == 404


# --- One honorability status, each département correcting only its own checks ----------------------------


@pytest.fixture
def shared_mentor(setting, world):
    """The association works with both départements (B's convention accepted)."""
    ConventionFactory(departement=world["other_departement"], association=setting["association"])
    return setting["ready"]


def _check(mentor, departement, result, requested_days_ago, pilot):
    check = HonorabilityCheckFactory(
        mentor=mentor,
        departement=departement,
        requested_on=TODAY - datetime.timedelta(days=requested_days_ago),
    )
    return services.check_result(
        check=check,
        result=result,
        result_on=TODAY - datetime.timedelta(days=requested_days_ago - 1),
        by=pilot,
        departement=departement,
    )


def test_another_departements_compliant_result_cannot_lift_a_failure(setting, world, shared_mentor):
    mentor = shared_mentor
    mentor.checks.all().delete()
    _check(mentor, world["departement"], CheckResult.NOT_COMPLIANT, 20, setting["pilot_a"])
    _check(mentor, world["other_departement"], CheckResult.COMPLIANT, 10, setting["pilot_b"])
    mentor.refresh_from_db()
    assert mentor.honorability_valid_until is None
    # Only A, asking again, can put it right.
    _check(mentor, world["departement"], CheckResult.COMPLIANT, 5, setting["pilot_a"])
    mentor.refresh_from_db()
    # Valid a year from the latest result any département vouched for: A's, 4 days ago.
    assert mentor.honorability_valid_until == TODAY - datetime.timedelta(days=4) + datetime.timedelta(
        days=365
    )


def test_each_departement_reads_the_shared_status_but_records_only_on_its_own_checks(
    setting, world, shared_mentor, client_for
):
    mentor = shared_mentor
    check_a = HonorabilityCheckFactory(mentor=mentor, departement=world["departement"], requested_on=TODAY)
    with pytest.raises(Exception, match="un autre département"):
        services.check_result(
            check=check_a,
            result=CheckResult.NOT_COMPLIANT,
            result_on=TODAY,
            by=setting["pilot_b"],
            departement=world["other_departement"],
        )
    page = client_for(setting["pilot_b"]).get(
        reverse("mentors:check_record", kwargs={"mentor_id": mentor.pk})
    )
    assert page.status_code == 200
    assert world["departement"].name in page.content.decode()


def test_the_managers_home_page_asks_her_to_answer(setting, world, client_for):
    client_for(setting["pilot_b"]).post(
        reverse("conventions:convention_create"), convention_form(setting["association"])
    )
    home = client_for(setting["manager"]).get(reverse("home")).content.decode()
    assert "Convention proposée par un département" in home
    assert world["other_departement"].name in home
    pilot_home = html.unescape(client_for(setting["pilot_b"]).get(reverse("home")).content.decode())
    assert "Conventions en attente de l'association" in pilot_home
    convention = Convention.objects.get(
        departement=world["other_departement"], association=setting["association"]
    )
    client_for(setting["manager"]).post(reverse("conventions:convention_accept", args=[convention.pk]))
    home = client_for(setting["manager"]).get(reverse("home")).content.decode()
    assert "Convention proposée par un département" not in home
