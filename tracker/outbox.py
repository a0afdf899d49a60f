"""The outbox: adding messages exactly once (a unique key and INSERT … ON CONFLICT DO NOTHING), and
dispatching them exactly once (each row claimed by one conditional UPDATE before it is sent)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any, cast

from sqlalchemy import Table, and_, bindparam, exists, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.dml import ReturningInsert

from .extensions import Model, db
from .mailer import Backend, DeliveryError, build_email
from .models import OutboxMessage, SweepRun

log = logging.getLogger("tracker.mail")
# A row left "sending" this long (its process died mid-send) goes back to the queue.
STALE_CLAIM = timedelta(minutes=30)
MAX_BACKOFF = timedelta(hours=6)


@dataclass(frozen=True)
class Draft:
    """A message as the sweep (or an urge) makes it, before it has a row."""

    unit_id: int | None  # None for a message to one person (a password reset link)
    kind: str
    reference_on: date
    recipients: list[str]
    cc: list[str]
    subject: str
    body_text: str
    body_html: str
    entries: list[dict[str, Any]]


def insert_ignoring_duplicates(model: type[Model]) -> postgresql.Insert | sqlite.Insert:
    """An INSERT that can take `.on_conflict_do_nothing()` on this database (SQLite or PostgreSQL)."""
    dialect = db.session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)


def enqueue(drafts: list[Draft], *, now: datetime, not_before: datetime | None = None) -> list[int]:
    """Add the drafts whose (unit, kind, reference date) is not in the outbox yet; return the new rows' ids.
    They are sent from `not_before` on (a later morning's email), else at once.

    Safe against a second process doing the same at the same moment: the database keeps one row per key."""
    if not drafts:
        return []
    statement = _enqueue_statement(db.session.get_bind().dialect.name)
    created = []
    for draft in drafts:
        values = {
            "unit_id": draft.unit_id,
            "kind": draft.kind,
            "reference_on": draft.reference_on,
            "recipients": draft.recipients,
            "cc": draft.cc,
            "subject": draft.subject,
            "body_text": draft.body_text,
            "body_html": draft.body_html,
            "entries": draft.entries,
            "status": "pending",
            "attempts": 0,
            "next_attempt_at": not_before or now,
            "last_error": "",
            "created_at": now,
        }
        new_id = db.session.execute(statement, values).scalar()
        if new_id is not None:
            created.append(new_id)
    return created


_ENQUEUED = (
    "unit_id",
    "kind",
    "reference_on",
    "recipients",
    "cc",
    "subject",
    "body_text",
    "body_html",
    "entries",
    "status",
    "attempts",
    "next_attempt_at",
    "last_error",
    "created_at",
)


@cache
def _enqueue_statement(dialect: str) -> ReturningInsert[Any]:
    """enqueue's INSERT, built once per database kind (a national sweep adds thousands of messages), each draft's
    values bound when it runs; a message already in the outbox for its key is left as it is."""
    table = cast(Table, OutboxMessage.__table__)
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return (
        insert(table)
        .values({name: bindparam(name, type_=table.c[name].type) for name in _ENQUEUED})
        .on_conflict_do_nothing(index_elements=["unit_id", "kind", "reference_on"])
        .returning(table.c.id)
    )


def _claim(message_id: int, now: datetime) -> bool:
    """Take one pending row for this process; False if another process took it first."""
    claimed = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == "pending")
        .values(status="sending", claimed_at=now, attempts=OutboxMessage.attempts + 1)
        .returning(OutboxMessage.id)
    ).scalar()
    db.session.commit()
    return claimed is not None


def _backoff(attempts: int) -> timedelta:
    return min(timedelta(minutes=5) * (2 ** max(attempts - 1, 0)), MAX_BACKOFF)


@dataclass
class DispatchReport:
    sent: list[int] = field(default_factory=list)
    retrying: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)


def dispatch(
    backend: Backend, *, now: datetime, sender: str, limit: int = 200, only_ids: list[int] | None = None
) -> DispatchReport:
    """Send the pending messages that are due (or just `only_ids`); commits after each one so nothing is
    lost or sent twice."""
    report = DispatchReport()
    # Rows whose sender died while "sending" are queued again.
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == "sending", OutboxMessage.claimed_at < now - STALE_CLAIM)
        .values(status="pending", last_error="Lần gửi trước bị gián đoạn; gửi lại.")
    )
    db.session.commit()
    # A unit's email of a later morning (an urge made after that day's email had left) waits for that
    # morning's sweep to add the day's reminders, even when its send time has come: one email a day.
    waiting_for_sweep = and_(
        OutboxMessage.kind == "daily",
        OutboxMessage.attempts == 0,
        OutboxMessage.next_attempt_at > OutboxMessage.created_at,
        OutboxMessage.reference_on >= now.date(),
        ~exists().where(SweepRun.run_on == OutboxMessage.reference_on),
    )
    query = select(OutboxMessage.id).where(
        OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now, ~waiting_for_sweep
    )
    if only_ids is not None:
        query = query.where(OutboxMessage.id.in_(only_ids))
    candidates = list(db.session.scalars(query.order_by(OutboxMessage.id).limit(limit)))
    for message_id in candidates:
        if not _claim(message_id, now):
            continue
        message = db.session.get_one(OutboxMessage, message_id)  # claimed above: it is there
        try:
            reply = backend.send(build_email(message, sender=sender))
        except DeliveryError as exc:
            message.last_error = exc.reply
            if exc.permanent:
                message.status = "failed"
                report.failed.append(message.id)
            else:
                message.status = "pending"
                message.next_attempt_at = now + _backoff(message.attempts)
                report.retrying.append(message.id)
            log.warning("email %s to unit %s not delivered: %s", message.id, message.unit_id, exc.reply)
        else:
            message.status, message.sent_at, message.last_error = "sent", now, reply
            report.sent.append(message.id)
        db.session.commit()
    return report


def resend(message: OutboxMessage, *, now: datetime) -> None:
    """Queue a failed message again (an admin's decision after fixing the cause)."""
    if message.status != "failed":
        raise ValueError("Chỉ gửi lại được thư đã gửi thất bại.")
    message.status, message.next_attempt_at = "pending", now
