"""The unit page of a unit with many assignments (issue 16) in a real Chromium, at 1280 px and at a phone's
375 px: overdue ones on top, pages and filters that work with the keyboard and without scripts, the quick
update one tap away on every row, nothing wider than the screen."""

from __future__ import annotations

import pytest

from tracker.extensions import db

from ..test_unit_page_size import give_unit_work
from .conftest import sign_in


@pytest.mark.parametrize("width", [1280, 375])
def test_a_unit_with_many_assignments_pages_filters_and_updates(seeded, live_server, page, artifacts, width):
    with seeded.app_context():
        give_unit_work("CDA", 300)
        db.session.commit()
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server, "head_cda")
    page.goto(live_server + "/units/CDA")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the unit page scrolls sideways at {width} px"
    first = page.locator("#chu-tri ~ ul.cards li.card, h3#nhom-overdue + ul.cards li.card").first
    assert "quá hạn" in first.inner_text()
    page.screenshot(path=str(artifacts / f"unit-page-many-{width}.png"), full_page=False)

    # The next page, then the filter on blocked ones, by keyboard.
    page.get_by_role("link", name="Trang sau").first.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**page=2*")
    assert page.get_by_text("Trang 2 /").is_visible()
    page.get_by_label("Trạng thái").select_option("blocked")
    page.get_by_role("button", name="Lọc", exact=True).click()
    page.wait_for_url("**state=blocked*")
    assert page.locator("h3#nhom-blocked, h3#nhom-overdue, h3#nhom-due_soon").count() >= 1
    assert page.locator("li.card .badge").filter(has_text="Gặp vướng mắc").count() == page.locator("li.card").count()

    # A progress report from a card of page 2 of the blocked ones comes back to that page, saved.
    page.get_by_role("link", name="Trang sau").first.click()
    page.wait_for_url("**page=2*")
    card = page.locator("li.card").nth(2)
    reference = card.locator("a.ref").inner_text()
    card.get_by_label("Nội dung").fill("Đã làm việc với nhà cung cấp.")
    card.get_by_role("button", name="Lưu cập nhật").click()
    page.wait_for_url("**state=blocked&page=2")
    assert (
        page.get_by_role("status").filter(has_text="Đã cập nhật").count()
        + page.locator(".flash").filter(has_text="Đã cập nhật").count()
        >= 1
    )
    page.screenshot(path=str(artifacts / f"unit-page-many-after-update-{width}.png"), full_page=False)
    assert reference
