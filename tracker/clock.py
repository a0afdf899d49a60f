"""What "today" and "now" are: Asia/Ho_Chi_Minh's date and time, unless the configuration pins the
date for a demo or a test (then "now" is that date at the current time of day, so a demo's history
reads consistently with its banner)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIMEZONE"])


def today() -> date:
    """Today in the configured time zone, or the pinned TODAY setting."""
    pinned = current_app.config.get("TODAY")
    if pinned:
        return date.fromisoformat(pinned)
    return datetime.now(_zone()).date()


def utcnow() -> datetime:
    """The current instant in UTC, as stored in every *_at column; on a pinned day, that day."""
    local = datetime.now(_zone())
    pinned = current_app.config.get("TODAY")
    if pinned:
        local = datetime.combine(date.fromisoformat(pinned), local.timetz())
    return local.astimezone(UTC)
