"""What the unit page shows of a unit's work, as plain data for the view: a page of its assignments as lead
(what needs the head's attention first — overdue, due soon, blocked, in progress — then the others, filtered,
ordered and paged by the database; the done ones only when asked for), a page of the items it coordinates with
their roll-up, and the counts at the top. The number of queries does not depend on the unit's size."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Integer, Select, and_, bindparam, case, func, not_, or_, select

from .extensions import db, read_rows
from .models import ActionItem, Assignment, ItemUnit, Plan, PlanSection
from .models.plans import reference_of
from .rules.lifecycle import BLOCKED, DONE, IN_PROGRESS, NOT_STARTED, OVERDUE, ROLL_UP_LABELS, STATES, roll_up
from .status import AssignmentStatus, status_of
from .status_sql import is_done, is_due_soon, is_overdue

PER_PAGE = 25
DUE_SOON = "due_soon"
# The groups of the lead list, in the order the page shows them.
GROUPS = (OVERDUE, DUE_SOON, BLOCKED, IN_PROGRESS, NOT_STARTED, DONE)
# The due filter: past due (and not done), due within the window, due later, no due date (or ongoing).
DUE_FILTERS = ("overdue", "soon", "later", "none")


def positive_number(value: object) -> int | None:
    """A query string's id or page number: digits only, at most nine, above zero; anything else None (a bad link
    shows the default, not an error page)."""
    text = str(value or "")
    return int(text) if text.isdigit() and 0 < len(text) < 10 and int(text) > 0 else None


@dataclass(frozen=True)
class UnitView:
    """What the person asked the page for (its query string): the assignments in one state (None: every one
    not done yet), of one plan, by due date, the page of that list and the page of the coordinated items."""

    state: str | None = None
    plan: int | None = None
    due: str | None = None
    page: int = 1
    cpage: int = 1

    @classmethod
    def from_args(cls, args: Mapping[str, Any]) -> UnitView:
        """The view a query string asks for; anything unknown is left at its default (no error page)."""

        def number(name: str) -> int | None:
            return positive_number(args.get(name))

        state = args.get("state") or None
        due = args.get("due") or None
        return cls(
            state=state if state in STATES else None,
            plan=number("plan"),
            due=due if due in DUE_FILTERS else None,
            page=number("page") or 1,
            cpage=number("cpage") or 1,
        )

    def args(self, **changes: Any) -> dict[str, Any]:
        """The query string of this view with changes (for url_for): only what differs from the defaults."""
        view = replace(self, **changes)
        return {name: value for name in _FIELDS if (value := getattr(view, name)) != getattr(_DEFAULT, name)}

    @property
    def is_filtered(self) -> bool:
        return self.state is not None or self.plan is not None or self.due is not None


_FIELDS = ("state", "plan", "due", "page", "cpage")
_DEFAULT = UnitView()


@dataclass(frozen=True)
class Page:
    """Which page of a list this is, out of how many (the total counted by the same query as the rows)."""

    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1

    @property
    def first(self) -> int:
        return min(self.total, (self.page - 1) * self.per_page + 1)

    @property
    def last(self) -> int:
        return min(self.total, self.page * self.per_page)


def _paged(statement: Select, page: int) -> Select:
    """One page of a select's rows, with the number of rows of the whole list as its last column (a window
    count)."""
    return statement.add_columns(func.count().over()).limit(PER_PAGE).offset((page - 1) * PER_PAGE)


class CardItem(NamedTuple):
    """What an assignment's card shows of its item (named tuples, these and the cards: a page makes a few dozen)."""

    id: int
    reference: str
    task: str
    is_ongoing: bool
    deadline_text: str
    plan_number: str


class Card(NamedTuple):
    """A lead assignment as its card shows it (and as status_of reads it), read as plain columns."""

    id: int
    status: str
    version: int
    occurrence: int | None
    difficulty: str | None
    updated_at: datetime | None
    due_on: date | None
    completed_on: date | None
    last_report_on: date | None
    created_at: datetime
    item: CardItem


class CoordinatedItem(NamedTuple):
    """An item the unit coordinates on, as its row in the list shows it."""

    id: int
    reference: str
    task: str
    deadline_text: str
    due_on: date | None


# The columns of a card, in the order of Card's fields then CardItem's.
CARD_COLUMNS = (
    Assignment.id,
    Assignment.status,
    Assignment.version,
    Assignment.occurrence,
    Assignment.difficulty,
    Assignment.updated_at,
    Assignment.due_on,
    Assignment.completed_on,
    Assignment.last_report_on,
    Assignment.created_at,
    ActionItem.id,
    PlanSection.number,
    ActionItem.stt,
    ActionItem.task,
    ActionItem.is_ongoing,
    ActionItem.deadline_text,
    Plan.number,
)


def _card(row: Sequence[Any]) -> Card:
    """A card from a row of CARD_COLUMNS."""
    (id_, status, version, occurrence, difficulty, updated_at, due_on, completed_on, last_report_on, created_at) = row[
        :10
    ]
    item_id, section, stt, task, is_ongoing, deadline_text, plan_number = row[10:17]
    item = CardItem(item_id, reference_of(section, stt), task, is_ongoing, deadline_text, plan_number)
    return Card(
        id_, status, version, occurrence, difficulty, updated_at, due_on, completed_on, last_report_on, created_at, item
    )


def _lead_statement(where: ColumnElement[bool], order: tuple, page: int) -> Select:
    """One page of the lead list in one statement: the page's assignment ids are sorted and counted first, narrow
    (sorting whole rows with their long texts costs several times more), then only those rows' columns a card
    shows are read, in the same order (plain rows: no ORM object per card)."""
    ranked = (
        select(
            Assignment.id.label("id"),
            func.count().over().label("total"),
        )
        .join(Assignment.item)
        .join(ActionItem.section)
        .where(where)
        .order_by(*order)
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
        .subquery()
    )
    return (
        select(*CARD_COLUMNS, ranked.c.total)
        .select_from(Assignment)
        .join(ranked, ranked.c.id == Assignment.id)
        .join(Assignment.item)
        .join(ActionItem.section)
        .join(PlanSection.plan)
        .order_by(*order)  # the page's 25 rows again, in the same order
    )


def _roll_up(active: int, overdue: int, done: int, blocked: int, in_progress: int) -> tuple[str | None, str]:
    """tracker.status.item_status from an item's assignments counted in the database: the rule reads which
    (state, overdue) pairs occur, so one pair stands for each kind counted."""
    pairs = [(NOT_STARTED, True)] if overdue else []
    counted = ((DONE, done), (BLOCKED, blocked), (IN_PROGRESS, in_progress))
    pairs += [(state, False) for state, count in counted if count]
    if active > done + blocked + in_progress:
        pairs.append((NOT_STARTED, False))
    key = roll_up(pairs)
    return key, ROLL_UP_LABELS.get(key, "Chưa giao") if key else "Chưa giao đơn vị"


@dataclass(frozen=True)
class UnitWork:
    rows: list[tuple[Card, AssignmentStatus, str]]  # this page of the lead list: (assignment, status, group)
    page: Page  # the lead list's page (numbers, total of the filtered list)
    coordinating_rows: list[tuple[CoordinatedItem, tuple[str | None, str]]]  # (item, its roll-up key and label)
    coordinating_page: Page
    counts: dict[str, int]  # overdue, due_soon, blocked, in_progress, done, open, total (every active one)
    plans: list[tuple[int, str, int]]  # (plan id, number, active lead assignments) for the plan filter


def attention_group(today: date, due_soon_days: int) -> ColumnElement[int]:
    """The group of an assignment as a number (GROUPS' index): overdue, due soon, blocked, in progress, not
    started, done — the first that applies."""
    return case(
        (is_overdue(today), 0),
        (is_due_soon(today, due_soon_days), 1),
        (Assignment.status == BLOCKED, 2),
        (Assignment.status == IN_PROGRESS, 3),
        (Assignment.status == NOT_STARTED, 4),
        else_=5,
    )


def group_of(status: AssignmentStatus) -> str:
    """attention_group for one row, from the status the rules give it (the same rules as the SQL's)."""
    if status.is_overdue:
        return OVERDUE
    if status.is_due_soon:
        return DUE_SOON
    return status.state if status.state in GROUPS else DONE


def lead_order(today: date, due_soon_days: int) -> tuple:
    """The attention groups in order; within each, the soonest due first (those without a due date last), then
    the plan's order."""
    no_days_left = or_(is_done(), Assignment.due_on.is_(None), ActionItem.is_ongoing)
    return (
        attention_group(today, due_soon_days),
        case((no_days_left, 1), else_=0),
        case((no_days_left, None), else_=Assignment.due_on),
        ActionItem.plan_id,
        PlanSection.position,
        ActionItem.position,
        Assignment.occurrence,
    )


def _filters(view: UnitView, today: date, due_soon_days: int) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = (
        [not_(is_done())] if view.state is None else [Assignment.status == view.state]
    )
    if view.plan is not None:
        conditions.append(ActionItem.plan_id == view.plan)
    has_date = and_(Assignment.due_on.is_not(None), not_(ActionItem.is_ongoing))
    if view.due == "overdue":
        conditions.append(is_overdue(today))
    elif view.due == "soon":
        conditions.append(is_due_soon(today, due_soon_days))
    elif view.due == "later":
        conditions.append(and_(has_date, Assignment.due_on > today + timedelta(days=due_soon_days)))
    elif view.due == "none":
        conditions.append(not_(has_date))
    return conditions


@dataclass(frozen=True)
class _Statements:
    by_plan: Select  # the counts, plan by plan
    lead: Select  # the page of the lead list asked for
    coordinating: Select  # the page of the coordinated items asked for


# The unit each statement is about, bound when it runs.
_UNIT = bindparam("unit_id", type_=Integer)


@lru_cache(maxsize=256)
def _statements(today: date, due_soon_days: int, view: UnitView) -> _Statements:
    """unit_work's statements for a day and a view, built once and run for any unit (building a statement of
    this size costs more than running it; the day's date and the view are in the statements, the unit is not)."""
    mine = and_(Assignment.unit_id == _UNIT, Assignment.is_active)
    overdue, soon = is_overdue(today), is_due_soon(today, due_soon_days)
    by_plan = (
        select(
            Plan.id,
            Plan.number,
            func.count(),
            func.sum(case((overdue, 1), else_=0)),
            func.sum(case((soon, 1), else_=0)),
            func.sum(case((Assignment.status == BLOCKED, 1), else_=0)),
            func.sum(case((Assignment.status == IN_PROGRESS, 1), else_=0)),
            func.sum(case((is_done(), 1), else_=0)),
        )
        .select_from(Assignment)
        .join(Assignment.item)
        .join(ActionItem.plan)
        .where(mine)
        .group_by(Plan.id, Plan.number)
        .order_by(Plan.year.desc(), Plan.number)
    )
    lead = _lead_statement(
        and_(mine, *_filters(view, today, due_soon_days)), lead_order(today, due_soon_days), view.page
    )
    coordinated = select(ItemUnit.item_id).where(ItemUnit.unit_id == _UNIT, ItemUnit.role == "coordinating")
    tally = (
        select(
            Assignment.item_id,
            func.count().label("active"),
            func.sum(case((overdue, 1), else_=0)).label("overdue"),
            func.sum(case((Assignment.status == DONE, 1), else_=0)).label("done"),
            func.sum(case((Assignment.status == BLOCKED, 1), else_=0)).label("blocked"),
            func.sum(case((Assignment.status == IN_PROGRESS, 1), else_=0)).label("in_progress"),
        )
        .join(Assignment.item)
        .where(Assignment.is_active, Assignment.item_id.in_(coordinated))
        .group_by(Assignment.item_id)
        .subquery()
    )
    coordinating = _paged(
        select(
            ActionItem.id,
            PlanSection.number,
            ActionItem.stt,
            ActionItem.task,
            ActionItem.deadline_text,
            ActionItem.due_on,
            tally.c.active,
            tally.c.overdue,
            tally.c.done,
            tally.c.blocked,
            tally.c.in_progress,
        )
        .join(ActionItem.section)
        .outerjoin(tally, tally.c.item_id == ActionItem.id)
        .where(ActionItem.id.in_(coordinated))
        .order_by(ActionItem.plan_id, ActionItem.position),
        view.cpage,
    )
    return _Statements(by_plan=by_plan, lead=lead, coordinating=coordinating)


def unit_work(unit_id: int, *, today: date, due_soon_days: int, view: UnitView | None = None) -> UnitWork:
    """The page of the unit's work the view asks for, with each row's status as of today, and the counts:
    one query for the counts and one for each of the two pages (rows, their number and the coordinated items'
    roll-ups). A page past the end of its list gives the list's first page."""
    view = view or UnitView()
    unit = {"unit_id": unit_id}
    statements = _statements(today, due_soon_days, view)
    by_plan = read_rows(statements.by_plan, unit)
    counts = dict.fromkeys((OVERDUE, DUE_SOON, BLOCKED, IN_PROGRESS, DONE, "total"), 0)
    for row in by_plan:
        for key, value in zip((OVERDUE, DUE_SOON, BLOCKED, IN_PROGRESS, DONE), row[3:], strict=True):
            counts[key] += int(value or 0)
        counts["total"] += row[2]
    counts["open"] = counts["total"] - counts[DONE]
    found = read_rows(statements.lead, unit)
    if not found and view.page > 1:
        view = replace(view, page=1)
        found = read_rows(_statements(today, due_soon_days, view).lead, unit)
    rows = []
    for row in found:
        card = _card(row)
        status = status_of(card, today=today, due_soon_days=due_soon_days)
        rows.append((card, status, group_of(status)))
    coordinating = read_rows(statements.coordinating, unit)
    if not coordinating and view.cpage > 1:
        view = replace(view, cpage=1)
        coordinating = read_rows(_statements(today, due_soon_days, view).coordinating, unit)
    return UnitWork(
        rows=rows,
        page=Page(page=view.page, per_page=PER_PAGE, total=found[0][-1] if found else 0),
        coordinating_rows=[
            (
                CoordinatedItem(row[0], reference_of(row[1], row[2]), row[3], row[4], row[5]),
                _roll_up(*(int(n or 0) for n in row[6:-1])),
            )
            for row in coordinating
        ],
        coordinating_page=Page(page=view.cpage, per_page=PER_PAGE, total=coordinating[0][-1] if coordinating else 0),
        counts=counts,
        plans=[(row[0], row[1], row[2]) for row in by_plan],
    )


@lru_cache(maxsize=1)
def _card_statement() -> Select:
    return (
        select(*CARD_COLUMNS)
        .select_from(Assignment)
        .join(Assignment.item)
        .join(ActionItem.section)
        .join(PlanSection.plan)
        .where(Assignment.id == bindparam("assignment_id"))
    )


def assignment_row(assignment_id: int, *, today: date, due_soon_days: int) -> tuple[Card, AssignmentStatus, str]:
    """One assignment as a row of the lead list (a refused quick update shows its row even when it is not on
    the page asked for)."""
    card = _card(db.session.execute(_card_statement(), {"assignment_id": assignment_id}).one())
    status = status_of(card, today=today, due_soon_days=due_soon_days)
    return card, status, group_of(status)
