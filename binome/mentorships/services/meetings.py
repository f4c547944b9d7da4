"""The launch meeting that starts the pair, the pair's meetings and the staff's follow-up contacts."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from binome.mentors.services import readiness_problems
from binome.mentorships import followup
from binome.mentorships.models import (
    MENTORSHIP_LIFECYCLE,
    AgreementSettings,
    FollowUpContact,
    Meeting,
    MeetingKind,
    MeetingModality,
    MeetingStatus,
    Mentorship,
    MentorshipState,
    Party,
)
from binome.mentorships.services.agreements import current_agreement
from binome.mentorships.services.colour import refresh_follow_up
from binome.mentorships.services.common import _check_open, _log, _today, store_shown
from binome.utils.months import add_months_same_day
from binome.youths import rules


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
    MENTORSHIP_LIFECYCLE.check(
        mentorship.state,
        "launch",
        "Ce binôme est déjà lancé." if mentorship.is_open else "Ce binôme est clôturé.",
    )
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
    review_months = AgreementSettings.for_organisation(mentorship.departement_id).review_every_months
    mentorship.state = MentorshipState.ACTIVE
    mentorship.started_at = started
    mentorship.launch_objectives = objectives.strip()
    # One planned end: the agreement's, as signed (amendments move it).
    mentorship.planned_end_on = current_agreement(mentorship).end_on
    mentorship.review_due_on = add_months_same_day(started, review_months)
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
    refresh_meetings(mentorship)  # the launch meeting is the pair's first: its last meeting date
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
    values = {
        "meetings_in_person": counts.get(MeetingModality.IN_PERSON, 0),
        "meetings_remote": counts.get(MeetingModality.REMOTE, 0),
        "last_meeting_on": timezone.localdate(last) if last else None,
    }
    # Compared with the row, not the instance, which a caller may hold from before another write.
    stored = Mentorship.objects.filter(pk=mentorship.pk).values(*values).first()
    if stored is not None and stored != values:
        store_shown(mentorship, **values)
    else:
        for name, value in values.items():
            setattr(mentorship, name, value)


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
