"""Creating, revoking and checking API tokens; recording changes for the feed."""

import datetime
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from binome.api.models import TOKEN_PREFIX, ApiToken, ChangeEvent, Scope, hash_token

MAX_DAYS = 366
LAST_USED_EVERY = datetime.timedelta(minutes=1)


def parse_scopes(values) -> list[str]:
    """Known scopes, in the registry's order; a ValidationError names any unknown one."""
    values = [v.strip() for v in values if v and v.strip()]
    unknown = sorted(set(values) - set(Scope.values))
    if unknown:
        raise ValidationError(
            f"Portée inconnue : {', '.join(unknown)}. Portées possibles : {', '.join(Scope.values)}."
        )
    if not values:
        raise ValidationError("Choisissez au moins une portée.")
    return [s for s in Scope.values if s in values]


@transaction.atomic
def token_create(*, association, name: str, scopes, days: int = 365, by=None) -> tuple[ApiToken, str]:
    """A new token for the association. Returns the row and the token itself, which is never stored
    (only its digest) and must be shown once."""
    if not association.is_association:
        raise ValidationError("Seule une association reçoit des jetons d'API.")
    name = (name or "").strip()
    if not name:
        raise ValidationError("Donnez un nom au jeton, pour le reconnaître.")
    if not 1 <= days <= MAX_DAYS:
        raise ValidationError(f"Durée de validité de 1 à {MAX_DAYS} jours.")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        association=association,
        name=name[:100],
        digest=hash_token(raw),
        hint=raw[:10],
        scopes=parse_scopes(scopes),
        expires_at=timezone.now() + datetime.timedelta(days=days),
        created_by=by,
    )
    return token, raw


def token_revoke(*, token: ApiToken, by=None) -> bool:
    """Revoke at once (the next request with it answers 401). False when it already was."""
    return bool(
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_by=by
        )
    )


def token_check(raw: str) -> ApiToken | None:
    """The usable token for a presented value, or None (unknown, revoked, expired, inactive association)."""
    if not raw or not raw.startswith(TOKEN_PREFIX) or len(raw) > 100:
        return None
    token = ApiToken.objects.usable().select_related("association").filter(digest=hash_token(raw)).first()
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def event_record(*, association_id, kind: str, object_id="") -> None:
    """One entry of the association's change feed (kind and opaque id only)."""
    if association_id:
        ChangeEvent.objects.create(association_id=association_id, kind=kind, object_id=str(object_id or ""))
