"""Import of the youths in care, from the ASE software's export (.xlsx, .ods or CSV).

All or nothing: every row is validated first; one bad row and nothing is written, and the report
names each row, column and reason in French. A second import of the same file updates the records
found by their ASE identifier instead of duplicating them. Rows are written by `services.youth_save`,
the same service as the form.

A file of 20,000 rows takes minutes to write (each youth goes through the service, its history and
its events): the page keeps the upload as a `YouthImportJob` and the worker imports it, its progress
polled by the page (`job_create`, `job_run`; `utils.jobs` for the heartbeat and the sweep).
"""

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from binome.accounts.models import Organisation
from binome.notifications.emails import tell_import_failed
from binome.references.models import ReferenceItem, ReferenceKind
from binome.territories.models import Commune
from binome.utils import jobs
from binome.utils.choices import Gender
from binome.utils.spreadsheets import neutralise
from binome.utils.tabular import (
    ImportReport,
    Rollback,
    RowError,
    TableUploadForm,
    norm,
    parse_date,
    read_numbered_table,
    sniff,
)
from binome.youths import services
from binome.youths.models import LegalStatus, Youth, YouthImportJob, YouthImportStatus

MAX_ROWS = 20_000
MAX_STORED_ERRORS = 1000
PROGRESS_EVERY = 200


# column key → (accepted headers, required)
COLUMNS = {
    "external_id": (("identifiant", "id", "identifiant ase", "numero de dossier", "n dossier"), True),
    "last_name": (("nom", "nom de famille"), True),
    "first_name": (("prenom",), True),
    "birth_date": (("date de naissance", "naissance", "ne le", "ne e le"), True),
    "gender": (("sexe", "genre"), True),
    "legal_status": (("situation juridique", "statut juridique", "statut"), True),
    "care_measure": (("mesure", "mesure ase", "type de mesure"), False),
    "school_level": (("niveau scolaire", "classe", "niveau"), False),
    "commune": (("commune", "code commune", "commune de residence", "code insee"), False),
    "ase_service": (("service", "service ase", "service referent"), False),
    "authority_holders": (("titulaires autorite parentale", "nombre de titulaires"), False),
    "placement_structure": (("lieu d accueil", "structure", "lieu de placement"), False),
    "care_started_on": (
        (
            "date de prise en charge",
            "prise en charge",
            "debut de prise en charge",
            "date de debut de prise en charge",
            "pris en charge depuis",
            "prise en charge depuis",
            "pris en charge par l ase depuis le",
            "date d admission",
        ),
        False,
    ),
    "school_year": (("annee scolaire", "annee scolaire du niveau", "annee de rentree"), False),
}
COLUMN_LABELS = {
    "external_id": "Identifiant",
    "last_name": "Nom",
    "first_name": "Prénom",
    "birth_date": "Date de naissance",
    "gender": "Sexe",
    "legal_status": "Situation juridique",
    "care_measure": "Mesure",
    "school_level": "Niveau scolaire",
    "commune": "Commune",
    "ase_service": "Service ASE",
    "authority_holders": "Titulaires autorité parentale",
    "placement_structure": "Lieu d'accueil",
    "care_started_on": "Date de prise en charge",
    "school_year": "Année scolaire",
}
GENDERS = {
    "f": Gender.FEMALE,
    "fille": Gender.FEMALE,
    "femme": Gender.FEMALE,
    "feminin": Gender.FEMALE,
    "m": Gender.MALE,
    "g": Gender.MALE,
    "garcon": Gender.MALE,
    "homme": Gender.MALE,
    "masculin": Gender.MALE,
    "x": Gender.OTHER,
    "autre": Gender.OTHER,
    "": None,
}
LEGAL_STATUSES = {
    "parents": LegalStatus.PARENTS,
    "autorite parentale": LegalStatus.PARENTS,
    "autorite parentale exercee par les parents": LegalStatus.PARENTS,
    "delegue": LegalStatus.DELEGATED,
    "delegation": LegalStatus.DELEGATED,
    "delegated": LegalStatus.DELEGATED,
    "autorite parentale deleguee": LegalStatus.DELEGATED,
    "dap": LegalStatus.DELEGATED,
    "pupille": LegalStatus.WARD,
    "pupille de l etat": LegalStatus.WARD,
    "ward": LegalStatus.WARD,
    "tutelle": LegalStatus.GUARDIANSHIP,
    "tutelle hors pupille": LegalStatus.GUARDIANSHIP,
    "tutelle hors pupille de l etat": LegalStatus.GUARDIANSHIP,
    "tutelle (hors pupille de l etat)": LegalStatus.GUARDIANSHIP,
    "tuteur": LegalStatus.GUARDIANSHIP,
    "guardianship": LegalStatus.GUARDIANSHIP,
    "majeur": LegalStatus.YOUNG_ADULT,
    "jeune majeur": LegalStatus.YOUNG_ADULT,
    "young adult": LegalStatus.YOUNG_ADULT,
}


SCHOOL_YEAR = re.compile(r"^(\d{4})(?:\.0+)?(?:\s*[-/]\s*(\d{2}|\d{4}))?$")


def school_year(value) -> int | None:
    """The year of the rentrée: « 2025 », « 2025-2026 », « 2025/26 » all read 2025 (a spreadsheet may
    also give the number 2025.0). Blank is None: `youth_save` then takes the current school year."""
    text = str(value if value is not None else "").strip()
    if not text:
        return None
    match = SCHOOL_YEAR.match(text)
    if match is None:
        raise ValidationError("attendu l'année de la rentrée, par exemple 2025 ou 2025-2026")
    start, end = int(match[1]), match[2]
    if end is not None and int(end) % 100 != (start + 1) % 100:
        raise ValidationError(f"« {text} » : la seconde année doit suivre la première ({start}-{start + 1})")
    if not 2000 <= start <= timezone.localdate().year + 1:
        raise ValidationError(
            f"année {start} hors de la plage acceptée (2000 à {timezone.localdate().year + 1})"
        )
    return start


class ImportForm(TableUploadForm):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("help_text", "Export de votre logiciel ASE, 10 Mo et 20 000 lignes au plus.")
        super().__init__(*args, **kwargs)


def _map_headers(headers) -> tuple[dict[str, int], list[str]]:
    index, problems = {}, []
    normalised = [norm(h) for h in headers]
    for key, (aliases, required) in COLUMNS.items():
        found = next((i for i, h in enumerate(normalised) if h in aliases), None)
        if found is not None:
            index[key] = found
        elif required:
            problems.append(f"Colonne « {COLUMN_LABELS[key]} » absente.")
    return index, problems


def mapped_columns(headers):
    """The positions of the columns the import reads: only they are held, row after row, so an
    export's other columns cost no memory (issue 18)."""
    return _map_headers(headers)[0].values()


class _Lookups:
    """Reference data loaded once, so validating 10,000 rows costs a handful of queries."""

    def __init__(self, departement, importer):
        self.departement = departement
        self.importer = importer
        communes = Commune.objects.filter(departement_code=departement.insee_code)
        self.communes = {c.insee_code: c for c in communes}
        self.communes_by_name = {}
        for c in communes:
            self.communes_by_name.setdefault(norm(c.name), []).append(c)
        self.references = {}
        for item in ReferenceItem.objects.filter(
            departement=departement, kind__in=[ReferenceKind.CARE_MEASURE, ReferenceKind.SCHOOL_LEVEL]
        ):
            self.references[(item.kind, norm(item.code))] = item
            self.references[(item.kind, norm(item.label))] = item
        self.services = {
            norm(s.name): s for s in Organisation.objects.ase_services().filter(departement=departement)
        }
        self.existing = {
            y.external_id: y for y in Youth.objects.filter(departement=departement).exclude(external_id="")
        }

    def commune(self, value):
        text = str(value or "").strip()
        if not text:
            return None
        if text in self.communes:
            return self.communes[text]
        matches = self.communes_by_name.get(norm(text.split("(")[0]), [])
        if len(matches) == 1:
            return matches[0]
        raise ValidationError(f"commune « {text} » inconnue dans le département (code INSEE ou nom exact)")

    def reference(self, kind, value, label):
        text = norm(value)
        if not text:
            return None
        item = self.references.get((kind, text))
        if item is None:
            raise ValidationError(
                f"{label} « {value} » inconnu(e) : voyez les listes de référence du département"
            )
        return item

    def service(self, value):
        if self.importer.is_ase_service:
            if value and norm(value) != norm(self.importer.name):
                raise ValidationError("un service ne peut importer que ses propres jeunes")
            return self.importer
        service = self.services.get(norm(value))
        if service is None:
            raise ValidationError(
                f"service « {value or ''} » inconnu : indiquez le nom exact d'un service ASE"
            )
        return service


def _clean_row(values: dict, lookups: _Lookups) -> tuple[dict, list[tuple[str, str]]]:
    data, errors = {}, []

    def attempt(key, function):
        if key not in values:  # an optional column the file does not carry: keep what the record has
            return
        try:
            data[key] = function(values.get(key))
        except ValidationError as error:
            errors.append((COLUMN_LABELS[key], error.messages[0]))

    def required_text(limit):
        def clean(value):
            text = str(value if value is not None else "").strip()
            if not text:
                raise ValidationError("obligatoire")
            if len(text) > limit:
                raise ValidationError(f"{limit} caractères au plus")
            return text

        return clean

    def gender(value):
        if norm(value) not in GENDERS or GENDERS[norm(value)] is None:
            raise ValidationError("attendu F, M ou X")
        return GENDERS[norm(value)]

    def legal_status(value):
        status = LEGAL_STATUSES.get(norm(value))
        if status is None:
            raise ValidationError("attendu : parents, délégation, pupille, tutelle hors pupille ou majeur")
        return status

    def holders(value):
        if value in (None, ""):
            return 2
        try:
            number = int(float(str(value).replace(",", ".")))
        except ValueError:
            raise ValidationError("attendu 1 ou 2") from None
        if number not in (1, 2):
            raise ValidationError("attendu 1 ou 2")
        return number

    def care_started_on(value):
        if value is None or str(value).strip() == "":
            return None
        day = parse_date(value)
        if day > timezone.localdate():
            raise ValidationError("date dans le futur : indiquez le début de la prise en charge")
        return day

    attempt("external_id", required_text(60))
    attempt("last_name", required_text(100))
    attempt("first_name", required_text(100))
    attempt("birth_date", parse_date)
    attempt("gender", gender)
    attempt("legal_status", legal_status)
    attempt("care_measure", lambda v: lookups.reference(ReferenceKind.CARE_MEASURE, v, "mesure"))
    attempt("school_level", lambda v: lookups.reference(ReferenceKind.SCHOOL_LEVEL, v, "niveau"))
    attempt("commune", lookups.commune)
    attempt("ase_service", lookups.service)
    attempt("authority_holders", holders)
    attempt("placement_structure", lambda v: str(v or "").strip()[:200])
    attempt("school_year", school_year)
    attempt("care_started_on", care_started_on)
    if "school_level" in values and "school_year" not in values:
        data["school_year"] = None  # the level is this export's: `youth_save` dates it to this school year
    birth, care = data.get("birth_date"), data.get("care_started_on")
    if birth and care and care < birth:
        errors.append(
            (COLUMN_LABELS["care_started_on"], "la prise en charge ne peut pas précéder la naissance")
        )
    return data, errors


def import_youths(upload, *, organisation, by, progress=None) -> ImportReport:
    """Check every row, then write them all in one transaction (or none). `progress(percent)` is
    called as rows are checked (0–30 %) then written (30–100 %)."""
    report = ImportReport()
    importer = organisation
    departement = importer if importer.is_departement else importer.departement
    rows = read_numbered_table(upload, MAX_ROWS, report, keep=mapped_columns)
    if rows is None:
        return report
    index, problems = _map_headers(rows[0][1])
    if importer.is_departement and "ase_service" not in index:
        problems.append(
            "Colonne « Service ASE » absente : le département doit indiquer le service de chaque jeune."
        )
    if problems:
        report.errors += [RowError(1, "", p) for p in problems]
        return report

    lookups = _Lookups(departement, importer)
    seen: dict[str, int] = {}
    cleaned_rows = []
    total = max(len(rows) - 1, 1)
    for done, (number, row) in enumerate(rows[1:], start=1):
        if progress and done % PROGRESS_EVERY == 0:
            progress(done * 30 // total)
        values = {key: (row[i] if i < len(row) else None) for key, i in index.items()}
        data, errors = _clean_row(values, lookups)
        if importer.is_ase_service:
            data.setdefault("ase_service", importer)
        report.errors += [RowError(number, column, message) for column, message in errors]
        external_id = data.get("external_id")
        if external_id:
            if external_id in seen:
                report.errors.append(
                    RowError(number, "Identifiant", f"déjà présent ligne {seen[external_id]} du fichier")
                )
            seen[external_id] = number
            existing = lookups.existing.get(external_id)
            if existing and importer.is_ase_service and existing.ase_service_id != importer.pk:
                report.errors.append(
                    RowError(number, "Identifiant", "ce jeune est suivi par un autre service")
                )
        cleaned_rows.append((number, data))
    report.rows = len(cleaned_rows)
    if report.errors:
        return report

    try:
        with transaction.atomic():
            for done, (number, data) in enumerate(cleaned_rows, start=1):
                if progress and done % PROGRESS_EVERY == 0:
                    progress(30 + done * 70 // total)
                youth = lookups.existing.get(data["external_id"])
                created = youth is None
                if created:
                    youth = Youth(departement=departement)
                for key, value in data.items():
                    setattr(youth, key, value)
                if not created and youth.territory_id and youth.commune_id:
                    youth.territory = None  # recomputed from the (possibly new) commune
                try:
                    services.youth_save(youth=youth, by=by, organisation=importer, imported=True)
                except ValidationError as error:
                    for field_name, messages in error.message_dict.items():
                        column = COLUMN_LABELS.get(field_name, field_name)
                        report.errors += [RowError(number, column, m) for m in messages]
                    continue
                if created:
                    report.created += 1
                else:
                    report.updated += 1
            if report.errors:
                raise Rollback
    except Rollback:
        report.created = report.updated = 0
    return report


# --- In the worker ----------------------------------------------------------------------------------


def job_create(*, upload, organisation, by) -> YouthImportJob:
    """Keep the upload in private storage and hand it to the worker."""
    from binome.youths.tasks import run_youth_import

    job = YouthImportJob(organisation=organisation, uploaded_by=by, original_name=upload.name[:200])
    kind = getattr(upload, "table_kind", None) or sniff(upload)
    job.file.save(f"{job.pk}.{kind}", upload, save=False)
    job.save()
    jobs.beat(job, 0)
    run_youth_import(job.pk)
    return job


def job_run(*, job_id) -> None:
    """Background: import the file all or nothing, beating as rows are checked and written; the
    file is deleted once imported or refused (the sweep deletes a failed job's file a day later)."""
    job = YouthImportJob.objects.select_related("organisation", "uploaded_by").get(pk=job_id)
    if not YouthImportJob.objects.filter(pk=job_id, status=YouthImportStatus.QUEUED).update(
        status=YouthImportStatus.IMPORTING
    ):
        return  # already run, or failed by the sweep
    jobs.beat(job, 0)
    try:
        with job.file.open("rb") as source:
            report = import_youths(
                source, organisation=job.organisation, by=job.uploaded_by, progress=jobs.beater(job)
            )
    except Exception:
        YouthImportJob.objects.filter(pk=job_id).update(
            status=YouthImportStatus.FAILED, finished_at=timezone.now()
        )
        jobs.forget(job)
        raise
    job.status = YouthImportStatus.DONE if report.ok else YouthImportStatus.INVALID
    job.rows, job.created_count, job.updated_count = report.rows, report.created, report.updated
    job.errors = [[e.row, e.column, e.message] for e in report.errors[:MAX_STORED_ERRORS]]
    job.error_count = len(report.errors)
    job.progress = 100
    job.finished_at = timezone.now()
    job.save()
    if job.file:
        job.file.delete(save=True)  # names and birth dates: not kept once imported or refused
    jobs.forget(job)


def sweep_jobs() -> tuple[int, int]:
    """Re-queue once an import whose worker died (all or nothing: nothing of it was written), then
    fail it; delete the uploads of finished jobs after a day."""
    from binome.youths.models import FINISHED_YOUTH_IMPORTS, RUNNING_YOUTH_IMPORTS
    from binome.youths.tasks import run_youth_import

    restart = (YouthImportStatus.QUEUED, run_youth_import)
    return jobs.sweep(
        YouthImportJob,
        running=RUNNING_YOUTH_IMPORTS,
        failed=YouthImportStatus.FAILED,
        finished=FINISHED_YOUTH_IMPORTS,
        url_name="youths:import_job",
        requeue={YouthImportStatus.QUEUED: restart, YouthImportStatus.IMPORTING: restart},
        tell=tell_import_failed,
    )


# --- The template to fill ----------------------------------------------------------------------------

TEMPLATE_SHEET = "Jeunes"
TEMPLATE_LISTS_SHEET = "Listes"
TEMPLATE_GENDERS = ["F", "M", "X"]


def _template_columns(organisation) -> list[str]:
    """The columns the import reads, in the order of the import page; « Service ASE » only for the
    département (a service imports its own youths)."""
    keys = [
        "external_id",
        "last_name",
        "first_name",
        "birth_date",
        "gender",
        "legal_status",
        "care_measure",
        "school_level",
        "school_year",
        "care_started_on",
        "commune",
        "ase_service",
        "authority_holders",
        "placement_structure",
    ]
    if not organisation.is_departement:
        keys.remove("ase_service")
    return [COLUMN_LABELS[key] for key in keys]


def _template_lists(organisation) -> dict[str, list[str]]:
    """Column label → the values its drop-down offers: the département's active reference lists, and
    the labels the import reads for the fixed choices. Commune stays free (code INSEE or name)."""
    departement = organisation if organisation.is_departement else organisation.departement
    references = ReferenceItem.objects.filter(departement=departement, is_active=True).order_by(
        "position", "label"
    )
    lists = {
        COLUMN_LABELS["gender"]: TEMPLATE_GENDERS,
        COLUMN_LABELS["legal_status"]: [label for _, label in LegalStatus.choices],
        COLUMN_LABELS["care_measure"]: [i.label for i in references.filter(kind=ReferenceKind.CARE_MEASURE)],
        COLUMN_LABELS["school_level"]: [i.label for i in references.filter(kind=ReferenceKind.SCHOOL_LEVEL)],
    }
    if organisation.is_departement:
        services = Organisation.objects.ase_services().filter(departement=departement).order_by("name")
        lists[COLUMN_LABELS["ase_service"]] = [s.name for s in services]
    return {name: values for name, values in lists.items() if values}


TEMPLATE_ERROR = "Choisissez une valeur de la liste (onglet Listes)."


def build_template(organisation, fmt="xlsx") -> bytes:
    """The file to fill when the ASE software exports nothing usable: the expected headers, and the
    département's lists as drop-downs down to row 20,001 (.xlsx, or .ods with `fmt="ods"`)."""
    columns = _template_columns(organisation)
    lists = {name: [neutralise(v) for v in values] for name, values in _template_lists(organisation).items()}
    required = {COLUMN_LABELS[key] for key, (_, needed) in COLUMNS.items() if needed}
    if organisation.is_departement:
        required.add(COLUMN_LABELS["ase_service"])
    if fmt == "ods":
        return _template_ods(columns, lists, required)
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = TEMPLATE_SHEET
    sheet.append(columns)
    for i, name in enumerate(columns, start=1):
        sheet.cell(row=1, column=i).font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(i)].width = max(14, len(name) + 4)
    sheet.freeze_panes = "A2"
    lists_sheet = workbook.create_sheet(TEMPLATE_LISTS_SHEET)
    for i, (name, values) in enumerate(lists.items(), start=1):
        letter = get_column_letter(i)
        lists_sheet.cell(row=1, column=i, value=name).font = Font(bold=True)
        for row, value in enumerate(values, start=2):
            lists_sheet.cell(row=row, column=i, value=value)
        lists_sheet.column_dimensions[letter].width = max(16, *(len(v) + 2 for v in [name, *values]))
        rule = DataValidation(
            type="list",
            formula1=f"='{TEMPLATE_LISTS_SHEET}'!${letter}$2:${letter}${len(values) + 1}",
            allow_blank=name not in required,
            showErrorMessage=True,
            errorTitle="Valeur hors liste",
            error=TEMPLATE_ERROR,
        )
        sheet.add_data_validation(rule)
        target = get_column_letter(columns.index(name) + 1)
        rule.add(f"{target}2:{target}{MAX_ROWS + 1}")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _template_ods(columns, lists, required) -> bytes:
    from binome.utils.ods import OdsWriter

    book = OdsWriter()
    sheet = book.sheet(TEMPLATE_SHEET, [max(3.0, (len(name) + 4) * 0.22) for name in columns])
    lists_sheet = book.sheet(
        TEMPLATE_LISTS_SHEET, [max(4.0, max(len(v) for v in [n, *vs]) * 0.22) for n, vs in lists.items()]
    )
    for position, (name, values) in enumerate(lists.items(), start=1):
        sheet.validations[columns.index(name) + 1] = book.in_list(
            TEMPLATE_LISTS_SHEET, position, len(values), TEMPLATE_ERROR, allow_empty=name not in required
        )
    book.append(sheet, columns, bold=True)
    sheet.blank_rows_with_validation = MAX_ROWS
    book.append(lists_sheet, list(lists), bold=True)
    for row in range(max((len(values) for values in lists.values()), default=0)):
        book.append(lists_sheet, [values[row] if row < len(values) else None for values in lists.values()])
    return book.save()
