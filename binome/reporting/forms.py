from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from binome.reporting.models import COST_FIELDS, AssociationReport, ReportFigures, SubProject
from binome.reporting.months import month_label, month_start, parse_month
from binome.utils.months import add_months_first_day
from binome.utils.tabular import ACCEPT

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def month_choices(today=None, back: int = 12):
    """The current month and the `back` previous ones, most recent first."""
    current = month_start(today or timezone.localdate())
    months = [add_months_first_day(current, -i) for i in range(back + 1)]
    return [(f"{m:%Y-%m}", month_label(m).capitalize()) for m in months]


class PeriodOpenForm(forms.Form):
    month = forms.ChoiceField(label="Mois suivi")
    deadline = forms.DateField(
        label="Échéance pour toutes les associations (facultatif)",
        required=False,
        widget=DATE_WIDGET,
        help_text="Laissez vide : chaque association a le jour prévu par sa convention (le 5 du mois "
        "suivant, sauf autre jour inscrit). Une date saisie ici s'applique à toutes, par exemple "
        "pendant les congés.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["month"].choices = month_choices()

    def clean_month(self):
        return parse_month(self.cleaned_data["month"])


class FrenchDecimalField(forms.DecimalField):
    """Accepts what people type in France: « 1 200,50 » (spaces, comma)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("localize", True)
        super().__init__(**kwargs)
        self.widget = _decimal_widget()
        self.widget.is_localized = True

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace(" ", "").replace("\xa0", "").replace("\u202f", "")
        return super().to_python(value)


def _decimal_widget():
    return forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "class": "input--short"})


class ReportForm(forms.ModelForm):
    """The association's monthly figures. Everything may stay empty in a draft; submitting asks for the
    numbers in `REQUIRED_TO_SUBMIT`."""

    reason = forms.CharField(
        label="Motif de la correction",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Obligatoire pour transmettre une correction : ce qui change et pourquoi.",
    )

    class Meta:
        model = AssociationReport
        fields = (*ReportFigures.NUMBER_FIELDS, *ReportFigures.TEXT_FIELDS)
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in ReportFigures.TEXT_FIELDS}
        field_classes = dict.fromkeys((*COST_FIELDS, "fte_staff", "fte_volunteers"), FrenchDecimalField)

    def __init__(self, *args, correcting=False, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.label = field.label[:1].upper() + field.label[1:]
            if isinstance(field, forms.IntegerField):
                field.widget.attrs.update({"min": 0, "class": "input--short"})
        if not correcting:
            del self.fields["reason"]
        if self.instance.pk and self.instance.is_quarterly:
            self._for_a_quarter()

    def _for_a_quarter(self):
        """A quarterly report covers three months: say so next to each number."""
        for name in ("fte_staff", "fte_volunteers"):
            self.fields[name].help_text = QUARTER_FTE_HELP[name]
        for name in ReportFigures.NUMBER_FIELDS:
            if name not in QUARTER_FTE_HELP:
                help_text = self.fields[name].help_text
                self.fields[name].help_text = f"{help_text} Total des trois mois.".strip()


QUARTER_FTE_HELP = {
    "fte_staff": "Moyenne sur les trois mois du trimestre des équivalents temps plein salariés consacrés "
    "au mentorat ASE (ex. 1,5).",
    "fte_volunteers": "Moyenne sur les trois mois : bénévoles et volontaires en service civique, hors "
    "mentors (ex. 0,5).",
}


class FundingLineForm(forms.Form):
    funder = forms.CharField(label="Financeur", max_length=150, required=False)
    sub_project = forms.ChoiceField(label="Sous-projet", choices=SubProject.choices, required=False)
    amount = FrenchDecimalField(
        label="Montant (€)", min_value=0, max_digits=12, decimal_places=2, required=False
    )

    def clean(self):
        data = super().clean()
        funder, amount = (data.get("funder") or "").strip(), data.get("amount")
        if funder and amount is None and "amount" not in self.errors:
            self.add_error("amount", "Indiquez le montant.")
        if amount is not None and not funder:
            self.add_error("funder", "Indiquez le financeur.")
        data["funder"] = funder
        data["sub_project"] = data.get("sub_project") or SubProject.MENTORING
        return data


class BaseFundingFormSet(forms.BaseFormSet):
    def lines(self) -> list[dict]:
        return [
            {
                "funder": f.cleaned_data["funder"],
                "sub_project": f.cleaned_data["sub_project"],
                "amount": f.cleaned_data["amount"],
            }
            for f in self.forms
            if f.cleaned_data.get("funder")
        ]


FundingFormSet = forms.formset_factory(FundingLineForm, formset=BaseFundingFormSet, extra=2, max_num=30)


def funding_formset(report, data=None):
    initial = [
        {
            "funder": line.get("funder", ""),
            "sub_project": line.get("sub_project", ""),
            "amount": line.get("amount"),
        }
        for line in report.funding or []
    ]
    return FundingFormSet(data, initial=initial, prefix="funding")


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="Fichier (.xlsx, .ods ou CSV)",
        help_text="Le modèle complété, enregistré par Excel ou LibreOffice, 10 Mo au plus.",
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )
    departement = forms.ChoiceField(label="Département concerné")

    def __init__(self, *args, departements, **kwargs):
        super().__init__(*args, **kwargs)
        self.departements = {str(d.pk): d for d in departements}
        self.fields["departement"].choices = [(str(d.pk), d.name) for d in departements]
        if len(departements) == 1:
            self.fields["departement"].widget = forms.HiddenInput()
            self.fields["departement"].initial = str(departements[0].pk)

    def clean_file(self):
        from binome.utils.tabular import check_upload

        upload = self.cleaned_data["file"]
        upload.table_kind = check_upload(upload)
        return upload

    def clean_departement(self):
        value = self.cleaned_data["departement"]
        if value not in self.departements:
            raise ValidationError("Choisissez un département avec lequel votre association a une convention.")
        return self.departements[value]
