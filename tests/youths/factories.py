"""Factories for the youth pathway. Traits, not subclasses: YouthFactory(ready=True, ward=True)."""

import datetime

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from binome.references.models import ReferenceItem
from binome.territories.models import Commune, Territory
from binome.utils.dates import years_before
from binome.youths import rules
from binome.youths.models import (
    AssessmentConclusion,
    Consent,
    ConsentMethod,
    LegalStatus,
    ProposalOutcome,
    Referral,
    ReferralState,
    SituationAssessment,
    Youth,
)
from tests.accounts.factories import AseServiceFactory, DepartementFactory


def today():
    return timezone.localdate()


def years_ago(years, days=0):
    """The birth date of someone who turns `years` today (`days` earlier: a little older)."""
    return years_before(today(), years) - datetime.timedelta(days=days)


def reference(departement, kind, code):
    """One of the département's default reference items (seeded when the département is created)."""
    return ReferenceItem.objects.get(departement=departement, kind=kind, code=code)


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commune
        django_get_or_create = ("insee_code",)

    insee_code = factory.Sequence(lambda n: f"44{n % 1000:03d}")
    name = factory.Sequence(lambda n: f"Commune {n}")
    departement_code = factory.LazyAttribute(lambda o: o.insee_code[:2])


class TerritoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Territory
        skip_postgeneration_save = True

    departement = factory.SubFactory(DepartementFactory)
    name = factory.Sequence(lambda n: f"Territoire {n}")

    @factory.post_generation
    def communes(self, create, extracted, **kwargs):
        if create and extracted:
            self.communes.set(extracted)


def _give_required_consents(youth, create, extracted, **kwargs):
    """Every consent the legal status requires, valid, and the cached flag set as the services do."""
    if not create:
        return
    for kind, count in rules.required_consents(youth.legal_status, youth.authority_holders).items():
        for _ in range(count):
            ConsentFactory(youth=youth, kind=kind)
    youth.consents_complete = True
    youth.save(update_fields=["consents_complete"])


def _record_assessment(youth, create, extracted, **kwargs):
    if create:
        SituationAssessmentFactory(youth=youth, date=youth.assessment_date)


class YouthFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Youth
        skip_postgeneration_save = True

    ase_service = factory.SubFactory(AseServiceFactory)
    departement = factory.LazyAttribute(lambda o: o.ase_service.departement)
    first_name = factory.Faker("first_name", locale="fr_FR")
    # Unique and unlike any French word, so "no name on this page" checks cannot pass or fail by chance.
    last_name = factory.Sequence(lambda n: f"Jeunenom{n:05d}")
    birth_date = factory.LazyFunction(lambda: years_ago(14))
    gender = "f"
    legal_status = LegalStatus.PARENTS
    authority_holders = 2

    class Params:
        single_holder = factory.Trait(authority_holders=1)
        delegated = factory.Trait(legal_status=LegalStatus.DELEGATED)
        ward = factory.Trait(legal_status=LegalStatus.WARD)
        young_adult = factory.Trait(
            legal_status=LegalStatus.YOUNG_ADULT, birth_date=factory.LazyFunction(lambda: years_ago(19))
        )
        proposal_accepted = factory.Trait(
            proposal_outcome=ProposalOutcome.ACCEPTED,
            proposal_date=factory.LazyFunction(lambda: today() - datetime.timedelta(days=10)),
        )
        assessed = factory.Trait(
            assessment_date=factory.LazyFunction(lambda: today() - datetime.timedelta(days=20)),
            assessment_in_interest=True,
            assessment=factory.PostGeneration(_record_assessment),
        )
        consented = factory.Trait(consents=factory.PostGeneration(_give_required_consents))
        # Every legal gate open: a referral for this youth may be submitted.
        ready = factory.Trait(proposal_accepted=True, assessed=True, consented=True)

    @factory.post_generation
    def objectives(self, create, extracted, **kwargs):
        if create and extracted:
            self.objectives.set(extracted)


class SituationAssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SituationAssessment

    youth = factory.SubFactory(YouthFactory)
    date = factory.LazyFunction(lambda: today() - datetime.timedelta(days=20))
    author_name = "Mme Roux, éducatrice"
    conclusion = AssessmentConclusion.IN_INTEREST


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consent

    youth = factory.SubFactory(YouthFactory)
    kind = "youth_adhesion"
    # Written agreements are signed and scanned, and each holder is a different person.
    given_by = factory.LazyAttributeSequence(
        lambda o, n: "le jeune" if o.kind == "youth_adhesion" else f"Signataire {n}"
    )
    date = factory.LazyFunction(lambda: today() - datetime.timedelta(days=5))
    method = factory.LazyAttribute(
        lambda o: ConsentMethod.WRITTEN if o.kind in rules.WRITTEN_KINDS else ConsentMethod.ORAL
    )
    document = factory.LazyAttribute(
        lambda o: ContentFile(b"%PDF-1.4 scan", name="scan.pdf") if o.kind in rules.WRITTEN_KINDS else None
    )


class ReferralFactory(factory.django.DjangoModelFactory):
    """A referral for a ready youth. Traits follow the states; pass association= with routed/accepted."""

    class Meta:
        model = Referral

    youth = factory.SubFactory(YouthFactory, ready=True)
    departement = factory.LazyAttribute(lambda o: o.youth.departement)
    state = ReferralState.DRAFT

    class Params:
        submitted = factory.Trait(
            state=ReferralState.SUBMITTED, submitted_at=factory.LazyFunction(timezone.now)
        )
        routed = factory.Trait(
            state=ReferralState.ROUTED,
            submitted_at=factory.LazyFunction(timezone.now),
            routed_at=factory.LazyFunction(timezone.now),
        )
        accepted = factory.Trait(
            state=ReferralState.ACCEPTED,
            submitted_at=factory.LazyFunction(timezone.now),
            routed_at=factory.LazyFunction(timezone.now),
            accepted_at=factory.LazyFunction(timezone.now),
        )
