"""Writes on pairs: creation (by the matching), agreement and signatures, launch, meetings, staff contacts,
concerns, follow-up colour, reviews, closure, reopening, renewal and the mentor's magic links.

Every function that changes what the follow-up depends on ends with `refresh_follow_up`, so the stored
colour is always current; the nightly job only catches the passing of time."""

import calendar
import datetime
import itertools
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone

from binome.accounts.models import Convention, Membership, Role
from binome.audit.services import log_access
from binome.mentors.models import Mentor, MentorStage
from binome.mentors.services import mentor_move, mentor_release_place, mentor_take_place, readiness_problems
from binome.mentorships import followup
from binome.mentorships.models import (
    REASON_CATEGORY,
    Agreement,
    AgreementKind,
    AgreementSettings,
    Closure,
    ClosureCategory,
    ClosureReason,
    Colour,
    Concern,
    Coordination,
    FollowUpContact,
    FollowUpSettings,
    Meeting,
    MeetingKind,
    MeetingModality,
    MeetingStatus,
    MentorAccess,
    Mentorship,
    MentorshipState,
    ObjectivesReached,
    Party,
    ProjectKind,
    Review,
    ReviewDecision,
    Signature,
    SignatureMethod,
    hash_token,
)
from binome.notifications.emails import send_email
from binome.notifications.reminders import first_time
from binome.utils.choices import Modality
from binome.youths import rules
from binome.youths.models import ReferralState
from binome.youths.services import referral_mark_matched, referral_rematch

MENTOR_LINK_DAYS = getattr(settings, "BINOME_MENTOR_LINK_DAYS", 14)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (the last day of the month when it does not exist)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def _log(by, organisation, mentorship, action="update") -> None:
    """The access log, with the pair's département (an association may work for several)."""
    log_access(
        user=by,
        organisation=organisation or mentorship.association,
        action=action,
        obj=mentorship,
        departement=mentorship.departement,
    )


def _today():
    return timezone.localdate()


def _staff_emails(mentorship) -> list[str]:
    """The pair's coordinator while still in the association; otherwise its managers and coordinators."""
    memberships = Membership.objects.filter(
        organisation=mentorship.association, is_active=True, user__is_active=True
    )
    if mentorship.coordinator_id:
        own = list(memberships.filter(user=mentorship.coordinator_id).values_list("user__email", flat=True))
        if own:
            return own
    return list(
        memberships.filter(role__in=(Role.MANAGER, Role.COORDINATOR)).values_list("user__email", flat=True)
    )


def alert_staff(mentorship, line: str) -> None:
    """Tell the pair's coordinator at once. The message names no one: the link leads to the pair."""
    to = _staff_emails(mentorship)
    if to:
        send_email(
            template="pair_alert",
            to=to,
            context={
                "line": line,
                "path": reverse("mentorships:detail", kwargs={"mentorship_id": mentorship.pk}),
            },
        )


def alert_referrer(mentorship, line: str, by=None) -> None:
    """Tell the youth's ASE referent (unless they are the one who acted)."""
    referrer = mentorship.youth.referrer
    if referrer is None or not referrer.is_active or referrer == by:
        return
    send_email(
        template="pair_alert",
        to=[referrer.email],
        context={
            "line": line,
            "path": reverse("mentorships:detail", kwargs={"mentorship_id": mentorship.pk}),
        },
    )


def _check_open(mentorship):
    if mentorship.state == MentorshipState.CLOSED:
        raise ValidationError("Ce binôme est clôturé.")


# --- Creation and agreement ----------------------------------------------------------------------


def consents_summary(youth) -> str:
    lines = [
        f"{consent.get_kind_display()} — {consent.date:%d/%m/%Y}"
        for consent in youth.consents.valid().order_by("date")
        if rules.counts_towards_gate(consent)
    ]
    return "\n".join(lines)


def _initial_terms(mentorship) -> dict:
    youth, mentor = mentorship.youth, mentorship.mentor
    duration = AgreementSettings.for_departement(mentorship.departement_id).default_duration_months
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
        "end_on": add_months(start, duration),
        "establishment": establishment,
        "consents_summary": consents_summary(youth),
    }


def _coordination(organisation) -> str:
    """Art. D.221-36: who coordinates the pair, from the kind of the organisation that holds it."""
    return Coordination.ASE_SERVICE if organisation.kind == "ase_service" else Coordination.ASSOCIATION


@transaction.atomic
def mentorship_create(*, referral, mentor, by, organisation, proposed_at=None) -> Mentorship:
    """Validate a pair: the youth's accepted referral becomes matched, the mentor gives one place.
    The pair waits for its agreement (a draft is prepared from the youth's file) to be signed."""
    if referral.state != ReferralState.ACCEPTED or referral.association_id != organisation.pk:
        raise ValidationError("Ce jeune n'attend plus de mentor dans votre association.")
    if mentor.association_id != organisation.pk:
        raise ValidationError("Ce mentor n'appartient pas à votre association.")
    mentor_take_place(mentor=mentor, by=by)
    referral = referral_mark_matched(referral=referral, by=by, organisation=organisation)
    try:
        with transaction.atomic():
            mentorship = Mentorship.objects.create(
                association=organisation,
                coordination=_coordination(organisation),
                departement=referral.departement,
                youth=referral.youth,
                mentor=mentor,
                referral=referral,
                coordinator=by,
                referral_accepted_at=referral.accepted_at,
                proposed_at=proposed_at or timezone.now(),
                created_by=by,
            )
    except IntegrityError:
        raise ValidationError("Ce jeune a déjà un binôme en cours.") from None
    Agreement.objects.create(mentorship=mentorship, created_by=by, **_initial_terms(mentorship))
    refresh_follow_up(mentorship, notify=False)
    _log(by, organisation, mentorship, "create")
    return mentorship


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
        agreement.end_on = add_months(agreement.start_on, agreement.duration_months)
    _check_terms(agreement)
    agreement.save()
    _log(by, organisation, agreement.mentorship, "update")
    return agreement


def current_agreement(mentorship) -> Agreement | None:
    """The terms in force: the last complete document, else the initial draft."""
    agreements = list(mentorship.agreements.all())
    complete = [a for a in agreements if a.completed_at]
    return (complete or agreements or [None])[-1]


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


# --- Launch and meetings --------------------------------------------------------------------------


@transaction.atomic
def mentorship_launch(
    *,
    mentorship: Mentorship,
    by,
    organisation,
    held_at: datetime.datetime,
    objectives: str,
    modality: str = MeetingModality.IN_PERSON,
    parents_present: bool = False,
    note: str = "",
) -> Mentorship:
    """The tripartite launch meeting took place: the pair starts, with the objectives set with the youth.
    Refused while any party has not signed the agreement (art. D.221-38)."""
    mentorship = Mentorship.objects.select_for_update().get(pk=mentorship.pk)
    if mentorship.state != MentorshipState.AGREEMENT:
        raise ValidationError("Ce binôme est déjà lancé." if mentorship.is_open else "Ce binôme est clôturé.")
    agreement = mentorship.agreements.filter(number=0).first()
    missing = agreement.missing_parties() if agreement else [Party.ASE]
    if missing:
        labels = ", ".join(Party(p).label.split(",")[0].lower() for p in missing)
        raise ValidationError(
            f"Le binôme ne peut démarrer qu'une fois la convention signée par toutes les parties. "
            f"Signature manquante : {labels}."
        )
    if held_at > timezone.now():
        raise ValidationError(
            {"held_at": "La rencontre de lancement s'enregistre une fois qu'elle a eu lieu."}
        )
    # Weeks may pass between the validation and the signatures: the gates hold on the launch day.
    problems = readiness_problems(mentorship.mentor) + [
        "Dossier du jeune : " + b for b in rules.submission_blockers(mentorship.youth)
    ]
    if problems:
        raise ValidationError(["Le binôme ne peut pas démarrer : " + problems[0], *problems[1:]])
    if not objectives.strip():
        raise ValidationError({"objectives": "Notez les objectifs fixés avec le jeune."})
    meeting = mentorship.meetings.filter(kind=MeetingKind.LAUNCH).first() or Meeting(
        mentorship=mentorship, kind=MeetingKind.LAUNCH
    )
    meeting.status = MeetingStatus.HELD
    meeting.at = held_at
    meeting.modality = modality
    meeting.parents_present = parents_present
    meeting.note = note[:500]
    meeting.recorded_by = by
    meeting.duration_minutes = meeting.duration_minutes or 60
    meeting.save()
    started = timezone.localdate(held_at)
    review_months = AgreementSettings.for_departement(mentorship.departement_id).review_every_months
    mentorship.state = MentorshipState.ACTIVE
    mentorship.started_at = started
    mentorship.launch_objectives = objectives.strip()
    # One planned end: the agreement's, as signed (amendments move it).
    mentorship.planned_end_on = current_agreement(mentorship).end_on
    mentorship.review_due_on = add_months(started, review_months)
    mentorship.save(
        update_fields=[
            "state",
            "started_at",
            "launch_objectives",
            "planned_end_on",
            "review_due_on",
            "updated_at",
        ]
    )
    refresh_contacts(mentorship)
    refresh_follow_up(mentorship)
    _log(by, organisation, mentorship, "update")
    return mentorship


def refresh_meetings(mentorship) -> None:
    held = Meeting.objects.filter(mentorship=mentorship, kind=MeetingKind.SESSION, status=MeetingStatus.HELD)
    counts = dict(held.values_list("modality").annotate(n=models.Count("pk")))
    last = Meeting.objects.filter(mentorship=mentorship, status=MeetingStatus.HELD).aggregate(
        last=models.Max("at")
    )["last"]
    Mentorship.objects.filter(pk=mentorship.pk).update(
        meetings_in_person=counts.get(MeetingModality.IN_PERSON, 0),
        meetings_remote=counts.get(MeetingModality.REMOTE, 0),
        last_meeting_on=timezone.localdate(last) if last else None,
    )
    mentorship.refresh_from_db(fields=["meetings_in_person", "meetings_remote", "last_meeting_on"])


@transaction.atomic
def meeting_save(
    *,
    mentorship: Mentorship,
    at: datetime.datetime,
    status: str,
    modality: str,
    duration_minutes: int | None = None,
    note: str = "",
    next_steps: str = "",
    meeting: Meeting | None = None,
    kind: str = MeetingKind.SESSION,
    by=None,
    by_mentor: bool = False,
    organisation=None,
) -> Meeting:
    """Plan or record a meeting of the pair, by the coordinator or by the mentor in their space.
    A mentor may only complete the meetings still planned, not rewrite what the staff recorded."""
    mentorship = Mentorship.objects.select_for_update().get(pk=mentorship.pk)
    _check_open(mentorship)
    now = timezone.now()
    if meeting is not None:
        if meeting.mentorship_id != mentorship.pk:
            raise ValidationError("Cette rencontre concerne un autre binôme.")
        if by_mentor and meeting.status != MeetingStatus.PLANNED and not meeting.recorded_by_mentor:
            raise ValidationError(
                "Cette rencontre a été notée par l'association : contactez votre chargé·e de mentorat."
            )
        kind = meeting.kind
    if kind == MeetingKind.SESSION and mentorship.state != MentorshipState.ACTIVE:
        raise ValidationError("Les rencontres se notent une fois le binôme lancé.")
    if (
        kind == MeetingKind.LAUNCH
        and status != MeetingStatus.PLANNED
        and mentorship.state == MentorshipState.AGREEMENT
    ):
        raise ValidationError("Le lancement s'enregistre avec le formulaire de lancement.")
    if status == MeetingStatus.PLANNED and at < now - datetime.timedelta(hours=12):
        raise ValidationError({"status": "Cette rencontre est passée : indiquez si elle a eu lieu."})
    if status in (MeetingStatus.HELD, MeetingStatus.NO_SHOW) and at > now + datetime.timedelta(minutes=5):
        raise ValidationError({"at": "Une rencontre à venir ne peut pas encore être réalisée."})
    if (
        mentorship.started_at
        and kind == MeetingKind.SESSION
        and timezone.localdate(at) < mentorship.started_at
    ):
        raise ValidationError({"at": "La rencontre ne peut pas précéder le lancement du binôme."})
    if duration_minutes is not None and not 5 <= duration_minutes <= 600:
        raise ValidationError({"duration_minutes": "Entre 5 minutes et 10 heures."})
    if modality not in MeetingModality.values:
        raise ValidationError({"modality": "Indiquez si la rencontre a lieu en présentiel ou à distance."})
    creating = meeting is None
    meeting = meeting or Meeting(mentorship=mentorship, kind=kind, recorded_by_mentor=by_mentor)
    meeting.at = at
    meeting.status = status
    meeting.modality = modality
    meeting.duration_minutes = duration_minutes
    meeting.note = note.strip()[:500]
    meeting.next_steps = next_steps.strip()[:500]
    if by is not None:
        meeting.recorded_by = by
    meeting.save()
    if meeting.next_steps and status == MeetingStatus.HELD:
        mentorship.next_steps = meeting.next_steps
        mentorship.save(update_fields=["next_steps", "updated_at"])
    refresh_meetings(mentorship)
    refresh_follow_up(mentorship)
    if organisation is not None:
        _log(by, organisation, mentorship, "create" if creating else "update")
    return meeting


def refresh_contacts(mentorship) -> None:
    """The last staff contact, and how many fell in the pair's first month (the follow-up rule)."""
    contacts = FollowUpContact.objects.filter(mentorship=mentorship)
    last = contacts.aggregate(last=models.Max("on"))["last"]
    first_month = 0
    if mentorship.started_at:
        month_end = mentorship.started_at + datetime.timedelta(days=followup.FIRST_MONTH_DAYS)
        first_month = contacts.filter(on__gte=mentorship.started_at, on__lt=month_end).count()
    Mentorship.objects.filter(pk=mentorship.pk).update(last_contact_on=last, contacts_first_month=first_month)
    mentorship.last_contact_on, mentorship.contacts_first_month = last, first_month


@transaction.atomic
def contact_record(
    *, mentorship: Mentorship, by, organisation, on, channel, with_whom, note=""
) -> FollowUpContact:
    """A call, an e-mail, a message or a tripartite meeting of the staff about the pair."""
    _check_open(mentorship)
    if on > _today():
        raise ValidationError({"on": "Un contact ne peut pas être daté dans le futur."})
    if on < timezone.localdate(mentorship.validated_at):
        raise ValidationError({"on": "Le contact ne peut pas précéder la validation du binôme."})
    contact = FollowUpContact.objects.create(
        mentorship=mentorship, on=on, channel=channel, with_whom=with_whom, note=note.strip()[:500], by=by
    )
    if mentorship.pulse_alert_on and on >= mentorship.pulse_alert_on:
        Mentorship.objects.filter(pk=mentorship.pk).update(pulse_alert_on=None)
        mentorship.pulse_alert_on = None
    refresh_contacts(mentorship)
    refresh_follow_up(mentorship)
    _log(by, organisation, mentorship, "update")
    return contact


@transaction.atomic
def mentorship_update(
    *, mentorship: Mentorship, by, organisation, coordinator=None, next_steps=None
) -> Mentorship:
    _check_open(mentorship)
    fields = ["updated_at"]
    if coordinator is not None:
        if not Membership.objects.filter(
            user=coordinator, organisation=mentorship.association, is_active=True
        ).exists():
            raise ValidationError({"coordinator": "Cette personne ne fait pas partie de l'association."})
        mentorship.coordinator = coordinator
        fields.append("coordinator")
    if next_steps is not None:
        mentorship.next_steps = next_steps.strip()[:500]
        fields.append("next_steps")
    mentorship.save(update_fields=fields)
    _log(by, organisation, mentorship, "update")
    return mentorship


# --- Concerns and colour --------------------------------------------------------------------------


MENTOR_CONCERNS_PER_DAY = 3


@transaction.atomic
def concern_raise(
    *, mentorship: Mentorship, message: str, by=None, by_mentor=False, organisation=None
) -> Concern:
    """A worry about the pair: it turns red and the coordinator is told at once. From the mentor's
    space (a link, no account), a few a day per pair: past that, nothing is lost — the concerns
    already sent are open — and the page says to call."""
    _check_open(mentorship)
    if not message.strip():
        raise ValidationError({"message": "Décrivez en quelques mots ce qui vous inquiète."})
    if by_mentor:
        since = timezone.now() - datetime.timedelta(days=1)
        sent = Concern.objects.filter(mentorship=mentorship, raised_by_mentor=True, raised_at__gte=since)
        if sent.count() >= MENTOR_CONCERNS_PER_DAY:
            raise ValidationError(
                f"Vous avez déjà envoyé {MENTOR_CONCERNS_PER_DAY} signalements en 24 heures : l'association "
                "les a reçus et va vous rappeler. Pour ajouter quelque chose, appelez-la directement."
            )
    concern = Concern.objects.create(
        mentorship=mentorship, message=message.strip(), raised_by=by, raised_by_mentor=by_mentor
    )
    Mentorship.objects.filter(pk=mentorship.pk).update(concern_open=True)
    mentorship.concern_open = True
    refresh_follow_up(mentorship, notify=False)
    first_time("pair_red", mentorship.pk, _today())  # this alert replaces tonight's « turned red »
    alert_staff(
        mentorship,
        "un mentor a signalé une préoccupation sur son binôme"
        if by_mentor
        else "une préoccupation a été signalée sur un binôme que vous suivez",
    )
    if organisation is not None:
        _log(by, organisation, mentorship, "update")
    return concern


@transaction.atomic
def concern_resolve(*, concern: Concern, by, organisation, resolution: str) -> Concern:
    if concern.resolved_at:
        raise ValidationError("Cette préoccupation est déjà traitée.")
    if not resolution.strip():
        raise ValidationError({"resolution": "Indiquez la suite donnée."})
    concern.resolved_at = timezone.now()
    concern.resolved_by = by
    concern.resolution = resolution.strip()[:500]
    concern.save(update_fields=["resolved_at", "resolved_by", "resolution", "updated_at"])
    mentorship = concern.mentorship
    still_open = mentorship.concerns.filter(resolved_at__isnull=True).exists()
    Mentorship.objects.filter(pk=mentorship.pk).update(concern_open=still_open)
    mentorship.concern_open = still_open
    refresh_follow_up(mentorship)
    _log(by, organisation, mentorship, "update")
    return concern


def _status(mentorship, rules_, today, concern_since=None) -> followup.Status:
    if mentorship.concern_open and concern_since is None:
        first = mentorship.concerns.filter(resolved_at__isnull=True).aggregate(at=models.Min("raised_at"))[
            "at"
        ]
        concern_since = timezone.localdate(first) if first else today
    return followup.status(
        state=mentorship.state,
        today=today,
        rules=rules_,
        validated_on=timezone.localdate(mentorship.validated_at),
        started_on=mentorship.started_at,
        last_contact_on=mentorship.last_contact_on,
        last_meeting_on=mentorship.last_meeting_on,
        contacts_in_first_month=mentorship.contacts_first_month,
        concern_since=concern_since if mentorship.concern_open else None,
        pulse_alert_on=mentorship.pulse_alert_on,
    )


def _store_status(mentorship, status: followup.Status, now) -> bool:
    """Write the colour if anything changed. True when the pair just turned red."""
    changes = {}
    if status.colour != mentorship.colour:
        changes.update(colour=status.colour, colour_since=now if status.colour else None)
    if status.reason != mentorship.colour_reason:
        changes["colour_reason"] = status.reason
    if status.due_on != mentorship.follow_up_due_on:
        changes["follow_up_due_on"] = status.due_on
    if not changes:
        return False
    turned_red = status.colour == Colour.RED and mentorship.colour != Colour.RED
    Mentorship.objects.filter(pk=mentorship.pk).update(**changes)
    for name, value in changes.items():
        setattr(mentorship, name, value)
    return turned_red


def refresh_follow_up(mentorship: Mentorship, *, today=None, notify: bool = True) -> bool:
    """Recompute and store the pair's colour; when it turns red, alert the coordinator (once a day at most)."""
    now = timezone.now()
    today = today or timezone.localdate(now)
    rules_ = followup.Rules.of(FollowUpSettings.for_association(mentorship.association_id))
    turned_red = _store_status(mentorship, _status(mentorship, rules_, today), now)
    if turned_red and notify and first_time("pair_red", mentorship.pk, today):
        alert_staff(
            mentorship, "un binôme que vous suivez est passé au rouge : " + _generic(mentorship.colour_reason)
        )
    return turned_red


def _generic(reason: str) -> str:
    """The colour's reason without dates, for an e-mail."""
    return reason.split(" depuis")[0].split(" ;")[0].lower()


def refresh_all_follow_ups(*, now=None, association=None) -> int:
    """Nightly: the passing of time turns pairs orange then red. Returns how many alerts were sent.
    With `association`, only its pairs (after it changed its rules)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    settings_by_association = {s.association_id: followup.Rules.of(s) for s in FollowUpSettings.objects.all()}
    default = followup.Rules()
    concern_since = {
        row["mentorship_id"]: timezone.localdate(row["first"])
        for row in Concern.objects.filter(
            resolved_at__isnull=True, mentorship__state__in=["agreement", "active"]
        )
        .values("mentorship_id")
        .annotate(first=models.Min("raised_at"))
    }
    alerts = 0
    pairs = Mentorship.objects.open()
    if association is not None:
        pairs = pairs.filter(association=association)
    for mentorship in pairs.iterator(chunk_size=500):
        rules_ = settings_by_association.get(mentorship.association_id, default)
        status = _status(mentorship, rules_, today, concern_since.get(mentorship.pk, today))
        if _store_status(mentorship, status, now) and first_time("pair_red", mentorship.pk, today):
            alert_staff(
                mentorship, "un binôme que vous suivez est passé au rouge : " + _generic(status.reason)
            )
            alerts += 1
    return alerts


def pulse_alert(mentorship: Mentorship, *, on: datetime.date) -> None:
    """A mentor's check-in answers fell under the association's threshold: the pair turns orange until the
    next staff contact, and the coordinator is told at once (as the tools in the field do)."""
    Mentorship.objects.filter(pk=mentorship.pk).update(pulse_alert_on=on)
    mentorship.pulse_alert_on = on
    refresh_follow_up(mentorship, notify=False)
    alert_staff(
        mentorship,
        "le questionnaire de suivi d'un mentor signale des difficultés (réponse sous votre seuil) : "
        "rappelez-le",
    )


# --- Review ---------------------------------------------------------------------------------------


@transaction.atomic
def review_record(
    *, mentorship: Mentorship, by, organisation, held_on, participants, youth_opinion, decision, notes=""
) -> Review:
    """The ASE service and the association review the pair with the youth's opinion (art. D.221-40).
    The next review is due a year later (or the département's interval)."""
    mentorship = Mentorship.objects.select_for_update().get(pk=mentorship.pk)
    if mentorship.state != MentorshipState.ACTIVE:
        raise ValidationError("Le bilan porte sur un binôme en cours.")
    if held_on > _today():
        raise ValidationError({"held_on": "Le bilan s'enregistre une fois réalisé."})
    if held_on < mentorship.started_at:
        raise ValidationError({"held_on": "Le bilan ne peut pas précéder le lancement du binôme."})
    if not youth_opinion.strip():
        raise ValidationError({"youth_opinion": "Notez l'avis du jeune : le bilan en tient compte."})
    if decision not in ReviewDecision.values:
        raise ValidationError({"decision": "Indiquez la décision."})
    review = Review.objects.create(
        mentorship=mentorship,
        due_on=mentorship.review_due_on,
        held_on=held_on,
        participants=participants.strip(),
        youth_opinion=youth_opinion.strip(),
        decision=decision,
        notes=notes.strip(),
        recorded_by=by,
        organisation=organisation,
    )
    months = AgreementSettings.for_departement(mentorship.departement_id).review_every_months
    mentorship.review_due_on = add_months(held_on, months)
    mentorship.save(update_fields=["review_due_on", "updated_at"])
    _log(by, organisation, mentorship, "update")
    return review


@transaction.atomic
def project_mention_record(*, mentorship: Mentorship, by, organisation, kind: str, written_on) -> Mentorship:
    """L.221-2-6 III and D.221-38: the mentoring is mentioned in the youth's PPE, or in the PAA of a young
    adult; record which and when."""
    if kind not in ProjectKind.values:
        raise ValidationError({"kind": "Indiquez le projet du jeune : PPE ou PAA."})
    if written_on > _today():
        raise ValidationError({"written_on": "La date ne peut pas être dans le futur."})
    if written_on < timezone.localdate(mentorship.validated_at) - datetime.timedelta(days=1):
        raise ValidationError(
            {"written_on": "Le mentorat s'inscrit dans le projet une fois le binôme validé."}
        )
    mentorship.project_kind = kind
    mentorship.project_written_on = written_on
    mentorship.save(update_fields=["project_kind", "project_written_on", "updated_at"])
    _log(by, organisation, mentorship, "update")
    return mentorship


# --- Closure, reopening, renewal ------------------------------------------------------------------


def frequency_kept(mentorship, ended_on: datetime.date) -> bool | None:
    """Every gap between the launch, the meetings held and the end within the association's rhythm."""
    if not mentorship.started_at:
        return None
    limit = FollowUpSettings.for_association(mentorship.association_id).meeting_every_days
    days = sorted(
        timezone.localdate(at)
        for at in mentorship.meetings.filter(
            kind__in=[MeetingKind.SESSION, MeetingKind.LAUNCH], status=MeetingStatus.HELD
        ).values_list("at", flat=True)
    )
    points = [mentorship.started_at, *[d for d in days if mentorship.started_at <= d <= ended_on], ended_on]
    return all((b - a).days <= limit for a, b in itertools.pairwise(points))


def _release_mentor(mentorship, *, by, may_rematch, reason) -> None:
    mentor = mentorship.mentor
    try:
        mentor = mentor_release_place(mentor=mentor, by=by)
    except ValidationError:
        # No longer ready (honorability or training to renew): free the place, keep the stage decisions
        # to the mentor pathway (the département's confirmation moves a failed mentor out).
        Mentor.objects.filter(pk=mentor.pk, current_pairs__gt=0).update(
            current_pairs=models.F("current_pairs") - 1, updated_at=timezone.now()
        )
        mentor.refresh_from_db()
        if (
            reason != ClosureReason.HONORABILITY
            and mentor.stage == MentorStage.IN_PAIR
            and not mentor.current_pairs
        ):
            mentor_move(
                mentor=mentor,
                stage=MentorStage.PAUSED,
                by=by,
                reason="Fin de son binôme ; contrôle d'honorabilité ou formation à renouveler",
            )
        return
    mentor.refresh_from_db()
    if may_rematch is False and mentor.stage == MentorStage.READY:
        mentor_move(
            mentor=mentor,
            stage=MentorStage.PAUSED,
            by=by,
            reason="À ne pas remettre en binôme sans avis de l'association (clôture d'un binôme)",
        )


@transaction.atomic
def mentorship_close(
    *,
    mentorship: Mentorship,
    by,
    reason: str,
    ended_on: datetime.date | None = None,
    organisation=None,
    objectives_reached: str = "",
    mentor_may_rematch: bool | None = None,
    closing_meeting_on: datetime.date | None = None,
    comment: str = "",
    automatic: bool = False,
    concern_resolutions: dict | None = None,
) -> Closure:
    """Close the pair with a two-level reason. Meetings are counted, the frequency checked, the mentor's
    place freed, the mentor's links stop, and the exit surveys are opened for the youth and the mentor.
    Each concern still open needs what was done about it (`concern_resolutions`: concern id → text),
    except for an automatic closure, which resolves them itself."""
    from binome.surveys.services import exit_surveys_open, pulse_surveys_cancel

    mentorship = (
        Mentorship.objects.select_for_update().select_related("mentor", "youth").get(pk=mentorship.pk)
    )
    _check_open(mentorship)
    ended_on = ended_on or _today()
    errors = {}
    if reason not in ClosureReason.values:
        errors["reason"] = "Indiquez le motif de fin."
    if ended_on > _today():
        errors["ended_on"] = "La clôture s'enregistre le jour de la fin ou après."
    elif ended_on < (mentorship.started_at or timezone.localdate(mentorship.validated_at)):
        errors["ended_on"] = "La fin ne peut pas précéder le début du binôme."
    if closing_meeting_on and (
        closing_meeting_on > _today()
        or (mentorship.started_at and closing_meeting_on < mentorship.started_at)
    ):
        errors["closing_meeting_on"] = "La rencontre de clôture doit avoir eu lieu pendant le binôme."
    if not automatic:
        if mentorship.started_at and objectives_reached not in ObjectivesReached.values:
            errors["objectives_reached"] = (
                "Indiquez si les objectifs sont atteints (ce n'est pas forcément un échec)."
            )
        if mentor_may_rematch is None:
            errors["mentor_may_rematch"] = "Indiquez si le mentor peut être remis en binôme."
    open_concerns = list(mentorship.concerns.filter(resolved_at__isnull=True))
    resolutions = {}
    for concern in open_concerns:
        text = (concern_resolutions or {}).get(concern.pk, "").strip()
        if automatic and not text:
            text = f"Binôme clôturé automatiquement ({ClosureReason(reason).label.lower()})."
        if not text:
            errors[f"concern_{concern.pk}"] = (
                "Une préoccupation est encore ouverte : indiquez ce qui a été fait avant de clôturer."
            )
        resolutions[concern.pk] = text[:500]
    if errors:
        raise ValidationError(errors)
    for concern in open_concerns:
        concern.resolved_at, concern.resolved_by, concern.resolution = (
            timezone.now(),
            by,
            resolutions[concern.pk],
        )
        concern.save(update_fields=["resolved_at", "resolved_by", "resolution", "updated_at"])
    if open_concerns:
        Mentorship.objects.filter(pk=mentorship.pk).update(concern_open=False)
        mentorship.concern_open = False
    if closing_meeting_on:
        Meeting.objects.create(
            mentorship=mentorship,
            kind=MeetingKind.CLOSING,
            status=MeetingStatus.HELD,
            at=timezone.make_aware(datetime.datetime.combine(closing_meeting_on, datetime.time(17, 0))),
            modality=MeetingModality.IN_PERSON,
            recorded_by=by,
        )
    mentorship.meetings.filter(status=MeetingStatus.PLANNED).update(
        status=MeetingStatus.CANCELLED, updated_at=timezone.now()
    )
    refresh_meetings(mentorship)
    kept = frequency_kept(mentorship, ended_on)
    category = REASON_CATEGORY[ClosureReason(reason)]
    closure = Closure.objects.create(
        mentorship=mentorship,
        ended_on=ended_on,
        closing_meeting_on=closing_meeting_on,
        category=category,
        reason=reason,
        objectives_reached=objectives_reached or "",
        meetings_in_person=mentorship.meetings_in_person,
        meetings_remote=mentorship.meetings_remote,
        frequency_kept=kept,
        mentor_may_rematch=mentor_may_rematch,
        comment=comment.strip(),
        automatic=automatic,
        closed_by=by,
    )
    mentorship.state = MentorshipState.CLOSED
    mentorship.ended_at = ended_on
    mentorship.closure_category = category
    mentorship.closure_reason = reason
    mentorship.objectives_reached = objectives_reached or ""
    mentorship.frequency_kept = kept
    mentorship.mentor_may_rematch = mentor_may_rematch
    mentorship.save(
        update_fields=[
            "state",
            "ended_at",
            "closure_category",
            "closure_reason",
            "objectives_reached",
            "frequency_kept",
            "mentor_may_rematch",
            "updated_at",
        ]
    )
    refresh_follow_up(mentorship, notify=False)
    MentorAccess.objects.filter(mentorship=mentorship, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    _release_mentor(mentorship, by=by, may_rematch=mentor_may_rematch, reason=reason)
    pulse_surveys_cancel(mentorship=mentorship)
    if mentorship.started_at:
        exit_surveys_open(mentorship=mentorship, email_mentor=category != ClosureCategory.SAFETY)
    _log(by, organisation or mentorship.association, mentorship, "update")
    return closure


@transaction.atomic
def mentorship_reopen(*, mentorship: Mentorship, by, organisation, reason: str) -> Mentorship:
    """Staff reopen a closed pair (a closure entered by mistake, a pair that starts again). The closure
    stays, marked reopened, with who, when and why."""
    from binome.surveys.services import exit_surveys_cancel

    mentorship = Mentorship.objects.select_for_update().select_related("mentor").get(pk=mentorship.pk)
    if mentorship.state != MentorshipState.CLOSED:
        raise ValidationError("Ce binôme n'est pas clôturé.")
    if not reason.strip():
        raise ValidationError({"reason": "Indiquez pourquoi le binôme est rouvert."})
    if mentorship.renewals.exists():
        raise ValidationError("Ce binôme a été reconduit par un nouveau binôme : rouvrez plutôt celui-ci.")
    if Mentorship.objects.open().filter(youth=mentorship.youth_id).exists():
        raise ValidationError("Ce jeune a déjà un autre binôme en cours.")
    if mentorship.closure_category == ClosureCategory.SAFETY:
        raise ValidationError(
            "Ce binôme a pris fin pour une raison de sécurité : il ne peut pas être rouvert."
        )
    if mentorship.closure_reason == ClosureReason.CONSENT_WITHDRAWN:
        raise ValidationError(
            "Ce binôme a pris fin au retrait d'un consentement : il ne peut reprendre qu'avec une nouvelle "
            "orientation, une fois les consentements recueillis à nouveau."
        )
    blockers = rules.submission_blockers(mentorship.youth)
    if blockers:
        raise ValidationError(
            ["Le dossier du jeune ne remplit plus les conditions : " + blockers[0], *blockers[1:]]
        )
    mentor_take_place(mentor=mentorship.mentor, by=by)
    closure = mentorship.closures.filter(reopened_at__isnull=True).first()
    if closure:
        closure.reopened_at = timezone.now()
        closure.reopened_by = by
        closure.reopen_reason = reason.strip()[:300]
        closure.save(update_fields=["reopened_at", "reopened_by", "reopen_reason", "updated_at"])
    mentorship.state = MentorshipState.ACTIVE if mentorship.started_at else MentorshipState.AGREEMENT
    mentorship.ended_at = None
    mentorship.closure_category = mentorship.closure_reason = mentorship.objectives_reached = ""
    mentorship.frequency_kept = mentorship.mentor_may_rematch = None
    mentorship.save()
    exit_surveys_cancel(mentorship=mentorship)
    refresh_follow_up(mentorship)
    _log(by, organisation, mentorship, "update")
    return mentorship


@transaction.atomic
def mentorship_renew(*, mentorship: Mentorship, by, organisation) -> Mentorship:
    """Reconduction: a new pair with the same youth and mentor, after the previous one ended. It has its
    own agreement and is counted apart from new pairs (`is_renewal`)."""
    previous = Mentorship.objects.select_for_update().select_related("youth", "mentor").get(pk=mentorship.pk)
    if previous.state != MentorshipState.CLOSED:
        raise ValidationError(
            "Un binôme en cours se prolonge par un avenant ; la reconduction suit un binôme clôturé."
        )
    if previous.closure_category == ClosureCategory.SAFETY:
        raise ValidationError(
            "Ce binôme a pris fin pour une raison de sécurité : il ne peut pas être reconduit."
        )
    if previous.renewals.exists():
        raise ValidationError("Ce binôme a déjà été reconduit.")
    blockers = rules.submission_blockers(previous.youth)
    if blockers:
        raise ValidationError(
            ["Le dossier du jeune ne remplit plus les conditions : " + blockers[0], *blockers[1:]]
        )
    mentor_take_place(mentor=previous.mentor, by=by)
    try:
        with transaction.atomic():
            renewal = Mentorship.objects.create(
                association=previous.association,
                coordination=previous.coordination,
                departement=previous.departement,
                youth=previous.youth,
                mentor=previous.mentor,
                referral=previous.referral,
                coordinator=previous.coordinator or by,
                is_renewal=True,
                previous=previous,
                proposed_at=timezone.now(),
                created_by=by,
            )
    except IntegrityError:
        raise ValidationError("Ce jeune a déjà un binôme en cours.") from None
    Agreement.objects.create(mentorship=renewal, created_by=by, **_initial_terms(renewal))
    refresh_follow_up(renewal, notify=False)
    _log(by, organisation, renewal, "create")
    return renewal


@transaction.atomic
def mentorship_rematch(*, mentorship: Mentorship, by, organisation):
    """« Proposer un nouveau mentor »: after a pair closed, its youth waits again for a mentor at the
    association, with the consents and the assessment kept while they are valid. Returns the referral."""
    mentorship = Mentorship.objects.select_for_update().select_related("youth").get(pk=mentorship.pk)
    if mentorship.state != MentorshipState.CLOSED:
        raise ValidationError("Le binôme est en cours : clôturez-le avant de proposer un nouveau mentor.")
    if (
        mentorship.closure_category == ClosureCategory.SAFETY
        and mentorship.closure_reason == ClosureReason.SAFETY
    ):
        raise ValidationError(
            "Ce binôme a pris fin pour la sécurité du jeune : voyez avec son référent avant un nouveau binôme."
        )
    if mentorship.referral is None:
        raise ValidationError(
            "Ce binôme n'a pas d'orientation : le référent ASE en crée une depuis la fiche."
        )
    referral = referral_rematch(referral=mentorship.referral, by=by, organisation=organisation)
    _log(by, organisation, mentorship, "update")
    return referral


# --- The mentor's space ---------------------------------------------------------------------------


def mentor_access_create(*, mentorship: Mentorship, days: int = MENTOR_LINK_DAYS) -> str:
    """A new magic link for the pair's mentor; returns the token (only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    MentorAccess.objects.create(
        mentorship=mentorship,
        token_hash=hash_token(token),
        expires_at=timezone.now() + datetime.timedelta(days=days),
    )
    return token


def mentor_space_url(token: str) -> str:
    return reverse("mentorships:mentor_access", kwargs={"token": token})


@transaction.atomic
def mentor_link_issue(*, mentorship: Mentorship) -> str:
    """The pair's one valid link to the mentor's space: earlier links stop working, so a link
    forwarded or left in an old mailbox does not stay valid for its full life. Every e-mail that
    carries a link (the coordinator's, the meeting reminders, a renewal) takes it from here; a page
    opened from a replaced link says so and offers a fresh one."""
    MentorAccess.objects.filter(mentorship=mentorship, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    return mentor_access_create(mentorship=mentorship)


@transaction.atomic
def mentor_link_send(*, mentorship: Mentorship, by=None, organisation=None) -> None:
    """E-mail the mentor a link to their space (no password); earlier links stop working."""
    _check_open(mentorship)
    token = mentor_link_issue(mentorship=mentorship)
    send_email(
        template="mentor_space_link",
        to=[mentorship.mentor.email],
        context={
            "first_name": mentorship.mentor.first_name,
            "path": mentor_space_url(token),
            "days": MENTOR_LINK_DAYS,
            "association": mentorship.association,
        },
    )
    if by is not None:
        _log(by, organisation, mentorship, "update")


class AccessRefused(Exception):
    def __init__(self, reason: str, access: MentorAccess | None = None):
        super().__init__(reason)
        self.reason = reason  # unknown | expired | replaced (a newer link was sent) | closed
        self.access = access


def mentor_access_check(token: str) -> MentorAccess:
    """The access a token opens, or AccessRefused with why (so the page can explain itself)."""
    access = (
        MentorAccess.objects.select_related("mentorship").filter(token_hash=hash_token(token or "")).first()
    )
    if access is None:
        raise AccessRefused("unknown")
    if access.mentorship.state == MentorshipState.CLOSED:
        raise AccessRefused("closed", access)
    if access.revoked_at:
        raise AccessRefused("replaced", access)
    if access.expires_at <= timezone.now():
        raise AccessRefused("expired", access)
    MentorAccess.objects.filter(pk=access.pk).update(last_used_at=timezone.now())
    return access


def mentor_link_renew(*, access: MentorAccess) -> bool:
    """From an expired or replaced link, send a fresh one to the mentor's address on file (and
    nowhere else), once a day per link: the page can be reloaded without flooding the mailbox."""
    if access.mentorship.state == MentorshipState.CLOSED:
        return False
    if not first_time("mentor_link_renew", access.pk, _today()):
        return False
    mentor_link_send(mentorship=access.mentorship)
    return True


def convention_key_indicators(mentorship) -> list[str]:
    convention = (
        Convention.objects.current()
        .filter(departement=mentorship.departement_id, association=mentorship.association_id)
        .first()
    )
    return list(convention.key_indicators) if convention else []
