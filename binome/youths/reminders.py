"""Daily reminders on files with no news. Each reminder is sent once (ReminderLog), as one digest
per recipient; subjects and bodies name no youth, only counts and a link."""

import datetime

from django.utils import timezone

from binome.accounts.models import Organisation, Role
from binome.notifications.reminders import Digests, first_time
from binome.utils.dates import one_year_after, years_before
from binome.youths.models import (
    EventKind,
    PathwaySettings,
    ProposalOutcome,
    Referral,
    ReferralState,
    Youth,
)
from binome.youths.services import record_event

ASSESSMENT_NOTICE_DAYS = 30


def send_pathway_reminders(now: datetime.datetime | None = None) -> int:
    """Returns the number of e-mails queued."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    digests = Digests()

    for departement in Organisation.objects.departements().filter(is_active=True):
        settings = PathwaySettings.for_departement(departement)
        referrals = Referral.objects.filter(departement=departement).select_related("youth")
        answer_limit = now - datetime.timedelta(days=settings.accept_delay_days)
        for referral in referrals.filter(state=ReferralState.ROUTED, routed_at__lt=answer_limit):
            due = timezone.localdate(referral.routed_at) + datetime.timedelta(days=settings.accept_delay_days)
            if first_time("referral_answer", referral.pk, due):
                digests.add(
                    referral.association_id,
                    (Role.MANAGER, Role.COORDINATOR),
                    "youths:inbox",
                    "une orientation attend votre réponse",
                )
                record_event(referral.youth, EventKind.REMINDER, detail="Relance de l'association (réponse)")
        match_limit = now - datetime.timedelta(days=settings.match_delay_days)
        for referral in referrals.filter(state=ReferralState.ACCEPTED, accepted_at__lt=match_limit):
            due = timezone.localdate(referral.accepted_at) + datetime.timedelta(
                days=settings.match_delay_days
            )
            if first_time("referral_match", referral.pk, due):
                digests.add(
                    referral.association_id,
                    (Role.MANAGER, Role.COORDINATOR),
                    "youths:inbox",
                    "un jeune accepté attend toujours son binôme",
                )
                record_event(referral.youth, EventKind.REMINDER, detail="Relance de l'association (binôme)")

        youths = Youth.objects.filter(
            departement=departement, archived_at__isnull=True, proposal_outcome=ProposalOutcome.ACCEPTED
        )
        consent_limit = today - datetime.timedelta(days=settings.consent_delay_days)
        for youth in youths.filter(consents_complete=False, proposal_date__lt=consent_limit):
            due = youth.proposal_date + datetime.timedelta(days=settings.consent_delay_days)
            if first_time("consents", youth.pk, due):
                digests.add(
                    youth.ase_service_id,
                    (Role.REFERRER,),
                    "youths:list",
                    "des consentements manquent encore pour un jeune",
                )
                record_event(youth, EventKind.REMINDER, detail="Relance du service (consentements)")
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
