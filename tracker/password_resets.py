"""Resetting a forgotten password: one-time, expiring links (only their SHA-256 is kept) that an admin,
the CLI or the person ("Quên mật khẩu?", by email through the outbox) asks for, and setting the new password."""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, datetime, timedelta

from flask import render_template
from sqlalchemy import delete, func, select, update

from .accounts import AccountError, check_password_strength, end_all_sessions, hash_password
from .assignments import actor_of
from .extensions import db
from .links import external_url
from .models import LoginAttempt, PasswordResetRequest, PasswordResetToken, User
from .outbox import Draft, enqueue
from .rules.permissions import MANAGE_USERS, can
from .rules.texts import t

# The person's own link, sent by email, is short-lived; an admin's link is handed over by hand, so it lasts a day.
EMAILED_LINK_LIFETIME = timedelta(hours=1)
HANDED_LINK_LIFETIME = timedelta(hours=24)
# "Quên mật khẩu?" requests counted in the database (as failed sign-ins are), so the limits hold across workers.
REQUEST_WINDOW = timedelta(hours=1)
MAX_REQUESTS_PER_EMAIL = 3
MAX_REQUESTS_PER_ADDRESS = 10


class InvalidResetLink(AccountError):
    """The link is unknown, expired or already used."""

    def __init__(self) -> None:
        super().__init__(
            t("Liên kết đặt lại mật khẩu không hợp lệ, đã hết hạn hoặc đã được dùng. Hãy yêu cầu một liên kết mới.")
        )


class TooManyResetRequests(AccountError):
    """Too many reset requests for this email or from this client address in the last REQUEST_WINDOW."""

    def __init__(self) -> None:
        super().__init__(
            t(
                "Có quá nhiều yêu cầu đặt lại mật khẩu. Vui lòng thử lại sau %(minutes)s phút "
                "hoặc liên hệ quản trị viên.",
                minutes=int(REQUEST_WINDOW.total_seconds() // 60),
            )
        )


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def reset_url(token: str) -> str:
    """The one-time link's address (on TRACKER_BASE_URL)."""
    return external_url("auth.reset_password", token=token)


def issue_link(user: User, *, now: datetime, lifetime: timedelta, created_by: User | None = None) -> str:
    """A new one-time token for the user; returns it (the only time it exists in the clear). Flushes."""
    token = secrets.token_urlsafe(32)
    db.session.add(
        PasswordResetToken(
            user_id=user.id,
            token_hash=_digest(token),
            created_at=now,
            expires_at=now + lifetime,
            created_by_id=created_by.id if created_by else None,
        )
    )
    db.session.flush()
    return token


def admin_reset(user: User, *, actor: User, now: datetime) -> str:
    """An admin resets a person's password (see reset_by_hand); only an admin may."""
    if not can(actor_of(actor), MANAGE_USERS):
        raise AccountError(t("Chỉ quản trị viên được đặt lại mật khẩu của người khác."))
    return reset_by_hand(user, now=now, created_by=actor)


def reset_by_hand(user: User, *, now: datetime, created_by: User | None = None) -> str:
    """The old password stops working, every session of the person ends, and the one-time link (valid
    HANDED_LINK_LIFETIME) to set a new one is returned, to be handed over. The CLI calls this directly: whoever
    runs commands on the server already holds the database. Flushes."""
    if not user.is_active:
        raise AccountError(
            t("Tài khoản %(email)s đang bị khóa; hãy mở khóa trước khi đặt lại mật khẩu.", email=user.email)
        )
    user.password_hash = hash_password(secrets.token_urlsafe(32))  # nobody knows it: only the link opens the account
    end_all_sessions(user)
    _spend_open_links(user, now)  # a link emailed earlier (to a mailbox that may not be the person's) stops working
    return issue_link(user, now=now, lifetime=HANDED_LINK_LIFETIME, created_by=created_by)


def _requests(column, value: str, now: datetime) -> int:
    return (
        db.session.scalar(
            select(func.count(PasswordResetRequest.id)).where(
                column == value, PasswordResetRequest.at > now - REQUEST_WINDOW
            )
        )
        or 0
    )


def request_reset(email: str, *, address: str, now: datetime, today: date) -> int | None:
    """A "Quên mật khẩu?" request. When the address has an active account, a link valid EMAILED_LINK_LIFETIME
    goes into the outbox (returns the message's id); otherwise nothing is sent (returns None) — the caller shows
    the same answer either way. Raises TooManyResetRequests, for any address alike, over the limits. Flushes."""
    email = email.strip().lower()
    db.session.execute(delete(PasswordResetRequest).where(PasswordResetRequest.at <= now - REQUEST_WINDOW))
    if (
        _requests(PasswordResetRequest.email, email, now) >= MAX_REQUESTS_PER_EMAIL
        or _requests(PasswordResetRequest.address, address, now) >= MAX_REQUESTS_PER_ADDRESS
    ):
        raise TooManyResetRequests()
    db.session.add(PasswordResetRequest(email=email, address=address, at=now))
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None or not user.is_active:
        db.session.flush()
        return None
    token = issue_link(user, now=now, lifetime=EMAILED_LINK_LIFETIME)
    context = {"user": user, "link": reset_url(token), "minutes": int(EMAILED_LINK_LIFETIME.total_seconds() // 60)}
    created = enqueue(
        [
            Draft(
                unit_id=None,
                kind="password_reset",
                reference_on=today,
                recipients=[user.email],
                cc=[],
                subject="Đặt lại mật khẩu — Hệ thống theo dõi thực hiện kế hoạch",
                body_text=render_template("emails/password_reset.txt", **context),
                body_html=render_template("emails/password_reset.html", **context),
                entries=[{"user_id": user.id}],
            )
        ],
        now=now,
    )
    return created[0]


def valid_token(token: str, *, now: datetime) -> PasswordResetToken | None:
    """The token's row if it is known, unused, unexpired and its account is active."""
    row = db.session.scalar(
        select(PasswordResetToken).where(
            PasswordResetToken.token_hash == _digest(token),
            PasswordResetToken.used_at.is_(None),
            PasswordResetToken.expires_at > now,
        )
    )
    return row if row is not None and row.user.is_active else None


def _spend_open_links(user: User, now: datetime) -> None:
    db.session.execute(
        update(PasswordResetToken)
        .where(PasswordResetToken.user_id == user.id, PasswordResetToken.used_at.is_(None))
        .values(used_at=now)
    )


def reset_with_token(token: str, new_password: str, *, now: datetime) -> User:
    """Set the password through a one-time link: the link and every other open link of the person are spent,
    every session ends, and the failed sign-ins of the account are forgotten. Flushes."""
    row = valid_token(token, now=now)
    if row is None:
        raise InvalidResetLink()
    user = row.user
    check_password_strength(new_password, user.email)
    user.password_hash = hash_password(new_password)
    _spend_open_links(user, now)
    end_all_sessions(user)
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.email == user.email))
    db.session.flush()
    return user
