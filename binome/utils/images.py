"""Checking an uploaded image by its bytes, not by its name.

A name ending in .png says nothing about the file: an SVG (which can carry script) or an HTML page
renamed logo.png would be stored, then inlined into PDFs under the PNG type. So the first bytes must
be those of a PNG or a JPEG, matching the extension, and Pillow must be able to read the image;
its size in pixels is bounded so that a small file cannot unfold into a huge bitmap when printed.
SVG is refused outright: sanitising it safely is a project of its own, and a logo exists in PNG.
"""

import contextlib

from django.core.exceptions import ValidationError
from PIL import Image, UnidentifiedImageError

SIGNATURES = {"PNG": (b"\x89PNG\r\n\x1a\n",), "JPEG": (b"\xff\xd8\xff",)}
EXTENSIONS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG"}
MAX_PIXELS_PER_SIDE = 4000


def check_png_or_jpeg(upload, *, max_bytes: int, what: str = "L'image") -> None:
    """Raise a French ValidationError unless `upload` is a real PNG or JPEG of at most `max_bytes`."""
    name = (getattr(upload, "name", "") or "").lower()
    expected = next((kind for ext, kind in EXTENSIONS.items() if name.endswith(ext)), None)
    if expected is None:
        raise ValidationError(f"{what} doit être une image PNG ou JPEG (les SVG ne sont pas acceptés).")
    if (getattr(upload, "size", 0) or 0) > max_bytes:
        raise ValidationError(f"{what} dépasse {max_bytes // (1024 * 1024)} Mo.")
    if getattr(upload, "_committed", False):
        return  # a file already stored was checked when it was uploaded
    try:
        upload.seek(0)
        head = upload.read(16)
        upload.seek(0)
        if not head.startswith(SIGNATURES[expected]):
            raise ValidationError(
                f"{what} n'est pas une image {expected} : son contenu ne correspond pas à son extension."
            )
        with Image.open(upload) as image:
            if image.format != expected:
                raise ValidationError(f"{what} n'est pas une image {expected} lisible.")
            width, height = image.size
            if width > MAX_PIXELS_PER_SIDE or height > MAX_PIXELS_PER_SIDE:
                raise ValidationError(
                    f"{what} est trop grande ({width} × {height} pixels) : "
                    f"{MAX_PIXELS_PER_SIDE} pixels de côté au plus."
                )
            image.verify()
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(
            f"{what} est illisible ou abîmée : enregistrez-la de nouveau en PNG ou JPEG."
        ) from None
    finally:
        with contextlib.suppress(OSError, ValueError):
            upload.seek(0)
