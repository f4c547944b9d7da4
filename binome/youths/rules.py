"""The legal gates of the pathway, as pure functions (décret n° 2024-118, art. D.221-35 to D.221-37)."""

import datetime
from collections import Counter

from binome.utils.dates import one_year_after, years_before
from binome.youths.models import ConsentKind, InformedParty, LegalStatus, ProposalOutcome

MISSING_LABELS = {
    ConsentKind.YOUTH_ADHESION: "l'avis et l'adhésion du jeune",
    ConsentKind.PARENT: "l'accord écrit d'un titulaire de l'autorité parentale",
    ConsentKind.DELEGATE: "l'accord écrit du délégataire de l'autorité parentale",
    ConsentKind.TUTOR: "l'accord écrit du tuteur",
    ConsentKind.FAMILY_COUNCIL: "l'accord du conseil de famille",
    ConsentKind.YOUNG_ADULT: "le consentement du jeune majeur",
}


def required_consents(legal_status: str, authority_holders: int = 2) -> Counter:
    """How many valid consents of each kind the youth's legal status requires (art. D.221-35).

    The PPE signature never replaces them. For a state ward, the tutor AND the family council; under a
    guardianship that is not a state ward, the tutor."""
    if legal_status == LegalStatus.YOUNG_ADULT:
        return Counter({ConsentKind.YOUNG_ADULT: 1})
    required = Counter({ConsentKind.YOUTH_ADHESION: 1})
    if legal_status == LegalStatus.PARENTS:
        required[ConsentKind.PARENT] = max(1, min(authority_holders, 2))
    elif legal_status == LegalStatus.DELEGATED:
        required[ConsentKind.DELEGATE] = 1
    elif legal_status == LegalStatus.WARD:
        required[ConsentKind.TUTOR] = 1
        required[ConsentKind.FAMILY_COUNCIL] = 1
    elif legal_status == LegalStatus.GUARDIANSHIP:
        # A guardianship (art. 390 du code civil) that is not a state ward: the tutor holds parental
        # authority and gives the written agreement; no family council of the pupilles de l'État.
        required[ConsentKind.TUTOR] = 1
    return required


def missing_consents(legal_status: str, authority_holders: int, given_kinds: list[str]) -> list[str]:
    """French phrases for what is still missing, e.g. ["l'accord du conseil de famille"]."""
    return _missing(
        required_consents(legal_status, authority_holders),
        Counter(given_kinds),
        labels=MISSING_LABELS,
        parent=ConsentKind.PARENT,
        both_parents="l'accord écrit des deux titulaires de l'autorité parentale",
        second_parent="l'accord écrit du second titulaire de l'autorité parentale",
    )


def _missing(required: dict, given: Counter, *, labels, parent, both_parents: str, second_parent: str):
    """What `required` ({kind: count}) still lacks after `given`, as French phrases; two holders of
    parental authority are named together or as « the second » one."""
    missing = []
    for kind, count in required.items():
        lacking = count - given.get(kind, 0)
        if lacking <= 0:
            continue
        if kind == parent and count == 2:
            missing.append(both_parents if lacking == 2 else second_parent)
        else:
            missing.append(labels[kind])
    return missing


# Written agreement (art. D.221-37): these kinds count only when signed and scanned.
WRITTEN_KINDS = {ConsentKind.PARENT, ConsentKind.DELEGATE, ConsentKind.TUTOR, ConsentKind.FAMILY_COUNCIL}
WRITTEN_METHODS = {"written", "form", "decision"}


def counts_towards_gate(consent) -> bool:
    if consent.withdrawn_at is not None:
        return False
    if consent.kind in WRITTEN_KINDS:
        return consent.method in WRITTEN_METHODS and bool(consent.document)
    return True


def giver_key(given_by: str) -> str:
    return " ".join(given_by.lower().split())


def youth_missing_consents(youth) -> list[str]:
    """Each holder of parental authority counts once, however many times their agreement is recorded."""
    kinds, parents = [], set()
    for consent in youth.consents.all():
        if not counts_towards_gate(consent):
            continue
        if consent.kind == ConsentKind.PARENT:
            if giver_key(consent.given_by) in parents:
                continue
            parents.add(giver_key(consent.given_by))
        kinds.append(consent.kind)
    return missing_consents(youth.legal_status, youth.authority_holders, kinds)


def submission_blockers(youth) -> list[str]:
    """Why a referral for this youth cannot be sent yet (empty when the gate is open)."""
    blockers = []
    if youth.archived_at:
        blockers.append("Le jeune est sorti du dispositif.")
    elif not youth.is_eligible():
        blockers.append(
            "Le jeune n'est pas dans la tranche d'âge du dispositif (11 à 20 ans, ou entrée au collège)."
        )
    if youth.age() >= 18 and youth.legal_status != LegalStatus.YOUNG_ADULT:
        blockers.append(
            "Le jeune a 18 ans : il consent pour lui-même, passez sa situation à « Jeune majeur »."
        )
    if youth.proposal_outcome != ProposalOutcome.ACCEPTED:
        blockers.append("La proposition de mentorat n'a pas été acceptée.")
    if not youth.assessment_date:
        blockers.append("Aucune évaluation de situation n'est enregistrée.")
    elif not youth.assessment_in_interest:
        blockers.append("La dernière évaluation conclut que le mentorat n'est pas dans l'intérêt du jeune.")
    elif not youth.assessment_valid():
        blockers.append("L'évaluation de situation date de plus d'un an : elle doit être renouvelée.")
    missing = youth_missing_consents(youth)
    if missing:
        blockers.append("Il manque " + ", ".join(missing) + ".")
    return blockers


def proposal_blockers(youth, outcome: str, on: datetime.date) -> list[str]:
    """Art. D.221-34: « avant de proposer à un enfant une action de mentorat », the département assesses
    the situation. A proposal (whatever its outcome) needs an assessment made before it, less than a year
    old on the proposal's date, concluding that mentoring is in the youth's interest; recording that it
    is not in the youth's interest needs an assessment saying so."""
    date = youth.assessment_date
    if date is None:
        return [
            "Le mentorat se propose après l'évaluation de la situation du jeune (art. D.221-34) : "
            "enregistrez d'abord l'évaluation."
        ]
    if date > on:
        return [
            f"La proposition suit l'évaluation de situation du {date:%d/%m/%Y} (art. D.221-34) : "
            "elle ne peut pas être datée avant."
        ]
    if outcome == ProposalOutcome.NOT_IN_INTEREST:
        if youth.assessment_in_interest:
            return [
                "La dernière évaluation conclut que le mentorat est dans l'intérêt du jeune : "
                "enregistrez d'abord l'évaluation qui conclut le contraire."
            ]
        return []
    if not youth.assessment_in_interest:
        return [
            "La dernière évaluation conclut que le mentorat n'est pas dans l'intérêt du jeune : "
            "il ne peut pas lui être proposé (art. D.221-34)."
        ]
    if one_year_after(date) < on:
        return [
            f"L'évaluation de situation du {date:%d/%m/%Y} avait plus d'un an à la date de la proposition : "
            "renouvelez-la d'abord (art. D.221-34)."
        ]
    return []


# Levels before or after the 6e, in school years (the others say nothing about collège).
YEARS_FROM_COLLEGE = {"cm2": -1, "6e": 0, "5e": 1, "4e": 2, "3e": 3}
RENTREE = (9, 1)  # the school year starts on the 1st of September


def school_year_of(day: datetime.date) -> int:
    """The school year a day falls in, by the year of its rentrée (2025 for 2025-2026)."""
    return day.year if (day.month, day.day) >= RENTREE else day.year - 1


def college_entry(
    birth_date: datetime.date, level_code: str | None, school_year: int | None
) -> datetime.date:
    """When the youth enters (or entered) collège: from the school level and its year when known, else
    the rentrée of the year they turn 11, as for most children."""
    if level_code in YEARS_FROM_COLLEGE and school_year:
        year = school_year - YEARS_FROM_COLLEGE[level_code]
    else:
        year = birth_date.year + 11
    return datetime.date(year, *RENTREE)


def first_assessment_due(
    birth_date: datetime.date,
    care_started_on: datetime.date | None,
    level_code: str | None = None,
    school_year: int | None = None,
) -> datetime.date:
    """Art. D.221-34 al.2: the assessment is made « lors de la prise en charge du mineur d'au moins onze ans
    et au plus tard au moment de l'entrée au collège ». A youth taken into care at 11 or more: the start of
    care; a younger one: the entry into collège (not before the start of care)."""
    entry = college_entry(birth_date, level_code, school_year)
    if care_started_on is None:
        return entry
    if care_started_on >= years_before(birth_date, -11):
        return care_started_on
    return max(entry, care_started_on)


# Art. D.221-35 al.1: who must be informed, by legal status (the child, and each holder of parental
# authority; for a state ward, the tutor and the family council).
INFORMATION_LABELS = {
    InformedParty.YOUTH: "le jeune",
    InformedParty.PARENT: "un titulaire de l'autorité parentale",
    InformedParty.DELEGATE: "le délégataire de l'autorité parentale",
    InformedParty.TUTOR: "le tuteur",
    InformedParty.FAMILY_COUNCIL: "le conseil de famille",
}


def required_information(legal_status: str, authority_holders: int = 2) -> Counter:
    required = Counter({InformedParty.YOUTH: 1})
    if legal_status == LegalStatus.PARENTS:
        required[InformedParty.PARENT] = max(1, min(authority_holders, 2))
    elif legal_status == LegalStatus.DELEGATED:
        required[InformedParty.DELEGATE] = 1
    elif legal_status in (LegalStatus.WARD, LegalStatus.GUARDIANSHIP):
        required[InformedParty.TUTOR] = 1
        if legal_status == LegalStatus.WARD:
            required[InformedParty.FAMILY_COUNCIL] = 1
    return required


def missing_information(youth) -> list[str]:
    """Who still has to be informed, e.g. ["le second titulaire de l'autorité parentale"]."""
    given, parents = Counter(), set()
    for record in youth.information_given.all():
        if record.party == InformedParty.PARENT:
            if giver_key(record.recipient_name) in parents:
                continue
            parents.add(giver_key(record.recipient_name))
        given[record.party] += 1
    return _missing(
        required_information(youth.legal_status, youth.authority_holders),
        given,
        labels=INFORMATION_LABELS,
        parent=InformedParty.PARENT,
        both_parents="les deux titulaires de l'autorité parentale",
        second_parent="le second titulaire de l'autorité parentale",
    )
