"""Retention (CNIL référentiel « protection de l'enfance »): live personal data at most two years after
the last contact, then anonymised; candidates not retained, six months after the decision.

Anonymising keeps what the indicators need (département, service, territory, birth year, gender,
measure, pathway dates and states) and removes what identifies a person: names, exact birth date,
commune, free text, contact details, scanned documents, and the change-history copies.

Audit owns the schedule, not the data. Each app registers, in its own `retention.py` (found by
`autodiscover_modules`, as the admin finds `admin.py`):
- the app that owns a kind of person, a `subject`: who is due, and how its own rows are anonymised;
- any app that keeps data about that person, an `eraser` for the subject (a pair's notes, a proposal's
  comment…), so audit imports no app and a lower app never imports a higher one.
Each registration names the text fields it clears, the history tables whose rows it deletes and the
text fields it keeps on purpose (with why): `tests/audit/test_retention.py` lists every model that
points to a person and fails when one of its text fields is handled by nobody.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from binome.utils.french import plural, plural_form

ANONYMOUS = "Anonymisé"


@dataclass
class Eraser:
    subject: str  # model label of the person, e.g. "youths.Youth"
    erase: Callable  # erase(person, now): runs in the person's transaction
    clears: dict[str, tuple[str, ...]] = field(default_factory=dict)  # model label → fields emptied
    deletes: tuple[str, ...] = ()  # model labels whose rows about the person are deleted
    keeps: dict[str, dict[str, str]] = field(default_factory=dict)  # model label → {field: why}


@dataclass
class Subject:
    label: str  # French, singular: "jeune" (reports say « aucun jeune », « 2 jeunes »)
    due: Callable  # due(now) → queryset of persons to anonymise
    anonymise: Eraser  # the owner's own rows, run after every other app's eraser


SUBJECTS: dict[str, Subject] = {}
ERASERS: list[Eraser] = []


def subject(model: str, *, label: str, due: Callable, **coverage):
    """Decorator on the owner's anonymise(person, now); `coverage`: clears=, deletes=, keeps=."""

    def register(function):
        SUBJECTS[model] = Subject(label=label, due=due, anonymise=Eraser(model, function, **coverage))
        return function

    return register


def eraser(model: str, **coverage):
    """Decorator on another app's erase(person, now) for the persons of `model`."""

    def register(function):
        ERASERS.append(Eraser(model, function, **coverage))
        return function

    return register


def load() -> None:
    autodiscover_modules("retention")


def all_erasers() -> list[Eraser]:
    load()
    return [*ERASERS, *(s.anonymise for s in SUBJECTS.values())]


def year_only(day: datetime.date) -> datetime.date:
    return day.replace(month=1, day=1)


@dataclass
class RetentionReport:
    counts: dict[str, int]  # model label → persons anonymised (or due, in a dry run)

    def lines(self, *, done: bool = True) -> list[str]:
        """« 2 jeunes anonymisés », « aucun mentor anonymisé »; not done (a dry run): « 2 jeunes »."""
        participle = " anonymisé" if done else ""
        return [
            plural(
                count,
                f"{SUBJECTS[model].label}{participle}",
                f"{plural_form(SUBJECTS[model].label)}{participle}{'s' if done else ''}",
            )
            for model, count in self.counts.items()
        ]


def apply_retention(*, now: datetime.datetime | None = None, dry_run: bool = False) -> RetentionReport:
    """Anonymise every person past its retention period, each in one transaction."""
    load()
    now = now or timezone.now()
    counts = {}
    for model, subject_ in SUBJECTS.items():
        persons = list(subject_.due(now))
        erasers = [e for e in ERASERS if e.subject == model] + [subject_.anonymise]
        if not dry_run:
            for person in persons:
                with transaction.atomic():
                    for e in erasers:
                        e.erase(person, now)
        counts[model] = len(persons)
    return RetentionReport(counts)
