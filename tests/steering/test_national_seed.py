"""The synthetic France used by the benchmarks, built at a small fraction: its rows keep the rules the
indicators rely on, and the national roll-up adds up."""

import pytest
from django.core.management import call_command
from django.db.models import Count, F, Q

from bench.national import PREFIX, build_national
from binome.accounts.models import Organisation
from binome.mentorships.models import Meeting, Mentorship
from binome.steering.indicators import Scope, figures, national_rollup
from binome.steering.periods import Period
from binome.utils.dates import years_before
from binome.youths.models import Referral, Youth

PERIOD = Period.month(2026, 3)


@pytest.fixture
def france(db):
    return build_national(fraction=0.002, log=lambda *a: None)


def test_volumes_follow_the_fraction(france):
    assert Organisation.objects.departements().filter(name__startswith=PREFIX).count() == 4
    assert Youth.objects.count() == 600
    assert 480 <= Mentorship.objects.count() <= 500
    assert 4000 <= Meeting.objects.filter(status="held").count() <= 8000
    assert france.rows["youths_youth"] == 600


def test_rows_keep_the_rules_of_the_services(france):
    # One open pair per youth at most; renewals follow a closed pair of the same youth.
    open_pairs = (
        Mentorship.objects.filter(state__in=["agreement", "active"]).values("youth").annotate(n=Count("pk"))
    )
    assert max(row["n"] for row in open_pairs) == 1
    for pair in Mentorship.objects.filter(is_renewal=True).select_related("previous"):
        assert pair.previous.youth_id == pair.youth_id and pair.previous.ended_at is not None
        assert pair.previous.ended_at <= pair.validated_at.date()
    assert not Mentorship.objects.filter(state="closed", ended_at__isnull=True).exists()
    assert not Mentorship.objects.filter(referral_accepted_at__gt=F("validated_at")).exists()
    # A youth in a pair has a matched referral; pairs stay in their youth's département.
    matched = set(Referral.objects.filter(state="matched").values_list("youth", flat=True))
    assert set(Mentorship.objects.values_list("youth", flat=True)) <= matched
    assert not Mentorship.objects.exclude(departement=F("youth__departement")).exists()
    # Meeting counts kept on the pair are the held meetings.
    pair = Mentorship.objects.annotate(held=Count("meetings", filter=Q(meetings__status="held"))).first()
    assert pair.held == pair.meetings_in_person + pair.meetings_remote


def test_national_rollup_adds_up_to_the_national_scope(france):
    rows = national_rollup(PERIOD)
    (national,) = figures(Scope(), [PERIOD])
    assert len(rows) == 4
    assert sum(r["pairs_followed"] for r in rows) == national["pairs_followed"] > 0
    # In care on the period's last day (archived later or never), aged 11 to 17 then.
    in_care = Youth.objects.filter(Q(archived_at__isnull=True) | Q(archived_at__gte=PERIOD.end_before))
    minors = in_care.filter(birth_date__gt=years_before(PERIOD.end, 18)).filter(
        Q(birth_date__lte=years_before(PERIOD.end, 11)) | Q(school_level__code="6e")
    )
    assert sum(r["coverage_due"] for r in rows) == minors.count()


def test_seed_refuses_to_build_twice(france, capsys):
    call_command("seed_demo", "--scale", "national", "--fraction", "0.002")
    assert "existe déjà" in capsys.readouterr().out
