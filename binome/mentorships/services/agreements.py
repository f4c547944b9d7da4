"""The pair's agreement (convention individuelle) and its amendments: terms, signatures, completion."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from binome.accounts.models import Membership, Role
from binome.mentorships.models import (
    Agreement,
    AgreementKind,
    AgreementSettings,
    Mentorship,
    Party,
    Signature,
    SignatureMethod,
)
from binome.mentorships.services.common import _check_open, _log, _today
from binome.utils.choices import Modality
from binome.utils.months import add_months_same_day
from binome.youths import rules


def consents_summary(youth) -> str:
    lines = [
        f"{consent.get_kind_display()} — {consent.date:%d/%m/%Y}"
        for consent in youth.consents.valid().order_by("date")
        if rules.counts_towards_gate(consent)
    ]
    return "\n".join(lines)


def _initial_terms(mentorship) -> dict:
    youth, mentor = mentorship.youth, mentorship.mentor
    duration = AgreementSettings.for_organisation(mentorship.departement_id).default_duration_months
    start = _today() + datetime.timedelta(days=14)
    if youth.modality and (youth.modality == mentor.modality or mentor.modality == Modality.HYBRID):
        modality = youth.modality
    else:
        modality = mentor.modality
    objectives = "\n".join(item.label for item in youth.objectives.all()) or "À préciser lors du lancement."
    establishment = youth.placement_structure if youth.placement_structure != "Domicile familial" else ""
    return {
        "modality": modality,
        "objectives": objectives,
        "start_on": start,
        "duration_months": duration,
        "end_on": add_months_same_day(start, duration),
        "establishment": establishment,
        "consents_summary": consents_summary(youth),
    }


TERM_FIELDS = ("modality", "frequency", "objectives", "start_on", "duration_months", "establishment")


def _check_terms(agreement: Agreement) -> None:
    errors = {}
    if agreement.duration_months is not None and not 1 <= agreement.duration_months <= 36:
        errors["duration_months"] = "Entre 1 et 36 mois."
    elif agreement.kind == AgreementKind.INITIAL and agreement.duration_months < 6:
        errors["duration_months"] = "Un mentorat dure au moins six mois."
    if not (agreement.objectives or "").strip():
        errors["objectives"] = "Indiquez les objectifs du mentorat."
    if agreement.modality not in Modality.values:
        errors["modality"] = "Modalité inconnue."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def agreement_update(*, agreement: Agreement, by, organisation, **terms) -> Agreement:
    """Change the terms of a document nobody has signed yet."""
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    _check_open(agreement.mentorship)
    if agreement.signatures.exists():
        raise ValidationError(
            "Des parties ont déjà signé : les termes ne peuvent plus changer. Retirez les signatures "
            "enregistrées par erreur, ou faites un avenant."
        )
    for name, value in terms.items():
        if name not in TERM_FIELDS and name not in ("changes", "end_on"):
            raise ValueError(name)
        setattr(agreement, name, value)
    if "end_on" not in terms or agreement.kind == AgreementKind.INITIAL:
        agreement.end_on = add_months_same_day(agreement.start_on, agreement.duration_months)
    _check_terms(agreement)
    agreement.save()
    _log(by, organisation, agreement.mentorship, "update")
    return agreement


def current_agreement(mentorship) -> Agreement | None:
    """The terms in force: the last complete document, else the initial draft."""
    agreements = list(mentorship.agreements.all())
    complete = [a for a in agreements if a.completed_at]
    return (complete or agreements or [None])[-1]


# The youth's ASE referent records the signatures of the ASE side only: the service's and the place of
# care's; the youth, the mentor and the association sign with the association.
REFERRER_PARTIES = (Party.ASE, Party.ESTABLISHMENT)


def parties_to_sign(agreement: Agreement, role: str, organisation=None) -> list[str]:
    """The parties still to sign whose signature someone with `role` in `organisation` may record (the
    staff of a service coordinating the pair, art. D.221-36, record them all, as an association's do)."""
    missing = agreement.missing_parties()
    coordinates = organisation is not None and agreement.mentorship.association_id == organisation.pk
    if role == Role.REFERRER and not coordinates:
        return [party for party in missing if party in REFERRER_PARTIES]
    return missing


@transaction.atomic
def agreement_sign(
    *,
    agreement: Agreement,
    party: str,
    signer_name: str,
    signed_on: datetime.date,
    method: str,
    by,
    organisation,
    document=None,
) -> Signature:
    """Record one party's signature: a scan of the signed copy, or « signé en présence de » the person
    recording it. When the last party signs, the document is complete; a complete amendment applies."""
    agreement = Agreement.objects.select_for_update().select_related("mentorship").get(pk=agreement.pk)
    mentorship = agreement.mentorship
    _check_open(mentorship)
    if party not in agreement.required_parties():
        raise ValidationError({"party": "Cette partie ne signe pas ce document."})
    role = (
        Membership.objects.filter(user=by, organisation=organisation, is_active=True)
        .values_list("role", flat=True)
        .first()
    )
    if (
        role == Role.REFERRER
        and party not in REFERRER_PARTIES
        and mentorship.association_id != organisation.pk
    ):
        raise ValidationError(
            {
                "party": "Le référent ASE enregistre la signature du service et du lieu d'accueil ; les autres "
                "parties signent auprès de l'association."
            }
        )
    if agreement.signatures.filter(party=party).exists():
        raise ValidationError({"party": "Cette partie a déjà signé."})
    if signed_on > _today():
        raise ValidationError({"signed_on": "Une signature ne peut pas être datée dans le futur."})
    if signed_on < timezone.localdate(mentorship.validated_at) - datetime.timedelta(days=1):
        raise ValidationError({"signed_on": "La signature ne peut pas précéder la validation du binôme."})
    if not signer_name.strip():
        raise ValidationError({"signer_name": "Indiquez qui a signé."})
    if method == SignatureMethod.SCAN and not document:
        raise ValidationError({"document": "Joignez l'exemplaire signé numérisé."})
    if method not in SignatureMethod.values:
        raise ValidationError({"method": "Indiquez la preuve de la signature."})
    signature = Signature(
        agreement=agreement,
        party=party,
        signer_name=signer_name.strip(),
        signed_on=signed_on,
        method=method,
        witnessed_by=by if method == SignatureMethod.IN_PRESENCE else None,
        recorded_by=by,
    )
    if document:
        signature.document = document
    signature.save()
    if not agreement.missing_parties():
        agreement.completed_at = timezone.now()
        agreement.save(update_fields=["completed_at", "updated_at"])
        if agreement.kind == AgreementKind.AMENDMENT:
            _apply_amendment(agreement)
    _log(by, organisation, mentorship, "update")
    return signature


def _apply_amendment(agreement: Agreement) -> None:
    mentorship = agreement.mentorship
    fields = ["planned_end_on", "updated_at"]
    if agreement.end_on != mentorship.planned_end_on:
        mentorship.planned_end_on = agreement.end_on
    if agreement.extends:
        mentorship.extension_count += 1
        fields.append("extension_count")
    mentorship.save(update_fields=fields)


@transaction.atomic
def signature_remove(*, signature: Signature, by, organisation) -> None:
    """A signature recorded by mistake, while the document is not complete yet."""
    agreement = signature.agreement
    _check_open(agreement.mentorship)
    if agreement.completed_at:
        raise ValidationError(
            "Ce document est complet : faites un avenant plutôt que de retirer une signature."
        )
    if signature.document:
        signature.document.delete(save=False)
    signature.delete()
    _log(by, organisation, agreement.mentorship, "update")


@transaction.atomic
def amendment_create(
    *,
    mentorship: Mentorship,
    by,
    organisation,
    changes: str,
    end_on: datetime.date | None = None,
    frequency: str | None = None,
    modality: str | None = None,
    objectives: str | None = None,
) -> Agreement:
    """An avenant: the terms in force with what changes. A later end date extends the pair (a renewal,
    counted apart). It applies once every party signed it."""
    mentorship = Mentorship.objects.select_for_update().get(pk=mentorship.pk)
    _check_open(mentorship)
    agreements = list(mentorship.agreements.order_by("number"))
    if not agreements or not agreements[0].completed_at:
        raise ValidationError("La convention individuelle doit être signée avant tout avenant.")
    if any(a.completed_at is None for a in agreements):
        raise ValidationError("Un avenant attend déjà des signatures.")
    if not changes.strip():
        raise ValidationError({"changes": "Décrivez l'objet de l'avenant."})
    base = agreements[-1]
    current_end = mentorship.planned_end_on or base.end_on
    if end_on is not None and end_on <= _today() and end_on != current_end:
        raise ValidationError({"end_on": "La nouvelle fin prévue doit être dans le futur."})
    amendment = Agreement(
        mentorship=mentorship,
        kind=AgreementKind.AMENDMENT,
        number=base.number + 1,
        modality=modality or base.modality,
        frequency=frequency or base.frequency,
        objectives=objectives or base.objectives,
        start_on=base.start_on,
        duration_months=base.duration_months,
        end_on=end_on or current_end,
        establishment=mentorship.youth.placement_structure
        if mentorship.youth.placement_structure != "Domicile familial"
        else "",
        consents_summary=consents_summary(mentorship.youth),
        changes=changes.strip(),
        extends=bool(end_on and end_on > current_end),
        created_by=by,
    )
    _check_terms(amendment)
    amendment.save()
    _log(by, organisation, mentorship, "update")
    return amendment
