"""What the IT Centre watches: assignments across units by class (overdue first), filtered and sorted in
the database, and the units × class matrix — each one query, whatever the number of rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache, lru_cache
from typing import Any, NamedTuple

from openpyxl import Workbook
from sqlalchemy import Select, SQLColumnExpression, bindparam, case, func, or_, select
from sqlalchemy.orm import contains_eager, defer, selectinload

from .extensions import db, read_rows
from .models import ActionItem, Assignment, Plan, PlanSection, Unit, UnitGroup, UnitGroupMember
from .models.plans import reference_of
from .rules.kpi import Period
from .rules.lifecycle import (
    BLOCKED,
    DONE_LATE,
    DONE_ON_TIME,
    IN_PROGRESS,
    MONITORING_CLASSES,
    NOT_STARTED,
    OVERDUE,
    STATE_LABELS,
    is_overdue,
)
from .rules.names import fold_name
from .spreadsheets import add_sheet, put, saved
from .status_sql import monitoring_class

# The six classes of the matrix, each assignment in exactly one (overdue wins over the state).
CLASSES = MONITORING_CLASSES
CLASS_LABELS = {
    NOT_STARTED: "Chưa triển khai",
    IN_PROGRESS: "Đang thực hiện",
    BLOCKED: "Gặp vướng mắc",
    DONE_ON_TIME: "Hoàn thành đúng hạn",
    DONE_LATE: "Hoàn thành quá hạn",
    OVERDUE: "Quá hạn",
}
SORTS = {
    "days": (Assignment.due_on.asc(), Assignment.id),  # most days overdue first
    "due": (Assignment.due_on.desc(), Assignment.id),
    "unit": (Unit.name, Assignment.due_on),
    "item": (ActionItem.plan_id, PlanSection.position, ActionItem.position, Unit.name),
}


@dataclass(frozen=True)
class Filters:
    cls: str = OVERDUE
    unit: str | None = None  # unit code
    group: int | None = None  # unit group id
    plan: int | None = None
    section: str | None = None  # section number within the plan
    min_days: int | None = None  # at least this many days overdue
    sort: str = "days"
    page: int = 1
    per_page: int = 50  # rows a page of the list (the export takes every row)

    def narrowed(self) -> bool:
        """Whether anything but the class (and the order and page) narrows the list."""
        return any((self.unit, self.group, self.plan, self.section, self.min_days))


@dataclass
class Listing:
    rows: list[Assignment] = field(default_factory=list)
    total: int = 0


class Row(NamedTuple):
    """One line of the overdue list as the page shows it: plain values read in one SELECT, no ORM objects (a named
    tuple: fifty are made for a page, and a frozen dataclass sets each field through a call)."""

    id: int
    unit_id: int
    item_id: int
    due_on: date | None
    status: str
    difficulty: str
    updated_at: datetime | None
    unit_code: str
    unit_name: str
    reference: str  # as ActionItem.reference: "I.1" is section I, STT 1
    task: str
    is_ongoing: bool
    plan_number: str


@dataclass
class Page:
    rows: list[Row] = field(default_factory=list)
    total: int = 0


@dataclass(frozen=True)
class _Shape:
    """What the list's statements depend on: the class, the day, which filters apply (their values are bound when
    a statement runs, _values) and the order."""

    cls: str
    today: date
    unit: bool
    group: bool
    plan: bool
    section: bool
    min_days: bool
    sort: str


def _shape(filters: Filters, today: date) -> _Shape:
    return _Shape(
        filters.cls,
        today,
        bool(filters.unit),
        bool(filters.group),
        bool(filters.plan),
        bool(filters.section),
        bool(filters.min_days),
        filters.sort,
    )


def _conditions(shape: _Shape) -> list[SQLColumnExpression[bool]]:
    """The filters as conditions on an assignment joined to its item, section and unit, their values bound."""
    conditions = [Assignment.is_active, monitoring_class(shape.cls, shape.today)]
    if shape.unit:
        # A unit's code, or a piece of its name (where there are too many units for a list to pick from).
        conditions.append(or_(Unit.code == bindparam("unit"), Unit.folded_name.contains(bindparam("unit_folded"))))
    if shape.group:
        members = select(UnitGroupMember.unit_id).where(UnitGroupMember.group_id == bindparam("group"))
        conditions.append(Assignment.unit_id.in_(members))
    if shape.plan:
        conditions.append(ActionItem.plan_id == bindparam("plan"))
    if shape.section:
        conditions.append(PlanSection.number == bindparam("section"))
    if shape.min_days:
        conditions.append(Assignment.due_on <= bindparam("due_by"))
    return conditions


def _values(filters: Filters, today: date) -> dict[str, Any]:
    """The filters' values for _conditions' parameters."""
    return {
        "unit": filters.unit,
        "unit_folded": fold_name(filters.unit) if filters.unit else None,
        "group": filters.group,
        "plan": filters.plan,
        "section": filters.section,
        "due_by": date.fromordinal(today.toordinal() - filters.min_days) if filters.min_days else None,
    }


def _filtered(filters: Filters, today: date) -> Select[Assignment]:
    """Active assignments of the filters' class that pass them, as one SELECT (not yet sorted or paged)."""
    return (
        select(Assignment)
        .join(ActionItem, Assignment.item_id == ActionItem.id)
        .join(PlanSection, ActionItem.section_id == PlanSection.id)
        .join(Unit, Assignment.unit_id == Unit.id)
        .where(*_conditions(_shape(filters, today)))
        .params(_values(filters, today))
    )


def _with_items(query: Select[Assignment]) -> Select[Assignment]:
    return query.options(
        selectinload(Assignment.unit),
        selectinload(Assignment.item).selectinload(ActionItem.section).selectinload(PlanSection.plan),
    )


_NOT_LISTED = (
    ActionItem.notes,
    ActionItem.lead_text,
    ActionItem.coordinating_text,
    ActionItem.expected_output,
    ActionItem.cancel_reason,
)


def _count(filters: Filters, today: date) -> int:
    return db.session.scalar(_filtered(filters, today).with_only_columns(func.count(Assignment.id))) or 0


def _skipped(filters: Filters, per_page: int) -> int:
    """The rows before the filters' page."""
    return (max(filters.page, 1) - 1) * per_page


def list_assignments(filters: Filters, *, today: date, per_page: int, total: int | None = None) -> Listing:
    """One page of active assignments of a class (ORM objects with their unit, item, section and plan, for the
    digest), filtered, sorted and counted by the database: the total in one query (unless the caller knows it),
    the page in one joined SELECT. A page past the last one is empty."""
    total = _count(filters, today) if total is None else total
    if total <= _skipped(filters, per_page):
        return Listing([], total)
    rows = db.session.scalars(
        _filtered(filters, today)
        .join(Plan, ActionItem.plan_id == Plan.id)
        .order_by(*SORTS.get(filters.sort, SORTS["days"]))
        .limit(per_page)
        .offset(_skipped(filters, per_page))
        .options(
            contains_eager(Assignment.unit),
            contains_eager(Assignment.item).options(
                contains_eager(ActionItem.section),
                contains_eager(ActionItem.plan),
                # What a row never shows stays in the database (its notes' JSON cost more to read than the rest).
                *(defer(column, raiseload=True) for column in _NOT_LISTED),
            ),
        )
    )
    return Listing(list(rows), total)


_ROW_COLUMNS: tuple[Any, ...] = (  # what a Row holds, in its order (the section number and STT make the reference)
    Assignment.id,
    Assignment.unit_id,
    Assignment.item_id,
    Assignment.due_on,
    Assignment.status,
    Assignment.difficulty,
    Assignment.updated_at,
    Unit.code,
    Unit.name,
    PlanSection.number,
    ActionItem.stt,
    ActionItem.task,
    ActionItem.is_ongoing,
    Plan.number,
)


@lru_cache(maxsize=64)
def _page_statement(shape: _Shape) -> Select:
    """A page of the list in one statement, built once for each shape: the page's assignment ids are filtered,
    sorted and skipped to first, narrow (joining a row's section or unit only when a filter or the order reads
    it: the rows before a deep page are walked, not read), then only those rows are read whole, in the same
    order."""
    order = SORTS.get(shape.sort, SORTS["days"])
    ranked = select(Assignment.id).join(ActionItem, Assignment.item_id == ActionItem.id)
    if shape.section or shape.sort == "item":
        ranked = ranked.join(PlanSection, ActionItem.section_id == PlanSection.id)
    if shape.unit or shape.sort in ("unit", "item"):
        ranked = ranked.join(Unit, Assignment.unit_id == Unit.id)
    page = (
        ranked.where(*_conditions(shape))
        .order_by(*order)
        .limit(bindparam("limit"))
        .offset(bindparam("offset"))
        .subquery()
    )
    return (
        select(*_ROW_COLUMNS)
        .select_from(Assignment)
        .join(page, page.c.id == Assignment.id)
        .join(ActionItem, Assignment.item_id == ActionItem.id)
        .join(PlanSection, ActionItem.section_id == PlanSection.id)
        .join(Unit, Assignment.unit_id == Unit.id)
        .join(Plan, ActionItem.plan_id == Plan.id)
        .order_by(*order)
    )


def page_rows(filters: Filters, *, today: date, per_page: int, total: int | None = None) -> Page:
    """One page of the list as the monitoring page shows it, as plain rows (a sixth of the ORM's cost a row):
    the total in one query unless the caller knows it (the overdue count it has from the letter's per-unit
    counts), the page in one statement (_page_statement) which, sorted by days overdue, walks the due-date index
    and stops at the page's end. A page past the last one is empty."""
    total = _count(filters, today) if total is None else total
    if total <= _skipped(filters, per_page):
        return Page([], total)
    values = {**_values(filters, today), "limit": per_page, "offset": _skipped(filters, per_page)}
    rows = [
        Row(
            id=r[0],
            unit_id=r[1],
            item_id=r[2],
            due_on=r[3],
            status=r[4],
            difficulty=r[5],
            updated_at=r[6],
            unit_code=r[7],
            unit_name=r[8],
            reference=reference_of(r[9], r[10]),
            task=r[11],
            is_ongoing=r[12],
            plan_number=r[13],
        )
        for r in read_rows(_page_statement(_shape(filters, today)), values)
    ]
    return Page(rows, total)


def all_assignments(filters: Filters, *, today: date) -> list[Assignment]:
    """Every assignment the filters select, in their order (for the export): not one page, all of them."""
    return list(
        db.session.scalars(_with_items(_filtered(filters, today).order_by(*SORTS.get(filters.sort, SORTS["days"]))))
    )


EXPORT_HEADERS = [
    "Kế hoạch",
    "Nhiệm vụ",
    "Nội dung nhiệm vụ",
    "Đơn vị chủ trì",
    "Thời hạn",
    "Trạng thái",
    "Số ngày quá hạn",
    "Cập nhật lần cuối",
]


def assignments_xlsx(rows: list[Assignment], *, filters_text: list[tuple[str, str]], today: date) -> bytes:
    """The filtered list as a workbook: one row per assignment (dates as dates, days as numbers), and a sheet
    saying which filters made it and as of which day."""
    book = Workbook()
    about = book.active
    assert about is not None  # a new workbook has one sheet, active
    about.title = "Bộ lọc"
    for r, (key, value) in enumerate([("Danh sách phân công", ""), ("Tính đến ngày", today), *filters_text], start=1):
        put(about, r, 1, key)
        put(about, r, 2, value)
    about.column_dimensions["A"].width, about.column_dimensions["B"].width = 24, 60
    table = []
    for a in rows:
        item = a.item
        late = is_overdue(state=a.status, due_on=a.due_on, is_ongoing=item.is_ongoing, today=today)
        state = STATE_LABELS[a.status] + (f": {a.difficulty}" if a.status == BLOCKED and a.difficulty else "")
        table.append(
            [
                item.plan.number,
                item.reference,
                item.task,
                a.unit.name,
                a.due_on or item.deadline_text,
                state,
                (today - a.due_on).days if late and a.due_on else None,
                a.updated_at,
            ]
        )
    add_sheet(book, "Phân công", EXPORT_HEADERS, table, [18, 10, 60, 36, 12, 22, 10, 14], formats={7: "0"})
    return saved(book)


def matrix(
    *, today: date, plan: int | None = None, page: int = 1, per_page: int | None = None
) -> tuple[list[tuple[Unit, dict[str, int]]], int]:
    """Units × class counts of active assignments from one grouped query: the units with the most overdue
    (then blocked) first, one page of them (db.paginate), and how many units there are in all."""
    columns = [func.sum(case((monitoring_class(name, today), 1), else_=0)).label(name) for name in CLASSES]
    counts_query = (
        select(Assignment.unit_id, *columns)
        .join(ActionItem, Assignment.item_id == ActionItem.id)
        .where(Assignment.is_active)
        .group_by(Assignment.unit_id)
    )
    if plan:
        counts_query = counts_query.where(ActionItem.plan_id == plan)
    counts = counts_query.subquery()
    units = (
        select(Unit)
        .join(counts, counts.c.unit_id == Unit.id)
        .order_by(counts.c.overdue.desc(), counts.c.blocked.desc(), Unit.name)
    )
    if per_page is None:
        shown, total = list(db.session.scalars(units)), None
    else:
        pagination = db.paginate(units, page=max(page, 1), per_page=per_page, max_per_page=None, error_out=False)
        shown, total = list(pagination.items), pagination.total or 0
    ids = [unit.id for unit in shown]
    by_unit = {
        row.unit_id: {name: int(row._mapping[name] or 0) for name in CLASSES}
        for row in (db.session.execute(select(counts).where(counts.c.unit_id.in_(ids))) if ids else ())
    }
    rows = [(unit, by_unit[unit.id]) for unit in shown]
    return rows, len(rows) if total is None else total


def matrix_totals(*, today: date, plan: int | None = None) -> dict[str, int]:
    """The matrix's column totals over every unit (not one page): one query."""
    columns = [func.sum(case((monitoring_class(name, today), 1), else_=0)).label(name) for name in CLASSES]
    query = select(*columns).join(ActionItem, Assignment.item_id == ActionItem.id).where(Assignment.is_active)
    if plan:
        query = query.where(ActionItem.plan_id == plan)
    row = db.session.execute(query).one()
    return {name: int(value or 0) for name, value in zip(CLASSES, row)}


class GroupName(NamedTuple):
    """An Appendix 1 group as the lists name it: its name and its plan's number."""

    name: str
    plan_number: str


@cache
def _groups_of_units_statement() -> Select[int | None, str, str]:
    """groups_of_units' statement, built once (the overdue list runs it on every page), the units bound."""
    return (
        select(UnitGroupMember.unit_id, UnitGroup.name, Plan.number)
        .join(UnitGroup, UnitGroupMember.group_id == UnitGroup.id)
        .join(Plan, UnitGroup.plan_id == Plan.id)
        .where(UnitGroupMember.unit_id.in_(bindparam("unit_ids", expanding=True)))
        .order_by(UnitGroup.plan_id, UnitGroup.number)
    )


def groups_of_units(unit_ids: set[int]) -> dict[int, list[GroupName]]:
    """Each unit's Appendix 1 groups (a unit may be in one group per plan), in plan and group order: their names
    only, read as plain rows (a list of hundreds of units names them all; an ORM object each costs several times
    more)."""
    result: dict[int, list[GroupName]] = {}
    if not unit_ids:
        return result
    rows = read_rows(_groups_of_units_statement(), {"unit_ids": list(unit_ids)})
    for unit_id, name, plan_number in rows:
        if unit_id is not None:  # always: it is one of unit_ids
            result.setdefault(unit_id, []).append(GroupName(name, plan_number))
    return result


def units_missing_figures(period: Period | None, *, plan: int | None = None) -> list[tuple[Unit, date | None]]:
    """Units asked for figures by some plan's Appendix 1 with no report covering `period`, and their
    latest report date — two queries."""
    from .models import KpiReport
    from .rules.kpi import is_report_missing

    if period is None:
        return []
    members = select(UnitGroupMember.unit_id).join(UnitGroup).where(UnitGroupMember.unit_id.is_not(None))
    if plan:
        members = members.where(UnitGroup.plan_id == plan)
    latest = (
        select(KpiReport.unit_id, func.max(KpiReport.as_of).label("as_of"))
        .where(KpiReport.is_current)
        .group_by(KpiReport.unit_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Unit, latest.c.as_of)
        .outerjoin(latest, latest.c.unit_id == Unit.id)
        .where(Unit.id.in_(members))
        .order_by(Unit.name)
    )
    return [(unit, as_of) for unit, as_of in rows if is_report_missing(period, as_of)]
