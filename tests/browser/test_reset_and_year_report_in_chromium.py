"""Issue 13's acceptance in a real Chromium, at phone and desktop widths: "Quên mật khẩu?" from the sign-in
page to a new password through the emailed one-time link, and the year report made before the year's end
(as of today, not 31/12) — each page screenshot and checked for sideways scroll and accessibility."""

from __future__ import annotations

import os
import re
from pathlib import Path

from sqlalchemy import select

from tracker.extensions import db
from tracker.models import OutboxMessage, Plan

from .test_pages_in_chromium import PHONE, axe_violations

SHOTS = Path(os.environ.get("TRACKER_SHOTS_DIR", "/tmp/forms13-shots"))
DESKTOP = {"width": 1280, "height": 900}
NEW_PASSWORD = "mat-khau-moi-that-dai-2023"


def _look(page, name: str) -> None:
    """Both widths: a screenshot each, no sideways scroll on the phone, no accessibility violation."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for label, size in (("1280", DESKTOP), ("375", PHONE)):
        page.set_viewport_size(size)
        page.screenshot(path=str(SHOTS / f"{name}-{label}.png"), full_page=True)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{name} is {overflow}px wider than a phone"
    assert axe_violations(page) == []


def test_a_forgotten_password_is_reset_through_the_emailed_link(seeded, live_server, page):
    page.goto(live_server + "/login")
    page.get_by_role("link", name="Quên mật khẩu?").click()
    page.wait_for_load_state()
    _look(page, "reset-1-forgot")
    page.get_by_label("Thư điện tử").fill("viewer@example.org")
    page.get_by_role("button", name="Gửi liên kết đặt lại mật khẩu").click()
    page.wait_for_load_state()
    answer = page.locator("main").inner_text()
    _look(page, "reset-2-sent")
    # The same answer for an address with no account: nothing tells who has one.
    page.goto(live_server + "/password/forgot")
    page.get_by_label("Thư điện tử").fill("khong-co-ai@example.org")
    page.get_by_role("button", name="Gửi liên kết đặt lại mật khẩu").click()
    page.wait_for_load_state()
    assert page.locator("main").inner_text() == answer
    with seeded.app_context():
        messages = list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "password_reset")))
        assert [m.recipients for m in messages] == [["viewer@example.org"]]
        link = re.search(r"https?://\S+/password/reset/\S+", messages[0].body_text).group(0)
    page.goto(live_server + link[link.index("/password/reset/") :])
    page.set_viewport_size(PHONE)
    page.get_by_label("Mật khẩu mới (ít nhất 10 ký tự)").fill(NEW_PASSWORD)
    page.get_by_label("Nhập lại mật khẩu mới").fill(NEW_PASSWORD)
    _look(page, "reset-3-new-password")
    page.get_by_role("button", name="Đặt mật khẩu mới").click()
    page.wait_for_load_state()
    page.get_by_label("Thư điện tử").fill("viewer@example.org")
    page.get_by_label("Mật khẩu").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state()
    assert "/login" not in page.url
    _look(page, "reset-4-signed-in")
    # The link is spent: opening it again sets nothing.
    page.goto(live_server + link[link.index("/password/reset/") :])
    assert page.get_by_label("Mật khẩu mới (ít nhất 10 ký tự)").count() == 0
    assert page.console_errors == []


def test_the_year_report_made_in_september_stands_at_today(seeded, live_server, page):
    from .conftest import sign_in

    sign_in(page, live_server, "monitor")
    with seeded.app_context():
        plan_id = db.session.scalar(select(Plan.id))
    page.goto(f"{live_server}/reports/{plan_id}/print?start=2023-01-01&end=2023-12-31")
    text = page.locator("main").inner_text()
    assert "Tính đến ngày 15/09/2023" in text and "31/12/2023: " not in text
    assert "chưa hoàn thành, trong hạn" in text.lower() or "còn hạn" in text.lower()
    _look(page, "year-report")
    assert page.console_errors == []
