from django.conf import settings

from binome.accounts.perms import can

NAVIGATION = [
    # (label, url name, policy)
    ("Accueil", "home", "account"),
    ("Jeunes", "youths:list", "youths.view"),
    ("Orientations", "youths:routing_queue", "referrals.route"),
    ("Orientations reçues", "youths:inbox", "referrals.receive"),
    ("Mise en binôme", "matching:table", "matching.manage"),
    ("Propositions", "matching:proposals", "matching.manage"),
    ("Mentors", "mentors:list", "mentors.manage"),
    ("Formations", "mentors:training_list", "mentors.manage"),
    ("Binômes", "mentorships:portfolio", "mentorships.view"),
    ("Activités", "mentorships:activity_list", "activities.manage"),
    ("Dossiers bloqués", "youths:blocked", "referrals.route"),
    ("Honorabilité", "mentors:check_list", "honorability.manage"),
    ("Couverture", "youths:coverage", "coverage.view"),
    ("Suivi des binômes", "mentorships:overview", "mentorships.overview"),
    ("Tableau de bord", "steering:dashboard", "steering.view"),
    ("Suivi mensuel", "reporting:periods", "reporting.view"),
    ("Suivi mensuel", "reporting:my_reports", "reporting.fill"),
    ("Attente de binôme", "matching:departement", "matching.overview"),
    ("Partenaires", "accounts:partner_list", "partners.view"),
    ("Conventions", "accounts:convention_list", "conventions.view"),
    ("Équipe", "accounts:members", "org.view"),
    ("Journal d'accès", "audit:access_log", "audit.view"),
    ("Paramètres", "youths:reference_lists", "references.manage"),
]


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
        context["navigation"] = [(label, name) for label, name, rule in NAVIGATION if can(request, rule)]
        context["current_membership"] = getattr(request, "membership", None)
        context["my_memberships"] = getattr(request, "memberships", [])
    return context
