"""Daily reminders on files with no news. Each reminder is sent once (ReminderLog), as one digest
per recipient; subjects and bodies name no youth, only counts and a link."""

import datetime

from django.utils import timezone

from binome.accounts.digests import Digests
from binome.accounts.models import Organisation, Role
from binome.notifications.reminders import first_time
from binome.utils.dates import one_year_after, years_before
from binome.youths.models import (
    EventKind,
    PathwaySettings,
    ProposalOutcome,
    ReferralState,
    Youth,
)
from binome.youths.queries import late_consents, late_referrals
from binome.youths.services import record_event

ASSESSMENT_NOTICE_DAYS = 30
# Blocked-file kind → (reminder kind, digest line, timeline detail)
REFERRAL_REMINDERS = {
    "no_answer": (
        "referral_answer",
        "une orientation attend votre réponse",
        "Relance de l'association (réponse)",
    ),
    "not_matched": (
        "referral_match",
        "un jeune accepté attend toujours son binôme",
        "Relance de l'association (binôme)",
    ),
}


def send_pathway_reminders(now: datetime.datetime | None = None) -> int:
    """Returns the number of e-mails queued."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    digests = Digests()

    for departement in Organisation.objects.departements().filter(is_active=True):
        settings = PathwaySettings.for_organisation(departement)
        for delay, referral, since in late_referrals(departement, settings, now, kinds=REFERRAL_REMINDERS):
            kind, line, detail = REFERRAL_REMINDERS[delay.kind]
            due = since + datetime.timedelta(days=getattr(settings, delay.settings_field))
            if first_time(kind, referral.pk, due):
                digests.add(referral.association_id, (Role.MANAGER, Role.COORDINATOR), "youths:inbox", line)
                record_event(referral.youth, EventKind.REMINDER, detail=detail)
        for youth in late_consents(departement, settings, today):
            due = youth.proposal_date + datetime.timedelta(days=settings.consent_delay_days)
            if first_time("consents", youth.pk, due):
                digests.add(
                    youth.ase_service_id,
                    (Role.REFERRER,),
                    "youths:list",
                    "des consentements manquent encore pour un jeune",
                )
                record_event(youth, EventKind.REMINDER, detail="Relance du service (consentements)")
        youths = Youth.objects.filter(
            departement=departement, archived_at__isnull=True, proposal_outcome=ProposalOutcome.ACCEPTED
        )
        soon = years_before(today + datetime.timedelta(days=ASSESSMENT_NOTICE_DAYS), 1)
        for youth in youths.filter(assessment_date__lte=soon).exclude(referrals__state=ReferralState.MATCHED):
            if first_time("assessment", youth.pk, one_year_after(youth.assessment_date)):
                digests.add(
                    youth.ase_service_id,
                    (Role.REFERRER,),
                    "youths:list",
                    "une évaluation de situation arrive à échéance ou est dépassée",
                )
                record_event(youth, EventKind.REMINDER, detail="Relance du service (évaluation annuelle)")

    return digests.send()
