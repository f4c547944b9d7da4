"""The change feed is written here, by listening to the lower apps: they do not know the API.

They are heard through post_save, and through their own signals where they write with update() (a pair's
counts and colour: `pair_changed`). Other bulk writes send no signal: the import of reported pairs is
recorded when its job is done (web, command through the job) or by the API view itself.

One operation often writes the same row several times (a meeting: the pair's next steps, its counts, its
colour). An event only tells the client to read the object again, so within one transaction a change is
recorded once — at one savepoint depth, so that in tests each service call (a savepoint in the test's
transaction) counts apart; in production a service run inside another's transaction may add one more,
never fewer. Events stay in the transaction that makes the change, so a rollback takes both."""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone

from binome.api.models import EventKind
from binome.api.services import event_record
from binome.mentorships.models import Mentorship
from binome.mentorships.signals import pair_changed
from binome.reporting.models import AssociationReport, ImportJob, ImportStatus, ReportRevision
from binome.utils.dates import age_on
from binome.youths.models import Referral, Youth


class _Recorded:
    """A no-op commit hook holding what this transaction already recorded. Django drops the hooks of a
    committed or rolled back transaction, and of a rolled back savepoint: what is held here never
    outlives the events it stands for."""

    def __init__(self):
        self.keys = set()

    def __call__(self):
        pass


def _record(*, association_id, kind, object_id=""):
    """The event, unless this transaction already recorded it at the same savepoint depth. What was
    recorded is read from Django's own list of commit hooks (`run_on_commit`, each with the savepoints it
    was registered under), the one place Django keeps in step with commits and rollbacks. Outside a
    transaction each write commits alone: every one is recorded."""
    if not association_id:
        return
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        key = (association_id, kind, str(object_id or ""))
        # A block without savepoint (None) stands or falls with the one around it.
        depth = set(connection.savepoint_ids) - {None}
        recorded = next(
            (
                hook
                for sids, hook, _ in reversed(connection.run_on_commit)
                if isinstance(hook, _Recorded) and sids - {None} == depth
            ),
            None,
        )
        if recorded is None:
            recorded = _Recorded()
            transaction.on_commit(recorded)
        elif key in recorded.keys:
            return
        recorded.keys.add(key)
    event_record(association_id=association_id, kind=kind, object_id=object_id)


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
        _record(association_id=association_id, kind=EventKind.ORIENTATION, object_id=instance.pk)


@receiver(post_save, sender=Mentorship)
def _pair_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        _record(association_id=instance.association_id, kind=EventKind.PAIR, object_id=instance.pk)


@receiver(pair_changed, sender=Mentorship)
def _pair_updated(sender, mentorship, **kwargs):
    _record(association_id=mentorship.association_id, kind=EventKind.PAIR, object_id=mentorship.pk)


# A youth's profile is read through the orientations an association received: a change to what one of
# them shows (serializers.youth_profile, semi-anonymised until accepted) is an `orientation` event for
# it. A change to what it does not show records nothing — the event alone would tell that something
# hidden changed. The referral's own fields (its message) are heard on the referral's save.
SEMI_PROFILE = ("first_name", "birth_date", "territory", "modality")
FULL_PROFILE = (*SEMI_PROFILE, "last_name", "gender", "commune", "school_level", "interests")
_COLUMNS = [Youth._meta.get_field(name).attname for name in FULL_PROFILE]


def _shown(values: dict, referral) -> dict:
    if referral.visible_in_full_to_association:
        return values
    shown = {name: values[Youth._meta.get_field(name).attname] for name in SEMI_PROFILE}
    # The age, not the date of birth.
    shown["birth_date"] = age_on(values["birth_date"], timezone.localdate()) if values["birth_date"] else None
    return shown


def _seen_referrals(youth_id) -> list[Referral]:
    return list(
        Referral.objects.filter(
            youth_id=youth_id, state__in=Referral.STATES_SEEN_BY_ASSOCIATION, association__isnull=False
        ).only("pk", "association_id", "state")
    )


@receiver(pre_save, sender=Youth)
def _remember_profile(sender, instance, raw=False, update_fields=None, **kwargs):
    instance._api_before = None
    if raw or instance._state.adding:
        return  # a new youth has no referral yet
    if update_fields is not None and not set(update_fields) & {*FULL_PROFILE, *_COLUMNS}:
        return  # the services' own bookkeeping (consents, assessment, proposal): no query
    referrals = _seen_referrals(instance.pk)
    before = Youth.objects.filter(pk=instance.pk).values(*_COLUMNS).first() if referrals else None
    if before is not None:
        instance._api_before = (before, referrals)


@receiver(post_save, sender=Youth)
def _profile_changed(sender, instance, raw=False, **kwargs):
    remembered = getattr(instance, "_api_before", None)
    instance._api_before = None
    if raw or remembered is None:
        return
    before, referrals = remembered
    after = {column: getattr(instance, column) for column in _COLUMNS}
    for referral in referrals:
        if _shown(before, referral) != _shown(after, referral):
            _record(association_id=referral.association_id, kind=EventKind.ORIENTATION, object_id=referral.pk)


@receiver(m2m_changed, sender=Youth.objectives.through)
def _objectives_changed(sender, instance, action, reverse, pk_set, **kwargs):
    # Objectives are shown in both profiles. `set()` removes then adds: one event all the same.
    if action not in ("post_add", "post_remove", "post_clear") or (action != "post_clear" and not pk_set):
        return
    youth_ids = pk_set if reverse else [instance.pk]
    if reverse and action == "post_clear":
        return  # a reference item losing all its youths: not done by the application
    for youth_id in youth_ids:
        for referral in _seen_referrals(youth_id):
            _record(association_id=referral.association_id, kind=EventKind.ORIENTATION, object_id=referral.pk)


@receiver(post_save, sender=AssociationReport)
def _report_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        _record(association_id=instance.association_id, kind=EventKind.REPORT, object_id=instance.pk)


@receiver(post_save, sender=ReportRevision)
def _report_submitted(sender, instance, created=False, raw=False, **kwargs):
    if created and not raw:
        report = AssociationReport.objects.only("association_id").get(pk=instance.report_id)
        _record(association_id=report.association_id, kind=EventKind.REPORT, object_id=report.pk)


@receiver(post_save, sender=ImportJob)
def _import_done(sender, instance, raw=False, **kwargs):
    # `_finish` saves the job done, then again once its file is deleted: one event.
    if not raw and instance.status == ImportStatus.DONE and instance.file:
        _record(association_id=instance.association_id, kind=EventKind.REPORTED_PAIRS)
