"""One small world with an object of each kind, and the pages of the permission matrix that each role
may open, with their arguments filled from it: the every-page tests (titles, French, axe) walk them.

Names and months start with a vowel on purpose (Inès, Yanis, octobre, août): « de » must elide."""

import datetime
import uuid

from django.db.models import Q
from django.urls import reverse

from binome.accounts.models import Membership, Role
from binome.accounts.perms import POLICIES
from binome.accounts.urlwalk import walk
from binome.conventions.models import Convention
from binome.mentors.models import Mentor
from binome.mentorships.models import Agreement, Mentorship
from binome.references.models import ReferenceItem
from binome.reporting.models import AssociationReport, ReportingPeriod
from binome.territories.models import Territory
from binome.youths.models import Referral, Youth
from tests.mentors.factories import MentorFactory
from tests.mentorships.factories import validated_pair
from tests.reporting.factories import AssociationReportFactory, ReportingPeriodFactory
from tests.youths.factories import ReferralFactory, TerritoryFactory, YouthFactory

# Pages that end the session or leave the platform: not pages to look at.
LEAVING = ("deconnexion", "quitter", "proconnect")

ROLES = [Role.PILOT, Role.VIEWER, Role.MANAGER, Role.COORDINATOR, Role.REFERRER]


def build(world, coordinator):
    """Inès's pair with Yanis; a youth waiting for routing; reports for octobre and août."""
    mentor = MentorFactory(
        association=world["association"], ready=True, first_name="Yanis", last_name="Aubert"
    )
    pair = validated_pair(world, coordinator, mentor=mentor, first_name="Inès", last_name="Ollivier")
    waiting = YouthFactory(
        ready=True, ase_service=world["ase_service"], first_name="Adèle", last_name="Ibanez"
    )
    ReferralFactory(youth=waiting, submitted=True)
    TerritoryFactory(departement=world["departement"], name="Territoire d'Ancenis")
    for month in (datetime.date(2026, 10, 1), datetime.date(2026, 8, 1)):
        period = ReportingPeriodFactory(departement=world["departement"], month=month)
        AssociationReportFactory(period=period, association=world["association"])
    return pair


def _first(queryset):
    item = queryset.first()
    return item.pk if item else None


def _values(membership):
    """kwarg name → a value the membership may open (None: nothing of that kind for it)."""
    organisation = membership.organisation
    pairs = Mentorship.objects.visible_to(membership)
    youths = Youth.objects.visible_to(membership)
    return {
        "youth_id": _first(youths.order_by("first_name")),
        "referral_id": _first(
            Referral.objects.filter(Q(youth__in=youths) | Q(association=organisation)).order_by("-created_at")
        ),
        "mentor_id": _first(Mentor.objects.visible_to(membership).order_by("-first_name")),
        "mentorship_id": _first(pairs),
        "agreement_id": _first(Agreement.objects.filter(mentorship__in=pairs)),
        "convention_id": _first(Convention.objects.visible_to(membership)),
        "organisation_id": _first(
            type(organisation).objects.partners_of(organisation) if organisation.is_departement else type(organisation).objects.none()
        ),
        "association_id": _first(type(organisation).objects.associations()),
        "period_id": _first(ReportingPeriod.objects.visible_to(membership).order_by("month")),
        "report_id": _first(AssociationReport.objects.visible_to(membership).order_by("period__month")),
        "territory_id": _first(Territory.objects.filter(departement=organisation)),
        "item_id": _first(ReferenceItem.objects.filter(departement=organisation)),
        "membership_id": _first(Membership.objects.filter(organisation=organisation)),
        "kind": "school_level",
        "fmt": "csv",
        "token": "jeton-factice",
    }  # fmt: skip


def pages(user):
    """(route name, url) of every page of ours the user's role may open and whose arguments exist."""
    membership = user.memberships.get()
    values = _values(membership)
    found = []
    for route in walk():
        if route.third_party is not None or not POLICIES[route.policy].allows(user, membership):
            continue
        if any(word in route.pattern for word in LEAVING):
            continue
        kwargs = {name: values.get(name) for name in route.converters}
        if any(value is None for value in kwargs.values()):
            continue
        kwargs = {k: (v if not isinstance(v, uuid.UUID) else str(v)) for k, v in kwargs.items()}
        found.append((route.name, reverse(route.name, kwargs=kwargs)))
    return found
