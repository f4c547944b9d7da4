"""People and organisations: who works where, with which role, under which convention."""

import hashlib
import uuid

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Substr
from django.utils import timezone
from simple_history.models import HistoricalRecords

from binome.utils.identifiers import validate_rna, validate_siret
from binome.utils.models import BaseModel


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("Une adresse e-mail est obligatoire.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A professional. Logs in with an e-mail; belongs to organisations through memberships."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField("adresse e-mail", unique=True)
    first_name = models.CharField("prénom", max_length=150, blank=True)
    last_name = models.CharField("nom", max_length=150, blank=True)
    is_active = models.BooleanField("actif", default=True)
    is_staff = models.BooleanField(
        "administrateur de la plateforme",
        default=False,
        help_text="Accède à l'administration technique et au journal d'accès de toute la plateforme.",
    )
    date_joined = models.DateTimeField("inscrit le", default=timezone.now)
    sessions_valid_after = models.DateTimeField(
        "sessions valides après",
        null=True,
        blank=True,
        help_text="Toute session ouverte avant cette date est fermée (désactivation, changement de droits).",
    )

    history = HistoricalRecords(excluded_fields=["password", "last_login"])
    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = "utilisateur"
        ordering = ["last_name", "first_name", "email"]

    def __str__(self):
        return self.get_full_name() or self.email

    def save(self, *args, **kwargs):
        self.email = (self.email or "").strip().lower()
        super().save(*args, **kwargs)

    def get_full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self):
        return self.first_name or self.email

    def end_all_sessions(self):
        """Every session opened before now stops working at its next request."""
        self.sessions_valid_after = timezone.now()
        self.save(update_fields=["sessions_valid_after"])

    def active_memberships(self):
        return (
            self.memberships.filter(is_active=True, organisation__is_active=True)
            .select_related("organisation", "organisation__departement")
            .order_by("organisation__name")
        )


class OrganisationKind(models.TextChoices):
    DEPARTEMENT = "departement", "Conseil départemental"
    ASSOCIATION = "association", "Association de mentorat"
    ASE_SERVICE = "ase_service", "Service ou établissement ASE"


class LabelStage(models.TextChoices):
    """Where an association stands in the Collectif Mentorat's Label Mentorat (seed 003: a continuous
    improvement process, self-assessment first, then three successive levels)."""

    NONE = "none", "Pas de démarche engagée"
    ENGAGED = "engaged", "Engagée dans la démarche (auto-évaluation)"
    CANDIDATE = "candidate", "Candidate à la labellisation"
    LABELLED = "labelled", "Labellisée"


class LabelLevel(models.IntegerChoices):
    LEVEL_1 = 1, "Niveau 1"
    LEVEL_2 = 2, "Niveau 2"
    LEVEL_3 = 3, "Niveau 3"


class OrganisationQuerySet(models.QuerySet):
    def departements(self):
        return self.filter(kind=OrganisationKind.DEPARTEMENT)

    def associations(self):
        return self.filter(kind=OrganisationKind.ASSOCIATION)

    def ase_services(self):
        return self.filter(kind=OrganisationKind.ASE_SERVICE)

    def partners_of(self, departement):
        """The organisations a département works with: its ASE services and the associations under a
        convention in force (a draft, suspended or ended convention gives no access)."""
        current = departement.conventions_as_departement.current().values("association")
        return self.filter(
            Q(pk=departement.pk)
            | Q(kind=OrganisationKind.ASE_SERVICE, departement=departement)
            | Q(kind=OrganisationKind.ASSOCIATION, pk__in=current)
        )

    def known_to(self, departement):
        """What the département's partner pages show: its partners, and the associations implanted in
        it before any convention (the pilot added them, invites their manager, then writes the
        convention). An association implanted elsewhere shows only once its convention binds."""
        return self.partners_of(departement) | self.filter(
            kind=OrganisationKind.ASSOCIATION, home_departement=departement
        )


class Organisation(BaseModel):
    kind = models.CharField("type", max_length=20, choices=OrganisationKind.choices)
    name = models.CharField("nom", max_length=200)
    departement = models.ForeignKey(
        "self",
        verbose_name="département de rattachement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ase_services",
        limit_choices_to={"kind": OrganisationKind.DEPARTEMENT},
        help_text="Pour un service ou établissement ASE : le département dont il relève.",
    )
    insee_code = models.CharField(
        "code du département",
        max_length=3,
        blank=True,
        help_text="Pour un département : son code INSEE (ex. 44).",
    )
    home_departement = models.ForeignKey(
        "self",
        verbose_name="département d'implantation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="home_associations",
        limit_choices_to={"kind": OrganisationKind.DEPARTEMENT},
        help_text="Pour une association : le département où elle est implantée. Une convention avec "
        "un autre département n'entre en vigueur qu'après l'accord de son ou sa responsable.",
    )
    siret = models.CharField(
        "SIRET",
        max_length=14,
        blank=True,
        validators=[validate_siret],
        help_text="14 chiffres, sans espace (le SIREN suivi du numéro d'établissement).",
    )
    rna = models.CharField(
        "numéro RNA",
        max_length=10,
        blank=True,
        validators=[validate_rna],
        help_text="Pour une association : W suivi de 9 caractères (répertoire national des associations).",
    )
    email = models.EmailField("e-mail de contact", blank=True)
    phone = models.CharField("téléphone", max_length=30, blank=True)
    address = models.CharField("adresse", max_length=300, blank=True)
    is_active = models.BooleanField("active", default=True)
    label_stage = models.CharField(
        "Label Mentorat", max_length=12, choices=LabelStage.choices, default=LabelStage.NONE
    )
    label_level = models.PositiveSmallIntegerField(
        "niveau du label",
        choices=LabelLevel.choices,
        null=True,
        blank=True,
        help_text="Le niveau obtenu (labellisée) ou visé (candidate).",
    )
    label_since = models.DateField("étape atteinte le", null=True, blank=True)
    label_expires_on = models.DateField("label valable jusqu'au", null=True, blank=True)

    history = HistoricalRecords()
    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = "organisation"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["insee_code"],
                condition=Q(kind="departement"),
                name="unique_departement_insee_code",
            ),
            models.CheckConstraint(
                condition=~Q(kind="ase_service") | Q(departement__isnull=False),
                name="ase_service_has_departement",
            ),
            # An association is on the platform once, whichever département brought it in.
            # By SIREN (the first 9 digits): two establishments are the same association.
            models.UniqueConstraint(
                Substr("siret", 1, 9),
                condition=Q(kind="association") & ~Q(siret=""),
                name="unique_association_siren",
            ),
            models.UniqueConstraint(
                fields=["rna"],
                condition=Q(kind="association") & ~Q(rna=""),
                name="unique_association_rna",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.kind == OrganisationKind.ASE_SERVICE and not self.departement_id:
            raise ValidationError({"departement": "Un service ASE relève obligatoirement d'un département."})
        if self.kind != OrganisationKind.ASE_SERVICE and self.departement_id:
            raise ValidationError({"departement": "Seul un service ASE est rattaché à un département."})
        if self.kind == OrganisationKind.DEPARTEMENT and not self.insee_code:
            raise ValidationError({"insee_code": "Indiquez le code INSEE du département."})
        if self.kind != OrganisationKind.ASSOCIATION and self.home_departement_id:
            raise ValidationError(
                {"home_departement": "Seule une association a un département d'implantation."}
            )
        if self.kind != OrganisationKind.ASSOCIATION and self.rna:
            raise ValidationError({"rna": "Seule une association a un numéro RNA."})

    @property
    def is_departement(self):
        return self.kind == OrganisationKind.DEPARTEMENT

    @property
    def is_association(self):
        return self.kind == OrganisationKind.ASSOCIATION

    @property
    def is_ase_service(self):
        return self.kind == OrganisationKind.ASE_SERVICE

    def departements(self):
        """The départements this organisation works for (itself, its own, or those whose convention the
        association has agreed to, in force or past)."""
        if self.is_departement:
            return Organisation.objects.filter(pk=self.pk)
        if self.is_ase_service:
            return Organisation.objects.filter(pk=self.departement_id)
        agreed = self.conventions_as_association.filter(accepted_at__isnull=False)
        return Organisation.objects.filter(pk__in=agreed.values("departement"))


class Role(models.TextChoices):
    PILOT = "pilot", "Chargé·e de mission mentorat"
    VIEWER = "viewer", "Consultation (département)"
    MANAGER = "manager", "Responsable d'association"
    COORDINATOR = "coordinator", "Chargé·e de mentorat"
    REFERRER = "referrer", "Référent·e ASE"


ROLES_BY_KIND = {
    OrganisationKind.DEPARTEMENT: (Role.PILOT, Role.VIEWER),
    OrganisationKind.ASSOCIATION: (Role.MANAGER, Role.COORDINATOR),
    OrganisationKind.ASE_SERVICE: (Role.REFERRER,),
}


class Membership(BaseModel):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="utilisateur",
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name="organisation", on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField("rôle", max_length=20, choices=Role.choices)
    is_active = models.BooleanField("active", default=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    deactivated_at = models.DateTimeField("désactivée le", null=True, blank=True)
    deactivated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "appartenance"
        ordering = ["organisation__name", "user__last_name"]
        constraints = [models.UniqueConstraint(fields=["user", "organisation"], name="unique_membership")]

    def __str__(self):
        return f"{self.user} — {self.organisation} ({self.get_role_display()})"

    def clean(self):
        if self.organisation_id and self.role not in ROLES_BY_KIND[self.organisation.kind]:
            raise ValidationError({"role": "Ce rôle n'existe pas pour ce type d'organisation."})


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now())


class Invitation(BaseModel):
    """An e-mailed, expiring invitation to join an organisation with a role. Only a hash of the token is kept."""

    organisation = models.ForeignKey(
        Organisation, verbose_name="organisation", on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField("adresse e-mail")
    role = models.CharField("rôle", max_length=20, choices=Role.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField("expire le")
    accepted_at = models.DateTimeField("acceptée le", null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField("annulée le", null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = "invitation"
        ordering = ["-created_at"]

    def __str__(self):
        return f"Invitation {self.organisation} ({self.get_role_display()})"

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "acceptée"
        if self.revoked_at:
            return "annulée"
        if self.expires_at <= timezone.now():
            return "expirée"
        return "en attente"

    @property
    def is_pending(self) -> bool:
        return self.status == "en attente"
