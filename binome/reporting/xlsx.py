"""A fast, read-only xlsx reader: the cell values of named sheets, row by row.

openpyxl's read-only mode builds an object per cell (and a rich-text object per inline string), which
costs about 0.5 ms a row: 10 to 12 s for the 20,000 rows of a 10,000-pair file on our machines, most
of the 15 s the import may take. This reader streams each sheet's XML with the standard library's
`iterparse` and keeps only values, about 4 times faster. It understands what Excel, LibreOffice and
openpyxl write: shared and inline strings, numbers, booleans, formula results, errors, ISO dates, and
numbers whose style is a date format (read as dates, as openpyxl does — its helpers decide which
formats are dates and convert serial numbers).
"""

import posixpath
import zipfile
from xml.etree.ElementTree import iterparse

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel, from_ISO8601

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PACKAGE_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"


class XlsxError(Exception):
    """The file is not an xlsx workbook we can read."""


_COLUMNS: dict[str, int] = {}


def _column_index(reference: str) -> int:
    """0 for A1, 27 for AB3: letters cached, since every row repeats the same few."""
    letters = reference.rstrip("0123456789")
    index = _COLUMNS.get(letters)
    if index is None:
        index = 0
        for letter in letters:
            index = index * 26 + ord(letter) - 64
        index = _COLUMNS.setdefault(letters, index - 1)
    return index


def _text(element) -> str:
    """A string item's text: plain `<t>`, or the runs of rich text (phonetic hints left out)."""
    if element is None:
        return ""
    return "".join(t.text or "" for t in element.iter(f"{MAIN}t"))


class Workbook:
    def __init__(self, source):
        try:
            self.zip = zipfile.ZipFile(source)
            self._sheets, self.epoch = self._read_workbook()
            self.strings = self._read_strings()
            self.date_styles = self._read_styles()
        except (zipfile.BadZipFile, KeyError, SyntaxError, ValueError) as error:
            raise XlsxError(str(error)) from error

    def close(self):
        self.zip.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    @property
    def sheet_names(self) -> list[str]:
        return list(self._sheets)

    def _open(self, path):
        """A part of the package, refused if it declares a DTD: xlsx parts never do, and entity
        declarations are how XML bombs work (expat limits them too; this keeps them out entirely)."""
        stream = self.zip.open(path.lstrip("/"))
        head = stream.read(4096)
        if b"<!DOCTYPE" in head.upper() or b"<!ENTITY" in head.upper():
            stream.close()
            raise XlsxError("déclaration DTD refusée")
        return _Prefixed(head, stream)

    def _read_workbook(self):
        targets = {}
        with self._open("xl/_rels/workbook.xml.rels") as rels:
            for _, element in iterparse(rels):  # noqa: S314 — DTDs refused in _open
                if element.tag == f"{PACKAGE_REL}Relationship":
                    target = element.get("Target")
                    path = (
                        target.lstrip("/")
                        if target.startswith("/")
                        else posixpath.normpath(posixpath.join("xl", target))
                    )
                    targets[element.get("Id")] = path
        sheets, epoch = {}, CALENDAR_WINDOWS_1900
        with self._open("xl/workbook.xml") as workbook:
            for _, element in iterparse(workbook):  # noqa: S314 — DTDs refused in _open
                if element.tag == f"{MAIN}sheet":
                    sheets[element.get("name")] = targets[element.get(f"{REL}id")]
                elif element.tag == f"{MAIN}workbookPr" and element.get("date1904") in ("1", "true"):
                    epoch = CALENDAR_MAC_1904
        return sheets, epoch

    def _read_strings(self) -> list[str]:
        if "xl/sharedStrings.xml" not in self.zip.namelist():
            return []
        strings = []
        with self._open("xl/sharedStrings.xml") as shared:
            for _, element in iterparse(shared):  # noqa: S314 — DTDs refused in _open
                if element.tag == f"{MAIN}si":
                    strings.append("".join(t.text or "" for t in element.iter(f"{MAIN}t")))
                    element.clear()
        return strings

    def _read_styles(self) -> set[int]:
        """Indexes of the cell styles whose number format is a date."""
        if "xl/styles.xml" not in self.zip.namelist():
            return set()
        custom, styles, in_xfs = {}, [], False
        with self._open("xl/styles.xml") as xml:
            for event, element in iterparse(xml, events=("start", "end")):  # noqa: S314 — DTDs refused in _open
                if element.tag == f"{MAIN}cellXfs":
                    in_xfs = event == "start"
                elif event == "end" and element.tag == f"{MAIN}numFmt":
                    custom[int(element.get("numFmtId"))] = element.get("formatCode") or ""
                elif event == "end" and in_xfs and element.tag == f"{MAIN}xf":
                    styles.append(int(element.get("numFmtId") or 0))
        dates = set()
        for index, format_id in enumerate(styles):
            code = custom.get(format_id) or BUILTIN_FORMATS.get(format_id) or ""
            if is_date_format(code) or 14 <= format_id <= 22:
                dates.add(index)
        return dates

    def rows(self, name: str, limit: int | None = None):
        """(row number, tuple of values) for each row of the sheet that has a cell, in order."""
        path = self._sheets[name]
        strings, dates, epoch = self.strings, self.date_styles, self.epoch
        cell_tag, row_tag, value_tag, inline_tag = f"{MAIN}c", f"{MAIN}row", f"{MAIN}v", f"{MAIN}is"
        count, next_row = 0, 1
        with self._open(path) as xml:
            cells, position = {}, 0
            for _, element in iterparse(xml):  # noqa: S314 — DTDs refused in _open
                tag = element.tag
                if tag == cell_tag:
                    reference = element.get("r")
                    column = _column_index(reference) if reference else position
                    position = column + 1
                    kind = element.get("t", "n")
                    if kind == "inlineStr":
                        cells[column] = _text(element.find(inline_tag))
                    else:
                        raw = element.findtext(value_tag)
                        if raw:  # a formula never computed has an empty value: no value, as openpyxl says
                            cells[column] = _value(raw, kind, element.get("s"), strings, dates, epoch)
                elif tag == row_tag:
                    number = int(element.get("r") or next_row)
                    next_row = number + 1
                    if cells:
                        values = [None] * (max(cells) + 1)
                        for column, value in cells.items():
                            values[column] = value
                        yield number, tuple(values)
                        count += 1
                        if limit is not None and count >= limit:
                            return
                    cells, position = {}, 0
                    element.clear()


class _Prefixed:
    """A stream that serves bytes already read, then the rest of the underlying stream."""

    def __init__(self, head: bytes, stream):
        self.head, self.stream = head, stream

    def read(self, size=-1):
        if self.head:
            if size is None or size < 0:
                data, self.head = self.head + self.stream.read(), b""
                return data
            data, self.head = self.head[:size], self.head[size:]
            return data
        return self.stream.read(size)

    def close(self):
        self.stream.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _value(raw, kind, style, strings, dates, epoch):
    if kind == "s":
        return strings[int(raw)]
    if kind in ("str", "e"):
        return raw
    if kind == "b":
        return raw == "1"
    if kind == "d":
        return from_ISO8601(raw)
    number = float(raw)
    if style is not None and int(style) in dates:
        return from_excel(number, epoch)
    return int(number) if number.is_integer() and "." not in raw and "E" not in raw.upper() else number
