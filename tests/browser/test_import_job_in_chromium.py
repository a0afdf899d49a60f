"""A big plan's preview runs outside the request: in a real Chromium, the job's page shows a progress bar
(accessible, no sideways scroll on a phone), polls its status every second, and opens the preview by itself
once the worker has run the job; reopening the page shows the preview again."""

from __future__ import annotations

import pytest

from tracker.jobs import run_jobs

from .conftest import sign_in
from .test_import_preview_in_chromium import KH144, check_at_both_widths, upload

pytestmark = pytest.mark.skipif(not KH144.is_file(), reason="the development corpus is not there")


def test_the_job_page_follows_the_worker_then_shows_the_preview(seeded, live_server, page, artifacts):
    seeded.config["IMPORT_IN_REQUEST_BYTES"] = 0  # every import is queued
    try:
        sign_in(page, live_server, "admin")
        upload(page, live_server, KH144)
        assert "/admin/import/jobs/" in page.url
        job_url = page.url
        assert page.locator("progress").count() == 1
        assert "Đang chờ đến lượt xử lý" in page.locator("#job-progress-text").inner_text()
        check_at_both_widths(page, artifacts, "import-job-queued")
        with seeded.app_context():
            assert run_jobs() == 1
        # The page's script sees the job done and reloads: the preview, with no click.
        page.locator("h2#xem-truoc").wait_for(timeout=10_000)
        assert page.locator("h2#xem-truoc").inner_text() == f"Xem trước (chưa lưu): {KH144.name}"
        assert page.console_errors == []
        page.goto(job_url)
        assert page.locator("h2#xem-truoc").is_visible()
    finally:
        seeded.config["IMPORT_IN_REQUEST_BYTES"] = ""
