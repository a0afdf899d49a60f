"""A refused form on a phone: the message that nothing was saved is on the first screen and has the focus,
its link leads to the field at fault, and the page has no accessibility violation."""

from __future__ import annotations

import os
from pathlib import Path

from .conftest import sign_in
from .test_pages_in_chromium import PHONE, axe_violations

SHOTS = Path(os.environ.get("TRACKER_SHOTS_DIR", "/tmp/forms13-shots"))


def _shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def _summary_is_on_the_first_screen_and_focused(page) -> None:
    summary = page.locator("#loi-bieu-mau")
    box = summary.bounding_box()
    viewport = page.viewport_size
    assert box is not None and 0 <= box["y"] < viewport["height"], box
    assert page.evaluate("document.activeElement && document.activeElement.id") == "loi-bieu-mau"
    assert "không có thay đổi nào được ghi lại" in summary.inner_text()


def test_a_refused_quick_update_on_a_phone_shows_its_error_first(seeded, live_server, page, artifacts):
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "head_cda")
    card = page.locator("li.card", has_text="Nhiệm vụ I.2")
    card.get_by_label("Chuyển sang", exact=True).select_option("blocked")
    card.get_by_role("button", name="Lưu cập nhật").click()
    page.wait_for_load_state()
    assert page.url.endswith("/status")
    _summary_is_on_the_first_screen_and_focused(page)
    _shoot(page, "quick-update-refused-375")
    assert axe_violations(page) == []
    assert page.console_errors == []

    # The link leads to the text box, which still holds the choice and is marked invalid.
    page.locator("#loi-bieu-mau a").first.click()
    target = page.evaluate("location.hash")
    field = page.locator(target)
    assert field.evaluate("el => el.tagName") == "TEXTAREA" and field.get_attribute("aria-invalid") == "true"
    assert (
        page.locator("li.card", has_text="Nhiệm vụ I.2").get_by_label("Chuyển sang", exact=True).input_value()
        == "blocked"
    )
    box = field.bounding_box()
    assert box is not None and -1 < box["y"] < PHONE["height"]
    assert "#" + page.evaluate("document.activeElement.id") == target

    # Fixing it saves it.
    field.fill("Chưa có hướng dẫn của Văn phòng Chính phủ.")
    page.locator("li.card", has_text="Nhiệm vụ I.2").get_by_role("button", name="Lưu cập nhật").click()
    page.wait_for_load_state()
    assert "Đã cập nhật nhiệm vụ I.2" in page.locator(".flashes").inner_text()

    page.set_viewport_size({"width": 1280, "height": 900})
    card = page.locator("li.card", has_text="Nhiệm vụ I.2")
    card.get_by_label("Chuyển sang", exact=True).select_option("in_progress")
    card.get_by_label("Nội dung", exact=False).fill("x" * 5001)
    card.get_by_role("button", name="Lưu cập nhật").click()
    page.wait_for_load_state()
    _summary_is_on_the_first_screen_and_focused(page)
    _shoot(page, "quick-update-refused-1280")


FIGURES = {
    "Tổng số TTHC": "12",
    "Số TTHC đủ điều kiện cung cấp DVCTT toàn trình": "6",
    "Số TTHC đủ điều kiện và đã được cung cấp DVCTT toàn trình": "6",
    "Số DVCTT một phần cho phép nộp hồ sơ trực tuyến": "6",
    "Số TTHC cho phép nộp trực tuyến có phát sinh hồ sơ": "10",
    "Số TTHC có phát sinh hồ sơ trực tuyến": "8",
    "Tổng số hồ sơ TTHC phát sinh": "1458",
    "Số hồ sơ phát sinh trực tuyến": "1500",  # a slip: more online dossiers than dossiers
}


def test_a_refused_kpi_report_on_a_phone_shows_its_error_first(seeded, live_server, page, artifacts):
    sign_in(page, live_server, "head_cbqtg")
    for width, height in ((PHONE["width"], PHONE["height"]), (1280, 900)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(live_server + "/units/CBQTG")
        form = page.locator("form.figures-form")
        form.get_by_label("Số liệu tính đến ngày").fill("2023-05-15")
        for label, value in FIGURES.items():
            form.get_by_label(label, exact=True).fill(value)
        form.get_by_role("button", name="Gửi số liệu").click()
        page.wait_for_load_state()
        _summary_is_on_the_first_screen_and_focused(page)
        assert "Số hồ sơ phát sinh trực tuyến (1500)" in page.locator("#loi-bieu-mau").inner_text()
        _shoot(page, f"kpi-report-refused-{width}")
        assert axe_violations(page) == []
        assert (
            page.locator("form.figures-form").get_by_label("Số hồ sơ phát sinh trực tuyến", exact=True).input_value()
            == "1500"
        )
        page.locator("#loi-bieu-mau a").first.click()
        target = page.evaluate("location.hash")
        box = page.locator(target).bounding_box()
        assert box is not None and -1 < box["y"] < height  # scrolled to (the top edge, to a subpixel)
        assert "#" + page.evaluate("document.activeElement.id") == target
