"""Personal API tokens: making one (shown once, only its SHA-256 kept), revoking it, and finding whose a bearer token is."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select

from .extensions import db
from .models import ApiToken, User
from .models.changes import stamp_column

NAME_MAX_LENGTH = 100
PREFIX_LENGTH = 8
BEARER = "bearer"

# A token's last use is written at most this often.
LAST_USE_EVERY = timedelta(minutes=5)


class ApiTokenError(Exception):
    """A token that cannot be made as asked; the message says why, in Vietnamese."""


def token_hash(plain: str) -> str:
    """What is stored for a token: a leaked table gives nobody a usable token."""
    return hashlib.sha256(plain.encode("utf-8")).hexdigest()


def create_token(user: User, name: str, now: datetime) -> tuple[str, ApiToken]:
    """A new token for the user: (the token itself, to show once; its row). Flushes, the caller commits."""
    name = (name or "").strip()
    if len(name) > NAME_MAX_LENGTH:
        raise ApiTokenError(f"Tên mã truy cập dài tối đa {NAME_MAX_LENGTH} ký tự.")
    plain = secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id, name=name, token_hash=token_hash(plain), prefix=plain[:PREFIX_LENGTH], created_at=now
    )
    db.session.add(token)
    db.session.flush()
    return plain, token


def revoke_token(token: ApiToken, now: datetime) -> None:
    """The token stops working at once; revoking it again keeps the first date. Flushes, the caller commits."""
    if token.revoked_at is None:
        token.revoked_at = now
        db.session.flush()


def tokens_of(user: User) -> list[ApiToken]:
    """The user's tokens, newest first (revoked ones too: the account page shows when they stopped)."""
    return list(
        db.session.scalars(
            select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def bearer_value(header_value: str | None) -> str | None:
    """The token in an `Authorization: Bearer <token>` header value, or None when there is none."""
    scheme, _, value = (header_value or "").strip().partition(" ")
    value = value.strip()
    if scheme.lower() != BEARER or not value or " " in value:
        return None
    return value


def user_for_bearer(header_value: str | None, now: datetime) -> User | None:
    """The active user whose unrevoked token the header carries, else None. The token's last use is noted
    when the one noted is older than LAST_USE_EVERY, so a client's reads do not each write (and wait for a
    busy SQLite's write lock).

    The caller commits."""
    plain = bearer_value(header_value)
    if plain is None:
        return None
    # Looked up by hash: the comparison never touches the token itself, so its timing tells nothing. One
    # statement: the token, its user and the data's stamp.
    row = db.session.execute(
        select(ApiToken, User, stamp_column())
        .join(User, ApiToken.user_id == User.id)
        .where(ApiToken.token_hash == token_hash(plain))
    ).first()
    if row is None:
        return None
    token, user, stamp = row
    if token.revoked_at is not None or not user.is_active:
        return None
    user.data_stamp = stamp
    if token.last_used_at is None or now - token.last_used_at >= LAST_USE_EVERY:
        token.last_used_at = now  # pending until the caller commits (session.dirty tells it)
    return user
