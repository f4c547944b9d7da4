"""Identifiers that arrive from the outside (a form's hidden field, a query string)."""

import uuid


def parse_uuid(value) -> uuid.UUID | None:
    """The UUID written in `value`, or None when it is not one: a lookup on a malformed id must be a
    « not found », never a crash in the database layer."""
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        return None
