"""Evidence files (a report, a scan, a written statement): recognised by their bytes, never by the name or
the type the browser sends, and stored under a name that says what they are."""

import zipfile

from django.core.exceptions import ValidationError

MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
# First bytes of the accepted formats that are not zip containers.
PLAIN_SIGNATURES = {b"%PDF-": ".pdf", b"\x89PNG\r\n\x1a\n": ".png", b"\xff\xd8\xff": ".jpg"}
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


def _office_extension(upload) -> str | None:
    """.odt or .docx when the zip container holds what a text document holds, else None."""
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and archive.read("mimetype").strip() == ODT_MIMETYPE:
                return ".odt"
            if "[Content_Types].xml" in names and "word/document.xml" in names:
                return ".docx"
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, ValueError, EOFError):
        return None
    finally:
        upload.seek(0)
    return None


def validate_document(upload, *, stem: str = "document"):
    """A PDF, an image (JPEG, PNG) or a text document (ODT, DOCX) of 5 Mo at most. Renames the upload
    to `<stem>.<extension>` from its bytes, and returns it."""
    if upload.size > MAX_DOCUMENT_BYTES:
        raise ValidationError("Le fichier dépasse 5 Mo : déposez un PDF compressé ou une image plus légère.")
    head = upload.read(8)
    upload.seek(0)
    extension = next((ext for signature, ext in PLAIN_SIGNATURES.items() if head.startswith(signature)), None)
    if extension is None and head.startswith(b"PK\x03\x04"):
        extension = _office_extension(upload)
    if extension is None:
        raise ValidationError(
            "Format non accepté : déposez un PDF, une image JPEG ou PNG, ou un document ODT ou DOCX."
        )
    upload.name = f"{stem}{extension}"
    return upload
