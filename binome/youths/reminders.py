"""Daily reminders on files with no news. Each reminder is sent once (ReminderLog), as one digest
per recipient; subjects and bodies name no youth, only counts and a link."""

import datetime
from collections import defaultdict

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from binome.accounts.models import Membership, Organisation, Role
from binome.notifications.emails import send_email
from binome.utils.dates import one_year_after, years_before
from binome.youths.models import (
    EventKind,
    PathwaySettings,
    ProposalOutcome,
    Referral,
    ReferralState,
    ReminderLog,
    Youth,
)
from binome.youths.services import record_event

ASSESSMENT_NOTICE_DAYS = 30


def _first_time(kind: str, object_id, due_on: datetime.date) -> bool:
    try:
        with transaction.atomic():
            ReminderLog.objects.create(kind=kind, object_id=object_id, due_on=due_on)
    except IntegrityError:
        return False
    return True


def _emails(organisation, roles):
    return list(
        Membership.objects.filter(
            organisation=organisation, role__in=roles, is_active=True, user__is_active=True
        ).values_list("user__email", flat=True)
    )


def send_pathway_reminders(now: datetime.datetime | None = None) -> int:
    """Returns the number of e-mails queued."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    digests: dict[tuple, list[str]] = defaultdict(list)  # (organisation id, roles, url name) -> lines

    for departement in Organisation.objects.departements().filter(is_active=True):
        settings = PathwaySettings.for_departement(departement)
        referrals = Referral.objects.filter(departement=departement).select_related("youth")
        answer_limit = now - datetime.timedelta(days=settings.accept_delay_days)
        for referral in referrals.filter(state=ReferralState.ROUTED, routed_at__lt=answer_limit):
            due = timezone.localdate(referral.routed_at) + datetime.timedelta(days=settings.accept_delay_days)
            if _first_time("referral_answer", referral.pk, due):
                digests[(referral.association_id, (Role.MANAGER, Role.COORDINATOR), "youths:inbox")].append(
                    "une orientation attend votre réponse"
                )
                record_event(referral.youth, EventKind.REMINDER, detail="Relance de l'association (réponse)")
        match_limit = now - datetime.timedelta(days=settings.match_delay_days)
        for referral in referrals.filter(state=ReferralState.ACCEPTED, accepted_at__lt=match_limit):
            due = timezone.localdate(referral.accepted_at) + datetime.timedelta(
                days=settings.match_delay_days
            )
            if _first_time("referral_match", referral.pk, due):
                digests[(referral.association_id, (Role.MANAGER, Role.COORDINATOR), "youths:inbox")].append(
                    "un jeune accepté attend toujours son binôme"
                )
                record_event(referral.youth, EventKind.REMINDER, detail="Relance de l'association (binôme)")

        youths = Youth.objects.filter(
            departement=departement, archived_at__isnull=True, proposal_outcome=ProposalOutcome.ACCEPTED
        )
        consent_limit = today - datetime.timedelta(days=settings.consent_delay_days)
        for youth in youths.filter(consents_complete=False, proposal_date__lt=consent_limit):
            due = youth.proposal_date + datetime.timedelta(days=settings.consent_delay_days)
            if _first_time("consents", youth.pk, due):
                digests[(youth.ase_service_id, (Role.REFERRER,), "youths:list")].append(
                    "des consentements manquent encore pour un jeune"
                )
                record_event(youth, EventKind.REMINDER, detail="Relance du service (consentements)")
        soon = years_before(today + datetime.timedelta(days=ASSESSMENT_NOTICE_DAYS), 1)
        for youth in youths.filter(assessment_date__lte=soon).exclude(referrals__state=ReferralState.MATCHED):
            if _first_time("assessment", youth.pk, one_year_after(youth.assessment_date)):
                digests[(youth.ase_service_id, (Role.REFERRER,), "youths:list")].append(
                    "une évaluation de situation arrive à échéance ou est dépassée"
                )
                record_event(youth, EventKind.REMINDER, detail="Relance du service (évaluation annuelle)")

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
