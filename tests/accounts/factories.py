import datetime

import factory
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.utils import timezone

from binome.accounts.models import Membership, Organisation, OrganisationKind, Role, User
from binome.conventions.models import Convention, ConventionStatus


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@exemple.example")
    first_name = factory.Faker("first_name", locale="fr_FR")
    # Unique and unlike any French word, so "no name on this page" checks cannot pass or fail by chance.
    last_name = factory.Sequence(lambda n: f"Agentnom{n:05d}")
    password = factory.PostGenerationMethodCall("set_password", "Un-mot-de-passe-solide-1")

    class Params:
        # An authenticator app already set up: the normal state of a professional account.
        with_totp = factory.Trait(
            totp_secret=factory.PostGeneration(lambda user, create, extracted, **kw: _activate_totp(user))
        )

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        if create:
            instance.save()


def _activate_totp(user):
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    user.totp_secret_for_tests = secret
    return secret


class DepartementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = OrganisationKind.DEPARTEMENT
    name = factory.Sequence(lambda n: f"Département {n}")
    insee_code = factory.Sequence(lambda n: f"{(n % 95) + 1:02d}" if n < 95 else f"9{n % 100:02d}")


class AssociationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = OrganisationKind.ASSOCIATION
    name = factory.Sequence(lambda n: f"Association de mentorat {n}")


class AseServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = OrganisationKind.ASE_SERVICE
    name = factory.Sequence(lambda n: f"Service ASE {n}")
    departement = factory.SubFactory(DepartementFactory)


class ConventionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Convention

    departement = factory.SubFactory(DepartementFactory)
    association = factory.SubFactory(AssociationFactory)
    status = ConventionStatus.ACTIVE
    start_date = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=365))
    end_date = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=365))
    accepted_at = factory.LazyFunction(timezone.now)

    class Params:
        # A convention the département proposed and the association has not agreed to yet.
        awaiting = factory.Trait(accepted_at=None)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory, with_totp=True)
    organisation = factory.SubFactory(DepartementFactory)
    role = Role.PILOT
