"""Is the service healthy? The judgement behind GET /healthz as plain functions (no Flask, no database),
and the three statements that gather what it needs.

- "error" (HTTP 503): the database cannot be reached or has no schema.
- "degraded" (HTTP 200, the site works but reminders may not go out): the scheduler's last heartbeat is
  missing or older than TRACKER_HEALTH_HEARTBEAT_MINUTES, or an email has been waiting to be sent for
  longer than TRACKER_HEALTH_PENDING_MINUTES.
- "ok" otherwise. Failed emails are counted but do not degrade: they wait for an admin's decision."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, text

from .extensions import db
from .models import OutboxMessage, Setting
from .scheduler import HEARTBEAT_KEY

# An email not yet delivered: waiting for its (next) attempt, or being sent right now.
WAITING_STATES = ("pending", "sending")


@dataclass(frozen=True)
class Limits:
    heartbeat: timedelta = timedelta(minutes=15)
    pending: timedelta = timedelta(minutes=60)


@dataclass(frozen=True)
class Facts:
    """What /healthz found; None where the database could not be asked."""

    database_ok: bool
    database_ms: float | None = None
    version: str | None = None
    heartbeat_at: datetime | None = None
    oldest_pending_at: datetime | None = None
    pending: int = 0
    failed: int = 0


def age_seconds(now: datetime, at: datetime | None) -> float | None:
    """Seconds from `at` to `now` (both aware); None without `at`. Never negative: a stamp from a clock
    slightly ahead (another host) counts as just now."""
    if at is None:
        return None
    return round(max((now - at).total_seconds(), 0.0), 1)


def assess(
    facts: Facts, *, now: datetime, outbox_now: datetime | None = None, limits: Limits = Limits()
) -> dict[str, Any]:
    """The /healthz body. `now` is the real time the heartbeat is measured against; `outbox_now` the clock
    the outbox rows were stamped with (tracker.clock.utcnow: the same as `now` unless a demo pins
    TRACKER_TODAY), `now` when not given."""
    if not facts.database_ok:
        return {
            "status": "error",
            "database": {"ok": False, "ms": facts.database_ms},
            "scheduler": {"heartbeat_age_seconds": None, "ok": False},
            "outbox": {"oldest_pending_age_seconds": None, "pending": None, "failed": None, "ok": False},
            "version": None,
        }
    heartbeat_age = age_seconds(now, facts.heartbeat_at)
    pending_age = age_seconds(outbox_now or now, facts.oldest_pending_at)
    scheduler_ok = heartbeat_age is not None and heartbeat_age <= limits.heartbeat.total_seconds()
    outbox_ok = pending_age is None or pending_age <= limits.pending.total_seconds()
    return {
        "status": "ok" if scheduler_ok and outbox_ok else "degraded",
        "database": {"ok": True, "ms": facts.database_ms},
        "scheduler": {"heartbeat_age_seconds": heartbeat_age, "ok": scheduler_ok},
        "outbox": {
            "oldest_pending_age_seconds": pending_age,
            "pending": facts.pending,
            "failed": facts.failed,
            "ok": outbox_ok,
        },
        "version": facts.version,
    }


def gather() -> Facts:
    """Ask the database, in three statements: the schema's Alembic revision (timed: the database's
    answer time, connecting included), the scheduler's heartbeat, and the outbox's counts. Raises
    SQLAlchemy's errors; the caller decides what an unreachable database means."""
    started = time.perf_counter()
    version = db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    database_ms = round((time.perf_counter() - started) * 1000, 1)
    heartbeat = db.session.scalar(select(Setting.value).where(Setting.key == HEARTBEAT_KEY))
    waiting = OutboxMessage.status.in_(WAITING_STATES)
    pending, failed, oldest = db.session.execute(
        select(
            func.count().filter(waiting),
            func.count().filter(OutboxMessage.status == "failed"),
            func.min(OutboxMessage.created_at).filter(waiting),
        )
    ).one()
    heartbeat_at = datetime.fromisoformat(heartbeat["at"]) if heartbeat and heartbeat.get("at") else None
    return Facts(
        database_ok=True,
        database_ms=database_ms,
        version=version,
        heartbeat_at=heartbeat_at,
        oldest_pending_at=oldest,
        pending=pending,
        failed=failed,
    )
