"""The dashboard (issue 17): who lands on it, the four classes of Quy chế 42 on the seed plan with the demo's
history, today and at a past month's end, and the list behind each figure."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tracker.dashboard import class_list, dashboard, default_plan
from tracker.demo import add_life
from tracker.extensions import db
from tracker.models import Plan
from tracker.rules.lifecycle import DONE_LATE, DONE_ON_TIME, NOT_DONE_IN_TIME, NOT_DONE_OVERDUE

from .conftest import make_user

TODAY = date(2023, 9, 15)


def give_demo_history(app) -> int:
    """The demo's history on the seed plan (the heads it needs besides PEOPLE made first); the plan's id."""
    with app.app_context():
        make_user("head_cdsvh", "unit_head", "CDSVH")
        make_user("head_ttcntt", "unit_head", "TTCNTT")
        plan = db.session.scalar(select(Plan))
        assert add_life(plan.number) > 0
        db.session.commit()
        return plan.id


@pytest.fixture
def demo(seeded):
    return give_demo_history(seeded)


@pytest.mark.parametrize(
    "who, lands", [("viewer", "/dashboard"), ("monitor", "/dashboard"), ("head_cda", "/units/CDA")]
)
def test_the_leadership_and_the_it_centre_land_on_the_dashboard(seeded, login_as, client, who, lands):
    login_as(who)
    assert client.get("/").headers["Location"] == lands


def test_the_four_classes_today_add_up_to_every_active_assignment(seeded, demo):
    with seeded.app_context():
        board = dashboard(demo, today=TODAY)
        assert board is not None
        assert board.now.total == len(board.rows) > 0
        # Cục Bản quyền tác giả finished I.2 on 5/9, before its due date.
        on_time = {(r.reference, r.unit_code) for r in board.rows if r.id in _in(board, DONE_ON_TIME)}
        assert ("I.2", "CBQTG") in on_time
        assert board.now.counts[DONE_LATE] == 0
        assert sum(board.now.counts.values()) == len(board.rows)


def _in(board, name):
    """The ids of the board's assignments in a class, as the list behind its figure has them."""
    listing = class_list(board.plan.id, name, today=board.today, as_of=board.as_of)
    assert listing is not None
    return {r.id for r in listing.rows}


def test_the_seed_plan_today_by_hand(seeded, demo):
    """On 15/9/2023 with the demo's history: Cục Bản quyền tác giả finished I.2 on 5/9, before its due date;
    Vụ Pháp chế's I.1 was due in August and is not done: overdue; the other twelve are open and in time."""
    with seeded.app_context():
        board = dashboard(demo, today=TODAY)
        assert board is not None
        assert board.now.counts == {DONE_ON_TIME: 1, DONE_LATE: 0, NOT_DONE_OVERDUE: 1, NOT_DONE_IN_TIME: 12}
        assert {(r.reference, r.unit_code) for r in board.rows if r.id in _in(board, DONE_ON_TIME)} == {
            ("I.2", "CBQTG")
        }
        assert {(r.reference, r.unit_code) for r in board.rows if r.id in _in(board, NOT_DONE_OVERDUE)} == {
            ("I.1", "VPC")
        }
        # At the end of August nothing was done and nothing overdue yet.
        assert board.before.on == date(2023, 8, 31)
        assert board.before.counts == {DONE_ON_TIME: 0, DONE_LATE: 0, NOT_DONE_OVERDUE: 0, NOT_DONE_IN_TIME: 14}
        assert [(r.reference, r.unit_code, m.was, m.now) for r, m in board.moved] == [
            ("I.1", "VPC", NOT_DONE_IN_TIME, NOT_DONE_OVERDUE),
            ("I.2", "CBQTG", NOT_DONE_IN_TIME, DONE_ON_TIME),
        ]
        assert (board.done_since, board.newly_overdue) == (1, 1)
        # The plan was issued in July: July's end, August's, and today.
        assert [t.on for t in board.trend] == [date(2023, 7, 31), date(2023, 8, 31), TODAY]
        assert [(b.code, b.standing.overdue) for b in board.behind] == [("VPC", 1)]
        assert [(b.row.reference, b.row.unit_code, b.reported_on) for b in board.blocked] == [
            ("I.2", "CDSVH", date(2023, 9, 8))
        ]
        assert board.blocked[0].proposal.startswith("Đề nghị Trung tâm CNTT nâng cấp")


def test_at_the_end_of_august_the_blocked_item_was_not_yet_blocked(seeded, demo):
    with seeded.app_context():
        board = dashboard(demo, today=TODAY, as_of=date(2023, 8, 31))
        assert board is not None
        assert board.now.counts[NOT_DONE_IN_TIME] == 14
        assert board.blocked == [] and board.behind == []
        assert board.before.on == date(2023, 7, 31)
        assert [t.on for t in board.trend] == [date(2023, 7, 31), date(2023, 8, 31)]


def test_the_page_shows_each_part_and_links_each_figure(seeded, demo, login_as, client):
    login_as("viewer")
    page = client.get("/dashboard").get_data(as_text=True)
    for text in (
        "Kết quả thực hiện theo Quy chế 42",
        "Hoàn thành đúng hạn",
        "Chưa hoàn thành, quá hạn",
        "Diễn biến theo tháng",
        '<svg class="trend"',
        "Số phân công theo nhóm tại mỗi cuối tháng",
        "Đơn vị chậm nhất",
        'href="/units/VPC"',
        "Vướng mắc chờ xử lý",
        "Phần mềm Một cửa điện tử chưa hỗ trợ ký số",
        "Đề nghị Trung tâm CNTT nâng cấp chức năng ký số",
        "Mức đạt chỉ tiêu theo nhóm",
        "So với cuối tháng trước (31/08/2023)",
        "15/09/2023",
    ):
        assert text in page, text
    assert f"/dashboard/assignments?plan={demo}&amp;class=not_done_overdue" in page
    assert f"/dashboard/assignments?plan={demo}&amp;unit=VPC&amp;class=not_done_overdue" in page


def test_a_past_month_is_shown_as_at_its_end(seeded, demo, login_as, client):
    login_as("monitor")
    page = client.get(f"/dashboard?plan={demo}&month=2023-08").get_data(as_text=True)
    assert "Tình hình tại cuối tháng, ngày 31/08/2023." in page
    assert "Không có phân công nào đang gặp vướng mắc." in page
    assert f"/dashboard/assignments?plan={demo}&amp;month=2023-08&amp;class=done_on_time" in page


def test_the_list_behind_a_figure(seeded, demo, login_as, client):
    login_as("viewer")
    overdue = client.get(f"/dashboard/assignments?plan={demo}&class=not_done_overdue").get_data(as_text=True)
    assert "Vụ Pháp chế" in overdue and "1 phân công" in overdue
    on_time = client.get(f"/dashboard/assignments?plan={demo}&class=done_on_time").get_data(as_text=True)
    assert "Cục Bản quyền tác giả" in on_time
    in_august = client.get(f"/dashboard/assignments?plan={demo}&class=done_on_time&month=2023-08")
    assert "Không có phân công nào trong nhóm này." in in_august.get_data(as_text=True)
    one_unit = client.get(f"/dashboard/assignments?plan={demo}&class=not_done_in_time&unit=CDA").get_data(as_text=True)
    assert "Cục Điện ảnh" in one_unit and "Vụ Pháp chế</a>" not in one_unit


@pytest.mark.parametrize(
    "query, status",
    [
        ("month=2023-13", 400),
        ("month=08-2023", 400),
        ("month=2023-10", 400),  # not yet come
        ("plan=999999", 404),
    ],
)
def test_a_bad_month_or_plan_is_refused(seeded, login_as, client, query, status):
    login_as("viewer")
    assert client.get(f"/dashboard?{query}").status_code == status
    assert client.get(f"/dashboard/assignments?class=done_late&{query}").status_code == status


def test_an_unknown_class_is_refused_and_none_means_overdue(seeded, demo, login_as, client):
    login_as("viewer")
    assert client.get("/dashboard/assignments?class=overdue").status_code == 400
    page = client.get("/dashboard/assignments").get_data(as_text=True)
    assert "Chưa hoàn thành, quá hạn" in page and "Vụ Pháp chế" in page


def test_the_default_plan_is_the_newest_one_running_this_year(seeded):
    with seeded.app_context():
        seed = db.session.scalar(select(Plan))
        assert default_plan(TODAY) == seed.id
        later = Plan(number="9/QĐ-THU", title="Kế hoạch năm sau", year=2024, issued_on=date(2024, 1, 5))
        running = Plan(number="8/QĐ-THU", title="Giai đoạn", year=2022, end_year=2025, issued_on=date(2023, 8, 1))
        db.session.add_all([later, running])
        db.session.flush()
        assert default_plan(TODAY) == running.id
        assert default_plan(date(2024, 2, 1)) == later.id


def test_a_past_month_shows_what_was_blocked_then_with_what_the_unit_said_then(seeded, demo):
    """Cục Điện ảnh reports I.2 blocked on 20/8 and resumes it on 2/9: August's dashboard lists it with that
    difficulty; today's does not (and still lists Cục Di sản văn hóa's, blocked on 8/9)."""
    from datetime import UTC, datetime

    from tracker.assignments import change_assignment
    from tracker.models import User
    from tracker.rules.lifecycle import BLOCKED, IN_PROGRESS, Change

    from .conftest import find_assignment

    with seeded.app_context():
        head = db.session.scalar(select(User).where(User.email == "head_cda@example.org"))
        assignment = find_assignment("I.2", "CDA")
        for day, change in (
            (date(2023, 8, 20), Change(BLOCKED, difficulty="Chưa có kinh phí.", proposal="Xin bổ sung dự toán.")),
            (date(2023, 9, 2), Change(IN_PROGRESS, comment="Đã có kinh phí.")),
        ):
            change_assignment(
                assignment,
                change,
                actor=head,
                expected_version=assignment.version,
                today=day,
                now=datetime(day.year, day.month, day.day, 3, tzinfo=UTC),
            )
        db.session.commit()
        august = dashboard(demo, today=TODAY, as_of=date(2023, 8, 31))
        now = dashboard(demo, today=TODAY)
        assert august is not None and now is not None
        assert [(b.row.unit_code, b.difficulty, b.proposal, b.reported_on) for b in august.blocked] == [
            ("CDA", "Chưa có kinh phí.", "Xin bổ sung dự toán.", date(2023, 8, 20))
        ]
        assert [b.row.unit_code for b in now.blocked] == ["CDSVH"]
