"""The pages as people use them, in a real Chromium: accessible (axe-core), keyboard-usable, phone-sized,
and the unit head's everyday task from sign-in to a done assignment on the plan page."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import sign_in

AXE = Path(__import__("axe_playwright_python").__file__).with_name("axe.min.js")
SERIOUS = {"serious", "critical"}
PHONE = {"width": 375, "height": 740}


def axe_violations(page) -> list[str]:
    """Run axe-core (WCAG 2.1 A/AA rules) on the page; return the serious and critical violations."""
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in SERIOUS
    ]


PAGES = [
    (None, "/login"),
    ("head_cda", "/units/CDA"),
    ("head_cda", "/plans"),
    ("head_cda", "/items/{I.2}"),
    ("head_cda", "/account"),
    ("monitor", "/monitoring"),
    ("monitor", "/kpi"),
    ("monitor", "/kpi/import"),
    ("monitor", "/items/{I.1}"),
    ("admin", "/admin/users"),
    ("admin", "/admin/reminders"),
    ("admin", "/admin/emails"),
    ("viewer", "/plans/999999"),
]


def item_ids(app) -> dict[str, int]:
    from sqlalchemy import select

    from tracker.extensions import db
    from tracker.models import ActionItem

    with app.app_context():
        return {i.reference: i.id for i in db.session.scalars(select(ActionItem))}


@pytest.mark.parametrize("who, path", PAGES, ids=[f"{w or 'anonymous'}:{p}" for w, p in PAGES])
def test_pages_have_no_serious_accessibility_violations(seeded, live_server, page, who, path):
    ids = item_ids(seeded)
    path = path.replace("{I.1}", str(ids["I.1"])).replace("{I.2}", str(ids["I.2"]))
    if who:
        sign_in(page, live_server, who)
    response = page.goto(live_server + path)
    assert response.status in (200, 404)
    assert axe_violations(page) == []
    assert page.console_errors == []  # nothing blocked by the Content-Security-Policy


def _shoot(page, artifacts: Path, name: str) -> None:
    page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True)


def test_a_unit_head_moves_an_assignment_to_in_progress_then_done_and_sees_it_on_the_plan(
    seeded, live_server, page, artifacts
):
    sign_in(page, live_server, "head_cda")
    assert page.url.endswith("/units/CDA")
    card = page.locator("li.card", has_text="Nhiệm vụ I.2")
    card.get_by_label("Chuyển sang", exact=True).select_option("in_progress")
    card.get_by_label("Nội dung", exact=False).fill("Đang rà soát 9 thủ tục của Cục.")
    card.get_by_role("button", name="Lưu cập nhật").click()
    page.wait_for_load_state()
    assert "Đã cập nhật nhiệm vụ I.2 của Cục Điện ảnh." in page.locator(".flashes").inner_text()
    assert "Đang thực hiện" in page.locator("li.card", has_text="Nhiệm vụ I.2").inner_text()
    _shoot(page, artifacts, "unit-page-desktop")

    page.locator("li.card", has_text="Nhiệm vụ I.2").get_by_role("link", name="Báo hoàn thành").click()
    form = page.locator("form.status-form")
    form.get_by_label("Trạng thái mới").select_option("done")
    # Choosing "Hoàn thành" opens the evidence part of the form by itself.
    assert form.locator("details[data-state='done']").evaluate("el => el.open")
    form.get_by_label("Ngày hoàn thành").fill("2023-09-14")
    form.get_by_label("Số văn bản kết quả").fill("123/QĐ-CĐA")
    form.get_by_label("Ngày ban hành văn bản").fill("2023-09-14")
    form.get_by_label("Trích yếu / tên văn bản").fill("Quyết định ban hành danh mục DVCTT chỉ tiếp nhận trực tuyến")
    form.get_by_role("button", name="Lưu cập nhật").click()
    page.wait_for_load_state()
    history = page.locator("ol.timeline").inner_text()
    assert "“Đang thực hiện” → “Hoàn thành”" in history
    assert "123/QĐ-CĐA ngày 14/09/2023" in history
    _shoot(page, artifacts, "item-page-desktop")

    page.get_by_role("link", name="Kế hoạch", exact=True).click()
    page.wait_for_load_state()
    row = page.locator("tr#nv-I\\.2").inner_text()
    assert "1/11 phân công hoàn thành" in row
    _shoot(page, artifacts, "plan-page-desktop")

    page.set_viewport_size(PHONE)
    for name, path in (("unit", "/units/CDA"), ("item", f"/items/{item_ids(seeded)['I.2']}"), ("plan", "/plans")):
        page.goto(live_server + path)
        page.wait_for_load_state()
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{name} page scrolls sideways on a phone"
        _shoot(page, artifacts, f"{name}-page-phone")


def test_another_units_head_sees_no_update_form_for_that_unit(seeded, live_server, page):
    sign_in(page, live_server, "head_vpc")
    page.goto(f"{live_server}/items/{item_ids(seeded)['I.2']}")
    assert page.locator("form.status-form").count() == 0
    assert "Cục Điện ảnh" in page.locator("#phan-cong ~ ul, section[aria-labelledby=phan-cong]").first.inner_text()
    page.goto(f"{live_server}/units/CDA")
    assert "Không có quyền" in page.locator("h1").inner_text()


def test_the_it_centre_sees_the_overdue_list(seeded, live_server, page, artifacts):
    sign_in(page, live_server, "monitor")
    assert page.url.endswith("/dashboard")  # the IT Centre's home since issue 17; the list is one link away
    page.get_by_role("link", name="Theo dõi quá hạn").click()
    page.wait_for_load_state()
    table = page.locator("#monitoring-list").inner_text()
    assert "Vụ Pháp chế" in table and "I.1" in table and "31/08/2023" in table
    _shoot(page, artifacts, "monitoring-desktop")


def test_keyboard_users_reach_a_visible_skip_link_first(seeded, live_server, page):
    sign_in(page, live_server, "viewer")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Bỏ qua, đến nội dung chính"
    box = page.locator(".skip-link").bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] >= 0  # on screen once focused
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


def test_collective_members_open_with_the_keyboard(seeded, live_server, page):
    sign_in(page, live_server, "viewer")
    page.goto(live_server + "/plans")  # the single plan's page (the viewer lands on the dashboard)
    members = page.locator("tr#nv-I\\.2 a.members").first
    members.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/units#*")
    target = page.evaluate("location.hash")
    assert "Cục Bản quyền tác giả" in page.locator(target).inner_text()


def test_a_unit_head_reports_figures_through_the_form_and_sees_the_panel_update(seeded, live_server, page, artifacts):
    sign_in(page, live_server, "head_cbqtg")
    form = page.locator("form.figures-form")
    form.get_by_label("Số liệu tính đến ngày").fill("2023-05-15")
    values = {
        "Tổng số TTHC": "12",
        "Số TTHC đủ điều kiện cung cấp DVCTT toàn trình": "6",
        "Số TTHC đủ điều kiện và đã được cung cấp DVCTT toàn trình": "6",
        "Số DVCTT một phần cho phép nộp hồ sơ trực tuyến": "6",
        "Số TTHC cho phép nộp trực tuyến có phát sinh hồ sơ": "10",
        "Số TTHC có phát sinh hồ sơ trực tuyến": "8",
        "Tổng số hồ sơ TTHC phát sinh": "1458",
        "Số hồ sơ phát sinh trực tuyến": "1500",  # a slip: more online dossiers than dossiers
    }
    for label, value in values.items():
        form.get_by_label(label, exact=True).fill(value)
    form.get_by_role("button", name="Gửi số liệu").click()
    page.wait_for_load_state()
    alert = page.locator("form.figures-form .error-summary").inner_text()
    assert "Số hồ sơ phát sinh trực tuyến (1500)" in alert and "Tổng số hồ sơ TTHC phát sinh (1458)" in alert
    form = page.locator("form.figures-form")
    form.get_by_label("Số hồ sơ phát sinh trực tuyến", exact=True).fill("134")
    form.get_by_role("button", name="Gửi số liệu").click()
    page.wait_for_load_state()
    panel = page.locator("table.kpi-table").first.inner_text()
    assert "100%" in panel and "80%" in panel and "9,2%" in panel
    assert "Chưa đạt — thiếu 20,8 điểm %" in panel
    assert page.locator("svg.trend").count() == 3
    assert axe_violations(page) == []
    _shoot(page, artifacts, "unit-page-kpi-desktop")
    page.set_viewport_size(PHONE)
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    _shoot(page, artifacts, "unit-page-kpi-phone")


def test_the_it_centre_filters_the_monitoring_list_and_follows_the_matrix(seeded, live_server, page, artifacts):
    sign_in(page, live_server, "monitor")
    page.goto(live_server + "/monitoring")
    page.get_by_label("Đơn vị", exact=True).select_option(label="Vụ Pháp chế")
    page.get_by_role("button", name="Lọc").click()
    page.wait_for_load_state()
    assert "unit=VPC" in page.url
    rows = page.locator("#monitoring-list tbody tr")
    assert rows.count() == 1 and "Vụ Pháp chế" in rows.first.inner_text()
    _shoot(page, artifacts, "monitoring-filtered-desktop")
    page.goto(live_server + "/monitoring")
    page.get_by_role("link", name="Tình hình theo đơn vị", exact=False).click()
    page.wait_for_load_state()
    assert axe_violations(page) == []
    page.locator("#matrix a").first.click()  # a count in the matrix opens the list it counts
    page.wait_for_load_state()
    assert "class=" in page.url and "unit=" in page.url
    assert page.locator("#monitoring-list tbody tr").count() >= 1
    assert axe_violations(page) == []


def test_an_admin_uploads_a_plan_and_sees_the_preview_before_saving(app, runner, live_server, page, artifacts):
    from tracker.extensions import db

    from ..conftest import SEED_PLAN, make_user

    with app.app_context():
        make_user("quantri", "admin")
        db.session.commit()
    sign_in(page, live_server, "quantri")
    page.goto(live_server + "/admin/import")
    page.get_by_label("Văn bản kế hoạch").set_input_files(str(SEED_PLAN))
    page.get_by_role("button", name="Xem trước").click()
    page.wait_for_load_state()
    preview = page.locator("section.preview").inner_text()
    assert "Xem trước (chưa lưu)" in preview
    assert "sẽ tạo mới 0, cập nhật 0" in preview  # the seed plan is already imported
    assert axe_violations(page) == []
    _shoot(page, artifacts, "import-preview-desktop")
    page.get_by_role("button", name="Xác nhận nhập").click()
    page.wait_for_load_state()
    assert "Đã nhập kế hoạch 1872/QĐ-BVHTTDL" in page.locator(".flashes").inner_text()
