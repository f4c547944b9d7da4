"""The demo's pairs: 18 months of history, every state and colour, consistent dates, idempotent."""

import datetime

from django.db.models import Count
from django.utils import timezone

from binome.audit.models import AccessLog
from binome.demo.builders import build_departement, build_partners, build_people
from binome.demo.pairs import build_pairs
from binome.mentors.models import MentorStage
from binome.mentorships import services
from binome.mentorships.models import Closure, ClosureCategory, Meeting, Mentorship, Signature
from binome.surveys.models import SurveyAnswer
from binome.youths.models import ReferralState


def test_the_demo_pairs(db, mailoutbox):
    world = build_departement()
    build_partners(world)
    build_people(world)
    added = build_pairs(world)
    assert added >= 40
    now = timezone.now()
    today = timezone.localdate()
    pairs = Mentorship.objects.all()

    by_state = {}
    for state, colour in pairs.values_list("state", "colour"):
        by_state.setdefault(state, set()).add(colour)
    assert by_state == {
        "agreement": {"green", "orange", "red"},
        "active": {"green", "orange", "red"},
        "closed": {""},
    }
    assert set(pairs.filter(state="closed").values_list("closure_category", flat=True)) == set(
        ClosureCategory.values
    )
    assert pairs.filter(is_renewal=True, previous__isnull=False).exists()
    assert Closure.objects.filter(reopened_at__isnull=False).exists()
    assert pairs.filter(concern_open=True, colour="red").exists()
    assert pairs.filter(extension_count__gte=1).exists()
    assert any(p.review_overdue() for p in pairs.filter(state="active"))
    assert pairs.filter(state="active", reviews__isnull=False).exists()
    assert min(pairs.values_list("validated_at", flat=True)) < now - datetime.timedelta(days=500)
    per_association = dict(pairs.values_list("association__name").annotate(n=Count("pk")))
    assert len(per_association) == 3 and max(per_association.values()) <= 32

    # The services kept everything consistent; the backdating kept it in order.
    for pair in pairs.select_related("mentor", "referral"):
        assert pair.referral.state == ReferralState.MATCHED
        if pair.is_open:
            assert pair.mentor.stage == MentorStage.IN_PAIR
        if pair.started_at:
            assert pair.agreements.get(number=0).completed_at is not None
            assert (
                not Signature.objects.filter(agreement__mentorship=pair, signed_on__gt=pair.started_at)
                .filter(agreement__number=0)
                .exists()
            )
            assert pair.validated_at.date() <= pair.started_at
        if pair.ended_at:
            held = Meeting.objects.filter(mentorship=pair, status="held", kind="session")
            assert not held.filter(at__date__gt=pair.ended_at).exists()
        events = list(pair.mentor.events.order_by("at", "pk"))
        moves = [e for e in events if e.stage]
        assert (moves[-1].stage, moves[-1].at) == (pair.mentor.stage, pair.mentor.stage_since)
    assert not Meeting.objects.filter(status="held", at__gt=now).exists()
    assert not AccessLog.objects.filter(at__gt=now).exists()
    assert not pairs.filter(colour_since__gt=now).exists()
    assert pairs.filter(state="active", last_meeting_on__lt=today - datetime.timedelta(days=42)).exists()
    assert SurveyAnswer.objects.filter(response__kind="exit", question="self_confidence").exists()
    assert Meeting.objects.filter(status="planned", at__gt=now).exists()
    assert not pairs.filter(meetings_in_person__lt=0).exists()
    assert set(
        pairs.filter(state="closed", started_at__isnull=False).values_list("frequency_kept", flat=True)
    ) >= {True}

    # The past sent nothing, and tonight's job finds the colours already right.
    assert mailoutbox == []
    assert services.refresh_all_follow_ups() == 0
    assert build_pairs(world) == 0
