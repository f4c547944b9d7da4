"""The pair lifecycle listens to the youth and mentor pathways: a confirmed honorability failure, a
withdrawn consent or an assessment concluding that mentoring no longer serves the youth (art. D.221-40)
ends the pairs concerned at once, and the coordinator (and for an assessment, the youth's referent) is
told."""

from django.dispatch import receiver

from binome.mentors.signals import honorability_failed
from binome.mentorships.models import ClosureReason, Mentorship
from binome.mentorships.services import alert_referrer, alert_staff, mentorship_close
from binome.youths.signals import pathway_stopped


@receiver(honorability_failed, dispatch_uid="mentorships_close_on_honorability")
def close_on_honorability(sender, mentor, check, by, **kwargs):
    for mentorship in Mentorship.objects.open().filter(mentor=mentor):
        mentorship_close(
            mentorship=mentorship,
            by=by,
            reason=ClosureReason.HONORABILITY,
            automatic=True,
            comment="Clôture automatique : contrôle d'honorabilité du mentor non conforme, confirmé par le "
            "département (art. L.133-6 CASF).",
        )
        alert_staff(
            mentorship,
            "un binôme a été clôturé : le contrôle d'honorabilité du mentor n'est pas conforme. "
            "Prévenez le jeune et son référent",
        )


def _assessment_comment(assessment) -> str:
    return (
        f"Clôture après l'évaluation concertée du {assessment.date:%d/%m/%Y} (art. D.221-40 CASF) : le "
        f"mentorat n'est plus dans l'intérêt de l'enfant. Associés : {assessment.concerted_labels()}. "
        f"Participants : {assessment.participants}. Avis du jeune : {assessment.youth_opinion}"
    )[:2000]


@receiver(pathway_stopped, dispatch_uid="mentorships_close_on_pathway_stopped")
def close_on_pathway_stopped(sender, youth, reason, by, assessment=None, **kwargs):
    for mentorship in Mentorship.objects.open().filter(youth=youth):
        if reason == "not_in_interest" and assessment is not None:
            ended_on = (
                assessment.date if assessment.date >= (mentorship.started_at or assessment.date) else None
            )
            mentorship_close(
                mentorship=mentorship,
                by=by,
                reason=ClosureReason.NOT_IN_INTEREST,
                ended_on=ended_on,
                automatic=True,
                comment=_assessment_comment(assessment),
            )
            line = (
                "un binôme a été clôturé : l'évaluation concertée de la situation du jeune conclut que le "
                "mentorat ne sert plus son intérêt (art. D.221-40). Prévenez le mentor"
            )
            alert_staff(mentorship, line)
            alert_referrer(
                mentorship, line.replace("Prévenez le mentor", "L'association prévient le mentor"), by
            )
            continue
        mentorship_close(
            mentorship=mentorship,
            by=by,
            reason=ClosureReason.CONSENT_WITHDRAWN,
            automatic=True,
            comment="Clôture automatique : le parcours du jeune a été arrêté par l'ASE (retrait d'un "
            "consentement).",
        )
        alert_staff(
            mentorship,
            "un binôme a été clôturé : un consentement a été retiré. Prévenez le mentor",
        )
