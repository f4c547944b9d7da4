"""The département's honorability work: who needs a check, the export it sends, the results it imports."""

import csv
import datetime
import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from binome.mentors import services
from binome.mentors.models import CheckResult, HonorabilityCheck, Mentor, MentorStage
from binome.utils.spreadsheets import neutralise
from binome.utils.tabular import ImportReport, Rollback, RowError, norm, parse_date, read_numbered_table

RENEWAL_NOTICE_DAYS = 60
MAX_ROWS = 20_000
EXPORT_HEADERS = [
    "Identifiant",
    "Nom",
    "Prénom",
    "Date de naissance",
    "Lieu de naissance",
    "Association",
    "Motif",
    "Échéance",
    "Résultat",
    "Date du résultat",
]
RESULTS = {
    "conforme": CheckResult.COMPLIANT,
    "compliant": CheckResult.COMPLIANT,
    "oui": CheckResult.COMPLIANT,
    "non conforme": CheckResult.NOT_COMPLIANT,
    "not compliant": CheckResult.NOT_COMPLIANT,
    "non": CheckResult.NOT_COMPLIANT,
}


@dataclass
class ToCheck:
    mentor: Mentor
    reason: str
    due: datetime.date | None
    pending: HonorabilityCheck | None


def mentors_of(departement):
    """Mentors of the associations under a convention in force with the département."""
    return Mentor.objects.checked_by(departement)


def checks_to_do(departement, on: datetime.date | None = None) -> list[ToCheck]:
    """Mentors awaiting their first check (vetting), and active mentors whose check expires within
    60 days or has expired. Pending requests are shown so nobody asks twice."""
    on = on or timezone.localdate()
    pending = HonorabilityCheck.objects.filter(mentor=OuterRef("pk"), result=CheckResult.PENDING)
    mentors = (
        mentors_of(departement)
        .annotate(has_pending=Exists(pending))
        .filter(
            Q(stage=MentorStage.VETTING, honorability_valid_until__isnull=True)
            | Q(
                stage__in=[MentorStage.VETTING, MentorStage.READY, MentorStage.IN_PAIR, MentorStage.PAUSED],
                honorability_valid_until__lte=on + datetime.timedelta(days=RENEWAL_NOTICE_DAYS),
            )
        )
        .select_related("association")
        .order_by("honorability_valid_until", "last_name")
    )
    pending_checks = {
        c.mentor_id: c
        for c in HonorabilityCheck.objects.filter(mentor__in=mentors, result=CheckResult.PENDING)
    }
    result = []
    for mentor in mentors:
        if mentor.honorability_valid_until is None:
            reason, due = "Premier contrôle", None
        elif mentor.honorability_valid_until < on:
            reason, due = "Contrôle échu", mentor.honorability_valid_until
        else:
            reason, due = "Renouvellement annuel", mentor.honorability_valid_until
        result.append(ToCheck(mentor, reason, due, pending_checks.get(mentor.pk)))
    return result


def export_rows(items: list[ToCheck]) -> list[list]:
    return [
        [
            str(i.mentor.pk),
            i.mentor.last_name,
            i.mentor.first_name,
            i.mentor.birth_date.strftime("%d/%m/%Y"),
            i.mentor.birth_place,
            i.mentor.association.name,
            i.reason,
            i.due.strftime("%d/%m/%Y") if i.due else "",
            "",
            "",
        ]
        for i in items
    ]


def export_csv(items) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(EXPORT_HEADERS)
    writer.writerows([[neutralise(v) for v in row] for row in export_rows(items)])
    return buffer.getvalue().encode("utf-8-sig")


def export_xlsx(items) -> bytes:
    from openpyxl import Workbook
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook(write_only=False)
    sheet = workbook.active
    sheet.title = "Contrôles à demander"
    sheet.append(EXPORT_HEADERS)
    for row in export_rows(items):
        sheet.append([neutralise(v) for v in row])
    choice = DataValidation(type="list", formula1='"conforme,non conforme"', allow_blank=True)
    sheet.add_data_validation(choice)
    choice.add(f"I2:I{max(2, len(items) + 1)}")
    for column, width in zip("ABCDEFGHIJ", (38, 20, 18, 16, 20, 30, 22, 12, 14, 16), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


EXPORT_WIDTHS_CM = (7.0, 3.8, 3.4, 3.0, 3.8, 5.6, 4.2, 2.4, 2.8, 3.2)  # as the xlsx export's widths


def export_ods(items) -> bytes:
    """The same file for LibreOffice: same columns, same « conforme / non conforme » drop-down on
    Résultat, so a département on LibreOffice fills it and sends it back without converting it."""
    from binome.utils.ods import OdsWriter

    book = OdsWriter()
    sheet = book.sheet("Contrôles à demander", EXPORT_WIDTHS_CM)
    sheet.validations[EXPORT_HEADERS.index("Résultat") + 1] = book.in_values(
        ["conforme", "non conforme"], "Choisissez « conforme » ou « non conforme »."
    )
    book.append(sheet, EXPORT_HEADERS, bold=True)
    for row in export_rows(items):
        book.append(sheet, [neutralise(v) for v in row])
    return book.save()


RESULT_COLUMNS = {"id": "Identifiant", "result": "Résultat", "result_on": "Date du résultat"}


def _read_columns(headers):
    """Only the columns the import reads are held, row after row: the export's others cost nothing."""
    names = {norm(name) for name in (*RESULT_COLUMNS.values(), "Date de demande")}
    return [i for i, header in enumerate(headers) if norm(header) in names]


def import_results(upload, *, departement, by) -> ImportReport:
    """Results filled in the exported file (Identifiant, Résultat, Date du résultat; optionally
    Date de demande). All or nothing; rows with an empty Résultat are skipped."""
    report = ImportReport()
    # Each row keeps its number as the spreadsheet shows it: a blank line does not shift the report.
    rows = read_numbered_table(upload, MAX_ROWS, report, keep=_read_columns)
    if rows is None:
        return report
    header_row, header = rows[0]
    headers = [norm(h) for h in header]
    wanted = RESULT_COLUMNS
    index = {key: headers.index(norm(name)) for key, name in wanted.items() if norm(name) in headers}
    requested_column = headers.index("date de demande") if "date de demande" in headers else None
    missing = [name for key, name in wanted.items() if key not in index]
    if missing:
        report.errors += [RowError(header_row, "", f"Colonne « {m} » absente.") for m in missing]
        return report
    mentors = {str(m.pk): m for m in mentors_of(departement)}
    seen, todo = {}, []
    for number, row in rows[1:]:

        def cell(i, row=row):
            return row[i] if i is not None and i < len(row) else None

        raw_result = norm(cell(index["result"]))
        if not raw_result:
            continue
        mentor = mentors.get(str(cell(index["id"]) or "").strip())
        if mentor is None:
            report.errors.append(
                RowError(number, "Identifiant", "mentor inconnu ou d'une association sans convention")
            )
            continue
        if mentor.pk in seen:
            report.errors.append(RowError(number, "Identifiant", f"déjà présent ligne {seen[mentor.pk]}"))
        seen[mentor.pk] = number
        result = RESULTS.get(raw_result)
        if result is None:
            report.errors.append(RowError(number, "Résultat", "attendu « conforme » ou « non conforme »"))
        try:
            result_on = parse_date(cell(index["result_on"]))
            if result_on > timezone.localdate():
                raise ValidationError("date dans le futur")
        except ValidationError as error:
            report.errors.append(RowError(number, "Date du résultat", error.messages[0]))
            result_on = None
        requested_on = None
        if cell(requested_column):
            try:
                requested_on = parse_date(cell(requested_column))
            except ValidationError as error:
                report.errors.append(RowError(number, "Date de demande", error.messages[0]))
        todo.append((number, mentor, result, result_on, requested_on))
    report.rows = len(todo)
    if report.errors:
        return report
    try:
        with transaction.atomic():
            for number, mentor, result, result_on, requested_on in todo:
                try:
                    check = mentor.checks.filter(result=CheckResult.PENDING, departement=departement).first()
                    if check is None:
                        check = services.check_request(
                            mentor=mentor,
                            departement=departement,
                            requested_on=requested_on or result_on,
                            by=by,
                        )
                    services.check_result(
                        check=check, result=result, result_on=result_on, by=by, departement=departement
                    )
                except ValidationError as error:
                    report.errors += [RowError(number, "", message) for message in error.messages]
                    continue
                report.updated += 1
            if report.errors:
                raise Rollback
    except Rollback:
        report.updated = 0
    return report
