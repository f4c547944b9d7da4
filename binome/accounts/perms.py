"""Who may do what: the one place where access rules live.

Every view of ours carries `@policy("name")`. A policy names the roles of the *current*
membership that may use the view. Which rows a permitted user then sees is decided by the
`visible_to(...)` querysets of each model, so another organisation's object answers 404.

`docs/permissions.md` is generated from this file (`manage.py permissions_matrix`), and
`tests/accounts/test_permission_matrix.py` fails on any URL without a policy.
"""

from dataclasses import dataclass, field
from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from binome.accounts.models import Role

ALL_ROLES = frozenset(Role)
DEPARTEMENT_ROLES = frozenset({Role.PILOT, Role.VIEWER})
ASSOCIATION_ROLES = frozenset({Role.MANAGER, Role.COORDINATOR})


@dataclass(frozen=True)
class Policy:
    description: str
    roles: frozenset = field(default_factory=frozenset)
    anonymous: bool = False  # reachable without logging in
    any_user: bool = False  # any logged-in user, even without an organisation
    platform_admin: bool = False  # platform administrators (is_staff), whatever their membership

    def allows(self, user, membership) -> bool:
        if self.anonymous:
            return True
        if not user.is_authenticated:
            return False
        if self.any_user:
            return True
        if self.platform_admin and user.is_staff:
            return True
        return membership is not None and membership.role in self.roles


POLICIES: dict[str, Policy] = {
    "public": Policy("Accessible sans connexion (connexion, invitation, feuille de style)", anonymous=True),
    "account": Policy(
        "Toute personne connectée, même sans organisation (accueil, changement d'organisation)", any_user=True
    ),
    "org.view": Policy("Voir son organisation et l'annuaire de ses collègues", roles=ALL_ROLES),
    "members.manage": Policy(
        "Inviter des collègues, annuler une invitation, désactiver un membre",
        roles=frozenset({Role.PILOT, Role.MANAGER}),
    ),
    "conventions.view": Policy(
        "Voir les conventions département–association qui concernent son organisation",
        roles=frozenset({Role.PILOT, Role.VIEWER, Role.MANAGER}),
    ),
    "conventions.manage": Policy(
        "Créer et modifier les conventions du département", roles=frozenset({Role.PILOT})
    ),
    "conventions.answer": Policy(
        "Accepter ou refuser une convention proposée par un département où l'association n'est pas implantée",
        roles=frozenset({Role.MANAGER}),
    ),
    "org.details": Policy(
        "Corriger le nom, le SIRET, le numéro RNA et les coordonnées de sa propre organisation",
        roles=frozenset({Role.PILOT, Role.MANAGER}),
    ),
    "partners.view": Policy("Voir les associations et services ASE du département", roles=DEPARTEMENT_ROLES),
    "partners.manage": Policy(
        "Ajouter une association (recherchée sur la plateforme, sinon créée) ou un service ASE, inviter le "
        "premier responsable d'une association ou d'un service, corriger leurs coordonnées (ses services "
        "ASE ; une association qu'elle a ajoutée, tant que sa ou son responsable n'a pas de compte)",
        roles=frozenset({Role.PILOT}),
    ),
    "label.record": Policy(
        "Enregistrer le Label Mentorat d'une association (étape, niveau, dates) : son ou sa responsable, ou "
        "la chargée de mission d'un département qui la connaît",
        roles=frozenset({Role.PILOT, Role.MANAGER}),
    ),
    "youths.view": Policy(
        "Voir les jeunes de son service ASE (référent) ou de son département (chargé·e de mission)",
        roles=frozenset({Role.PILOT, Role.REFERRER}),
    ),
    "youths.edit": Policy(
        "Créer, importer et mettre à jour les jeunes : évaluation, proposition, consentements, orientation",
        roles=frozenset({Role.PILOT, Role.REFERRER}),
    ),
    "referrals.route": Policy(
        "Orienter les fiches vers une association, voir les dossiers bloqués, régler le parcours",
        roles=frozenset({Role.PILOT}),
    ),
    "referrals.receive": Policy(
        "Recevoir les orientations de son association : profil semi-anonyme, accepter ou refuser",
        roles=ASSOCIATION_ROLES,
    ),
    "mentors.manage": Policy(
        "Gérer les mentors de son association : candidatures, étapes, formations ; le référent ASE pour "
        "les mentors de son propre service, qui coordonne des binômes à défaut d'association (art. D.221-36)",
        roles=frozenset({Role.MANAGER, Role.COORDINATOR, Role.REFERRER}),
    ),
    "matching.manage": Policy(
        "Table des matchings de son association : listes classées, propositions, valider ou écarter un binôme",
        roles=ASSOCIATION_ROLES,
    ),
    "matching.weights": Policy(
        "Régler les poids des critères de mise en binôme de son association", roles=frozenset({Role.MANAGER})
    ),
    "matching.overview": Policy(
        "Voir l'attente de mise en binôme par association (chiffres, sans nom)", roles=DEPARTEMENT_ROLES
    ),
    "matching.departement_run": Policy(
        "Lancer le calcul des propositions pour toutes les associations du département",
        roles=frozenset({Role.PILOT}),
    ),
    "honorability.manage": Policy(
        "Demander et enregistrer les contrôles d'honorabilité des mentors des associations conventionnées",
        roles=frozenset({Role.PILOT}),
    ),
    "coverage.view": Policy(
        "Voir la couverture de l'obligation légale (chiffres agrégés, sans nom)", roles=DEPARTEMENT_ROLES
    ),
    "references.manage": Policy(
        "Adapter les listes de référence du département (niveaux, mesures, objectifs, motifs)",
        roles=frozenset({Role.PILOT}),
    ),
    "audit.view": Policy(
        "Consulter le journal d'accès (son territoire pour le département, tout pour l'administrateur)",
        roles=frozenset({Role.PILOT}),
        platform_admin=True,
    ),
    # Pairs (issue 6).
    "mentorships.view": Policy(
        "Voir les binômes : ceux de son association, ou ceux des jeunes de son service ASE ; la convention "
        "individuelle et son PDF",
        roles=frozenset({Role.MANAGER, Role.COORDINATOR, Role.REFERRER}),
    ),
    "mentorships.manage": Policy(
        "Suivre les binômes de son association : convention, lancement, rencontres, contacts, "
        "préoccupations, clôture, réouverture, reconduction, lien de l'espace mentor, questionnaires ; le "
        "référent ASE pour les binômes que son service coordonne à défaut d'association (art. D.221-36)",
        roles=frozenset({Role.MANAGER, Role.COORDINATOR, Role.REFERRER}),
    ),
    "mentorships.coordinate": Policy(
        "Mentorat confié à son service ASE à défaut d'association (art. D.221-36) : voir les jeunes en "
        "attente et former le binôme avec un mentor du service contrôlé par le département",
        roles=frozenset({Role.REFERRER}),
    ),
    "mentorships.sign": Policy(
        "Enregistrer les signatures de la convention individuelle (le référent ASE : celles du service "
        "et du lieu d'accueil)",
        roles=frozenset({Role.MANAGER, Role.COORDINATOR, Role.REFERRER}),
    ),
    "mentorships.review": Policy(
        "Enregistrer le bilan annuel d'un binôme avec l'avis du jeune (art. D.221-40 CASF)",
        roles=frozenset({Role.MANAGER, Role.COORDINATOR, Role.REFERRER}),
    ),
    "mentorships.settings": Policy(
        "Régler les règles de suivi des binômes de son association", roles=frozenset({Role.MANAGER})
    ),
    "mentorships.overview": Policy(
        "Voir la part des binômes à jour, à surveiller et en retard par association (chiffres agrégés, sans nom)",
        roles=DEPARTEMENT_ROLES,
    ),
    "agreements.template": Policy(
        "Adapter le modèle de convention individuelle du département (clauses, logo, durée)",
        roles=frozenset({Role.PILOT}),
    ),
    "activities.manage": Policy(
        "Organiser les activités collectives de son association : inscriptions et présences",
        roles=ASSOCIATION_ROLES,
    ),
    "mentor_space": Policy(
        "Espace du mentor, sans compte : lien personnel reçu par e-mail, limité à son binôme, session courte",
        anonymous=True,
    ),
    "surveys.answer": Policy(
        "Répondre à un questionnaire de binôme par le lien reçu (mentor) ou transmis (jeune)", anonymous=True
    ),
    "reporting.view": Policy(
        "Voir l'état du suivi mensuel des associations du département et produire le dossier du Cotech "
        "(chiffres agrégés, sans nom)",
        roles=DEPARTEMENT_ROLES,
    ),
    "reporting.steer": Policy(
        "Ouvrir une période de suivi mensuel, relancer une association", roles=frozenset({Role.PILOT})
    ),
    "reporting.read": Policy(
        "Lire un suivi mensuel transmis et ses versions (ceux de son association, ou des associations "
        "du département)",
        roles=frozenset({Role.PILOT, Role.VIEWER, Role.MANAGER, Role.COORDINATOR}),
    ),
    "reporting.fill": Policy(
        "Compléter le suivi mensuel de son association et importer ses données ; le transmettre : "
        "responsable, ou référent reporting nommé dans la convention",
        roles=ASSOCIATION_ROLES,
    ),
    "steering.view": Policy(
        "Voir le tableau de bord de pilotage et en exporter les tableaux (département : toutes ses "
        "associations ; association : ses propres chiffres) — chiffres agrégés, sans nom",
        roles=frozenset({Role.PILOT, Role.VIEWER, Role.MANAGER, Role.COORDINATOR}),
    ),
    "steering.export": Policy(
        "Télécharger le tableau de pilotage du département (xlsx, 6 onglets, données pseudonymisées)",
        roles=DEPARTEMENT_ROLES,
    ),
    "steering.settings": Policy(
        "Adapter le pilotage du département sans code : masquer les indicateurs qu'il n'utilise pas, ajouter "
        "les siens à partir de ses listes de référence, indiquer ses communes rurales",
        roles=frozenset({Role.PILOT}),
    ),
    "api.tokens": Policy(
        "Créer et révoquer les jetons d'API de son association (logiciel de l'association : CRM, Airtable…)",
        roles=frozenset({Role.MANAGER}),
    ),
    "steering.national": Policy(
        "Vue nationale : chaque département côte à côte pour une période, et son export xlsx (chiffres "
        "agrégés, sans nom) — administrateurs de la plateforme uniquement",
        platform_admin=True,
    ),
    "platform.admin": Policy(
        "Administration de la plateforme : créer un département, voir chaque organisation et ses membres "
        "actifs, corriger ses coordonnées, retrouver un compte par son e-mail, désactiver ou réactiver un "
        "compte — administrateurs de la plateforme uniquement",
        platform_admin=True,
    ),
}

# URL namespaces we do not write ourselves, and the rule that guards them.
THIRD_PARTY_POLICIES = {
    "admin": "Administrateurs de la plateforme uniquement (is_staff), connexion par allauth avec double authentification",
    "allauth": "Pages de connexion, mot de passe et double authentification (django-allauth)",
    "api": "API des associations (`/api/…`, Django REST framework) : jeton d'une association "
    "(`Authorization: Bearer`), portée par point d'accès et par méthode (tableau ci-dessous) ; le schéma "
    "et la documentation sont publics. Voir docs/api.md",
}


def get_policy(name: str) -> Policy:
    try:
        return POLICIES[name]
    except KeyError:  # a typo must fail loudly at import time, not silently allow
        raise KeyError(f"Politique d'accès inconnue : {name}") from None


def can(request, name: str) -> bool:
    return get_policy(name).allows(request.user, getattr(request, "membership", None))


def policy(name: str):
    """Guard a view: anonymous users go to login, others need a role listed in the policy."""
    rule = get_policy(name)

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not rule.anonymous and not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
            if not rule.allows(request.user, getattr(request, "membership", None)):
                raise PermissionDenied("Votre rôle ne permet pas d'accéder à cette page.")
            return view(request, *args, **kwargs)

        wrapped.binome_policy = name
        return wrapped

    return decorator
