"""Column types of our own."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """An instant, always handed back as an aware datetime in UTC.

    The column underneath is what the migrations created, `DateTime(timezone=True)`: `timestamptz` on
    PostgreSQL; on SQLite a text column holding the UTC wall time without its zone, which SQLite hands back
    naive. Written: an aware value is turned to UTC; a naive one is taken as UTC already (as the app has
    always stored it). Read: UTC, with its zone, on both databases."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        moment = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        # SQLite keeps no zone: store the UTC wall time (its own writer would drop any zone without converting).
        return moment.replace(tzinfo=None) if dialect.name == "sqlite" else moment

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
