"""Daily reminders of the pair lifecycle. Each is claimed in `ReminderLog` before it leaves, so a restart,
a second worker or a second run the same day never sends it twice.

- the mentor, the day before a planned meeting, and the day after one still marked « planned »;
- the pulse survey, 30 days after the start then every 60 days (mentor by e-mail, youth by the coordinator);
- the annual review, 30 days before it is due and once overdue (association and ASE service).
The coordinator's alerts (a pair turning red, a concern) leave at once from the services."""

import datetime

from django.utils import timezone

from binome.accounts.digests import Digests
from binome.accounts.models import Role
from binome.accounts.perms import ASSOCIATION_ROLES
from binome.mentorships.models import Meeting, MeetingStatus, Mentorship, MentorshipState
from binome.mentorships.services import mentor_link_issue, mentor_space_url
from binome.notifications.emails import send_email
from binome.notifications.reminders import first_time
from binome.surveys.models import Respondent
from binome.surveys.services import pulse_due_on, pulse_open

REVIEW_NOTICE_DAYS = 30
STAFF = ASSOCIATION_ROLES


def _mentor_mail(meeting, template, day):
    mentorship = meeting.mentorship
    token = mentor_link_issue(mentorship=mentorship)
    send_email(
        template=template,
        to=[mentorship.mentor.email],
        context={
            "first_name": mentorship.mentor.first_name,
            "at": timezone.localtime(meeting.at),
            "path": mentor_space_url(token),
            "association": mentorship.association,
        },
    )


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def send_pair_reminders(now: datetime.datetime | None = None) -> int:
    """Returns how many e-mails left."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    sent = 0
    planned = Meeting.objects.filter(
        status=MeetingStatus.PLANNED,
        mentorship__state__in=[MentorshipState.AGREEMENT, MentorshipState.ACTIVE],
    ).select_related("mentorship__mentor", "mentorship__association")

    tomorrow = today + datetime.timedelta(days=1)
    window = (_start_of(today - datetime.timedelta(days=7)), _start_of(today + datetime.timedelta(days=2)))
    for meeting in planned.filter(at__gte=window[0], at__lt=window[1]):
        day = timezone.localdate(meeting.at)
        if day == tomorrow and first_time("meeting_before", meeting.pk, day):
            _mentor_mail(meeting, "meeting_before", day)
            sent += 1
        elif (
            meeting.mentorship.state == MentorshipState.ACTIVE
            and today - datetime.timedelta(days=7) <= day < today
            and first_time("meeting_after", meeting.pk, day)
        ):
            _mentor_mail(meeting, "meeting_after", day)
            sent += 1

    digests = Digests()
    active = Mentorship.objects.filter(state=MentorshipState.ACTIVE).select_related(
        "mentor", "association", "youth"
    )
    for mentorship in active:
        due = pulse_due_on(mentorship.started_at, today) if mentorship.started_at else None
        if due is not None:
            created = pulse_open(mentorship=mentorship, due_on=due)
            sent += sum(1 for r in created if r.respondent == Respondent.MENTOR)
            if any(r.respondent == Respondent.YOUTH for r in created):
                digests.add(
                    mentorship.association_id,
                    STAFF,
                    "mentorships:portfolio",
                    "un questionnaire d'étape est à recueillir auprès d'un jeune",
                )
        review = mentorship.review_due_on
        if review is None:
            continue
        if today <= review <= today + datetime.timedelta(days=REVIEW_NOTICE_DAYS):
            if first_time("review_soon", mentorship.pk, review):
                line = "un bilan annuel de binôme est dû dans moins de 30 jours"
                digests.add(mentorship.association_id, STAFF, "mentorships:portfolio", line)
                digests.add(mentorship.youth.ase_service_id, (Role.REFERRER,), "mentorships:portfolio", line)
        elif review < today and first_time("review_overdue", mentorship.pk, review):
            line = "un bilan annuel de binôme est en retard"
            digests.add(mentorship.association_id, STAFF, "mentorships:portfolio", line)
            digests.add(mentorship.youth.ase_service_id, (Role.REFERRER,), "mentorships:portfolio", line)
    return sent + digests.send()
