"""The pages as people use them, in a real Chromium: accessible (axe-core), keyboard-usable, phone-sized."""
from __future__ import annotations

from pathlib import Path

import pytest

AXE = Path(__import__("axe_playwright_python").__file__).with_name("axe.min.js")
SERIOUS = {"serious", "critical"}


def axe_violations(page) -> list[str]:
    """Run axe-core (WCAG 2.1 A/AA rules) on the page; return the serious and critical violations."""
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"] if v["impact"] in SERIOUS
    ]


@pytest.mark.parametrize("path", ["/", "/plans/999999"], ids=["plan-page", "not-found"])
def test_pages_have_no_serious_accessibility_violations(live_server, page, path, tmp_path):
    response = page.goto(live_server + path)
    assert response.status in (200, 404)
    page.screenshot(path=str(tmp_path / "page.png"), full_page=True)
    assert axe_violations(page) == []
    assert page.console_errors == []  # nothing blocked by the Content-Security-Policy


def test_plan_page_shows_the_seed_plan_with_dates_as_dd_mm_yyyy(live_server, page):
    page.goto(live_server + "/")
    assert page.locator("h1").inner_text().startswith("KẾ HOẠCH HÀNH ĐỘNG")
    row = page.locator("tr#nv-I\\.1")
    assert "Vụ Pháp chế" in row.inner_text()
    assert "Hạn: 31/08/2023" in row.inner_text()
    assert page.get_by_role("status").inner_text().startswith("Ngày giả lập (demo)")


def test_keyboard_users_reach_a_visible_skip_link_first(live_server, page):
    page.goto(live_server + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Bỏ qua, đến nội dung chính"
    box = page.locator(".skip-link").bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] >= 0  # on screen once focused
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


def test_collective_members_open_with_the_keyboard(live_server, page):
    page.goto(live_server + "/")
    summary = page.locator("tr#nv-I\\.2 details summary").first
    summary.focus()
    page.keyboard.press("Enter")
    assert page.locator("tr#nv-I\\.2 details").first.get_attribute("open") is not None
    assert "Cục Bản quyền tác giả" in page.locator("tr#nv-I\\.2 details").first.inner_text()


def test_on_a_phone_the_page_does_not_scroll_sideways(live_server, chromium):
    context = chromium.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(live_server + "/")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0  # wide tables scroll inside their own region instead
    assert page.locator(".table-scroll").first.evaluate("e => e.scrollWidth > e.clientWidth")
    context.close()
