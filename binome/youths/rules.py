"""The legal gates of the pathway, as pure functions (décret n° 2024-118, art. D.221-35 to D.221-37)."""

from collections import Counter

from binome.youths.models import ConsentKind, LegalStatus, ProposalOutcome

MISSING_LABELS = {
    ConsentKind.YOUTH_ADHESION: "l'avis et l'adhésion du jeune",
    ConsentKind.PARENT: "l'accord écrit d'un titulaire de l'autorité parentale",
    ConsentKind.DELEGATE: "l'accord écrit du délégataire de l'autorité parentale",
    ConsentKind.TUTOR: "l'accord écrit du tuteur",
    ConsentKind.FAMILY_COUNCIL: "l'accord du conseil de famille",
    ConsentKind.YOUNG_ADULT: "le consentement du jeune majeur",
}


def required_consents(legal_status: str, authority_holders: int = 2) -> Counter:
    """How many valid consents of each kind the youth's legal status requires.

    The PPE signature never replaces them. For a state ward, the tutor AND the family council."""
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
    return required


def missing_consents(legal_status: str, authority_holders: int, given_kinds: list[str]) -> list[str]:
    """French phrases for what is still missing, e.g. ["l'accord du conseil de famille"]."""
    given = Counter(given_kinds)
    missing = []
    for kind, count in required_consents(legal_status, authority_holders).items():
        lacking = count - given.get(kind, 0)
        if lacking <= 0:
            continue
        if kind == ConsentKind.PARENT and count == 2:
            missing.append(
                "l'accord écrit des deux titulaires de l'autorité parentale"
                if lacking == 2
                else "l'accord écrit du second titulaire de l'autorité parentale"
            )
        else:
            missing.append(MISSING_LABELS[kind])
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
