"""Saves a read plan document into the database: creates what is new, updates what changed (each change told
old → new in words), and keeps everything already recorded (assignments and their history are never deleted)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from ..extensions import db
from ..models import (
    ActionItem,
    Assignment,
    Indicator,
    ItemUnit,
    Plan,
    PlanSection,
    PlanTarget,
    Target,
    Unit,
    UnitGroup,
    UnitGroupMember,
    User,
)
from ..models.versions import ItemEvent
from ..plan_versions import old_to_new, record_version
from ..rules.deadlines import YEARLY, item_columns, parse_deadline, reading_words
from ..rules.kpi import RATIO_KEYS
from ..rules.lifecycle import occurrence_due, occurrence_years
from ..rules.names import APPENDIX1, UNSPECIFIED, collective_kind, shared_head_members, split_names
from ..rules.targets import parse_target
from ..units import UnitDirectory
from .document import GroupRow, ItemRow, PlanDocument, SectionRows, TargetRow

# A plain function told how far an import has gone: (items done, items in the document).
Progress = Callable[[int, int], None]

# Words in an indicator's heading that tell which of the plan's three ratios it is.
_RATIO_WORDS = (
    ("full_online", "toàn trình"),
    ("procedures_online", "tthc có phát sinh hồ sơ trực tuyến"),
    ("dossiers_online", "hồ sơ phát sinh trực tuyến"),
)

# How a change names what changed: in words a reader of the plan uses, never the column's name.
_WORDS = {
    "title": "tên",
    "issuer": "cơ quan ban hành",
    "issued_on": "ngày ban hành",
    "year": "năm",
    "end_year": "năm kết thúc",
    "appendix": "phụ lục",
    "position": "thứ tự trong văn bản",
    "task": "nội dung",
    "lead_text": "đơn vị chủ trì",
    "coordinating_text": "đơn vị phối hợp",
    "expected_output": "kết quả dự kiến",
    "deadline_text": "thời hạn",
    "name": "tên",
    "declared_size": "số đơn vị ghi trong văn bản",
    "text": "giá trị",
    "section": "mục",
    "group_label": "nhóm",
    "ref": "số thứ tự",
    "indicator": "chỉ tiêu",
    "value_text": "giá trị",
    "unit_of_measure": "đơn vị tính",
    "period": "thời kỳ",
    "due_on": "hạn",
}
# Stored keys (section numbers, item STT) fit the columns' 20 characters.
_KEY_LENGTH = 20
# A changed long text is shown around its first difference, this many characters each side.
_SHOWN = 60
PREVIEW_TASK_LENGTH = 120
# The reason an import gives an item its document no longer holds; an item cancelled so comes back when a later
# document holds it again (an item an admin cancelled by hand stays cancelled).
CANCELLED_BY_DOCUMENT = "Không còn trong "
# An item's fields an ItemEvent names, with the item's column each reads.
_EVENT_FIELDS = (
    ("task", "task"),
    ("lead", "lead_text"),
    ("coordinating", "coordinating_text"),
    ("expected_output", "expected_output"),
    ("deadline", "deadline_text"),
)


@dataclass
class ImportReport:
    plan: str
    sections: list[dict[str, Any]] = field(default_factory=list)
    items: int = 0
    assignments: int = 0
    targets: int = 0
    warnings: list[str] = field(default_factory=list)
    unparsed_deadlines: list[dict[str, str]] = field(default_factory=list)
    unknown_units: list[dict[str, str]] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    changes: list[str] = field(default_factory=list)
    # What the document holds that no recogniser read: {"where", "text", "reason"}; never imported.
    not_understood: list[dict[str, str]] = field(default_factory=list)
    # Each item and KPI target as it will be saved (see _item_preview and _target_preview).
    items_preview: list[dict[str, Any]] = field(default_factory=list)
    targets_preview: list[dict[str, Any]] = field(default_factory=list)
    groups_preview: list[dict[str, Any]] = field(default_factory=list)  # Decision 1872's Appendix 1 groups
    # The document states no number and none was given: nothing was written, the previews still stand.
    number_missing: bool = False
    title: str = ""
    issuer: str = ""
    # Items the document no longer holds (cancelled, "bãi bỏ") and cancelled items it holds again (restored):
    # {"reference", "task"}.
    cancelled: list[dict[str, str]] = field(default_factory=list)
    restored: list[dict[str, str]] = field(default_factory=list)
    # An amending decision: the plan it amends (its number), the decision's number and date (ISO).
    amends: str = ""
    decision_number: str = ""
    decision_date: str | None = None
    # The plan's version this import made (its number), None when nothing changed or in a dry run's preview.
    version: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)

    def _created(self, what: str) -> None:
        self.created += 1
        self.changes.append(f"tạo mới {what}")

    def _updated(self, what: str, phrases: list[str]) -> None:
        self.updated += 1
        self.changes.append(f"{what}: {'; '.join(phrases)}")


def _shown(value: Any) -> str:
    """A saved value as a person reads it."""
    if value is None or value == "":
        return "(trống)"
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    return str(value)


def _short(text: str, width: int = _SHOWN) -> str:
    """The text on one line, cut to `width` characters with "…"."""
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _old_to_new(old: Any, new: Any) -> str:
    """“old” → “new”; two long texts are cut around their first difference so the change itself shows."""
    if isinstance(old, str) and isinstance(new, str) and max(len(old), len(new)) > _SHOWN:
        before, after = old_to_new(old, new, width=_SHOWN)
    else:
        before, after = _shown(old), _shown(new)
    return f"“{before}” → “{after}”"


def _assign(obj: Any, values: Mapping[str, Any], *, quiet: Iterable[str] = ()) -> list[str]:
    """Set values on obj; return each change in words ("thời hạn “Tháng 8” → “Tháng 9”"). Keys in `quiet`
    are set without a phrase: the caller tells their change its own way."""
    phrases: list[str] = []
    quiet = set(quiet)
    for key, new in values.items():
        old = getattr(obj, key)
        if old == new:
            continue
        if key not in quiet:
            if isinstance(new, dict):
                phrases.extend(_notes_changes(old or {}, new))
            else:
                phrases.append(f"{_WORDS.get(key, key)} {_old_to_new(old, new)}")
        setattr(obj, key, new)
    return phrases


def _notes_changes(old: Mapping[str, str], new: Mapping[str, str]) -> list[str]:
    """One phrase per kept column whose value changed, named by its heading."""
    return [
        f"{heading} {_old_to_new(old.get(heading), new.get(heading))}"
        for heading in [*new, *(h for h in old if h not in new)]
        if old.get(heading) != new.get(heading)
    ]


_APPENDIX_NUMERAL_RE = re.compile(r"(?:phụ\s*lục|pl)\s*(?:số\s*)?([0-9]+|[ivxlc]+)\b", re.I)


def _numeral(appendix: str) -> str:
    """ "II" of "Phụ lục II", "2" of "PHỤ LỤC số 2."; "" when the appendix names none."""
    match = _APPENDIX_NUMERAL_RE.search(unicodedata.normalize("NFC", appendix))
    return match.group(1).upper() if match else ""


def _fit(key: str, taken: set[str]) -> str:
    """`key`, or `key-2`, `key-3` … when taken, cut to the column's length; deterministic in the order asked."""

    def cut(text: str, suffix: str = "") -> str:
        return text[: _KEY_LENGTH - len(suffix)] + suffix

    candidate, n = cut(key), 2
    while candidate in taken:
        candidate, n = cut(key, f"-{n}"), n + 1
    taken.add(candidate)
    return candidate


def section_keys(sections: list[SectionRows]) -> list[str]:
    """The number each section is stored under, in order. A later appendix that numbers its sections again
    (Phụ lục I has "I", Phụ lục II has "I" too) has all its sections stored as "PLII.I", "PLII.II" …"""
    runs: list[list[int]] = []
    for index, row in enumerate(sections):
        if runs and sections[runs[-1][0]].appendix == row.appendix:
            runs[-1].append(index)
        else:
            runs.append([index])
    keys: list[str] = [""] * len(sections)
    taken: set[str] = set()
    for run_number, run in enumerate(runs, start=1):
        numbers = [sections[i].number for i in run]
        prefix = ""
        if run_number > 1 and taken & set(numbers):
            prefix = f"PL{_numeral(sections[run[0]].appendix) or run_number}"
        for i, number in zip(run, numbers):
            wanted = (f"{prefix}.{number}" if number else prefix) if prefix else number
            keys[i] = _fit(wanted, taken)
    return keys


def item_reference(section: str, stt: str) -> str:
    """How people cite an item: "I.1"; "1" without a section; "G" for the one unnumbered item of section G."""
    return ".".join(part for part in (section, stt) if part)


def item_keys(rows: list[ItemRow], taken: set[str]) -> list[str]:
    """The STT each item is stored under within its section: the STT, or "STT.n" for each sub-row of a
    numbered row that has several ("1.1", "1.2" … as people cite them), and "-2", "-3" … after a key already
    used in the section (by document order, so a re-import finds the same rows)."""
    split = {row.stt for row in rows if row.subrow is not None}
    keys = []
    for row in rows:
        key = f"{row.stt}.{row.subrow or 1}" if row.stt in split and row.stt else row.stt
        keys.append(_fit(key, taken))
    return keys


@dataclass
class _Names:
    """A lead or coordinating cell as understood: (written, kind, unit) per name, in order."""

    rows: list[tuple[str, str, Unit | None]]

    @property
    def written(self) -> list[str]:
        names: list[str] = []
        for written, _kind, _unit in self.rows:
            if not names or names[-1] != written:
                names.append(written)
        return names

    @property
    def unknown(self) -> list[str]:
        return [written for written, kind, _unit in self.rows if kind == "unknown"]


def save_plan(
    doc: PlanDocument,
    *,
    source_name: str,
    now: datetime,
    actor: User | None = None,
    amends: Plan | None = None,
    decision_number: str = "",
    decision_date: date | None = None,
    source_file: str = "",
    note: str = "",
    progress: Progress | None = None,
) -> ImportReport:
    """Create or update the plan that doc describes (matched by number, or `amends`: the plan an amending
    decision changes, whatever its own number); flushes, the caller commits. Items the document no longer holds
    are cancelled, never deleted. Anything changed (or an amendment) is kept as the plan's next version.
    Without a number (and not amending) nothing is written: the report's previews say what the document
    holds, and `number_missing` asks the caller for the number. `progress`, when given, is told (items done,
    items in the document) as the items are gone through."""
    total = sum(len(row.items) for row in doc.sections)
    tell = _counter(progress, total)
    report = ImportReport(
        plan=doc.number or "",
        warnings=list(doc.warnings),
        title=doc.title,
        issuer=doc.issuer,
        not_understood=[{"where": n.where, "text": n.text, "reason": n.reason} for n in doc.not_understood],
    )
    directory = UnitDirectory.from_database()
    if not doc.number and amends is None:
        report.number_missing = True
        _preview_only(doc, directory, report, tell)
        tell(total)
        return report
    loading = (
        selectinload(Plan.sections),
        selectinload(Plan.targets),
        selectinload(Plan.items).selectinload(ActionItem.units),
        selectinload(Plan.items).selectinload(ActionItem.assignments).selectinload(Assignment.unit),
    )
    plan: Plan | None
    if amends is not None:
        plan = db.session.scalars(select(Plan).where(Plan.id == amends.id).options(*loading)).one()
        report.plan = plan.number
        report.amends = plan.number
        decision_number = decision_number or doc.number or ""
        decision_date = decision_date or (date.fromisoformat(doc.issued_on) if doc.issued_on else None)
        report.decision_number, report.decision_date = decision_number, _day(decision_date)
    else:
        plan = db.session.scalar(select(Plan).where(Plan.number == doc.number).options(*loading))
        decision_number = decision_number or doc.number or ""  # (the number is there: see above)
        decision_date = decision_date or (date.fromisoformat(doc.issued_on) if doc.issued_on else None)
    if plan is None:
        plan = Plan(
            number=doc.number,
            title=doc.title,
            year=doc.year,
            end_year=doc.end_year,
            source_name=source_name,
            issuer=doc.issuer,
            issued_on=date.fromisoformat(doc.issued_on) if doc.issued_on else None,
        )
        db.session.add(plan)
        report._created(f"kế hoạch {doc.number}")
    elif amends is None:
        # A document that does not state a title, issuer or date (a web page quoting Appendix 1) keeps the old ones.
        values: dict[str, Any] = {}
        if doc.title:
            values["title"] = doc.title
        if doc.issuer:
            values["issuer"] = doc.issuer
        if doc.year:
            values["year"] = doc.year
            values["end_year"] = doc.end_year
        if doc.issued_on:
            values["issued_on"] = date.fromisoformat(doc.issued_on)
        if changed := _assign(plan, values):
            report._updated(f"kế hoạch {doc.number}", changed)
    db.session.flush()

    # An item the document no longer holds is cancelled as of the amending decision's date (today for a re-import).
    cancel = _Cancel(
        on=(decision_date if amends is not None and decision_date else now.date()),
        reason=f"{CANCELLED_BY_DOCUMENT}{decision_number or plan.number}",
    )
    events: list[dict[str, Any]] = []  # ItemEvent rows, written with the version they belong to
    appendix1_units = _save_appendix1(plan, doc, directory, report) if doc.has_appendix1 else _appendix1_units(plan)
    if doc.has_appendix2:
        _save_appendix2(plan, doc, directory, appendix1_units, report, now, cancel, events, actor, tell=tell)
    if doc.targets:
        _save_targets(plan, doc.targets, directory, report)

    report.targets = (
        db.session.scalar(select(db.func.count(Target.id)).join(UnitGroup).where(UnitGroup.plan_id == plan.id)) or 0
    ) + len(plan.targets)
    if report.created or report.updated or report.cancelled or amends is not None:
        plan.imported_at = now
        plan.source_name = source_name
        version = record_version(
            plan,
            kind="amendment" if amends is not None else "import",
            actor=actor,
            now=now,
            source_name=source_name,
            source_file=source_file,
            decision_number=decision_number,
            decision_date=decision_date,
            note=note,
        )
        report.version = version.number
        if events:
            db.session.execute(insert(_table(ItemEvent)), [{**event, "version_id": version.id} for event in events])
    db.session.flush()
    tell(total)
    return report


def _counter(progress: Progress | None, total: int) -> Callable[[int], None]:
    """`progress` as a function of the items done (it is told 0 of `total` at once); a no-op without one."""
    if progress is None:
        return lambda _done: None
    progress(0, total)
    return lambda done: progress(min(done, total), total)


@dataclass(frozen=True)
class _Cancel:
    """How an import cancels the items its document no longer holds: the day and the reason."""

    on: date
    reason: str


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _event_values(item: ActionItem) -> dict[str, str]:
    return {name: getattr(item, column) or "" for name, column in _EVENT_FIELDS}


def _event(
    item: ActionItem | _NewItem,
    kind: str,
    now: datetime,
    actor: User | None,
    *,
    changes: list[dict[str, str]] | None = None,
    reason: str = "",
) -> dict[str, Any]:
    """An ItemEvent row (the item has its id by now)."""
    return {
        "item_id": item.id,
        "actor_id": actor.id if actor else None,
        "at": now,
        "kind": kind,
        "changes": changes or [],
        "reason": reason,
    }


@dataclass
class _NewItem:
    """An item the document adds, with its units and assignments: all written by a few bulk inserts once every
    row is read (an ORM object each, flushed, cost more than the rest of the import)."""

    section: PlanSection
    stt: str
    values: dict[str, Any]
    units: list[dict[str, Any]]
    assignments: list[dict[str, Any]]
    id: int | None = None
    cancel_reason: str = ""  # (never cancelled: it is in the document)


def _table(model: type[Any]) -> Table:
    """A model's table, for Core inserts of many rows."""
    return db.metadata.tables[model.__tablename__]


def _insert_new_items(plan: Plan, new_items: list[_NewItem]) -> None:
    """Write the new items (their sections are flushed), then their units and assignments; the plan's items are
    then loaded again, in order, for the version's snapshot. A fixed number of statements for any number of items."""
    if not new_items:
        return
    rows = [{"plan_id": plan.id, "section_id": n.section.id, "stt": n.stt, **n.values} for n in new_items]
    # Core inserts (the ORM's bulk insert goes row by row for a table with server defaults): one executemany each.
    db.session.execute(insert(_table(ActionItem)), rows)
    # Their ids by (section, STT), unique in a plan (RETURNING in the order of the rows costs more on SQLite).
    ids = {
        (section_id, stt): item_id
        for item_id, section_id, stt in db.session.execute(
            select(ActionItem.id, ActionItem.section_id, ActionItem.stt).where(ActionItem.plan_id == plan.id)
        )
    }
    for new_item in new_items:
        new_item.id = ids[(new_item.section.id, new_item.stt)]
    if units := [{**unit, "item_id": n.id} for n in new_items for unit in n.units]:
        db.session.execute(insert(_table(ItemUnit)), units)
    if assignments := [{**a, "item_id": n.id} for n in new_items for a in n.assignments]:
        db.session.execute(insert(_table(Assignment)), assignments)
    items = db.session.scalars(
        select(ActionItem)
        .where(ActionItem.plan_id == plan.id)
        .options(selectinload(ActionItem.units))
        .order_by(ActionItem.position, ActionItem.id)
    ).all()
    set_committed_value(plan, "items", list(items))


def _group_members(
    row: GroupRow, doc: PlanDocument, directory: UnitDirectory, report: ImportReport
) -> list[tuple[str, Unit | None]]:
    """An Appendix 1 group's members as written, each with its unit (None, and reported, when unknown);
    the group's preview goes into the report."""
    members = [(written, directory.find(written)) for written in row.members]
    unknown = [written for written, unit in members if unit is None]
    report.unknown_units.extend({"name": written, "where": f"{row.where} ({row.name})"} for written in unknown)
    report.groups_preview.append(_group_preview(row, doc.indicators, unknown))
    return members


def _preview_only(
    doc: PlanDocument, directory: UnitDirectory, report: ImportReport, tell: Callable[[int], None]
) -> None:
    """The report of a document that cannot be saved yet: every item and target as it would be saved."""
    appendix1_units: list[Unit] = []
    for group_row in doc.groups:
        members = _group_members(group_row, doc, directory, report)
        appendix1_units.extend(unit for _, unit in members if unit is not None)
    report.targets = len(doc.groups) * len(doc.indicators) + len(doc.targets)
    memo: dict[str, _Understood] = {}  # each cell text as understood
    for row, section_key in zip(doc.sections, section_keys(doc.sections)):
        report.sections.append(_section_entry(section_key, row))
        for item_row, stt_key in zip(row.items, item_keys(row.items, set())):
            reference = item_reference(section_key, stt_key)
            deadline = _parse_deadline(item_row.deadline, doc.year)
            lead, coordinating = _item_names(item_row, reference, directory, appendix1_units, report, memo)
            if not deadline.is_parsed:
                report.unparsed_deadlines.append({"item": reference, "text": item_row.deadline})
            report.items_preview.append(
                _item_preview(
                    reference,
                    section_key,
                    stt_key,
                    item_row.task,
                    lead,
                    coordinating,
                    item_row.notes,
                    {"deadline_text": item_row.deadline, **item_columns(deadline)},
                )
            )
            report.items += 1
            tell(report.items)
    for target_row in doc.targets:
        report.targets_preview.append(_target_preview(target_row, _target_names(target_row, directory, report)))


def _section_entry(key: str, row: SectionRows) -> dict[str, Any]:
    """A section in the report: its stored number, title and item count, and its appendix when named."""
    entry: dict[str, Any] = {"number": key, "title": row.title, "items": len(row.items)}
    if row.appendix:
        entry["appendix"] = row.appendix
    return entry


def _item_preview(  # noqa: PLR0917 (one row of the preview, every column of it)
    reference: str,
    section: str,
    stt: str,
    task: str,
    lead: _Names,
    coordinating: _Names,
    notes: Mapping[str, str],
    deadline: Mapping[str, Any],
) -> dict[str, Any]:
    """One item as it will be saved, JSON-ready."""
    due = deadline["due_on"]
    return {
        "reference": reference,
        "section": section,
        "stt": stt,
        "task": _short(task, PREVIEW_TASK_LENGTH),
        "lead": lead.written,
        "coordinating": coordinating.written,
        "unknown": [*lead.unknown, *coordinating.unknown],
        "deadline_text": deadline["deadline_text"],
        "due": due.isoformat() if due else None,
        "recurrence": deadline["recurrence"],
        "ongoing": deadline["is_ongoing"],
        "parsed": deadline["is_deadline_parsed"],
        "notes": dict(notes),
    }


def _group_preview(row: GroupRow, indicators: list[str], unknown: list[str]) -> dict[str, Any]:
    """One Appendix 1 group as it will be saved, JSON-ready: its members and one target per indicator."""
    return {
        "number": row.number,
        "name": row.name,
        "declared_size": row.declared_size,
        "members": list(row.members),
        "unknown": unknown,
        "targets": [{"indicator": name, "value": cell} for name, cell in zip(indicators, row.targets)],
    }


def _target_preview(row: TargetRow, lead: _Names) -> dict[str, Any]:
    """One KPI target as it will be saved, JSON-ready."""
    return {
        "section": row.section,
        "group": row.group,
        "ref": row.ref,
        "indicator": row.indicator,
        "value": row.value,
        "unit_of_measure": row.unit_of_measure,
        "lead_text": row.lead,
        "lead": lead.written,
        "unknown": lead.unknown,
        "period": row.period,
        "due": row.due,
        "where": row.where,
    }


def _appendix1_units(plan: Plan) -> list[Unit]:
    """The units listed in the plan's Appendix 1 as already saved, in document order."""
    query = (
        select(Unit)
        .join(UnitGroupMember, UnitGroupMember.unit_id == Unit.id)
        .join(UnitGroup)
        .where(UnitGroup.plan_id == plan.id)
        .order_by(UnitGroup.number, UnitGroupMember.position)
    )
    return list(db.session.scalars(query))


def _members_change(
    current: list[tuple[int, str, int | None]], wanted: list[tuple[int, str, int | None]], units: Mapping[int, Unit]
) -> list[str]:
    """A group's member list change in words: names added, names dropped, names now found in the directory."""
    before, after = [w for _, w, _ in current], [w for _, w, _ in wanted]
    phrases = []
    if added := [w for w in after if w not in before]:
        phrases.append("thêm " + ", ".join(f"“{w}”" for w in added))
    if dropped := [w for w in before if w not in after]:
        phrases.append("bớt " + ", ".join(f"“{w}”" for w in dropped))
    found = {w: u for _, w, u in current}
    for _, written, unit_id in wanted:
        if written in found and found[written] != unit_id:
            now_is = f"nay là {units[unit_id].code}" if unit_id else "không còn khớp danh mục"
            phrases.append(f"“{written}” {now_is}")
    return phrases or ["thứ tự đơn vị trong nhóm đổi"]


def _save_appendix1(plan: Plan, doc: PlanDocument, directory: UnitDirectory, report: ImportReport) -> list[Unit]:
    indicators = {i.number: i for i in db.session.scalars(select(Indicator).where(Indicator.plan_id == plan.id))}
    by_number: dict[int, Indicator] = {}
    for number, name in enumerate(doc.indicators, start=1):
        folded = name.casefold()
        ratio = next((key for key, words in _RATIO_WORDS if words in folded), None)
        indicator = indicators.get(number)
        numerator, denominator = RATIO_KEYS.get(number, ("", ""))
        if indicator is None:
            indicator = Indicator(
                plan_id=plan.id,
                number=number,
                name=name,
                ratio=ratio,
                kind="ratio",
                numerator_key=numerator,
                denominator_key=denominator,
            )
            db.session.add(indicator)
            report._created(f"chỉ tiêu ({number})")
        elif changed := _assign(indicator, {"name": name, "ratio": ratio}, quiet=("ratio",)):  # read from the name
            report._updated(f"chỉ tiêu ({number})", changed)
        by_number[number] = indicator
    if doc.indicators:
        # Appendix 1's group table is Decision 1872's shape: its units report the built-in eight counts.
        plan.kpi_scheme = "dvctt_1872"
    db.session.flush()

    groups = {
        g.number: g
        for g in db.session.scalars(
            select(UnitGroup)
            .where(UnitGroup.plan_id == plan.id)
            .options(selectinload(UnitGroup.members), selectinload(UnitGroup.targets))
        )
    }
    members_in_order: list[Unit] = []
    for row in doc.groups:
        group = groups.get(row.number)
        label = row.name
        if group is None:
            group = UnitGroup(plan_id=plan.id, number=row.number, name=row.name, declared_size=row.declared_size)
            db.session.add(group)
            report._created(label)
        elif changed := _assign(group, {"name": row.name, "declared_size": row.declared_size}):
            report._updated(label, changed)

        members = _group_members(row, doc, directory, report)
        units = {unit.id: unit for _, unit in members if unit is not None}
        members_in_order.extend(unit for _, unit in members if unit is not None)
        wanted = [(position, written, unit.id if unit else None) for position, (written, unit) in enumerate(members)]
        current = [(m.position, m.written, m.unit_id) for m in group.members]
        if current != wanted:
            group.members[:] = [UnitGroupMember(position=p, written=w, unit_id=u) for p, w, u in wanted]
            if group.id is not None and current:
                report._updated(f"{label}, đơn vị trong nhóm", _members_change(current, wanted, units))

        targets = {t.indicator_id: t for t in group.targets}
        db.session.flush()
        for number, cell in enumerate(row.targets, start=1):
            indicator = by_number[number]
            parsed = parse_target(cell)
            values = {
                "text": parsed.text,
                "kind": parsed.kind,
                "value_min": parsed.value_min,
                "value_max": parsed.value_max,
                "note": parsed.note,
            }
            target = targets.get(indicator.id)
            what = f"chỉ tiêu ({number}) của {label}"
            if target is None:
                group.targets.append(Target(indicator_id=indicator.id, **values))
                report._created(what)
            elif any(getattr(target, k) != v for k, v in values.items()):
                # The other values are read from the text: a change of text says it all.
                if target.text != parsed.text:
                    phrase = f"giá trị {_old_to_new(target.text, parsed.text)}"
                else:
                    phrase = f"giá trị “{parsed.text}” được hiểu lại"
                _assign(target, values, quiet=values)
                report._updated(what, [phrase])
    db.session.flush()
    return members_in_order


# collective_kind and parse_deadline are pure, and a plan repeats its names and deadlines: each is read once.
_collective_kind = lru_cache(maxsize=8192)(collective_kind)
_parse_deadline = lru_cache(maxsize=4096)(parse_deadline)

# How a name of a cell was understood: (written, kind, unit, problem); problem is "" or one of these two.
_UNKNOWN, _NO_APPENDIX1 = "unknown", "no_appendix1"
_Understood = list[tuple[str, str, Unit | None, str]]


def _understand(cell: str, directory: UnitDirectory, appendix1_units: list[Unit]) -> _Understood:
    """The names of one lead/coordinating cell as matched, in order; what the report must say is left to the caller."""
    rows: _Understood = []
    names = split_names(cell, lambda n: directory.find(n) is not None or _collective_kind(n) is not None)
    for name in names:
        unit = directory.find(name)
        kind = _collective_kind(name)
        if unit is not None:
            rows.append((name, "unit", unit, ""))
        elif kind == APPENDIX1 and appendix1_units:
            rows.extend((name, "collective", u, "") for u in appendix1_units)
        elif mapped := directory.collective_units(name):
            # A collective an admin mapped (Admin › Tên đơn vị chưa nhận ra): one row per unit.
            rows.extend((name, "collective", u, "") for u in mapped)
        elif kind is not None:
            rows.append((name, UNSPECIFIED, None, _NO_APPENDIX1 if kind == APPENDIX1 else ""))
        elif len(members := shared_head_members(name)) > 1 and all(directory.find(m) for m in members):
            # "Các Cục: Di sản văn hóa, Bản quyền tác giả": written once, one row (and assignment) per unit.
            rows.extend((name, "collective", directory.find(m), "") for m in members)
        else:
            rows.append((name, "unknown", None, _UNKNOWN))
    return rows


def _resolve(  # noqa: PLR0917 (the cell, where it is, and what to match it against)
    cell: str,
    role: str,
    directory: UnitDirectory,
    appendix1_units: list[Unit],
    where: str,
    report: ImportReport,
    memo: dict[str, _Understood] | None = None,
) -> _Names:
    """The (written name, kind, unit) rows for one lead/coordinating cell, in order. With `memo` (one per
    import and list of Appendix 1 units), a cell text already understood is not split and matched again: a
    plan names the same units in thousands of rows."""
    if memo is None:
        understood = _understand(cell, directory, appendix1_units)
    elif cell in memo:
        understood = memo[cell]
    else:
        understood = memo[cell] = _understand(cell, directory, appendix1_units)
    for name, _kind, _unit, problem in understood:
        if problem == _NO_APPENDIX1:
            report.warnings.append(
                f"{where}: “{name}” là các đơn vị của Phụ lục 1, nhưng kế hoạch chưa có Phụ lục 1; "
                "giữ nguyên tên, chưa giao cho đơn vị nào."
            )
        elif problem == _UNKNOWN:
            report.unknown_units.append({"name": name, "where": f"{where} ({role})"})
    return _Names([(name, kind, unit) for name, kind, unit, _problem in understood])


def _item_names(
    row: ItemRow,
    reference: str,
    directory: UnitDirectory,
    appendix1_units: list[Unit],
    report: ImportReport,
    memo: dict[str, _Understood] | None = None,
) -> tuple[_Names, _Names]:
    where = f"{row.where}, nhiệm vụ {reference}"
    return (
        _resolve(row.lead, "đơn vị chủ trì", directory, appendix1_units, where, report, memo),
        _resolve(row.coordinating, "đơn vị phối hợp", directory, appendix1_units, where, report, memo),
    )


def _target_names(row: TargetRow, directory: UnitDirectory, report: ImportReport) -> _Names:
    where = f"{row.where}, chỉ tiêu “{_short(row.indicator, 40)}”"
    return _resolve(row.lead, "chủ trì theo dõi chỉ tiêu", directory, [], where, report)


def _units_shown(rows: list[tuple[str, str, int | None]], codes: Mapping[int, str]) -> str:
    """The names of one role as matched: "Vụ Pháp chế (VPC); Sở X (chưa có trong danh mục)"."""
    shown = []
    for written, kind, unit_id in rows:
        if kind == "collective":
            text = f"{written} (các đơn vị của Phụ lục 1)"
        elif unit_id is not None:
            text = f"{written} ({codes.get(unit_id, unit_id)})"
        elif kind == "unknown":
            text = f"{written} (chưa có trong danh mục)"
        else:
            text = f"{written} (không chỉ rõ đơn vị)"
        if text not in shown:
            shown.append(text)
    return "; ".join(shown)


def _save_appendix2(  # noqa: PLR0917, PLR0915 (the import's one pass over Appendix 2, in order)
    plan: Plan,
    doc: PlanDocument,
    directory: UnitDirectory,
    appendix1_units: list[Unit],
    report: ImportReport,
    now: datetime,
    cancel: _Cancel,
    events: list[dict[str, Any]],
    actor: User | None,
    *,
    tell: Callable[[int], None],
) -> None:
    sections = {s.number: s for s in plan.sections}
    # Items by (section number, STT): a new section has no id before the flush, and needs none.
    numbers = {s.id: s.number for s in plan.sections}
    items = {(numbers[i.section_id], i.stt): i for i in plan.items}
    codes: dict[int, str] = dict(db.session.execute(select(Unit.id, Unit.code)).all())
    years = occurrence_years(plan.year, plan.end_year) if plan.year else []
    seen_items: set[ActionItem] = set()
    memo: dict[str, _Understood] = {}  # each cell text as understood
    # (kind, item, changes) of each item's event, made once the items have their ids.
    pending: list[tuple[str, ActionItem | _NewItem, list[dict[str, str]]]] = []
    new_items: list[_NewItem] = []
    position = 0
    # Everything is built in memory and written by one flush below: a flush per item made the import grow
    # with the square of the plan. Nothing in the loop needs to query, so nothing flushes half-way either.
    with db.session.no_autoflush:
        for s_position, (row, section_key) in enumerate(zip(doc.sections, section_keys(doc.sections))):
            section = sections.get(section_key)
            label = f"mục {section_key}" if section_key else "mục (không số)"
            if section is None:
                section = PlanSection(number=section_key, title=row.title, position=s_position, appendix=row.appendix)
                plan.sections.append(section)
                sections[section_key] = section
                report._created(label)
            elif section_changes := _assign(
                section, {"title": row.title, "appendix": row.appendix, "position": s_position}
            ):
                report._updated(label, section_changes)
            report.sections.append(_section_entry(section_key, row))

            for item_row, stt_key in zip(row.items, item_keys(row.items, set())):
                position += 1
                tell(position - 1)
                reference = item_reference(section_key, stt_key)
                deadline = _parse_deadline(item_row.deadline, plan.year)
                values: dict[str, Any] = {
                    "task": item_row.task,
                    "lead_text": item_row.lead,
                    "coordinating_text": item_row.coordinating,
                    "expected_output": item_row.expected_output,
                    "deadline_text": item_row.deadline,
                    "notes": dict(item_row.notes),
                    "position": position,
                }
                item = items.get((section_key, stt_key))
                keep_manual_date = (
                    item is not None and item.is_due_set_by_hand and item.deadline_text == item_row.deadline
                )
                if not keep_manual_date:
                    values.update(item_columns(deadline), is_due_set_by_hand=False)
                lead, coordinating = _item_names(item_row, reference, directory, appendix1_units, report, memo)
                wanted = [("lead", w, k, u) for w, k, u in lead.rows] + [
                    ("coordinating", w, k, u) for w, k, u in coordinating.rows
                ]
                if item is None:
                    new_item = _new_item(section, stt_key, values, wanted, years, reference, report, now)
                    new_items.append(new_item)
                    pending.append(("created", new_item, []))
                    report.items_preview.append(
                        _item_preview(
                            reference,
                            section_key,
                            stt_key,
                            item_row.task,
                            lead,
                            coordinating,
                            values["notes"],
                            values,
                        )
                    )
                    continue
                before = _event_values(item)
                # A changed cell is told as text; its units are then not told again.
                retold = {k for k in ("lead_text", "coordinating_text") if getattr(item, k) != values[k]}
                read_before = reading_words(item.due_on, item.recurrence, item.is_ongoing, item.is_deadline_parsed)
                changed = _assign(
                    item,
                    values,
                    quiet=("due_on", "recurrence", "is_ongoing", "is_deadline_parsed", "is_due_set_by_hand"),
                )
                read_after = reading_words(item.due_on, item.recurrence, item.is_ongoing, item.is_deadline_parsed)
                if read_before != read_after:
                    deadline_word = f"{_WORDS['deadline_text']} “"
                    told = next((i for i, p in enumerate(changed) if p.startswith(deadline_word)), None)
                    if told is None:
                        changed.append(f"hạn được hiểu là {_old_to_new(read_before, read_after)}")
                    else:
                        changed[told] += f" (hiểu là {read_before} → {read_after})"
                if not deadline.is_parsed and not keep_manual_date:
                    report.unparsed_deadlines.append({"item": reference, "text": item_row.deadline})
                current = [(u.role, u.written, u.kind, u.unit_id) for u in item.units]
                new = [(r, w, k, u.id if u else None) for r, w, k, u in wanted]
                if current != new:
                    item.units[:] = [
                        ItemUnit(role=r, position=p, written=w, kind=k, unit_id=u.id if u else None)
                        for p, (r, w, k, u) in enumerate(wanted)
                    ]
                    changed.extend(_units_change(current, new, retold, codes))
                if item.cancelled_on is not None and item.cancel_reason.startswith(CANCELLED_BY_DOCUMENT):
                    # Back in the document: the item is restored and its units assigned again below.
                    item.cancelled_on, item.cancel_reason = None, ""
                    changed.append("khôi phục (trước đó đã bãi bỏ)")
                    report.restored.append({"reference": reference, "task": _short(item.task, PREVIEW_TASK_LENGTH)})
                    pending.append(("restored", item, []))
                if changed:
                    report._updated(f"nhiệm vụ {reference}", changed)
                if item.cancelled_on is None:  # an item an admin cancelled by hand keeps its assignments inactive
                    _sync_assignments(
                        item,
                        [u for r, _, _, u in wanted if r == "lead" and u is not None],
                        years,
                        reference,
                        report,
                        now,
                    )
                if field_changes := [
                    {"field": name, "old": before[name], "new": new}
                    for name, new in _event_values(item).items()
                    if before[name] != new
                ]:
                    pending.append(("changed", item, field_changes))
                seen_items.add(item)
                report.items += 1
                report.assignments += sum(1 for a in item.assignments if a.is_active)
                report.items_preview.append(
                    _item_preview(
                        reference,
                        section_key,
                        stt_key,
                        item.task,
                        lead,
                        coordinating,
                        item.notes,
                        {
                            "deadline_text": item.deadline_text,
                            "due_on": item.due_on,
                            "recurrence": item.recurrence,
                            "is_ongoing": item.is_ongoing,
                            "is_deadline_parsed": item.is_deadline_parsed,
                        },
                    )
                )

    db.session.flush()  # new sections get their ids
    for item in plan.items:  # the items saved before: the new ones are not written yet
        if item not in seen_items and item.cancelled_on is None:
            _cancel_item(item, cancel, report)
            pending.append(("cancelled", item, []))
    _insert_new_items(plan, new_items)
    events.extend(
        _event(item, kind, now, actor, changes=changes, reason=item.cancel_reason if kind == "cancelled" else "")
        for kind, item, changes in pending
    )


def _cancel_item(item: ActionItem, cancel: _Cancel, report: ImportReport) -> None:
    """An item the document no longer holds: cancelled ("bãi bỏ"), its assignments made inactive, nothing deleted."""
    item.cancelled_on, item.cancel_reason = cancel.on, cancel.reason
    for assignment in item.assignments:
        assignment.is_active = False
    report.cancelled.append({"reference": item.reference, "task": _short(item.task, PREVIEW_TASK_LENGTH)})
    report.updated += 1
    report.changes.append(f"bãi bỏ nhiệm vụ {item.reference} (“{_short(item.task)}”): {cancel.reason}")


def _units_change(
    current: list[tuple[str, str, str, int | None]],
    new: list[tuple[str, str, str, int | None]],
    retold: set[str],
    codes: Mapping[int, str],
) -> list[str]:
    """The units of an item matched differently (a name now in the directory, a collective expanded): one
    phrase per role whose cell text did not change — a changed cell is already told as text."""
    phrases = []
    for role, text_key, word in (
        ("lead", "lead_text", "đơn vị chủ trì"),
        ("coordinating", "coordinating_text", "đơn vị phối hợp"),
    ):
        before = [(w, k, u) for r, w, k, u in current if r == role]
        after = [(w, k, u) for r, w, k, u in new if r == role]
        if before != after and text_key not in retold:
            told = _old_to_new(_units_shown(before, codes), _units_shown(after, codes))
            phrases.append(f"{word} được nhận là {told}")
    return phrases


def _save_targets(plan: Plan, rows: list[TargetRow], directory: UnitDirectory, report: ImportReport) -> None:
    """The plan's KPI targets: a re-import updates each in place, matched by its place and indicator (then
    by its position), and never duplicates; a target no longer in the document is kept, with a warning."""

    def key(section: str, group: str, ref: str, indicator: str) -> tuple[str, str, str, str]:
        return section, group, ref, " ".join(indicator.split()).casefold()

    unmatched = list(plan.targets)
    by_key: dict[tuple[str, str, str, str], list[PlanTarget]] = {}
    for kept in unmatched:
        by_key.setdefault(key(kept.section, kept.group_label, kept.ref, kept.indicator), []).append(kept)
    found: list[PlanTarget | None] = []
    for row in rows:
        same = by_key.get(key(row.section, row.group, row.ref, row.indicator))
        target = same.pop(0) if same else None
        if target is not None:
            unmatched.remove(target)
        found.append(target)
    by_position = {t.position: t for t in unmatched}
    for position, (row, target) in enumerate(zip(rows, found), start=1):
        values = {
            "position": position,
            "section": row.section,
            "group_label": row.group,
            "ref": row.ref,
            "indicator": row.indicator,
            "value_text": row.value,
            "unit_of_measure": row.unit_of_measure,
            "lead_text": row.lead,
            "period": row.period,
            "due_on": date.fromisoformat(row.due) if row.due else None,
        }
        what = f"chỉ tiêu “{_short(row.indicator, 50)}”"
        if target is None and (target := by_position.pop(position, None)) is not None:
            unmatched.remove(target)
        if target is None:
            plan.targets.append(PlanTarget(**values))
            report._created(what)
        elif changed := _assign(target, values):
            report._updated(what, changed)
        report.targets_preview.append(_target_preview(row, _target_names(row, directory, report)))
    for target in unmatched:
        report.warnings.append(
            f"chỉ tiêu “{_short(target.indicator, 50)}” có trong dữ liệu nhưng không còn trong "
            "văn bản: giữ nguyên, không xóa."
        )
    db.session.flush()


def _wanted_assignments(
    recurrence: str | None, due_on: date | None, lead_units: list[Unit], years: list[int]
) -> dict[tuple[int, int], tuple[Unit, date | None]]:
    """(unit id, occurrence) → (unit, due date) of the assignments an item's lead units should have: one per unit,
    one per unit and year for a yearly item."""
    occurrences = (years or [0]) if recurrence == YEARLY else [0]
    return {
        (u.id, year): (u, occurrence_due(due_on, year) if year else due_on) for u in lead_units for year in occurrences
    }


def _assignment_words(reference: str, code: str, year: int) -> str:
    return f"phân công nhiệm vụ {reference} cho {code}" + (f" năm {year}" if year else "")


def _new_item(  # noqa: PLR0917 (a new row of the plan, with what its names and years give it)
    section: PlanSection,
    stt: str,
    values: dict[str, Any],
    wanted: list[tuple[str, str, str, Unit | None]],
    years: list[int],
    reference: str,
    report: ImportReport,
    now: datetime,
) -> _NewItem:
    """A new item as rows to insert, told in the report as an item saved one by one would be."""
    report._created(f"nhiệm vụ {reference}")
    if not values["is_deadline_parsed"]:
        report.unparsed_deadlines.append({"item": reference, "text": values["deadline_text"]})
    assignments = []
    lead_units = [u for r, _, _, u in wanted if r == "lead" and u is not None]
    for (unit_id, year), (unit, due) in _wanted_assignments(
        values["recurrence"], values["due_on"], lead_units, years
    ).items():
        assignments.append(
            {"unit_id": unit_id, "occurrence": year, "due_on": due, "created_at": now, "is_active": True}
        )
        report._created(_assignment_words(reference, unit.code, year))
    report.items += 1
    report.assignments += len(assignments)
    units = [
        {"role": r, "position": p, "written": w, "kind": k, "unit_id": u.id if u else None}
        for p, (r, w, k, u) in enumerate(wanted)
    ]
    return _NewItem(section, stt, values, units, assignments)


def _sync_assignments(
    item: ActionItem, lead_units: list[Unit], years: list[int], reference: str, report: ImportReport, now: datetime
) -> None:
    """One active assignment per lead unit (per year for a yearly item); a unit no longer named keeps
    its assignment, made inactive, with its history."""
    wanted = _wanted_assignments(item.recurrence, item.due_on, lead_units, years)
    existing = {(a.unit_id, a.occurrence): a for a in item.assignments}
    for (unit_id, year), (unit, due) in wanted.items():
        what = _assignment_words(reference, unit.code, year)
        assignment = existing.get((unit_id, year))
        if assignment is None:
            assignment = Assignment(unit_id=unit_id, occurrence=year, due_on=due, created_at=now, is_active=True)
            item.assignments.append(assignment)
            report._created(what)
            continue
        phrases = ["giao lại"] if not assignment.is_active else []
        phrases += _assign(assignment, {"is_active": True, "due_on": due}, quiet=("is_active",))
        if phrases:
            report._updated(what, phrases)
    for key, assignment in existing.items():
        if key not in wanted and assignment.is_active:
            assignment.is_active = False
            report._updated(_assignment_words(reference, assignment.unit.code, assignment.occurrence), ["thôi giao"])
