"""Appendix 1 of a plan: unit groups, the indicators, and each group's targets (with milestones)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from .types import UTCDateTime
from .units import Unit

if TYPE_CHECKING:  # models of other modules, named in relationships
    from .plans import Plan
    from .users import User

TARGET_KINDS = ("value", "range", "not_applicable")
# How an indicator is measured: a ratio of two reported counts, a percentage reported as it is, or a count
# held against a target count.
INDICATOR_KINDS = ("ratio", "percent", "count")
# Which indicators a plan uses: Decision 1872's built-in definition (eight counts, three ratios, the
# cross-checks between them), or the plan's own indicators as its admin defines them.
KPI_SCHEMES = ("dvctt_1872", "plan")


class UnitGroup(Model):
    __tablename__ = "unit_groups"
    __table_args__ = (UniqueConstraint("plan_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(255))  # "Nhóm 1"
    declared_size: Mapped[int | None] = mapped_column(Integer)  # "(3 đơn vị)"

    plan: Mapped[Plan] = relationship()

    members: Mapped[list[UnitGroupMember]] = relationship(
        back_populates="group", cascade="all, delete-orphan", order_by="UnitGroupMember.position"
    )
    targets: Mapped[list[Target]] = relationship(
        back_populates="group", cascade="all, delete-orphan", order_by="Target.indicator_id"
    )


class UnitGroupMember(Model):
    __tablename__ = "unit_group_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("unit_groups.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    written: Mapped[str] = mapped_column(Text)
    # None while the name is unknown to the directory; an admin maps it later.
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)

    group: Mapped[UnitGroup] = relationship(back_populates="members")
    unit: Mapped[Unit | None] = relationship()


class Indicator(Model):
    """One of a plan's indicators. Reported figures are stored by key (KpiReport.figures): a ratio reads
    numerator_key / denominator_key, a percentage or a count reads numerator_key alone. For Decision 1872's
    definition the keys are the eight counts of rules.kpi.FIELDS."""

    __tablename__ = "indicators"
    __table_args__ = (
        UniqueConstraint("plan_id", "number"),
        CheckConstraint("kind IN ('ratio', 'percent', 'count')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)  # (1), (2), (3)
    name: Mapped[str] = mapped_column(Text)
    # Which of the plan's ratios it measures, when recognised: full_online, procedures_online, dossiers_online.
    ratio: Mapped[str | None] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(20), default="ratio", server_default="ratio")
    numerator_key: Mapped[str] = mapped_column(String(60), default="", server_default="")
    denominator_key: Mapped[str] = mapped_column(String(60), default="", server_default="")
    # What the unit is asked for ("Số hồ sơ thanh toán trực tuyến"); for the 1872 definition the labels
    # come from rules.kpi.FIELD_LABELS and these stay empty.
    numerator_label: Mapped[str] = mapped_column(Text, default="", server_default="")
    denominator_label: Mapped[str] = mapped_column(Text, default="", server_default="")
    unit_of_measure: Mapped[str] = mapped_column(String(40), default="%", server_default="%")


class Target(Model):
    """A group's target for one indicator, or one unit's own (which, for that unit, replaces its group's)."""

    __tablename__ = "targets"
    __table_args__ = (
        UniqueConstraint("group_id", "indicator_id"),
        UniqueConstraint("unit_id", "indicator_id"),
        CheckConstraint("kind IN ('value', 'range', 'not_applicable')", name="kind"),
        CheckConstraint("(group_id IS NULL) <> (unit_id IS NULL)", name="group_or_unit"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("unit_groups.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    # Percentages (a count for a count indicator); for a range the lower bound is what must be met.
    value_min: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    value_max: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    note: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text, default="")  # the cell as written

    group: Mapped[UnitGroup | None] = relationship(back_populates="targets")
    unit: Mapped[Unit | None] = relationship()
    indicator: Mapped[Indicator] = relationship()
    milestones: Mapped[list[TargetMilestone]] = relationship(
        back_populates="target", cascade="all, delete-orphan", order_by="TargetMilestone.due_on"
    )


class TargetMilestone(Model):
    """A step of a rising target: value (percent) is to be reached by due_on."""

    __tablename__ = "target_milestones"
    __table_args__ = (UniqueConstraint("target_id", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("targets.id", ondelete="CASCADE"), index=True)
    due_on: Mapped[date]
    value: Mapped[Decimal] = mapped_column(Numeric(14, 2))

    target: Mapped[Target] = relationship(back_populates="milestones")


class KpiReport(Model):
    """A unit's figures as of a date (cumulative for the year). Every report is kept: a correction for
    the same date is a new row, and the row it replaces stops being current.

    plan_id is None for figures under Decision 1872's built-in definition (shared by every plan that uses
    it); otherwise the figures answer that plan's own indicators. figures maps an indicator's key to the
    value reported: a whole number for a count, a decimal string ("72.5") for a percentage."""

    __tablename__ = "kpi_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    as_of: Mapped[date] = mapped_column(index=True)
    figures: Mapped[dict[str, int | str]] = mapped_column(JSON, default=dict, server_default="{}")
    is_current: Mapped[bool] = mapped_column(default=True, index=True)
    reported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: command line
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime())
    source: Mapped[str] = mapped_column(String(20))  # form, api, file, cli, demo

    unit: Mapped[Unit] = relationship()
    reported_by: Mapped[User | None] = relationship()
