"""The first day of a département: the services behind `setup_departement`, `setup_admin`, the
platform administrator's pages and the pilot's « Ajouter une association ».

Each is idempotent where a command calls it: running it again changes nothing and says so.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse

from binome.accounts.models import Invitation, Membership, Organisation, OrganisationKind, Role, User
from binome.accounts.services import invitation_issue, user_deactivate
from binome.audit.services import log_access
from binome.references.services import references_ensure_defaults
from binome.territories.services import (
    communes_load,
    departement_official_name,
    read_reference,
    territories_from_arrondissements,
)
from binome.utils.identifiers import normalise_number
from binome.utils.search import fold, search, words


@dataclass
class SetupReport:
    """What a set-up did, for the command to print and the page to show."""

    organisation: Organisation | None = None
    created: bool = False
    changes: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    link_path: str = ""  # the one-time link, when one was issued
    link_emailed: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.changes)


def departement_codes() -> dict[str, str]:
    """Official code → name, from @etalab/decoupage-administratif."""
    return {row["code"]: row["nom"] for row in read_reference("departements")}


def normalise_departement_code(code: str) -> str:
    code = (code or "").strip().upper()
    if code.isdigit() and len(code) == 1:
        code = f"0{code}"
    if code not in departement_codes():
        raise ValidationError({"code": f"« {code[:5]} » n'est pas un code de département (ex. 44, 2A, 974)."})
    return code


@transaction.atomic
def departement_setup(
    *, code: str, pilot_email: str = "", name: str = "", by: User | None = None, reinvite: bool = False
) -> SetupReport:
    """Create a département from its official code with everything it needs on day one — its
    communes, the national reference lists, one territory per arrondissement — and invite its first
    pilot. Run again, it creates only what is missing; a pending invitation is kept unless `reinvite`.
    `by` is the platform administrator, or None from the command line."""
    code = normalise_departement_code(code)
    name, pilot_email = _checked_setup_input(name=name, pilot_email=pilot_email)
    report = SetupReport()
    departement = Organisation.objects.departements().filter(insee_code=code).first()
    if departement is None:
        departement = Organisation(
            kind=OrganisationKind.DEPARTEMENT,
            insee_code=code,
            name=name or departement_official_name(code),
        )
        departement.full_clean()
        try:
            with transaction.atomic():
                departement.save()
        except IntegrityError:  # the same code from the command and the page at the same moment
            raise ValidationError(
                {"code": "Ce département vient d'être créé par ailleurs : relancez pour compléter."}
            ) from None
        report.created = True
        report.changes.append(f"département créé (code {code})")
        log_access(user=by, organisation=departement, action="create", obj=departement)
    elif name and name != departement.name:
        report.notes.append(f"le département existe déjà sous le nom « {departement.name} » (inchangé)")
    report.organisation = departement

    from binome.territories.models import Commune

    before = Commune.objects.filter(departement_code=code).count()
    total = communes_load(departement_code=code)
    if total > before:
        report.changes.append(f"{total - before} communes chargées ({total} au total)")
    created = references_ensure_defaults(departement=departement)
    if report.created:  # a new département gets the national lists as it is saved (references.signals)
        created = departement.reference_items.count()
    if created:
        report.changes.append(f"{created} entrées ajoutées aux listes de référence nationales")
    created = territories_from_arrondissements(departement=departement)
    if created:
        report.changes.append(f"{created} territoires créés (un par arrondissement)")

    if pilot_email:
        _invite_first(report, departement, pilot_email, Role.PILOT, by=by, reinvite=reinvite)
    return report


def _checked_setup_input(*, name: str, pilot_email: str) -> tuple[str, str]:
    """The command line reaches the service without a form: check here what a form would."""
    from django.core.validators import validate_email

    name = " ".join((name or "").split())
    pilot_email = (pilot_email or "").strip().lower()
    if "\x00" in name or len(name) > Organisation._meta.get_field("name").max_length:
        raise ValidationError({"name": "Nom illisible ou trop long (200 caractères au plus)."})
    if pilot_email:
        try:
            validate_email(pilot_email)
        except ValidationError:
            raise ValidationError(
                {
                    "pilot_email": "Adresse e-mail de la ou du chargé·e de mission invalide (ex. nom@departement.fr)."
                }
            ) from None
    return name, pilot_email


def _invite_first(report, organisation, email, role, *, by, reinvite):
    email = email.strip().lower()
    if Membership.objects.filter(organisation=organisation, user__email=email, is_active=True).exists():
        report.notes.append(f"{email} a déjà un compte dans {organisation}")
        return
    pending = Invitation.objects.pending().filter(organisation=organisation, email=email).first()
    if pending and not reinvite:
        report.notes.append(
            f"une invitation est déjà en attente pour {email} (expire le "
            f"{pending.expires_at:%d/%m/%Y}) : --renvoyer en envoie une nouvelle"
        )
        return
    _, report.link_path = invitation_issue(organisation=organisation, email=email, role=role, invited_by=by)
    report.link_emailed = True
    report.changes.append(f"invitation envoyée à {email}")


@transaction.atomic
def platform_admin_setup(*, email: str, reissue: bool = False) -> SetupReport:
    """Create a platform administrator without any password on the command line: the account gets an
    unusable password and a one-time link to choose one (allauth's reset link, valid
    PASSWORD_RESET_TIMEOUT); the authenticator app is then required at first login."""
    from django.core.validators import validate_email

    email = (email or "").strip().lower()
    validate_email(email)
    report = SetupReport()
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=None, is_staff=True, is_superuser=True)
        report.changes.append(f"administrateur créé : {email}")
    elif not user.is_staff or not user.is_superuser or not user.is_active:
        user.is_staff = user.is_superuser = user.is_active = True
        user.save(update_fields=["is_staff", "is_superuser", "is_active"])
        user.end_all_sessions()
        report.changes.append(f"{email} devient administrateur de la plateforme")
    else:
        report.notes.append(f"{email} est déjà administrateur de la plateforme")
    if report.changed and user.has_usable_password() and not reissue:
        report.notes.append("son mot de passe reste le même")
    elif report.changed or reissue:
        report.link_path = password_link_path(user)
    elif not user.has_usable_password():
        report.notes.append("aucun mot de passe choisi encore : --renvoyer donne un nouveau lien")
    return report


def password_link_path(user: User) -> str:
    """allauth's « choose a new password » link for `user` (single use: it dies with the change)."""
    from allauth.account.forms import default_token_generator
    from allauth.account.utils import user_pk_to_url_str

    return reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": default_token_generator.make_token(user)},
    )


# --- Associations: one row per association, whichever département brought it in ------------------


def association_search(terms: str, *, limit: int = 20):
    """Associations on the platform by name (case, accents, spaces and hyphens forgiven: « ecole »
    finds « École… », `utils.search`), SIRET/SIREN or RNA (public register numbers)."""
    terms = " ".join((terms or "").split())
    number = normalise_number(terms)
    if len(terms) < 3 or not (words(terms) or number):
        return Organisation.objects.none()  # « --- » has no word to look for: not the whole platform
    associations = Organisation.objects.associations().filter(is_active=True)
    condition = Q(pk__in=search(associations, terms, "name").values("pk"))
    if number.isdigit() and len(number) >= 9:
        condition |= Q(siret__startswith=number[:9])
    if number.startswith("W") and len(number) == 10:
        condition |= Q(rna=number)
    return associations.filter(condition).select_related("home_departement").order_by("name")[:limit]


def organisation_search(organisations, terms: str):
    """The platform administrator's list: by name (forgiving, as `association_search`), INSEE code,
    SIRET/SIREN start or RNA number."""
    terms = " ".join((terms or "").split())
    if not terms:
        return organisations
    number = terms.replace(" ", "")
    return organisations.filter(
        Q(pk__in=search(organisations.model.objects.all(), terms, "name").values("pk"))
        | Q(insee_code=terms)
        | Q(siret__startswith=number)
        | Q(rna=number.upper())
    )


def association_duplicate(
    *, siret: str = "", rna: str = "", name: str = "", exclude: Organisation | None = None
) -> tuple[str, Organisation] | None:
    """The association already on the platform with the same SIREN (another establishment is the
    same association), the same RNA number, or the same name when the one there has no SIRET to tell
    them apart (added before SIRETs were asked). Returns (field, association) or None."""
    associations = Organisation.objects.associations()
    if exclude is not None:
        associations = associations.exclude(pk=exclude.pk)
    if siret and (existing := associations.filter(siret__startswith=siret[:9]).first()):
        return "siret", existing
    if rna and (existing := associations.filter(rna=rna).first()):
        return "rna", existing
    if name and words(name):
        for existing in search(associations.filter(siret=""), name, "name"):
            if fold(existing.name) == fold(name):
                return "name", existing
    return None


@transaction.atomic
def association_create(
    *,
    departement: Organisation,
    name: str,
    siret: str,
    rna: str = "",
    address: str = "",
    email: str = "",
    phone: str = "",
    manager_email: str = "",
    by: User,
) -> tuple[Organisation, Invitation | None]:
    """The pilot brings an association onto the platform: it is implanted in her département (so a
    convention with it binds at once) and its first manager is invited. An association already there
    — same SIREN or RNA — is never created again: the pilot proposes it a convention instead."""
    if not departement.is_departement:
        raise ValidationError("Seul un département ajoute une association.")
    duplicate = association_duplicate(siret=siret, rna=rna, name=name)
    if duplicate is not None:
        field_name, existing = duplicate
        same = "ce nom" if field_name == "name" else "ce numéro"
        if existing.is_active:
            message = (
                f"« {existing.name} » est déjà sur la plateforme avec {same} : retrouvez-la par la "
                "recherche et proposez-lui une convention."
            )
        else:  # the search shows active associations only: say where to go instead
            message = (
                f"« {existing.name} » est sur la plateforme avec {same}, mais désactivée : demandez à "
                "l'administrateur de la plateforme de la réactiver plutôt que de la créer à nouveau."
            )
        raise ValidationError({field_name: message})
    association = Organisation(
        kind=OrganisationKind.ASSOCIATION,
        home_departement=departement,
        name=" ".join(name.split()),
        siret=siret,
        rna=rna,
        address=address.strip(),
        email=email.strip().lower(),
        phone=phone.strip(),
    )
    association.full_clean()
    try:
        with transaction.atomic():
            association.save()
    except IntegrityError:  # the same number saved at the same moment by another département
        raise ValidationError({"siret": "Cette association vient d'être ajoutée : recherchez-la."}) from None
    log_access(user=by, organisation=departement, action="create", obj=association, departement=departement)
    invitation = None
    if manager_email:
        try:
            invitation, _ = invitation_issue(
                organisation=association, email=manager_email, role=Role.MANAGER, invited_by=by
            )
        except ValidationError as error:  # the invitation's e-mail is this form's manager_email
            if hasattr(error, "error_dict") and "email" in error.error_dict:
                error.error_dict["manager_email"] = error.error_dict.pop("email")
            raise
    return association, invitation


def details_editable_by_departement(departement: Organisation, partner: Organisation) -> bool:
    """The pilot keeps a partner's coordinates while nobody there can: her own ASE services always,
    an association she brought in until its manager has an account (then they are its own)."""
    if partner.is_ase_service:
        return partner.departement_id == departement.pk
    return (
        partner.is_association
        and partner.home_departement_id == departement.pk
        and not partner.memberships.filter(role=Role.MANAGER, is_active=True, user__is_active=True).exists()
    )


DETAIL_FIELDS = ("name", "siret", "rna", "address", "email", "phone")


@transaction.atomic
def organisation_details_update(*, organisation: Organisation, by: User, **fields) -> list[str]:
    """Correct an organisation's name, register numbers and contact details; an association keeps to
    the rule of `association_create` (never the SIREN, RNA or name of another). Returns what changed."""
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    fields = {k: v for k, v in fields.items() if k in DETAIL_FIELDS}
    if not organisation.is_association:
        fields.pop("rna", None)
    if organisation.is_association:
        duplicate = association_duplicate(
            siret=fields.get("siret", ""),
            rna=fields.get("rna", ""),
            name="" if fields.get("siret") else fields.get("name", ""),
            exclude=organisation,
        )
        if duplicate is not None:
            field_name, existing = duplicate
            raise ValidationError(
                {
                    field_name: f"« {existing.name} » a déjà ce {'nom' if field_name == 'name' else 'numéro'} "
                    "sur la plateforme : vérifiez la saisie."
                }
            )
    changed = [name for name, value in fields.items() if getattr(organisation, name) != value]
    if not changed:
        return []
    for name in changed:
        setattr(organisation, name, fields[name])
    organisation.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            organisation.save(update_fields=[*changed, "updated_at"])
    except IntegrityError:
        raise ValidationError(
            {"siret": "Ce numéro vient d'être enregistré pour une autre association."}
        ) from None
    log_access(user=by, organisation=organisation, action="update", obj=organisation)
    return changed


# --- Platform administrator ------------------------------------------------------------------------


@transaction.atomic
def account_deactivate(*, user: User, by: User) -> None:
    """The platform administrator closes an account: no login, every session ends at once."""
    if user.pk == by.pk:
        raise ValidationError("Vous ne pouvez pas désactiver votre propre compte.")
    if not user.is_active:
        raise ValidationError("Ce compte est déjà désactivé.")
    user_deactivate(user=user)
    log_access(user=by, organisation=None, action="update", obj=user)


@transaction.atomic
def account_reactivate(*, user: User, by: User) -> None:
    """The platform administrator opens again an account it closed. Its memberships stay as they are:
    one an organisation withdrew stays withdrawn (the organisation invites the person again)."""
    if user.is_active:
        raise ValidationError("Ce compte est déjà actif.")
    user.is_active = True
    user.save(update_fields=["is_active"])
    log_access(user=by, organisation=None, action="update", obj=user)
