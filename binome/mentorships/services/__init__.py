"""Writes on pairs, one module per sub-domain:

- `creation`: a pair from the matching, its coordinator and next steps;
- `agreements`: the agreement, its amendments and signatures;
- `meetings`: the launch meeting, the pair's meetings and the staff's contacts;
- `concerns`: worries raised about the pair;
- `colour`: the pair's follow-up colour and the alerts it sends;
- `reviews`: the yearly review and the mention in the youth's project;
- `closure`: closure, reopening, renewal and a new mentor for the youth;
- `mentor_links`: the mentor's space and its magic links;
- `alerts` and `common`: what the others share.

Every function that changes what the follow-up depends on ends with `refresh_follow_up`, so the stored
colour is always current; the nightly job only catches the passing of time.

Callers keep writing `from binome.mentorships import services` and `services.<name>`: the names are
re-exported here."""

from binome.mentorships.services.agreements import (
    TERM_FIELDS,
    agreement_sign,
    agreement_update,
    amendment_create,
    consents_summary,
    current_agreement,
    parties_to_sign,
    signature_remove,
)
from binome.mentorships.services.alerts import alert_referrer, alert_staff
from binome.mentorships.services.closure import (
    frequency_kept,
    mentorship_close,
    mentorship_rematch,
    mentorship_renew,
    mentorship_reopen,
)
from binome.mentorships.services.colour import pulse_alert, refresh_all_follow_ups, refresh_follow_up
from binome.mentorships.services.common import convention_key_indicators
from binome.mentorships.services.concerns import MENTOR_CONCERNS_PER_DAY, concern_raise, concern_resolve
from binome.mentorships.services.creation import mentorship_create, mentorship_update
from binome.mentorships.services.meetings import (
    contact_record,
    meeting_save,
    mentorship_launch,
    refresh_contacts,
    refresh_meetings,
)
from binome.mentorships.services.mentor_links import (
    MENTOR_LINK_DAYS,
    AccessRefused,
    mentor_access_check,
    mentor_access_create,
    mentor_link_issue,
    mentor_link_renew,
    mentor_link_send,
    mentor_space_url,
)
from binome.mentorships.services.reviews import project_mention_record, review_record

__all__ = [
    "MENTOR_CONCERNS_PER_DAY",
    "MENTOR_LINK_DAYS",
    "TERM_FIELDS",
    "AccessRefused",
    "agreement_sign",
    "agreement_update",
    "alert_referrer",
    "alert_staff",
    "amendment_create",
    "concern_raise",
    "concern_resolve",
    "consents_summary",
    "contact_record",
    "convention_key_indicators",
    "current_agreement",
    "frequency_kept",
    "meeting_save",
    "mentor_access_check",
    "mentor_access_create",
    "mentor_link_issue",
    "mentor_link_renew",
    "mentor_link_send",
    "mentor_space_url",
    "mentorship_close",
    "mentorship_create",
    "mentorship_launch",
    "mentorship_rematch",
    "mentorship_renew",
    "mentorship_reopen",
    "mentorship_update",
    "parties_to_sign",
    "project_mention_record",
    "pulse_alert",
    "refresh_all_follow_ups",
    "refresh_contacts",
    "refresh_follow_up",
    "refresh_meetings",
    "review_record",
    "signature_remove",
]
