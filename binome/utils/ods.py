"""Writing a small OpenDocument spreadsheet (.ods) for LibreOffice users: text, numbers and dates,
bold headers, column widths, and drop-down lists or whole-number checks (content validations). Rows
are kept as XML text until the file is written (no object per cell).

No library writes .ods validations without building a whole document tree in memory (odfpy), and
the format needs only a handful of elements: this module writes them, escaped, and the tests of the
association template, the honorability export and the youths template open the result with LibreOffice.
"""

import datetime
import io
import zipfile
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

from binome.utils.tabular import column_letter

MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
    'xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2" office:version="1.2"'
)


def sheet_reference(sheet: str, column: int, first_row: int, last_row: int) -> str:
    """$'Paramètres figés'.$A$2:$A$9, as a validation's condition names a range."""
    name = "'" + sheet.replace("'", "''") + "'"
    letter = column_letter(column)
    return f"${name}.${letter}${first_row}:${letter}${last_row}"


@dataclass
class Validation:
    condition: str  # e.g. of:cell-content-is-in-list(...)
    error: str
    allow_empty: bool = True
    title: str = "Valeur refusée"


@dataclass
class Sheet:
    name: str
    widths_cm: list[float] = field(default_factory=list)
    validations: dict[int, str] = field(default_factory=dict)  # column (1-based) → validation name
    rows: list[str] = field(default_factory=list)
    blank_rows_with_validation: int = 0  # empty rows after the data that keep the drop-downs


class OdsWriter:
    def __init__(self):
        self.sheets: list[Sheet] = []
        self.validations: dict[str, Validation] = {}

    def sheet(self, name: str, widths_cm=()) -> Sheet:
        sheet = Sheet(name, list(widths_cm))
        self.sheets.append(sheet)
        return sheet

    def in_list(self, sheet: str, column: int, count: int, error: str, allow_empty=True) -> str:
        reference = sheet_reference(sheet, column, 2, max(2, count + 1))
        return self._validation(f"of:cell-content-is-in-list({reference})", error, allow_empty)

    def in_values(self, values, error: str, allow_empty=True) -> str:
        """A drop-down of a few fixed values, written in the rule itself (as LibreOffice writes one
        typed into Données › Validité › « Plage de cellules » / « Liste »)."""
        items = ";".join('"' + str(v).replace('"', '""') + '"' for v in values)
        return self._validation(f"of:cell-content-is-in-list({items})", error, allow_empty)

    def whole_between(self, low: int, high: int, error: str) -> str:
        condition = f"of:cell-content-is-whole-number() and of:cell-content-is-between({low};{high})"
        return self._validation(condition, error, True)

    def _validation(self, condition, error, allow_empty) -> str:
        name = f"val{len(self.validations) + 1}"
        self.validations[name] = Validation(condition, error, allow_empty)
        return name

    def append(self, sheet: Sheet, values, bold=False) -> None:
        cells = []
        for column, value in enumerate(values, start=1):
            attributes = ""
            if bold:
                attributes += ' table:style-name="bold"'
            validation = sheet.validations.get(column)
            if validation and not bold:
                attributes += f' table:content-validation-name="{validation}"'
            cells.append(_cell(value, attributes))
        for column in range(len(values) + 1, max(sheet.validations, default=0) + 1):
            cells.append(f'<table:table-cell table:content-validation-name="{sheet.validations[column]}"/>')
        sheet.rows.append("<table:table-row>" + "".join(cells) + "</table:table-row>")

    def save(self) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(zipfile.ZipInfo("mimetype"), MIMETYPE, compress_type=zipfile.ZIP_STORED)
            archive.writestr(
                "META-INF/manifest.xml",
                '<?xml version="1.0" encoding="UTF-8"?>'
                '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
                'manifest:version="1.2">'
                f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{MIMETYPE}"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                "</manifest:manifest>",
            )
            with archive.open("content.xml", "w") as part:
                for chunk in self._content():
                    part.write(chunk.encode())
        return buffer.getvalue()

    def _content(self):
        yield f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {NAMESPACES}>'
        yield "<office:automatic-styles>"
        yield (
            '<number:date-style style:name="date"><number:day number:style="long"/><number:text>/</number:text>'
            '<number:month number:style="long"/><number:text>/</number:text><number:year number:style="long"/>'
            "</number:date-style>"
            '<style:style style:name="day" style:family="table-cell" style:data-style-name="date"/>'
            '<style:style style:name="bold" style:family="table-cell"><style:text-properties '
            'fo:font-weight="bold"/></style:style>'
        )
        for index, sheet in enumerate(self.sheets):
            for column, width in enumerate(sheet.widths_cm):
                yield (
                    f'<style:style style:name="co{index}-{column}" style:family="table-column">'
                    f'<style:table-column-properties style:column-width="{width:.2f}cm"/></style:style>'
                )
        yield "</office:automatic-styles><office:body><office:spreadsheet>"
        if self.validations:
            yield "<table:content-validations>"
            for name, rule in self.validations.items():
                yield (
                    f'<table:content-validation table:name="{name}" table:condition={quoteattr(rule.condition)} '
                    f'table:allow-empty-cell="{"true" if rule.allow_empty else "false"}" table:display-list="unsorted">'
                    f'<table:error-message table:message-type="stop" table:title={quoteattr(rule.title)} '
                    f'table:display="true"><text:p>{escape(rule.error)}</text:p></table:error-message>'
                    "</table:content-validation>"
                )
            yield "</table:content-validations>"
        for index, sheet in enumerate(self.sheets):
            yield f"<table:table table:name={quoteattr(sheet.name)}>"
            for column in range(len(sheet.widths_cm)):
                yield f'<table:table-column table:style-name="co{index}-{column}"/>'
            yield from sheet.rows
            if sheet.blank_rows_with_validation and sheet.validations:
                cells = "".join(
                    f'<table:table-cell table:content-validation-name="{sheet.validations[c]}"/>'
                    if c in sheet.validations
                    else "<table:table-cell/>"
                    for c in range(1, max(sheet.validations) + 1)
                )
                yield (
                    f'<table:table-row table:number-rows-repeated="{sheet.blank_rows_with_validation}">'
                    f"{cells}</table:table-row>"
                )
            yield "</table:table>"
        yield "</office:spreadsheet></office:body></office:document-content>"


def _cell(value, attributes="") -> str:
    if value is None or value == "":
        return f"<table:table-cell{attributes}/>"
    if isinstance(value, bool):
        value = "Oui" if value else "Non"
    if isinstance(value, (int, float)):
        return (
            f'<table:table-cell{attributes} office:value-type="float" office:value="{value}">'
            f"<text:p>{value}</text:p></table:table-cell>"
        )
    if isinstance(value, datetime.date):
        return (
            f'<table:table-cell{attributes} table:style-name="day" office:value-type="date" '
            f'office:date-value="{value.isoformat()}"><text:p>{value:%d/%m/%Y}</text:p></table:table-cell>'
        )
    return (
        f'<table:table-cell{attributes} office:value-type="string"><text:p>{escape(str(value))}</text:p>'
        "</table:table-cell>"
    )
