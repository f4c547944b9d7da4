"""What matching keeps about an anonymised youth or mentor: see `audit.retention`."""

from binome.audit.retention import eraser
from binome.matching.models import Proposal

COVERAGE = {
    # The breakdown quotes shared interests and languages, taken from the persons' free text.
    "clears": {"matching.Proposal": ("breakdown", "reject_comment")},
    "deletes": ("matching.HistoricalProposal",),
}


def _erase(proposals) -> None:
    proposals.update(breakdown=[], reject_comment="")
    Proposal.history.filter(id__in=list(proposals.values_list("pk", flat=True))).delete()


@eraser("youths.Youth", **COVERAGE)
def erase_youth_proposals(youth, now) -> None:
    _erase(Proposal.objects.filter(youth=youth))


@eraser("mentors.Mentor", **COVERAGE)
def erase_mentor_proposals(mentor, now) -> None:
    _erase(Proposal.objects.filter(mentor=mentor))
