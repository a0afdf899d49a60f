"""Accounts: creating users, checking passwords (Argon2id), limiting failed sign-ins, ending sessions."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import ColumnElement, Select, bindparam, delete, func, select, update
from sqlalchemy.orm.attributes import set_committed_value

from .extensions import as_loaded, db, read_rows, rows_changed, table_columns
from .models import ApiToken, LoginAttempt, SignIn, Unit, User
from .models.changes import stamp_column
from .rules.permissions import ROLE_LABELS, ROLES, UNIT_ROLES
from .rules.texts import known, t
from .units import UnitDirectory

_hasher = PasswordHasher()  # Argon2id with the library's current recommended parameters
MIN_PASSWORD_LENGTH = 10
# Failed sign-ins counted in the database, so the limit holds across worker processes.
WINDOW = timedelta(minutes=15)
# Per account from one address: a guesser elsewhere slows himself down, never locks the owner out.
MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_ADDRESS = 20
# A sign-in lasts as long as the remember-me cookie (config REMEMBER_COOKIE_DURATION) since it was last seen;
# its last-seen time is written at most every SEEN_EVERY, so reading pages does not write each time.
SIGN_IN_LIFETIME = timedelta(days=14)
SEEN_EVERY = timedelta(minutes=5)


class AccountError(Exception):
    """A request about an account that cannot be done; the message says why, in Vietnamese."""


class TooManyAttempts(AccountError):
    """Too many failed sign-ins for this account or address in the last WINDOW."""


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password_strength(password: str, email: str = "") -> None:
    """Refuse passwords that are short or just the e-mail address."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(t("Mật khẩu phải có ít nhất %(length)s ký tự.", length=MIN_PASSWORD_LENGTH))
    if email and password.casefold() == email.casefold():
        raise AccountError(t("Mật khẩu không được trùng với địa chỉ thư điện tử."))


def find_unit(code_or_name: str) -> Unit | None:
    """A unit by its code or by its canonical name (or an alias)."""
    unit = db.session.scalar(select(Unit).where(func.upper(Unit.code) == code_or_name.strip().upper()))
    if unit is None:
        unit = UnitDirectory.from_database().find(code_or_name)
    return unit


def create_user(
    *, email: str, role: str, password: str, now: datetime, unit: Unit | None = None, name: str = ""
) -> User:
    """A new active user; flushes, the caller commits."""
    email = email.strip().lower()
    if "@" not in email or len(email) > 255:
        raise AccountError(t("Địa chỉ thư điện tử không hợp lệ."))
    if role not in ROLES:
        raise AccountError(
            t("Vai trò không hợp lệ: %(role)s. Chọn một trong: %(roles)s.", role=role, roles=", ".join(ROLES))
        )
    if (role in UNIT_ROLES) != (unit is not None):
        raise AccountError(
            t("Vai trò “%(role)s” phải gắn với một đơn vị.", role=known(ROLE_LABELS[role]))
            if role in UNIT_ROLES
            else t("Vai trò “%(role)s” không gắn với đơn vị nào.", role=known(ROLE_LABELS[role]))
        )
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        raise AccountError(t("Đã có tài khoản %(email)s.", email=email))
    check_password_strength(password, email)
    user = User(
        email=email,
        name=name.strip(),
        role=role,
        unit=unit,
        password_hash=hash_password(password),
        session_token=secrets.token_hex(16),
        created_at=now,
        is_active=True,
    )
    db.session.add(user)
    db.session.flush()
    return user


def _failures(now: datetime, *conditions: ColumnElement[bool]) -> int:
    return (
        db.session.scalar(select(func.count(LoginAttempt.id)).where(*conditions, LoginAttempt.at > now - WINDOW)) or 0
    )


def prune_login_attempts(now: datetime) -> int:
    """Delete the failed sign-ins older than WINDOW: no limit counts them any more. Returns how many
    went; flushes, the caller commits."""
    return rows_changed(delete(LoginAttempt).where(LoginAttempt.at <= now - WINDOW))


def authenticate(email: str, password: str, *, address: str, now: datetime) -> User | None:
    """The user if the password is right; None otherwise (a failure is recorded). Raises
    TooManyAttempts before checking anything when the account from this address, or the address itself, is
    over its limit: five wrong passwords for an account lock out only the address they came from, so a guesser
    cannot lock the owner out of their own account.
    Every sign-in first prunes the failures that have aged out of the window, so the table stays small."""
    email = email.strip().lower()
    prune_login_attempts(now)
    if (
        _failures(now, LoginAttempt.email == email, LoginAttempt.address == address) >= MAX_FAILURES_PER_ACCOUNT
        or _failures(now, LoginAttempt.address == address) >= MAX_FAILURES_PER_ADDRESS
    ):
        raise TooManyAttempts(
            t(
                "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau %(minutes)s phút hoặc liên hệ quản trị viên.",
                minutes=int(WINDOW.total_seconds() // 60),
            )
        )
    user = db.session.scalar(select(User).where(User.email == email))
    ok = False
    if user is not None and user.is_active:
        try:
            ok = _hasher.verify(user.password_hash, password)
        except (VerificationError, InvalidHashError):
            ok = False
    else:
        # Spend the same time as a real check, so timing does not reveal which addresses exist.
        _hasher.hash(password)
    if not ok or user is None:  # (ok only for a user found)
        db.session.add(LoginAttempt(email=email, address=address, at=now))
        return None
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.email == email, LoginAttempt.address == address))
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = now
    return user


def end_all_sessions(user: User) -> None:
    """Every sign-in of the user stops being valid at its next request (a new generation)."""
    user.session_token = secrets.token_hex(16)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def start_session(user: User, *, address: str, user_agent: str, now: datetime) -> str:
    """A new sign-in of the user on this device; the secret it returns goes in the cookie (user.get_id()),
    only its SHA-256 is kept. Flushes, the caller commits."""
    secret = secrets.token_urlsafe(24)
    sign_in = SignIn(
        user=user,
        secret_hash=_digest(secret),
        generation=user.session_token,
        created_at=now,
        last_seen_at=now,
        address=address[:64],
        user_agent=user_agent[:255],
    )
    db.session.add(sign_in)
    db.session.flush()
    user.sign_in_secret, user.sign_in_id = secret, sign_in.id
    return secret


def active_sessions(user: User, *, now: datetime) -> list[SignIn]:
    """The user's sign-ins still valid, the most recently seen first."""
    if not user.is_active:
        return []
    return list(
        db.session.scalars(
            select(SignIn)
            .where(
                SignIn.user_id == user.id,
                SignIn.ended_at.is_(None),
                SignIn.generation == user.session_token,
                SignIn.last_seen_at > now - SIGN_IN_LIFETIME,
            )
            .order_by(SignIn.last_seen_at.desc(), SignIn.id.desc())
        )
    )


def end_session(user: User, sign_in_id: int, *, now: datetime) -> bool:
    """End one of the user's sign-ins (signing out, or from the account page); False if it is not theirs
    or already over. Flushes, the caller commits."""
    sign_in = db.session.get(SignIn, sign_in_id)
    if sign_in is None or sign_in.user_id != user.id or sign_in.ended_at is not None:
        return False
    sign_in.ended_at = now
    return True


def change_password(user: User, *, current: str, new: str) -> None:
    """Set a new password after checking the current one; every other session ends."""
    try:
        _hasher.verify(user.password_hash, current)
    except (VerificationError, InvalidHashError) as exc:
        raise AccountError(t("Mật khẩu hiện tại không đúng.")) from exc
    check_password_strength(new, user.email)
    user.password_hash = hash_password(new)
    end_all_sessions(user)


def set_active(user: User, is_active: bool, *, now: datetime) -> None:
    """Enable or disable an account; disabling ends its sessions and revokes its API tokens for good, so
    enabling it again brings back neither (the person signs in and makes new tokens)."""
    user.is_active = is_active
    if not is_active:
        end_all_sessions(user)
        db.session.execute(
            update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None)).values(revoked_at=now)
        )


def rebind(user: User, *, role: str, unit: Unit | None) -> None:
    """Give the user another role or unit; their sessions end so the new rights apply at once."""
    if role not in ROLES:
        raise AccountError(t("Vai trò không hợp lệ: %(role)s.", role=role))
    if (role in UNIT_ROLES) != (unit is not None):
        raise AccountError(t("Vai trò đơn vị phải gắn với một đơn vị; các vai trò khác không gắn đơn vị."))
    user.role, user.unit = role, unit
    end_all_sessions(user)


@dataclass(frozen=True)
class LoadedUser:
    """What the session and remember-me cookies name: a user id and the secret of one sign-in."""

    user_id: int
    token: str

    @classmethod
    def parse(cls, value: str) -> LoadedUser | None:
        head, _, token = value.partition(":")
        return cls(int(head), token) if head.isdigit() and token else None


# What load_session_user reads of the sign-in: the columns its checks need, not an object (a sign-in's row is
# written only when its last-seen time moves on, every few minutes).
_SIGN_IN_COLUMNS = (SignIn.id, SignIn.generation, SignIn.last_seen_at, SignIn.ended_at)


@cache
def _session_statement() -> Select[Any]:
    """load_session_user's one statement, built once for the process (every request runs it): the sign-in's
    columns, the user's, its unit's (every page's header names it) and the data's stamp, as plain columns."""
    return (
        select(*_SIGN_IN_COLUMNS, *table_columns(User), *table_columns(Unit), stamp_column())
        .join(User, SignIn.user_id == User.id)
        .outerjoin(Unit, User.unit_id == Unit.id)
        .where(SignIn.secret_hash == bindparam("secret_hash"))
    )


def load_session_user(value: str, *, now: datetime) -> User | None:
    """The active user a cookie names, if its sign-in is still valid (one query, which reads the data's stamp too).
    The sign-in's last-seen time moves on when it is older than SEEN_EVERY (flushed by the caller's commit)."""
    ref = LoadedUser.parse(value)
    if ref is None:
        return None
    found = read_rows(_session_statement(), {"secret_hash": _digest(ref.token)})
    if not found:
        return None
    row = found[0]
    user_start = len(_SIGN_IN_COLUMNS)
    unit_start = user_start + len(table_columns(User))
    sign_in_id, generation, last_seen_at, ended_at = row[:user_start]
    user = as_loaded(User, row[user_start:unit_start])
    set_committed_value(user, "unit", as_loaded(Unit, row[unit_start:-1]) if user.unit_id is not None else None)
    user.data_stamp = row[-1]
    if (
        user.id != ref.user_id
        or not user.is_active
        or ended_at is not None
        or generation != user.session_token
        or last_seen_at <= now - SIGN_IN_LIFETIME
    ):
        return None
    if now - last_seen_at >= SEEN_EVERY:
        sign_in = db.session.get(SignIn, sign_in_id)
        if sign_in is not None:
            sign_in.last_seen_at = now
    user.sign_in_secret, user.sign_in_id = ref.token, sign_in_id
    return user
