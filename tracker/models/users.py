"""People who sign in, their roles, and the failed sign-ins counted to slow down password guessing."""

from __future__ import annotations

from datetime import datetime
from typing import cast

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from .types import UTCDateTime
from .units import Unit

ROLES = ("admin", "monitor", "viewer", "unit_head", "unit_staff")
UNIT_ROLES = ("unit_head", "unit_staff")


class User(Model):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN ('admin', 'monitor', 'viewer', 'unit_head', 'unit_staff')", name="role"),
        # A unit role is bound to exactly one unit; the other roles to none.
        CheckConstraint("(role IN ('unit_head', 'unit_staff')) = (unit_id IS NOT NULL)", name="unit_for_unit_roles"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(255), unique=True)  # stored lower-case
    name: Mapped[str] = mapped_column(String(255), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    is_active: Mapped[bool] = mapped_column(default=True)
    # A unit head or focal officer with an account chooses whether the unit's reminder emails reach them.
    receives_reminders: Mapped[bool] = mapped_column(default=True, server_default="1")
    # The generation of the user's sign-ins: changing it (sign out everywhere, password change,
    # disabling) ends every sign-in of the user at once.
    session_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    unit: Mapped[Unit | None] = relationship()

    # The sign-in this object was loaded for (set by accounts.start_session or load_session_user; not stored):
    # the cookie names it, and signing out ends it.
    sign_in_secret = ""
    sign_in_id = 0  # 0: none
    # The data's stamp (models.changes), read in the same statement as the sign-in or token that loaded this user
    # (not stored): the page cache's key, at no extra statement. None: not read.
    data_stamp = cast("int | None", None)  # typed without an annotation, which the ORM would take for a column

    # Flask-Login's interface.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.sign_in_secret}"

    @property
    def display_name(self) -> str:
        return self.name or self.email


class LoginAttempt(Model):
    """A failed sign-in, kept in the database so the limit holds across processes."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(255), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class ApiToken(Model):
    """A personal API token: only its SHA-256 is kept; the token itself is shown once, when made."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))  # the first characters, to tell tokens apart
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()


class PasswordResetToken(Model):
    """A one-time link to set a new password: only its SHA-256 is kept; it expires, and once used it is spent."""

    __tablename__ = "password_reset_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The admin who made the link; None when the person asked for it ("Quên mật khẩu?") or the CLI made it.
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class PasswordResetRequest(Model):
    """A "Quên mật khẩu?" request, whether or not the address has an account, counted in the database so
    the limits per address and per client hold across worker processes."""

    __tablename__ = "password_reset_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(255), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
