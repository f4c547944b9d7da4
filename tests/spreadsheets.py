"""Files as people make them, for the import tests: CSV in any encoding and delimiter, and what
LibreOffice Calc saves (Debian's `soffice`, installed by ./test; tests needing it are skipped without)."""

import csv
import io
import shutil
import subprocess

import pytest

needs_libreoffice = pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice n'est pas installé"
)

# Calc's CSV import filter: `;` separated, `"` quoted, UTF-8, from line 1, read as French (1036), so
# that « 03/02/2011 » is 3 February.
FRENCH_CSV = "CSV:59,34,76,1,,1036"


def csv_bytes(header, rows, encoding="utf-8-sig", delimiter=";") -> bytes:
    """`header` then `rows` as a CSV file; an empty row is a blank line."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerows([header, *rows])
    return buffer.getvalue().encode(encoding)


def soffice(path, fmt: str, tmp_path, infilter=None) -> bytes:
    """`path` opened by LibreOffice Calc and saved as `fmt` (ods, xlsx); its own profile under tmp_path."""
    outdir = tmp_path / f"out-{fmt}"
    command = [
        shutil.which("soffice"),
        "--headless",
        "--norestore",
        f"-env:UserInstallation=file://{tmp_path}/lo",
        *([f"--infilter={infilter}"] if infilter else []),
        "--convert-to",
        fmt,
        "--outdir",
        str(outdir),
        str(path),
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr
    return (outdir / f"{path.stem}.{fmt}").read_bytes()


def libreoffice_from_csv(header, rows, fmt: str, tmp_path, name="donnees") -> bytes:
    """The test's own CSV opened by LibreOffice Calc in French and saved as `fmt`."""
    source = tmp_path / f"{name}.csv"
    source.write_bytes(csv_bytes(header, rows, "utf-8"))
    return soffice(source, fmt, tmp_path, infilter=FRENCH_CSV)


# Name → (encoding, delimiter): every CSV a spreadsheet or a CRM may write.
CSV_VARIANTS = {
    "csv utf-8 BOM ;": ("utf-8-sig", ";"),
    "csv utf-8 ;": ("utf-8", ";"),
    "csv windows-1252 ;": ("cp1252", ";"),
    "csv utf-8 BOM ,": ("utf-8-sig", ","),
    "csv utf-8 ,": ("utf-8", ","),
    "csv windows-1252 ,": ("cp1252", ","),
}


def every_format(rows, tmp_path, *, csv_for, openpyxl_for, libreoffice_for) -> dict[str, bytes]:
    """The same rows as each CSV variant, as openpyxl writes them and, with LibreOffice, as it saves
    them in .ods and .xlsx: name → file content."""
    made = {name: csv_for(rows, encoding, delimiter) for name, (encoding, delimiter) in CSV_VARIANTS.items()}
    made["xlsx openpyxl"] = openpyxl_for(rows)
    if shutil.which("soffice"):
        made["ods libreoffice"] = libreoffice_for(rows, "ods", tmp_path)
        made["xlsx libreoffice"] = libreoffice_for(rows, "xlsx", tmp_path)
    return made
