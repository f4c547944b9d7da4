"""Factories for the mentor pathway. Traits, not subclasses: MentorFactory(ready=True, stale=True)."""

import datetime

import factory
from django.utils import timezone

from binome.mentors.models import (
    CheckResult,
    HonorabilityCheck,
    Mentor,
    MentorStage,
    Occupation,
    TrainingModule,
    TrainingRegistration,
    TrainingSession,
)
from binome.utils.choices import Modality
from binome.utils.dates import one_year_after
from tests.accounts.factories import AssociationFactory, DepartementFactory
from tests.youths.factories import today, years_ago


def days_from_today(days):
    return today() + datetime.timedelta(days=days)


class MentorFactory(factory.django.DjangoModelFactory):
    """A candidate who just applied. Traits follow the pipeline; `ready` is matchable today."""

    class Meta:
        model = Mentor

    association = factory.SubFactory(AssociationFactory)
    first_name = factory.Faker("first_name", locale="fr_FR")
    # Unique and unlike any French word, so "no name on this page" checks cannot pass or fail by chance.
    last_name = factory.Sequence(lambda n: f"Mentornom{n:05d}")
    email = factory.Sequence(lambda n: f"mentor{n}@exemple.example")
    birth_date = factory.LazyFunction(lambda: years_ago(34))
    birth_place = "Nantes"
    gender = "f"
    occupation = Occupation.EMPLOYED
    motivation = "J'ai envie de transmettre ce que l'on m'a donné."
    availability = factory.LazyFunction(lambda: ["mer_apm"])
    modality = Modality.IN_PERSON
    objectives = factory.LazyFunction(lambda: ["school_support"])
    stage = MentorStage.CANDIDATE

    class Params:
        interviewed = factory.Trait(stage=MentorStage.INTERVIEW_DONE)
        training = factory.Trait(stage=MentorStage.TRAINING)
        vetting = factory.Trait(stage=MentorStage.VETTING)
        trained = factory.Trait(training_complete=True)
        # A compliant check recorded a month ago: valid eleven more months.
        vetted = factory.Trait(honorability_valid_until=factory.LazyFunction(lambda: days_from_today(335)))
        ready = factory.Trait(stage=MentorStage.READY, trained=True, vetted=True)
        in_pair = factory.Trait(stage=MentorStage.IN_PAIR, trained=True, vetted=True, current_pairs=1)
        # At the same step for three weeks: beyond the default 14 days.
        stale = factory.Trait(
            stage_since=factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=21))
        )


class TrainingModuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingModule

    association = factory.SubFactory(AssociationFactory)
    name = factory.Sequence(lambda n: f"Module {n}")
    required_before_matching = True

    class Params:
        optional = factory.Trait(required_before_matching=False)


class TrainingSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingSession
        skip_postgeneration_save = True

    association = factory.SubFactory(AssociationFactory)
    title = factory.Sequence(lambda n: f"Formation initiale {n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=2))
    place = "Maison des associations, Nantes"
    capacity = 15

    @factory.post_generation
    def modules(self, create, extracted, **kwargs):
        if create and extracted:
            self.modules.set(extracted)


class TrainingRegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingRegistration

    session = factory.SubFactory(TrainingSessionFactory)
    mentor = factory.SubFactory(MentorFactory, association=factory.SelfAttribute("..session.association"))


class HonorabilityCheckFactory(factory.django.DjangoModelFactory):
    """A request sent ten days ago, awaiting its result. `compliant` / `not_compliant`: received today."""

    class Meta:
        model = HonorabilityCheck

    mentor = factory.SubFactory(MentorFactory, vetting=True)
    departement = factory.SubFactory(DepartementFactory)
    requested_on = factory.LazyFunction(lambda: days_from_today(-10))
    result = CheckResult.PENDING

    class Params:
        compliant = factory.Trait(
            result=CheckResult.COMPLIANT,
            result_on=factory.LazyFunction(today),
            valid_until=factory.LazyFunction(lambda: one_year_after(today())),
        )
        not_compliant = factory.Trait(result=CheckResult.NOT_COMPLIANT, result_on=factory.LazyFunction(today))
