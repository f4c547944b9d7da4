from django import forms
from django.contrib.auth.password_validation import validate_password

from binome.accounts.models import ROLES_BY_KIND, Organisation
from binome.utils.identifiers import normalise_number, validate_rna, validate_siret


class InvitationForm(forms.Form):
    email = forms.EmailField(label="Adresse e-mail professionnelle", max_length=254)
    role = forms.ChoiceField(label="Rôle")

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        roles = ROLES_BY_KIND[organisation.kind]
        self.fields["role"].choices = [(r.value, r.label) for r in roles]
        if len(roles) == 1:
            self.fields["role"].initial = roles[0].value

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


class AcceptInvitationForm(forms.Form):
    first_name = forms.CharField(label="Prénom", max_length=150)
    last_name = forms.CharField(label="Nom", max_length=150)
    password1 = forms.CharField(
        label="Mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="12 caractères au moins, ni trop courant, ni uniquement des chiffres.",
    )
    password2 = forms.CharField(
        label="Confirmez le mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", "Les deux mots de passe ne correspondent pas.")
        elif p1:
            from binome.accounts.models import User

            probe = User(
                email=self.email,
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
            )
            try:
                validate_password(p1, user=probe)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class RegisterNumbersMixin:
    """SIRET and RNA are typed with spaces or dots; they are kept as the bare number, then checked."""

    def clean_siret(self):
        siret = normalise_number(self.cleaned_data.get("siret", ""))
        validate_siret(siret)
        return siret

    def clean_rna(self):
        rna = normalise_number(self.cleaned_data.get("rna", ""))
        validate_rna(rna)
        return rna


SIRET_HELP = "14 chiffres, sur l'avis de situation Sirene ou un courrier officiel. Les espaces sont acceptés."


class AseServiceForm(RegisterNumbersMixin, forms.ModelForm):
    siret = forms.CharField(label="SIRET", max_length=30, required=False, help_text=SIRET_HELP)

    class Meta:
        model = Organisation
        fields = ["name", "siret", "email", "phone", "address"]
        labels = {"name": "Nom du service ou de l'établissement"}


class AssociationSearchForm(forms.Form):
    q = forms.CharField(
        label="Nom, SIRET ou numéro RNA",
        min_length=3,
        max_length=100,
        help_text="3 caractères au moins. Une association qui travaille déjà avec un autre département "
        "est sur la plateforme : ne la créez pas une deuxième fois.",
    )


class AssociationForm(RegisterNumbersMixin, forms.ModelForm):
    siret = forms.CharField(label="SIRET", max_length=30, help_text=SIRET_HELP)
    rna = forms.CharField(
        label="Numéro RNA",
        max_length=30,
        required=False,
        help_text="W suivi de 9 caractères, sur le récépissé de la préfecture (facultatif pour une "
        "association ancienne qui n'en a pas).",
    )
    manager_email = forms.EmailField(
        label="E-mail de la ou du responsable",
        max_length=254,
        required=False,
        help_text="Elle ou il reçoit une invitation à créer son compte, puis invite ses collègues. "
        "Vous pourrez aussi l'inviter plus tard.",
    )

    class Meta:
        model = Organisation
        fields = ["name", "siret", "rna", "address", "email", "phone"]
        labels = {
            "name": "Nom de l'association",
            "address": "Adresse du siège",
            "email": "E-mail de contact de l'association",
        }

    def clean_manager_email(self):
        return self.cleaned_data["manager_email"].strip().lower()

    def _post_clean(self):
        # The model's uniqueness and kind rules are the service's to check (with a helpful message).
        pass


class DepartementSetupForm(forms.Form):
    code = forms.CharField(
        label="Code du département", max_length=3, help_text="Le code officiel : 44, 2A, 974…"
    )
    name = forms.CharField(
        label="Nom affiché",
        max_length=200,
        required=False,
        help_text="Laissez vide pour « Département de la … », le nom officiel.",
    )
    pilot_email = forms.EmailField(
        label="E-mail de la ou du chargé·e de mission mentorat",
        max_length=254,
        help_text="Elle ou il reçoit l'invitation à créer son compte, puis ajoute les associations.",
    )
    reinvite = forms.BooleanField(
        label="Renvoyer l'invitation",
        required=False,
        help_text="Si une invitation est déjà en attente pour cette adresse, la remplacer par une nouvelle.",
    )


class OrganisationDetailsForm(RegisterNumbersMixin, forms.ModelForm):
    """Name, register numbers and contact details of an organisation, to correct them."""

    siret = forms.CharField(label="SIRET", max_length=30, required=False, help_text=SIRET_HELP)
    rna = forms.CharField(
        label="Numéro RNA", max_length=30, required=False, help_text="W suivi de 9 caractères."
    )

    class Meta:
        model = Organisation
        fields = ["name", "siret", "rna", "address", "email", "phone"]
        labels = {"name": "Nom", "address": "Adresse", "email": "E-mail de contact"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.is_association:
            del self.fields["rna"]

    def _post_clean(self):
        # The service checks uniqueness against the other associations, with a helpful message.
        pass
