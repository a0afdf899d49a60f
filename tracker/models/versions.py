"""A plan's versions (the import, each amending decision, each editor save) and the history of its items."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from .types import UTCDateTime
from .users import User

# import: a document read for the first time or again; amendment: a document an admin marked as amending
# the plan; edit: a change made in the plan editor.
VERSION_KINDS = ("import", "amendment", "edit")


class PlanVersion(Model):
    """A dated version of a plan: what it said then (snapshot) and where that came from."""

    __tablename__ = "plan_versions"
    __table_args__ = (UniqueConstraint("plan_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)  # 1, 2, 3 … within the plan
    kind: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The amending decision ("1234/QĐ-BVHTTDL", its date), when there is one.
    decision_number: Mapped[str] = mapped_column(String(120), default="", server_default="")
    decision_date: Mapped[date | None]
    source_name: Mapped[str] = mapped_column(String(255), default="", server_default="")  # as uploaded
    source_file: Mapped[str] = mapped_column(String(255), default="", server_default="")  # stored copy
    note: Mapped[str] = mapped_column(Text, default="", server_default="")
    # The plan as it stood: sections and items with their units and deadlines (plan_versions.snapshot).
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    created_by: Mapped[User | None] = relationship()


class ItemEvent(Model):
    """One change of an item itself (task text, units, deadline, cancellation): who, when, old → new."""

    __tablename__ = "item_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("action_items.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[int | None] = mapped_column(ForeignKey("plan_versions.id", ondelete="SET NULL"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    kind: Mapped[str] = mapped_column(String(20))  # created, changed, moved, cancelled, restored
    # [{"field": "deadline", "old": "Tháng 8/2023", "new": "Tháng 10/2023"}, …] in the plan's words.
    changes: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    reason: Mapped[str] = mapped_column(Text, default="", server_default="")

    actor: Mapped[User | None] = relationship()
    version: Mapped[PlanVersion | None] = relationship()
