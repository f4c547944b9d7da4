"""Factories for the reporting cycle. Traits, not subclasses: AssociationReportFactory(filled=True)."""

import datetime
from decimal import Decimal

import factory

from binome.reporting.models import AssociationReport, ReportedPair, ReportedPairState, ReportingPeriod
from binome.reporting.months import default_deadline
from tests.accounts.factories import AssociationFactory, DepartementFactory

FIGURES = {
    "fte_staff": Decimal("1.50"),
    "fte_volunteers": Decimal("0.50"),
    "cost_staff": Decimal("4200.00"),
    "cost_premises": Decimal("300.00"),
    "cost_communication": Decimal("0.00"),
    "cost_transport": Decimal("120.00"),
    "cost_other": Decimal("80.00"),
    "ase_structures_contacted": 4,
    "ase_structures_met": 2,
    "information_meetings": 1,
    "awareness_actions": 0,
    "workshops": 2,
    "workshop_participants": 11,
    "difficulties": "Deux consentements parentaux attendus depuis plus d'un mois.",
    "upcoming_presentations": "Foyer de l'enfance, 12 avril, équipe éducative.",
}


class ReportingPeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportingPeriod
        django_get_or_create = ("departement", "month")

    departement = factory.SubFactory(DepartementFactory)
    month = datetime.date(2026, 3, 1)
    deadline = factory.LazyAttribute(lambda o: default_deadline(o.month))


class AssociationReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AssociationReport
        django_get_or_create = ("period", "association")

    period = factory.SubFactory(ReportingPeriodFactory)
    association = factory.SubFactory(AssociationFactory)
    covers_from = factory.LazyAttribute(lambda o: o.period.month)
    due_on = factory.LazyAttribute(lambda o: o.period.deadline)

    class Params:
        filled = factory.Trait(
            **FIGURES, funding=[{"funder": "Département", "sub_project": "mentoring", "amount": "5000.00"}]
        )


class ReportedPairFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportedPair

    association = factory.SubFactory(AssociationFactory)
    departement = factory.SubFactory(DepartementFactory)
    external_id = factory.Sequence(lambda n: f"B-{n:05d}")
    youth_external_id = factory.Sequence(lambda n: f"J-{n:05d}")
    birth_year = 2011
    gender = "f"
    started_on = datetime.date(2026, 1, 10)
    state = ReportedPairState.ACTIVE
    fingerprint = "x" * 32
