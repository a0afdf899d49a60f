"""Monthly snapshots: a plan's figures frozen as of a month's last day (Quy chế 42's classes, the score and its
parts, KPI attainment per unit), so last month's league table never changes when a unit later edits its data."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from .types import UTCDateTime


class MonthlySnapshot(Model):
    """One plan's month. The unique (plan, month) key is what makes a second run — or a second process at the
    same moment — add nothing."""

    __tablename__ = "monthly_snapshots"
    __table_args__ = (UniqueConstraint("plan_id", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    month: Mapped[date]  # the month's first day
    as_of: Mapped[date]  # the month's last day: what the figures stand as of
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime())
    settings: Mapped[dict[str, Any]] = mapped_column(JSON)  # the weights and bands the scores were made with

    units: Mapped[list[SnapshotUnit]] = relationship(
        back_populates="snapshot", cascade="all, delete-orphan", order_by="SnapshotUnit.position"
    )


class SnapshotUnit(Model):
    """A unit's line of a snapshot: its counts per class, parts, score and band, frozen with its name."""

    __tablename__ = "snapshot_units"
    __table_args__ = (UniqueConstraint("snapshot_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    snapshot_id: Mapped[int] = mapped_column(ForeignKey("monthly_snapshots.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="SET NULL"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    unit_name: Mapped[str] = mapped_column(Text)
    unit_code: Mapped[str] = mapped_column(String(40), default="")
    done_on_time: Mapped[int] = mapped_column(Integer, default=0)
    done_late: Mapped[int] = mapped_column(Integer, default=0)
    not_done_overdue: Mapped[int] = mapped_column(Integer, default=0)
    not_done_in_time: Mapped[int] = mapped_column(Integer, default=0)
    # Parts and score 0–100 to one decimal; None when left out (no data) or no score.
    delivery: Mapped[Decimal | None] = mapped_column(Numeric(5, 1))
    kpi: Mapped[Decimal | None] = mapped_column(Numeric(5, 1))
    discipline: Mapped[Decimal | None] = mapped_column(Numeric(5, 1))
    score: Mapped[Decimal | None] = mapped_column(Numeric(5, 1))
    band: Mapped[str | None] = mapped_column(String(20))
    # Each indicator: number, required, achieved (percent or count), status; plus the reporting counts.
    kpi_attainment: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    reporting: Mapped[dict[str, int]] = mapped_column(JSON)

    snapshot: Mapped[MonthlySnapshot] = relationship(back_populates="units")
