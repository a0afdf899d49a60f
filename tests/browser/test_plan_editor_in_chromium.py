"""Acceptance of the plan editor in Chromium: an admin enters three tasks of Decision 2032/QĐ-BVHTTDL (a plan
written in prose, which no import can read) as a new plan through the pages, with the deadline's reading shown
live; the lead units' heads then see the tasks on their unit pages, and the reminder sweep writes them emails."""

from __future__ import annotations

import email
from pathlib import Path

from playwright.sync_api import expect
from sqlalchemy import select

from tracker.extensions import db
from tracker.models import ActionItem, Plan
from tracker.rules.reminders import task_excerpt

from ..conftest import make_user
from .conftest import sign_in
from .test_pages_in_chromium import PHONE, axe_violations

# Three tasks as seed 001 (Decision 2032/QĐ-BVHTTDL, 16/7/2020) states them, with the units it names.
# "Các Tổng cục, Cục, Vụ có TTHC" is entered as two of those Cục; the plan's year is 2020, and "trong năm
# 2020" is the decision's own deadline for level-4 online services.
PLAN = {
    "number": "2032/QĐ-BVHTTDL",
    "issued_on": "2020-07-16",
    "issuer": "Bộ Văn hóa, Thể thao và Du lịch",
    "title": "Kế hoạch thực hiện Nghị định số 45/2020/NĐ-CP về thực hiện thủ tục hành chính trên môi trường "
    "điện tử của Bộ Văn hóa, Thể thao và Du lịch",
    "year": "2020",
}
SECTIONS = [("I", "Các Tổng cục, Cục, Vụ có TTHC"), ("II", "Giải pháp kỹ thuật, hạ tầng và công nghệ")]
TASKS = [
    {
        "section": "I",
        "task": "Rà soát, đánh giá, lựa chọn nhóm TTHC và TTHC ưu tiên thực hiện trên môi trường điện "
        "tử; xây dựng kế hoạch thực hiện TTHC trên môi trường điện tử, dịch vụ công mức độ 3, 4 "
        "của đơn vị mình",
        "lead": ["Cục Điện ảnh", "Cục Bản quyền tác giả"],
        "coordinating": ["Các đơn vị có liên quan"],
        "deadline": "Tháng 9/2020",
        "reading": "30/09/2020",
    },
    {
        "section": "I",
        "task": "Tuyên truyền, phổ biến, hướng dẫn, thu hút tổ chức, cá nhân thực hiện TTHC trên môi "
        "trường điện tử, dịch vụ công trực tuyến mức độ 3, 4 thuộc thẩm quyền quản lý của Bộ",
        "lead": ["Cục Điện ảnh"],
        "coordinating": [],
        "deadline": "Quý IV năm 2020",
        "reading": "31/12/2020",
    },
    {
        "section": "II",
        "task": "Xây dựng giải pháp kỹ thuật; các điều kiện về hạ tầng, trang thiết bị công nghệ thông "
        "tin đáp ứng việc thực hiện TTHC trên môi trường điện tử; bảo đảm an toàn, an ninh "
        "thông tin đối với Cổng Dịch vụ công, Hệ thống thông tin một cửa điện tử của Bộ",
        "lead": ["Trung tâm Công nghệ thông tin"],
        "coordinating": ["Các đơn vị có TTHC"],
        "deadline": "Năm 2020",
        "reading": "31/12/2020",
    },
]
# Unit code → the task numbers (in TASKS) it leads.
LEADS = {"CDA": [0, 1], "CBQTG": [0], "TTCNTT": [2]}


def _enter_plan(page, base: str, artifacts: Path) -> None:
    page.goto(base + "/plans/new")
    page.get_by_label("Số hiệu văn bản").fill(PLAN["number"])
    page.get_by_label("Ngày ban hành").fill(PLAN["issued_on"])
    page.get_by_label("Cơ quan ban hành").fill(PLAN["issuer"])
    page.get_by_label("Tên (trích yếu) kế hoạch").fill(PLAN["title"])
    page.get_by_label("Năm bắt đầu").fill(PLAN["year"])
    page.get_by_role("button", name="Tạo kế hoạch").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Các mục của kế hoạch 2032/QĐ-BVHTTDL")
    for number, title in SECTIONS:
        new = page.locator("#muc-moi")
        new.get_by_label("Số mục (I, II, 1 …)").fill(number)
        new.get_by_label("Tên mục").fill(title)
        new.get_by_role("button", name="Thêm mục").click()
        expect(page.locator(".flashes")).to_contain_text("Đã lưu mục")
    for number, task in enumerate(TASKS):
        page.get_by_role("link", name="Thêm nhiệm vụ").first.click()
        page.get_by_label("Mục", exact=True).select_option(
            label=f"{task['section']} — " + dict(SECTIONS)[task["section"]]
        )
        page.get_by_label("Nội dung nhiệm vụ").fill(task["task"])
        for n, name in enumerate(task["lead"], start=1):
            page.get_by_label(f"Đơn vị chủ trì {n}", exact=True).fill(name)
        for n, name in enumerate(task["coordinating"], start=1):
            page.get_by_label(f"Đơn vị phối hợp {n}", exact=True).fill(name)
        deadline = page.get_by_label("Thời gian hoàn thành (như văn bản ghi)")
        deadline.press_sequentially(task["deadline"], delay=20)
        # The grammar's reading, shown while typing (no save yet).
        expect(page.locator("#deadline-reading")).to_have_text(f"Hệ thống hiểu là: {task['reading']}")
        if number == 0:
            assert axe_violations(page) == []
            page.screenshot(path=str(artifacts / "plan-editor-item-1280.png"), full_page=True)
            page.set_viewport_size(PHONE)
            assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
            page.screenshot(path=str(artifacts / "plan-editor-item-375.png"), full_page=True)
            page.set_viewport_size({"width": 1280, "height": 900})
        page.get_by_role("button", name="Thêm nhiệm vụ").click()
        expect(page.locator(".flashes")).to_contain_text("Đã thêm nhiệm vụ")
    assert axe_violations(page) == []
    page.screenshot(path=str(artifacts / "plan-editor-plan-1280.png"), full_page=True)
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(artifacts / "plan-editor-plan-375.png"), full_page=True)


def test_an_admin_enters_three_tasks_of_decision_2032_and_the_unit_heads_see_them_and_get_reminders(
    seeded, live_server, chromium, artifacts
):
    with seeded.app_context():
        make_user("head_ttcntt", "unit_head", "TTCNTT")
        db.session.commit()
    context = chromium.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in(page, live_server, "admin")
    _enter_plan(page, live_server, artifacts)
    context.close()
    assert errors == []

    with seeded.app_context():
        plan = db.session.scalar(select(Plan).where(Plan.number == PLAN["number"]))
        items = sorted(plan.items, key=lambda i: i.position)
        assert [i.reference for i in items] == ["I.1", "I.2", "II.1"]
        assert [i.due_on.isoformat() for i in items] == ["2020-09-30", "2020-12-31", "2020-12-31"]
        assert sorted((a.unit.code, i.reference) for i in items for a in i.assignments if a.is_active) == [
            ("CBQTG", "I.1"),
            ("CDA", "I.1"),
            ("CDA", "I.2"),
            ("TTCNTT", "II.1"),
        ]
        item_ids = [i.id for i in items]

    for code, tasks in LEADS.items():
        context = chromium.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
        page = context.new_page()
        sign_in(page, live_server, f"head_{code.lower()}")
        page.goto(f"{live_server}/units/{code}")
        for number in tasks:
            expect(page.locator(f"a[href='/items/{item_ids[number]}']").first).to_be_visible()
        context.close()

    # The reminder sweep, as `reminders sweep --date` runs it, then the dispatch that writes the outbox folder:
    # a week before the September deadline, and on the first working day after the year's end.
    runner = seeded.test_cli_runner()
    for day in ("2020-09-23", "2021-01-04"):
        result = runner.invoke(args=["reminders", "sweep", "--date", day])
        assert result.exit_code == 0, result.output
    result = runner.invoke(args=["reminders", "dispatch"])
    assert result.exit_code == 0, result.output
    with seeded.app_context():
        references = {
            i.id: i.reference for i in db.session.scalars(select(ActionItem).where(ActionItem.id.in_(item_ids)))
        }
    mails = [email.message_from_bytes(p.read_bytes()) for p in Path(seeded.config["OUTBOX_DIR"]).glob("*.eml")]
    text_of = {m["To"]: "" for m in mails}
    for mail in mails:
        body = next(part for part in mail.walk() if part.get_content_type() == "text/plain")
        text_of[mail["To"]] += body.get_payload(decode=True).decode("utf-8")
    for code, tasks in LEADS.items():
        # A unit's reminders go to its people with accounts: here its head's.
        received = " ".join(text for to, text in text_of.items() if f"head_{code.lower()}@" in to)
        for number in tasks:
            quoted = task_excerpt(TASKS[number]["task"]).rstrip("…").strip()  # as emails quote a task
            assert quoted in " ".join(received.split()), (code, references[item_ids[number]])
