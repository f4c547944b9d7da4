"""Consents: the signed scan is checked by its first bytes, kept private, downloaded only by those who
may see the youth (and logged); the prefilled consent form is a real PDF."""

import datetime
import html

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from binome.accounts.models import Role
from binome.audit.models import AccessLog
from binome.youths import services
from binome.youths.models import Consent, ConsentKind, ConsentMethod, EventKind, ReferralState
from tests.accounts.factories import AseServiceFactory
from tests.youths.factories import ConsentFactory, ReferralFactory, YouthFactory, today

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path), "base_url": None},
        },
    }
    return tmp_path


@pytest.fixture
def referrer(member):
    return member(Role.REFERRER)


@pytest.fixture
def youth(world):
    return YouthFactory(ase_service=world["ase_service"], proposal_accepted=True, assessed=True)


def add_consent(client, youth, upload, method="form"):
    data = {
        "kind": ConsentKind.PARENT,
        "given_by": "Mme Dupont, mère",
        "date": today().isoformat(),
        "method": method,
    }
    if upload is not None:
        data["document"] = upload
    return client.post(reverse("youths:consent_add", args=[youth.pk]), data)


def pdf(name="accord.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def page_of(response):
    return html.unescape(response.content.decode())


# --- Upload --------------------------------------------------------------------------------------------


def test_a_signed_pdf_is_accepted(referrer, client_for, youth, private_storage):
    response = add_consent(client_for(referrer), youth, pdf())
    assert response.status_code == 302
    consent = youth.consents.get()
    assert consent.kind == ConsentKind.PARENT and consent.recorded_by == referrer
    assert (private_storage / consent.document.name).read_bytes() == PDF_BYTES
    assert youth.events.filter(kind=EventKind.CONSENT, actor=referrer).exists()


def test_a_png_scan_is_accepted(referrer, client_for, youth):
    response = add_consent(
        client_for(referrer), youth, SimpleUploadedFile("scan.png", PNG_BYTES, "image/png")
    )
    assert response.status_code == 302
    assert youth.consents.count() == 1


def test_an_executable_renamed_pdf_is_refused(referrer, client_for, youth):
    response = add_consent(client_for(referrer), youth, pdf("accord.pdf", EXE_BYTES))
    assert response.status_code == 422
    assert "Format non accepté : déposez un PDF, un JPEG ou un PNG." in page_of(response)
    assert not Consent.objects.exists()


def test_a_file_over_5_mb_is_refused(referrer, client_for, youth):
    big = PDF_BYTES + b"0" * (5 * 1024 * 1024)
    response = add_consent(client_for(referrer), youth, pdf("gros.pdf", big))
    assert response.status_code == 422
    assert "Le fichier dépasse 5 Mo : numérisez-le en noir et blanc ou en PDF compressé." in page_of(response)
    assert not Consent.objects.exists()


def test_a_written_consent_needs_its_document(referrer, client_for, youth):
    response = add_consent(client_for(referrer), youth, None, method="written")
    assert response.status_code == 422
    assert "Un accord écrit doit être accompagné du document signé." in page_of(response)
    assert not Consent.objects.exists()


def test_an_oral_adhesion_needs_no_document(referrer, client_for, youth):
    response = client_for(referrer).post(
        reverse("youths:consent_add", args=[youth.pk]),
        {
            "kind": ConsentKind.YOUTH_ADHESION,
            "given_by": "le jeune",
            "date": today().isoformat(),
            "method": "oral",
        },
    )
    assert response.status_code == 302
    assert youth.consents.get().kind == ConsentKind.YOUTH_ADHESION


def test_a_consent_dated_in_the_future_is_refused(referrer, client_for, youth):
    response = client_for(referrer).post(
        reverse("youths:consent_add", args=[youth.pk]),
        {
            "kind": ConsentKind.YOUTH_ADHESION,
            "given_by": "le jeune",
            "date": (today() + datetime.timedelta(days=2)).isoformat(),
            "method": "oral",
        },
    )
    assert response.status_code == 422
    assert "Le consentement ne peut pas être daté dans le futur." in page_of(response)
    assert not Consent.objects.exists()


def test_the_last_consent_completes_the_file(referrer, client_for, world):
    youth = YouthFactory(
        ase_service=world["ase_service"], single_holder=True, proposal_accepted=True, assessed=True
    )
    client = client_for(referrer)
    client.post(
        reverse("youths:consent_add", args=[youth.pk]),
        {
            "kind": ConsentKind.YOUTH_ADHESION,
            "given_by": "le jeune",
            "date": today().isoformat(),
            "method": "oral",
        },
    )
    add_consent(client, youth, pdf())
    youth.refresh_from_db()
    assert youth.consents_complete
    assert "Consentements complets" in client.get(reverse("youths:detail", args=[youth.pk])).content.decode()


# --- Download ------------------------------------------------------------------------------------------


@pytest.fixture
def consent(referrer, client_for, youth):
    add_consent(client_for(referrer), youth, pdf())
    return youth.consents.get()


def download(client, consent):
    return client.get(reverse("youths:consent_document", args=[consent.pk]))


def test_the_referrer_downloads_the_document_and_it_is_logged(referrer, client_for, consent):
    response = download(client_for(referrer), consent)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Disposition"] == f'attachment; filename="consentement-{consent.pk}.pdf"'
    entry = AccessLog.objects.get(action="download")
    assert entry.user == referrer
    assert (entry.object_type, entry.object_id) == ("youths.consent", str(consent.pk))


def test_the_pilot_of_the_departement_downloads_the_document(member, client_for, consent):
    assert download(client_for(member(Role.PILOT)), consent).status_code == 200


def test_a_referrer_of_another_service_gets_404_and_nothing_is_logged(world, member, client_for, consent):
    other_service = AseServiceFactory(departement=world["departement"])
    response = download(client_for(member(Role.REFERRER, organisation=other_service)), consent)
    assert response.status_code == 404
    assert not AccessLog.objects.filter(action="download").exists()


def test_a_pilot_of_another_departement_gets_404(world, member, client_for, consent):
    outsider = member(Role.PILOT, organisation=world["other_departement"])
    assert download(client_for(outsider), consent).status_code == 404


def test_the_association_cannot_download_the_document(world, member, client_for, consent, youth):
    ReferralFactory(youth=youth, accepted=True, association=world["association"])
    assert download(client_for(member(Role.MANAGER)), consent).status_code == 403


def test_a_consent_without_document_has_nothing_to_download(referrer, client_for, youth):
    consent = ConsentFactory(youth=youth)
    assert download(client_for(referrer), consent).status_code == 404


def test_anonymous_users_are_sent_to_the_login_page(client, consent):
    response = download(client, consent)
    assert response.status_code == 302
    assert "next=" in response["Location"]


# --- Withdrawal through the page -----------------------------------------------------------------------


def test_withdrawing_a_consent_through_the_page_stops_the_referral(world, referrer, client_for):
    referral = ReferralFactory(
        youth=YouthFactory(ase_service=world["ase_service"], ready=True),
        routed=True,
        association=world["association"],
    )
    consent = referral.youth.consents.get(kind=ConsentKind.YOUTH_ADHESION)
    response = client_for(referrer).post(
        reverse("youths:consent_withdraw", args=[consent.pk]),
        {"note": "Le jeune ne souhaite plus."},
        follow=True,
    )
    assert "Le consentement est retiré : le parcours de mentorat est arrêté." in page_of(response)
    referral.refresh_from_db()
    assert referral.state == ReferralState.WITHDRAWN


# --- The prefilled consent form ----------------------------------------------------------------------------


def test_the_consent_form_is_a_pdf(referrer, client_for, youth):
    response = client_for(referrer).get(reverse("youths:consent_form_pdf", args=[youth.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert AccessLog.objects.filter(action="export", object_id=str(youth.pk)).exists()


def test_the_consent_form_of_another_services_youth_is_404(world, member, client_for, youth):
    outsider = member(Role.REFERRER, organisation=world["other_ase_service"])
    assert client_for(outsider).get(reverse("youths:consent_form_pdf", args=[youth.pk])).status_code == 404


def test_a_parents_agreement_must_be_written(world, member):
    referrer = member(Role.REFERRER)
    youth = YouthFactory(departement=world["departement"], ase_service=world["ase_service"])
    with pytest.raises(ValidationError):
        services.consent_record(
            youth=youth,
            by=referrer,
            organisation=world["ase_service"],
            kind=ConsentKind.PARENT,
            given_by="Mme Dupont, mère",
            date=timezone.localdate(),
            method=ConsentMethod.ORAL,
        )


def test_the_same_parent_cannot_count_twice(world, member):
    referrer = member(Role.REFERRER)
    youth = YouthFactory(departement=world["departement"], ase_service=world["ase_service"])
    for attempt in range(2):
        call = lambda: services.consent_record(  # noqa: E731
            youth=youth,
            by=referrer,
            organisation=world["ase_service"],
            kind=ConsentKind.PARENT,
            given_by="Mme Dupont,  mère",
            date=timezone.localdate(),
            method=ConsentMethod.WRITTEN,
            document=ContentFile(b"%PDF-1.4", name="a.pdf"),
        )
        if attempt == 0:
            call()
        else:
            with pytest.raises(ValidationError):
                call()
