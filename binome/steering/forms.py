"""The dashboard's filters (GET): period, association, territory — limited to what the scope may see."""

import contextlib

from django import forms

from binome.accounts.models import Organisation
from binome.steering.periods import Period, default_period, recent_periods
from binome.territories.models import Territory


class PeriodFilterForm(forms.Form):
    """The period alone: the national view, which belongs to no organisation, has nothing else to filter."""

    periode = forms.CharField(label="Période", required=False, widget=forms.Select)

    def __init__(self, data):
        super().__init__(data)
        choices = recent_periods()
        asked = (data or {}).get("periode")
        if asked and not any(asked == key for _group, items in choices for key, _label in items):
            with contextlib.suppress(ValueError):  # an invalid period is reported by clean_periode
                choices.append(("Autre", [(asked, Period.parse(asked).label.capitalize())]))
        self.fields["periode"].widget.choices = choices
        self.fields["periode"].initial = default_period().key

    def clean_periode(self):
        text = self.cleaned_data.get("periode")
        if not text:
            return default_period()
        try:
            return Period.parse(text)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None


class DashboardFilterForm(PeriodFilterForm):
    association = forms.ModelChoiceField(
        label="Association", queryset=Organisation.objects.none(), required=False, empty_label="Toutes"
    )
    territoire = forms.ModelChoiceField(
        label="Territoire", queryset=Territory.objects.none(), required=False, empty_label="Tous"
    )
    departement = forms.ModelChoiceField(
        label="Département", queryset=Organisation.objects.none(), required=False, empty_label="Tous"
    )

    def __init__(self, data, *, membership):
        super().__init__(data)
        organisation = membership.organisation
        if organisation.is_departement:
            # Every association that ever agreed to a convention with the département: past pairs count too.
            self.fields["association"].queryset = (
                Organisation.objects.associations()
                .filter(
                    conventions_as_association__departement=organisation,
                    conventions_as_association__accepted_at__isnull=False,
                )
                .distinct()
            )
            self.fields["territoire"].queryset = Territory.objects.filter(departement=organisation)
            del self.fields["departement"]
        else:
            departements = organisation.departements()
            self.fields["departement"].queryset = departements
            del self.fields["association"]
            del self.fields["territoire"]
            if departements.count() < 2:
                del self.fields["departement"]
