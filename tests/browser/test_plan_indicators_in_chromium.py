"""Seed 002 (Bà Rịa–Vũng Tàu's Decision 2139) entered by an admin in a real Chromium: the plan's own ratio,
groups for provincial agencies and district level, and the rising target written by the milestone helper;
then a provincial agency reports its counts as of 31/10/2022 and its panel judges them against 65%."""

from __future__ import annotations

from datetime import date

import pytest

from tracker.extensions import db
from tracker.models import Plan, Unit
from tracker.rules.names import fold_name

from ..conftest import make_user
from .conftest import sign_in
from .test_pages_in_chromium import axe_violations

# The units of seed 002 this test needs, with their level in the administration.
UNITS_002 = (
    ("STTTTBRVT", "Sở Thông tin và Truyền thông tỉnh Bà Rịa - Vũng Tàu", "Sở"),
    ("SNVBRVT", "Sở Nội vụ tỉnh Bà Rịa - Vũng Tàu", "Sở"),
    ("UBNDVT", "UBND thành phố Vũng Tàu", "UBND cấp huyện"),
    ("UBNDCD", "UBND huyện Côn Đảo", "UBND cấp huyện"),
)


@pytest.fixture
def today():
    return "2022-11-15"


@pytest.fixture
def plan_002(seeded):
    """Decision 2139/QĐ-UBND as a plan made with the models (the plan editor is another page)."""
    with seeded.app_context():
        plan = Plan(
            number="2139/QĐ-UBND",
            issuer="UBND tỉnh Bà Rịa - Vũng Tàu",
            issued_on=date(2022, 8, 3),
            year=2022,
            kpi_scheme="plan",
            title="Giao chỉ tiêu thực hiện DVCTT cho các cơ quan hành chính cấp tỉnh, UBND cấp huyện, xã năm 2022",
        )
        db.session.add(plan)
        for code, name, level in UNITS_002:
            db.session.add(Unit(code=code, name=name, folded_name=fold_name(name), level=level))
        db.session.flush()
        make_user("head_stttt", "unit_head", "STTTTBRVT")
        db.session.commit()
        return plan.id


def _look(page, artifacts, name):
    """Screenshots at desktop and phone width; the page must not scroll sideways on the phone."""
    page.screenshot(path=str(artifacts / f"plan-kpi-{name}-1280.png"), full_page=True)
    page.set_viewport_size({"width": 375, "height": 740})
    page.screenshot(path=str(artifacts / f"plan-kpi-{name}-375.png"), full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    page.set_viewport_size({"width": 1280, "height": 900})
    assert overflow <= 0, f"{name} scrolls sideways on a phone"


def test_admin_enters_seed_002_indicator_groups_and_milestone_target(seeded, plan_002, live_server, page, artifacts):
    sign_in(page, live_server, "admin")
    page.goto(f"{live_server}/plans/{plan_002}")
    page.get_by_role("link", name="Định nghĩa chỉ tiêu").click()
    page.wait_for_load_state()

    # The provincial ratio of seed 002: services with dossiers over all online public services.
    page.get_by_label("Tên chỉ tiêu").fill("Tỷ lệ DVCTT có phát sinh hồ sơ")
    page.get_by_label("Tỷ lệ giữa hai số đếm đơn vị báo cáo").check()
    page.get_by_label("Tử số, hoặc nội dung đơn vị báo cáo").fill("Số DVCTT có phát sinh hồ sơ")
    page.get_by_label("Mẫu số (chỉ với tỷ lệ giữa hai số đếm)").fill("Tổng số DVCTT đang cung cấp")
    page.get_by_role("button", name="Thêm chỉ tiêu").click()
    page.wait_for_load_state()
    assert "Đã thêm chỉ tiêu (1)." in page.locator(".flashes").inner_text()
    row = page.get_by_role("row", name="Tỷ lệ DVCTT có phát sinh hồ sơ")
    assert "Số DVCTT có phát sinh hồ sơ / Tổng số DVCTT đang cung cấp" in row.inner_text()
    assert axe_violations(page) == []
    _look(page, artifacts, "indicators")

    page.get_by_role("link", name="Nhóm đơn vị").click()
    page.wait_for_load_state()
    for name in ("Cơ quan hành chính cấp tỉnh", "UBND cấp huyện"):
        page.get_by_label("Tên nhóm").last.fill(name)
        page.get_by_role("button", name="Tạo nhóm").click()
        page.wait_for_load_state()
    province = page.locator("section", has=page.get_by_role("heading", name="1. Cơ quan hành chính cấp tỉnh"))
    province.get_by_label("Đơn vị trong danh mục (chọn được nhiều)").select_option(
        label=["Sở Thông tin và Truyền thông tỉnh Bà Rịa - Vũng Tàu", "Sở Nội vụ tỉnh Bà Rịa - Vũng Tàu"]
    )
    province.get_by_role("button", name="Thêm vào nhóm").click()
    page.wait_for_load_state()
    assert "Đã thêm 2 đơn vị vào nhóm “Cơ quan hành chính cấp tỉnh”." in page.locator(".flashes").inner_text()
    district = page.locator("section", has=page.get_by_role("heading", name="2. UBND cấp huyện"))
    district.get_by_label("Hoặc mọi đơn vị của một cấp").select_option(label="UBND cấp huyện")
    district.get_by_role("button", name="Thêm vào nhóm").click()
    page.wait_for_load_state()
    district = page.locator("section", has=page.get_by_role("heading", name="2. UBND cấp huyện"))
    assert "UBND huyện Côn Đảo" in district.inner_text() and "UBND thành phố Vũng Tàu" in district.inner_text()

    # A provincial agency cannot be put in the district group too: the page says so.
    district.get_by_text("Thêm đơn vị vào nhóm").click()
    district.get_by_label("Đơn vị trong danh mục (chọn được nhiều)").select_option(
        label=["Sở Nội vụ tỉnh Bà Rịa - Vũng Tàu"]
    )
    district.get_by_role("button", name="Thêm vào nhóm").click()
    page.wait_for_load_state()
    assert "Mỗi đơn vị chỉ thuộc một nhóm của kế hoạch" in page.locator("#loi-bieu-mau").inner_text()
    assert axe_violations(page) == []
    _look(page, artifacts, "groups")

    page.get_by_role("link", name="Chỉ tiêu giao").first.click()
    page.wait_for_load_state()
    for group in ("Cơ quan hành chính cấp tỉnh", "UBND cấp huyện"):
        page.get_by_role("link", name="Giao chỉ tiêu cho một nhóm hoặc một đơn vị").click()
        page.wait_for_load_state()
        page.get_by_label("Giao cho").select_option(label=f"Nhóm: {group}")
        page.get_by_label("Chỉ tiêu", exact=True).select_option(label="(1) Tỷ lệ DVCTT có phát sinh hồ sơ")
        page.get_by_label("Mức đầu", exact=True).fill("50")
        page.get_by_label("Đạt mức đầu vào ngày (ngày/tháng/năm)").fill("30/09/2022")
        page.get_by_label("Mỗi tháng tiếp theo tăng thêm (điểm)").fill("15")
        page.get_by_label("Cho đến mức").fill("80")
        page.get_by_role("button", name="Điền các mốc").click()
        page.wait_for_load_state()
        preview = page.get_by_role("table", name="Các mốc sẽ được lưu")
        assert [r.inner_text().split("\t") for r in preview.locator("tbody tr").all()] == [
            ["30/09/2022", "50"],
            ["31/10/2022", "65"],
            ["30/11/2022", "80"],
        ]
        assert page.get_by_label("Tăng dần theo mốc (ngày → mức)").is_checked()
        if group == "UBND cấp huyện":
            assert axe_violations(page) == []
            _look(page, artifacts, "target-form")
        page.get_by_role("button", name="Lưu chỉ tiêu").click()
        page.wait_for_load_state()
        assert f"Đã lưu chỉ tiêu giao cho {group}." in page.locator(".flashes").inner_text()

    page.get_by_label("Chỉ tiêu áp dụng vào ngày (ngày/tháng/năm)").fill("31/10/2022")
    page.get_by_role("button", name="Xem").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Chỉ tiêu áp dụng vào ngày 31/10/2022").is_visible()
    in_force = [cell.inner_text() for cell in page.locator("td.in-force").all()]
    assert in_force == ["65%", "65%"]
    row = page.get_by_role("row", name="(1) Tỷ lệ DVCTT có phát sinh hồ sơ").filter(has_text="Cơ quan hành chính")
    assert "80% đến 30/11/2022" in row.inner_text()
    assert axe_violations(page) == []
    _look(page, artifacts, "targets")
    assert page.console_errors == []

    # The Department of Information and Communications reports its counts as of 31/10/2022 on its own page:
    # 62 of its 100 online services had dossiers, 62% against the 65% in force that day.
    page.context.clear_cookies()
    sign_in(page, live_server, "head_stttt")
    page.goto(f"{live_server}/units/STTTTBRVT")
    form = page.locator("form", has=page.get_by_text("Báo cáo số liệu kế hoạch 2139/QĐ-UBND"))
    form.get_by_label("Số liệu tính đến ngày").fill("2022-10-31")
    form.get_by_label("Số DVCTT có phát sinh hồ sơ").fill("62")
    form.get_by_label("Tổng số DVCTT đang cung cấp").fill("100")
    form.get_by_role("button", name="Gửi số liệu").click()
    page.wait_for_load_state()
    assert "Đã ghi nhận số liệu kế hoạch 2139/QĐ-UBND" in page.locator(".flashes").inner_text()
    panel = page.locator("table.kpi-table").filter(has_text="Tỷ lệ DVCTT có phát sinh hồ sơ")
    row = panel.get_by_role("row", name="(1) Tỷ lệ DVCTT có phát sinh hồ sơ")
    text = row.inner_text()
    assert "62%" in text and "(62/100)" in text, text
    assert "đang áp dụng 65%" in text and "Chưa đạt — thiếu 3 điểm %" in text, text
    assert "Số liệu tính đến ngày 31/10/2022" in page.locator("main").inner_text()
    assert axe_violations(page) == []
    _look(page, artifacts, "unit-panel")
    assert page.console_errors == []
