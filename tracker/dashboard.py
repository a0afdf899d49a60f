"""The leadership's dashboard as plain data: one plan's four classes of Quy chế 42 on a day, their trend by
month, KPI attainment by group, the units most behind, the items blocked awaiting a decision and what
changed since the end of the month before — a fixed number of queries whatever the plan's size."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from .extensions import db
from .figures import kpi_by_unit
from .models import ActionItem, Assignment, AssignmentEvent, MonthlySnapshot, Plan, PlanSection, SnapshotUnit, Unit
from .models.plans import reference_of
from .rules.kpi import MET, NO_DATA, NOT_APPLICABLE, NOT_MET
from .rules.lifecycle import BLOCKED, DONE_LATE, DONE_ON_TIME, NOT_DONE_IN_TIME, NOT_DONE_OVERDUE
from .rules.trend import (
    CLASSES,
    Dated,
    Moved,
    Tally,
    UnitStanding,
    changes_between,
    class_on,
    month_ends,
    monthly_classes,
    previous_month_end,
    tally,
    units_behind,
)

UNITS_BEHIND = 10  # units named in "most behind"
CHANGES_SHOWN = 50  # assignments named in "what changed"; the counts cover all of them
TREND_MONTHS = 36  # months drawn at most (a plan's last three years)


@dataclass(frozen=True)
class PlanChoice:
    id: int
    number: str
    title: str


@dataclass(frozen=True)
class Row:
    """One active assignment of the plan, as the dashboard names and links it."""

    id: int
    item_id: int
    reference: str
    task: str
    occurrence: int
    unit_id: int
    unit_code: str
    unit_name: str
    due_on: date | None
    completed_on: date | None
    state: str
    is_ongoing: bool
    difficulty: str
    proposal: str

    @property
    def dated(self) -> Dated:
        return Dated(self.id, self.state, self.due_on, self.completed_on, self.is_ongoing)


@dataclass(frozen=True)
class Blocked:
    """An assignment blocked on the day, with the difficulty and proposal its unit gave, and the day of its last
    change by then (the report that blocked it, or a later one while blocked)."""

    row: Row
    difficulty: str
    proposal: str
    reported_on: date | None


@dataclass(frozen=True)
class IndicatorAttainment:
    number: int
    name: str
    met: int
    not_met: int
    no_data: int
    not_applicable: int


@dataclass(frozen=True)
class GroupAttainment:
    group_id: int
    name: str
    units: int
    reported: int  # units with figures on or before the day
    indicators: list[IndicatorAttainment]


@dataclass(frozen=True)
class Behind:
    unit_id: int
    code: str
    name: str
    standing: UnitStanding


@dataclass
class Dashboard:
    plan: PlanChoice
    as_of: date
    today: date
    now: Tally
    trend: list[Tally]
    before: Tally  # at the end of the month before as_of's month
    moved: list[tuple[Row, Moved]]  # the first CHANGES_SHOWN of them
    moved_total: int
    done_since: int
    newly_overdue: int
    behind: list[Behind]
    blocked: list[Blocked]
    kpi: list[GroupAttainment]
    rows: list[Row] = field(default_factory=list)  # every active assignment of the plan, in its order
    frozen_months: list[date] = field(default_factory=list)  # month ends whose counts come from a snapshot

    @property
    def is_today(self) -> bool:
        return self.as_of >= self.today


def plan_choices() -> list[PlanChoice]:
    """Every plan, the newest first: one query."""
    plans = db.session.execute(
        select(Plan.id, Plan.number, Plan.title, Plan.year, Plan.end_year, Plan.issued_on).order_by(
            Plan.issued_on.desc().nulls_last(), Plan.year.desc().nulls_last(), Plan.id.desc()
        )
    ).all()
    return [PlanChoice(p.id, p.number, p.title) for p in plans]


def default_plan(today: date) -> int | None:
    """The newest plan whose years include today's (a plan without years counts as current), else the
    newest plan; None when there is none. One query."""
    plans = db.session.execute(
        select(Plan.id, Plan.year, Plan.end_year).order_by(
            Plan.issued_on.desc().nulls_last(), Plan.year.desc().nulls_last(), Plan.id.desc()
        )
    ).all()
    for plan in plans:
        first = plan.year or today.year
        if first <= today.year <= (plan.end_year or first):
            return plan.id
    return plans[0].id if plans else None


def _rows(plan_id: int) -> list[Row]:
    """The plan's active assignments in the plan's order: one query."""
    query = (
        select(
            Assignment.id,
            Assignment.item_id,
            Assignment.occurrence,
            Assignment.unit_id,
            Assignment.due_on,
            Assignment.completed_on,
            Assignment.status,
            Assignment.difficulty,
            Assignment.proposal,
            ActionItem.stt,
            ActionItem.task,
            ActionItem.is_ongoing,
            PlanSection.number.label("section"),
            Unit.code,
            Unit.name,
        )
        .join(ActionItem, Assignment.item_id == ActionItem.id)
        .join(PlanSection, ActionItem.section_id == PlanSection.id)
        .join(Unit, Assignment.unit_id == Unit.id)
        .where(ActionItem.plan_id == plan_id, Assignment.is_active)
        .order_by(PlanSection.position, ActionItem.position, Unit.name, Assignment.occurrence)
    )
    return [
        Row(
            id=r.id,
            item_id=r.item_id,
            reference=reference_of(r.section, r.stt),
            task=r.task,
            occurrence=r.occurrence,
            unit_id=r.unit_id,
            unit_code=r.code,
            unit_name=r.name,
            due_on=r.due_on,
            completed_on=r.completed_on,
            state=r.status,
            is_ongoing=r.is_ongoing,
            difficulty=r.difficulty,
            proposal=r.proposal,
        )
        for r in db.session.execute(query)
    ]


def _end_of(day: date, zone: ZoneInfo) -> datetime:
    """The UTC instant a day ends at in the given zone (the next day's midnight there)."""
    return datetime.combine(day + timedelta(days=1), time(), zone).astimezone(UTC)


def _blocked(plan_id: int, rows: list[Row], as_of: date, today: date, zone: ZoneInfo) -> list[Blocked]:
    """The assignments blocked on as_of: today, those in the blocked state now (their difficulty and proposal
    as they stand); on a past day, those whose last change by the end of that day blocked them (with that
    change's difficulty and proposal). One query: each assignment's last change by then."""
    ranked = (
        select(
            AssignmentEvent.assignment_id,
            AssignmentEvent.to_state,
            AssignmentEvent.difficulty,
            AssignmentEvent.proposal,
            AssignmentEvent.at,
            func.row_number()
            .over(
                partition_by=AssignmentEvent.assignment_id,
                order_by=(AssignmentEvent.at.desc(), AssignmentEvent.id.desc()),
            )
            .label("n"),
        )
        .join(Assignment, AssignmentEvent.assignment_id == Assignment.id)
        .join(ActionItem, Assignment.item_id == ActionItem.id)
        .where(ActionItem.plan_id == plan_id, Assignment.is_active, AssignmentEvent.at < _end_of(as_of, zone))
        .subquery()
    )
    last = {e.assignment_id: e for e in db.session.execute(select(ranked).where(ranked.c.n == 1))}
    # The day each last change was made, in the zone's calendar.
    made_on = {key: e.at.replace(tzinfo=e.at.tzinfo or UTC).astimezone(zone).date() for key, e in last.items()}
    if as_of >= today:
        return [Blocked(r, r.difficulty, r.proposal, made_on.get(r.id)) for r in rows if r.state == BLOCKED]
    return [
        Blocked(r, last[r.id].difficulty, last[r.id].proposal, made_on[r.id])
        for r in rows
        if r.id in last and last[r.id].to_state == BLOCKED
    ]


def _kpi(plan_id: int, as_of: date) -> list[GroupAttainment]:
    """Each group's indicators: how many of its units meet the target with their latest figures on or before
    as_of, fall short, have no figures, or are not held to a ratio (as the KPI overview judges them)."""
    by_group: dict[int, list] = defaultdict(list)
    names: dict[int, str] = {}
    for standing in kpi_by_unit(plan_id=plan_id, as_of=as_of):
        by_group[standing.group.id].append(standing)
        names[standing.group.id] = standing.group.name
    groups = []
    for group_id, standings in by_group.items():
        statuses: dict[int, dict[str, int]] = defaultdict(
            lambda: dict.fromkeys((MET, NOT_MET, NO_DATA, NOT_APPLICABLE), 0)
        )
        indicator_names: dict[int, str] = {}
        for standing in standings:
            for result in standing.results:
                statuses[result.indicator.number][result.attainment.status] += 1
                indicator_names[result.indicator.number] = result.indicator.name
        groups.append(
            GroupAttainment(
                group_id=group_id,
                name=names[group_id],
                units=len(standings),
                reported=sum(1 for s in standings if s.latest is not None),
                indicators=[
                    IndicatorAttainment(
                        number, indicator_names[number], c[MET], c[NOT_MET], c[NO_DATA], c[NOT_APPLICABLE]
                    )
                    for number, c in sorted(statuses.items())
                ],
            )
        )
    return groups


def frozen_tallies(plan_id: int) -> dict[date, Tally]:
    """The plan's frozen months (monthly snapshots) as tallies by their last day: what the month's figures
    were when frozen, which later edits do not change. One query."""
    columns = {
        DONE_ON_TIME: SnapshotUnit.done_on_time,
        DONE_LATE: SnapshotUnit.done_late,
        NOT_DONE_OVERDUE: SnapshotUnit.not_done_overdue,
        NOT_DONE_IN_TIME: SnapshotUnit.not_done_in_time,
    }
    found = db.session.execute(
        select(MonthlySnapshot.as_of, *(func.coalesce(func.sum(c), 0) for c in columns.values()))
        .join(SnapshotUnit, SnapshotUnit.snapshot_id == MonthlySnapshot.id)
        .where(MonthlySnapshot.plan_id == plan_id)
        .group_by(MonthlySnapshot.id, MonthlySnapshot.as_of)
    )
    return {
        as_of: Tally(as_of, {name: int(count) for name, count in zip(columns, counts, strict=True)})
        for as_of, *counts in found
    }


def plan_start(plan: Plan, rows: list[Row], as_of: date) -> date:
    """Where a plan's life begins for its trend: its issue date, else the first day of its year, else the
    earliest due date of its assignments, else as_of."""
    if plan.issued_on is not None:
        return plan.issued_on
    if plan.year:
        return date(plan.year, 1, 1)
    due = [r.due_on for r in rows if r.due_on is not None]
    return min(due) if due else as_of


def dashboard(
    plan_id: int, *, today: date, as_of: date | None = None, zone: ZoneInfo | None = None
) -> Dashboard | None:
    """The dashboard of one plan as things stood at the end of as_of (today when not given, never later than
    today); None when there is no such plan. Six to ten queries, whatever the number of assignments."""
    plan = db.session.get(Plan, plan_id)
    if plan is None:
        return None
    zone = zone or ZoneInfo("Asia/Ho_Chi_Minh")
    as_of = min(as_of or today, today)
    rows = _rows(plan_id)
    dated = [r.dated for r in rows]
    by_id = {r.id: r for r in rows}
    before_day = previous_month_end(as_of)
    moved = changes_between(dated, before_day, as_of)
    frozen = frozen_tallies(plan_id)
    trend = [
        frozen.get(t.on, t)
        for t in monthly_classes(dated, month_ends(plan_start(plan, rows, as_of), as_of, most=TREND_MONTHS))
    ]
    by_unit: dict[int, list[Dated]] = {}
    units: dict[int, Row] = {}
    for r in sorted(rows, key=lambda r: r.unit_name):
        by_unit.setdefault(r.unit_id, []).append(r.dated)
        units.setdefault(r.unit_id, r)
    behind = [
        Behind(s.key, units[s.key].unit_code, units[s.key].unit_name, s)
        for s in units_behind(by_unit, as_of, most=UNITS_BEHIND)
    ]
    return Dashboard(
        plan=PlanChoice(plan.id, plan.number, plan.title),
        as_of=as_of,
        today=today,
        now=frozen.get(as_of) or tally(dated, as_of),
        trend=trend,
        before=frozen.get(before_day) or tally(dated, before_day),
        frozen_months=sorted(day for day in frozen if day <= as_of),
        moved=[(by_id[m.key], m) for m in moved[:CHANGES_SHOWN]],
        moved_total=len(moved),
        done_since=sum(1 for m in moved if m.is_done_since),
        newly_overdue=sum(1 for m in moved if m.is_newly_overdue),
        behind=behind,
        blocked=_blocked(plan_id, rows, as_of, today, zone),
        kpi=_kpi(plan_id, as_of),
        rows=rows,
    )


@dataclass(frozen=True)
class ClassList:
    """The assignments behind one figure: one class of a plan on a day (of one unit, when asked)."""

    plan: PlanChoice
    as_of: date
    today: date
    rows: list[Row]

    @property
    def is_today(self) -> bool:
        return self.as_of >= self.today


def class_list(
    plan_id: int, name: str, *, today: date, as_of: date | None = None, unit: str | None = None
) -> ClassList | None:
    """The plan's active assignments in class `name` at the end of as_of (today when not given), of the unit
    with code `unit` when given; None when there is no such plan. Two queries."""
    if name not in CLASSES:
        raise ValueError(f"unknown class: {name!r}")
    plan = db.session.get(Plan, plan_id)
    if plan is None:
        return None
    as_of = min(as_of or today, today)
    rows = [r for r in _rows(plan_id) if class_on(r.dated, as_of) == name and (unit is None or r.unit_code == unit)]
    return ClassList(PlanChoice(plan.id, plan.number, plan.title), as_of, today, rows)
