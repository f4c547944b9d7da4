"""Import of an association's own figures (pairs and monthly meeting counts) from its CRM, as a
workbook (.xlsx or .ods; a CSV file holds the `Données` tab alone).

The template has the tabs of the tableau de pilotage an association fills: `Explications`, `Données`
(one row per pair, with the youth's pseudonymised profile), `Rencontres` (meeting counts per pair and
month) and `Paramètres figés` (the département's reference lists behind the drop-down lists).

All or nothing, like `youths.imports`: every row of both sheets is validated first, the report names
the sheet, row, column and reason in French, and nothing is written unless every row is valid. Rows
are keyed by the association's own stable identifiers, so importing the same file twice changes
nothing, and a later file updates the pairs it names (a pair absent from the file is kept: close it
with an end date). Rows are written by `services.reported_data_save`, which also computes the
preview (its dry run), so the preview and the import cannot disagree.
"""

import datetime
import functools
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils import timezone

from binome.notifications.emails import tell_import_failed
from binome.references.models import ReferenceItem, ReferenceKind
from binome.reporting.models import (
    RUNNING_IMPORT_STATES,
    ClosureReason,
    ImportJob,
    ImportStatus,
    ReportedMeetings,
    ReportedPair,
    ReportedPairState,
)
from binome.reporting.months import parse_month
from binome.reporting.services import reported_data_save
from binome.territories.models import Territory
from binome.utils import jobs
from binome.utils.choices import Gender, Modality
from binome.utils.spreadsheets import neutralise
from binome.utils.tabular import ImportReport, RowError, Workbook, parse_date, sniff
from binome.utils.tabular import norm as _norm

# The same few labels fill thousands of cells: normalise each once.
norm = functools.lru_cache(maxsize=8192)(_norm)

MAX_ROWS = 20_000  # per sheet
MAX_STORED_ERRORS = 1000
PROGRESS_EVERY = 500

HELP_SHEET = "Explications"
PAIRS_SHEET = "Données"
MEETINGS_SHEET = "Rencontres"
LISTS_SHEET = "Paramètres figés"
YES, NO = "Oui", "Non"


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool
    help: str
    list_name: str = ""  # the drop-down list of `Paramètres figés` behind it
    aliases: tuple = ()

    def accepts(self, header) -> bool:
        return norm(header) in {norm(self.header), *(norm(a) for a in self.aliases)}


PAIR_COLUMNS = (
    Column(
        "external_id",
        "Identifiant binôme",
        True,
        "L'identifiant du binôme dans votre logiciel, stable d'un import à l'autre.",
    ),
    Column(
        "youth_external_id", "Identifiant jeune", True, "Un identifiant pseudonyme du jeune (jamais son nom)."
    ),
    Column(
        "birth_year",
        "Année de naissance",
        True,
        "Année de naissance du jeune, ex. 2011.",
        aliases=("annee naissance",),
    ),
    Column("gender", "Genre", True, "Fille / femme, Garçon / homme ou Autre (F, M ou X acceptés).", "Genre"),
    Column("school_level", "Niveau scolaire", False, "Liste du département.", "Niveau scolaire"),
    Column("care_measure", "Mesure ASE", False, "Liste du département.", "Mesure ASE", ("mesure",)),
    Column("territory", "Territoire", False, "Territoire du département où vit le jeune.", "Territoire"),
    Column("objective", "Objectif", False, "Objectif principal du mentorat.", "Objectif"),
    Column("modality", "Modalité", False, "En présentiel, à distance ou mixte.", "Modalité"),
    Column(
        "mentor_external_id", "Identifiant mentor", False, "Un identifiant pseudonyme du mentor (facultatif)."
    ),
    Column("started_on", "Date de début", True, "JJ/MM/AAAA.", aliases=("debut",)),
    Column("ended_on", "Date de fin", False, "JJ/MM/AAAA, pour un binôme clôturé.", aliases=("fin",)),
    Column("state", "État", True, "En cours ou Clôturé.", "État", ("etat du binome",)),
    Column(
        "closure_reason", "Motif de clôture", False, "Obligatoire pour un binôme clôturé.", "Motif de clôture"
    ),
    Column(
        "objective_reached", "Objectif atteint", False, "Oui ou Non (vide : pas encore évalué).", "Oui/Non"
    ),
    Column("is_renewal", "Reconduction", False, "Oui si le binôme prolonge un binôme précédent.", "Oui/Non"),
)
MEETING_COLUMNS = (
    Column("pair_external_id", "Identifiant binôme", True, "Le même identifiant que dans l'onglet Données."),
    Column("month", "Mois", True, "AAAA-MM, ex. 2026-03."),
    Column(
        "in_person",
        "Rencontres en présentiel",
        True,
        "Nombre de rencontres du mois.",
        aliases=("presentiel",),
    ),
    Column(
        "remote",
        "Rencontres à distance",
        True,
        "Nombre de rencontres du mois.",
        aliases=("distance", "a distance"),
    ),
)

GENDER_ALIASES = {
    "f": Gender.FEMALE,
    "fille": Gender.FEMALE,
    "m": Gender.MALE,
    "g": Gender.MALE,
    "garcon": Gender.MALE,
    "x": Gender.OTHER,
    "autre": Gender.OTHER,
}
STATE_ALIASES = {
    "en cours": ReportedPairState.ACTIVE,
    "actif": ReportedPairState.ACTIVE,
    "cloture": ReportedPairState.CLOSED,
    "termine": ReportedPairState.CLOSED,
}
BOOLEANS = {
    "oui": True,
    "o": True,
    "yes": True,
    "1": True,
    "vrai": True,
    "non": False,
    "n": False,
    "no": False,
    "0": False,
    "faux": False,
}


def _choices_map(choices, aliases=None) -> dict:
    result = {}
    for value, label in choices:
        result[norm(value)] = value
        result[norm(label)] = value
    result.update(aliases or {})
    return result


GENDERS = _choices_map(Gender.choices, GENDER_ALIASES)
MODALITIES = _choices_map(Modality.choices, {"presentiel": Modality.IN_PERSON, "distanciel": Modality.REMOTE})
STATES = _choices_map(ReportedPairState.choices, STATE_ALIASES)
CLOSURE_REASONS = _choices_map(ClosureReason.choices)


class Lookups:
    """The département's lists, loaded once: validating 10,000 rows costs a handful of queries."""

    def __init__(self, association, departement):
        self.association = association
        self.departement = departement
        self.references = {}
        self.reference_labels = {}
        for item in ReferenceItem.objects.filter(
            departement=departement,
            kind__in=[ReferenceKind.SCHOOL_LEVEL, ReferenceKind.CARE_MEASURE, ReferenceKind.OBJECTIVE],
        ).order_by("position", "label"):
            self.references[(item.kind, norm(item.code))] = item.pk
            self.references[(item.kind, norm(item.label))] = item.pk
            if item.is_active:
                self.reference_labels.setdefault(item.kind, []).append(item.label)
        territories = list(Territory.objects.filter(departement=departement).order_by("name"))
        self.territories = {norm(t.name): t.pk for t in territories}
        self.territory_labels = [t.name for t in territories]
        # external id → département of the pairs the association already reported
        self.existing = dict(
            ReportedPair.objects.filter(association=association).values_list("external_id", "departement_id")
        )

    def reference(self, kind, value, what):
        text = norm(value)
        if not text:
            return None
        pk = self.references.get((kind, text))
        if pk is None:
            raise ValidationError(
                f"« {value} » ne fait pas partie de la liste des {what} : choisissez une valeur du menu déroulant"
            )
        return pk

    def territory(self, value):
        text = norm(value)
        if not text:
            return None
        pk = self.territories.get(text)
        if pk is None:
            raise ValidationError(f"territoire « {value} » inconnu dans le département")
        return pk


def _text(value) -> str:
    text = "" if value is None else str(value).strip()
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))  # an identifier typed as a number: 123, not 123.0
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@":
        text = text[1:]  # our own neutralised cell, read back
    return text


def _identifier(value) -> str:
    text = _text(value)
    if not text:
        raise ValidationError("obligatoire")
    if len(text) > 60:
        raise ValidationError("60 caractères au plus")
    return text


def _choice(mapping, expected):
    def clean(value):
        text = norm(_text(value))
        if text not in mapping:
            raise ValidationError(f"attendu : {expected}")
        return mapping[text]

    return clean


def _optional_choice(mapping, expected):
    strict = _choice(mapping, expected)
    return lambda value: "" if not _text(value) else strict(value)


def _boolean(value):
    if isinstance(value, bool):  # a real boolean cell (Excel's TRUE, LibreOffice's VRAI)
        return value
    text = norm(_text(value))
    if not text:
        return None
    if text not in BOOLEANS:
        raise ValidationError("attendu : Oui ou Non")
    return BOOLEANS[text]


def _count(value):
    text = _text(value)
    if not text:
        return 0
    try:
        number = float(text.replace(",", "."))
    except ValueError:
        raise ValidationError("attendu : un nombre entier") from None
    if not number.is_integer() or not 0 <= number <= 200:
        raise ValidationError("attendu : un nombre entier de 0 à 200")
    return int(number)


def _optional_date(value):
    return parse_date(value) if _text(value) else None


def _required_date(value):
    if not _text(value):
        raise ValidationError("obligatoire")
    return parse_date(value)


def _map_headers(headers, columns, sheet) -> tuple[dict[str, int], list[RowError]]:
    index, problems = {}, []
    for column in columns:
        found = next((i for i, h in enumerate(headers) if column.accepts(h)), None)
        if found is not None:
            index[column.key] = found
        elif column.required:
            problems.append(RowError(1, _where(sheet, column.header), "colonne absente"))
    return index, problems


def _where(sheet, column: str) -> str:
    """Errors name the column, and the sheet when it is not the main one."""
    return column if sheet == PAIRS_SHEET else f"{sheet} › {column}"


@dataclass
class Plan:
    """What a valid file holds, cleaned: the rows to hand to `reported_data_save`."""

    pairs: list[dict] = field(default_factory=list)
    meetings: list[dict] = field(default_factory=list)


def read_workbook(source, report: ImportReport) -> dict | None:
    """{sheet: (headers, [(row number, values)])} for `Données` and, when present, `Rencontres`;
    blank rows dropped, row numbers kept as the spreadsheet shows them."""
    try:
        workbook = Workbook(source)
    except ValidationError as error:
        report.errors.append(RowError(0, "", error.messages[0]))
        return None
    with workbook:
        by_name = {norm(name): name for name in workbook.sheet_names}
        wanted = {
            PAIRS_SHEET: by_name.get(norm(PAIRS_SHEET)),
            MEETINGS_SHEET: by_name.get(norm(MEETINGS_SHEET)),
        }
        if wanted[PAIRS_SHEET] is None:
            if len(workbook.sheet_names) != 1:
                report.errors.append(
                    RowError(0, "", f"Onglet « {PAIRS_SHEET} » absent : partez du modèle à télécharger.")
                )
                return None
            wanted[PAIRS_SHEET] = workbook.sheet_names[0]
        sheets = {}
        try:
            for key, name in wanted.items():
                if name is None:
                    continue
                columns = PAIR_COLUMNS if key == PAIRS_SHEET else MEETING_COLUMNS
                # Only the mapped columns are held: a CRM's other columns cost nothing (issue 19).
                rows = list(
                    workbook.rows(
                        name,
                        limit=MAX_ROWS + 2,
                        keep=lambda headers, c=columns, k=key: _map_headers(headers, c, k)[0].values(),
                    )
                )
                headers = list(rows.pop(0)[1]) if rows else []
                sheets[key] = (headers, rows)
        except ValidationError as error:
            report.errors.append(RowError(0, "", error.messages[0]))
            return None
    for name, (_, rows) in sheets.items():
        if len(rows) > MAX_ROWS:
            report.errors.append(
                RowError(0, "", f"L'onglet « {name} » dépasse {MAX_ROWS} lignes : découpez le fichier.")
            )
    if not sheets[PAIRS_SHEET][1] and not sheets.get(MEETINGS_SHEET, (None, []))[1]:
        report.errors.append(RowError(0, "", "Le fichier ne contient aucune ligne de données."))
    return None if report.errors else sheets


def _clean(values, index, cleaners, sheet, columns_by_key) -> tuple[dict, list[tuple[str, str]]]:
    data, errors = {}, []
    for key, clean in cleaners.items():
        if key not in index:
            data[key] = clean(None) if not columns_by_key[key].required else None
            continue
        position = index[key]
        raw = values[position] if position < len(values) else None
        try:
            if isinstance(raw, str) and "\x00" in raw:
                # PostgreSQL refuses it in any text column: the file or the API batch, not a 500.
                raise ValidationError("caractère nul non autorisé")
            data[key] = clean(raw)
        except ValidationError as error:
            errors.append((_where(sheet, columns_by_key[key].header), error.messages[0]))
    return data, errors


def validate(
    source, *, association, departement, progress: Callable[[int], None] | None = None
) -> tuple[ImportReport, Plan]:
    """Read and check every row. The report lists every error; the plan is usable only when it is ok."""
    report = ImportReport()
    sheets = read_workbook(source, report)
    if sheets is None:
        return report, Plan()
    return validate_sheets(sheets, association=association, departement=departement, progress=progress)


def validate_sheets(
    sheets: dict, *, association, departement, progress: Callable[[int], None] | None = None
) -> tuple[ImportReport, Plan]:
    """Check rows already read, {sheet: (headers, [(row number, values)])} as `read_workbook` gives
    them (`Rencontres` optional). The API hands its JSON batches here too, so both apply one set of rules."""
    report, plan = ImportReport(), Plan()
    lookups = Lookups(association, departement)
    today = timezone.localdate()
    total = sum(len(rows) for _, rows in sheets.values()) or 1
    done = 0

    def tick():
        nonlocal done
        done += 1
        if progress and done % PROGRESS_EVERY == 0:
            progress(int(done * 100 / total))

    # --- Données: one row per pair -----------------------------------------------------------------
    headers, rows = sheets[PAIRS_SHEET]
    index, problems = _map_headers(headers, PAIR_COLUMNS, PAIRS_SHEET)
    report.errors += problems
    columns = {c.key: c for c in PAIR_COLUMNS}
    cleaners = {
        "external_id": _identifier,
        "youth_external_id": _identifier,
        "birth_year": lambda v: _birth_year(v, today),
        "gender": _choice(GENDERS, "F, M ou X (Fille / femme, Garçon / homme, Autre)"),
        "school_level": lambda v: lookups.reference(
            ReferenceKind.SCHOOL_LEVEL, _text(v), "niveaux scolaires"
        ),
        "care_measure": lambda v: lookups.reference(ReferenceKind.CARE_MEASURE, _text(v), "mesures ASE"),
        "territory": lambda v: lookups.territory(_text(v)),
        "objective": lambda v: lookups.reference(ReferenceKind.OBJECTIVE, _text(v), "objectifs"),
        "modality": _optional_choice(MODALITIES, "En présentiel, À distance ou Mixte"),
        "mentor_external_id": lambda v: _text(v)[:60],
        "started_on": _required_date,
        "ended_on": _optional_date,
        "state": _choice(STATES, "En cours ou Clôturé"),
        "closure_reason": _optional_choice(CLOSURE_REASONS, "un motif de la liste"),
        "objective_reached": _boolean,
        "is_renewal": lambda v: bool(_boolean(v)),
    }
    seen: dict[str, int] = {}
    youths: dict[str, tuple[int, int, str]] = {}
    if not problems:
        for number, values in rows:
            tick()
            data, errors = _clean(values, index, cleaners, PAIRS_SHEET, columns)
            errors += _pair_rules(data, today)
            external_id = data.get("external_id")
            if external_id:
                if external_id in seen:
                    errors.append(("Identifiant binôme", f"déjà présent ligne {seen[external_id]}"))
                else:
                    seen[external_id] = number
                known = lookups.existing.get(external_id)
                if known is not None and known != departement.pk:
                    errors.append(("Identifiant binôme", "ce binôme est déclaré pour un autre département"))
            youth = data.get("youth_external_id")
            if youth and data.get("birth_year") and data.get("gender"):
                first = youths.setdefault(youth, (number, data["birth_year"], data["gender"]))
                if first[1:] != (data["birth_year"], data["gender"]):
                    errors.append(
                        (
                            "Identifiant jeune",
                            f"même jeune que ligne {first[0]} mais année de naissance ou genre différents",
                        )
                    )
            report.errors += [RowError(number, column, message) for column, message in errors]
            if not errors:
                plan.pairs.append(data)
    report.rows = len(rows)

    # --- Rencontres: meetings per pair and month -----------------------------------------------------
    if MEETINGS_SHEET in sheets:
        headers, rows = sheets[MEETINGS_SHEET]
        index, problems = _map_headers(headers, MEETING_COLUMNS, MEETINGS_SHEET)
        report.errors += problems
        columns = {c.key: c for c in MEETING_COLUMNS}
        cleaners = {
            "pair_external_id": _identifier,
            "month": parse_month,
            "in_person": _count,
            "remote": _count,
        }
        pairs_in_file = {p["external_id"]: p for p in plan.pairs}
        months_seen: dict[tuple, int] = {}
        current_month = today.replace(day=1)
        if not problems:
            for number, values in rows:
                tick()
                data, errors = _clean(values, index, cleaners, MEETINGS_SHEET, columns)
                pair_id, month = data.get("pair_external_id"), data.get("month")
                if pair_id:
                    if pair_id not in seen and lookups.existing.get(pair_id) != departement.pk:
                        errors.append(
                            (
                                _where(MEETINGS_SHEET, "Identifiant binôme"),
                                "binôme absent de l'onglet Données et jamais importé",
                            )
                        )
                    pair = pairs_in_file.get(pair_id)
                    if (
                        month
                        and pair
                        and (
                            month < pair["started_on"].replace(day=1)
                            or (pair["ended_on"] and month > pair["ended_on"])
                        )
                    ):
                        errors.append((_where(MEETINGS_SHEET, "Mois"), "en dehors des dates du binôme"))
                if month and month > current_month:
                    errors.append((_where(MEETINGS_SHEET, "Mois"), "mois à venir"))
                if pair_id and month:
                    key = (pair_id, month)
                    if key in months_seen:
                        errors.append(
                            (_where(MEETINGS_SHEET, "Mois"), f"déjà déclaré ligne {months_seen[key]}")
                        )
                    months_seen.setdefault(key, number)
                report.errors += [RowError(number, column, message) for column, message in errors]
                if not errors:
                    plan.meetings.append(data)
        report.rows += len(rows)
    if progress:
        progress(100)
    return report, plan


def _birth_year(value, today):
    text = _text(value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.year
    try:
        year = int(float(text.replace(",", ".")))
    except (ValueError, OverflowError):  # "abc", "nan"; "1e400" or 400 digits: float gives inf
        raise ValidationError("attendu : une année sur 4 chiffres, ex. 2011") from None
    if not today.year - 30 <= year <= today.year - 5:
        raise ValidationError(
            f"année improbable pour un jeune accompagné (de {today.year - 30} à {today.year - 5})"
        )
    return year


def _pair_rules(data, today) -> list[tuple[str, str]]:
    errors = []
    started, ended, state = data.get("started_on"), data.get("ended_on"), data.get("state")
    if started and started > today:
        errors.append(("Date de début", "date à venir : n'importez que les binômes commencés"))
    if started and ended and ended < started:
        errors.append(("Date de fin", "avant la date de début"))
    if ended and ended > today:
        errors.append(("Date de fin", "date à venir"))
    if state == ReportedPairState.CLOSED:
        if not ended:
            errors.append(("Date de fin", "obligatoire pour un binôme clôturé"))
        if not data.get("closure_reason") and "closure_reason" in data:
            errors.append(("Motif de clôture", "obligatoire pour un binôme clôturé"))
    elif state == ReportedPairState.ACTIVE:
        if ended:
            errors.append(("Date de fin", "renseignée pour un binôme en cours : indiquez l'état « Clôturé »"))
        if data.get("closure_reason"):
            errors.append(("Motif de clôture", "renseigné pour un binôme en cours"))
    return errors


# --- Running an import (command, background job) -----------------------------------------------------


def import_file(
    source, *, association, departement, dry_run=False, progress=None
) -> tuple[ImportReport, dict]:
    """Validate, then write all or nothing (or, with `dry_run`, only count). Returns the report and
    the counts of rows created, updated and left unchanged."""
    report, plan = validate(source, association=association, departement=departement, progress=progress)
    if not report.ok:
        return report, {}
    counts = reported_data_save(
        association=association,
        departement=departement,
        pairs=plan.pairs,
        meetings=plan.meetings,
        dry_run=dry_run,
    )
    report.created = counts["pairs_created"] + counts["meetings_created"]
    report.updated = counts["pairs_updated"] + counts["meetings_updated"]
    return report, counts


def job_create(*, upload, association, departement, by) -> ImportJob:
    """Keep the upload in private storage and check it in the background."""
    from binome.reporting.tasks import validate_import

    job = ImportJob(
        association=association, departement=departement, uploaded_by=by, original_name=upload.name[:200]
    )
    kind = getattr(upload, "table_kind", None) or sniff(upload)
    job.file.save(f"{job.pk}.{kind}", upload, save=False)
    job.save()
    jobs.beat(job, 0)
    validate_import(job.pk)
    return job


def _errors_json(report) -> list:
    return [located(e.row, e.column, e.message) for e in report.errors[:MAX_STORED_ERRORS]]


def located(row, column, message, sheet=None) -> list:
    """[row, sheet, column, message]: an error with its tab apart (`_where` joins them as
    « Rencontres › Mois »). A row error without a tab is on `Données`; a file error (row 0) on none."""
    if sheet is None:
        sheet, separator, name = (column or "").partition(" › ")
        if separator:
            column = name
        else:
            sheet = PAIRS_SHEET if row else ""
    return [row, sheet, column, message]


def stored_errors(job) -> list[list]:
    """The job's errors as [row, sheet, column, message], also for jobs stored as [row, column, message]."""
    return [located(*error) if len(error) == 3 else list(error) for error in job.errors or []]


def _progress_for(job_id, scale=1.0):
    """Stores the progress on the job (validation runs outside any transaction) and beats, so the
    sweep can tell a long import from a dead worker."""
    job = ImportJob(pk=job_id)

    def progress(percent):
        ImportJob.objects.filter(pk=job_id).update(progress=min(int(percent * scale), 99))
        jobs.beat(job, percent * scale)

    return progress


def _finish(job, report, status, counts=None):
    job.status = status
    job.rows = report.rows
    job.errors = _errors_json(report)
    job.error_count = len(report.errors)
    if counts is not None:
        job.plan = counts
    job.progress = 100
    job.finished_at = timezone.now() if status != ImportStatus.VALID else None
    job.save()
    if status in (ImportStatus.INVALID, ImportStatus.DONE) and job.file:
        job.file.delete(save=True)  # the association's data is not kept once no longer needed
    jobs.forget(job)


def job_validate(*, job_id) -> None:
    """Background: check every row and compute the preview (a dry run of the import)."""
    job = ImportJob.objects.select_related("association", "departement").get(pk=job_id)
    if not ImportJob.objects.filter(pk=job_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.VALIDATING, progress=0
    ):
        return  # already checked, or failed by the sweep
    jobs.beat(job, 0)
    try:
        with job.file.open("rb") as source:
            report, counts = import_file(
                source,
                association=job.association,
                departement=job.departement,
                dry_run=True,
                progress=_progress_for(job_id),
            )
    except Exception:
        ImportJob.objects.filter(pk=job_id).update(status=ImportStatus.FAILED, finished_at=timezone.now())
        raise
    _finish(job, report, ImportStatus.VALID if report.ok else ImportStatus.INVALID, counts)


def job_confirm(*, job) -> bool:
    """The association confirms the preview: mark the job as importing (once, even on a double
    click) and hand it to the worker. False when the job was not waiting for confirmation."""
    from binome.reporting.tasks import run_import

    confirmed = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.VALID).update(
        status=ImportStatus.IMPORTING, progress=0
    )
    if confirmed:
        jobs.beat(job, 0)
        run_import(job.pk)
    return bool(confirmed)


def job_import(*, job_id) -> None:
    """Background: validate again (the data may have moved since the preview) and write."""
    job = ImportJob.objects.select_related("association", "departement").get(pk=job_id)
    if job.status != ImportStatus.IMPORTING:
        return  # not confirmed (see `job_confirm`), or already done
    try:
        # Validation outside the transaction, so the progress bar moves; then one atomic write.
        with job.file.open("rb") as source:
            report, counts = import_file(
                source,
                association=job.association,
                departement=job.departement,
                progress=_progress_for(job_id, scale=0.9),
            )
    except ValidationError as error:  # the data moved between validation and writing
        report = ImportReport(errors=[RowError(0, "", message) for message in error.messages])
        _finish(job, report, ImportStatus.INVALID)
        return
    except Exception:
        ImportJob.objects.filter(pk=job_id).update(status=ImportStatus.FAILED, finished_at=timezone.now())
        raise
    _finish(job, report, ImportStatus.DONE if report.ok else ImportStatus.INVALID, counts or None)


UNCONFIRMED = "Aperçu non confirmé dans la journée : le fichier a été supprimé. Déposez-le de nouveau."


def sweep_jobs(now=None) -> tuple[int, int]:
    """Re-queue once the imports whose worker died, then fail them (uploader told); delete the files of
    finished or failed ones after a day, and of previews nobody confirmed within a day. Returns
    (failed, purged)."""
    now = now or timezone.now()
    from binome.reporting.tasks import run_import, validate_import

    check_again = (ImportStatus.QUEUED, validate_import)
    failed, purged = jobs.sweep(
        ImportJob,
        running=RUNNING_IMPORT_STATES,
        failed=ImportStatus.FAILED,
        finished=(ImportStatus.DONE, ImportStatus.INVALID, ImportStatus.FAILED),
        url_name="reporting:import_job",
        # A dead check is checked again; a dead import (confirmed, one transaction) imports again.
        requeue={
            ImportStatus.QUEUED: check_again,
            ImportStatus.VALIDATING: check_again,
            ImportStatus.IMPORTING: (ImportStatus.IMPORTING, run_import),
        },
        tell=tell_import_failed,
        now=now,
    )
    for job in ImportJob.objects.filter(status=ImportStatus.VALID, updated_at__lt=now - jobs.KEEP_UPLOADS):
        if ImportJob.objects.filter(pk=job.pk, status=ImportStatus.VALID).update(
            status=ImportStatus.INVALID, finished_at=now, errors=[[0, "", "", UNCONFIRMED]], error_count=1
        ):
            if job.file:
                job.file.delete(save=False)
                ImportJob.objects.filter(pk=job.pk).update(file="")
            purged += 1
    return failed, purged


# --- The template ------------------------------------------------------------------------------------


def _template_lists(lookups) -> dict[str, list[str]]:
    return {
        "Genre": [label for _, label in Gender.choices],
        "Niveau scolaire": lookups.reference_labels.get(ReferenceKind.SCHOOL_LEVEL, []),
        "Mesure ASE": lookups.reference_labels.get(ReferenceKind.CARE_MEASURE, []),
        "Territoire": lookups.territory_labels,
        "Objectif": lookups.reference_labels.get(ReferenceKind.OBJECTIVE, []),
        "Modalité": [label for _, label in Modality.choices],
        "État": [label for _, label in ReportedPairState.choices],
        "Motif de clôture": [label for _, label in ClosureReason.choices],
        "Oui/Non": [YES, NO],
    }


def _template_help(association, departement) -> list[str]:
    return [
        f"Données de {association.name} pour {departement.name}",
        "",
        "Ce fichier décrit les binômes que votre association suit dans son propre logiciel.",
        "Onglet « Données » : une ligne par binôme, avec le profil pseudonyme du jeune. N'écrivez aucun nom.",
        "Onglet « Rencontres » : le nombre de rencontres de chaque binôme, par mois.",
        "Onglet « Paramètres figés » : les listes du département, proposées dans les menus déroulants.",
        "",
        "Les identifiants doivent rester les mêmes d'un envoi à l'autre : un nouvel import met à jour",
        "les binômes qu'il contient, et importer deux fois le même fichier ne change rien.",
        "L'import est tout ou rien : si une ligne est fausse, rien n'est enregistré et chaque erreur",
        "est indiquée avec son onglet, sa ligne et sa colonne.",
        "Le fichier peut être enregistré par Excel (.xlsx) ou par LibreOffice (.ods ou .xlsx).",
        "",
        "Colonnes de l'onglet « Données » :",
        *[f"• {c.header}{' (obligatoire)' if c.required else ''} : {c.help}" for c in PAIR_COLUMNS],
        "",
        "Colonnes de l'onglet « Rencontres » :",
        *[f"• {c.header}{' (obligatoire)' if c.required else ''} : {c.help}" for c in MEETING_COLUMNS],
    ]


def _template_pairs(association, departement):
    """The pairs already imported, so the association can update its file rather than start again."""
    labels = {
        "gender": dict(Gender.choices),
        "modality": dict(Modality.choices),
        "state": dict(ReportedPairState.choices),
        "closure_reason": dict(ClosureReason.choices),
    }
    pairs = (
        ReportedPair.objects.filter(association=association, departement=departement)
        .select_related("school_level", "care_measure", "objective", "territory")
        .order_by("external_id")
    )
    for pair in pairs.iterator(chunk_size=2000):
        yield [
            neutralise(pair.external_id),
            neutralise(pair.youth_external_id),
            pair.birth_year,
            labels["gender"].get(pair.gender, ""),
            pair.school_level.label if pair.school_level else None,
            pair.care_measure.label if pair.care_measure else None,
            pair.territory.name if pair.territory else None,
            pair.objective.label if pair.objective else None,
            labels["modality"].get(pair.modality) if pair.modality else None,
            neutralise(pair.mentor_external_id) or None,
            pair.started_on,
            pair.ended_on,
            labels["state"][pair.state],
            labels["closure_reason"].get(pair.closure_reason) if pair.closure_reason else None,
            None if pair.objective_reached is None else (YES if pair.objective_reached else NO),
            YES if pair.is_renewal else NO,
        ]


def _template_meetings(association, departement):
    meetings = (
        ReportedMeetings.objects.filter(pair__association=association, pair__departement=departement)
        .select_related("pair")
        .order_by("pair__external_id", "month")
    )
    for meeting in meetings.iterator(chunk_size=2000):
        yield [
            neutralise(meeting.pair.external_id),
            f"{meeting.month:%Y-%m}",
            meeting.in_person,
            meeting.remote,
        ]


def _template_number_rules():
    """(column key, low, high, sheet name, columns) of the whole-number checks."""
    year = timezone.localdate().year
    return (
        ("birth_year", year - 30, year - 5, PAIRS_SHEET, PAIR_COLUMNS),
        ("in_person", 0, 200, MEETINGS_SHEET, MEETING_COLUMNS),
        ("remote", 0, 200, MEETINGS_SHEET, MEETING_COLUMNS),
    )


def build_template(*, association, departement, fmt="xlsx") -> bytes:
    """The workbook to fill (.xlsx, or .ods with `fmt="ods"`): the département's lists as
    drop-downs, and the pairs already imported."""
    if fmt == "ods":
        return _build_template_ods(association=association, departement=departement)
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    lookups = Lookups(association, departement)
    lists = _template_lists(lookups)
    bold = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="DDE6F0")
    workbook = Workbook()
    help_sheet = workbook.active
    help_sheet.title = HELP_SHEET
    lines = _template_help(association, departement)
    for line in lines:
        help_sheet.append([line])
    help_sheet["A1"].font = Font(bold=True, size=14)
    help_sheet.column_dimensions["A"].width = 110

    def header(sheet, columns):
        sheet.append([c.header for c in columns])
        for cell in sheet[1]:
            cell.font = bold
            cell.fill = header_fill
        for i, column in enumerate(columns, start=1):
            sheet.column_dimensions[get_column_letter(i)].width = max(14, len(column.header) + 4)
        sheet.freeze_panes = "A2"

    pairs_sheet = workbook.create_sheet(PAIRS_SHEET)
    header(pairs_sheet, PAIR_COLUMNS)
    meetings_sheet = workbook.create_sheet(MEETINGS_SHEET)
    header(meetings_sheet, MEETING_COLUMNS)
    lists_sheet = workbook.create_sheet(LISTS_SHEET)
    ranges = {}
    for i, (name, values) in enumerate(lists.items(), start=1):
        letter = get_column_letter(i)
        lists_sheet.cell(row=1, column=i, value=name).font = bold
        for row, value in enumerate(values, start=2):
            lists_sheet.cell(row=row, column=i, value=neutralise(value))
        lists_sheet.column_dimensions[letter].width = max(16, *(len(v) + 2 for v in [name, *values]))
        ranges[name] = f"'{LISTS_SHEET}'!${letter}$2:${letter}${max(2, len(values) + 1)}"

    last_row = MAX_ROWS + 1
    for i, column in enumerate(PAIR_COLUMNS, start=1):
        if not column.list_name:
            continue
        rule = DataValidation(
            type="list",
            formula1=f"={ranges[column.list_name]}",
            allow_blank=not column.required,
            showErrorMessage=True,
            errorTitle="Valeur hors liste",
            error="Choisissez une valeur de la liste (onglet Paramètres figés).",
        )
        pairs_sheet.add_data_validation(rule)
        letter = get_column_letter(i)
        rule.add(f"{letter}2:{letter}{last_row}")
    sheets = {PAIRS_SHEET: pairs_sheet, MEETINGS_SHEET: meetings_sheet}
    for key, low, high, sheet_name, columns in _template_number_rules():
        sheet = sheets[sheet_name]
        position = next(i for i, c in enumerate(columns, start=1) if c.key == key)
        rule = DataValidation(
            type="whole", operator="between", formula1=str(low), formula2=str(high), allow_blank=True
        )
        rule.error = f"Un nombre entier de {low} à {high}."
        rule.showErrorMessage = True
        sheet.add_data_validation(rule)
        letter = get_column_letter(position)
        rule.add(f"{letter}2:{letter}{last_row}")

    for row in _template_pairs(association, departement):
        pairs_sheet.append(row)
    for row in _template_meetings(association, departement):
        meetings_sheet.append(row)
    for sheet, columns in ((pairs_sheet, PAIR_COLUMNS),):
        for i, column in enumerate(columns, start=1):
            if column.key in ("started_on", "ended_on"):
                for cell in sheet[get_column_letter(i)][1:]:
                    cell.number_format = "DD/MM/YYYY"
    workbook.active = 1
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _build_template_ods(*, association, departement) -> bytes:
    """The same template for LibreOffice: same tabs, same drop-down lists, same number checks."""
    from binome.utils.ods import OdsWriter

    lookups = Lookups(association, departement)
    lists = _template_lists(lookups)
    book = OdsWriter()
    help_sheet = book.sheet(HELP_SHEET, [30])
    for line in _template_help(association, departement):
        book.append(help_sheet, [line], bold=line.startswith("Données de "))
    widths = lambda columns: [max(3.0, (len(c.header) + 4) * 0.22) for c in columns]  # noqa: E731
    pairs_sheet = book.sheet(PAIRS_SHEET, widths(PAIR_COLUMNS))
    meetings_sheet = book.sheet(MEETINGS_SHEET, widths(MEETING_COLUMNS))
    lists_sheet = book.sheet(
        LISTS_SHEET, [max(4.0, max(len(v) for v in [n, *vs]) * 0.22) for n, vs in lists.items()]
    )
    positions = {name: i for i, name in enumerate(lists, start=1)}
    for i, column in enumerate(PAIR_COLUMNS, start=1):
        if column.list_name:
            pairs_sheet.validations[i] = book.in_list(
                LISTS_SHEET,
                positions[column.list_name],
                len(lists[column.list_name]),
                "Choisissez une valeur de la liste (onglet Paramètres figés).",
                allow_empty=not column.required,
            )
    sheets = {PAIRS_SHEET: pairs_sheet, MEETINGS_SHEET: meetings_sheet}
    for key, low, high, sheet_name, columns in _template_number_rules():
        position = next(i for i, c in enumerate(columns, start=1) if c.key == key)
        sheets[sheet_name].validations[position] = book.whole_between(
            low, high, f"Un nombre entier de {low} à {high}."
        )
    book.append(pairs_sheet, [c.header for c in PAIR_COLUMNS], bold=True)
    book.append(meetings_sheet, [c.header for c in MEETING_COLUMNS], bold=True)
    written = {PAIRS_SHEET: 0, MEETINGS_SHEET: 0}
    for row in _template_pairs(association, departement):
        book.append(pairs_sheet, row)
        written[PAIRS_SHEET] += 1
    for row in _template_meetings(association, departement):
        book.append(meetings_sheet, row)
        written[MEETINGS_SHEET] += 1
    for name, sheet in sheets.items():
        sheet.blank_rows_with_validation = max(MAX_ROWS - written[name], 0)
    book.append(lists_sheet, list(lists), bold=True)
    for row in range(max(len(values) for values in lists.values())):
        book.append(
            lists_sheet, [neutralise(values[row]) if row < len(values) else None for values in lists.values()]
        )
    return book.save()
