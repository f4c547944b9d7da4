"""Daily reminders for the mentor pathway: honorability checks expiring in 60 and 30 days (to the
département and the association), candidates stuck at a step (to the association). Each once."""

import datetime
from collections import defaultdict

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from binome.accounts.models import Membership, Organisation, Role
from binome.mentors.models import ACTIVE_STAGES, Mentor, MentorReminderLog, MentorSettings, MentorStage
from binome.notifications.emails import send_email

EXPIRY_NOTICES = (60, 30)


def _first_time(kind, object_id, due_on) -> bool:
    try:
        with transaction.atomic():
            MentorReminderLog.objects.create(kind=kind, object_id=object_id, due_on=due_on)
    except IntegrityError:
        return False
    return True


def _emails(organisation_id, roles):
    return list(
        Membership.objects.filter(
            organisation_id=organisation_id, role__in=roles, is_active=True, user__is_active=True
        ).values_list("user__email", flat=True)
    )


def send_mentor_reminders(now: datetime.datetime | None = None) -> int:
    now = now or timezone.now()
    today = timezone.localdate(now)
    digests: dict[tuple, list[str]] = defaultdict(list)
    active = [MentorStage.READY, MentorStage.IN_PAIR, MentorStage.PAUSED, MentorStage.VETTING]

    for days in EXPIRY_NOTICES:
        horizon = today + datetime.timedelta(days=days)
        mentors = Mentor.objects.filter(
            stage__in=active, honorability_valid_until__gte=today, honorability_valid_until__lte=horizon
        ).select_related("association")
        for mentor in mentors:
            if not _first_time(f"honorability_{days}", mentor.pk, mentor.honorability_valid_until):
                continue
            line = f"un contrôle d'honorabilité expire dans moins de {days} jours"
            digests[(mentor.association_id, (Role.MANAGER, Role.COORDINATOR), "mentors:list")].append(line)
            for departement_id in (
                Organisation.objects.filter(conventions_as_departement__association=mentor.association_id)
                .values_list("pk", flat=True)
                .distinct()
            ):
                digests[(departement_id, (Role.PILOT,), "mentors:check_list")].append(line)

    # Associations that never opened their settings use the default delay.
    delays = dict(MentorSettings.objects.values_list("association_id", "stale_after_days"))
    default_days = MentorSettings._meta.get_field("stale_after_days").default
    for mentor in Mentor.objects.filter(stage__in=ACTIVE_STAGES):
        limit = now - datetime.timedelta(days=delays.get(mentor.association_id, default_days))
        if mentor.stage_since < limit and _first_time(
            "stale", mentor.pk, timezone.localdate(mentor.stage_since)
        ):
            digests[(mentor.association_id, (Role.MANAGER, Role.COORDINATOR), "mentors:list")].append(
                "une candidature attend à la même étape depuis trop longtemps"
            )

    sent = 0
    for (organisation_id, roles, url_name), lines in digests.items():
        emails = _emails(organisation_id, roles)
        if not emails:
            continue
        counts = defaultdict(int)
        for line in lines:
            counts[line] += 1
        send_email(
            template="pathway_reminder",
            to=emails,
            context={"counts": sorted(counts.items()), "path": reverse(url_name)},
        )
        sent += 1
    return sent
