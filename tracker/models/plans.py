"""A plan (a decision's action plan), its sections, action items, KPI targets, the units named on them, and
assignments."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from .types import UTCDateTime
from .units import Unit

if TYPE_CHECKING:  # a model of another module, named in a relationship
    from .progress import AssignmentEvent

ITEM_UNIT_ROLES = ("lead", "coordinating")
# unit: a named unit; collective: a member of an expanded collective ("Các cơ quan được giao …");
# unspecified: a collective with no members ("các đơn vị có liên quan"); unknown: a name not in the directory.
ITEM_UNIT_KINDS = ("unit", "collective", "unspecified", "unknown")
ASSIGNMENT_STATES = ("not_started", "in_progress", "blocked", "done")


class Plan(Model):
    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(80), unique=True)  # "1872/QĐ-BVHTTDL"
    title: Mapped[str] = mapped_column(Text, default="")
    issuer: Mapped[str] = mapped_column(Text, default="", server_default="")  # "UBND tỉnh Đồng Tháp"
    issued_on: Mapped[date | None]
    year: Mapped[int | None] = mapped_column(Integer)
    # Last year of a multi-year plan ("giai đoạn 2023-2025"); yearly items recur up to it.
    end_year: Mapped[int | None] = mapped_column(Integer)
    source_name: Mapped[str] = mapped_column(String(255), default="")
    imported_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Which indicators its units report (models.kpi.KPI_SCHEMES): "dvctt_1872" is Decision 1872's built-in
    # definition; "plan" means the plan's own Indicator rows.
    kpi_scheme: Mapped[str] = mapped_column(String(40), default="plan", server_default="plan")

    sections: Mapped[list[PlanSection]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="PlanSection.position"
    )
    items: Mapped[list[ActionItem]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="ActionItem.position"
    )
    targets: Mapped[list[PlanTarget]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="PlanTarget.position"
    )


class PlanSection(Model):
    __tablename__ = "plan_sections"
    __table_args__ = (UniqueConstraint("plan_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    # "I", "II" … or "1", "a" in paragraph plans; "PLII.I" for a later appendix that numbers its sections
    # again from I (the plan's earlier appendix keeps the plain "I").
    number: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(Text, default="")
    appendix: Mapped[str] = mapped_column(String(80), default="", server_default="")  # "Phụ lục II", "" when one
    position: Mapped[int] = mapped_column(Integer, default=0)

    plan: Mapped[Plan] = relationship(back_populates="sections")
    items: Mapped[list[ActionItem]] = relationship(back_populates="section", order_by="ActionItem.position")


def reference_of(section_number: str | None, stt: str | None) -> str:
    """An item's reference from its section's number and its STT ("I" and "1" make "I.1")."""
    return ".".join(part for part in (section_number, stt) if part)


class ActionItem(Model):
    __tablename__ = "action_items"
    __table_args__ = (
        UniqueConstraint("plan_id", "section_id", "stt"),
        # What a list of assignments needs of each one's item (ongoing or not, plan, section, order), read from
        # the index alone instead of the item's whole row with its long texts (issue 16: migration 0014).
        Index("ix_action_items_status_keys", "id", "is_ongoing", "plan_id", "section_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("plan_sections.id", ondelete="CASCADE"), index=True)
    stt: Mapped[str] = mapped_column(String(20))  # the row number as printed: "1", "c", "c.2"
    position: Mapped[int] = mapped_column(Integer, default=0)
    task: Mapped[str] = mapped_column(Text)  # line breaks and "- " bullets kept
    lead_text: Mapped[str] = mapped_column(Text, default="")  # the cells as written
    coordinating_text: Mapped[str] = mapped_column(Text, default="")
    expected_output: Mapped[str] = mapped_column(Text, default="")
    deadline_text: Mapped[str] = mapped_column(Text, default="")
    due_on: Mapped[date | None]
    recurrence: Mapped[str | None] = mapped_column(String(20))
    is_ongoing: Mapped[bool] = mapped_column(default=False)
    is_deadline_parsed: Mapped[bool] = mapped_column(default=False)
    # Set when an admin fixes the due date by hand; a re-import then keeps the admin's date.
    is_due_set_by_hand: Mapped[bool] = mapped_column(default=False)
    # The document's columns or labels the importer keeps without reading them ("Kinh phí", "Ghi chú" …):
    # heading as written → value, in the document's order.
    notes: Mapped[dict[str, str]] = mapped_column(JSON, default=dict, server_default="{}")
    # Set when the item is cancelled ("bãi bỏ") by an admin or an amending decision: it leaves lists and
    # reminders, its assignments become inactive, and its history stays.
    cancelled_on: Mapped[date | None]
    cancel_reason: Mapped[str] = mapped_column(Text, default="", server_default="")

    plan: Mapped[Plan] = relationship(back_populates="items")
    section: Mapped[PlanSection] = relationship(back_populates="items")
    units: Mapped[list[ItemUnit]] = relationship(
        back_populates="item", cascade="all, delete-orphan", order_by="ItemUnit.position"
    )
    assignments: Mapped[list[Assignment]] = relationship(
        back_populates="item", cascade="all, delete-orphan", order_by="Assignment.id"
    )

    @property
    def reference(self) -> str:
        """The item's reference as people say it: "I.1" is section I, STT 1; a plan without sections says "1"."""
        return reference_of(self.section.number, self.stt)

    def mentions(self, role: str) -> list[tuple[str, str, list[Unit]]]:
        """The names written in one role's cell, in order, each with its kind and the units it stands for."""
        result: list[tuple[str, str, list[Unit]]] = []
        for row in self.units:
            if row.role != role:
                continue
            if result and row.kind == "collective" and result[-1][:2] == (row.written, row.kind):
                result[-1][2].extend([row.unit] if row.unit else [])
            else:
                result.append((row.written, row.kind, [row.unit] if row.unit else []))
        return result


class PlanTarget(Model):
    """A KPI target a plan's table sets for a unit or group (not Decision 1872's Appendix 1, which is
    UnitGroup/Target): the indicator, its threshold and who answers for it, all as written."""

    __tablename__ = "plan_targets"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)  # order in the document, from 1
    section: Mapped[str] = mapped_column(Text, default="")  # the period or group row it sits under ("I")
    group_label: Mapped[str] = mapped_column(Text, default="")  # a sub-group ("I.1", "I. Kinh tế số")
    ref: Mapped[str] = mapped_column(Text, default="")  # the row's own number
    indicator: Mapped[str] = mapped_column(Text)
    value_text: Mapped[str] = mapped_column(Text, default="")  # "100%", "tối thiểu 40%"
    unit_of_measure: Mapped[str] = mapped_column(Text, default="")  # "%", "hồ sơ"; "" when none
    lead_text: Mapped[str] = mapped_column(Text, default="")  # the lead cell as written
    period: Mapped[str] = mapped_column(Text, default="")  # "Giai đoạn 2025-2027"
    due_on: Mapped[date | None]  # end of the period

    plan: Mapped[Plan] = relationship(back_populates="targets")


class ItemUnit(Model):
    """One unit (or unresolved name) named on an item, as lead or coordinating unit."""

    __tablename__ = "item_units"
    __table_args__ = (
        CheckConstraint("role IN ('lead', 'coordinating')", name="role"),
        CheckConstraint("kind IN ('unit', 'collective', 'unspecified', 'unknown')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("action_items.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    position: Mapped[int] = mapped_column(Integer, default=0)
    written: Mapped[str] = mapped_column(Text)  # the name as the document writes it
    kind: Mapped[str] = mapped_column(String(20))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)

    item: Mapped[ActionItem] = relationship(back_populates="units")
    unit: Mapped[Unit | None] = relationship()


class Assignment(Model):
    """One lead unit's responsibility for an item (for a yearly item: for one year); it carries that
    unit's progress. The current evidence and difficulty are kept here; every change is in the history."""

    __tablename__ = "assignments"
    __table_args__ = (
        UniqueConstraint("item_id", "unit_id", "occurrence"),
        CheckConstraint("status IN ('not_started', 'in_progress', 'blocked', 'done')", name="status"),
        # The overdue list's counts, and its pages in their order (due date, then id), read this index alone
        # (issue 16: migrations 0012 and 0015).
        Index("ix_assignments_overdue", "due_on", "id", "status", "is_active", "unit_id", "item_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("action_items.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    # 0 for a one-off item; the year for each occurrence of a yearly item.
    occurrence: Mapped[int] = mapped_column(Integer, default=0)
    # The item's due date, or this occurrence's for a yearly item; kept here so overdue lists are one query.
    due_on: Mapped[date | None] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(String(20), default="not_started")
    # Bumped by every change: a form carrying an older version is refused (no silent overwrite).
    version: Mapped[int] = mapped_column(Integer, default=1)
    # False once a re-import no longer names the unit as lead: kept (with its history), not deleted.
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_report_on: Mapped[date | None]  # last progress report (ongoing items need one each period)
    completed_on: Mapped[date | None]
    document_number: Mapped[str] = mapped_column(String(120), default="")
    document_date: Mapped[date | None]
    document_title: Mapped[str] = mapped_column(Text, default="")
    difficulty: Mapped[str] = mapped_column(Text, default="")
    proposal: Mapped[str] = mapped_column(Text, default="")

    # The UPDATE also checks the version it read: two saves racing past the form's check cannot
    # both win (the loser gets StaleDataError, shown as a conflict). Not marked ClassVar: SQLAlchemy's base
    # declares it a plain attribute, and a ClassVar here would contradict it.
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}  # noqa: RUF012

    item: Mapped[ActionItem] = relationship(back_populates="assignments")
    unit: Mapped[Unit] = relationship()
    events: Mapped[list[AssignmentEvent]] = relationship(cascade="all, delete-orphan", order_by="AssignmentEvent.id")
