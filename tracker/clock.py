"""What "today" is: Asia/Ho_Chi_Minh's date, unless the configuration pins one for a demo or test."""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from flask import current_app


def today() -> date:
    """Today in the configured time zone, or the pinned TODAY setting."""
    pinned = current_app.config.get("TODAY")
    if pinned:
        return date.fromisoformat(pinned)
    return datetime.now(ZoneInfo(current_app.config["TIMEZONE"])).date()


def utcnow() -> datetime:
    """The current instant in UTC, as stored in every *_at column."""
    return datetime.now(timezone.utc)
