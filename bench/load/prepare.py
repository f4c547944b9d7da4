"""Accounts for the load bench: one per simulated user, each with an authenticator app (TOTP) whose
secret the bench knows, so that every simulated person logs in as a real one does (password, then
the code). They join the organisations of the département with the most youths (the demo's, after
`seed_demo`). Writes ACCOUNTS (JSON): each account's role, secret and the ids it works on.

    DJANGO_SETTINGS_MODULE=config.settings.bench python bench/load/prepare.py USERS ACCOUNTS_JSON

Idempotent: a second run resets the same accounts (load-NN@bench.example).
"""

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "Banc-de-charge-2026!"  # noqa: S105  (bench accounts only)
# Share of each role among the simulated users: the daily work of each kind of organisation.
MIX = (("referrer", 0.3), ("coordinator", 0.3), ("manager", 0.1), ("pilot", 0.3))


def roles_for(users: int) -> list[str]:
    counts = {role: max(1, round(users * share)) for role, share in MIX}
    counts["pilot"] += users - sum(counts.values())
    return [role for role, _ in MIX for _ in range(counts[role])][:users]


def prepare(users: int) -> list[dict]:
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.db.models import Count, Q

    from binome.accounts.models import Membership, Organisation, OrganisationKind, Role, User
    from binome.conventions.models import Convention
    from binome.mentorships.models import Mentorship, MentorshipState
    from binome.youths.models import Referral, ReferralState, Youth

    departement = (
        Organisation.objects.filter(kind=OrganisationKind.DEPARTEMENT)
        .annotate(n=Count("youths", distinct=True))
        .order_by("-n")
        .first()
    )
    if departement is None:
        raise SystemExit("Aucun département : lancez d'abord manage.py seed_demo.")
    services = list(
        Organisation.objects.filter(kind=OrganisationKind.ASE_SERVICE, departement=departement)
        .annotate(n=Count("youths_followed"))
        .filter(n__gt=0)
        .order_by("-n")[:3]
    )
    partner_ids = Convention.objects.filter(departement=departement).values("association")
    associations = list(
        Organisation.objects.filter(pk__in=partner_ids)
        .annotate(n=Count("mentorships", filter=Q(mentorships__state=MentorshipState.ACTIVE)))
        .filter(n__gt=0)
        .order_by("-n")[:3]
    )
    if not services or not associations:
        raise SystemExit("Le département n'a ni service ASE avec des jeunes ni association avec des binômes.")

    def ids(queryset, limit=60):
        return [str(pk) for pk in queryset.values_list("pk", flat=True)[:limit]]

    work = {}
    for service in services:
        work[service.pk] = {"youths": ids(Youth.objects.filter(ase_service=service).order_by("pk"))}
    for association in associations:
        work[association.pk] = {
            "referrals": ids(
                Referral.objects.filter(association=association, state=ReferralState.ACCEPTED).order_by("pk")
            ),
            "mentorships": ids(
                Mentorship.objects.filter(association=association, state=MentorshipState.ACTIVE).order_by(
                    "pk"
                )
            ),
        }
    work[departement.pk] = {"youths": ids(Youth.objects.filter(departement=departement).order_by("pk"))}

    accounts = []
    for number, role in enumerate(roles_for(users), start=1):
        organisation = {
            "referrer": services[number % len(services)],
            "coordinator": associations[number % len(associations)],
            "manager": associations[number % len(associations)],
            "pilot": departement,
        }[role]
        email = f"load-{number:02d}@bench.example"
        user, _ = User.objects.get_or_create(
            email=email, defaults={"first_name": "Banc", "last_name": f"{number:02d}"}
        )
        user.set_password(PASSWORD)
        user.is_active = True
        user.save()
        Membership.objects.filter(user=user).exclude(organisation=organisation).delete()
        Membership.objects.update_or_create(
            user=user, organisation=organisation, defaults={"role": Role(role), "is_active": True}
        )
        Authenticator.objects.filter(user=user).delete()
        secret = generate_totp_secret()
        TOTP.activate(user, secret)
        accounts.append(
            {"email": email, "password": PASSWORD, "secret": secret, "role": role, **work[organisation.pk]}
        )
    return accounts


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.bench")
    import django

    django.setup()
    users, target = int(sys.argv[1]), Path(sys.argv[2])
    accounts = prepare(users)
    target.write_text(json.dumps(accounts, indent=1))
    print(f"{len(accounts)} comptes de banc de charge : {target}")
