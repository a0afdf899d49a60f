"""Browser fixtures: the app served on 127.0.0.1 from a thread, and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium under Playwright; skipped where it is not installed, unless CI requires it."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("TRACKER_REQUIRE_BROWSER"):
            pytest.fail("Chromium is required (TRACKER_REQUIRE_BROWSER) but /usr/bin/chromium is missing")
        pytest.skip("Debian's chromium is not installed (./test.sh installs it when run as root)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test served by `live_server` is `committed`: the server's threads cannot share the test's connection."""
    for item in items:
        if "live_server" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.committed)


def _buffered(app):
    """The app with each response read whole and closed before it is sent: a browser that drops a
    connection mid-file (it does, for icons and styles) then leaves no open file behind in the server
    thread, which would otherwise surface later as a ResourceWarning in an unrelated test."""

    def wsgi(environ, start_response):
        result = app(environ, start_response)
        try:
            return [b"".join(result)]
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()

    return wsgi


@pytest.fixture
def live_server(seeded):
    """The seeded app served on a free loopback port for the length of one test."""
    server = make_server("127.0.0.1", 0, _buffered(seeded), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture
def artifacts() -> Path:
    """Where screenshots are saved for people to look at (kept by CI in the clone)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def sign_in(page, base_url: str, who: str) -> None:
    """Sign in through the login form, as a person would."""
    from ..conftest import PASSWORD

    page.goto(base_url + "/login")
    page.get_by_label("Thư điện tử").fill(f"{who}@example.org")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state()


@pytest.fixture
def page(chromium):
    """A fresh browser page that records console errors (a CSP violation shows up there) and failed
    sub-resources (stylesheet, icon …); the page's own status is for the test to check."""
    context = chromium.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.console_errors = []

    def on_console(message):
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            page.console_errors.append(message.text)

    def on_response(response):
        if response.status >= 400 and response.request.resource_type != "document":
            page.console_errors.append(f"{response.status} {response.url}")

    page.on("console", on_console)
    page.on("response", on_response)
    yield page
    context.close()
