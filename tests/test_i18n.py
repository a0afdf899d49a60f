"""The English interface: the language switch, pages and messages in English, back to Vietnamese, and a
catalog that is complete, compiled and in step with the sources."""

from __future__ import annotations

import re
from pathlib import Path

import flask_babel
import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from flask import render_template_string
from flask_babel import force_locale, refresh
from jinja2 import Environment

from tracker import labels
from tracker.rules.kpi import FIELD_LABELS
from tracker.rules.kpi import STATUS_LABELS as KPI_STATUS_LABELS
from tracker.rules.lifecycle import CLASS_LABELS, ROLL_UP_LABELS, STATE_LABELS
from tracker.rules.permissions import ROLE_LABELS
from tracker.status import relative_days
from tracker.views import format_relative_days

from .conftest import PASSWORD, csrf_token

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "translations" / "en" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")


def switch(client, lang: str, next_path: str, token_from: str = "/account"):
    response = client.post(
        "/language", data={"lang": lang, "next": next_path, "csrf_token": csrf_token(client, token_from)}
    )
    assert response.status_code == 302 and response.headers["Location"] == next_path
    return response


def page(client, path: str, status: int = 200) -> str:
    response = client.get(path)
    assert response.status_code == status, path
    return response.get_data(as_text=True)


def test_switching_to_english_and_back(seeded, client, login_as):
    login_as("head_cda")
    switch(client, "en", "/units/CDA")

    unit = page(client, "/units/CDA")
    assert '<html lang="en">' in unit
    for text in (
        "Action items the unit leads",
        "Action items the unit coordinates on",
        "Targets for providing and using online public services",
        "1 action item as lead unit:",
        "0 overdue",
        "Deadline",
        "Last updated",
        "days left",
        "Not started",
        "Quick update of action item I.2",
        "Move to",
        "Save update",
        "Today:",
        "Simulated date (demo)",
        "My unit",
        "Sign out",
        "(CDA)",
    ):
        assert text in unit, text
    for text in ("Nhiệm vụ đơn vị chủ trì", "Cập nhật lần cuối", "Chưa triển khai", "Đăng xuất"):
        assert text not in unit, text
    assert "Cục Điện ảnh" in unit  # data stays as written

    plan_path = client.get("/plans").headers["Location"]
    plan = page(client, plan_path)
    assert '<html lang="en">' in plan
    for text in (
        "Action items",
        "Lead unit",
        "Coordinating units",
        "Expected output",
        "Deadline",
        "Overdue",
        "0 of 1 assignment done.",
        "0 of 11 assignments done.",
        "Yearly, due 31/12/2023",
        "comprising 11 units",
        "specific unit not identified",
        "Document No. 1872/QĐ-BVHTTDL of 13/07/2023.",
    ):
        assert text in plan, text
    assert "Các nhiệm vụ" not in plan and "phân công hoàn thành" not in plan

    item_id = re.search(r'href="/items/(\d+)" class="ref">Action item I\.2<', unit).group(1)
    item = page(client, f"/items/{item_id}")
    assert '<html lang="en">' in item
    for text in (
        "<h1>Action item I.2</h1>",
        "Overall status: Not started",
        "Lead unit",
        "Expected output",
        "Lead units and progress",
        "Progress update for Cục Điện ảnh",
        "New status",
        "In progress",
        "Blocked",
        "When choosing “Done”: evidence of the result",
        "Completion date",
        "History and comments",
        "Post comment",
    ):
        assert text in item, text
    assert "Trạng thái mới" not in item and "Lịch sử và ý kiến" not in item

    # A message made in a view, and a label from the rules, in English too.
    version = re.search(r'name="a(\d+)-version" type="hidden" value="(\d+)"', item)
    response = client.post(
        f"/assignments/{version.group(1)}/status",
        data={
            f"a{version.group(1)}-to_state": "in_progress",
            f"a{version.group(1)}-comment": "Started.",
            f"a{version.group(1)}-version": version.group(2),
            "csrf_token": csrf_token(client, "/account"),
        },
    )
    assert response.status_code == 302
    item = page(client, response.headers["Location"])
    assert "Action item I.2 updated for Cục Điện ảnh." in item
    assert "“Not started” → “In progress”" in item

    switch(client, "vi", "/units/CDA")
    unit = page(client, "/units/CDA")
    assert '<html lang="vi">' in unit
    for text in ("Nhiệm vụ đơn vị chủ trì", "Cập nhật lần cuối", "Đang thực hiện", "Đăng xuất", "Hôm nay:"):
        assert text in unit, text
    assert "Action items the unit leads" not in unit and "Last updated" not in unit


def test_login_page_errors_and_sign_in_in_english(seeded, client):
    switch(client, "en", "/login", token_from="/login")
    login = page(client, "/login")
    assert '<html lang="en">' in login
    for text in (
        "<h1>Sign in</h1>",
        ">Email</label>",
        ">Password</label>",
        "Keep me signed in on this computer",
        "Forgotten your password?",
    ):
        assert text in login, text
    assert "Đăng nhập" not in login

    token = csrf_token(client, "/login")
    refused = client.post(
        "/login", data={"email": "head_cda@example.org", "password": "wrong-password", "csrf_token": token}
    )
    assert refused.status_code == 401
    assert "Incorrect email or password." in refused.get_data(as_text=True)
    empty = client.post("/login", data={"email": "", "password": "", "csrf_token": token})
    assert "This field is required." in empty.get_data(as_text=True)

    # The language chosen before signing in is kept by the fresh session.
    signed_in = client.post(
        "/login",
        data={"email": "head_cda@example.org", "password": PASSWORD, "csrf_token": token},
        follow_redirects=True,
    )
    assert "Welcome, head_cda." in signed_in.get_data(as_text=True)
    assert "Page not found" in page(client, "/no-such-page", 404)
    with seeded.app_context():
        from sqlalchemy import select

        from tracker.extensions import db
        from tracker.models import Assignment

        any_assignment = db.session.scalar(select(Assignment.id).limit(1))  # ids differ between databases
    api = client.post(
        f"/api/v1/assignments/{any_assignment}/status",
        data="x",
        headers={"X-CSRFToken": csrf_token(client, "/account")},
    )
    assert api.status_code == 400 and api.get_json()["error"]["message"] == "The request body must be a JSON object."


def test_relative_days_in_both_languages(app):
    with app.test_request_context():
        for days in (-5, -1, 0, 1, 56, None):
            assert format_relative_days(days) == relative_days(days)
        with force_locale("en"):
            assert [format_relative_days(d) for d in (-5, -1, 0, 1, 56)] == [
                "5 days overdue",
                "1 day overdue",
                "due today",
                "1 day left",
                "56 days left",
            ]


SAID = ("Lọc", "Hạn hoàn thành", "Đăng xuất")  # texts the English catalog translates


def said_by_flask_babel() -> list[str]:
    return [flask_babel.gettext(text) for text in SAID]


def said_by_template() -> list[str]:
    return render_template_string("{% for text in said %}{{ _(text) }}|{% endfor %}", said=SAID).split("|")[:-1]


def test_the_kept_catalog_follows_the_language_as_flask_babel_does(app):
    """tracker.labels keeps the request's catalog: each language still says its own texts, in code and in
    templates, through force_locale (the emails) and refresh, and the same as Flask-Babel's own lookups."""
    with app.test_request_context():
        vietnamese = [labels.gettext(text) for text in SAID]
        assert vietnamese == list(SAID) == said_by_flask_babel() == said_by_template()
        with force_locale("en"):
            english = [labels.gettext(text) for text in SAID]
            assert english == said_by_flask_babel() == said_by_template()
            assert english == ["Filter", "Due date", "Sign out"]
            assert str(labels.get_locale()) == "en"
            assert labels.translations() is flask_babel.get_translations()
            assert labels.ngettext("và %(num)d chỗ khác", "và %(num)d chỗ khác", 2) == "and 2 other places"
            assert labels.ngettext("và %(num)d chỗ khác", "và %(num)d chỗ khác", 1) == flask_babel.ngettext(
                "và %(num)d chỗ khác", "và %(num)d chỗ khác", 1
            )
        assert [labels.gettext(text) for text in SAID] == vietnamese == said_by_template()
        assert str(labels.lazy_gettext("Lọc")) == "Lọc"
        with force_locale("en"):
            assert str(labels.lazy_gettext("Lọc")) == "Filter"
        refresh()
        assert [labels.gettext(text) for text in SAID] == vietnamese
    with app.app_context(), force_locale("en"):  # outside a request, as the scheduled jobs say their texts
        assert labels.gettext("Lọc") == flask_babel.gettext("Lọc") == "Filter"
        with force_locale("vi"):
            assert labels.gettext("Lọc") == "Lọc"
        assert labels.gettext("Lọc") == "Filter"


@pytest.mark.parametrize(
    "source",
    [
        "{{ _('Lọc') }}",
        "{{ _('Nhiệm vụ %(ref)s', ref=ref) }}",
        "{{ gettext('Ví dụ: %%, hồ sơ') }}",
        "{{ _('%(title)s (số %(number)s)', title=ref, number=5) }}",
        "{% set f = _('Trang %(page)s', page='%(page)s') %}{{ f|format(page=ref) }}",
        "{% trans %}Lọc{% endtrans %}",
    ],
)
@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("autoescape", [True, False])
def test_the_templates_gettext_says_what_jinjas_newstyle_gettext_says(app, source, language, autoescape):
    """tracker.labels.template_gettext, the templates' _() and gettext, against Jinja's own newstyle gettext on
    the same catalog: the same text, escaped the same way (HTML pages) or not (e-mails' text)."""
    with app.test_request_context(), force_locale(language):
        ours = app.jinja_env.overlay(autoescape=autoescape)
        jinja = Environment(extensions=["jinja2.ext.i18n"], autoescape=autoescape)
        jinja.install_gettext_callables(  # type: ignore[attr-defined]
            gettext=flask_babel.gettext, ngettext=flask_babel.ngettext, newstyle=True
        )
        ref = "<b>I.2</b> & co"
        assert ours.from_string(source).render(ref=ref) == jinja.from_string(source).render(ref=ref)


@pytest.fixture(scope="module")
def catalog():
    with PO.open("rb") as f:
        return read_po(f)


def test_the_english_catalog_has_no_empty_or_fuzzy_entries(catalog):
    assert not catalog.fuzzy
    messages = [m for m in catalog if m.id]
    assert len(messages) > 200
    for message in messages:
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert strings and all(strings), f"untranslated: {message.id!r}"
        assert "fuzzy" not in message.flags, f"fuzzy: {message.id!r}"


def test_the_compiled_catalog_matches_the_po_file(catalog):
    with MO.open("rb") as f:
        compiled = read_mo(f)

    def entries(messages) -> dict:
        def plain(value):  # read_mo gives a plural's texts as a list, a context as bytes
            if isinstance(value, bytes):
                return value.decode("utf-8")
            return tuple(value) if isinstance(value, (list, tuple)) else value

        return {(plain(m.context), plain(m.id)): plain(m.string) for m in messages if m.id}

    as_po, as_mo = entries(catalog), entries(compiled)
    assert len(as_po) > 200
    assert as_mo == as_po, "run: pybabel compile -d translations"


def test_the_catalog_holds_every_message_of_the_sources(catalog):
    with (ROOT / "babel.cfg").open(encoding="utf-8") as f:
        method_map, options_map = parse_mapping_cfg(f)
    keywords = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "t": None}
    found = {
        (context, message[0] if isinstance(message, tuple) else message)
        for _file, _line, message, _comments, context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=keywords
        )
    }
    held = {(m.context, m.id[0] if isinstance(m.id, tuple) else m.id) for m in catalog if m.id}
    assert found - held == set(), "new messages: extract and update the catalog (README, Languages)"
    assert held - found == set(), "obsolete messages in the catalog"


def test_every_rules_label_is_in_the_catalog(catalog):
    labels = {
        *STATE_LABELS.values(),
        *CLASS_LABELS.values(),
        *ROLL_UP_LABELS.values(),
        *ROLE_LABELS.values(),
        *KPI_STATUS_LABELS.values(),
        *FIELD_LABELS.values(),
        "Chưa giao",
        "Chưa giao đơn vị",
    }  # tracker.status.item_status
    held = {m.id for m in catalog if m.id and not m.context}
    assert labels - held == set()
