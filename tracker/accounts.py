"""Accounts: creating users, checking passwords (Argon2id), limiting failed sign-ins, ending sessions."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select

from .extensions import db, rows_changed
from .models import LoginAttempt, Unit, User
from .rules.permissions import ROLE_LABELS, ROLES, UNIT_ROLES
from .rules.texts import known, t
from .units import UnitDirectory

_hasher = PasswordHasher()  # Argon2id with the library's current recommended parameters
MIN_PASSWORD_LENGTH = 10
# Failed sign-ins counted in the database, so the limit holds across worker processes.
WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_ADDRESS = 20


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


def _failures(column, value: str, now: datetime) -> int:
    return (
        db.session.scalar(select(func.count(LoginAttempt.id)).where(column == value, LoginAttempt.at > now - WINDOW))
        or 0
    )


def prune_login_attempts(now: datetime) -> int:
    """Delete the failed sign-ins older than WINDOW: no limit counts them any more. Returns how many
    went; flushes, the caller commits."""
    return rows_changed(delete(LoginAttempt).where(LoginAttempt.at <= now - WINDOW))


def authenticate(email: str, password: str, *, address: str, now: datetime) -> User | None:
    """The user if the password is right; None otherwise (a failure is recorded). Raises
    TooManyAttempts before checking anything when the account or the address is over its limit.
    Every sign-in first prunes the failures that have aged out of the window, so the table stays small."""
    email = email.strip().lower()
    prune_login_attempts(now)
    if (
        _failures(LoginAttempt.email, email, now) >= MAX_FAILURES_PER_ACCOUNT
        or _failures(LoginAttempt.address, address, now) >= MAX_FAILURES_PER_ADDRESS
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
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.email == email))
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = now
    return user


def end_all_sessions(user: User) -> None:
    """Every session of the user stops being valid at its next request."""
    user.session_token = secrets.token_hex(16)


def change_password(user: User, *, current: str, new: str) -> None:
    """Set a new password after checking the current one; every other session ends."""
    try:
        _hasher.verify(user.password_hash, current)
    except (VerificationError, InvalidHashError) as exc:
        raise AccountError(t("Mật khẩu hiện tại không đúng.")) from exc
    check_password_strength(new, user.email)
    user.password_hash = hash_password(new)
    end_all_sessions(user)


def set_active(user: User, is_active: bool) -> None:
    """Enable or disable an account; disabling ends its sessions."""
    user.is_active = is_active
    if not is_active:
        end_all_sessions(user)


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
    """What the session cookie names: a user id and the session token it was issued with."""

    user_id: int
    token: str

    @classmethod
    def parse(cls, value: str) -> LoadedUser | None:
        head, _, token = value.partition(":")
        return cls(int(head), token) if head.isdigit() and token else None


def load_session_user(value: str) -> User | None:
    """The active user a session cookie names, if its token is still current."""
    ref = LoadedUser.parse(value)
    if ref is None:
        return None
    user = db.session.get(User, ref.user_id)
    if user is None or not user.is_active or not secrets.compare_digest(user.session_token, ref.token):
        return None
    return user
