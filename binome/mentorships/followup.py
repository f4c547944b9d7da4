"""The follow-up colour of a pair, as a pure function of its dates and the association's rules.

Green: up to date. Orange: something is due within `due_soon_days`, or the mentor's check-in answers fell
under the association's threshold (until the next staff contact). Red: overdue, or a concern raised.
For an active pair, two things are due: a staff contact (`first_month_contacts` in the first month,
then every `contact_every_days`) and a meeting of the pair (every `meeting_every_days`). A pair
waiting for its agreement is due to start within `agreement_within_days` of its validation.
"""

import datetime
import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Rules:
    first_month_contacts: int = 2
    contact_every_days: int = 30
    meeting_every_days: int = 42
    due_soon_days: int = 7
    agreement_within_days: int = 30

    @classmethod
    def of(cls, settings) -> "Rules":
        return cls(
            first_month_contacts=settings.first_month_contacts,
            contact_every_days=settings.contact_every_days,
            meeting_every_days=settings.meeting_every_days,
            due_soon_days=settings.due_soon_days,
            agreement_within_days=settings.agreement_within_days,
        )


@dataclass(frozen=True)
class Status:
    colour: str  # green | orange | red | "" (closed)
    reason: str
    due_on: datetime.date | None


FIRST_MONTH_DAYS = 30


def contact_due(started_on, last_contact_on, rules: Rules, contacts_in_first_month: int = 0) -> datetime.date:
    """In the first month, the required contacts are spread evenly (day 15 and day 30 for two); once
    they are done, or the month is over, the next contact is due `contact_every_days` after the last."""
    required = max(1, rules.first_month_contacts)
    month_end = started_on + datetime.timedelta(days=FIRST_MONTH_DAYS)
    last = last_contact_on if last_contact_on and last_contact_on >= started_on else None
    if contacts_in_first_month < required and (last is None or last < month_end):
        return started_on + datetime.timedelta(
            days=math.ceil((contacts_in_first_month + 1) * FIRST_MONTH_DAYS / required)
        )
    return (last or started_on) + datetime.timedelta(days=rules.contact_every_days)


def meeting_due(started_on, last_meeting_on, rules: Rules) -> datetime.date:
    reference = last_meeting_on if last_meeting_on and last_meeting_on >= started_on else started_on
    return reference + datetime.timedelta(days=rules.meeting_every_days)


def status(
    *,
    state: str,
    today: datetime.date,
    rules: Rules,
    validated_on: datetime.date | None = None,
    started_on: datetime.date | None = None,
    last_contact_on: datetime.date | None = None,
    last_meeting_on: datetime.date | None = None,
    contacts_in_first_month: int = 0,
    concern_since: datetime.date | None = None,
    pulse_alert_on: datetime.date | None = None,
) -> Status:
    if state == "closed":
        return Status("", "", None)
    if concern_since is not None:
        return Status("red", f"Préoccupation signalée le {concern_since:%d/%m/%Y}", None)
    soon = datetime.timedelta(days=rules.due_soon_days)
    if state == "agreement" or started_on is None:
        due = (validated_on or today) + datetime.timedelta(days=rules.agreement_within_days)
        if today > due:
            return Status("red", f"Convention à signer et binôme à lancer depuis le {due:%d/%m/%Y}", due)
        if today >= due - soon:
            return Status("orange", f"Convention à signer et binôme à lancer avant le {due:%d/%m/%Y}", due)
        return Status("green", "Convention en cours de signature", due)
    contact = contact_due(started_on, last_contact_on, rules, contacts_in_first_month)
    meeting = meeting_due(started_on, last_meeting_on, rules)
    overdue = []
    if today > meeting:
        since = f"depuis le {last_meeting_on:%d/%m/%Y}" if last_meeting_on else "depuis le lancement"
        overdue.append(f"Aucune rencontre du binôme {since}")
    if today > contact:
        overdue.append(f"Contact du chargé de mentorat attendu depuis le {contact:%d/%m/%Y}")
    if overdue:
        return Status("red", " ; ".join(overdue), min(contact, meeting))
    due = min(contact, meeting)
    if pulse_alert_on is not None:
        # The mentor's check-in answers fell under the association's threshold: call them back.
        return Status("orange", f"Questionnaire du mentor préoccupant le {pulse_alert_on:%d/%m/%Y}", due)
    if today >= due - soon:
        what = "Rencontre du binôme" if meeting <= contact else "Contact du chargé de mentorat"
        return Status("orange", f"{what} à prévoir avant le {due:%d/%m/%Y}", due)
    return Status("green", "À jour", due)
