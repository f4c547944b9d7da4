"""The change feed is written here, by listening to the lower apps' saves: they do not know the API.

Bulk writes send no signal: the import of reported pairs is recorded when its job is done (web, command
through the job) or by the API view itself."""

from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from binome.api.models import EventKind
from binome.api.services import event_record
from binome.mentorships.models import Mentorship
from binome.reporting.models import AssociationReport, ImportJob, ImportStatus, ReportRevision
from binome.youths.models import Referral


@receiver(pre_save, sender=Referral)
def _remember_association(sender, instance, raw=False, **kwargs):
    if raw or instance._state.adding:
        return
    instance._api_previous_association = (
        Referral.objects.filter(pk=instance.pk).values_list("association_id", flat=True).first()
    )


@receiver(post_save, sender=Referral)
def _referral_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    associations = {instance.association_id, getattr(instance, "_api_previous_association", None)}
    for association_id in associations - {None}:
        event_record(association_id=association_id, kind=EventKind.ORIENTATION, object_id=instance.pk)


@receiver(post_save, sender=Mentorship)
def _pair_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        event_record(association_id=instance.association_id, kind=EventKind.PAIR, object_id=instance.pk)


@receiver(post_save, sender=AssociationReport)
def _report_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        event_record(association_id=instance.association_id, kind=EventKind.REPORT, object_id=instance.pk)


@receiver(post_save, sender=ReportRevision)
def _report_submitted(sender, instance, created=False, raw=False, **kwargs):
    if created and not raw:
        report = AssociationReport.objects.only("association_id").get(pk=instance.report_id)
        event_record(association_id=report.association_id, kind=EventKind.REPORT, object_id=report.pk)


@receiver(post_save, sender=ImportJob)
def _import_done(sender, instance, raw=False, **kwargs):
    # `_finish` saves the job done, then again once its file is deleted: one event.
    if not raw and instance.status == ImportStatus.DONE and instance.file:
        event_record(association_id=instance.association_id, kind=EventKind.REPORTED_PAIRS)
