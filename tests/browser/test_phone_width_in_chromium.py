"""Every page each demo account can open, at a phone's 375 px, in a real Chromium: none is wider than the
screen (a table may scroll inside its own box, but the page itself never scrolls sideways)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from tracker.clock import utcnow
from tracker.extensions import db
from tracker.models import ActionItem, Unit, User
from tracker.password_resets import issue_link

from .conftest import sign_in

PHONE = {"width": 375, "height": 740}
ROLES = {"admin": "admin", "monitor": "monitor", "viewer": "viewer", "unit_head": "head_cda", "unit_staff": "staff_cda"}
# Routes that answer with a file or JSON, not a page, and the one that needs an upload first.
NOT_PAGES = {
    "static",
    "units.calendar",
    "items.evidence",
    "kpi.export",
    "kpi.template",
    "reports.docx",
    "reports.xlsx",
    "health.healthz",
    "admin.import_preview",
    "admin.units_template",
    "admin.users_template",
    "monitoring.export",
    "plan_versions.source",
    "plan_editor.deadline_reading",
    "league.export",
    # A queued import's pages need a job (tests/browser/test_import_job_in_chromium.py opens them at 375 px).
    "admin.import_job",
    "admin.import_job_status",
    "kpi.import_job",
    "kpi.import_job_status",
}
QUERIES = {"reports.print_view": "?start=2023-01-01&end=2023-12-31"}


def page_paths(app) -> list[str]:
    """A path for every GET page in the url_map, its ids filled from the seed: the seed plan, item I.2
    (eleven lead units) and Cục Điện ảnh, which coordinates items and has a KPI panel."""
    with app.app_context(), app.test_request_context():
        from flask import url_for

        item = next(i for i in db.session.scalars(select(ActionItem)) if i.reference == "I.2")
        unit = db.session.scalar(select(Unit).where(Unit.code == "CDA"))
        # A live password-reset link (its page is open to anyone who holds it); nobody's password changes.
        someone = db.session.scalar(select(User).where(User.email == "viewer@example.org"))
        token = issue_link(someone, now=utcnow(), lifetime=timedelta(hours=1))
        db.session.commit()
        # "number": the plan's first version (its import) and its indicator (1).
        values = {
            "plan_id": item.plan_id,
            "item_id": item.id,
            "code": unit.code,
            "unit_id": unit.id,
            "token": token,
            "number": 1,
        }
        paths = set()
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.endpoint in NOT_PAGES or rule.rule.startswith("/api/"):
                continue
            paths.add(
                url_for(rule.endpoint, **{name: values[name] for name in rule.arguments})
                + QUERIES.get(rule.endpoint, "")
            )
        paths.add(url_for("admin.edit_unit"))  # the "new unit" form, besides an existing unit's
        paths.add(url_for("monitoring.overdue", **{"class": "not_started"}))
    return sorted(paths)


def test_no_page_is_wider_than_a_phone_for_any_account(seeded, live_server, chromium):
    paths = page_paths(seeded)
    too_wide, opened = [], {}
    for role, who in ROLES.items():
        context = chromium.new_context(locale="vi-VN", viewport=PHONE)
        page = context.new_page()
        sign_in(page, live_server, who)
        opened[role] = 0
        for path in paths:
            response = page.goto(live_server + path)
            if response.status == 403 or "text/html" not in response.headers.get("content-type", ""):
                continue
            assert response.status == 200, f"{role} {path} → {response.status}"
            opened[role] += 1
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE["width"]:
                too_wide.append(f"{role} {path}: {width} px")
        context.close()
    assert all(opened.values()), opened
    assert not too_wide, "pages wider than 375 px:\n" + "\n".join(too_wide)


# The tables whose deadline, status and attainment must be read on a phone without scrolling the table's
# own box sideways: a selector per page, each naming the tables that hold those columns.
WHOLE_TABLES = [
    ("viewer", "/plans/{plan_id}", ".table-scroll"),
    ("head_cda", "/units/CDA", "#phoi-hop ~ .table-scroll, .kpi-table"),
    ("monitor", "/monitoring", "#monitoring-list"),
]


def test_the_deadline_status_and_attainment_columns_fit_a_phone_without_an_inner_scroll(seeded, live_server, chromium):
    with seeded.app_context():
        plan_id = next(i for i in db.session.scalars(select(ActionItem)) if i.reference == "I.2").plan_id
    hidden = []
    for who, path, selector in WHOLE_TABLES:
        context = chromium.new_context(locale="vi-VN", viewport=PHONE)
        page = context.new_page()
        sign_in(page, live_server, who)
        path = path.format(plan_id=plan_id)
        page.goto(live_server + path)
        boxes = page.eval_on_selector_all(
            selector,
            "els => els.map(el => el.closest('.table-scroll') || el)"
            ".map(box => [box.scrollWidth, box.clientWidth, box.getBoundingClientRect().right])",
        )
        assert boxes, f"{who} {path}: no table matches {selector}"
        hidden += [
            f"{who} {path}: table {scroll} px wide in a {client} px box, right edge at {right:.0f} px"
            for scroll, client, right in boxes
            if scroll > client or right > PHONE["width"]
        ]
        context.close()
    assert not hidden, "\n".join(hidden)
