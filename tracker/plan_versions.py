"""A plan's versions: what the plan said at each import, amending decision and editor save, kept as a
snapshot so any two can be compared and the plan can be read as it stood."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from .extensions import db
from .models import ActionItem, Plan, PlanVersion, User
from .models.versions import VERSION_KINDS


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _names(item: ActionItem, role: str) -> list[dict[str, Any]]:
    """One role's names as written, each with the codes of the units it stands for."""
    return [
        {"written": written, "kind": kind, "units": [u.code for u in units]}
        for written, kind, units in item.mentions(role)
    ]


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
            "number": plan.number,
            "title": plan.title,
            "issuer": plan.issuer,
            "issued_on": _day(plan.issued_on),
            "year": plan.year,
            "end_year": plan.end_year,
        },
        "sections": [{"number": s.number, "title": s.title, "appendix": s.appendix} for s in plan.sections],
        "items": [item_snapshot(item) for item in sorted(plan.items, key=lambda i: i.position)],
    }


# Where each version's source document is kept, under the import folder.
VERSIONS_FOLDER = "versions"


def source_file_name(filename: str) -> str:
    """A new name to keep an uploaded document under: random, with the upload's own suffix when plain."""
    suffix = Path(filename).suffix.lower()
    return secrets.token_hex(16) + (suffix if re.fullmatch(r"\.[a-z0-9]{1,6}", suffix) else "")


def keep_source(import_dir: str | Path, name: str, data: bytes) -> Path:
    """Keep a version's source document as `name` in the import folder's versions folder."""
    folder = Path(import_dir) / VERSIONS_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    return path


def record_version(
    plan: Plan,
    *,
    kind: str,
    actor: User | None,
    now: datetime,
    source_name: str = "",
    source_file: str = "",
    decision_number: str = "",
    decision_date: date | None = None,
    note: str = "",
) -> PlanVersion:
    """Keep the plan as it stands now as its next version; flushes, the caller commits."""
    if kind not in VERSION_KINDS:
        raise ValueError(f"unknown version kind: {kind!r}")
    db.session.flush()
    number = (db.session.scalar(select(func.max(PlanVersion.number)).where(PlanVersion.plan_id == plan.id)) or 0) + 1
    version = PlanVersion(
        plan_id=plan.id,
        number=number,
        kind=kind,
        created_at=now,
        created_by=actor,
        source_name=source_name,
        source_file=source_file,
        decision_number=decision_number,
        decision_date=decision_date,
        note=note,
        snapshot=snapshot(plan),
    )
    db.session.add(version)
    db.session.flush()
    return version


# --- Comparing two versions -------------------------------------------------------------------------

# A changed long text is shown around its first difference, this many characters each side.
_SHOWN = 80
# How an item's task is shown in a list of changes.
_TASK_SHOWN = 120
_KIND_WORDS = {"import": "Nhập văn bản", "amendment": "Quyết định sửa đổi", "edit": "Sửa trực tiếp"}


def kind_label(kind: str) -> str:
    """A version's kind in words."""
    return _KIND_WORDS.get(kind, kind)


def _one_line(text: str | None) -> str:
    return " ".join((text or "").split())


def shorten(text: str | None, width: int = _TASK_SHOWN) -> str:
    """The text on one line, cut to `width` characters with "…"."""
    text = _one_line(text)
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def old_to_new(old: str | None, new: str | None, width: int = _SHOWN) -> tuple[str, str]:
    """Two texts as shown side by side: long ones cut around their first difference so the change shows."""
    before, after = _one_line(old), _one_line(new)
    if max(len(before), len(after)) <= width:
        return before or "(trống)", after or "(trống)"
    same = 0
    while same < min(len(before), len(after)) and before[same] == after[same]:
        same += 1
    start = max(0, same - width // 3)

    def window(text: str) -> str:
        piece = text[start : start + width]
        return ("…" if start else "") + piece + ("…" if start + width < len(text) else "") if text else "(trống)"

    return window(before), window(after)


def _dmy(iso: str | None) -> str:
    return date.fromisoformat(iso).strftime("%d/%m/%Y") if iso else ""


def _reference(entry: dict[str, Any]) -> str:
    return entry.get("reference") or ".".join(p for p in (entry.get("section"), entry.get("stt")) if p)


def _written(entry: dict[str, Any], role: str) -> list[str]:
    return [name["written"] for name in entry.get(role, [])]


def _deadline_shown(entry: dict[str, Any]) -> str:
    text = _one_line(entry.get("deadline_text")) or "(không ghi)"
    return f"{text} (hạn {_dmy(entry['due_on'])})" if entry.get("due_on") else text


@dataclass(frozen=True)
class Change:
    """One thing that changed on an item, in words: what, and old → new (or the names added/removed)."""

    what: str
    old: str = ""
    new: str = ""
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        """The change as one sentence: "thời hạn “Tháng 10/2023” → “Tháng 12/2023”"."""
        if self.added or self.removed:
            parts = []
            if self.added:
                parts.append("thêm " + ", ".join(f"“{n}”" for n in self.added))
            if self.removed:
                parts.append("bỏ " + ", ".join(f"“{n}”" for n in self.removed))
            return f"{self.what}: {'; '.join(parts)}"
        return f"{self.what} “{self.old}” → “{self.new}”"


@dataclass(frozen=True)
class ItemDiff:
    reference: str
    task: str
    changes: tuple[Change, ...] = ()
    note: str = ""  # a cancelled item's reason


@dataclass
class Comparison:
    """What changed from one version to another, item by item (items matched by their id)."""

    added: list[ItemDiff] = field(default_factory=list)
    cancelled: list[ItemDiff] = field(default_factory=list)
    restored: list[ItemDiff] = field(default_factory=list)
    changed: list[ItemDiff] = field(default_factory=list)
    plan: list[Change] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.cancelled or self.restored or self.changed or self.plan)

    def sentences(self) -> list[str]:
        """Every change as a sentence, as the versions page says it."""
        lines = [f"Thêm nhiệm vụ {d.reference}: {d.task}" for d in self.added]
        lines += [
            f"Bãi bỏ nhiệm vụ {d.reference}: {d.task}" + (f" ({d.note})" if d.note else "") for d in self.cancelled
        ]
        lines += [f"Khôi phục nhiệm vụ {d.reference}: {d.task}" for d in self.restored]
        lines += [f"Nhiệm vụ {d.reference}: {c.text}" for d in self.changed for c in d.changes]
        lines += [f"Kế hoạch: {c.text}" for c in self.plan]
        return lines


def _names_change(what: str, old: list[str], new: list[str]) -> Change | None:
    added = tuple(n for n in new if n not in old)
    removed = tuple(n for n in old if n not in new)
    return Change(what, added=added, removed=removed) if added or removed else None


def _item_changes(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    changes: list[Change] = []
    if _reference(old) != _reference(new):
        changes.append(Change("số thứ tự", _reference(old), _reference(new)))
    if _one_line(old.get("task")) != _one_line(new.get("task")):
        changes.append(Change("nội dung", *old_to_new(old.get("task"), new.get("task"))))
    for role, what in (("lead", "đơn vị chủ trì"), ("coordinating", "đơn vị phối hợp")):
        change = _names_change(what, _written(old, role), _written(new, role))
        if change is None and _one_line(old.get(f"{role}_text")) != _one_line(new.get(f"{role}_text")):
            change = Change(what, *old_to_new(old.get(f"{role}_text"), new.get(f"{role}_text")))
        if change is not None:
            changes.append(change)
    if _one_line(old.get("expected_output")) != _one_line(new.get("expected_output")):
        changes.append(Change("kết quả dự kiến", *old_to_new(old.get("expected_output"), new.get("expected_output"))))
    if (_one_line(old.get("deadline_text")), old.get("due_on")) != (
        _one_line(new.get("deadline_text")),
        new.get("due_on"),
    ):
        changes.append(Change("thời hạn", _deadline_shown(old), _deadline_shown(new)))
    return changes


_PLAN_WORDS = (
    ("number", "số hiệu"),
    ("title", "tên"),
    ("issuer", "cơ quan ban hành"),
    ("issued_on", "ngày ban hành"),
    ("year", "năm"),
    ("end_year", "năm kết thúc"),
)


def compare(old: dict[str, Any], new: dict[str, Any]) -> Comparison:
    """The changes from snapshot `old` to snapshot `new`, in words."""
    result = Comparison()
    before = {entry["id"]: entry for entry in old.get("items", [])}
    for key, what in _PLAN_WORDS:
        was, now = old.get("plan", {}).get(key), new.get("plan", {}).get(key)
        if was != now:
            shown = (_dmy(was), _dmy(now)) if key == "issued_on" else old_to_new(str(was or ""), str(now or ""))
            result.plan.append(Change(what, *shown))
    seen = set()
    for entry in new.get("items", []):
        seen.add(entry["id"])
        was = before.get(entry["id"])
        reference, task = _reference(entry), shorten(entry.get("task"))
        if was is None:
            if not entry.get("cancelled_on"):
                result.added.append(ItemDiff(reference, task))
            continue
        if entry.get("cancelled_on") and not was.get("cancelled_on"):
            result.cancelled.append(ItemDiff(reference, task, note=entry.get("cancel_reason") or ""))
            continue
        if was.get("cancelled_on") and not entry.get("cancelled_on"):
            result.restored.append(ItemDiff(reference, task))
        if changes := _item_changes(was, entry):
            result.changed.append(ItemDiff(reference, task, tuple(changes)))
    for item_id, was in before.items():
        if item_id not in seen and not was.get("cancelled_on"):
            result.cancelled.append(ItemDiff(_reference(was), shorten(was.get("task"))))
    return result
