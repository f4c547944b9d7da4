"""Reading the spreadsheets people upload, for every all-or-nothing import: .xlsx, .ods or CSV.

One reader for the youths in care, the honorability results and the association's report. The
format is recognised by the file's bytes, never its name. Workbooks are read by python-calamine
(Rust; xlsx and ods, dates come back as dates), CSV by the standard library (UTF-8 with or without
BOM, or Windows-1252; `;`, `,` or tab). Values come back plain: text, number, date, boolean, None.

A file of at most 10 MB can hold gigabytes once unzipped, and calamine builds each sheet as one
dense rectangle of cells. So before calamine sees a workbook, every part it reads is unzipped here
(its true size, CRC checked) and scanned for what would blow memory up: a value beyond the columns
or rows we read, one text longer than a cell needs, a shared string repeated in every cell, an .ods
cell or row repeated a million times. Such a file is refused in French; any file of at most 10 MB
is read in well under 300 MB, Django and the rows an import holds included (tests/utils/
test_tabular.py measures each import's reader in a separate process). Every scan is linear in the
part it reads (no pattern runs past the next `<`), and an archive zipfile cannot read, or a panic
of calamine, is refused in French as a damaged file.

Each import validates every row first and reports errors by row and column in French; nothing is
written unless every row is valid.
"""

import csv
import datetime
import io
import itertools
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ValidationError

from binome.utils.forms import plausible_year

MAX_BYTES = 10 * 1024 * 1024  # the upload itself
MAX_COLUMNS = 128  # columns read: A to DX
MAX_SHEET_ROW = 25_000  # no value below this row (imports take 20,000 rows at most)
MAX_TEXT_BYTES = 32 * 1024  # one run of text (or one tag) in a workbook's XML
MAX_TEXT_CHARS = 5_000  # one CSV field
MAX_PART_BYTES = 64 * 1024 * 1024  # one part of a workbook, unzipped
MAX_UNZIPPED_BYTES = 128 * 1024 * 1024  # all the parts calamine reads, unzipped
MAX_CELLS = 1_500_000  # cells of one sheet, as calamine lays them out (e.g. 20,000 rows × 75 columns)
MAX_SHARED_TEXT_BYTES = 48 * 1024 * 1024  # text of the cells that point to a shared string
MAX_PARTS = 1_000
MAX_ODS_TABLES = 1_000  # sheets of an .ods
MAX_ODS_ROW_TAGS = 200_000  # <table:table-row> tags of an .ods (LibreOffice writes empty rows as one)
# Values an import holds once read, per sheet: every row is kept until all are valid, and 20,002
# rows of 128 short texts peaked at 322 MB with Django loaded. The youths' and the association's
# imports keep only the columns they map (`keep`); this bounds a reader that keeps every column
# (twice the 320,000 values of the largest honest file: 20,000 rows × 16 columns).
MAX_HELD_VALUES = 640_000

XLSX, ODS, CSV = "xlsx", "ods", "csv"
ACCEPTED = "Déposez un classeur .xlsx ou .ods, ou un fichier CSV."
# The file picker's filter (a convenience only: the bytes decide). CSV files come as .csv or .txt,
# and with several MIME types depending on the system.
ACCEPT = (
    ".xlsx,.ods,.csv,.txt,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,"
    "application/vnd.oasis.opendocument.spreadsheet,text/csv"
)
UNREADABLE = "Ce classeur est illisible ou endommagé : ouvrez-le et enregistrez-le à nouveau."


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


# --- Recognising the format -----------------------------------------------------------------------


def column_letter(number: int) -> str:
    """1 → A, 28 → AB."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _refuse(message: str):
    raise ValidationError(message, code="unreadable")


def _read_bytes(source) -> bytes:
    if hasattr(source, "seek"):
        source.seek(0)
    data = source.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        _refuse(f"Le fichier dépasse {MAX_BYTES // (1024 * 1024)} Mo.")
    return data


def _decode(data: bytes) -> str:
    """The text of a CSV file, or a French refusal for anything that is not text."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        _refuse(f"Ce fichier n'est pas un tableau lisible. {ACCEPTED}")
    if any(ord(c) < 32 and c not in "\t\r\n" for c in set(text)):  # NUL and the like: binary
        _refuse(f"Ce fichier n'est pas un tableau lisible. {ACCEPTED}")
    return text


def sniff(source) -> str:
    """XLSX, ODS or CSV, from the file's bytes; a French refusal for anything else (cheap: nothing
    is unzipped, so a form can call it before handing the file to the worker)."""
    data = _read_bytes(source)
    if hasattr(source, "seek"):
        source.seek(0)
    return _kind(data)


def check_upload(upload) -> str:
    """A form's check of an uploaded table: its size, and its format from its bytes (cheap: nothing
    is unzipped). Returns XLSX, ODS or CSV; a French refusal for anything else."""
    if upload.size > MAX_BYTES:
        _refuse(f"Le fichier dépasse {MAX_BYTES // (1024 * 1024)} Mo.")
    return sniff(upload)


class TableUploadForm(forms.Form):
    """The upload field every import shares (youths, honorability results): the file is checked by its
    size and its bytes (`check_upload`) before anything reads it; each page says what file it wants."""

    file = forms.FileField(
        label="Fichier (.xlsx, .ods ou CSV)",
        help_text="10 Mo et 20 000 lignes au plus.",
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )

    def __init__(self, *args, help_text=None, **kwargs):
        super().__init__(*args, **kwargs)
        if help_text:
            self.fields["file"].help_text = help_text

    def clean_file(self):
        upload = self.cleaned_data["file"]
        upload.table_kind = check_upload(upload)
        return upload


def _kind(data: bytes) -> str:
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        _refuse(
            "Les classeurs .xls (Excel 97-2003) et les classeurs protégés par un mot de passe ne sont "
            "pas acceptés : enregistrez-le au format .xlsx, .ods ou CSV, sans mot de passe."
        )
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
                if "mimetype" in names:
                    mimetype = archive.open("mimetype").read(100)
                    if mimetype.startswith(b"application/vnd.oasis.opendocument.spreadsheet"):
                        return ODS
                elif "xl/workbook.xml" in names:
                    return XLSX
                elif "xl/workbook.bin" in names:
                    _refuse(
                        "Les classeurs .xlsb ne sont pas acceptés : enregistrez-le au format .xlsx ou .ods."
                    )
        except ValidationError:
            raise
        except Exception:  # zipfile raises many kinds for a hostile archive (issue 18)
            _refuse(UNREADABLE)
        _refuse(f"Ce fichier compressé n'est pas un classeur. {ACCEPTED}")
    if not data.strip():
        _refuse("Le fichier est vide.")
    _decode(data)
    return CSV


# --- Checking a workbook before calamine reads it ---------------------------------------------------


def _longest_run_without_tag(part: bytes) -> int:
    """The longest stretch of bytes between two `<`: a text value, or a tag with its attributes."""
    import numpy as np

    longest, previous = 0, -1
    step = 8 * 1024 * 1024
    for start in range(0, len(part), step):
        chunk = np.frombuffer(part, dtype=np.uint8, count=min(step, len(part) - start), offset=start)
        positions = np.flatnonzero(chunk == 60) + start
        if len(positions):
            longest = max(longest, int(positions[0]) - previous - 1)
            if len(positions) > 1:
                longest = max(longest, int(np.diff(positions).max()) - 1)
            previous = int(positions[-1])
    return max(longest, len(part) - previous - 1)


def _xlsx_beyond() -> re.Pattern:
    """A cell reference beyond the columns or rows we read (only cells have lettered references)."""
    last = column_letter(MAX_COLUMNS)
    assert last == "DX" and MAX_SHEET_ROW == 25_000, "keep the pattern in step with the limits"
    return re.compile(rb'r="(?:(?:[A-Z]{3,}|[E-Z][A-Z]|D[YZ])\d|[A-Z]+(?:\d{6,}|[3-9]\d{4}|2[5-9]\d{3})")')


_BEYOND = _xlsx_beyond()


def _valued_beyond(part: bytes) -> bool:
    """Whether a cell beyond the limits holds something. A cell with nothing in it (`<c r="XFD1"
    s="1"/>`, formatting only) is not laid out by calamine; a tag never closed counts as a value.
    The next `>` is searched again only once passed: linear, even for a thousand tags never closed."""
    closing = -1
    for found in _BEYOND.finditer(part):
        if closing < found.end():
            closing = part.find(b">", found.end())
            if closing < 0:
                return True
        if part[closing - 1] != ord("/"):
            return True
    return False


class _XlsxScan:
    def __init__(self):
        self.string_refs = 0
        self.shared_lengths = None
        self.sheets: list[bytes] = []

    def sheet(self, part: bytes):
        head = part[:2048]
        match = re.search(rb"<(\w+:)?worksheet\b", head)
        prefix = (match.group(1) or b"") if match else b""
        cells = part.count(b"<" + prefix + b"c ") + part.count(b"<" + prefix + b"c>")
        if cells > MAX_CELLS:
            _refuse(
                f"Un onglet du classeur a plus de {MAX_CELLS:,} cellules : découpez-le.".replace(",", " ")
            )
        if part.count(b"<" + prefix + b'c r="') < cells:  # a cell placed by its position only
            for attributes in re.findall(rb"<" + prefix + rb"c((?:\s[^<>]*)?)>", part):
                if b' r="' not in attributes and b"\tr=" not in attributes and b"\nr=" not in attributes:
                    _refuse(
                        "Ce classeur a des cellules sans référence : ouvrez-le et enregistrez-le à nouveau."
                    )
        if _valued_beyond(part):
            _refuse(
                f"Ce classeur a des valeurs au-delà de la colonne {column_letter(MAX_COLUMNS)} ou de la "
                f"ligne {MAX_SHEET_ROW:,} : supprimez ces cellules ou découpez le fichier.".replace(",", " ")
            )
        self.string_refs += part.count(b't="s"')
        self.sheets.append(part)

    def shared_strings(self, part: bytes):
        import numpy as np

        match = re.search(rb"<(\w+:)?sst\b", part[:2048])
        prefix = (match.group(1) or b"") if match else b""
        opening = b"<" + prefix + b"si"
        if part.count(opening) > MAX_CELLS:
            _refuse(UNREADABLE)
        starts = np.array(
            [m.start() for m in re.finditer(re.escape(opening) + rb"[\s>/]", part)], dtype=np.int64
        )
        self.shared_lengths = np.diff(np.append(starts, len(part))) if len(starts) else np.zeros(0, np.int64)

    def finish(self):
        """Refuse a file whose cells repeat long shared strings: calamine (and then Python) copies
        the text once per cell. Cheap bound first, the exact sum only when the bound is too high."""
        import numpy as np

        lengths = self.shared_lengths
        if lengths is None or not len(lengths) or not self.string_refs:
            return
        if self.string_refs * int(lengths.max()) <= MAX_SHARED_TEXT_BYTES:
            return
        total = 0
        for part in self.sheets:
            indexes = np.array(re.findall(rb'\bt="s"[^<>]*>\s*<(?:\w+:)?v>(\d{1,9})<', part), dtype=np.int64)
            if len(indexes):
                indexes = indexes[indexes < len(lengths)]
                total += int(lengths[indexes].sum())
        if total > MAX_SHARED_TEXT_BYTES:
            _refuse(
                "Ce classeur contient trop de texte une fois ouvert (un même texte répété dans des "
                "centaines de milliers de cellules) : découpez-le ou enregistrez-le en CSV."
            )


# content.xml is walked once, row by row, with the C-level `find`, `rfind` and `count` of bytes: each
# search starts where the last one stopped or stays inside one row, and no tag pattern may run past
# the next `<` (`[^<>]*`; a run without `<` is at most MAX_TEXT_BYTES). So the work is linear in the
# part whatever its rows or cells, closed or not, and nothing but counters is kept (issue 18: a row
# regex searched to the end of the file for every row never closed, and one row's cells were listed).
_ODS_TABLE = re.compile(rb"<table:table[\s/>]")
_ODS_ROW_TAG = re.compile(rb"<table:table-row(?=[\s/>])([^<>]*)>")
_ODS_REPEAT_COLUMNS = re.compile(rb'table:number-columns-repeated="(\d{1,9})"')
_ODS_REPEAT_ROWS = re.compile(rb'table:number-rows-repeated="(\d{1,9})"')
_ODS_ROW_OPEN, _ODS_ROW_CLOSE = b"<table:table-row", b"</table:table-row>"
_ODS_CELLS = (b"<table:table-cell", b"<table:covered-table-cell")


def _ods_column(part: bytes, start: int, end: int) -> int:
    """The column of the last cell opened in part[start:end] (one row's body), repeats counted; more
    than MAX_COLUMNS is refused (it is the column of a value)."""
    column = part.count(_ODS_CELLS[0], start, end) + part.count(_ODS_CELLS[1], start, end)
    if column <= MAX_COLUMNS:
        for repeat in _ODS_REPEAT_COLUMNS.finditer(part, start, end):
            column += max(int(repeat.group(1)), 1) - 1
            if column > MAX_COLUMNS:
                break
    if column > MAX_COLUMNS:
        _refuse(
            f"Ce classeur a des valeurs au-delà de la colonne {column_letter(MAX_COLUMNS)} : "
            "supprimez ces cellules."
        )
    return column


def _ods_last_value(part: bytes, start: int, end: int) -> int:
    """The column of a row's last cell holding a value (a value type, or text), 0 for none."""
    last = 0
    typed = part.rfind(b"value-type", start, end)
    if typed >= 0:
        tag_end = part.find(b">", typed, end)
        last = _ods_column(part, start, end if tag_end < 0 else tag_end)
    # The column only grows along the row: text counts only after the typed cell, in a later cell.
    text = part.rfind(b"<text:", max(start, typed), end)
    if text > typed and (typed < 0 or part.find(b"table-cell", typed, text) >= 0):
        last = max(last, _ods_column(part, start, text))
    return last


def _ods_next_row(part: bytes, position: int, end: int) -> int:
    """Where the next <table:table-row …> starts (not <table:table-rows> nor -row-group), or -1."""
    while (found := part.find(_ODS_ROW_OPEN, position, end)) >= 0:
        if part[found + len(_ODS_ROW_OPEN) : found + len(_ODS_ROW_OPEN) + 1] in (
            b" ",
            b"\t",
            b"\n",
            b"\r",
            b"/",
            b">",
        ):
            return found
        position = found + 1
    return -1


def _ods_check(part: bytes):
    """Lay out each table's rows as calamine will (repeated rows and cells expanded, trailing empty
    ones dropped) and refuse a sheet past the limits, before calamine allocates it. A row never
    closed ends where the next one starts."""
    if part.count(_ODS_ROW_OPEN) > MAX_ODS_ROW_TAGS:  # each row costs a few steps below
        _refuse(f"Ce classeur a plus de {MAX_ODS_ROW_TAGS:,} lignes : découpez-le.".replace(",", " "))
    tables = []
    for found in _ODS_TABLE.finditer(part):
        tables.append(found.start())
        if len(tables) > MAX_ODS_TABLES:
            _refuse(UNREADABLE)
    tables.append(len(part))
    for table_start, table_end in itertools.pairwise(tables):
        rows = last_valued_row = width = 0
        close = -1  # the next </table:table-row>, searched again only once passed
        row = _ods_next_row(part, table_start, table_end)
        while row >= 0:
            tag = _ODS_ROW_TAG.match(part, row, table_end)
            if tag is None:  # a broken tag: not a row
                row = _ods_next_row(part, row + 1, table_end)
                continue
            repeat = _ODS_REPEAT_ROWS.search(tag.group(1))
            rows += int(repeat.group(1)) if repeat else 1
            next_row = _ods_next_row(part, tag.end(), table_end)
            if tag.group(1).endswith(b"/"):
                row = next_row
                continue
            if close < tag.end():
                close = part.find(_ODS_ROW_CLOSE, tag.end(), table_end)
                close = table_end if close < 0 else close
            body_end = close if next_row < 0 else min(close, next_row)
            last_valued = _ods_last_value(part, tag.end(), body_end)
            if last_valued:
                width = max(width, last_valued)
                last_valued_row = rows
                if last_valued_row > MAX_SHEET_ROW:
                    _refuse(
                        f"Ce classeur a des valeurs au-delà de la ligne {MAX_SHEET_ROW:,} : "
                        "découpez le fichier.".replace(",", " ")
                    )
                if last_valued_row * width > MAX_CELLS:
                    _refuse(
                        f"Un onglet du classeur a plus de {MAX_CELLS:,} cellules : découpez-le.".replace(
                            ",", " "
                        )
                    )
            row = next_row


def _check_workbook(data: bytes, kind: str):
    """Unzip every part calamine may read (its real size: a lying header fails the CRC) and scan it."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except Exception:  # a damaged central directory raises ValueError, among others
        _refuse(UNREADABLE)
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_PARTS:
            _refuse(UNREADABLE)
        scan, total = _XlsxScan(), 0
        for info in infos:
            name = info.filename
            if not (name.endswith((".xml", ".rels")) or name == "mimetype"):
                continue  # images, printer settings: calamine never opens them
            part = bytearray()
            try:
                with archive.open(info) as stream:
                    while chunk := stream.read(1024 * 1024):
                        part += chunk
                        total += len(chunk)
                        if len(part) > MAX_PART_BYTES or total > MAX_UNZIPPED_BYTES:
                            _refuse(
                                "Ce classeur est bien trop volumineux une fois décompressé : découpez-le "
                                "ou enregistrez-le en CSV."
                            )
            except ValidationError:
                raise
            except Exception:  # encrypted entry, bad CRC, zlib or lzma error…
                _refuse(UNREADABLE)
            if _longest_run_without_tag(part) > MAX_TEXT_BYTES:
                _refuse(
                    "Une cellule du classeur contient un texte bien trop long : vérifiez le fichier ou "
                    "enregistrez-le en CSV."
                )
            if kind == XLSX and name.startswith("xl/worksheets/") and name.endswith(".xml"):
                scan.sheet(part)
            elif kind == XLSX and name == "xl/sharedStrings.xml":
                scan.shared_strings(part)
            elif kind == ODS and name == "content.xml":
                _ods_check(part)
            del part
        scan.finish()


# --- Reading --------------------------------------------------------------------------------------


def _trim(values) -> tuple:
    values = list(values[:MAX_COLUMNS])
    while values and (values[-1] is None or values[-1] == ""):
        values.pop()
    return tuple(values)


class Workbook:
    """An uploaded table: `sheet_names`, and `rows(name)` giving (row number, values) for each row
    holding a value, numbered as the spreadsheet shows them. A CSV file is one sheet named « CSV ».

    `rows(name, keep=…)` keeps, after the first row (the headers, given whole), only the columns
    `keep(headers)` names by position; the others read as None, so positions are unchanged and an
    import holds 20,000 rows of its own columns, not of whatever else the export carried."""

    def __init__(self, source):
        data = _read_bytes(source)
        self.kind = _kind(data)
        self._book = None
        if self.kind == CSV:
            self._text = _decode(data)
            self.sheet_names = ["CSV"]
            return
        _check_workbook(data, self.kind)
        import python_calamine

        try:
            self._book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
            self.sheet_names = list(self._book.sheet_names)
        except BaseException as error:  # calamine raises several kinds for a damaged file, or panics
            _calamine_failed(error)

    def rows(self, name: str, limit: int | None = None, keep=None):
        rows = self._csv_rows(limit) if self.kind == CSV else self._sheet_rows(name, limit)
        try:
            first = next(rows, None)
            if first is None:
                return
            yield first
            positions = sorted({i for i in keep(first[1]) if 0 <= i < MAX_COLUMNS}) if keep else None
            held = len(first[1])
            for number, values in rows:
                if positions is not None:
                    kept = [None] * (positions[-1] + 1) if positions else []
                    for i in positions:
                        if i < len(values):
                            kept[i] = values[i]
                    while kept and kept[-1] is None:
                        kept.pop()
                    values = tuple(kept)
                held += len(values) - values.count(None)  # None is one shared object: free
                if held > MAX_HELD_VALUES:
                    _refuse(
                        f"Ce fichier a plus de {MAX_HELD_VALUES:,} valeurs à lire : supprimez les colonnes "
                        "inutiles ou découpez-le.".replace(",", " ")
                    )
                yield number, values
        finally:
            rows.close()

    def _sheet_rows(self, name: str, limit: int | None):
        try:
            sheet = self._book.get_sheet_by_name(name)
            start = sheet.start or (0, 0)
            number, offset, count = start[0], (None,) * start[1], 0
            for values in sheet.iter_rows():
                number += 1
                values = [
                    None if v == "" else int(v) if v.__class__ is float and v.is_integer() else v
                    for v in values[:MAX_COLUMNS]
                ]
                while values and values[-1] is None:
                    values.pop()
                if not any(v.__class__ is not str or v.strip() for v in values if v is not None):
                    continue
                yield number, (*offset, *values) if offset else tuple(values)
                count += 1
                if limit is not None and count >= limit:
                    return
        except ValidationError:
            raise
        except BaseException as error:
            _calamine_failed(error)

    def _csv_rows(self, limit):
        text = self._text
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=";,\t")
        except csv.Error:
            dialect = _Semicolon
        previous = csv.field_size_limit(MAX_TEXT_CHARS)
        try:
            reader = csv.reader(_bounded_lines(io.StringIO(text)), dialect)
            count = 0
            for values in reader:
                values = _trim([v if v.strip() else None for v in values])
                if not values:
                    continue
                yield reader.line_num, values
                count += 1
                if limit is not None and count >= limit:
                    return
        except csv.Error as error:
            raise ValidationError(
                f"Ce fichier CSV est illisible (ligne {reader.line_num}) : une valeur dépasse "
                f"{MAX_TEXT_CHARS} caractères ou un guillemet n'est pas fermé.",
                code="unreadable",
            ) from error
        finally:
            csv.field_size_limit(previous)

    def close(self):
        if self._book is not None:
            self._book.close()
            self._book = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _calamine_failed(error: BaseException):
    """A damaged file, in French. Calamine raises several kinds of Exception, and a Rust panic comes
    as pyo3's PanicException, which derives from BaseException: it is refused too. Anything else of
    BaseException's own (Ctrl-C, exit, a generator closed by its reader) goes on."""
    if isinstance(error, Exception) or type(error).__name__ == "PanicException":
        raise ValidationError(UNREADABLE, code="unreadable") from error
    raise error


def _bounded_lines(lines):
    """Refuse a line long enough to hold thousands of fields before the csv module splits it."""
    limit = MAX_COLUMNS * 200
    for line in lines:
        if len(line) > limit:
            raise csv.Error("line too long")
        yield line


class _Semicolon(csv.excel):
    delimiter = ";"


def read_rows(upload, max_rows: int, keep=None) -> list[tuple[int, tuple]]:
    """The first sheet's rows holding a value, as (row number, values): headers first; at most
    `max_rows` + 2, so that a caller can tell a file that is too long. `keep`: see `Workbook`."""
    with Workbook(upload) as book:
        return list(book.rows(book.sheet_names[0], limit=max_rows + 2, keep=keep)) if book.sheet_names else []


def read_numbered_table(
    upload, max_rows: int, report: "ImportReport", keep=None
) -> list[tuple[int, tuple]] | None:
    """Headers then data rows, each with its row number as the spreadsheet shows it; None (with the
    reason in `report`) when the file is unreadable, empty or too long. `keep`: see `Workbook`."""
    try:
        rows = read_rows(upload, max_rows, keep)
    except ValidationError as error:
        report.errors.append(RowError(0, "", error.messages[0]))
        return None
    if len(rows) < 2:
        report.errors.append(RowError(0, "", "Le fichier ne contient aucune ligne de données."))
        return None
    if len(rows) > max_rows + 1:
        report.errors.append(RowError(0, "", f"Le fichier dépasse {max_rows} lignes : découpez-le."))
        return None
    return rows


def parse_date(value):
    """A date read from a file or an API batch, within the years a form accepts (`plausible_year`)."""
    date = _read_date(value)
    plausible_year(date)
    return date


def _read_date(value):
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
