"""The IT Centre's report in a real Chromium: choosing the year, downloading the .docx through its link,
and the chooser and the print view passing axe-core."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest
from sqlalchemy import select

from tracker.extensions import db
from tracker.models import Plan

from .conftest import sign_in
from .test_pages_in_chromium import axe_violations


@pytest.fixture
def today():
    return "2023-11-15"


def test_the_it_centre_downloads_the_annual_report_as_a_document(seeded, live_server, page, artifacts, tmp_path):
    sign_in(page, live_server, "monitor")
    page.get_by_role("link", name="Báo cáo", exact=True).click()
    page.wait_for_load_state()
    assert page.url.endswith("/reports")
    assert axe_violations(page) == []

    page.get_by_label("Cả năm").check()
    page.get_by_role("button", name="Chọn kỳ báo cáo").click()
    page.wait_for_load_state()
    assert "Báo cáo năm 2023" in page.locator("#tai-bao-cao").inner_text()
    page.screenshot(path=str(artifacts / "reports-chooser.png"), full_page=True)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Tải báo cáo (.docx)").click()
    download = download_info.value
    assert download.suggested_filename == "bao-cao-1872-QD-BVHTTDL-2023-01-01-2023-12-31.docx"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    data = saved.read_bytes()
    assert data.startswith(b"PK") and "word/document.xml" in zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert page.console_errors == []


def test_the_print_view_is_accessible_fits_a_phone_and_prints_without_the_site_chrome(
    seeded, live_server, page, artifacts
):
    with seeded.app_context():
        plan_id = db.session.scalar(select(Plan.id))
    sign_in(page, live_server, "monitor")
    response = page.goto(f"{live_server}/reports/{plan_id}/print?start=2023-01-01&end=2023-06-30")
    assert response.status == 200
    assert axe_violations(page) == []
    assert page.console_errors == []
    page.set_viewport_size({"width": 375, "height": 740})
    for path in ("/reports", f"/reports/{plan_id}/print?start=2023-01-01&end=2023-06-30"):
        page.goto(live_server + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{path} scrolls sideways on a phone"
    page.set_viewport_size({"width": 1280, "height": 900})
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible() and not page.locator(".report-tools").is_visible()
    assert page.locator(".report-header").is_visible()
    page.screenshot(path=str(artifacts / "report-print-view.png"), full_page=True)
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    assert pdf.startswith(b"%PDF")
    (artifacts / f"report-{date(2023, 6, 30):%Y-%m-%d}.pdf").write_bytes(pdf)
