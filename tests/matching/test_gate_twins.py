"""The legal gate has two forms: `youths.rules.submission_blockers` (one youth, in words, before a
referral is sent) and `matching.pools.gate_open` (a whole pool, in SQL, before a pair is proposed).
They must agree on every fact both check; this test walks each way of closing the gate.

What only the first checks, on purpose: the proposal's outcome and the age band (a referral exists
only once they held; a youth who turns 21 while waiting is archived by the youths' own job)."""

import datetime

import pytest
from django.utils import timezone
from freezegun import freeze_time

from binome.matching.pools import gate_open
from binome.youths.models import ConsentKind, LegalStatus, Youth
from binome.youths.rules import submission_blockers
from binome.youths.services import _refresh_consents, consent_withdraw
from tests.youths.factories import ConsentFactory, YouthFactory

TODAY = datetime.date(2026, 3, 15)


def _archived(youth, world):
    youth.archived_at = timezone.now()
    youth.save(update_fields=["archived_at"])


def _no_assessment(youth, world):
    youth.assessment_date = None
    youth.save(update_fields=["assessment_date"])


def _assessment_against(youth, world):
    youth.assessment_in_interest = False
    youth.save(update_fields=["assessment_in_interest"])


def _assessment_one_year_old(youth, world):
    youth.assessment_date = datetime.date(2025, 3, 15)  # exactly a year: still valid
    youth.save(update_fields=["assessment_date"])


def _assessment_stale(youth, world):
    youth.assessment_date = datetime.date(2025, 3, 14)
    youth.save(update_fields=["assessment_date"])


def _consent_withdrawn(youth, world):
    consent = youth.consents.filter(kind=ConsentKind.PARENT).first()
    consent_withdraw(consent=consent, by=None, organisation=world["departement"])


def _second_holder_missing(youth, world):
    youth.consents.filter(kind=ConsentKind.PARENT).first().delete()
    _refresh_consents(youth)


def _ward_gets_tutor_only(youth, world):
    youth.consents.all().delete()
    youth.legal_status = LegalStatus.WARD
    youth.save(update_fields=["legal_status"])
    ConsentFactory(youth=youth, kind=ConsentKind.YOUTH_ADHESION)
    ConsentFactory(youth=youth, kind=ConsentKind.TUTOR, given_by="M. Martin, tuteur")
    _refresh_consents(youth)


CASES = {
    "ready": (lambda youth, world: None, True),
    "archived": (_archived, False),
    "no assessment": (_no_assessment, False),
    "assessment against mentoring": (_assessment_against, False),
    "assessment exactly one year old": (_assessment_one_year_old, True),
    "assessment older than a year": (_assessment_stale, False),
    "a consent withdrawn": (_consent_withdrawn, False),
    "second parental consent missing": (_second_holder_missing, False),
    "ward with the tutor's consent only": (_ward_gets_tutor_only, False),
}


@freeze_time(TODAY)
@pytest.mark.parametrize("case", CASES)
def test_the_two_forms_of_the_legal_gate_agree(world, case):
    change, expected_open = CASES[case]
    youth = YouthFactory(ase_service=world["ase_service"], ready=True)
    change(youth, world)
    youth.refresh_from_db()

    in_words = submission_blockers(youth) == []
    in_sql = Youth.objects.filter(pk=youth.pk).filter(gate_open(prefix="")).exists()

    assert in_words == expected_open, submission_blockers(youth)
    assert in_sql == expected_open
