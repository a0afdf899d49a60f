"""The leadership's dashboard in a real Chromium (issue 17): the viewer signs in, lands on it, and at a phone's
375 px and a desktop's 1280 px sees the four classes, the trend and the units most behind for the seed plan
with the demo's history; axe-core finds no serious violation; screenshots for people to look at."""

from __future__ import annotations

import pytest

from ..test_dashboard import give_demo_history
from .conftest import sign_in
from .test_pages_in_chromium import axe_violations


@pytest.mark.parametrize("width, height", [(375, 740), (1280, 900)])
def test_the_viewer_lands_on_the_dashboard_and_sees_the_plan_at_a_glance(
    seeded, live_server, page, artifacts, width, height
):
    give_demo_history(seeded)
    page.set_viewport_size({"width": width, "height": height})
    sign_in(page, live_server, "viewer")
    assert page.url == f"{live_server}/dashboard"
    assert page.get_by_role("heading", level=1).inner_text().startswith("Bảng điều hành")

    classes = page.locator(".dashboard-classes")
    for name, count in (
        ("Hoàn thành đúng hạn", "1"),
        ("Hoàn thành quá hạn", "0"),
        ("Chưa hoàn thành, quá hạn", "1"),
        ("Chưa hoàn thành, còn hạn", "12"),
    ):
        card = classes.locator("li", has_text=name)
        assert card.is_visible() and card.locator(".big-number").inner_text() == count, name
    chart = page.locator("svg.trend")
    assert chart.is_visible() and chart.bounding_box()["height"] > 60
    assert "31/07/2023" in page.locator("table[aria-labelledby=bang-dien-bien]").inner_text()
    behind = page.locator("section[aria-labelledby=don-vi-cham]")
    assert behind.get_by_role("link", name="Vụ Pháp chế", exact=True).is_visible()
    assert "Phần mềm Một cửa điện tử" in page.locator("section[aria-labelledby=vuong-mac]").inner_text()

    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, "the dashboard scrolls sideways"
    assert axe_violations(page) == []
    page.screenshot(path=str(artifacts / f"dashboard-{width}.png"), full_page=True)

    # Each figure opens the list behind it.
    classes.locator("li", has_text="Chưa hoàn thành, quá hạn").locator(".big-number").click()
    page.wait_for_load_state()
    assert "/dashboard/assignments?" in page.url
    assert page.get_by_role("link", name="Vụ Pháp chế", exact=True).is_visible()
    assert axe_violations(page) == []
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, "the list scrolls sideways"
    page.screenshot(path=str(artifacts / f"dashboard-list-{width}.png"), full_page=True)
    assert page.console_errors == []
