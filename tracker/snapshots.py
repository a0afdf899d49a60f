"""Monthly snapshots: on the first working day of a month the scheduler (or `flask snapshots take`) freezes each
plan's figures as of the previous month's last day — per unit the four classes of Quy chế 42, the score and
its parts, KPI attainment — so a past month's league table never changes when a unit later edits its data.

Exactly once across processes: the (plan, month) row is inserted ignoring a duplicate, and only the process
whose insert went in writes the units' lines, in the same transaction.

For the dashboard and the league table:

- `snapshot_for(plan_id, month)` → the MonthlySnapshot of that month (month: a rules.kpi.Period) or None;
- `months(plan_id)` → the months with a snapshot, newest first;
- `snapshot_lines(snapshot)` → its units as league.Line objects (the same shape as the live lines);
- `league_for(plan, month, today=…)` → the league table's lines with the change since the month before:
  live as of today for the current month (or month=None), from the snapshot for a past month."""

from __future__ import annotations

import logging
from dataclasses import asdict
from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from .extensions import db
from .league import Line, load_settings, unit_lines
from .models import MonthlySnapshot, Plan, SnapshotUnit
from .outbox import insert_ignoring_duplicates
from .rules.kpi import Period, period_of
from .rules.lifecycle import DONE_LATE, DONE_ON_TIME, NOT_DONE_IN_TIME, NOT_DONE_OVERDUE
from .rules.score import DELIVERY, DISCIPLINE, KPI, change
from .rules.workdays import WorkCalendar

log = logging.getLogger("tracker.snapshots")


def snapshot_month_due(today: date, calendar: WorkCalendar | None = None) -> Period | None:
    """The month to freeze on `today`: the previous month, from the current month's first working day on."""
    calendar = calendar or WorkCalendar()
    if today < calendar.next_workday(date(today.year, today.month, 1)):
        return None
    return period_of(today).previous()


def take_snapshot(month: Period, *, now: datetime, plan_ids: list[int] | None = None) -> list[int]:
    """Freeze every plan's (or the given plans') lines as of the month's last day; plans that already have that
    month (or were issued after it) are left as they are. Returns the new snapshots' ids. Flushes; the caller commits."""
    settings = load_settings()
    query = select(Plan).order_by(Plan.id)
    if plan_ids is not None:
        query = query.where(Plan.id.in_(plan_ids))
    taken = set(db.session.scalars(select(MonthlySnapshot.plan_id).where(MonthlySnapshot.month == month.first_day)))
    created = []
    for plan in db.session.scalars(query).all():
        if plan.id in taken or (plan.issued_on is not None and plan.issued_on > month.last_day):
            continue
        lines = unit_lines(plan, month.last_day, settings)
        statement = (
            insert_ignoring_duplicates(MonthlySnapshot)
            .values(
                plan_id=plan.id, month=month.first_day, as_of=month.last_day, taken_at=now, settings=asdict(settings)
            )
            .on_conflict_do_nothing(index_elements=["plan_id", "month"])
            .returning(MonthlySnapshot.id)
        )
        snapshot_id = db.session.execute(statement).scalar()
        if snapshot_id is None:  # another process took it first
            continue
        db.session.add_all(
            SnapshotUnit(
                snapshot_id=snapshot_id,
                unit_id=line.unit_id,
                position=position,
                unit_name=line.unit_name,
                unit_code=line.unit_code,
                done_on_time=line.classes[DONE_ON_TIME],
                done_late=line.classes[DONE_LATE],
                not_done_overdue=line.classes[NOT_DONE_OVERDUE],
                not_done_in_time=line.classes[NOT_DONE_IN_TIME],
                delivery=line.parts[DELIVERY],
                kpi=line.parts[KPI],
                discipline=line.parts[DISCIPLINE],
                score=line.score,
                band=line.band,
                kpi_attainment=line.kpi_attainment,
                reporting=line.reporting,
            )
            for position, line in enumerate(lines)
        )
        db.session.flush()
        created.append(snapshot_id)
    return created


def take_due_snapshots(today: date, *, now: datetime) -> list[int]:
    """The scheduler's step: from a month's first working day on, freeze the previous month for the plans
    that lack it (one cheap query when none does), and commit. Returns the new snapshots' ids."""
    month = snapshot_month_due(today)
    if month is None:
        return []
    lacking = list(
        db.session.scalars(
            select(Plan.id).where(
                Plan.id.not_in(select(MonthlySnapshot.plan_id).where(MonthlySnapshot.month == month.first_day)),
                or_(Plan.issued_on.is_(None), Plan.issued_on <= month.last_day),
            )
        )
    )
    if not lacking:
        return []
    created = take_snapshot(month, now=now, plan_ids=lacking)
    db.session.commit()
    if created:
        log.info("snapshots of %s-%02d: %s plans", month.year, month.month, len(created))
    return created


def snapshot_for(plan_id: int, month: Period) -> MonthlySnapshot | None:
    """A plan's snapshot of a month, its units loaded; None when that month was not frozen."""
    return db.session.scalar(
        select(MonthlySnapshot)
        .where(MonthlySnapshot.plan_id == plan_id, MonthlySnapshot.month == month.first_day)
        .options(selectinload(MonthlySnapshot.units))
    )


def months(plan_id: int) -> list[Period]:
    """The months a plan has a snapshot of, newest first."""
    return [
        period_of(day)
        for day in db.session.scalars(
            select(MonthlySnapshot.month)
            .where(MonthlySnapshot.plan_id == plan_id)
            .order_by(MonthlySnapshot.month.desc())
        )
    ]


def snapshot_lines(snapshot: MonthlySnapshot) -> list[Line]:
    """A snapshot's units as league lines, in the order they were frozen (best score first)."""
    return [
        Line(
            unit_id=row.unit_id,
            unit_name=row.unit_name,
            unit_code=row.unit_code,
            classes={
                DONE_ON_TIME: row.done_on_time,
                DONE_LATE: row.done_late,
                NOT_DONE_OVERDUE: row.not_done_overdue,
                NOT_DONE_IN_TIME: row.not_done_in_time,
            },
            parts={DELIVERY: row.delivery, KPI: row.kpi, DISCIPLINE: row.discipline},
            score=row.score,
            band=row.band,
            kpi_attainment=list(row.kpi_attainment),
            reporting=dict(row.reporting),
        )
        for row in snapshot.units
    ]


def league_for(plan: Plan, month: Period | None, *, today: date) -> tuple[list[Line], date, bool] | None:
    """The league table of a month: (lines with their change since the month before, as-of day, is_live).
    The current month (or None) is worked out live as of today; a past month comes from its snapshot, None
    when it has none."""
    current = period_of(today)
    if month is None or month >= current:
        lines, as_of, live = unit_lines(plan, today), today, True
    else:
        snapshot = snapshot_for(plan.id, month)
        if snapshot is None:
            return None
        lines, as_of, live = snapshot_lines(snapshot), snapshot.as_of, False
    before = snapshot_for(plan.id, period_of(as_of).previous())
    if before is not None:
        previous = {row.unit_id: row.score for row in before.units if row.unit_id is not None}
        for line in lines:
            line.previous = previous.get(line.unit_id) if line.unit_id is not None else None
            line.change = change(line.score, line.previous)
    return lines, as_of, live
