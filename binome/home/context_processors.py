from django.conf import settings

from binome.accounts.perms import can

NAVIGATION = [
    # (label, url name, policy)
    ("Accueil", "home", "account"),
    ("Jeunes", "youths:list", "youths.view"),
    ("Orientations", "youths:routing_queue", "referrals.route"),
    ("Orientations reçues", "youths:inbox", "referrals.receive"),
    ("Mentors", "mentors:list", "mentors.manage"),
    ("Formations", "mentors:training_list", "mentors.manage"),
    ("Dossiers bloqués", "youths:blocked", "referrals.route"),
    ("Honorabilité", "mentors:check_list", "honorability.manage"),
    ("Couverture", "youths:coverage", "coverage.view"),
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
