"""Which association should receive a referral: the convention's scope decides, then the load.

Each current convention declares territories, objectives, modalities, an age range and a capacity.
An association fits when the youth is inside every declared scope and it has room; among those that
fit, more shared objectives and more free capacity rank higher. The département's pilot sees the
ranking with its reasons, and may let the platform route on its own (PathwaySettings.auto_routing).
"""

from dataclasses import dataclass, field

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from binome.conventions.models import Convention
from binome.utils.choices import Modality
from binome.youths.models import Referral, ReferralState

# What uses a place at an association: a youth it was sent or accepted and is matching, and a youth in a
# pair still open (to sign, signed or launched). A matched youth whose pair closed frees the place.
WAITING_STATES = (ReferralState.ROUTED, ReferralState.ACCEPTED)
# The states of an open pair (mentorships.models.OPEN_STATES, which youths sits below and does not
# import; tests/test_architecture.py pins that they agree).
PAIR_OPEN_STATES = ("agreement", "active")


def load_of(departement):
    """The association's youths at the same time in `departement`, for an annotation on conventions:
    referrals routed or accepted, and matched referrals whose pair is still open. One subquery."""
    in_open_pair = Exists(Referral.objects.filter(pk=OuterRef("pk"), mentorships__state__in=PAIR_OPEN_STATES))
    used = (
        Referral.objects.filter(association=OuterRef("association"), departement=departement)
        .filter(Q(state__in=WAITING_STATES) | (Q(state=ReferralState.MATCHED) & in_open_pair))
        .order_by()
        .values("association")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(used, output_field=IntegerField()), 0)


@dataclass
class Suggestion:
    convention: Convention
    fits: bool
    score: float
    reasons: list[str] = field(default_factory=list)
    load: int = 0

    @property
    def association(self):
        return self.convention.association


def suggestions(referral: Referral) -> list[Suggestion]:
    youth = referral.youth
    age = youth.age()
    youth_objectives = set(youth.objectives.values_list("pk", flat=True))
    declined = set(referral.declined_by_associations.values_list("pk", flat=True))
    conventions = (
        Convention.objects.current()
        .filter(departement=referral.departement, association__is_active=True)
        .select_related("association")
        .prefetch_related("territories", "routing_objectives")
        .annotate(load=load_of(referral.departement))
    )
    result = []
    for convention in conventions:
        fits, score, reasons = True, 0.0, []
        if convention.association_id in declined:
            fits = False
            reasons.append("a déjà refusé cette orientation")
        if not convention.age_min <= age <= convention.age_max:
            fits = False
            reasons.append(f"accompagne les {convention.age_min}–{convention.age_max} ans")
        territories = {t.pk for t in convention.territories.all()}
        if territories:
            if youth.territory_id in territories:
                score += 2
                reasons.append("couvre le territoire du jeune")
            else:
                fits = False
                reasons.append("ne couvre pas le territoire du jeune")
        else:
            reasons.append("couvre tout le département")
        objectives = {o.pk for o in convention.routing_objectives.all()}
        if objectives and youth_objectives:
            shared = len(objectives & youth_objectives)
            if shared:
                score += shared
                reasons.append(f"{shared} objectif{'s' if shared > 1 else ''} en commun")
            else:
                fits = False
                reasons.append("aucun objectif en commun")
        modalities = set(convention.modalities or [])
        if (
            modalities
            and youth.modality
            and youth.modality != Modality.HYBRID
            and youth.modality not in modalities
        ):
            fits = False
            reasons.append(f"ne propose pas le mentorat {Modality(youth.modality).label.lower()}")
        if convention.capacity is not None:
            free = convention.capacity - convention.load
            if free <= 0:
                fits = False
                reasons.append("capacité atteinte")
            else:
                score += free / convention.capacity
                reasons.append(f"{free} place{'s' if free > 1 else ''} disponible{'s' if free > 1 else ''}")
        result.append(Suggestion(convention, fits, score, reasons, convention.load))
    result.sort(key=lambda s: (not s.fits, -s.score, s.association.name))
    return result


def best_association(referral: Referral) -> Suggestion | None:
    ranked = suggestions(referral)
    return ranked[0] if ranked and ranked[0].fits else None
