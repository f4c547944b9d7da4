"""Daily reminders for the mentor pathway: honorability checks expiring in 60 and 30 days (to the
département and the association), candidates stuck at a step (to the association). Each once."""

import datetime

from django.utils import timezone

from binome.accounts.digests import Digests
from binome.accounts.models import Role
from binome.conventions.models import Convention
from binome.mentors.models import ACTIVE_STAGES, Mentor, MentorSettings, MentorStage
from binome.notifications.reminders import first_time

EXPIRY_NOTICES = (60, 30)
# Who follows the mentors: an association's staff, or an ASE service's referrers for its own (D.221-36).
STAFF = (Role.MANAGER, Role.COORDINATOR, Role.REFERRER)


def send_mentor_reminders(now: datetime.datetime | None = None) -> int:
    now = now or timezone.now()
    today = timezone.localdate(now)
    digests = Digests()
    active = [MentorStage.READY, MentorStage.IN_PAIR, MentorStage.PAUSED, MentorStage.VETTING]

    for days in EXPIRY_NOTICES:
        horizon = today + datetime.timedelta(days=days)
        mentors = Mentor.objects.filter(
            stage__in=active, honorability_valid_until__gte=today, honorability_valid_until__lte=horizon
        ).select_related("association")
        for mentor in mentors:
            if not first_time(f"honorability_{days}", mentor.pk, mentor.honorability_valid_until):
                continue
            line = f"un contrôle d'honorabilité expire dans moins de {days} jours"
            digests.add(mentor.association_id, STAFF, "mentors:list", line)
            departements = (
                [mentor.association.departement_id]  # an ASE service's own mentor (art. D.221-36)
                if mentor.association.is_ase_service
                else Convention.objects.current()
                .filter(association=mentor.association_id)
                .values_list("departement", flat=True)
                .distinct()
            )
            for departement_id in departements:
                digests.add(departement_id, (Role.PILOT,), "mentors:check_list", line)

    # Associations that never opened their settings use the default delay.
    delays = dict(MentorSettings.objects.values_list("association_id", "stale_after_days"))
    default_days = MentorSettings._meta.get_field("stale_after_days").default
    for mentor in Mentor.objects.filter(stage__in=ACTIVE_STAGES):
        limit = now - datetime.timedelta(days=delays.get(mentor.association_id, default_days))
        if mentor.stage_since < limit and first_time(
            "stale", mentor.pk, timezone.localdate(mentor.stage_since)
        ):
            digests.add(
                mentor.association_id,
                STAFF,
                "mentors:list",
                "une candidature attend à la même étape depuis trop longtemps",
            )

    return digests.send()
