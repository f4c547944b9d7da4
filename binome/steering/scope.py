"""Whose figures: a steering scope (national, a département, an association, a territory) and the
rows of each model that belong to it."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from binome.accounts.models import Organisation
from binome.conventions.models import Convention
from binome.mentors.models import Mentor
from binome.mentorships.models import Mentorship
from binome.youths.models import Referral, Youth


@dataclass(frozen=True)
class Scope:
    """Whose figures: everything (national), a département, an association (all its départements,
    or one), optionally narrowed to a territory of the département."""

    departement: Organisation | None = None
    association: Organisation | None = None
    territory: Any = None  # territories.Territory

    @property
    def kind(self) -> str:
        if self.association is not None:
            return "association"
        if self.departement is not None:
            return "departement"
        return "national"

    @property
    def label(self) -> str:
        parts = [str(org) for org in (self.departement, self.association, self.territory) if org is not None]
        return " — ".join(parts) or "France entière"

    def pair_q(self, prefix: str = "") -> Q:
        """The scope's pairs, as a condition on Mentorship (`prefix`: the path to it from another model)."""
        q = Q()
        if self.departement is not None:
            q &= Q(**{f"{prefix}departement": self.departement})
        if self.association is not None:
            q &= Q(**{f"{prefix}association": self.association})
        if self.territory is not None:
            q &= Q(**{f"{prefix}youth__territory": self.territory})
        return q

    def pairs(self):
        return Mentorship.objects.filter(self.pair_q())

    def referrals(self):
        q = Q()
        if self.departement is not None:
            q &= Q(departement=self.departement)
        if self.association is not None:
            q &= Q(association=self.association)
        if self.territory is not None:
            q &= Q(youth__territory=self.territory)
        return Referral.objects.filter(q)

    def youths(self):
        """The youths the legal obligation counts: a département's or a territory's. An association
        answers for the youths referred to it, not for the obligation: None."""
        if self.association is not None:
            return None
        q = Q()
        if self.departement is not None:
            q &= Q(departement=self.departement)
        if self.territory is not None:
            q &= Q(territory=self.territory)
        return Youth.objects.filter(q)

    def association_q(self, prefix: str = "") -> Q | None:
        """What belongs to an association rather than to a pair (mentors, collective activities): the
        association's, or those of the associations under convention with the département. None when
        narrowed to a territory: such figures cannot be split by territory."""
        if self.territory is not None:
            return None
        if self.association is not None:
            return Q(**{f"{prefix}association": self.association})
        if self.departement is not None:
            # A list rather than a subquery: the planner then reads the few associations' rows by index.
            partners = list(
                Convention.objects.filter(departement=self.departement)
                .values_list("association", flat=True)
                .distinct()
            )
            return Q(**{f"{prefix}association__in": partners})
        return Q()

    def mentors(self):
        q = self.association_q()
        return None if q is None else Mentor.objects.filter(q)
