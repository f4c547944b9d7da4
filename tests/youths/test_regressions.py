"""Bugs found by review, each pinned by a test."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from binome.accounts.models import Role
from binome.youths.models import Consent, LegalStatus, Youth
from tests.youths.factories import CommuneFactory, YouthFactory, years_ago

JPEG = b"\xff\xd8\xff\xe0" + b"0" * 64
PDF = b"%PDF-1.4\n%%EOF\n"


def test_reimport_without_optional_columns_keeps_what_the_record_has(world, member, client_for):
    referrer = member(Role.REFERRER)
    nantes = CommuneFactory(insee_code="44109", name="Nantes")
    youth = YouthFactory(
        departement=world["departement"],
        ase_service=world["ase_service"],
        external_id="A-001",
        authority_holders=1,
        commune=nantes,
        placement_structure="Foyer X",
        legal_status=LegalStatus.PARENTS,
        birth_date=years_ago(13),
    )
    upload = SimpleUploadedFile(
        "export.csv",
        "Identifiant;Nom;Prénom;Date de naissance;Sexe;Situation juridique\n"
        f"A-001;{youth.last_name};{youth.first_name};{youth.birth_date:%d/%m/%Y};F;parents\n".encode(),
    )
    assert client_for(referrer).post(reverse("youths:import"), {"file": upload}).status_code == 302
    youth.refresh_from_db()
    assert youth.authority_holders == 1
    assert youth.commune == nantes and youth.placement_structure == "Foyer X"


def test_an_adult_cannot_stay_a_ward_or_under_delegation(world, member, client_for):
    for status in (LegalStatus.WARD, LegalStatus.DELEGATED):
        youth = Youth(
            departement=world["departement"],
            ase_service=world["ase_service"],
            first_name="A",
            last_name="B",
            birth_date=years_ago(19),
            gender="m",
            legal_status=status,
        )
        try:
            youth.full_clean()
        except Exception as error:
            assert "Jeune majeur" in str(error)
        else:
            raise AssertionError(f"{status} accepté à 19 ans")


def test_downloaded_scan_is_named_after_what_it_is(world, member, client_for):
    referrer = member(Role.REFERRER)
    youth = YouthFactory(departement=world["departement"], ase_service=world["ase_service"])
    client = client_for(referrer)
    url = reverse("youths:consent_add", kwargs={"youth_id": youth.pk})
    for upload_name, content, expected in (("scan.jpeg", JPEG, ".jpg"), ("accord.exe", PDF, ".pdf")):
        client.post(
            url,
            {
                "kind": "youth_adhesion",
                "given_by": "le jeune",
                "date": "2026-11-01",
                "method": "written",
                "document": SimpleUploadedFile(upload_name, content),
            },
        )
        consent = Consent.objects.latest("created_at")
        response = client.get(reverse("youths:consent_document", kwargs={"consent_id": consent.pk}))
        assert response["Content-Disposition"].endswith(f'{expected}"')
        assert response["Content-Type"] in ("image/jpeg", "application/pdf")


def test_blocked_files_can_be_filtered_by_reason(world, member, client_for):
    import datetime

    from django.utils import timezone

    from binome.youths.models import ProposalOutcome

    pilot = member(Role.PILOT)
    youth = YouthFactory(
        departement=world["departement"],
        ase_service=world["ase_service"],
        legal_status=LegalStatus.PARENTS,
        birth_date=years_ago(13),
    )
    Youth.objects.filter(pk=youth.pk).update(
        proposal_outcome=ProposalOutcome.ACCEPTED,
        consents_complete=False,
        proposal_date=timezone.localdate() - datetime.timedelta(days=60),
        assessment_date=timezone.localdate() - datetime.timedelta(days=10),
        assessment_in_interest=True,
    )
    client = client_for(pilot)
    page = client.get(reverse("youths:blocked"), {"motif": "consents"}).content.decode()
    assert youth.last_name in page
    page = client.get(reverse("youths:blocked"), {"motif": "no_answer"}).content.decode()
    assert youth.last_name not in page
    assert "Dossiers bloqués" in client.get(reverse("home")).content.decode()
