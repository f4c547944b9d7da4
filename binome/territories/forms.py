from django import forms

from binome.territories.models import Commune, Territory


class TerritoryForm(forms.ModelForm):
    class Meta:
        model = Territory
        fields = ["name", "communes"]
        widgets = {"communes": forms.CheckboxSelectMultiple}

    def __init__(self, *args, departement, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.departement = departement
        self.fields["communes"].queryset = Commune.objects.filter(departement_code=departement.insee_code)
        self.fields["communes"].help_text = "Une commune peut appartenir à un seul territoire de préférence."

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        clash = Territory.objects.filter(departement=self.instance.departement, name__iexact=name)
        if clash.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("Un territoire porte déjà ce nom.")
        return name
