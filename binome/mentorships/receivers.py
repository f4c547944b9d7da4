"""The pair lifecycle listens to the youth and mentor pathways: a confirmed honorability failure or a
withdrawn consent ends the pairs concerned at once, and the coordinator is told."""

from django.dispatch import receiver

from binome.mentors.signals import honorability_failed
from binome.mentorships.models import ClosureReason, Mentorship
from binome.mentorships.services import alert_staff, mentorship_close
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


STOP_REASONS = {"consent_withdrawn": ClosureReason.CONSENT_WITHDRAWN}


@receiver(pathway_stopped, dispatch_uid="mentorships_close_on_pathway_stopped")
def close_on_pathway_stopped(sender, youth, reason, by, **kwargs):
    for mentorship in Mentorship.objects.open().filter(youth=youth):
        mentorship_close(
            mentorship=mentorship,
            by=by,
            reason=STOP_REASONS.get(reason, ClosureReason.NOT_IN_INTEREST),
            automatic=True,
            comment="Clôture automatique : le parcours du jeune a été arrêté par l'ASE (retrait d'un "
            "consentement).",
        )
        alert_staff(
            mentorship,
            "un binôme a été clôturé : un consentement a été retiré. Prévenez le mentor",
        )
