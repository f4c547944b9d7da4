"""The département's logo is checked by its bytes, not its name (issue 12, item 8)."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from binome.accounts.models import Role
from binome.mentorships.models import AgreementSettings, validate_logo
from tests.mentorships.conftest import private_storage  # noqa: F401  (logos: a temporary folder)

SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'


def image_bytes(kind: str, size=(40, 20)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (31, 78, 121)).save(buffer, format=kind)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content"),
    [("logo.png", image_bytes("PNG")), ("logo.JPG", image_bytes("JPEG")), ("logo.jpeg", image_bytes("JPEG"))],
)
def test_a_real_png_or_jpeg_is_accepted(name, content):
    validate_logo(SimpleUploadedFile(name, content))


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("logo.svg", SVG, "les SVG ne sont pas acceptés"),
        ("logo.png", SVG, "son contenu ne correspond pas à son extension"),
        ("logo.jpg", b"<html><body>hello</body></html>", "son contenu ne correspond pas à son extension"),
        ("logo.jpg", image_bytes("PNG"), "n'est pas une image JPEG"),
        ("logo.png", image_bytes("PNG")[:40], "illisible ou abîmée"),
        ("logo.png", image_bytes("PNG", size=(5000, 10)), "trop grande (5000 × 10 pixels)"),
        ("logo.png", b"\x89PNG\r\n\x1a\n" + b"\0" * (1024 * 1024), "dépasse 1 Mo"),
    ],
)
def test_anything_else_is_refused_with_a_french_message(name, content, message):
    with pytest.raises(ValidationError) as refused:
        validate_logo(SimpleUploadedFile(name, content))
    assert message in " ".join(refused.value.messages)


def test_the_pilot_form_refuses_an_svg_renamed_png_and_stores_nothing(
    member,
    client_for,
    world,
    private_storage,  # noqa: F811
):
    client = client_for(member(Role.PILOT))
    data = {
        "heading": "Direction enfance famille",
        "legal_text": "Nos clauses.",
        "default_duration_months": "9",
        "review_every_months": "6",
    }
    url = reverse("mentorships:agreement_template")
    response = client.post(
        url, {**data, "logo": SimpleUploadedFile("logo.png", SVG, content_type="image/png")}
    )
    assert response.status_code == 422
    assert "son contenu ne correspond pas à son extension" in response.content.decode()
    assert not AgreementSettings.objects.filter(departement=world["departement"]).exists()
    assert not any(private_storage.rglob("*.png"))

    png = image_bytes("PNG")
    response = client.post(
        url, {**data, "logo": SimpleUploadedFile("logo.png", png, content_type="image/png")}
    )
    assert response.status_code == 302
    stored = AgreementSettings.objects.get(departement=world["departement"]).logo
    assert stored.read() == png
