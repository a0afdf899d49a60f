"""The unit page of a unit with many assignments (issue 16): small whatever the unit's size, what needs the
head's attention on top, the rest behind pages and filters, every assignment reachable and updatable."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select

from tests.conftest import csrf_token
from tracker.extensions import db
from tracker.models import ActionItem, Assignment, Plan, PlanSection, Unit
from tracker.unit_page import PER_PAGE

TODAY = date(2023, 9, 15)  # the seeded app's today
TASK = "Rà soát, chuẩn hóa quy trình nội bộ và số hóa hồ sơ thủ tục hành chính thuộc phạm vi quản lý của đơn vị "


def give_unit_work(code: str, count: int, *, today: date = TODAY) -> None:
    """`count` more lead assignments for the unit, in one new plan: a fifth overdue, a third done, the others
    due over the next two years in every open state (bulk inserts; the caller commits)."""
    unit = db.session.scalar(select(Unit).where(Unit.code == code))
    assert unit is not None
    plan = Plan(number=f"{count}/KH-NHIEU", title="Kế hoạch nhiều nhiệm vụ", year=today.year)
    section = PlanSection(plan=plan, number="I", title="Nhiệm vụ", position=1)
    db.session.add_all([plan, section])
    db.session.flush()
    db.session.execute(
        ActionItem.__table__.insert(),
        [
            {
                "plan_id": plan.id,
                "section_id": section.id,
                "stt": str(n + 1),
                "position": n + 1,
                "task": f"{TASK}{n + 1}.",
                "deadline_text": "Năm 2024",
                "is_ongoing": False,
            }
            for n in range(count)
        ],
    )
    item_ids = db.session.scalars(select(ActionItem.id).where(ActionItem.plan_id == plan.id).order_by(ActionItem.id))
    states = ("not_started", "in_progress", "blocked")
    rows = []
    for n, item_id in enumerate(item_ids):
        done = n % 3 == 0
        due = today - timedelta(days=1 + n % 30) if n % 5 == 1 else today + timedelta(days=2 + n % 700)
        rows.append(
            {
                "item_id": item_id,
                "unit_id": unit.id,
                "occurrence": 0,
                "due_on": due,
                "status": "done" if done else states[n % 3],
                "completed_on": due if done else None,
                "difficulty": "Thiếu kinh phí." if n % 3 == 2 else "",
                "version": 1,
                "is_active": True,
                "created_at": datetime(2023, 1, 1, tzinfo=UTC),
            }
        )
    db.session.execute(Assignment.__table__.insert(), rows)


def _rows(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<li class="card [^"]*" id="pc-(\d+)"', html)]


def test_the_unit_page_of_a_unit_with_many_assignments_is_small_and_shows_overdue_first(seeded, login_as):
    with seeded.app_context():
        give_unit_work("CDA", 300)
        db.session.commit()
        unit_id = db.session.scalar(select(Unit.id).where(Unit.code == "CDA"))
        open_count = db.session.scalar(
            select(func.count()).where(Assignment.unit_id == unit_id, Assignment.status != "done")
        )
    client = login_as("head_cda")
    response = client.get("/units/CDA")
    assert response.status_code == 200
    body = response.get_data()
    assert len(body) < 100_000, f"{len(body)} bytes"
    html = body.decode()
    shown = _rows(html)
    assert len(shown) == PER_PAGE
    with seeded.app_context():
        first = [db.session.get(Assignment, n) for n in shown]
        overdue = [a for a in first if a.status != "done" and a.due_on and a.due_on < TODAY]
        # Overdue ones first (about forty of them fill the first page), the most overdue on top.
        assert overdue == first
        assert [a.due_on for a in first] == sorted(a.due_on for a in first)
    assert html.index('id="nhom-overdue"') < html.index(f'id="pc-{shown[0]}"')
    # One CSRF token for the page, not a form object per row; the quick form's names are the handler's.
    tokens = set(re.findall(r'name="a\d+-csrf_token" value="([^"]+)"', html))
    assert len(tokens) == 1
    assert f'name="a{shown[0]}-to_state"' in html and f'name="a{shown[0]}-comment"' in html
    # The done ones are behind a link with their count; the rest behind pages.
    assert re.search(r'href="/units/CDA\?state=done#chu-tri">Xem \d+ nhiệm vụ đã hoàn thành</a>', html)
    assert 'href="/units/CDA?page=2#chu-tri" rel="next"' in html
    pages = -(-open_count // PER_PAGE)
    assert f"Trang 1 / {pages}" in html

    # Every open assignment is on one page or another, once.
    seen: list[int] = []
    for page in range(1, pages + 1):
        page_html = client.get(f"/units/CDA?page={page}").get_data(as_text=True)
        seen.extend(_rows(page_html))
    assert len(seen) == len(set(seen)) == open_count


def test_a_quick_update_from_page_two_goes_back_to_page_two(seeded, login_as):
    with seeded.app_context():
        give_unit_work("CDA", 300)
        db.session.commit()
    client = login_as("staff_cda")
    html = client.get("/units/CDA?page=2").get_data(as_text=True)
    assignment_id = _rows(html)[3]
    form = re.search(
        rf'<form method="post" action="/assignments/{assignment_id}/status" class="quick-update">(.*?)</form>',
        html,
        re.S,
    )
    assert form is not None
    fields = dict(re.findall(r'<input type="hidden" (?:id="[^"]+" )?name="([^"]+)" value="([^"]*)"', form.group(1)))
    assert fields["view"] == "page=2"
    # The select's first choice keeps the state: a progress report.
    keep = re.search(
        rf'<select id="a{assignment_id}-to_state" name="a{assignment_id}-to_state">\s*<option value="(\w+)"', html
    )
    assert keep is not None
    fields[f"a{assignment_id}-to_state"] = keep.group(1)
    fields[f"a{assignment_id}-comment"] = "Đã họp rà soát với các Vụ."
    response = client.post(f"/assignments/{assignment_id}/status", data=fields)
    assert response.status_code == 302
    assert response.headers["Location"] == "/units/CDA?page=2"
    with seeded.app_context():
        assignment = db.session.get(Assignment, assignment_id)
        assert assignment.version == 2
        assert assignment.events[-1].comment == "Đã họp rà soát với các Vụ."


def test_a_refused_quick_update_from_page_two_shows_its_row_with_the_errors(seeded, login_as):
    with seeded.app_context():
        give_unit_work("CDA", 300)
        db.session.commit()
    client = login_as("staff_cda")
    html = client.get("/units/CDA?state=blocked&page=2").get_data(as_text=True)
    assignment_id = _rows(html)[0]
    response = client.post(
        f"/assignments/{assignment_id}/status",
        data={
            f"a{assignment_id}-to_state": "no_such_state",
            f"a{assignment_id}-comment": "Đã họp.",
            f"a{assignment_id}-version": "1",
            "back": "unit",
            "view": "state=blocked&page=2",
            "csrf_token": csrf_token(client, "/account"),
        },
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'id="pc-{assignment_id}"' in html
    assert f'href="#a{assignment_id}-to_state"' in html
    assert (
        f'<textarea id="a{assignment_id}-comment" name="a{assignment_id}-comment" rows="2">Đã họp.</textarea>' in html
    )
    assert "Trang 2 / " in html  # the page the person was on


def test_the_filters_show_what_they_say(seeded, login_as):
    with seeded.app_context():
        give_unit_work("CDA", 120)
        db.session.commit()
        blocked = set(
            db.session.scalars(
                select(Assignment.id).join(Unit).where(Unit.code == "CDA", Assignment.status == "blocked")
            )
        )
    client = login_as("head_cda")
    shown: set[int] = set()
    for page in (1, 2, 3):
        shown |= set(_rows(client.get(f"/units/CDA?state=blocked&page={page}").get_data(as_text=True)))
    assert shown == blocked
