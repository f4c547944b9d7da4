from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse

from binome.accounts.models import Role
from binome.accounts.perms import ASSOCIATION_ROLES, can


@dataclass(frozen=True)
class Link:
    label: str
    url_name: str
    policy: str
    # Narrows who sees the entry among those the policy lets in (the page still guards itself): the
    # same page may be named for each kind of organisation, or left out of a menu kept short.
    roles: frozenset | None = None

    def shown(self, request) -> bool:
        if not can(request, self.policy):
            return False
        membership = getattr(request, "membership", None)
        return self.roles is None or (membership is not None and membership.role in self.roles)


@dataclass(frozen=True)
class Group:
    label: str
    links: tuple[Link, ...]


# The main navigation, the one place where it is declared: each entry keeps the policy of the page it
# leads to, so a user sees only what they may use. Groups follow the work rather than the apps; a group
# left with one entry for a role shows that entry directly, and an empty group disappears.
NAVIGATION = (
    Link("Accueil", "home", "account"),
    Group(
        "Parcours des jeunes",
        (
            Link("Jeunes", "youths:list", "youths.view"),
            Link("Orientations", "youths:routing_queue", "referrals.route"),
            Link("Orientations reçues", "youths:inbox", "referrals.receive"),
            Link("Dossiers bloqués", "youths:blocked", "referrals.route"),
            Link("Attente de binôme", "matching:departement", "matching.overview"),
            Link("Couverture", "youths:coverage", "coverage.view"),
        ),
    ),
    Group(
        "Mentors et binômes",
        (
            Link("Mentors", "mentors:list", "mentors.manage", roles=ASSOCIATION_ROLES),
            # Every referrer: a service records and vets its mentors before the département gives it a
            # youth (art. D.221-36); its training sessions are reached from that page.
            Link("Mentors du service", "mentors:list", "mentors.manage", roles=frozenset({Role.REFERRER})),
            Link("Formations", "mentors:training_list", "mentors.manage", roles=ASSOCIATION_ROLES),
            Link("Honorabilité", "mentors:check_list", "honorability.manage"),
            Link("Mise en binôme", "matching:table", "matching.manage"),
            Link("Propositions", "matching:proposals", "matching.manage"),
            Link("Binômes", "mentorships:portfolio", "mentorships.view"),
            Link("Activités", "mentorships:activity_list", "activities.manage"),
        ),
    ),
    Group(
        "Pilotage",
        (
            Link("Tableau de bord", "steering:dashboard", "steering.view"),
            Link("Suivi mensuel", "reporting:periods", "reporting.view"),
            Link("Suivi mensuel", "reporting:my_reports", "reporting.fill"),
            Link("Suivi des binômes", "mentorships:overview", "mentorships.overview"),
            Link("Vue nationale", "steering:national", "steering.national"),
        ),
    ),
    Group(
        "Administration",
        (
            Link("Partenaires", "accounts:partner_list", "partners.view"),
            Link("Conventions", "conventions:convention_list", "conventions.view"),
            Link("Équipe", "accounts:members", "org.view"),
            Link("Jetons d'API", "api:tokens", "api.tokens"),
            Link("Organisations", "accounts:platform_organisations", "platform.admin"),
            Link("Comptes", "accounts:platform_accounts", "platform.admin"),
            Link("Journal d'accès", "audit:access_log", "audit.view"),
            Link("Paramètres", "youths:reference_lists", "references.manage"),
        ),
    ),
)


@dataclass
class NavLink:
    label: str
    url: str
    current: str = ""  # the value of aria-current: "page" (this page), "true" (a page within its section)


@dataclass
class NavGroup:
    label: str
    links: list[NavLink]

    @property
    def current(self) -> bool:
        return any(link.current for link in self.links)


def navigation(request) -> list[NavLink | NavGroup]:
    """The entries the current user may use, grouped, with the current page and its section marked.

    A page below an entry's address (a youth's file below « Jeunes ») belongs to that entry's section:
    the longest matching address wins, the home page matches only itself."""
    items = []
    for item in NAVIGATION:
        if isinstance(item, Link):
            if item.shown(request):
                items.append(NavLink(item.label, reverse(item.url_name)))
            continue
        links = [NavLink(link.label, reverse(link.url_name)) for link in item.links if link.shown(request)]
        if len(links) == 1:
            items.append(links[0])
        elif links:
            items.append(NavGroup(item.label, links))
    every_link = [link for item in items for link in getattr(item, "links", [item])]
    path = request.path
    section = max(
        (link for link in every_link if link.url == path or (link.url != "/" and path.startswith(link.url))),
        key=lambda link: len(link.url),
        default=None,
    )
    if section is not None:
        section.current = "page" if section.url == path else "true"
    return items


def shell(request):
    user = getattr(request, "user", None)
    context = {
        "brand_name": settings.BINOME_BRAND_NAME,
        "brand_tagline": settings.BINOME_BRAND_TAGLINE,
        "brand_logo": settings.BINOME_BRAND_LOGO,
        "demo_mode": settings.BINOME_DEMO,
        "mfa_relaxed": not settings.BINOME_REQUIRE_MFA,
    }
    if user is not None and user.is_authenticated:
        context["navigation"] = navigation(request)
        context["current_membership"] = getattr(request, "membership", None)
        context["my_memberships"] = getattr(request, "memberships", [])
    return context
