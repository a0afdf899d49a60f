"""The plan import preview in a real Chromium, on real plans of the development corpus uploaded through the
page as an admin would: the items, the rows not understood, the unknown names made units, the number asked
for; accessible (axe-core finds nothing, of any impact) and without sideways scrolling on a phone."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ..conftest import CORPUS
from .conftest import sign_in
from .test_pages_in_chromium import AXE, PHONE

KH144 = CORPUS / "kh144-ubnd-bacninh-2025.md"  # a paragraph plan with KPI targets and rows not understood
PDF584 = CORPUS / "pdf584-bacgiang-smartcity.pdf"  # a PDF that states no number

pytestmark = pytest.mark.skipif(not KH144.is_file(), reason=f"the development corpus is not at {CORPUS}")


def all_axe_violations(page) -> list[str]:
    """Every axe-core violation (WCAG 2.1 A/AA and best practice), whatever its impact."""
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
    ]


def sideways_scroll(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def upload(page, base_url: str, path: Path) -> None:
    """Choose the file on the import page and ask for the preview."""
    page.goto(base_url + "/admin/import")
    page.get_by_label("Văn bản kế hoạch", exact=False).set_input_files(str(path))
    page.get_by_role("button", name="Xem trước", exact=True).click()
    page.wait_for_load_state()


def check_at_both_widths(page, artifacts: Path, name: str) -> None:
    """No axe violation at a desktop's and a phone's width, no sideways scroll on the phone; screenshots."""
    for width, height, label in ((1280, 900, "desktop"), (PHONE["width"], PHONE["height"], "phone")):
        page.set_viewport_size({"width": width, "height": height})
        assert all_axe_violations(page) == [], f"{name} at {width} px"
        if label == "phone":
            assert sideways_scroll(page) <= 0, f"{name} scrolls sideways on a phone"
        page.screenshot(path=str(artifacts / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_an_admin_previews_a_corpus_plan_makes_its_units_and_confirms(seeded, live_server, page, artifacts):
    sign_in(page, live_server, "admin")
    upload(page, live_server, KH144)
    assert page.locator("h2#xem-truoc").inner_text() == f"Xem trước (chưa lưu): {KH144.name}"

    items = page.locator("section[aria-labelledby=nhiem-vu] li.card")
    stated = int(re.search(r"\((\d+)\)", page.locator("h3#nhiem-vu").inner_text()).group(1))
    assert stated > 0 and items.count() == stated
    assert "Chủ trì" in items.first.inner_text()

    not_understood = page.locator("section[aria-labelledby=khong-hieu] li.card")
    assert not_understood.count() >= 1
    first = not_understood.first
    assert first.locator("strong").inner_text().strip()  # its place in the document
    assert first.locator(".raw-text").inner_text().strip()  # and its text as written
    assert "sẽ không được nhập" in page.locator("section[aria-labelledby=khong-hieu]").inner_text()

    names = page.locator("section[aria-labelledby=ten-moi]")
    ticked = names.locator("input[name=names]:checked")
    assert ticked.count() >= 1
    create = names.get_by_role("button", name="Tạo đơn vị mới từ các tên đã chọn")
    assert create.is_visible()
    check_at_both_widths(page, artifacts, "import-preview-kh144")

    chosen = ticked.first.get_attribute("value")
    create.click()
    page.wait_for_load_state()
    assert "Đã tạo" in page.locator(".flashes").inner_text()
    assert page.locator(f"input[name=names][value='{chosen}']").count() == 0  # the name is a unit now
    assert page.locator("h2#xem-truoc").is_visible()  # back on the preview, still nothing saved

    page.get_by_role("button", name="Xác nhận nhập").click()
    page.wait_for_load_state()
    assert re.search(r"/plans/\d+$", page.url)
    assert "Đã nhập kế hoạch 144/KH-UBND" in page.locator(".flashes").inner_text()


def test_a_document_without_a_number_is_previewed_and_the_number_asked_for(seeded, live_server, page, artifacts):
    sign_in(page, live_server, "admin")
    upload(page, live_server, PDF584)
    box = page.locator("section.number-box")
    assert "Văn bản không ghi số hiệu" in box.locator("h3#so-hieu").inner_text()
    assert page.locator("section[aria-labelledby=nhiem-vu] li.card").count() > 0  # what was read is shown
    assert page.get_by_role("button", name="Xác nhận nhập").count() == 0
    check_at_both_widths(page, artifacts, "import-preview-no-number")

    # From the list at the top, the keyboard goes straight on to the number field.
    page.get_by_role("link", name="Nhập số hiệu văn bản", exact=True).focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "so-hieu-nhap"
    page.keyboard.type("584/KH-UBND")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Kế hoạch 584/KH-UBND:" in page.locator("section.preview").inner_text()
    assert page.get_by_role("button", name="Xác nhận nhập").is_visible()
