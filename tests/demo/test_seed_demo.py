import datetime

from django.core.management import call_command
from django.utils import timezone

from binome.accounts.models import Convention, Membership, Organisation, User
from binome.audit.models import AccessLog
from binome.territories.models import Commune, Territory
from binome.youths import rules
from binome.youths.models import (
    Consent,
    LegalStatus,
    ProposalOutcome,
    Referral,
    ReferralState,
    Youth,
    YouthEvent,
)
from binome.youths.queries import blocked_files, next_step, with_referral
from binome.youths.routing import suggestions


def counts():
    models = (Organisation, Convention, Membership, User, Commune, Territory)
    youth_models = (Youth, Referral, Consent, YouthEvent, AccessLog)
    return [m.objects.count() for m in (*models, *youth_models)]


def seed():
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def assert_believable_organisations():
    assert Organisation.objects.departements().count() == 1
    assert Organisation.objects.associations().count() == 3
    assert Organisation.objects.ase_services().count() == 6
    assert Organisation.objects.ase_services().filter(name="Service ASE — Délégation Nantes").exists()
    assert Convention.objects.current().count() == 3
    assert Commune.objects.filter(departement_code="44").count() > 200
    assert Commune.objects.get(insee_code="44109").name == "Nantes"
    assert all(t.communes.exists() for t in Territory.objects.all())
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == {"pilot", "viewer", "manager", "coordinator", "referrer"}
    assert User.objects.filter(is_staff=True).exists()


def assert_youths_at_every_stage(departement):
    youths = Youth.objects.filter(departement=departement)
    assert 250 <= youths.count() <= 350
    assert set(youths.values_list("ase_service", flat=True)) == set(
        Organisation.objects.ase_services().values_list("pk", flat=True)
    )
    assert youths.filter(commune__name="Nantes").count() > youths.filter(commune__name="Rezé").count() > 0
    assert youths.filter(referrer__email="referent.nantes@cd44.example").exists()

    assert set(Referral.objects.values_list("state", flat=True)) == set(ReferralState.values) - {
        ReferralState.MATCHED
    }
    steps = {next_step(youth).label.split(" au ")[0] for youth in with_referral(youths)}
    assert steps >= {
        "Pas encore éligible (âge)",
        "Mentorat à proposer",
        "Proposition reportée",
        "Évaluation de situation à faire ou renouveler",
        "Consentements à recueillir",
        "Orientation à transmettre",
        "En attente d'orientation par le département",
        "En attente de la réponse de l'association",
        "Acceptée, en attente de binôme",
        "Refusée par l'association, à réorienter",
        "Sorti du dispositif",
    }
    waiting_wards = youths.filter(
        legal_status=LegalStatus.WARD, proposal_outcome=ProposalOutcome.ACCEPTED, consents_complete=False
    )
    assert any(
        "l'accord du conseil de famille" in rules.youth_missing_consents(youth) for youth in waiting_wards
    )


def assert_backdated_and_routed(departement):
    now = timezone.now()
    reasons = " | ".join(blocked.reason for blocked in blocked_files(departement))
    assert "Pas de réponse" in reasons  # routed more than 7 days ago
    assert "toujours sans binôme" in reasons  # accepted more than 30 days ago
    assert Referral.objects.filter(state=ReferralState.ROUTED, routed_at__gt=now - datetime.timedelta(days=7))
    assert YouthEvent.objects.filter(at__lt=now - datetime.timedelta(days=180)).exists()
    for referral in Referral.objects.filter(state=ReferralState.ACCEPTED):
        assert (
            referral.created_at <= referral.submitted_at <= referral.routed_at <= referral.accepted_at <= now
        )
    # The conventions' scopes differ: the routing does not suggest the same associations for every youth.
    submitted = Referral.objects.filter(state=ReferralState.SUBMITTED)
    assert len({tuple(s.association.pk for s in suggestions(r) if s.fits) for r in submitted}) > 1


def test_seed_demo_builds_a_believable_departement_and_is_idempotent(db):
    seed()
    first = counts()
    assert_believable_organisations()
    departement = Organisation.objects.departements().get()
    assert_youths_at_every_stage(departement)
    assert_backdated_and_routed(departement)
    seed()
    assert counts() == first
