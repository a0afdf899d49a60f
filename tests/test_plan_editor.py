"""The plan editor: a plan entered by hand, items added, edited, moved, cancelled and restored; assignments follow
the lead units and the deadline; every save is told in words and kept as a version; only admins may edit."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from tracker.assignments import PermissionDenied
from tracker.extensions import db
from tracker.models import (
    ActionItem,
    Assignment,
    ItemEvent,
    Plan,
    PlanVersion,
    Unit,
    User,
)
from tracker.plan_editor import (
    EditRefused,
    ItemFields,
    PlanFields,
    add_item,
    add_section,
    cancel_item,
    change_words,
    create_plan,
    edit_item,
    move_item,
    move_section,
    read_deadline,
    rename_section,
    restore_item,
    update_plan,
)

from .conftest import csrf_token

NOW = datetime(2020, 7, 20, 3, 0, tzinfo=UTC)
LATER = datetime(2020, 8, 1, 3, 0, tzinfo=UTC)


def _user(who: str) -> User:
    return db.session.scalar(select(User).where(User.email == f"{who}@example.org"))


def _unit(code: str) -> Unit:
    return db.session.scalar(select(Unit).where(Unit.code == code))


def _plan(admin: User, **values) -> Plan:
    fields = {
        "number": "2032/QĐ-BVHTTDL",
        "title": "Kế hoạch thực hiện Nghị định số 45/2020/NĐ-CP",
        "issuer": "Bộ Văn hóa, Thể thao và Du lịch",
        "issued_on": date(2020, 7, 16),
        "year": 2020,
        **values,
    }
    plan = create_plan(PlanFields(**fields), actor=admin, now=NOW)
    add_section(plan, "I", "Tổ chức thực hiện", actor=admin, now=NOW)
    return plan


def _item(plan: Plan, admin: User, **values) -> ActionItem:
    fields = {
        "section_id": plan.sections[0].id,
        "task": "Rà soát, lựa chọn TTHC ưu tiên thực hiện trên môi trường điện tử",
        "lead": ["Cục Điện ảnh"],
        "coordinating": [],
        "deadline_text": "Tháng 8/2020",
        **values,
    }
    return add_item(plan, ItemFields(**fields), actor=admin, now=NOW)


def _fields(item: ActionItem, **values) -> ItemFields:
    current = {
        "section_id": item.section_id,
        "task": item.task,
        "lead": [w for w, _k, _u in item.mentions("lead")],
        "coordinating": [w for w, _k, _u in item.mentions("coordinating")],
        "expected_output": item.expected_output,
        "deadline_text": item.deadline_text,
        "due_on": None,
    }
    return ItemFields(**{**current, **values})


def _words(item: ActionItem) -> list[str]:
    events = db.session.scalars(select(ItemEvent).where(ItemEvent.item_id == item.id).order_by(ItemEvent.id))
    return [change_words(c) for e in events for c in e.changes]


@pytest.fixture
def admin(seeded):
    with seeded.app_context():
        yield _user("admin")


def test_a_plan_entered_by_hand_keeps_its_particulars_and_a_first_version(seeded, admin):
    plan = _plan(admin)
    db.session.commit()
    assert (plan.number, plan.year, plan.issued_on, plan.kpi_scheme) == (
        "2032/QĐ-BVHTTDL",
        2020,
        date(2020, 7, 16),
        "plan",
    )
    versions = db.session.scalars(select(PlanVersion).where(PlanVersion.plan_id == plan.id)).all()
    assert [v.kind for v in versions] == ["edit", "edit"]  # the plan, then its section


@pytest.mark.parametrize(
    ("values", "field", "words"),
    [
        ({"number": "1872/QĐ-BVHTTDL"}, "number", "đã là của một kế hoạch khác"),
        ({"number": "  "}, "number", "Hãy nhập số hiệu"),
        ({"title": ""}, "title", "Hãy nhập tên"),
        ({"year": 2020, "end_year": 2019}, "end_year", "trước năm bắt đầu"),
        ({"year": None, "end_year": 2022}, "year", "năm bắt đầu"),
        ({"year": 20}, "year", "4 chữ số"),
    ],
)
def test_a_plan_with_a_taken_number_or_missing_particulars_is_refused_and_nothing_is_saved(
    seeded, admin, values, field, words
):
    plans_before = db.session.scalar(select(db.func.count(Plan.id)))
    with pytest.raises(EditRefused) as refused:
        _plan(admin, **values)
    db.session.rollback()
    assert words in refused.value.problems[field]
    assert db.session.scalar(select(db.func.count(Plan.id))) == plans_before


@pytest.mark.parametrize("who", ["monitor", "viewer", "head_cda", "staff_cda"])
def test_only_an_admin_may_edit_a_plan(seeded, admin, who):
    plan = _plan(admin)
    item = _item(plan, admin)
    person = _user(who)
    attempts = [
        lambda: create_plan(PlanFields(number="1/KH", title="x"), actor=person, now=NOW),
        lambda: add_section(plan, "II", "x", actor=person, now=NOW),
        lambda: _item(plan, person),
        lambda: edit_item(item, _fields(item, task="khác"), actor=person, now=NOW),
        lambda: move_item(item, "up", actor=person, now=NOW),
        lambda: cancel_item(item, "lý do", actor=person, now=NOW, today=date(2020, 8, 1)),
        lambda: restore_item(item, actor=person, now=NOW),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDenied):
            attempt()


def test_an_added_item_gets_its_lead_units_assignments_and_keeps_an_unknown_name_flagged(seeded, admin):
    plan = _plan(admin)
    item = _item(plan, admin, lead=["Cục Điện ảnh", "Sở Y tế"], coordinating=["Các đơn vị có liên quan"])
    db.session.commit()
    assert [(u.role, u.written, u.kind) for u in item.units] == [
        ("lead", "Cục Điện ảnh", "unit"),
        ("lead", "Sở Y tế", "unknown"),
        ("coordinating", "Các đơn vị có liên quan", "unspecified"),
    ]
    assert [(a.unit.code, a.due_on, a.is_active) for a in item.assignments] == [("CDA", date(2020, 8, 31), True)]
    assert (item.reference, item.is_deadline_parsed) == ("I.1", True)
    event = db.session.scalar(select(ItemEvent).where(ItemEvent.item_id == item.id))
    assert (event.kind, event.actor.email, event.version.kind) == ("created", "admin@example.org", "edit")


def test_a_yearly_item_gets_one_assignment_per_year_of_the_plan(seeded, admin):
    plan = _plan(admin, year=2020, end_year=2022)
    item = _item(plan, admin, deadline_text="Hằng năm")
    assert sorted(a.occurrence for a in item.assignments) == [2020, 2021, 2022]


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"deadline_text": "Tháng 10/2020"}, "Thời hạn: “Tháng 8/2020” → “Tháng 10/2020”"),
        ({"lead": ["Cục Điện ảnh", "Vụ Pháp chế"]}, "Đơn vị chủ trì: thêm Vụ Pháp chế"),
        ({"lead": ["Vụ Pháp chế"]}, "Đơn vị chủ trì: thêm Vụ Pháp chế; bỏ Cục Điện ảnh"),
        ({"coordinating": ["Văn phòng Bộ"]}, "Đơn vị phối hợp: thêm Văn phòng Bộ"),
        (
            {"task": "Nội dung mới"},
            ("Nội dung: “Rà soát, lựa chọn TTHC ưu tiên thực hiện trên môi trường điện tử” → “Nội dung mới”"),
        ),
        ({"expected_output": "Quyết định công bố danh mục"}, "Dự kiến kết quả: “Quyết định công bố danh mục”"),
        ({"due_on": date(2020, 9, 15)}, "Hạn: “31/08/2020” → “15/09/2020 (đặt bằng tay)”"),
    ],
)
def test_each_edit_is_told_in_words_with_one_event_and_one_version(seeded, admin, change, words):
    plan = _plan(admin)
    item = _item(plan, admin)
    versions_before = db.session.scalar(select(db.func.count(PlanVersion.id)).where(PlanVersion.plan_id == plan.id))
    edit_item(item, _fields(item, **change), actor=admin, now=LATER)
    db.session.commit()
    assert words in _words(item)
    versions = db.session.scalar(select(db.func.count(PlanVersion.id)).where(PlanVersion.plan_id == plan.id))
    assert versions == versions_before + 1


def test_saving_an_unchanged_item_writes_no_event_and_no_version(seeded, admin):
    plan = _plan(admin)
    item = _item(plan, admin)
    versions_before = db.session.scalar(select(db.func.count(PlanVersion.id)))
    assert edit_item(item, _fields(item), actor=admin, now=LATER) == []
    assert db.session.scalar(select(db.func.count(PlanVersion.id))) == versions_before
    assert len(_words(item)) == 3  # the creation's task, lead and deadline only


def test_a_removed_lead_keeps_its_assignment_inactive_and_an_added_one_gets_one(seeded, admin):
    plan = _plan(admin)
    item = _item(plan, admin)
    edit_item(item, _fields(item, lead=["Vụ Pháp chế"]), actor=admin, now=LATER)
    db.session.commit()
    assert sorted((a.unit.code, a.is_active) for a in item.assignments) == [("CDA", False), ("VPC", True)]
    edit_item(item, _fields(item, lead=["Cục Điện ảnh", "Vụ Pháp chế"]), actor=admin, now=LATER)
    assert sorted((a.unit.code, a.is_active) for a in item.assignments) == [("CDA", True), ("VPC", True)]
    assert len(item.assignments) == 2  # the old one active again, not a new one


def test_a_moved_deadline_moves_the_open_assignments_due_dates_but_not_a_done_one(seeded, admin):
    plan = _plan(admin)
    item = _item(plan, admin, lead=["Cục Điện ảnh", "Vụ Pháp chế"])
    done = next(a for a in item.assignments if a.unit.code == "VPC")
    done.status, done.completed_on = "done", date(2020, 8, 20)
    edit_item(item, _fields(item, deadline_text="Tháng 10/2020"), actor=admin, now=LATER)
    db.session.commit()
    assert {a.unit.code: a.due_on for a in item.assignments} == {"CDA": date(2020, 10, 31), "VPC": date(2020, 8, 31)}


@pytest.mark.parametrize(
    ("text", "words", "parsed"),
    [
        ("Tháng 8/2020", "31/08/2020", True),
        ("Quý IV", "31/12/2020", True),
        ("Hằng năm", "hằng năm, 31/12/2020", True),
        ("Thường xuyên", "thường xuyên", True),
        ("khi có yêu cầu của cấp trên", "chưa đọc được", False),
    ],
)
def test_the_deadline_reading_is_the_grammars_in_the_plans_year(seeded, text, words, parsed):
    reading = read_deadline(text, 2020)
    assert (reading["words"], reading["is_parsed"]) == (words, parsed)


def test_an_item_moved_to_another_section_takes_its_next_number_and_its_history_says_so(seeded, admin):
    plan = _plan(admin)
    add_section(plan, "II", "Giải pháp kỹ thuật", actor=admin, now=NOW)
    first = _item(plan, admin)
    _item(plan, admin, section_id=plan.sections[1].id, task="Nâng cấp Cổng Dịch vụ công")
    edit_item(first, _fields(first, section_id=plan.sections[1].id), actor=admin, now=LATER)
    db.session.commit()
    assert first.reference == "II.2"
    assert "Mục: “I” → “II”" in _words(first)
    assert [i.reference for i in sorted(plan.items, key=lambda i: i.position)] == ["II.1", "II.2"]


def test_items_and_sections_move_up_and_down(seeded, admin):
    plan = _plan(admin)
    first, second = _item(plan, admin, task="Một"), _item(plan, admin, task="Hai")
    assert move_item(first, "up", actor=admin, now=LATER) is False
    assert move_item(second, "up", actor=admin, now=LATER) is True
    assert [i.task for i in sorted(plan.items, key=lambda i: i.position)] == ["Hai", "Một"]
    add_section(plan, "II", "Sau", actor=admin, now=NOW)
    assert move_section(plan.sections[1], "up", actor=admin, now=LATER) is True
    db.session.expire(plan, ["sections"])
    assert [s.number for s in plan.sections] == ["II", "I"]
    assert rename_section(plan.sections[0], "III", "Sau cùng", actor=admin, now=LATER) is True
    with pytest.raises(EditRefused):
        rename_section(plan.sections[0], "I", "trùng", actor=admin, now=LATER)


def test_cancelling_needs_a_reason_and_makes_the_assignments_inactive_restoring_brings_them_back(seeded, admin):
    plan = _plan(admin)
    item = _item(plan, admin, lead=["Cục Điện ảnh", "Vụ Pháp chế"])
    with pytest.raises(EditRefused) as refused:
        cancel_item(item, "  ", actor=admin, now=LATER, today=date(2020, 8, 1))
    assert "lý do" in refused.value.problems["reason"]
    cancel_item(item, "Quyết định 999/QĐ-BVHTTDL bỏ nhiệm vụ", actor=admin, now=LATER, today=date(2020, 8, 1))
    db.session.commit()
    assert (item.cancelled_on, item.cancel_reason) == (date(2020, 8, 1), "Quyết định 999/QĐ-BVHTTDL bỏ nhiệm vụ")
    assert [a.is_active for a in item.assignments] == [False, False]
    assert db.session.scalar(select(db.func.count(Assignment.id)).where(Assignment.item_id == item.id)) == 2
    assert restore_item(item, actor=admin, now=LATER) is True
    assert (item.cancelled_on, [a.is_active for a in item.assignments]) == (None, [True, True])
    kinds = db.session.scalars(select(ItemEvent.kind).where(ItemEvent.item_id == item.id).order_by(ItemEvent.id))
    assert list(kinds) == ["created", "cancelled", "restored"]


def test_changing_the_plans_years_gives_a_yearly_item_the_new_years_assignments(seeded, admin):
    plan = _plan(admin)
    item = _item(plan, admin, deadline_text="Hằng năm")
    changes = update_plan(
        plan,
        PlanFields(
            number=plan.number, title=plan.title, issuer=plan.issuer, issued_on=plan.issued_on, year=2020, end_year=2021
        ),
        actor=admin,
        now=LATER,
    )
    assert changes == ["năm kết thúc: “(trống)” → “2021”"]
    assert sorted(a.occurrence for a in item.assignments if a.is_active) == [2020, 2021]


# --- Pages ------------------------------------------------------------------------------------------


def _new_plan_on_pages(client) -> int:
    token = csrf_token(client, "/plans/new")
    response = client.post(
        "/plans/new",
        data={
            "csrf_token": token,
            "number": "2032/QĐ-BVHTTDL",
            "title": "Kế hoạch",
            "year": "2020",
            "issued_on": "2020-07-16",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    plan_id = int(response.headers["Location"].split("/")[2])
    response = client.post(
        f"/plans/{plan_id}/sections", data={"csrf_token": token, "new-number": "I", "new-title": "Tổ chức thực hiện"}
    )
    assert response.status_code == 302
    return plan_id


def test_a_refused_new_plan_form_says_what_to_fix_and_keeps_what_was_typed(seeded, login_as):
    client = login_as("admin")
    token = csrf_token(client, "/plans/new")
    response = client.post(
        "/plans/new",
        data={"csrf_token": token, "number": "1872/QĐ-BVHTTDL", "title": "Kế hoạch mới của tôi", "year": "hai nghìn"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Chưa lưu" in page and "đã là của một kế hoạch khác" not in page  # the year is fixed first
    assert "Hãy nhập năm bằng chữ số" in page and "Kế hoạch mới của tôi" in page
    response = client.post("/plans/new", data={"csrf_token": token, "number": "1872/QĐ-BVHTTDL", "title": "Mới"})
    assert response.status_code == 422 and "đã là của một kế hoạch khác" in response.get_data(as_text=True)


def test_an_item_entered_on_the_pages_shows_its_reading_and_history_and_its_unknown_name(seeded, login_as):
    client = login_as("admin")
    plan_id = _new_plan_on_pages(client)
    with seeded.app_context():
        section_id = db.session.scalar(select(Plan).where(Plan.id == plan_id)).sections[0].id
    token = csrf_token(client, f"/plans/{plan_id}/items/new")
    data = {
        "csrf_token": token,
        "section": str(section_id),
        "task": "Nâng cấp Cổng Dịch vụ công",
        "lead-0": "Trung tâm Công nghệ thông tin",
        "lead-1": "Sở Y tế",
        "deadline_text": "Tháng 8",
    }
    preview = client.post(f"/plans/{plan_id}/items/new", data={**data, "preview": "1"})
    assert preview.status_code == 200 and "31/08/2020" in preview.get_data(as_text=True)
    reading = client.get(f"/plans/{plan_id}/deadline-reading?text=Qu%C3%BD%20III").get_json()
    assert (reading["due_on"], reading["words"]) == ("2020-09-30", "30/09/2020")
    assert client.post(f"/plans/{plan_id}/items/new", data=data).status_code == 302
    with seeded.app_context():
        item = db.session.scalar(select(ActionItem).where(ActionItem.plan_id == plan_id))
        item_id = item.id
    token = csrf_token(client, f"/items/{item_id}/edit")
    assert (
        client.post(
            f"/items/{item_id}/edit", data={**data, "csrf_token": token, "deadline_text": "Tháng 10"}
        ).status_code
        == 302
    )
    refused = client.post(f"/items/{item_id}/cancel", data={"csrf_token": token, "reason": ""})
    assert refused.status_code == 422 and "Hãy nhập lý do bãi bỏ" in refused.get_data(as_text=True)
    client.post(f"/items/{item_id}/cancel", data={"csrf_token": token, "reason": "Theo Quyết định sửa đổi"})
    page = client.get(f"/items/{item_id}").get_data(as_text=True)
    assert "Thời hạn: “Tháng 8” → “Tháng 10”" in page
    assert "Nhiệm vụ đã bãi bỏ ngày 15/09/2023" in page and "Theo Quyết định sửa đổi" in page
    assert "Sở Y tế" in client.get("/admin/unknown-names").get_data(as_text=True)
    edit_page = client.get(f"/plans/{plan_id}/edit").get_data(as_text=True)
    assert "đã bãi bỏ ngày 15/09/2023" in edit_page


def test_the_plan_page_offers_the_editor_to_admins_only(seeded, login_as):
    with seeded.app_context():
        plan_id = db.session.scalar(select(Plan.id))
    assert f"/plans/{plan_id}/edit" in login_as("admin").get(f"/plans/{plan_id}").get_data(as_text=True)


def test_a_unit_head_cannot_open_the_editor(seeded, login_as):
    client = login_as("head_cda")
    assert client.get("/plans/new").status_code == 403
