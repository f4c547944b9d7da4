"""Writes on collective activities. Youths and mentors of the association's open pairs may register."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from binome.mentorships.models import ActivityRegistration, Mentorship
from binome.utils.french import plural


def candidates(activity) -> list[tuple[str, str]]:
    """(value, label) of the people who may still register: « y:<youth id> » and « m:<mentor id> »."""
    taken = set(activity.registrations.values_list("youth_id", "mentor_id"))
    taken_youths = {y for y, _ in taken if y}
    taken_mentors = {m for _, m in taken if m}
    pairs = (
        Mentorship.objects.open()
        .filter(association=activity.association)
        .select_related("youth", "mentor")
        .order_by("youth__last_name")
    )
    people = []
    for pair in pairs:
        if pair.youth_id not in taken_youths:
            people.append((f"y:{pair.youth_id}", f"{pair.youth.first_name} {pair.youth.last_name} (jeune)"))
            taken_youths.add(pair.youth_id)
        if pair.mentor_id not in taken_mentors:
            people.append(
                (f"m:{pair.mentor_id}", f"{pair.mentor.first_name} {pair.mentor.last_name} (mentor)")
            )
            taken_mentors.add(pair.mentor_id)
    return people


@transaction.atomic
def register(*, activity, people: list[str], by) -> int:
    allowed = dict(candidates(activity))
    chosen = [p for p in people if p in allowed]
    if not chosen:
        raise ValidationError("Choisissez au moins une personne à inscrire.")
    if activity.capacity and activity.registrations.count() + len(chosen) > activity.capacity:
        left = activity.capacity - activity.registrations.count()
        raise ValidationError(
            f"Il ne reste que {plural(left, 'place')}." if left > 0 else "Il ne reste aucune place."
        )
    for value in chosen:
        kind, pk = value.split(":", 1)
        ActivityRegistration.objects.create(
            activity=activity, **({"youth_id": pk} if kind == "y" else {"mentor_id": pk})
        )
    return len(chosen)


@transaction.atomic
def attendance(*, activity, present_ids: set, by) -> None:
    if activity.starts_at > timezone.now():
        raise ValidationError("Cette activité n'a pas encore eu lieu : les présences se notent après.")
    for registration in activity.registrations.all():
        present = str(registration.pk) in present_ids
        if registration.attended != present:
            registration.attended = present
            registration.save(update_fields=["attended", "updated_at"])
