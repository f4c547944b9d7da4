"""Pseudonyms for the département's exports: a keyed hash (HMAC-SHA256) of a record's id.

The same youth gets the same pseudonym in every export, so files can be compared month after month,
but nobody holding an export alone can go back to the record or to the person. The key is
`BINOME_PSEUDONYM_KEY`, derived from `SECRET_KEY` when not set: set it explicitly in production so
that rotating `SECRET_KEY` does not change every pseudonym.
"""

import base64
import hashlib
import hmac

from django.conf import settings

PREFIXES = {"youth": "J", "mentor": "M", "mentorship": "B"}


def pseudonym_key() -> bytes:
    key = getattr(settings, "BINOME_PSEUDONYM_KEY", "")
    if key:
        return key.encode()
    return hashlib.sha256(b"binome.steering.pseudonym:" + settings.SECRET_KEY.encode()).digest()


def pseudonym(kind: str, record_id, key: bytes | None = None) -> str:
    """`J-XXXXXXXXXXXXXXXX` for a youth, `M-…` for a mentor, `B-…` for a pair (80 bits: no collision
    in practice at national scale). `kind` is part of the message, so a youth and a mentor never share one."""
    digest = hmac.new(key or pseudonym_key(), f"{kind}:{record_id}".encode(), hashlib.sha256).digest()
    return f"{PREFIXES[kind]}-{base64.b32encode(digest[:10]).decode()}"


class Pseudonymiser:
    """Computes the key once for a whole export."""

    def __init__(self):
        self.key = pseudonym_key()

    def __call__(self, kind: str, record_id) -> str:
        return pseudonym(kind, record_id, self.key) if record_id is not None else ""
