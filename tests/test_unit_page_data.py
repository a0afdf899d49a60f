"""The unit page's data (tracker.unit_page): the database orders the unit's assignments as the lifecycle rules
say — overdue first, then by days left, the done ones last, the plan's order within each — and the counts and
coordinated items are what the rules make of the rows."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from tracker.extensions import db
from tracker.models import ActionItem, Assignment, ItemUnit, Plan, PlanSection, Unit
from tracker.rules import lifecycle
from tracker.status import status_of
from tracker.unit_page import GROUPS, PER_PAGE, UnitView, _roll_up, unit_work

TODAY = date(2023, 9, 15)


def _build() -> tuple[Unit, Unit]:
    """Two plans, sections out of id order, items ongoing or not, and every state × due date for one unit
    (inactive ones and another unit's among them); the unit also coordinates two items."""
    unit = Unit(code="U1", name="Đơn vị một", folded_name="don vi mot")
    other = Unit(code="U2", name="Đơn vị hai", folded_name="don vi hai")
    items = []
    for p in (1, 2):
        plan = Plan(number=f"{p}/KH", title="Kế hoạch", year=2023)
        for position in (2, 1):
            section = PlanSection(plan=plan, number=f"S{position}", position=position)
            for n, is_ongoing in enumerate((False, True, False)):
                items.append(
                    ActionItem(
                        plan=plan,
                        section=section,
                        stt=str(n),
                        position=3 - n,
                        task=f"Nhiệm vụ {p}.{position}.{n}",
                        is_ongoing=is_ongoing,
                    )
                )
    db.session.add_all([unit, other, *items])
    dues = (None, -10, -1, 0, 3, 7, 8, 40)
    for n, (item, state, due, is_active) in enumerate(
        itertools.product(items, lifecycle.STATES, dues, (True, True, False))
    ):
        db.session.add(
            Assignment(
                item=item,
                unit=other if n % 7 == 0 else unit,
                occurrence=n,
                status=state,
                due_on=None if due is None else TODAY + timedelta(days=due),
                completed_on=TODAY - timedelta(days=1) if state == lifecycle.DONE else None,
                is_active=is_active,
                created_at=datetime(2023, 1, 1, tzinfo=UTC),
            )
        )
    for item in items[:2]:
        db.session.add(ItemUnit(item=item, role="coordinating", written=unit.name, kind="unit", unit=unit))
    db.session.flush()
    return unit, other


def _every_row(unit_id: int, view: UnitView) -> list:
    """Every row the page's pages show for a view, page after page."""
    rows, page = [], 1
    while True:
        work = unit_work(unit_id, today=TODAY, due_soon_days=7, view=replace(view, page=page))
        rows.extend(work.rows)
        if not work.page.has_next:
            return rows
        page += 1


def test_the_unit_page_orders_and_counts_as_the_rules_say(app):
    with app.app_context():
        unit, _ = _build()
        work = unit_work(unit.id, today=TODAY, due_soon_days=7)

        mine = list(db.session.scalars(select(Assignment).where(Assignment.unit_id == unit.id, Assignment.is_active)))
        plan_order = sorted(
            mine, key=lambda a: (a.item.plan_id, a.item.section.position, a.item.position, a.occurrence)
        )
        statuses = {a.id: status_of(a, today=TODAY, due_soon_days=7) for a in mine}

        def group(a: Assignment) -> str:
            s = statuses[a.id]
            return "overdue" if s.is_overdue else "due_soon" if s.is_due_soon else s.state

        # Attention first (overdue, due soon, blocked, in progress, not started, done), soonest due first
        # within each (no due date last), the plan's order within those.
        expected = sorted(
            plan_order,
            key=lambda a: (
                GROUPS.index(group(a)),
                a.status == lifecycle.DONE or a.due_on is None or a.item.is_ongoing,
                a.due_on if a.status != lifecycle.DONE and a.due_on and not a.item.is_ongoing else date.min,
            ),
        )
        open_rows = _every_row(unit.id, UnitView())
        done_rows = _every_row(unit.id, UnitView(state=lifecycle.DONE))
        assert [a.id for a, _, _ in open_rows + done_rows] == [a.id for a in expected]
        assert [s for _, s, _ in open_rows + done_rows] == [statuses[a.id] for a in expected]
        assert [g for _, _, g in open_rows + done_rows] == [group(a) for a in expected]
        # The first page is the first 25 of them; the done ones only when asked for.
        assert [a.id for a, _, _ in work.rows] == [a.id for a in expected[:PER_PAGE]]
        assert work.page.total == len(open_rows) == sum(1 for a in mine if a.status != lifecycle.DONE)

        overdue = sum(1 for s in statuses.values() if s.is_overdue)
        assert 0 < overdue < len(mine)
        done = sum(1 for a in mine if a.status == lifecycle.DONE)
        assert work.counts == {
            "overdue": overdue,
            "due_soon": sum(1 for s in statuses.values() if s.is_due_soon),
            "blocked": sum(1 for a in mine if a.status == lifecycle.BLOCKED),
            "in_progress": sum(1 for a in mine if a.status == lifecycle.IN_PROGRESS),
            "done": done,
            "open": len(mine) - done,
            "total": len(mine),
        }
        assert [number for _, number, _ in work.plans] == ["1/KH", "2/KH"]
        assert sum(n for _, _, n in work.plans) == len(mine)
        assert [item.task for item, _ in work.coordinating_rows] == ["Nhiệm vụ 1.2.1", "Nhiệm vụ 1.2.0"]
        # The ongoing item is never overdue, so its blocked assignment shows; the other one is overdue.
        assert [key for _, (key, _label) in work.coordinating_rows] == [lifecycle.BLOCKED, lifecycle.OVERDUE]


@pytest.mark.parametrize(
    "view, keep",
    [
        (UnitView(state=lifecycle.BLOCKED), lambda a, s: a.status == lifecycle.BLOCKED),
        (UnitView(due="overdue"), lambda a, s: s.is_overdue),
        (UnitView(due="soon"), lambda a, s: s.is_due_soon),
        (
            UnitView(due="later"),
            lambda a, s: a.status != lifecycle.DONE and not a.item.is_ongoing and a.due_on and s.days_left > 7,
        ),
        (UnitView(due="none"), lambda a, s: a.status != lifecycle.DONE and (a.item.is_ongoing or a.due_on is None)),
        (
            UnitView(state=lifecycle.DONE, due="none"),
            lambda a, s: a.status == lifecycle.DONE and (a.item.is_ongoing or a.due_on is None),
        ),
    ],
)
def test_the_filters_keep_what_they_say(app, view, keep):
    with app.app_context():
        unit, _ = _build()
        plan_id = db.session.scalar(select(Plan.id).where(Plan.number == "2/KH"))
        for v in (view, replace(view, plan=plan_id)):
            shown = {a.id for a, _, _ in _every_row(unit.id, v)}
            mine = db.session.scalars(select(Assignment).where(Assignment.unit_id == unit.id, Assignment.is_active))
            wanted = {
                a.id
                for a in mine
                if keep(a, status_of(a, today=TODAY, due_soon_days=7)) and (v.plan is None or a.item.plan_id == v.plan)
            }
            assert shown == wanted and wanted


@pytest.mark.parametrize(
    "args, view",
    [
        ({}, UnitView()),
        ({"state": "done", "page": "3"}, UnitView(state="done", page=3)),
        ({"state": "nope", "due": "soon", "plan": "7", "cpage": "2"}, UnitView(due="soon", plan=7, cpage=2)),
        ({"page": "0", "plan": "-1", "due": "x", "cpage": "99999999999"}, UnitView()),
    ],
)
def test_the_view_is_read_from_the_query_string_leaving_out_what_it_does_not_know(args, view):
    assert UnitView.from_args(args) == view
    assert UnitView.from_args(view.args()) == view


@pytest.mark.parametrize(
    "pairs",
    [
        list(pairs)
        for n in range(4)
        for pairs in itertools.combinations_with_replacement(
            [(state, late) for state in lifecycle.STATES for late in (False, True) if not (state == "done" and late)], n
        )
    ],
)
def test_the_coordinated_items_roll_up_from_counts_is_the_rules(pairs):
    counts = (
        len(pairs),
        sum(1 for _, late in pairs if late),
        sum(1 for state, _ in pairs if state == lifecycle.DONE),
        sum(1 for state, _ in pairs if state == lifecycle.BLOCKED),
        sum(1 for state, _ in pairs if state == lifecycle.IN_PROGRESS),
    )
    assert _roll_up(*counts)[0] == lifecycle.roll_up(pairs)
