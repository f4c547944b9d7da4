from django import forms

from binome.surveys.models import Respondent
from binome.surveys.questions import BY_CODE

NOT_APPLICABLE = "0"


class SurveyForm(forms.Form):
    """One 1–5 scale per question, plus « ne s'applique pas » (grades for a youth who left school…)."""

    def __init__(self, *args, response, **kwargs):
        super().__init__(*args, **kwargs)
        for code in response.questions:
            question = BY_CODE[code]
            low, high = question.scale
            self.fields[code] = forms.ChoiceField(
                label=question.label(response.respondent),
                choices=[
                    ("1", f"1 — {low}"),
                    ("2", "2"),
                    ("3", "3"),
                    ("4", "4"),
                    ("5", f"5 — {high}"),
                    (NOT_APPLICABLE, "Ne s'applique pas"),
                ],
                widget=forms.RadioSelect(attrs={"class": "scale"}),
                error_messages={"required": "Choisissez une réponse."},
            )
        youth = response.respondent == Respondent.YOUTH
        self.fields["comment"] = forms.CharField(
            label="Tu veux ajouter quelque chose ?" if youth else "Voulez-vous ajouter quelque chose ?",
            required=False,
            max_length=2000,
            widget=forms.Textarea(attrs={"rows": 3}),
        )

    def values(self) -> dict:
        return {
            code: (None if value == NOT_APPLICABLE else int(value))
            for code, value in self.cleaned_data.items()
            if code != "comment"
        }
