"""The plan page of a large plan (issue 16): one part at a time — a section of its tasks, chosen from the
list of parts — and a collective's members on a page of their own instead of every unit on the plan page."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlalchemy import select

from tracker.extensions import db
from tracker.models import ActionItem, Assignment, ItemUnit, Plan, PlanSection, Unit, UnitGroup, UnitGroupMember
from tracker.views.plans import PLAN_PAGE_ITEMS


def _large_plan() -> tuple[int, list[int]]:
    """Two sections of 30 items (more than PLAN_PAGE_ITEMS together); the first item led by a collective of
    three units, each with an assignment, one of them done. Returns (plan id, section ids)."""
    assert 30 < PLAN_PAGE_ITEMS < 60
    units = list(db.session.scalars(select(Unit).where(Unit.code.in_(("CDA", "CBQTG", "VPC"))).order_by(Unit.code)))
    assert len(units) == 3
    plan = Plan(number="60/KH-LON", title="Kế hoạch lớn", year=2023)
    sections = [PlanSection(plan=plan, number=n, title=f"Mục {n}", position=p) for p, n in ((1, "I"), (2, "II"))]
    db.session.add_all([plan, *sections])
    items = [
        ActionItem(
            plan=plan, section=section, stt=str(n), position=s * 30 + n, task=f"Nhiệm vụ lớn {section.number}.{n}"
        )
        for s, section in enumerate(sections)
        for n in range(1, 31)
    ]
    db.session.add_all(items)
    for position, unit in enumerate(units):
        db.session.add(
            ItemUnit(item=items[0], role="lead", written="Các Cục", kind="collective", unit=unit, position=position)
        )
        db.session.add(
            Assignment(
                item=items[0],
                unit=unit,
                status="done" if unit.code == "CDA" else "in_progress",
                created_at=datetime(2023, 7, 1, tzinfo=UTC),
            )
        )
    db.session.flush()
    return plan.id, [s.id for s in sections]


def _shows(html: str, number: str) -> bool:
    return re.search(rf"Nhiệm vụ lớn {re.escape(number)}\s*<", html) is not None


def test_a_large_plan_shows_one_section_at_a_time(seeded, login_as):
    with seeded.app_context():
        plan_id, (_first, second) = _large_plan()
        db.session.commit()
    client = login_as("viewer")
    html = client.get(f"/plans/{plan_id}").get_data(as_text=True)
    assert "mỗi lần xem một phần" in html
    assert _shows(html, "I.1") and _shows(html, "I.30")
    assert not _shows(html, "II.1")
    assert f'href="/plans/{plan_id}?part={second}#phu-luc-2"' in html
    assert "1/3 phân công hoàn thành." in html  # counted in the database
    html = client.get(f"/plans/{plan_id}?part={second}").get_data(as_text=True)
    assert _shows(html, "II.1") and not _shows(html, "I.1")
    assert '<strong aria-current="page">II Mục II (30 nhiệm vụ)</strong>' in html
    # An unknown part shows the first section.
    assert _shows(client.get(f"/plans/{plan_id}?part=nope").get_data(as_text=True), "I.1")


def test_a_collectives_members_are_on_their_own_page(seeded, login_as):
    with seeded.app_context():
        plan_id, _sections = _large_plan()
        db.session.commit()
        item_id = db.session.scalar(select(ActionItem.id).where(ActionItem.task == "Nhiệm vụ lớn I.1"))
        names = list(db.session.scalars(select(Unit.name).where(Unit.code.in_(("CDA", "CBQTG", "VPC")))))
    client = login_as("viewer")
    html = client.get(f"/plans/{plan_id}").get_data(as_text=True)
    link = re.search(r'<a class="members" href="([^"]+)">gồm 3 đơn vị</a>', html)
    assert link is not None
    assert link.group(1) == f"/plans/{plan_id}/items/{item_id}/units#lead-1"
    assert not any(name in html for name in names)  # not rendered on the plan page
    members = client.get(link.group(1).split("#")[0]).get_data(as_text=True)
    assert '<li id="lead-1">Các Cục' in members
    assert all(name in members for name in names)
    assert client.get(f"/plans/{plan_id + 1}/items/{item_id}/units").status_code == 404


def test_a_large_plans_appendix_1_shows_one_group_at_a_time(seeded, login_as):
    with seeded.app_context():
        plan_id, _sections = _large_plan()
        units = {u.code: u for u in db.session.scalars(select(Unit).where(Unit.code.in_(("CDA", "VPC"))))}
        groups = [UnitGroup(plan_id=plan_id, number=n, name=f"Nhóm thử {n}") for n in (1, 2)]
        db.session.add_all(groups)
        for group, code in zip(groups, ("CDA", "VPC"), strict=True):
            db.session.add(UnitGroupMember(group=group, written=f"Thành viên {code}", unit=units[code]))
        db.session.commit()
        second = groups[1].id
    client = login_as("viewer")
    html = client.get(f"/plans/{plan_id}").get_data(as_text=True)
    assert 'id="phu-luc-1"' not in html and f'href="/plans/{plan_id}?part=phu-luc-1#phu-luc-1"' in html
    html = client.get(f"/plans/{plan_id}?part=phu-luc-1").get_data(as_text=True)
    assert "Thành viên CDA" in html and "Thành viên VPC" not in html
    assert f'href="/plans/{plan_id}?part=phu-luc-1&amp;group={second}#phu-luc-1"' in html
    html = client.get(f"/plans/{plan_id}?part=phu-luc-1&group={second}").get_data(as_text=True)
    assert "Thành viên VPC" in html and "Thành viên CDA" not in html
    assert not _shows(html, "I.1")  # the tasks are in their own parts
