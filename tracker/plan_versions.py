"""A plan's versions: what the plan said at each import, amending decision and editor save, kept as a
snapshot so any two can be compared and the plan can be read as it stood."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select

from .extensions import db
from .models import ActionItem, Plan, PlanVersion, User
from .models.versions import VERSION_KINDS


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _names(item: ActionItem, role: str) -> list[dict[str, Any]]:
    """One role's names as written, each with the codes of the units it stands for."""
    return [{"written": written, "kind": kind, "units": [u.code for u in units]}
            for written, kind, units in item.mentions(role)]


def item_snapshot(item: ActionItem) -> dict[str, Any]:
    """An item as a version keeps it (its id ties it to the same item in every version)."""
    return {
        "id": item.id,
        "section": item.section.number,
        "stt": item.stt,
        "reference": item.reference,
        "position": item.position,
        "task": item.task,
        "lead_text": item.lead_text,
        "coordinating_text": item.coordinating_text,
        "lead": _names(item, "lead"),
        "coordinating": _names(item, "coordinating"),
        "expected_output": item.expected_output,
        "deadline_text": item.deadline_text,
        "due_on": _day(item.due_on),
        "recurrence": item.recurrence,
        "is_ongoing": item.is_ongoing,
        "cancelled_on": _day(item.cancelled_on),
        "cancel_reason": item.cancel_reason,
    }


def snapshot(plan: Plan) -> dict[str, Any]:
    """The plan as it stands now: its particulars, sections and items in order."""
    return {
        "plan": {
            "number": plan.number, "title": plan.title, "issuer": plan.issuer,
            "issued_on": _day(plan.issued_on), "year": plan.year, "end_year": plan.end_year,
        },
        "sections": [{"number": s.number, "title": s.title, "appendix": s.appendix} for s in plan.sections],
        "items": [item_snapshot(item) for item in sorted(plan.items, key=lambda i: i.position)],
    }


def record_version(plan: Plan, *, kind: str, actor: User | None, now: datetime, source_name: str = "",
                   source_file: str = "", decision_number: str = "", decision_date: date | None = None,
                   note: str = "") -> PlanVersion:
    """Keep the plan as it stands now as its next version; flushes, the caller commits."""
    if kind not in VERSION_KINDS:
        raise ValueError(f"unknown version kind: {kind!r}")
    db.session.flush()
    number = (db.session.scalar(select(func.max(PlanVersion.number)).where(PlanVersion.plan_id == plan.id)) or 0) + 1
    version = PlanVersion(
        plan_id=plan.id, number=number, kind=kind, created_at=now, created_by=actor, source_name=source_name,
        source_file=source_file, decision_number=decision_number, decision_date=decision_date, note=note,
        snapshot=snapshot(plan),
    )
    db.session.add(version)
    db.session.flush()
    return version
