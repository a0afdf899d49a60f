"""The unit page's data (tracker.unit_page): the database orders the unit's assignments as the lifecycle rules
say — overdue first, then by days left, the done ones last, the plan's order within each — and the counts and
coordinated items are what the rules make of the rows."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from tracker.extensions import db
from tracker.models import ActionItem, Assignment, ItemUnit, Plan, PlanSection, Unit
from tracker.rules import lifecycle
from tracker.status import status_of
from tracker.unit_page import unit_work

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


def test_the_unit_page_orders_and_counts_as_the_rules_say(app):
    with app.app_context():
        unit, _ = _build()
        work = unit_work(unit.id, today=TODAY, due_soon_days=7)

        mine = list(db.session.scalars(select(Assignment).where(Assignment.unit_id == unit.id, Assignment.is_active)))
        plan_order = sorted(
            mine, key=lambda a: (a.item.plan_id, a.item.section.position, a.item.position, a.occurrence)
        )
        statuses = {a.id: status_of(a, today=TODAY, due_soon_days=7) for a in mine}
        # The order the page used to sort in Python (stable over the plan's order).
        expected = sorted(
            plan_order,
            key=lambda a: (
                not statuses[a.id].is_overdue,
                statuses[a.id].state == lifecycle.DONE,
                statuses[a.id].days_left if statuses[a.id].days_left is not None else 10**6,
            ),
        )
        assert [a.id for a, _ in work.rows] == [a.id for a in expected]
        assert [s for _, s in work.rows] == [statuses[a.id] for a in expected]

        overdue = sum(1 for s in statuses.values() if s.is_overdue)
        assert 0 < overdue < len(mine)
        assert work.counts == {
            "overdue": overdue,
            "due_soon": sum(1 for s in statuses.values() if s.is_due_soon),
            "blocked": sum(1 for a in mine if a.status == lifecycle.BLOCKED),
            "done": sum(1 for a in mine if a.status == lifecycle.DONE),
            "total": len(mine),
        }
        assert [item.task for item, _ in work.coordinating_rows] == ["Nhiệm vụ 1.2.1", "Nhiệm vụ 1.2.0"]
        # The ongoing item is never overdue, so its blocked assignment shows; the other one is overdue.
        assert [key for _, (key, _label) in work.coordinating_rows] == [lifecycle.BLOCKED, lifecycle.OVERDUE]
