"""Issue 17 item 4 in Chromium: the IT Centre ticks units in the matrix (or asks for every unit with overdue
items from the list) and downloads the công văn đôn đốc; both pages pass axe and fit 1280 and 375 px."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from docx import Document

from .conftest import sign_in
from .test_pages_in_chromium import axe_violations

PHONE = {"width": 375, "height": 800}


@pytest.fixture
def today():
    return "2023-11-15"


def _letter_text(download) -> str:
    document = Document(io.BytesIO(Path(download.path()).read_bytes()))
    return "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)


def test_the_it_centre_ticks_units_in_the_matrix_and_downloads_the_letter(live_server, page, artifacts):
    sign_in(page, live_server, "monitor")
    page.goto(live_server + "/monitoring/units")
    page.get_by_label("Chọn Vụ Pháp chế để lập công văn đôn đốc").check()
    page.get_by_label("Chọn Cục Điện ảnh để lập công văn đôn đốc").check()
    page.screenshot(path=str(artifacts / "issue17-letter-units-1280.png"), full_page=True)
    assert axe_violations(page) == []
    with page.expect_download() as caught:
        page.get_by_role("button", name="Lập công văn đôn đốc gửi các đơn vị đã chọn").click()
    download = caught.value
    assert download.suggested_filename == "cong-van-don-doc-2023-11-15.docx"
    text = _letter_text(download)
    assert "Vụ Pháp chế" in text and "Cục Điện ảnh" in text and "Cục Di sản văn hóa" not in text
    page.set_viewport_size(PHONE)
    page.reload()
    page.screenshot(path=str(artifacts / "issue17-letter-units-375.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert page.console_errors == []


def test_every_unit_with_overdue_items_from_the_list_at_375_px(live_server, page, artifacts):
    sign_in(page, live_server, "monitor")
    page.set_viewport_size(PHONE)
    page.goto(live_server + "/monitoring")
    page.get_by_text("Hoặc chọn từng đơn vị").click()
    assert page.get_by_label("Vụ Pháp chế (1 nhiệm vụ quá hạn)").is_visible()
    page.locator("section:has(#cong-van)").screenshot(path=str(artifacts / "issue17-letter-list-375.png"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert axe_violations(page) == []
    with page.expect_download() as caught:
        page.get_by_role("button", name="Lập công văn gửi mọi đơn vị có nhiệm vụ quá hạn (12 đơn vị)").click()
    assert "Vụ Thư viện" in _letter_text(caught.value)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.reload()
    page.locator("section:has(#cong-van)").screenshot(path=str(artifacts / "issue17-letter-list-1280.png"))
    assert page.console_errors == []
