"""Appendix 1 of a plan: unit groups, the indicators, and each group's targets (with milestones)."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .units import Unit

TARGET_KINDS = ("value", "range", "not_applicable")


class UnitGroup(db.Model):
    __tablename__ = "unit_groups"
    __table_args__ = (UniqueConstraint("plan_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(255))  # "Nhóm 1"
    declared_size: Mapped[int | None] = mapped_column(Integer)  # "(3 đơn vị)"

    plan: Mapped["Plan"] = relationship()  # noqa: F821 (models.plans)

    members: Mapped[list[UnitGroupMember]] = relationship(
        back_populates="group", cascade="all, delete-orphan", order_by="UnitGroupMember.position"
    )
    targets: Mapped[list[Target]] = relationship(
        back_populates="group", cascade="all, delete-orphan", order_by="Target.indicator_id"
    )


class UnitGroupMember(db.Model):
    __tablename__ = "unit_group_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("unit_groups.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    written: Mapped[str] = mapped_column(Text)
    # None while the name is unknown to the directory; an admin maps it later.
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)

    group: Mapped[UnitGroup] = relationship(back_populates="members")
    unit: Mapped[Unit | None] = relationship()


class Indicator(db.Model):
    __tablename__ = "indicators"
    __table_args__ = (UniqueConstraint("plan_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)  # (1), (2), (3)
    name: Mapped[str] = mapped_column(Text)
    # Which of the plan's ratios it measures, when recognised: full_online, procedures_online, dossiers_online.
    ratio: Mapped[str | None] = mapped_column(String(40))


class Target(db.Model):
    __tablename__ = "targets"
    __table_args__ = (
        UniqueConstraint("group_id", "indicator_id"),
        CheckConstraint("kind IN ('value', 'range', 'not_applicable')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("unit_groups.id", ondelete="CASCADE"), index=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    # Percentages; for a range the lower bound is what must be met.
    value_min: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    value_max: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    note: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text, default="")  # the cell as written

    group: Mapped[UnitGroup] = relationship(back_populates="targets")
    indicator: Mapped[Indicator] = relationship()
    milestones: Mapped[list[TargetMilestone]] = relationship(
        back_populates="target", cascade="all, delete-orphan", order_by="TargetMilestone.due_on"
    )


class TargetMilestone(db.Model):
    """A step of a rising target: value (percent) is to be reached by due_on."""

    __tablename__ = "target_milestones"
    __table_args__ = (UniqueConstraint("target_id", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("targets.id", ondelete="CASCADE"), index=True)
    due_on: Mapped[date]
    value: Mapped[Decimal] = mapped_column(Numeric(6, 2))

    target: Mapped[Target] = relationship(back_populates="milestones")


class KpiReport(db.Model):
    """A unit's counts as of a date (cumulative for the year). Every report is kept: a correction for
    the same date is a new row, and the row it replaces stops being current."""

    __tablename__ = "kpi_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    as_of: Mapped[date] = mapped_column(index=True)
    procedures_total: Mapped[int] = mapped_column(Integer)
    full_online_eligible: Mapped[int] = mapped_column(Integer)
    full_online_provided: Mapped[int] = mapped_column(Integer)
    partial_online_accepting: Mapped[int] = mapped_column(Integer)
    procedures_with_dossiers: Mapped[int] = mapped_column(Integer)
    procedures_with_online_dossiers: Mapped[int] = mapped_column(Integer)
    dossiers_total: Mapped[int] = mapped_column(Integer)
    dossiers_online: Mapped[int] = mapped_column(Integer)
    is_current: Mapped[bool] = mapped_column(default=True, index=True)
    reported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: command line
    reported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    source: Mapped[str] = mapped_column(String(20))  # form, api, file, cli, demo

    unit: Mapped[Unit] = relationship()
    reported_by: Mapped["User | None"] = relationship()  # noqa: F821 (models.users)
