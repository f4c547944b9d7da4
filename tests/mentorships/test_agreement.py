"""The individual agreement (art. D.221-38): its terms, each party's signature, the start gate, the PDF."""

import html

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from binome.accounts.models import Role
from binome.audit.models import AccessLog
from binome.mentorships import pdf, services
from binome.mentorships.models import AgreementSettings, MentorshipState, Party, SignatureMethod
from tests.mentorships.factories import sign_all, validated_pair

PDF_BYTES = b"%PDF-1.4\n% signed copy\n"
# The smallest valid PNG: 1×1 transparent pixel.
# A 1×1 transparent PNG with valid checksums: the logo upload reads the image, not just its name.
PNG_BYTES = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360606060000000050001"
    "a5f645400000000049454e44ae426082"
)


def page(response):
    return html.unescape(response.content.decode())


def detail_url(mentorship):
    return reverse("mentorships:detail", kwargs={"mentorship_id": mentorship.pk})


def sign(client, agreement, party, method=SignatureMethod.IN_PRESENCE, document=None, **extra):
    data = {
        "party": party,
        "signer_name": "Mme Roux, référente ASE",
        "signed_on": timezone.localdate().isoformat(),
        "method": method,
        **extra,
    }
    if document is not None:
        data["document"] = document
    return client.post(reverse("mentorships:agreement_sign", kwargs={"agreement_id": agreement.pk}), data)


def launch(client, mentorship):
    return client.post(
        reverse("mentorships:launch", kwargs={"mentorship_id": mentorship.pk}),
        {
            "held_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "modality": "in_person",
            "objectives": "Retrouver le goût de l'école",
        },
    )


def test_a_validated_pair_has_a_draft_agreement_drawn_from_the_youth_file(world, people, client_for):
    mentorship = validated_pair(
        world, people["coordinator"], placement_structure="MECS Les Tilleuls", modality="in_person"
    )
    agreement = mentorship.agreements.get()
    assert mentorship.state == MentorshipState.AGREEMENT
    assert agreement.duration_months == 6
    assert agreement.establishment == "MECS Les Tilleuls"
    assert agreement.required_parties() == [
        Party.ASE,
        Party.ASSOCIATION,
        Party.ESTABLISHMENT,
        Party.YOUTH,
        Party.MENTOR,
    ]
    assert "Avis et adhésion du jeune" in agreement.consents_summary
    response = client_for(people["coordinator"]).get(detail_url(mentorship))
    assert response.status_code == 200
    assert "Convention à signer" in page(response)
    assert "signatures à recueillir" in page(response)


def test_the_pair_cannot_start_until_every_party_signed(world, people, client_for):
    mentorship = validated_pair(world, people["coordinator"])
    client = client_for(people["coordinator"])
    agreement = mentorship.agreements.get()
    for party in agreement.required_parties()[:-1]:
        assert sign(client, agreement, party).status_code == 302
    response = launch(client, mentorship)
    assert response.status_code == 422
    assert "Signature manquante : mentor." in page(response)
    mentorship.refresh_from_db()
    assert mentorship.state == MentorshipState.AGREEMENT and mentorship.started_at is None

    response = sign(client, agreement, Party.MENTOR)
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.is_complete
    response = launch(client, mentorship)
    assert response.status_code == 302
    mentorship.refresh_from_db()
    assert mentorship.state == MentorshipState.ACTIVE
    assert mentorship.started_at == timezone.localdate()
    assert mentorship.launch_objectives == "Retrouver le goût de l'école"
    assert mentorship.review_due_on.year == timezone.localdate().year + 1
    assert mentorship.colour == "green"
    assert mentorship.meetings.get().kind == "launch"


def test_the_launch_form_appears_only_once_everyone_signed(world, people, client_for):
    mentorship = validated_pair(world, people["coordinator"])
    client = client_for(people["coordinator"])
    assert "Lancer le binôme" not in page(client.get(detail_url(mentorship)))
    sign_all(mentorship, people["coordinator"])
    assert "Lancer le binôme" in page(client.get(detail_url(mentorship)))


def test_a_signature_by_scan_needs_the_scanned_copy(world, people, client_for, private_storage):
    mentorship = validated_pair(world, people["coordinator"])
    client = client_for(people["coordinator"])
    agreement = mentorship.agreements.get()
    response = sign(client, agreement, Party.YOUTH, method=SignatureMethod.SCAN, signer_name="Le jeune")
    assert response.status_code == 422
    assert "Joignez l'exemplaire signé numérisé." in page(response)
    assert 'value="Le jeune"' in page(response)  # what was typed is kept
    scan = SimpleUploadedFile("convention.pdf", PDF_BYTES, content_type="application/pdf")
    assert sign(client, agreement, Party.YOUTH, method=SignatureMethod.SCAN, document=scan).status_code == 302
    signature = agreement.signatures.get()
    assert (private_storage / signature.document.name).read_bytes() == PDF_BYTES
    assert signature.witnessed_by is None
    download = client.get(reverse("mentorships:signature_document", kwargs={"signature_id": signature.pk}))
    assert b"".join(download.streaming_content) == PDF_BYTES
    assert AccessLog.objects.filter(action="download", object_id=str(mentorship.pk)).exists()


def test_signed_in_presence_names_who_witnessed_it(world, people, client_for):
    mentorship = validated_pair(world, people["coordinator"])
    agreement = mentorship.agreements.get()
    sign(client_for(people["coordinator"]), agreement, Party.MENTOR)
    signature = agreement.signatures.get()
    assert signature.witnessed_by == people["coordinator"]
    assert f"signé en présence de {people['coordinator']}" in page(
        client_for(people["coordinator"]).get(detail_url(mentorship))
    )


def test_a_party_signs_once_and_a_date_in_the_future_is_refused(world, people, client_for):
    mentorship = validated_pair(world, people["coordinator"])
    client = client_for(people["coordinator"])
    agreement = mentorship.agreements.get()
    tomorrow = (timezone.localdate() + timezone.timedelta(days=1)).isoformat()
    response = sign(client, agreement, Party.ASE, signed_on=tomorrow)
    assert response.status_code == 422
    assert "Une signature ne peut pas être datée dans le futur." in page(response)
    assert sign(client, agreement, Party.ASE).status_code == 302
    response = sign(client, agreement, Party.ASE)
    assert response.status_code == 422  # the party is no longer offered
    assert agreement.signatures.count() == 1


def test_terms_are_frozen_once_someone_signed(world, people, client_for):
    mentorship = validated_pair(world, people["coordinator"])
    client = client_for(people["coordinator"])
    agreement = mentorship.agreements.get()
    url = reverse("mentorships:agreement_edit", kwargs={"agreement_id": agreement.pk})
    terms = {
        "modality": "remote",
        "frequency": "weekly",
        "objectives": "Orientation",
        "start_on": agreement.start_on.isoformat(),
        "duration_months": "9",
        "establishment": "",
    }
    assert client.post(url, terms).status_code == 302
    agreement.refresh_from_db()
    assert agreement.duration_months == 9 and agreement.modality == "remote"
    assert Party.ESTABLISHMENT not in agreement.required_parties()
    assert (agreement.end_on.year * 12 + agreement.end_on.month) - (
        agreement.start_on.year * 12 + agreement.start_on.month
    ) == 9
    response = client.post(url, {**terms, "duration_months": "3"})
    assert response.status_code == 422
    assert "Un mentorat dure au moins six mois." in page(response)
    sign(client, agreement, Party.MENTOR)
    response = client.post(url, {**terms, "duration_months": "12"})
    assert response.status_code == 422
    assert "Des parties ont déjà signé" in page(response)


def test_a_signature_entered_by_mistake_can_be_removed_until_the_document_is_complete(
    world, people, client_for
):
    mentorship = validated_pair(world, people["coordinator"])
    client = client_for(people["coordinator"])
    agreement = mentorship.agreements.get()
    sign(client, agreement, Party.YOUTH)
    signature = agreement.signatures.get()
    client.post(reverse("mentorships:signature_remove", kwargs={"signature_id": signature.pk}))
    assert not agreement.signatures.exists()
    sign_all(mentorship, people["coordinator"])
    last = agreement.signatures.first()
    response = client.post(
        reverse("mentorships:signature_remove", kwargs={"signature_id": last.pk}), follow=True
    )
    assert "faites un avenant" in page(response)
    assert agreement.signatures.count() == len(agreement.required_parties())


def test_the_referrer_signs_for_the_ase_service_only(world, people, client_for):
    mentorship = validated_pair(world, people["coordinator"], placement_structure="Foyer")
    agreement = mentorship.agreements.get()
    client = client_for(people["referrer"])
    response = client.get(detail_url(mentorship))
    assert response.status_code == 200
    choices = page(response)
    assert f'value="{Party.ASE.value}"' in choices and f'value="{Party.MENTOR.value}"' not in choices
    assert sign(client, agreement, Party.MENTOR).status_code == 422
    assert sign(client, agreement, Party.ASE).status_code == 302
    assert list(agreement.signatures.values_list("party", flat=True)) == [Party.ASE]
    assert (
        client.post(reverse("mentorships:launch", kwargs={"mentorship_id": mentorship.pk})).status_code == 404
    )  # the association launches its pair; a referrer launches only a pair their service coordinates


def test_the_service_lets_a_referrer_record_only_the_ase_sides_signatures(world, people):
    mentorship = validated_pair(world, people["coordinator"], placement_structure="Foyer")
    agreement = mentorship.agreements.get()
    referrer = people["referrer"]
    assert services.parties_to_sign(agreement, Role.REFERRER) == [Party.ASE, Party.ESTABLISHMENT]
    assert services.parties_to_sign(agreement, Role.COORDINATOR) == agreement.required_parties()

    def record(party, by, organisation):
        return services.agreement_sign(
            agreement=agreement,
            party=party,
            signer_name="Signataire",
            signed_on=timezone.localdate(),
            method=SignatureMethod.IN_PRESENCE,
            by=by,
            organisation=organisation,
        )

    for party in (Party.YOUTH, Party.MENTOR, Party.ASSOCIATION):
        with pytest.raises(ValidationError) as refused:
            record(party, referrer, world["ase_service"])
        assert "Le référent ASE" in refused.value.message_dict["party"][0]
    assert not agreement.signatures.exists()
    record(Party.ESTABLISHMENT, referrer, world["ase_service"])
    record(Party.MENTOR, people["coordinator"], world["association"])
    assert sorted(agreement.signatures.values_list("party", flat=True)) == [Party.ESTABLISHMENT, Party.MENTOR]


def test_another_organisation_cannot_see_or_sign(world, people, client_for):
    mentorship = validated_pair(world, people["coordinator"])
    agreement = mentorship.agreements.get()
    for outsider in (people["other_coordinator"], people["other_referrer"]):
        client = client_for(outsider)
        assert client.get(detail_url(mentorship)).status_code == 404
        assert sign(client, agreement, Party.ASE).status_code == 404
        pdf_url = reverse("mentorships:agreement_pdf", kwargs={"agreement_id": agreement.pk})
        assert client.get(pdf_url).status_code == 404


def test_the_pdf_names_the_parties_and_carries_the_departements_wording_and_logo(world, people, client_for):
    settings = AgreementSettings.for_organisation(world["departement"])
    settings.legal_text = (
        "Article 1 — Le mentor s'engage à la discrétion.\n\nArticle 2 — Clause du département A."
    )
    settings.logo = SimpleUploadedFile("logo.png", PNG_BYTES, content_type="image/png")
    settings.save()
    mentorship = validated_pair(world, people["coordinator"], placement_structure="MECS Les Tilleuls")
    sign_all(mentorship, people["coordinator"])
    agreement = mentorship.agreements.get()
    text = html.unescape(pdf.agreement_html(agreement))
    youth, mentor = mentorship.youth, mentorship.mentor
    assert f"{youth.first_name} {youth.last_name}" in text
    assert f"{mentor.first_name} {mentor.last_name}" in text
    assert "MECS Les Tilleuls" in text and "Service ASE A" in text and "Association A" in text
    assert "Article 2 — Clause du département A." in text
    assert "data:image/png;base64," in text
    assert "6 mois" in text
    assert f"en présence de {people['coordinator'].get_full_name()}" in text

    response = client_for(people["referrer"]).get(
        reverse("mentorships:agreement_pdf", kwargs={"agreement_id": agreement.pk})
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert AccessLog.objects.filter(action="export", object_id=str(mentorship.pk)).exists()


def test_the_pilot_adapts_the_template_and_previews_it(world, people, client_for):
    client = client_for(people["pilot"])
    url = reverse("mentorships:agreement_template")
    response = client.post(
        url,
        {
            "heading": "Direction enfance famille",
            "legal_text": "Nos clauses.",
            "default_duration_months": "3",
            "review_every_months": "12",
        },
    )
    assert response.status_code == 422
    assert "le mentorat dure au moins six mois" in page(response)
    response = client.post(
        url,
        {
            "heading": "Direction enfance famille",
            "legal_text": "Nos clauses.",
            "default_duration_months": "9",
            "review_every_months": "6",
            "logo": SimpleUploadedFile("logo.png", PNG_BYTES, content_type="image/png"),
        },
    )
    assert response.status_code == 302
    assert AgreementSettings.objects.get(departement=world["departement"]).default_duration_months == 9
    mentorship = validated_pair(world, people["coordinator"])
    assert mentorship.agreements.get().duration_months == 9
    preview = client.get(reverse("mentorships:agreement_template_preview"))
    assert preview.content.startswith(b"%PDF")


@pytest.mark.parametrize("role", ["coordinator", "referrer"])
def test_only_the_pilot_edits_the_template(people, client_for, role):
    assert client_for(people[role]).get(reverse("mentorships:agreement_template")).status_code == 403


def test_the_launch_meeting_is_planned_then_recorded_as_the_start(world, people, client_for):
    mentorship = validated_pair(world, people["coordinator"])
    client = client_for(people["coordinator"])
    soon = timezone.localtime() + timezone.timedelta(days=3)
    response = client.post(
        reverse("mentorships:launch_plan", kwargs={"mentorship_id": mentorship.pk}),
        {"at": soon.strftime("%Y-%m-%dT%H:%M"), "modality": "in_person"},
    )
    assert response.status_code == 302
    planned = mentorship.meetings.get()
    assert (planned.kind, planned.status) == ("launch", "planned")
    assert "Prévue le" in page(client.get(detail_url(mentorship)))
    sign_all(mentorship, people["coordinator"])
    assert launch(client, mentorship).status_code == 302
    planned.refresh_from_db()
    assert planned.status == "held" and mentorship.meetings.count() == 1
    # The launch meeting is the pair's last meeting until the next one (shown on lists and the API).
    mentorship.refresh_from_db()
    assert mentorship.last_meeting_on == timezone.localdate(planned.at)
