"""The yearly review of the pair (art. D.221-40) and the mention of the mentoring in the youth's project."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from binome.mentorships.models import (
    AgreementSettings,
    Mentorship,
    MentorshipState,
    ProjectKind,
    Review,
    ReviewDecision,
)
from binome.mentorships.services.common import _log, _today
from binome.utils.months import add_months_same_day


@transaction.atomic
def review_record(
    *, mentorship: Mentorship, by, organisation, held_on, participants, youth_opinion, decision, notes=""
) -> Review:
    """The ASE service and the association review the pair with the youth's opinion (art. D.221-40).
    The next review is due a year later (or the département's interval)."""
    mentorship = Mentorship.objects.select_for_update().get(pk=mentorship.pk)
    if mentorship.state != MentorshipState.ACTIVE:
        raise ValidationError("Le bilan porte sur un binôme en cours.")
    if held_on > _today():
        raise ValidationError({"held_on": "Le bilan s'enregistre une fois réalisé."})
    if held_on < mentorship.started_at:
        raise ValidationError({"held_on": "Le bilan ne peut pas précéder le lancement du binôme."})
    if not youth_opinion.strip():
        raise ValidationError({"youth_opinion": "Notez l'avis du jeune : le bilan en tient compte."})
    if decision not in ReviewDecision.values:
        raise ValidationError({"decision": "Indiquez la décision."})
    review = Review.objects.create(
        mentorship=mentorship,
        due_on=mentorship.review_due_on,
        held_on=held_on,
        participants=participants.strip(),
        youth_opinion=youth_opinion.strip(),
        decision=decision,
        notes=notes.strip(),
        recorded_by=by,
        organisation=organisation,
    )
    months = AgreementSettings.for_organisation(mentorship.departement_id).review_every_months
    mentorship.review_due_on = add_months_same_day(held_on, months)
    mentorship.save(update_fields=["review_due_on", "updated_at"])
    _log(by, organisation, mentorship, "update")
    return review


@transaction.atomic
def project_mention_record(*, mentorship: Mentorship, by, organisation, kind: str, written_on) -> Mentorship:
    """L.221-2-6 III and D.221-38: the mentoring is mentioned in the youth's PPE, or in the PAA of a young
    adult; record which and when."""
    if kind not in ProjectKind.values:
        raise ValidationError({"kind": "Indiquez le projet du jeune : PPE ou PAA."})
    if written_on > _today():
        raise ValidationError({"written_on": "La date ne peut pas être dans le futur."})
    if written_on < timezone.localdate(mentorship.validated_at) - datetime.timedelta(days=1):
        raise ValidationError(
            {"written_on": "Le mentorat s'inscrit dans le projet une fois le binôme validé."}
        )
    mentorship.project_kind = kind
    mentorship.project_written_on = written_on
    mentorship.save(update_fields=["project_kind", "project_written_on", "updated_at"])
    _log(by, organisation, mentorship, "update")
    return mentorship
