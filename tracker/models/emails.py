"""The outbox (every email the app makes, from planned to sent or failed), settings an admin changes,
and the record of each day's reminder sweep."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from .types import UTCDateTime
from .units import Unit

MESSAGE_STATES = ("pending", "sending", "sent", "failed")


class OutboxMessage(Model):
    """One email. The unique (unit, kind, reference date) key is what makes a second sweep — or a second
    process sweeping at the same time — add nothing."""

    __tablename__ = "outbox_messages"
    __table_args__ = (
        UniqueConstraint("unit_id", "kind", "reference_on"),
        CheckConstraint("status IN ('pending', 'sending', 'sent', 'failed')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # None for a message to one person rather than a unit (a password reset link); such rows never collide
    # on the unique key (NULLs are distinct), each is made once by the request that made its token.
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # "daily" (the unit's reminder of the day), "urge", "password_reset"
    reference_on: Mapped[date] = mapped_column(index=True)
    recipients: Mapped[list[str]] = mapped_column(JSON)
    cc: Mapped[list[str]] = mapped_column(JSON)
    subject: Mapped[str] = mapped_column(Text)
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    entries: Mapped[list[dict[str, Any]]] = mapped_column(JSON)  # what the message is about, for the log and --json
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    unit: Mapped[Unit | None] = relationship()


class Setting(Model):
    """A setting an admin changes on a page (the reminder rules); the value is JSON."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class SweepRun(Model):
    """A day's reminder sweep, so a scheduler that was down at send time knows to catch up."""

    __tablename__ = "sweep_runs"

    run_on: Mapped[date] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    messages: Mapped[int] = mapped_column(Integer, default=0)
