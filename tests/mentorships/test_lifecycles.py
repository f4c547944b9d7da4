"""The referral's and the pair's lives: one table each, checked by the services and drawn in
docs/architecture.md."""

import pytest
from django.core.exceptions import ValidationError

from binome.mentorships.management.commands.lifecycles_doc import doc_path, render_section, section_in
from binome.mentorships.models import MENTORSHIP_LIFECYCLE, MentorshipState
from binome.youths.models import REFERRAL_LIFECYCLE, ReferralState


def test_the_diagrams_in_the_architecture_doc_are_drawn_from_the_tables():
    current = section_in(doc_path().read_text(encoding="utf-8"))
    assert current is not None, "docs/architecture.md: run `python manage.py lifecycles_doc --write`"
    assert current == render_section(), "run `python manage.py lifecycles_doc --write`"


def test_the_referral_table():
    assert REFERRAL_LIFECYCLE.next_states(ReferralState.DRAFT) == {
        ReferralState.SUBMITTED,
        ReferralState.WITHDRAWN,
    }
    assert REFERRAL_LIFECYCLE.next_states(ReferralState.ROUTED) == {
        ReferralState.ACCEPTED,
        ReferralState.DECLINED,
        ReferralState.WITHDRAWN,
    }
    assert REFERRAL_LIFECYCLE.next_states(ReferralState.WITHDRAWN) == set()
    # Only a routed referral is answered: a declined one goes back to the département first.
    assert not REFERRAL_LIFECYCLE.allows(ReferralState.DECLINED, "accept")
    assert REFERRAL_LIFECYCLE.allows(ReferralState.DECLINED, "route")
    assert all(
        REFERRAL_LIFECYCLE.allows(s, "withdraw") for s in ReferralState if s != ReferralState.WITHDRAWN
    )
    with pytest.raises(ValidationError) as refused:
        REFERRAL_LIFECYCLE.check(ReferralState.MATCHED, "accept", "impossible")
    assert refused.value.messages == ["impossible"]


def test_the_pair_table():
    assert MENTORSHIP_LIFECYCLE.next_state(MentorshipState.AGREEMENT, "launch") == MentorshipState.ACTIVE
    assert not MENTORSHIP_LIFECYCLE.allows(MentorshipState.ACTIVE, "launch")
    assert MENTORSHIP_LIFECYCLE.next_states(MentorshipState.CLOSED) == {
        MentorshipState.ACTIVE,
        MentorshipState.AGREEMENT,
    }
    assert not MENTORSHIP_LIFECYCLE.allows(MentorshipState.CLOSED, "close")
    diagram = MENTORSHIP_LIFECYCLE.mermaid()
    assert diagram.startswith("stateDiagram-v2")
    assert "    agreement --> active : rencontre de lancement, convention signée" in diagram.splitlines()
