"""Issue 13, point 9 in Chromium: after an urge the monitoring list says "đã đôn đốc hôm nay" in place of
the urge form, and neither that list nor the account page's reminder choice scrolls sideways on a phone."""

from __future__ import annotations

from .conftest import sign_in


def test_an_urged_item_reads_urged_today_at_1280_and_375_px(live_server, page, artifacts):
    sign_in(page, live_server, "monitor")
    page.goto(live_server + "/monitoring")
    page.get_by_role("button", name="Đôn đốc").first.click()
    page.wait_for_load_state()
    assert page.get_by_text("đã đôn đốc hôm nay").first.is_visible()
    page.screenshot(path=str(artifacts / "issue13-urged-1280.png"), full_page=True)
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(live_server + "/monitoring")
    page.screenshot(path=str(artifacts / "issue13-urged-375.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert page.console_errors == []


def test_the_reminder_choice_on_the_account_page_fits_a_phone(live_server, page, artifacts):
    sign_in(page, live_server, "head_vpc")
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(live_server + "/account")
    box = page.get_by_label("Nhận thư nhắc việc và đôn đốc của đơn vị")
    assert box.is_checked()
    box.uncheck()
    page.get_by_role("button", name="Lưu lựa chọn").click()
    page.wait_for_load_state()
    assert page.get_by_text("Bạn sẽ không nhận thư nhắc việc của đơn vị nữa.").is_visible()
    assert not page.get_by_label("Nhận thư nhắc việc và đôn đốc của đơn vị").is_checked()
    page.screenshot(path=str(artifacts / "issue13-account-375.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
