"""Label Mentorat (seed 003, Collectif Mentorat): where an association stands in the label's process.

The seed names no stage precisely: it describes a continuous-improvement process that starts with a
self-assessment and leads to three successive levels. Binôme records four stages — no process,
engaged (self-assessment), candidate (level aimed at), labelled (level obtained) — each with the date
it was reached, and for a label its optional end of validity. The association's manager records it
for their own association, the pilot of a département for an association it knows (perms.py,
`label.record`); the organisation's history keeps who changed what.
"""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from binome.accounts.models import LabelLevel, LabelStage, Organisation
from binome.utils.forms import plausible_year

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class LabelForm(forms.Form):
    stage = forms.ChoiceField(
        label="Étape",
        choices=LabelStage.choices,
        help_text="Le Label Mentorat du Collectif Mentorat reconnaît la qualité d'un programme de mentorat : "
        "une auto-évaluation, puis trois niveaux successifs.",
    )
    level = forms.TypedChoiceField(
        label="Niveau",
        choices=[("", "—"), *LabelLevel.choices],
        coerce=int,
        empty_value=None,
        required=False,
        help_text="Le niveau obtenu pour une association labellisée, le niveau visé pour une candidate.",
    )
    since = forms.DateField(
        label="Étape atteinte le",
        widget=DATE_WIDGET,
        required=False,
        validators=[plausible_year],
        help_text="Pour un label : la date de la décision de labellisation.",
    )
    expires_on = forms.DateField(
        label="Label valable jusqu'au (facultatif)",
        widget=DATE_WIDGET,
        required=False,
        validators=[plausible_year],
    )

    @classmethod
    def for_association(cls, association: Organisation, data=None):
        return cls(
            data,
            initial={
                "stage": association.label_stage,
                "level": association.label_level,
                "since": association.label_since,
                "expires_on": association.label_expires_on,
            },
        )


@transaction.atomic
def label_record(
    *,
    association: Organisation,
    stage: str,
    level: int | None,
    since: datetime.date | None,
    expires_on: datetime.date | None,
    today: datetime.date | None = None,
) -> Organisation:
    """Record the association's stage in the Label Mentorat. Raises ValidationError (French, per
    field) when the stage, level and dates do not fit together."""
    today = today or timezone.localdate()
    if not association.is_association:
        raise ValidationError("Seule une association de mentorat peut être labellisée.")
    if stage not in LabelStage.values:
        raise ValidationError({"stage": "Choisissez une étape de la liste."})
    if level is not None and level not in LabelLevel.values:
        raise ValidationError({"level": "Choisissez le niveau 1, 2 ou 3."})
    errors = {}
    if stage == LabelStage.NONE:
        level = since = expires_on = None
    else:
        if since is None:
            errors["since"] = "Indiquez la date à laquelle l'association a atteint cette étape."
        elif since > today:
            errors["since"] = "Cette date est dans le futur : indiquez la date où l'étape a été atteinte."
        if stage == LabelStage.LABELLED and level is None:
            errors["level"] = "Indiquez le niveau du label obtenu."
        if stage == LabelStage.ENGAGED and level is not None:
            errors["level"] = "Une association en auto-évaluation n'a pas encore de niveau : laissez « — »."
        if expires_on is not None:
            if stage != LabelStage.LABELLED:
                errors["expires_on"] = "Seul un label obtenu a une fin de validité."
            elif since is not None and expires_on <= since:
                errors["expires_on"] = "La fin de validité doit venir après la date d'obtention du label."
    if errors:
        raise ValidationError(errors)
    association.label_stage = stage
    association.label_level = level
    association.label_since = since
    association.label_expires_on = expires_on
    association.save(
        update_fields=["label_stage", "label_level", "label_since", "label_expires_on", "updated_at"]
    )
    return association


def label_expired(association: Organisation, today: datetime.date | None = None) -> bool:
    today = today or timezone.localdate()
    return (
        association.label_stage == LabelStage.LABELLED
        and association.label_expires_on is not None
        and association.label_expires_on < today
    )


def label_short(association: Organisation, today: datetime.date | None = None) -> str:
    """A few words for a table cell: « Niveau 2 », « Candidate (niveau 1 visé) », « Échu »…"""
    stage = association.label_stage
    if stage == LabelStage.NONE:
        return "—"
    if stage == LabelStage.ENGAGED:
        return "Engagée"
    if stage == LabelStage.CANDIDATE:
        return (
            f"Candidate (niveau {association.label_level} visé)" if association.label_level else "Candidate"
        )
    if label_expired(association, today):
        return f"Niveau {association.label_level}, échu"
    return f"Labellisée, niveau {association.label_level}"


def label_summary(association: Organisation, today: datetime.date | None = None) -> str:
    """One sentence for the association's page and the partner's page."""
    stage = association.label_stage
    if stage == LabelStage.NONE:
        return "Pas de démarche de labellisation engagée."
    since = association.label_since.strftime("%d/%m/%Y") if association.label_since else None
    if stage == LabelStage.ENGAGED:
        return f"Engagée dans la démarche (auto-évaluation) depuis le {since}."
    if stage == LabelStage.CANDIDATE:
        aimed = f" au niveau {association.label_level}" if association.label_level else ""
        return f"Candidate à la labellisation{aimed} depuis le {since}."
    until = association.label_expires_on.strftime("%d/%m/%Y") if association.label_expires_on else None
    if label_expired(association, today):
        return f"Label de niveau {association.label_level} obtenu le {since}, échu le {until} : à renouveler."
    end = f", valable jusqu'au {until}" if until else ""
    return f"Labellisée au niveau {association.label_level} le {since}{end}."
