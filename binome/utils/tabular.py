"""Reading spreadsheets people upload (xlsx or CSV), for every all-or-nothing import.

Each import validates every row first and reports errors by row and column in French; nothing is
written unless every row is valid.
"""

import csv
import datetime
import io
import unicodedata
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError


def norm(text) -> str:
    text = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode()
    return " ".join(text.lower().replace("_", " ").replace("'", " ").replace("-", " ").split())


@dataclass
class RowError:
    row: int
    column: str
    message: str


@dataclass
class ImportReport:
    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def read_rows(upload, max_rows: int) -> list[list]:
    """The sheet as a list of rows (first one: the headers)."""
    name = upload.name.lower()
    if name.endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(upload, read_only=True, data_only=True)
        except Exception as error:  # openpyxl raises many kinds for a damaged file
            raise ValidationError("Ce fichier xlsx est illisible ou endommagé.") from error
        sheet = workbook.worksheets[0]
        rows = [
            list(row) for row, _ in zip(sheet.iter_rows(values_only=True), range(max_rows + 2), strict=False)
        ]
        workbook.close()
        return rows
    raw = upload.read()
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=";,\t")
    except csv.Error:
        dialect = _Semicolon
    return [row for row, _ in zip(csv.reader(io.StringIO(text), dialect), range(max_rows + 2), strict=False)]


def read_table(upload, max_rows: int, report: "ImportReport") -> list[list] | None:
    """Headers then data rows, blank rows dropped; None (with the reason in `report`) when the file
    is unreadable, empty or too long."""
    try:
        rows = read_rows(upload, max_rows)
    except ValidationError as error:
        report.errors.append(RowError(0, "", error.messages[0]))
        return None
    rows = [r for r in rows if any(str(v or "").strip() for v in r)]
    if len(rows) < 2:
        report.errors.append(RowError(0, "", "Le fichier ne contient aucune ligne de données."))
        return None
    if len(rows) > max_rows + 1:
        report.errors.append(RowError(0, "", f"Le fichier dépasse {max_rows} lignes : découpez-le."))
        return None
    return rows


class _Semicolon(csv.excel):
    delimiter = ";"


def parse_date(value):
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value or "").strip()
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValidationError("date illisible : attendu JJ/MM/AAAA")


class Rollback(Exception):
    """Raised inside an import's transaction when a row fails a rule checked while writing: nothing is kept."""
