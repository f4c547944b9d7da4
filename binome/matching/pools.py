"""Waiting pools read from the database: the youths an association accepted and still waiting for a
mentor, the mentors it may match today, and the pairs that must never be proposed again.

The hard constraints of the pathway are applied here, before any score:
- youth: referral accepted by this association (the accept step checked consents and assessment;
  they are checked again when a proposal is validated);
- mentor: `Mentor.objects.matchable()` (ready, trained as the association requires, honorability
  valid today, a free place);
- pair: never rejected before, never paired before (`excluded`).
The geographic and modality rules are in `scoring.hard_violations` and its vector twin.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from binome.matching.candidates import Columns, columns
from binome.matching.models import MatchingWeights, Proposal, ProposalState
from binome.matching.scoring import Side
from binome.mentors.models import Mentor
from binome.mentorships.models import Mentorship
from binome.utils.dates import years_before
from binome.youths.models import Referral, ReferralState


def youth_side(youth, on=None) -> Side:
    commune = youth.commune
    return Side(
        age=youth.age(on),
        gender=youth.gender,
        latitude=commune.latitude if commune else None,
        longitude=commune.longitude if commune else None,
        modality=youth.modality,
        objectives=frozenset(item.code for item in youth.objectives.all()),
        subjects=frozenset(youth.subjects or ()),
        availability=frozenset(youth.availability or ()),
        interests=youth.interests,
        languages=youth.languages,
        gender_preference=youth.mentor_gender_preference,
    )


def mentor_side(mentor, on=None) -> Side:
    commune = mentor.commune
    return Side(
        age=mentor.age(on),
        gender=mentor.gender,
        latitude=commune.latitude if commune else None,
        longitude=commune.longitude if commune else None,
        modality=mentor.modality,
        objectives=frozenset(mentor.objectives or ()),
        subjects=frozenset(mentor.subjects or ()),
        availability=frozenset(mentor.availability or ()),
        interests=mentor.interests,
        languages=mentor.languages,
        travel_km=mentor.travel_km,
    )


def waiting_referrals(associations, departement=None):
    """Youths whose referral the association accepted and who wait for a mentor."""
    referrals = Referral.objects.filter(state=ReferralState.ACCEPTED, association__in=associations)
    if departement is not None:
        referrals = referrals.filter(departement=departement)
    return referrals.select_related("youth__commune", "association").prefetch_related("youth__objectives")


def gate_open(on=None, prefix: str = "youth__") -> Q:
    """The legal gate on a referral's youth, in SQL: consents complete, a situation assessment of
    less than a year concluding in favour of mentoring, still in the scheme. (`rules.submission_blockers`
    says the same in words, for one youth; `tests/matching/test_gate_twins.py` pins the two together.)
    `prefix`: the path to the youth (empty on `Youth` itself)."""
    on = on or timezone.localdate()
    return Q(
        **{
            f"{prefix}archived_at__isnull": True,
            f"{prefix}consents_complete": True,
            f"{prefix}assessment_in_interest": True,
            f"{prefix}assessment_date__gte": years_before(on, 1),
        }
    )


def matchable_referrals(associations, departement=None):
    return waiting_referrals(associations, departement).filter(gate_open())


def available_mentors(associations):
    return Mentor.objects.matchable().filter(association__in=associations).select_related("commune")


@dataclass
class Pool:
    referrals: list
    mentors: list
    youths: Columns
    mentor_columns: Columns
    capacities: list[int]
    excluded: set
    weights_by_group: dict
    associations: list = field(default_factory=list)
    held: int = 0  # youths already proposed by hand, left out of the calculation

    @property
    def empty(self) -> bool:
        return not self.referrals or not self.mentors


def excluded_pairs(youth_ids, mentor_ids) -> set[tuple]:
    """(youth id, mentor id) pairs never to propose again: rejected, or paired before."""
    rejected = Proposal.objects.filter(
        Q(state=ProposalState.REJECTED) | Q(state=ProposalState.ACCEPTED),
        youth_id__in=youth_ids,
        mentor_id__in=mentor_ids,
    ).values_list("youth_id", "mentor_id")
    paired = Mentorship.objects.filter(youth_id__in=youth_ids, mentor_id__in=mentor_ids).values_list(
        "youth_id", "mentor_id"
    )
    return set(rejected) | set(paired)


def load_pool(associations, departement=None) -> Pool:
    associations = list(associations)
    group_of = {a.pk: i for i, a in enumerate(associations)}
    today = timezone.localdate()
    # Pairs proposed by hand and still pending keep their youth and their mentor's place.
    hand_made = Proposal.objects.pending().filter(association__in=associations, batch__isnull=True)
    held_youths = set(hand_made.values_list("youth_id", flat=True))
    held_places = Counter(hand_made.values_list("mentor_id", flat=True))
    referrals = [
        r
        for r in matchable_referrals(associations, departement).order_by("accepted_at")
        if r.youth_id not in held_youths
    ]
    mentors = [
        m
        for m in available_mentors(associations).order_by("last_name", "first_name")
        if m.capacity - m.current_pairs - held_places[m.pk] > 0
    ]
    youth_cols, mentor_cols = columns(
        [youth_side(r.youth, today) for r in referrals],
        [group_of[r.association_id] for r in referrals],
        [mentor_side(m, today) for m in mentors],
        [group_of[m.association_id] for m in mentors],
    )
    youth_index = {r.youth_id: i for i, r in enumerate(referrals)}
    mentor_index = {m.pk: i for i, m in enumerate(mentors)}
    excluded = {
        (youth_index[y], mentor_index[m]) for y, m in excluded_pairs(list(youth_index), list(mentor_index))
    }
    return Pool(
        referrals=referrals,
        mentors=mentors,
        youths=youth_cols,
        mentor_columns=mentor_cols,
        capacities=[m.capacity - m.current_pairs - held_places[m.pk] for m in mentors],
        excluded=excluded,
        weights_by_group={
            group_of[a.pk]: MatchingWeights.for_organisation(a).as_dict() for a in associations
        },
        associations=associations,
        held=len(held_youths),
    )
