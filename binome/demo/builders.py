"""A believable demo département, built idempotently: running it twice changes nothing.

Geography is real (Loire-Atlantique's communes from the official geographic code); organisations and
people are fictional. Later builders (youths, mentors, pairs, history) add to `DemoWorld`.
"""

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from binome.accounts.models import (
    Convention,
    ConventionStatus,
    KeyIndicator,
    Membership,
    Organisation,
    OrganisationKind,
    ReportingFrequency,
    Role,
    User,
)
from binome.territories.models import Commune, Territory
from binome.territories.services import arrondissements_of, communes_load, departement_name

DEMO_PASSWORD = "Demo-Binome-2026"
DEPARTEMENT_CODE = "44"

ASSOCIATIONS = [
    ("Tremplin Mentorat Atlantique", "contact@tremplin-mentorat.example", "02 40 00 10 10", 60),
    ("Les Passeurs d'Avenir", "bonjour@passeurs-avenir.example", "02 40 00 20 20", 40),
    ("Cap Mentor Estuaire", "equipe@capmentor.example", "02 40 00 30 30", 25),
]

ASE_SERVICES = [
    ("Service ASE — Délégation Nantes", "ase.nantes@cd44.example", "02 40 99 10 00"),
    ("Service ASE — Délégation Saint-Nazaire", "ase.saint-nazaire@cd44.example", "02 40 99 20 00"),
    ("Service ASE — Délégation Châteaubriant-Ancenis", "ase.chateaubriant@cd44.example", "02 40 99 30 00"),
    ("Foyer départemental de l'enfance", "foyer@cd44.example", "02 40 99 40 00"),
    ("MECS Les Tilleuls", "secretariat@mecs-tilleuls.example", "02 40 99 50 00"),
    ("Service d'accueil familial départemental", "accueil.familial@cd44.example", "02 40 99 60 00"),
]

# (email, first name, last name, [(organisation key, role)], is platform admin)
PEOPLE = [
    ("admin@binome.example", "Camille", "Martin", [], True),
    ("pilote@cd44.example", "Nadia", "Benali", [("departement", Role.PILOT)], False),
    ("lecture@cd44.example", "Hervé", "Le Goff", [("departement", Role.VIEWER)], False),
    ("responsable@tremplin.example", "Sophie", "Durand", [("association:0", Role.MANAGER)], False),
    ("mentorat@tremplin.example", "Karim", "Haddad", [("association:0", Role.COORDINATOR)], False),
    ("responsable@passeurs.example", "Élodie", "Moreau", [("association:1", Role.MANAGER)], False),
    ("mentorat@passeurs.example", "Thomas", "Guérin", [("association:1", Role.COORDINATOR)], False),
    ("responsable@capmentor.example", "Laure", "Tanguy", [("association:2", Role.MANAGER)], False),
    ("referent.nantes@cd44.example", "Julie", "Renaud", [("ase:0", Role.REFERRER)], False),
    ("referent.saint-nazaire@cd44.example", "Yann", "Le Bihan", [("ase:1", Role.REFERRER)], False),
    ("referent.foyer@cd44.example", "Fatou", "Diallo", [("ase:3", Role.REFERRER)], False),
    (
        "coordination@binome.example",
        "Maël",
        "Rivière",
        [("association:1", Role.COORDINATOR), ("association:2", Role.COORDINATOR)],
        False,
    ),
]


@dataclass
class DemoWorld:
    departement: Organisation
    associations: list[Organisation] = field(default_factory=list)
    ase_services: list[Organisation] = field(default_factory=list)
    territories: list[Territory] = field(default_factory=list)
    users: dict[str, User] = field(default_factory=dict)


def build_departement() -> DemoWorld:
    communes_load(departement_code=DEPARTEMENT_CODE)
    departement, _ = Organisation.objects.get_or_create(
        kind=OrganisationKind.DEPARTEMENT,
        insee_code=DEPARTEMENT_CODE,
        defaults={
            "name": f"Département de la {departement_name(DEPARTEMENT_CODE)}",
            "email": "mentorat@cd44.example",
            "address": "3 quai Ceineray, 44000 Nantes",
        },
    )
    world = DemoWorld(departement=departement)
    for arrondissement in arrondissements_of(DEPARTEMENT_CODE):
        territory, _ = Territory.objects.get_or_create(
            departement=departement, name=f"Territoire de {arrondissement['nom']}"
        )
        territory.communes.set(
            Commune.objects.filter(
                departement_code=DEPARTEMENT_CODE, arrondissement_code=arrondissement["code"]
            )
        )
        world.territories.append(territory)
    return world


def build_partners(world: DemoWorld) -> None:
    today = timezone.localdate()
    for name, email, phone, target in ASSOCIATIONS:
        association, _ = Organisation.objects.get_or_create(
            kind=OrganisationKind.ASSOCIATION, name=name, defaults={"email": email, "phone": phone}
        )
        world.associations.append(association)
        Convention.objects.get_or_create(
            departement=world.departement,
            association=association,
            reference=f"CONV-{today.year - 1}-{len(world.associations):03d}",
            defaults={
                "status": ConventionStatus.ACTIVE,
                "start_date": datetime.date(today.year - 1, 1, 1),
                # The third convention ends soon, so the pilot's home page has something to act on.
                "end_date": (
                    today + datetime.timedelta(days=45)
                    if len(world.associations) == 3
                    else datetime.date(today.year + 1, 12, 31)
                ),
                "youth_target": target,
                "objectives": "Proposer un mentor à chaque jeune orienté dans le mois ; "
                "binômes d'au moins 6 mois ; rencontres au moins toutes les 6 semaines.",
                "key_indicators": [
                    KeyIndicator.SELF_CONFIDENCE,
                    KeyIndicator.SOMEONE_TO_COUNT_ON,
                    KeyIndicator.OBJECTIVE_REACHED,
                    KeyIndicator.DURATION_12_MONTHS,
                    KeyIndicator.TIME_TO_MATCH,
                ],
                "reporting_frequency": ReportingFrequency.MONTHLY,
                "reporting_day": 5,
            },
        )
    for name in ASE_SERVICES:
        service, _ = Organisation.objects.get_or_create(
            kind=OrganisationKind.ASE_SERVICE,
            name=name,
            departement=world.departement,
        )
        world.ase_services.append(service)


def _organisation_for(world: DemoWorld, key: str) -> Organisation:
    if key == "departement":
        return world.departement
    kind, index = key.split(":")
    return (world.associations if kind == "association" else world.ase_services)[int(index)]


def build_people(world: DemoWorld) -> None:
    for email, first_name, last_name, memberships, is_admin in PEOPLE:
        user = User.objects.filter(email=email).first()
        if user is None:
            create = User.objects.create_superuser if is_admin else User.objects.create_user
            user = create(email=email, password=DEMO_PASSWORD, first_name=first_name, last_name=last_name)
        world.users[email] = user
        for key, role in memberships:
            Membership.objects.get_or_create(
                user=user, organisation=_organisation_for(world, key), defaults={"role": role}
            )
    for convention in Convention.objects.filter(departement=world.departement, reporting_lead__isnull=True):
        lead = User.objects.filter(
            memberships__organisation=convention.association, memberships__role=Role.MANAGER
        ).first()
        if lead:
            convention.reporting_lead = lead
            convention.save(update_fields=["reporting_lead", "updated_at"])


@transaction.atomic
def build_demo() -> DemoWorld:
    world = build_departement()
    build_partners(world)
    build_people(world)
    return world
