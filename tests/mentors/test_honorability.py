"""Honorability checks (art. L.133-6 CASF), recorded by the département's pilot: results, validity,
the alert for a mentor in a pair, the export it sends and the results it imports."""

import csv
import datetime
import html
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time
from openpyxl import Workbook, load_workbook

from binome.accounts.models import Role
from binome.mentors import services
from binome.mentors.honorability import EXPORT_HEADERS
from binome.mentors.models import CheckResult, HonorabilityCheck, Mentor, MentorStage
from binome.mentors.signals import honorability_failed
from binome.utils.tabular import UNREADABLE
from tests.accounts.factories import ConventionFactory
from tests.mentors.factories import HonorabilityCheckFactory, MentorFactory

TODAY = "2026-03-02 10:00"
RESULT_DAY = datetime.date(2026, 3, 2)
ALERT_SUBJECT = "Alerte : contrôle d'honorabilité non conforme d'un mentor en binôme"


@pytest.fixture
def pilot(member):
    return member(Role.PILOT)


@pytest.fixture
def manager(member):
    return member(Role.MANAGER)


def mentor_of(world, **kwargs):
    return MentorFactory(association=world["association"], **kwargs)


def pending_check(world, mentor, **kwargs):
    return HonorabilityCheckFactory(
        mentor=mentor,
        departement=world["departement"],
        requested_on=RESULT_DAY - datetime.timedelta(days=10),
        **kwargs,
    )


def record(check, result, pilot, result_on=RESULT_DAY):
    return services.check_result(check=check, result=result, result_on=result_on, by=pilot)


def page_text(response):
    return html.unescape(response.content.decode())


# --- A compliant result -----------------------------------------------------------------------------------


@freeze_time(TODAY)
def test_a_compliant_result_makes_a_trained_vetting_mentor_ready_for_one_year(world, pilot):
    mentor = mentor_of(world, vetting=True, trained=True)
    record(pending_check(world, mentor), CheckResult.COMPLIANT, pilot)
    mentor.refresh_from_db()
    assert mentor.stage == MentorStage.READY
    assert mentor.honorability_valid_until == datetime.date(2027, 3, 2)
    event = mentor.events.get(stage=MentorStage.READY)
    assert event.actor == pilot and event.detail == "Formé·e et contrôle d'honorabilité conforme"
    assert mentor.events.filter(
        detail="Contrôle d'honorabilité conforme, valable jusqu'au 02/03/2027", actor=pilot
    ).exists()


@freeze_time(TODAY)
def test_a_compliant_result_makes_the_mentor_matchable(world, pilot):
    mentor = mentor_of(world, vetting=True, trained=True)
    assert list(Mentor.objects.matchable()) == []
    record(pending_check(world, mentor), CheckResult.COMPLIANT, pilot)
    assert list(Mentor.objects.matchable()) == [mentor]


@freeze_time(TODAY)
def test_a_compliant_result_leaves_an_untrained_mentor_in_vetting(world, pilot):
    mentor = mentor_of(world, vetting=True)
    record(pending_check(world, mentor), CheckResult.COMPLIANT, pilot)
    mentor.refresh_from_db()
    assert mentor.stage == MentorStage.VETTING
    assert mentor.honorability_valid_until == datetime.date(2027, 3, 2)
    assert list(Mentor.objects.matchable()) == []


def test_the_mentor_is_matchable_until_the_last_valid_day_and_not_the_day_after(world, pilot):
    with freeze_time(TODAY):
        mentor = mentor_of(world, vetting=True, trained=True)
        record(pending_check(world, mentor), CheckResult.COMPLIANT, pilot)
    with freeze_time("2027-03-02 12:00"):
        assert list(Mentor.objects.matchable()) == [mentor]
    with freeze_time("2027-03-03 12:00"):
        assert list(Mentor.objects.matchable()) == []
        mentor.refresh_from_db()
        assert services.readiness_problems(mentor) == [
            "Le contrôle d'honorabilité n'est pas conforme et en cours de validité."
        ]


@freeze_time(TODAY)
def test_a_full_mentor_is_not_matchable(world):
    mentor_of(world, in_pair=True, capacity=1)
    assert list(Mentor.objects.matchable()) == []


@freeze_time(TODAY)
def test_a_mentor_in_a_pair_with_room_left_is_matchable(world):
    mentor = mentor_of(world, in_pair=True, capacity=2)
    assert list(Mentor.objects.matchable()) == [mentor]


@freeze_time(TODAY)
def test_a_result_in_the_future_is_refused(world, pilot):
    check = pending_check(world, mentor_of(world, vetting=True, trained=True))
    with pytest.raises(ValidationError) as error:
        record(check, CheckResult.COMPLIANT, pilot, result_on=RESULT_DAY + datetime.timedelta(days=1))
    assert error.value.message_dict == {"result_on": ["Le résultat ne peut pas être daté dans le futur."]}
    check.mentor.refresh_from_db()
    assert check.mentor.honorability_valid_until is None


# --- A non-compliant result ---------------------------------------------------------------------------------


@freeze_time(TODAY)
def test_a_non_compliant_result_in_vetting_means_not_retained(world, pilot, mailoutbox):
    mentor = mentor_of(world, vetting=True, trained=True)
    record(pending_check(world, mentor), CheckResult.NOT_COMPLIANT, pilot)
    mentor.refresh_from_db()
    assert mentor.stage == MentorStage.NOT_RETAINED
    assert mentor.stage_reason == "Contrôle d'honorabilité"
    assert mentor.honorability_valid_until is None
    assert mailoutbox == []


@freeze_time(TODAY)
def test_a_non_compliant_result_removes_a_ready_mentor_at_once(world, pilot):
    mentor = mentor_of(world, ready=True)
    record(pending_check(world, mentor), CheckResult.NOT_COMPLIANT, pilot)
    mentor.refresh_from_db()
    assert mentor.stage == MentorStage.LEFT
    assert list(Mentor.objects.matchable()) == []


@pytest.fixture
def alert(world, pilot, manager):
    """A mentor in a pair whose renewed check is not compliant."""
    with freeze_time(TODAY):
        mentor = mentor_of(world, in_pair=True, capacity=2, first_name="Hugo", last_name="Perrin")
        return record(pending_check(world, mentor), CheckResult.NOT_COMPLIANT, pilot)


def test_a_non_compliant_result_in_a_pair_alerts_the_pilot_and_the_manager(world, member, mailoutbox):
    coordinator = member(Role.COORDINATOR)
    other_pilot = member(Role.PILOT, organisation=world["other_departement"])
    pilot, manager = member(Role.PILOT), member(Role.MANAGER)
    with freeze_time(TODAY):
        mentor = mentor_of(world, in_pair=True, first_name="Hugo", last_name="Perrin")
        record(pending_check(world, mentor), CheckResult.NOT_COMPLIANT, pilot)
    [mail] = mailoutbox
    assert sorted(mail.to) == sorted([pilot.email, manager.email])
    assert coordinator.email not in mail.to and other_pilot.email not in mail.to
    assert ALERT_SUBJECT in mail.subject
    assert "Hugo" not in mail.subject + mail.body and "Perrin" not in mail.subject + mail.body
    assert reverse("mentors:check_list") in mail.body


def test_a_non_compliant_result_on_a_services_mentor_in_a_pair_alerts_its_referrer(world, member, mailoutbox):
    """An ASE service's own mentor (art. D.221-36): its referrers play the association's part."""
    pilot, referrer, manager = member(Role.PILOT), member(Role.REFERRER), member(Role.MANAGER)
    with freeze_time(TODAY):
        mentor = MentorFactory(association=world["ase_service"], in_pair=True)
        record(pending_check(world, mentor), CheckResult.NOT_COMPLIANT, pilot)
    [mail] = mailoutbox
    assert sorted(mail.to) == sorted([pilot.email, referrer.email])
    assert manager.email not in mail.to


def test_the_mentor_in_a_pair_stays_in_the_pair_until_the_departement_confirms(world, alert):
    mentor = Mentor.objects.get(pk=alert.mentor_id)
    assert mentor.stage == MentorStage.IN_PAIR
    assert mentor.honorability_valid_until is None
    assert list(Mentor.objects.matchable()) == []


def test_the_alert_is_on_the_check_list(world, pilot, client_for, alert):
    page = page_text(client_for(pilot).get(reverse("mentors:check_list")))
    assert "Contrôle non conforme d'un mentor en binôme." in page
    assert "Hugo Perrin (Association A) — résultat du 02/03/2026" in page
    assert reverse("mentors:check_confirm_failure", args=[alert.pk]) in page


def test_the_alert_is_on_the_pilots_home_page(world, pilot, client_for, alert):
    response = client_for(pilot).get(reverse("home"))
    [item] = [i for i in response.context["items"] if i.level == "danger"]
    assert item.title == "Contrôle non conforme d'un mentor en binôme"
    assert item.count == 1
    assert "Contrôle non conforme d&#x27;un mentor en binôme" in response.content.decode()


@freeze_time(TODAY)
def test_the_pilots_home_page_counts_the_checks_to_request(world, pilot, client_for):
    mentor_of(world, vetting=True)
    mentor_of(world, ready=True, honorability_valid_until=datetime.date(2026, 4, 1))
    mentor_of(world, ready=True, honorability_valid_until=datetime.date(2026, 9, 1))
    pending_check(world, mentor_of(world, vetting=True))
    MentorFactory(association=world["other_association"], vetting=True)
    response = client_for(pilot).get(reverse("home"))
    [item] = [i for i in response.context["items"] if i.title == "Contrôles d'honorabilité à demander"]
    assert (item.count, item.url) == (2, reverse("mentors:check_list"))


def test_the_other_departement_sees_no_alert(world, member, client_for, alert):
    other_pilot = member(Role.PILOT, organisation=world["other_departement"])
    page = page_text(client_for(other_pilot).get(reverse("mentors:check_list")))
    assert "Contrôle non conforme d'un mentor en binôme." not in page
    assert "Perrin" not in page


def test_confirming_the_failure_ends_the_mentoring_and_sends_the_signal(world, pilot, client_for, alert):
    received = []

    def listener(sender, mentor, check, by, **kwargs):
        received.append((mentor.pk, check.pk, by))

    honorability_failed.connect(listener, weak=False)
    try:
        client = client_for(pilot)
        response = client.post(reverse("mentors:check_confirm_failure", args=[alert.pk]))
    finally:
        honorability_failed.disconnect(listener)
    assert response.status_code == 302
    assert received == [(alert.mentor_id, alert.pk, pilot)]
    mentor = Mentor.objects.get(pk=alert.mentor_id)
    assert mentor.stage == MentorStage.LEFT
    assert mentor.stage_reason == "Contrôle d'honorabilité"
    assert mentor.events.get(stage=MentorStage.LEFT).actor == pilot
    alert.refresh_from_db()
    assert alert.failure_confirmed_at is not None
    page = page_text(client.get(response.url))
    assert "Le mentorat de ce mentor prend fin (motif : honorabilité)." in page
    assert "Contrôle non conforme d'un mentor en binôme." not in page


def test_the_failure_cannot_be_confirmed_twice(world, pilot, client_for, alert):
    client = client_for(pilot)
    client.post(reverse("mentors:check_confirm_failure", args=[alert.pk]))
    response = client.post(reverse("mentors:check_confirm_failure", args=[alert.pk]))
    assert "Ce contrôle n'attend pas de confirmation." in page_text(client.get(response.url))
    assert Mentor.objects.get(pk=alert.mentor_id).events.filter(stage=MentorStage.LEFT).count() == 1


def test_a_compliant_check_cannot_be_confirmed_as_failed(world, pilot):
    check = HonorabilityCheckFactory(
        mentor=mentor_of(world, ready=True), departement=world["departement"], compliant=True
    )
    with pytest.raises(ValidationError) as error:
        services.check_confirm_failure(check=check, by=pilot)
    assert error.value.messages == ["Ce contrôle n'attend pas de confirmation."]


def test_another_departement_cannot_confirm(world, member, client_for, alert):
    other_pilot = member(Role.PILOT, organisation=world["other_departement"])
    response = client_for(other_pilot).post(reverse("mentors:check_confirm_failure", args=[alert.pk]))
    assert response.status_code == 404
    assert Mentor.objects.get(pk=alert.mentor_id).stage == MentorStage.IN_PAIR


# --- Recording through the page ------------------------------------------------------------------------------


@freeze_time(TODAY)
def test_the_pilot_requests_then_records_a_check(world, pilot, client_for):
    mentor = mentor_of(world, vetting=True, trained=True)
    client = client_for(pilot)
    url = reverse("mentors:check_record", args=[mentor.pk])
    response = client.post(url, {"requested_on": "2026-02-20"})
    assert response.status_code == 302
    check = HonorabilityCheck.objects.get(mentor=mentor)
    assert (check.result, check.departement, check.recorded_by) == (
        CheckResult.PENDING,
        world["departement"],
        pilot,
    )
    response = client.post(url, {"result": "compliant", "result_on": "2026-03-01"})
    assert response.status_code == 302
    mentor.refresh_from_db()
    assert mentor.stage == MentorStage.READY
    assert mentor.honorability_valid_until == datetime.date(2027, 3, 1)


@freeze_time(TODAY)
def test_a_request_cannot_be_dated_in_the_future(world, pilot, client_for):
    mentor = mentor_of(world, vetting=True)
    response = client_for(pilot).post(
        reverse("mentors:check_record", args=[mentor.pk]), {"requested_on": "2026-03-03"}
    )
    assert response.status_code == 422
    assert "La demande ne peut pas être datée dans le futur." in page_text(response)
    assert not HonorabilityCheck.objects.exists()


@freeze_time(TODAY)
def test_a_result_cannot_precede_the_request(world, pilot, client_for):
    mentor = mentor_of(world, vetting=True)
    pending_check(world, mentor)
    response = client_for(pilot).post(
        reverse("mentors:check_record", args=[mentor.pk]), {"result": "compliant", "result_on": "2026-02-01"}
    )
    assert response.status_code == 422
    assert "Le résultat ne peut pas précéder la demande." in page_text(response)


def test_a_second_pending_request_is_refused(world, pilot):
    mentor = mentor_of(world, vetting=True)
    pending_check(world, mentor)
    with pytest.raises(ValidationError) as error:
        services.check_request(
            mentor=mentor, departement=world["departement"], requested_on=RESULT_DAY, by=pilot
        )
    assert error.value.messages == ["Un contrôle est déjà en attente de résultat pour ce mentor."]


def test_a_pilot_of_another_departement_cannot_see_the_mentor(world, member, client_for):
    mentor = mentor_of(world, vetting=True)
    other_pilot = member(Role.PILOT, organisation=world["other_departement"])
    response = client_for(other_pilot).get(reverse("mentors:check_record", args=[mentor.pk]))
    assert response.status_code == 404


def test_the_pilot_sees_the_mentor_of_an_association_under_convention(world, pilot, client_for):
    mentor = mentor_of(world, vetting=True, first_name="Hugo", last_name="Perrin", birth_place="Angers")
    page = page_text(client_for(pilot).get(reverse("mentors:check_record", args=[mentor.pk])))
    assert "Hugo Perrin" in page and "Angers" in page


# --- Export -----------------------------------------------------------------------------------------------


def export(client, fmt):
    return client.get(reverse("mentors:check_export", args=[fmt]))


def csv_rows(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


@freeze_time(TODAY)
def test_the_csv_export_lists_the_checks_to_request(world, pilot, client_for):
    first = mentor_of(
        world, vetting=True, last_name="Perrin", first_name="Hugo", birth_date=datetime.date(1990, 4, 2)
    )
    renewal = mentor_of(
        world, ready=True, last_name="Abadie", honorability_valid_until=datetime.date(2026, 4, 15)
    )
    mentor_of(world, ready=True, honorability_valid_until=datetime.date(2026, 12, 1))  # not due yet
    mentor_of(world, training=True)  # not yet at the check
    MentorFactory(association=world["other_association"], vetting=True)  # no convention
    response = export(client_for(pilot), "csv")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="controles-honorabilite-2026-03-02.csv"'
    header, *rows = csv_rows(response)
    assert header == EXPORT_HEADERS
    by_id = {row[0]: row for row in rows}
    assert sorted(by_id) == sorted([str(renewal.pk), str(first.pk)])
    assert by_id[str(renewal.pk)][6:10] == ["Renouvellement annuel", "15/04/2026", "", ""]
    assert by_id[str(first.pk)][1:8] == [
        "Perrin",
        "Hugo",
        "02/04/1990",
        "Nantes",
        "Association A",
        "Premier contrôle",
        "",
    ]


def test_the_csv_export_neutralises_formulas(world, pilot, client_for):
    mentor_of(world, vetting=True, last_name='=HYPERLINK("http://evil.example","x")', first_name="@SUM(A1)")
    [_, row] = csv_rows(export(client_for(pilot), "csv"))
    assert row[1] == '\'=HYPERLINK("http://evil.example","x")'
    assert row[2] == "'@SUM(A1)"


def test_the_xlsx_export_reads_back_with_formulas_neutralised(world, pilot, client_for):
    mentor = mentor_of(world, vetting=True, last_name="=1+2", first_name="-Anne")
    response = export(client_for(pilot), "xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.title == "Contrôles à demander"
    assert [c.value for c in sheet[1]] == EXPORT_HEADERS
    assert sheet["A2"].value == str(mentor.pk)
    assert sheet["B2"].value == "'=1+2" and sheet["B2"].data_type == "s"
    assert sheet["C2"].value == "'-Anne"


def test_an_unknown_export_format_is_404(world, pilot, client_for):
    assert export(client_for(pilot), "pdf").status_code == 404


def test_the_export_is_for_the_pilot_only(world, manager, client_for):
    assert export(client_for(manager), "csv").status_code == 403


# --- Import of results ------------------------------------------------------------------------------------


IMPORT_HEADER = "Identifiant;Nom;Prénom;Résultat;Date du résultat"


def csv_upload(*lines, name="resultats.csv"):
    return SimpleUploadedFile(name, ("\n".join(lines) + "\n").encode("utf-8"), content_type="text/csv")


def line(mentor, result, day):
    return f"{mentor.pk};{mentor.last_name};{mentor.first_name};{result};{day}"


def import_file(client, upload):
    return client.post(reverse("mentors:check_import"), {"file": upload})


def error_rows(response):
    """The report's table as (row, column, message), read as the user sees them."""
    page = page_text(response)
    table = page.split("Erreurs ligne par ligne", 1)[1].split("</tbody>", 1)[0]
    return [
        tuple(cell.split("</td>")[0] for cell in chunk.split("<td>")[1:]) for chunk in table.split("<tr>")[2:]
    ]


@freeze_time(TODAY)
def test_a_valid_file_records_the_results(world, pilot, client_for):
    ready_soon = mentor_of(world, vetting=True, trained=True)
    refused = mentor_of(world, vetting=True)
    skipped = mentor_of(world, vetting=True)
    client = client_for(pilot)
    response = import_file(
        client,
        csv_upload(
            IMPORT_HEADER,
            line(ready_soon, "Conforme", "01/03/2026"),
            line(refused, "non conforme", "2026-02-27"),
            line(skipped, "", ""),
        ),
    )
    assert response.status_code == 302
    assert "2 résultats enregistrés." in page_text(client.get(response.url))
    ready_soon.refresh_from_db()
    refused.refresh_from_db()
    assert ready_soon.stage == MentorStage.READY
    assert ready_soon.honorability_valid_until == datetime.date(2027, 3, 1)
    assert refused.stage == MentorStage.NOT_RETAINED
    check = ready_soon.checks.get()
    assert (check.requested_on, check.result_on, check.recorded_by) == (
        datetime.date(2026, 3, 1),
        datetime.date(2026, 3, 1),
        pilot,
    )
    assert not skipped.checks.exists()


@freeze_time(TODAY)
def test_the_import_completes_the_pending_request(world, pilot, client_for):
    mentor = mentor_of(world, vetting=True, trained=True)
    pending = pending_check(world, mentor)
    import_file(client_for(pilot), csv_upload(IMPORT_HEADER, line(mentor, "oui", "01/03/2026")))
    [check] = mentor.checks.all()
    assert check == pending and check.result == CheckResult.COMPLIANT


@freeze_time(TODAY)
def test_an_exported_xlsx_filled_in_is_imported(world, pilot, client_for):
    mentor = mentor_of(world, vetting=True, trained=True)
    client = client_for(pilot)
    workbook = load_workbook(io.BytesIO(export(client, "xlsx").content))
    sheet = workbook.active
    sheet["I2"] = "conforme"
    sheet["J2"] = datetime.date(2026, 3, 1)
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = SimpleUploadedFile("controles.xlsx", buffer.getvalue())
    assert import_file(client, upload).status_code == 302
    mentor.refresh_from_db()
    assert mentor.stage == MentorStage.READY


@freeze_time(TODAY)
def test_one_wrong_row_and_nothing_is_recorded(world, pilot, client_for):
    good = mentor_of(world, vetting=True, trained=True)
    other = mentor_of(world, vetting=True)
    outsider = MentorFactory(association=world["other_association"], vetting=True)
    response = import_file(
        client_for(pilot),
        csv_upload(
            IMPORT_HEADER,
            line(good, "conforme", "01/03/2026"),
            line(outsider, "conforme", "01/03/2026"),
            line(other, "peut-être", "01/03/2026"),
            line(other, "conforme", "03/03/2026").replace(str(other.pk), "inconnu-42"),
            line(good, "conforme", "2026-03-03"),
        ),
    )
    assert response.status_code == 422
    assert "Rien n'a été importé : 5 erreurs." in page_text(response)
    assert error_rows(response) == [
        ("3", "Identifiant", "mentor inconnu ou d'une association sans convention"),
        ("4", "Résultat", "attendu « conforme » ou « non conforme »"),
        ("5", "Identifiant", "mentor inconnu ou d'une association sans convention"),
        ("6", "Identifiant", "déjà présent ligne 2"),
        ("6", "Date du résultat", "date dans le futur"),
    ]
    assert not HonorabilityCheck.objects.exists()
    good.refresh_from_db()
    assert good.stage == MentorStage.VETTING


@freeze_time(TODAY)
def test_an_unreadable_date_is_reported(world, pilot, client_for):
    mentor = mentor_of(world, vetting=True)
    response = import_file(
        client_for(pilot), csv_upload(IMPORT_HEADER, line(mentor, "conforme", "le 1er mars"))
    )
    assert error_rows(response) == [("2", "Date du résultat", "date illisible : attendu JJ/MM/AAAA")]


@freeze_time(TODAY)
def test_a_blank_line_does_not_shift_the_row_numbers(world, pilot, client_for):
    # The pilot reads the row number in the spreadsheet: line 2 left blank, the bad row is line 3.
    mentor = mentor_of(world, vetting=True)
    response = import_file(
        client_for(pilot), csv_upload(IMPORT_HEADER, "", ";;;;", line(mentor, "peut-être", "01/03/2026"))
    )
    assert error_rows(response) == [("4", "Résultat", "attendu « conforme » ou « non conforme »")]


def test_a_missing_column_is_reported(world, pilot, client_for):
    mentor = mentor_of(world, vetting=True)
    response = import_file(client_for(pilot), csv_upload("Identifiant;Résultat", f"{mentor.pk};conforme"))
    assert response.status_code == 422
    assert error_rows(response) == [("1", "—", "Colonne « Date du résultat » absente.")]


def test_a_file_without_data_is_reported(world, pilot, client_for):
    response = import_file(client_for(pilot), csv_upload(IMPORT_HEADER))
    assert error_rows(response) == [("—", "—", "Le fichier ne contient aucune ligne de données.")]


def test_a_damaged_xlsx_is_reported(world, pilot, client_for):
    response = import_file(client_for(pilot), SimpleUploadedFile("controles.xlsx", b"PK\x03\x04 not a zip"))
    assert response.status_code == 422
    assert UNREADABLE in html.unescape(response.content.decode())


@freeze_time(TODAY)
def test_the_other_departement_cannot_import_results_for_this_mentor(world, member, client_for):
    mentor = mentor_of(world, vetting=True)
    other_pilot = member(Role.PILOT, organisation=world["other_departement"])
    response = import_file(
        client_for(other_pilot), csv_upload(IMPORT_HEADER, line(mentor, "conforme", "01/03/2026"))
    )
    assert error_rows(response) == [
        ("2", "Identifiant", "mentor inconnu ou d'une association sans convention")
    ]
    assert not HonorabilityCheck.objects.exists()


def test_a_workbook_built_by_hand_is_read_by_headers(world, pilot, client_for):
    with freeze_time(TODAY):
        mentor = mentor_of(world, vetting=True, trained=True)
        workbook = Workbook()
        workbook.active.append(["Date du résultat", "Résultat", "Identifiant"])
        workbook.active.append([datetime.datetime(2026, 3, 1), "Non conforme", str(mentor.pk)])
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = import_file(client_for(pilot), SimpleUploadedFile("a.xlsx", buffer.getvalue()))
    assert response.status_code == 302
    mentor.refresh_from_db()
    assert mentor.stage == MentorStage.NOT_RETAINED


def test_only_the_requesting_departement_records_a_result(world, member):
    ConventionFactory(departement=world["departement"], association=world["other_association"])
    mentor = MentorFactory(association=world["other_association"], vetting=True, trained=True)
    check = HonorabilityCheckFactory(mentor=mentor, departement=world["other_departement"])
    with pytest.raises(ValidationError):
        services.check_result(
            check=check,
            result="compliant",
            result_on=timezone.localdate(),
            by=member(Role.PILOT),
            departement=world["departement"],
        )


def test_a_failure_stands_until_a_later_request_comes_back_compliant(world, member):
    pilot = member(Role.PILOT)
    mentor = MentorFactory(
        association=world["association"], stage=MentorStage.IN_PAIR, trained=True, capacity=2, current_pairs=1
    )
    asked = timezone.localdate() - datetime.timedelta(days=20)
    ok = HonorabilityCheckFactory(mentor=mentor, departement=world["departement"], requested_on=asked)
    services.check_result(check=ok, result="compliant", result_on=timezone.localdate(), by=pilot)
    bad = HonorabilityCheckFactory(
        mentor=mentor, departement=world["departement"], requested_on=asked + datetime.timedelta(days=1)
    )
    services.check_result(
        check=bad,
        result="not_compliant",
        result_on=timezone.localdate() - datetime.timedelta(days=3),
        by=pilot,
    )
    assert not Mentor.objects.matchable().filter(pk=mentor.pk).exists()


def test_a_check_is_valid_one_year_at_most(world, member):
    mentor = MentorFactory(association=world["association"], vetting=True, trained=True)
    check = HonorabilityCheckFactory(mentor=mentor, departement=world["departement"])
    with pytest.raises(ValidationError):
        services.check_result(
            check=check,
            result="compliant",
            result_on=timezone.localdate(),
            by=member(Role.PILOT),
            valid_until=datetime.date(2099, 12, 31),
        )


def test_changing_a_checked_mentors_identity_voids_the_clearance(world, member):
    manager = member(Role.MANAGER)
    mentor = MentorFactory(association=world["association"], ready=True)
    mentor.last_name = "Autre"
    services.mentor_save(mentor=mentor, by=manager, organisation=world["association"])
    mentor.refresh_from_db()
    assert mentor.stage == MentorStage.VETTING and mentor.honorability_valid_until is None
    assert not Mentor.objects.matchable().filter(pk=mentor.pk).exists()
