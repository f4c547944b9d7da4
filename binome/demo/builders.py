"""A believable demo département, built idempotently: running it twice changes nothing.

Geography is real (Loire-Atlantique's communes from the official geographic code); organisations and
people are fictional. The youths go through the same services as the forms, then their dates are moved
back so the pathway has a history. Later builders (mentors, pairs, history) add to `DemoWorld`.
"""

import bisect
import datetime
import itertools
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone

from binome.accounts.models import Membership, Organisation, OrganisationKind, Role, User
from binome.audit.models import AccessLog
from binome.conventions import services as convention_services
from binome.conventions.models import Convention, ConventionStatus, KeyIndicator, ReportingFrequency
from binome.demo.mentors import build_mentors
from binome.demo.world import DemoWorld
from binome.notifications import emails
from binome.references.models import ReferenceItem, ReferenceKind
from binome.territories.models import Commune, Territory
from binome.territories.services import (
    communes_load,
    departement_official_name,
    territories_from_arrondissements,
)
from binome.utils.choices import Modality, Subject
from binome.utils.dates import years_before
from binome.youths import rules
from binome.youths import services as youth_services
from binome.youths.models import (
    AssessmentConclusion,
    Consent,
    ConsentKind,
    ConsentMethod,
    LegalStatus,
    ProposalOutcome,
    Referral,
    ReferralState,
    Youth,
    YouthEvent,
)
from binome.youths.routing import suggestions

# A one-page blank PDF standing for a signed, scanned agreement in the demo.
DEMO_SCAN = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj "
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
DEMO_PASSWORD = "Demo-Binome-2026"
DEPARTEMENT_CODE = "44"

ASSOCIATIONS = [
    ("Tremplin Mentorat Atlantique", "contact@tremplin-mentorat.example", "02 40 00 10 10", 60),
    ("Les Passeurs d'Avenir", "bonjour@passeurs-avenir.example", "02 40 00 20 20", 40),
    ("Cap Mentor Estuaire", "equipe@capmentor.example", "02 40 00 30 30", 25),
]

# How each association reports to the département (convention): monthly before the 5th unless said
# here, so the demo shows a quarterly association with another day.
REPORTING_TERMS = {"Les Passeurs d'Avenir": (ReportingFrequency.QUARTERLY, 15)}

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


def build_departement() -> DemoWorld:
    """What `setup_departement --code 44` builds, plus the département's contact details."""
    communes_load(departement_code=DEPARTEMENT_CODE)
    departement, _ = Organisation.objects.get_or_create(
        kind=OrganisationKind.DEPARTEMENT,
        insee_code=DEPARTEMENT_CODE,
        defaults={
            "name": departement_official_name(DEPARTEMENT_CODE),
            "email": "mentorat@cd44.example",
            "address": "3 quai Ceineray, 44000 Nantes",
        },
    )
    territories_from_arrondissements(departement=departement)
    return DemoWorld(departement=departement, territories=list(departement.territories.all()))


def build_partners(world: DemoWorld) -> None:
    today = timezone.localdate()
    for name, email, phone, target in ASSOCIATIONS:
        frequency, reporting_day = REPORTING_TERMS.get(name, (ReportingFrequency.MONTHLY, 5))
        association, _ = Organisation.objects.get_or_create(
            kind=OrganisationKind.ASSOCIATION,
            name=name,
            defaults={"email": email, "phone": phone, "home_departement": world.departement},
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
                "reporting_frequency": frequency,
                "reporting_day": reporting_day,
                "accepted_at": timezone.now(),
            },
        )
    for name, email, phone in ASE_SERVICES:
        # Earlier seeds named the services after the whole tuple: put the name right.
        Organisation.objects.filter(
            kind=OrganisationKind.ASE_SERVICE, name=str((name, email, phone)), departement=world.departement
        ).update(name=name, email=email, phone=phone)
        service, _ = Organisation.objects.get_or_create(
            kind=OrganisationKind.ASE_SERVICE,
            name=name,
            departement=world.departement,
            defaults={"email": email, "phone": phone},
        )
        world.ase_services.append(service)


def _organisation_for(world: DemoWorld, key: str) -> Organisation:
    if key == "departement":
        return world.departement
    kind, index = key.split(":")
    return (world.associations if kind == "association" else world.ase_services)[int(index)]


def build_people(world: DemoWorld) -> None:
    # One hash for every demo account (the password is published in the README): hashing is slow on
    # purpose, a dozen times over it was a few seconds of the seed.
    hashed = None
    for email, first_name, last_name, memberships, is_admin in PEOPLE:
        user = User.objects.filter(email=email).first()
        if user is None:
            hashed = hashed or make_password(DEMO_PASSWORD)
            create = User.objects.create_superuser if is_admin else User.objects.create_user
            user = create(email=email, password=None, first_name=first_name, last_name=last_name)
            user.password = hashed
            user.save(update_fields=["password"])
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


def build_capacity_checks(world: DemoWorld) -> None:
    """Each demo convention has the pilot's capacity check (art. D.221-37) and a yearly subsidy (about
    1 500 € per youth of its target), recorded once through the services."""
    pilot = world.users.get("pilote@cd44.example")
    for convention in Convention.objects.filter(departement=world.departement, capacity_checks__isnull=True):
        convention_services.capacity_check_record(
            convention=convention,
            by=pilot,
            evidence=ContentFile(DEMO_SCAN, name="verification.pdf"),
            checked_on=convention.start_date - datetime.timedelta(days=20),
            individual_project=True,
            mentor_support=True,
        )
        if convention.yearly_subsidy is None:
            convention.yearly_subsidy = Decimal((convention.youth_target or 20) * 1500)
            convention_services.convention_save(convention=convention, by=pilot)


# --- Routing scopes ------------------------------------------------------------------------------

# (territories by chef-lieu of arrondissement, objective codes, modalities, age range, capacity), in the
# order of ASSOCIATIONS. Different scopes, so the routing suggestions differ from one youth to another.
ROUTING_SCOPES = [
    ([], [], [Modality.IN_PERSON, Modality.HYBRID, Modality.REMOTE], (10, 20), 60),
    (
        ["Nantes", "Saint-Nazaire"],
        ["school_support", "orientation", "socio_emotional"],
        [Modality.IN_PERSON, Modality.HYBRID],
        (11, 17),
        40,
    ),
    (
        ["Saint-Nazaire"],
        ["orientation", "job_insertion"],
        [Modality.IN_PERSON, Modality.REMOTE],
        (15, 20),
        25,
    ),
]


def _territories_by_chef_lieu(world: DemoWorld) -> dict[str, Territory]:
    """Territories by the name of their arrondissement's chef-lieu ("Nantes": Territoire de Nantes)."""
    return {t.name.removeprefix("Territoire de "): t for t in world.territories}


def build_routing_scopes(world: DemoWorld) -> None:
    """Give each demo convention a routing scope, once (a scope the pilot changed is left alone)."""
    territories = _territories_by_chef_lieu(world)
    objectives = {
        item.code: item for item in ReferenceItem.objects.of(world.departement, ReferenceKind.OBJECTIVE)
    }
    for association, (chefs_lieux, codes, modalities, (age_min, age_max), capacity) in zip(
        world.associations, ROUTING_SCOPES, strict=True
    ):
        convention = Convention.objects.filter(departement=world.departement, association=association).first()
        if convention is None or convention.capacity is not None:
            continue
        convention.modalities = list(modalities)
        convention.age_min, convention.age_max, convention.capacity = age_min, age_max, capacity
        convention.save(update_fields=["modalities", "age_min", "age_max", "capacity", "updated_at"])
        convention.territories.set([territories[name] for name in chefs_lieux if name in territories])
        convention.routing_objectives.set([objectives[code] for code in codes if code in objectives])


# --- Youths --------------------------------------------------------------------------------------

YOUTHS_SEED = 44_2026
YOUTH_COUNT = 300


def _names(text: str, sep: str | None = None) -> list[str]:
    return text.split(sep)


GIRLS = _names(
    "Emma Jade Louise Alice Chloé Lina Léa Rose Anna Mila Inès Ambre Julia Mia Léna Manon Juliette Lou "
    "Zoé Camille Lola Agathe Jeanne Lucie Éva Nina Sarah Romane Iris Louna Clara Maëlys Lilou Margaux "
    "Aïcha Yasmine Maryam Fatoumata Sofia Nour Kenza Salomé Océane Laly Maëlle Elsa Léonie Capucine "
    "Anaïs Noémie Justine Mathilde Pauline Marie Laura Morgane Célia Assia Imane Awa Aya"
)
BOYS = _names(
    "Gabriel Léo Raphaël Arthur Louis Jules Adam Maël Lucas Hugo Noah Liam Gabin Sacha Paul Nathan Aaron "
    "Mohamed Ethan Tom Léon Théo Noé Malo Timéo Enzo Axel Nolan Mathis Yanis Rayan Ibrahim Ilyes Amir "
    "Moussa Mamadou Samuel Clément Baptiste Antoine Maxime Kylian Evan Romain Thomas Alexis Loïc Erwan "
    "Killian Dylan Kevin Bastien Quentin Yann Gwenaël Mathéo Issa Younes Wassim Bilal Elouan Titouan"
)
EPICENE = _names("Camille Sacha Charlie Alex Morgan Eden Noa Lou")
SURNAMES = _names(
    "Martin, Bernard, Thomas, Petit, Robert, Richard, Durand, Dubois, Moreau, Laurent, Simon, Michel, "
    "Lefebvre, Leroy, Roux, David, Bertrand, Morel, Fournier, Girard, Bonnet, Dupont, Lambert, Fontaine, "
    "Rousseau, Vincent, Muller, Lefèvre, Faure, André, Mercier, Blanc, Guérin, Boyer, Garnier, Chevalier, "
    "François, Legrand, Gauthier, Garcia, Perrin, Robin, Clément, Morin, Nicolas, Henry, Roussel, Mathieu, "
    "Masson, Marchand, Duval, Denis, Dumont, Lemaire, Noël, Meyer, Dufour, Meunier, Brun, Blanchard, "
    "Giraud, Joly, Rivière, Lucas, Brunet, Gaillard, Barbier, Arnaud, Martinez, Gérard, Roche, Renard, "
    "Schmitt, Roy, Leroux, Colin, Vidal, Caron, Picard, Roger, Fabre, Aubert, Lemoine, Renaud, Dumas, "
    "Lacroix, Olivier, Philippe, Bourgeois, Pierre, Benoît, Rey, Leclerc, Payet, Rolland, Guillaume, "
    "Lecomte, Lopez, Dupuy, Guillot, Hubert, Berger, Carpentier, Sanchez, Dupuis, Moulin, Deschamps, "
    "Huet, Vasseur, Perez, Boucher, Fleury, Royer, Klein, Jacquet, Poirier, Le Gall, Le Goff, Le Roux, "
    "Guillou, Jégou, Le Bihan, Tanguy, Le Floch, Cadiou, Hamon, Jouan, Pichon, Bouvier, Caillaud, "
    "Chauvin, Gicquel, Orhan, Benali, Haddad, Diallo, Traoré, Cissé, Diop, Ndiaye, Keita, Camara, "
    "Ben Ahmed, Mansouri, Belkacem, Amrani, Ferreira, Da Silva, Pereira, Nguyen, Tran, Yilmaz",
    sep=", ",
)

HOME_LANGUAGES = ["Arabe", "Anglais", "Portugais", "Turc", "Wolof", "Lingala", "Roumain", "Dari"]
INTERESTS = [
    "football", "basket", "handball", "danse", "dessin", "manga", "jeux vidéo", "rap", "guitare",
    "piano", "cuisine", "pâtisserie", "équitation", "natation", "lecture", "théâtre", "photo", "skate",
    "mode", "animaux", "informatique", "boxe", "cinéma", "pêche", "randonnée", "voile", "mécanique",
    "couture", "astronomie", "échecs",
]  # fmt: skip
SLOTS_LIKELY = _names("mer_apm sam_matin sam_apm mer_matin lun_soir mar_soir jeu_soir ven_soir dim_apm")
MENTOR_WISHES = [
    "Quelqu'un de patient, qui aime le sport.",
    "Une personne qui travaille dans le bâtiment ou l'artisanat.",
    "Quelqu'un qui peut l'aider en mathématiques.",
    "Une personne qui connaît les études de santé.",
    "Quelqu'un qui aime la nature et les sorties.",
    "Une personne qui parle aussi l'anglais.",
]
INTERNAL_NOTES = [
    "Suivi psychologique en cours au CMP ; éviter les rendez-vous le mardi.",
    "Fratrie accueillie dans le même lieu ; le frère aîné est déjà accompagné.",
    "Changement de lieu d'accueil prévu au printemps.",
    "Audience devant le juge des enfants prévue dans trois mois.",
]
ASSESSORS = [
    "Mme Sandrine Caillaud, éducatrice spécialisée",
    "M. Paul Lemoine, éducateur ASE",
    "Mme Anne Jouan, cadre de l'ASE",
    "Mme Claire Hamon, psychologue",
    "M. Éric Gicquel, référent éducatif",
]
PLACEMENTS_BY_SERVICE = {
    3: [
        "Foyer départemental de l'enfance — unité adolescents",
        "Foyer départemental de l'enfance — unité préadolescents",
    ],
    4: ["MECS Les Tilleuls"],
    5: ["Assistante familiale", "Assistant familial"],
}
PLACEMENTS = [
    *["Assistante familiale"] * 5,
    *["Assistant familial", "MECS", "MECS", "Lieu de vie et d'accueil", "Tiers digne de confiance"],
    "Foyer de l'enfance",
]
PLACEMENTS_YOUNG_ADULT = [
    "Appartement en semi-autonomie",
    "Foyer de jeunes travailleurs",
    "Assistante familiale",
]

# Youths per ASE service (same order as ASE_SERVICES) and where they live: communes of these
# arrondissements (named after their chef-lieu; none = the whole département), weighted by population
# raised to the exponent (below 1, small communes weigh more: host families live in the country too);
# the four largest towns weigh twice as much again, as youths in care live more often in town.
SERVICE_SHARES = [95, 60, 35, 35, 25, 50]
SERVICE_AREAS = [
    (["Nantes"], 1.0),
    (["Saint-Nazaire"], 1.0),
    (["Châteaubriant"], 0.8),
    (["Nantes"], 1.0),
    ([], 1.0),
    ([], 0.5),
]
TOWNS = {"Nantes", "Saint-Nazaire", "Rezé", "Saint-Herblain"}
AGE_WEIGHTS = {11: 8, 12: 9, 13: 11, 14: 12, 15: 13, 16: 13, 17: 12, 18: 9, 19: 7, 20: 5}

# Stage → number of youths. Each stage is a story the services tell, backdated so the lists,
# the routing queue, the blocked files and the associations' inboxes all have something to show.
STAGES = {
    "too_young": 20,  # 8 to 10, not yet in collège
    "to_propose": 62,
    "postponed_due": 5,  # postponed until a date now past: back in "to propose"
    "postponed": 12,
    "declined": 20,
    "assessment_missing": 9,
    "assessment_expired": 9,
    "consents_incomplete": 28,
    "consent_withdrawn": 2,
    "draft": 16,
    "submitted": 10,
    "submitted_stalled": 4,
    "routed": 18,
    "routed_stalled": 9,  # no answer for more than 7 days: "dossiers bloqués"
    "accepted": 40,
    "accepted_stalled": 14,  # accepted more than 30 days ago, still no pair
    "declined_in_queue": 9,
    "declined_rerouted": 5,
    "archived": 8,
}
# Days between a step and the step before it.
GAPS = {
    "assessment": (3, 45),
    "proposal": (0, 30),
    "consent": (0, 20),
    "referral": (0, 10),
    "submit": (0, 6),
    "route": (1, 6),
    "accept": (1, 12),
    "decline": (1, 12),
    "withdraw_consent": (3, 30),
    "archive": (5, 60),
}
# Days ago of a stage's last step.
LAST_STEP = {
    "too_young": (1, 300),
    "to_propose": (1, 150),
    "postponed_due": (60, 200),
    "postponed": (3, 90),
    "declined": (5, 200),
    "assessment_missing": (10, 150),
    "assessment_expired": (250, 300),
    "consents_incomplete": (2, 75),
    "consent_withdrawn": (2, 30),
    "draft": (0, 20),
    "submitted": (0, 6),
    "submitted_stalled": (8, 20),
    "routed": (0, 6),
    "routed_stalled": (8, 25),
    "accepted": (1, 29),
    "accepted_stalled": (31, 110),
    "declined_in_queue": (1, 15),
    "declined_rerouted": (0, 6),
    "archived": (2, 90),
}
WITHDRAWAL_NOTES = {
    ConsentKind.PARENT: "Le parent ne souhaite plus que son enfant soit accompagné.",
    ConsentKind.YOUTH_ADHESION: "Le jeune ne souhaite plus de mentor pour l'instant.",
    ConsentKind.YOUNG_ADULT: "Le jeune ne souhaite plus de mentor pour l'instant.",
}
DECLINE_COMMENTS = [
    "Aucun mentor disponible le week-end sur ce secteur pour le moment.",
    "Le jeune souhaite un mentor à distance : nous n'en avons pas.",
]


@dataclass
class Step:
    kind: str
    data: dict = field(default_factory=dict)
    gap: tuple[int, int] | None = None  # overrides GAPS[kind]
    days_ago: int = 0
    when: datetime.datetime | None = None

    @property
    def date(self) -> datetime.date:
        return timezone.localdate(self.when)


@dataclass
class YouthPlan:
    external_id: str
    stage: str
    service_index: int
    fields: dict
    objective_codes: list[str]
    steps: list[Step]


def _birth_date(rng, age: int, today: datetime.date) -> datetime.date:
    """Someone who is `age` today."""
    return years_before(today, age) - datetime.timedelta(days=rng.randint(1, 360))


def _school_level(rng, age: int, entrant: bool) -> str | None:
    if entrant:
        return "6e"
    if age <= 9:
        return None  # CE2, CM1: not in the list
    if age >= 18:
        return rng.choices(
            ["post_bac", "insertion", "bac_pro", "cap", "tle", "descolarise"], [3, 4, 3, 3, 1, 1]
        )[0]
    if age >= 15 and rng.random() < 0.12:
        return rng.choice(["descolarise", "insertion"])
    if age >= 15 and rng.random() < 0.3:
        return rng.choice(["cap", "bac_pro"])
    # Many youths in care are a year behind.
    levels = ["cm2", "6e", "5e", "4e", "3e", "2nde", "1re", "tle"]
    index = age - 10 - (1 if rng.random() < 0.3 else 0)
    return levels[max(0, min(index, len(levels) - 1))]


def _objectives(rng, age: int) -> list[str]:
    if age <= 13:
        weights = {"school_support": 50, "socio_emotional": 40, "orientation": 10}
    elif age <= 16:
        weights = {"school_support": 35, "orientation": 35, "socio_emotional": 25, "job_insertion": 5}
    else:
        weights = {"orientation": 30, "job_insertion": 40, "socio_emotional": 20, "school_support": 10}
    codes = rng.choices(list(weights), list(weights.values()), k=2)
    return codes[:1] if rng.random() < 0.55 or codes[0] == codes[1] else codes


def _consents(rng, legal_status: str, holders: int, first_name_gender: str, last_name: str) -> list[Step]:
    """The consents the legal status requires, as steps, in the order they are usually given."""
    steps = []
    for kind, count in rules.required_consents(legal_status, holders).items():
        for n in range(count):
            if kind == ConsentKind.YOUTH_ADHESION:
                given_by = "la jeune" if first_name_gender == "f" else "le jeune"
                method = rng.choice([ConsentMethod.ORAL, ConsentMethod.ORAL, ConsentMethod.WRITTEN])
            elif kind == ConsentKind.PARENT:
                other = rng.choice(SURNAMES) if rng.random() < 0.4 else last_name
                given_by = f"Mme {other}, mère" if n == 0 else f"M. {last_name}, père"
                method = rng.choice([ConsentMethod.FORM, ConsentMethod.WRITTEN])
            elif kind == ConsentKind.DELEGATE:
                given_by = rng.choice(
                    [
                        "Service de l'ASE, délégataire de l'autorité parentale",
                        f"Mme {rng.choice(SURNAMES)}, tiers délégataire",
                    ]
                )
                method = ConsentMethod.WRITTEN
            elif kind == ConsentKind.TUTOR:
                given_by = "Le représentant du préfet, tuteur des pupilles de l'État"
                method = ConsentMethod.WRITTEN
            elif kind == ConsentKind.FAMILY_COUNCIL:
                given_by = "Conseil de famille des pupilles de l'État"
                method = ConsentMethod.DECISION
            else:
                given_by = "la jeune majeure" if first_name_gender == "f" else "le jeune majeur"
                method = ConsentMethod.FORM
            steps.append(Step("consent", {"kind": kind, "given_by": given_by, "method": method}))
    return steps


def _stage_steps(rng, stage: str, legal_status: str, consents: list[Step]) -> list[Step]:
    """The services a stage goes through, in order (dates come later)."""
    in_interest = {"conclusion": AssessmentConclusion.IN_INTEREST}
    assessed = [Step("assessment", in_interest)]
    accepted = [Step("proposal", {"outcome": ProposalOutcome.ACCEPTED})]
    ready = assessed + accepted + consents
    sent = [*ready, Step("referral"), Step("submit")]
    if stage == "too_young":
        return []
    if stage == "to_propose":
        return assessed if rng.random() < 0.4 else []
    if stage in ("postponed", "postponed_due"):
        return [*assessed, Step("proposal", {"outcome": ProposalOutcome.POSTPONED})]
    if stage == "declined":
        outcomes = [ProposalOutcome.DECLINED_YOUTH, ProposalOutcome.NOT_IN_INTEREST]
        if legal_status == LegalStatus.PARENTS:
            outcomes.append(ProposalOutcome.DECLINED_GUARDIANS)
        outcome = rng.choice(outcomes)
        if outcome == ProposalOutcome.NOT_IN_INTEREST:
            return [
                Step("assessment", {"conclusion": AssessmentConclusion.NOT_IN_INTEREST}),
                Step("proposal", {"outcome": outcome}),
            ]
        return [*assessed, Step("proposal", {"outcome": outcome})]
    if stage == "assessment_missing":
        # The decree's order (art. D.221-34): assessed, then proposed; the assessment has lapsed since.
        late = Step("proposal", {"outcome": ProposalOutcome.ACCEPTED}, gap=(330, 360))
        return [*assessed, late, *consents[:1]]
    if stage == "assessment_expired":
        given = consents if rng.random() < 0.5 else consents[:1]
        return [*assessed, Step("proposal", {"outcome": ProposalOutcome.ACCEPTED}, gap=(120, 160)), *given]
    if stage == "consents_incomplete":
        drop_two = len(consents) > 2 and legal_status != LegalStatus.WARD and rng.random() < 0.3
        keep = len(consents) - (2 if drop_two else 1)
        steps = assessed + accepted + consents[:keep]
        return steps + ([Step("referral")] if rng.random() < 0.1 else [])  # a draft prepared early
    if stage == "consent_withdrawn":
        return [*sent, Step("route"), Step("withdraw_consent")]
    if stage == "draft":
        return [*ready, Step("referral")]
    if stage in ("submitted", "submitted_stalled"):
        return sent
    if stage in ("routed", "routed_stalled"):
        return [*sent, Step("route")]
    if stage in ("accepted", "accepted_stalled"):
        return [*sent, Step("route"), Step("accept")]
    if stage == "declined_in_queue":
        return [*sent, Step("route"), Step("decline")]
    if stage == "declined_rerouted":
        end = [Step("accept")] if rng.random() < 0.5 else []
        return [*sent, Step("route"), Step("decline"), Step("route"), *end]
    if stage == "archived":
        story = rng.choice(["end_of_care", "move", "declined"])
        if story == "end_of_care":
            return [
                *sent,
                Step("route"),
                Step("accept"),
                Step("archive", {"reason": "end_of_care"}, gap=(20, 90)),
            ]
        if story == "declined":
            return [
                *assessed,
                Step("proposal", {"outcome": ProposalOutcome.DECLINED_YOUTH}),
                Step("archive", {"reason": "end_of_care"}),
            ]
        return [*assessed, Step("archive", {"reason": "move"})]
    raise ValueError(stage)


def _date_steps(rng, stage: str, steps: list[Step], now: datetime.datetime) -> None:
    """Walk back from the last step: each step is a few days after the one before it."""
    steps[-1].days_ago = rng.randint(*LAST_STEP[stage])
    for i in range(len(steps) - 2, -1, -1):
        after = steps[i + 1]
        steps[i].days_ago = after.days_ago + rng.randint(*(after.gap or GAPS[after.kind]))
    previous = None
    for step in steps:
        day = timezone.localdate(now) - datetime.timedelta(days=step.days_ago)
        if previous is not None and timezone.localdate(previous) == day:
            when = previous + datetime.timedelta(minutes=rng.randint(5, 50))
        else:
            when = timezone.make_aware(
                datetime.datetime.combine(day, datetime.time(8, 30))
                + datetime.timedelta(minutes=rng.randint(0, 540))
            )
        step.when = previous = when
    # Today's steps stay in the past, in order.
    late = [step for step in steps if step.when >= now]
    for n, step in enumerate(late):
        step.when = now - datetime.timedelta(minutes=5 * (len(late) - n))


def plan_youths(count: int = YOUTH_COUNT, *, now: datetime.datetime | None = None) -> list[YouthPlan]:
    """The demo's youths, decided by a fixed random generator: the same plans at every run of a day."""
    rng = random.Random(YOUTHS_SEED)
    now = now or timezone.now()
    today = timezone.localdate(now)
    stages = [stage for stage, n in STAGES.items() for _ in range(n)]
    stages = (stages * (count // len(stages) + 1))[:count]
    rng.shuffle(stages)
    plans = []
    wards_waiting = 0
    for number, stage in enumerate(stages, start=1):
        service_index = rng.choices(range(len(SERVICE_SHARES)), SERVICE_SHARES)[0]
        gender = rng.choices(["f", "m", "x"], [49, 49, 2])[0]
        first_name = rng.choice({"f": GIRLS, "m": BOYS, "x": EPICENE}[gender])
        last_name = rng.choice(SURNAMES)
        entrant = stage in ("to_propose", "consents_incomplete", "draft", "accepted") and rng.random() < 0.08
        if stage == "too_young":
            age = rng.choice([8, 9, 9, 10, 10])
        elif entrant:
            age = 10
        elif stage == "archived":
            age = rng.randint(15, 20)
        else:
            age = rng.choices(list(AGE_WEIGHTS), list(AGE_WEIGHTS.values()))[0]
        if age >= 18:
            legal_status, measure = LegalStatus.YOUNG_ADULT, "apjm"
        else:
            legal_status = rng.choices(
                [LegalStatus.PARENTS, LegalStatus.DELEGATED, LegalStatus.WARD], [76, 20, 4]
            )[0]
            if stage == "consents_incomplete" and (wards_waiting < 2 or rng.random() < 0.1):
                # Wards waiting for the family council, which meets once a month.
                legal_status, wards_waiting = LegalStatus.WARD, wards_waiting + 1
            measure = {
                LegalStatus.PARENTS: rng.choices(
                    ["placement_judiciaire", "accueil_provisoire", "aemo", "aed"], [55, 22, 13, 10]
                )[0],
                LegalStatus.DELEGATED: rng.choices(["dap", "placement_judiciaire"], [85, 15])[0],
                LegalStatus.WARD: "pupille",
            }[legal_status]
        holders = rng.choices([2, 1], [60, 40])[0] if legal_status == LegalStatus.PARENTS else 1
        if legal_status == LegalStatus.YOUNG_ADULT:
            placement = rng.choice(PLACEMENTS_YOUNG_ADULT)
        elif measure in ("aemo", "aed"):
            placement = "Domicile familial"
        else:
            placement = rng.choice(PLACEMENTS_BY_SERVICE.get(service_index, PLACEMENTS))
        # A separate generator, so adding these fields does not reshuffle the rest of the demo.
        extra = random.Random(f"{first_name} {last_name} {age}")
        fields = {
            "subjects": sorted(extra.sample(Subject.values, extra.randint(0, 2))) if age < 18 else [],
            "languages": "Français" + (f", {extra.choice(HOME_LANGUAGES)}" if extra.random() < 0.25 else ""),
            "first_name": first_name,
            "last_name": last_name,
            "gender": gender,
            "birth_date": _birth_date(rng, age, today),
            "school_level": _school_level(rng, age, entrant),
            "care_measure": measure,
            "legal_status": legal_status,
            "authority_holders": holders,
            "commune_draw": rng.random(),
            "placement_structure": placement,
            "modality": rng.choices([Modality.IN_PERSON, Modality.HYBRID, Modality.REMOTE], [65, 25, 10])[0],
            "availability": sorted(rng.sample(SLOTS_LIKELY, rng.randint(1, 4))),
            "interests": ", ".join(rng.sample(INTERESTS, rng.randint(1, 3))),
            "mentor_gender_preference": (gender if gender != "x" and rng.random() < 0.2 else ""),
            "mentor_preferences": rng.choice(MENTOR_WISHES) if rng.random() < 0.2 else "",
            "notes": rng.choice(INTERNAL_NOTES) if rng.random() < 0.1 else "",
        }
        consents = _consents(rng, legal_status, holders, gender, last_name)
        steps = [Step("create"), *_stage_steps(rng, stage, legal_status, consents)]
        _date_steps(rng, stage, steps, now)
        proposal = next((s for s in steps if s.kind == "proposal"), None)
        if proposal and proposal.data["outcome"] == ProposalOutcome.POSTPONED:
            if stage == "postponed_due":
                until = today - datetime.timedelta(days=rng.randint(1, 40))
                until = max(until, proposal.date + datetime.timedelta(days=30))
            else:
                until = today + datetime.timedelta(days=rng.randint(20, 150))
            proposal.data["postponed_until"] = until
        plans.append(
            YouthPlan(
                external_id=f"DEMO-{number:04d}",
                stage=stage,
                service_index=service_index,
                fields=fields,
                objective_codes=_objectives(rng, age),
                steps=steps,
            )
        )
    return plans


def _first_user(world: DemoWorld, key: str, roles) -> User | None:
    for role in roles:
        for email, _first, _last, memberships, _admin in PEOPLE:
            if (key, role) in memberships:
                return world.users[email]
    return None


class _Pathway:
    """Runs plans through the services, then moves the timestamps they wrote back to the planned dates."""

    def __init__(self, world: DemoWorld):
        self.departement = world.departement
        self.ase_services = world.ase_services
        self.pilot = _first_user(world, "departement", [Role.PILOT])
        self.referrers = {
            i: _first_user(world, f"ase:{i}", [Role.REFERRER]) for i in range(len(world.ase_services))
        }
        self.association_staff = {
            association.pk: _first_user(world, f"association:{i}", [Role.COORDINATOR, Role.MANAGER])
            for i, association in enumerate(world.associations)
        }
        self.references = {
            kind: {item.code: item for item in ReferenceItem.objects.of(self.departement, kind)}
            for kind in ReferenceKind
        }
        communes = list(
            Commune.objects.filter(departement_code=DEPARTEMENT_CODE, population__gt=0).order_by("insee_code")
        )
        arrondissement_of = {c.name: c.arrondissement_code for c in communes}
        self.areas = []
        for chefs_lieux, exponent in SERVICE_AREAS:
            codes = {arrondissement_of[name] for name in chefs_lieux if name in arrondissement_of}
            pool = [c for c in communes if not codes or c.arrondissement_code in codes]
            weights = (c.population**exponent * (2 if c.name in TOWNS else 1) for c in pool)
            self.areas.append((pool, list(itertools.accumulate(weights))))

    def _commune(self, service_index: int, draw: float) -> Commune | None:
        pool, cumulative = self.areas[service_index]
        if not pool:
            return None
        return pool[min(bisect.bisect(cumulative, draw * cumulative[-1]), len(pool) - 1)]

    def run(self, plan: YouthPlan) -> Youth:
        service = self.ase_services[plan.service_index]
        referrer = self.referrers.get(plan.service_index)
        # Services without a referrer account sent their list: the pilot imported it and follows it.
        by, organisation = (referrer, service) if referrer else (self.pilot, self.departement)
        fields = dict(plan.fields)
        level, measure = fields.pop("school_level"), fields.pop("care_measure")
        youth = Youth(
            departement=self.departement,
            ase_service=service,
            referrer=referrer,
            external_id=plan.external_id,
            school_level=self.references[ReferenceKind.SCHOOL_LEVEL].get(level) if level else None,
            care_measure=self.references[ReferenceKind.CARE_MEASURE].get(measure),
            commune=self._commune(plan.service_index, fields.pop("commune_draw")),
            **fields,
        )
        objectives = [
            self.references[ReferenceKind.OBJECTIVE][code]
            for code in plan.objective_codes
            if code in self.references[ReferenceKind.OBJECTIVE]
        ]
        windows = []  # (start, planned time): rows written by a step are moved to its planned time
        referral = None
        consents: list[Consent] = []
        youth_dates: dict[str, datetime.datetime] = {}
        referral_dates: dict[str, datetime.datetime] = {}
        dated: list[tuple[models.Model, datetime.datetime]] = []
        for step in plan.steps:
            windows.append((timezone.now(), step.when))
            if step.kind == "create":
                youth_services.youth_save(
                    youth=youth,
                    objectives=objectives,
                    by=by,
                    organisation=organisation,
                    imported=not referrer,
                )
                youth_dates["created_at"] = step.when
            elif step.kind == "assessment":
                assessment = youth_services.assessment_record(
                    youth=youth,
                    by=by,
                    organisation=organisation,
                    date=step.date,
                    author_name=(
                        f"{referrer.get_full_name()}, référent·e ASE"
                        if referrer and step.days_ago % 3
                        else ASSESSORS[step.days_ago % len(ASSESSORS)]
                    ),
                    conclusion=step.data["conclusion"],
                    ppe_reference=(
                        f"PPE du {step.date:%d/%m/%Y}" if step.days_ago % 2 else "Rapport de situation annuel"
                    ),
                )
                dated.append((assessment, step.when))
            elif step.kind == "proposal":
                youth_services.proposal_record(
                    youth=youth,
                    by=by,
                    organisation=organisation,
                    outcome=step.data["outcome"],
                    date=step.date,
                    postponed_until=step.data.get("postponed_until"),
                )
            elif step.kind == "consent":
                document = None
                if step.data["kind"] in rules.WRITTEN_KINDS:
                    document = ContentFile(DEMO_SCAN, name="scan.pdf")
                consent = youth_services.consent_record(
                    youth=youth,
                    by=by,
                    organisation=organisation,
                    date=step.date,
                    document=document,
                    **step.data,
                )
                consents.append(consent)
                dated.append((consent, step.when))
            elif step.kind == "withdraw_consent":
                consent = consents[-1]
                youth_services.consent_withdraw(
                    consent=consent,
                    by=by,
                    organisation=organisation,
                    note=WITHDRAWAL_NOTES.get(consent.kind, "Accord retiré."),
                )
                Consent.objects.filter(pk=consent.pk).update(withdrawn_at=step.when)
                referral_dates["withdrawn_at"] = step.when
            elif step.kind == "referral":
                referral = youth_services.referral_create(
                    youth=youth, by=by, organisation=organisation, message=_referral_message(youth)
                )
                referral_dates["created_at"] = step.when
            elif step.kind == "submit":
                youth_services.referral_submit(referral=referral, by=by, organisation=organisation)
                referral_dates["submitted_at"] = step.when
            elif step.kind == "route":
                youth_services.referral_route(
                    referral=referral,
                    association=self._best_association(referral),
                    by=self.pilot,
                    organisation=self.departement,
                )
                referral_dates["routed_at"] = step.when
            elif step.kind in ("accept", "decline"):
                referral.refresh_from_db()
                association = referral.association
                staff = self.association_staff[association.pk]
                if step.kind == "accept":
                    youth_services.referral_accept(referral=referral, by=staff, organisation=association)
                    referral_dates["accepted_at"] = step.when
                else:
                    reason = self._decline_reason(referral, step)
                    youth_services.referral_decline(
                        referral=referral,
                        by=staff,
                        organisation=association,
                        reason=reason,
                        comment=DECLINE_COMMENTS[step.days_ago % 2] if reason.code == "other" else "",
                    )
                    referral_dates["declined_at"] = step.when
            elif step.kind == "archive":
                youth_services.youth_archive(
                    youth=youth, by=by, organisation=organisation, reason_code=step.data["reason"]
                )
                youth_dates["archived_at"] = step.when
                referral_dates["withdrawn_at"] = step.when
            else:
                raise ValueError(step.kind)
        self._backdate(youth, referral, windows, youth_dates, referral_dates, dated)
        return youth

    def _best_association(self, referral: Referral):
        """The first association the routing suggests; the pilot's pick when none fits."""
        ranked = suggestions(referral)
        fitting = [s for s in ranked if s.fits]
        if fitting:
            return fitting[0].association
        return next(s.association for s in ranked if "a déjà refusé cette orientation" not in s.reasons)

    def _decline_reason(self, referral: Referral, step: Step) -> ReferenceItem:
        reasons = self.references[ReferenceKind.DECLINE_REASON]
        fits = next((s for s in suggestions(referral) if s.association.pk == referral.association_id), None)
        if fits is not None and "capacité atteinte" in fits.reasons:
            return reasons["no_capacity"]
        return reasons[["no_capacity", "other", "no_capacity", "objective_mismatch"][step.days_ago % 4]]

    def _backdate(self, youth, referral, windows, youth_dates, referral_dates, dated) -> None:
        """One UPDATE per table: whatever a step wrote between its start and the next step's start
        takes the step's planned time (timeline, access log, history)."""
        starts = [start for start, _when in windows]
        ends = [*starts[1:], timezone.now() + datetime.timedelta(seconds=1)]
        for model, column, filters in (
            (YouthEvent, "at", {"youth": youth}),
            (AccessLog, "at", {}),
            (Youth.history.model, "history_date", {"id": youth.pk}),
            (Referral.history.model, "history_date", {"youth_id": youth.pk}),
        ):
            cases = [
                When(**{f"{column}__gte": start, f"{column}__lt": end}, then=Value(when))
                for start, end, (_start, when) in zip(starts, ends, windows, strict=True)
            ]
            model.objects.filter(**{f"{column}__gte": starts[0]}, **filters).update(
                **{column: Case(*cases, default=F(column), output_field=models.DateTimeField())}
            )
        last = windows[-1][1]
        Youth.objects.filter(pk=youth.pk).update(updated_at=last, **youth_dates)
        if referral is not None:
            if (
                "withdrawn_at" in referral_dates
                and not Referral.objects.filter(pk=referral.pk, state=ReferralState.WITHDRAWN).exists()
            ):
                referral_dates.pop("withdrawn_at")
            Referral.objects.filter(pk=referral.pk).update(
                updated_at=max(referral_dates.values()), **referral_dates
            )
        for obj, when in dated:
            type(obj).objects.filter(pk=obj.pk).update(created_at=when, updated_at=when)


def _referral_message(youth: Youth) -> str:
    interests = youth.interests.split(", ")[0] if youth.interests else ""
    return (
        f"{youth.first_name} est volontaire et attend beaucoup de cette rencontre."
        + (f" Passionné·e de {interests}." if interests else "")
        + " Prévenir le lieu d'accueil avant chaque rendez-vous."
    )


def build_youths(world: DemoWorld) -> int:
    """A few hundred youths at every stage of the pathway, through the same services as the forms.

    Keyed on external_id ("DEMO-0001"…): a youth already there is skipped. Returns how many were added."""
    plans = plan_youths()
    existing = set(
        Youth.objects.filter(departement=world.departement, external_id__startswith="DEMO-").values_list(
            "external_id", flat=True
        )
    )
    plans = [plan for plan in plans if plan.external_id not in existing]
    if not plans:
        return 0
    pathway = _Pathway(world)
    # Past events: the e-mails they would have sent are not sent now.
    with emails.suppressed():
        for plan in plans:
            pathway.run(plan)
    return len(plans)


@transaction.atomic
def build_demo() -> DemoWorld:
    world = build_departement()
    build_partners(world)
    build_people(world)
    build_capacity_checks(world)
    build_routing_scopes(world)
    build_youths(world)
    build_mentors(world)
    return world
