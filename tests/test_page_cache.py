"""Pages kept until the data changes (tracker/page_cache.py): a page asked again costs the sign-in's one statement,
and nobody ever sees a kept page that the data, the day, the person or the language has made wrong. Its forms
work (a fresh CSRF token each time), a message shown once is not shown again, and a change made anywhere (this
request, another session, another process, a restore) shows on the next request."""

from __future__ import annotations

import re
import time
from datetime import date

import pytest
from sqlalchemy import event, select, text

from tests.conftest import _make_app, assignment_of, csrf_token, find_assignment, login, post_status
from tracker.clock import utcnow
from tracker.extensions import db
from tracker.models import Assignment, SignIn, Unit
from tracker.page_cache import ANSWERS_KEPT, Kept, PageCache
from tracker.rules.lifecycle import IN_PROGRESS, NOT_STARTED

from .test_query_counts import count_statements

TOKEN = re.compile(r'(name="(?:a\d+-)?csrf_token"[^>]*value=")[^"]+(")')


def _tokens(page: str) -> set[str]:
    return {match.group(0).split('value="')[1][:-1] for match in TOKEN.finditer(page)}


def _without_tokens(page: str) -> str:
    return TOKEN.sub(r"\1…\2", page)


def _card(page: str, assignment_id: int) -> str:
    """The state an assignment's card on the unit page says (its badge)."""
    start = page.index(f'id="pc-{assignment_id}"')
    badge = re.search(r'class="badge badge-[^"]*">([^<]*)<', page[start:])
    assert badge is not None
    return badge.group(1)


def _stamp(app) -> int:
    with app.app_context():
        return db.session.scalar(text("SELECT stamp FROM data_stamp"))


def _open_cda_assignment(app) -> tuple[int, int]:
    with app.app_context():
        assignment = db.session.scalars(
            select(Assignment).where(Assignment.status == NOT_STARTED, Assignment.is_active).order_by(Assignment.id)
        ).first()
        assert assignment is not None
        return assignment_of(app, assignment.item.reference, assignment.unit.code)


def _signed_in_page(client, path: str) -> str:
    """The page once the sign-in's message has been shown (a page with a message is never kept)."""
    client.get(path)
    return client.get(path).get_data(as_text=True)


def test_a_page_asked_again_costs_one_statement_and_its_forms_still_work(seeded, login_as, client):
    login_as("head_cda")
    first = _signed_in_page(client, "/units/CDA")
    # The same head signed in on another device: the kept page, with that sign-in's own CSRF token.
    phone = seeded.test_client()
    login(phone, "head_cda")
    phone.get("/units/CDA")
    with seeded.app_context(), count_statements() as counter:
        again = phone.get("/units/CDA").get_data(as_text=True)
    assert counter["n"] == 1  # the sign-in, which reads the data's stamp with it: nothing rendered
    assert _without_tokens(again) == _without_tokens(first)
    assert _tokens(again) and _tokens(again).isdisjoint(_tokens(first))

    assignment_id, version = assignment_of(seeded, "I.2", "CDA")
    assert _card(again, assignment_id) != "Đang thực hiện"
    token = next(iter(_tokens(again)))
    moved = post_status(phone, assignment_id, version, token=token, to_state=IN_PROGRESS, comment="Đã bắt đầu.")
    assert moved.status_code == 302  # the kept page's token is this sign-in's

    after = client.get("/units/CDA").get_data(as_text=True)
    assert _card(after, assignment_id) == "Đang thực hiện"  # the change shows at once, to everyone


def test_a_message_is_shown_once_and_never_kept(seeded, login_as, client):
    login_as("head_cda")
    _signed_in_page(client, "/units/CDA")
    assignment_id, version = assignment_of(seeded, "I.2", "CDA")
    assert post_status(client, assignment_id, version, to_state=IN_PROGRESS, comment="Đã bắt đầu.").status_code == 302
    shown = client.get("/units/CDA").get_data(as_text=True)
    assert 'class="flashes"' in shown
    assert 'class="flashes"' not in client.get("/units/CDA").get_data(as_text=True)
    assert 'class="flashes"' not in client.get("/units/CDA").get_data(as_text=True)


def test_a_change_committed_by_another_session_shows_on_the_next_request(seeded, login_as, client):
    login_as("head_cda")
    assignment_id, _ = assignment_of(seeded, "I.2", "CDA")
    page = _signed_in_page(client, "/units/CDA")
    assert "Gặp vướng mắc" not in _card(page, assignment_id)
    with seeded.app_context():  # as the CLI or the scheduler would: its own session, its own commit
        assignment = db.session.get(Assignment, assignment_id)
        assignment.status, assignment.difficulty = "blocked", "Chờ kinh phí."
        db.session.commit()
    assert "Gặp vướng mắc" in _card(client.get("/units/CDA").get_data(as_text=True), assignment_id)


def test_what_is_rolled_back_or_only_bookkeeping_keeps_the_stamp(seeded, login_as, client):
    login_as("head_cda")
    stamp = _stamp(seeded)
    with seeded.app_context():
        find_assignment("I.2", "CDA").status = IN_PROGRESS
        db.session.flush()
        db.session.rollback()
        # A sign-in's last-seen time moves on while people only read: no page shows it.
        for sign_in in db.session.scalars(select(SignIn)):
            sign_in.last_seen_at = utcnow()
        db.session.commit()
    assert _stamp(seeded) == stamp
    with seeded.app_context():
        find_assignment("I.2", "CDA").status = IN_PROGRESS
        db.session.commit()
    assert _stamp(seeded) != stamp


def test_each_person_day_and_language_has_its_own_page(seeded, login_as, client):
    login_as("head_cda")
    head_page = _signed_in_page(client, "/units/CDA")
    assert 'action="/assignments/' in head_page  # the head updates from the page

    other = seeded.test_client()
    login(other, "monitor")
    monitor_page = _signed_in_page(other, "/units/CDA")
    assert 'action="/assignments/' not in monitor_page  # the IT Centre follows, it does not update

    seeded.config["TODAY"] = "2023-09-16"
    assert "16/09/2023" in client.get("/units/CDA").get_data(as_text=True)

    client.post("/language", data={"lang": "en", "next": "/units/CDA", "csrf_token": csrf_token(client, "/account")})
    english = _signed_in_page(client, "/units/CDA")
    assert '<html lang="en">' in english and "Sign out" in english


def test_the_api_answer_is_kept_with_its_headers(seeded, runner):
    from .test_api import bearer, make_token

    token = make_token(runner, "monitor")
    client = seeded.test_client()
    path = "/api/v1/assignments?status=open&per_page=5"
    first = client.get(path, headers=bearer(token))
    with seeded.app_context(), count_statements() as counter:
        again = client.get(path, headers=bearer(token))
    assert counter["n"] == 1  # the token, with the stamp
    assert again.status_code == 200 and again.json == first.json and again.content_type == first.content_type


def test_with_no_room_every_page_is_rendered(seeded, login_as, client):
    seeded.config["PAGE_CACHE_MB"] = 0
    login_as("head_cda")
    _signed_in_page(client, "/units/CDA")
    with seeded.app_context(), count_statements() as counter:
        client.get("/units/CDA")
    assert counter["n"] > 3


@pytest.mark.committed  # the other process's commit must be seen by this one
def test_a_change_made_by_another_process_shows_here(seeded, database_url, tmp_path, login_as, client):
    login_as("head_cda")
    assignment_id, _ = assignment_of(seeded, "I.2", "CDA")
    assert "Gặp vướng mắc" not in _card(_signed_in_page(client, "/units/CDA"), assignment_id)
    other = _make_app(database_url, tmp_path / "other", seeded.config["TODAY"])
    with other.app_context():
        assignment = db.session.get(Assignment, assignment_id)
        assignment.status, assignment.difficulty = "blocked", "Chờ kinh phí."
        db.session.commit()
        db.engine.dispose()
    assert "Gặp vướng mắc" in _card(client.get("/units/CDA").get_data(as_text=True), assignment_id)


# --- the store itself ------------------------------------------------------------------------------------------


def _kept(size: int, at: float | None = None) -> Kept:
    return Kept(parts=(b"x" * size,), headers=(), kept_at=time.monotonic() if at is None else at)


def test_the_store_lets_the_least_recently_served_go_first():
    cache = PageCache(max_bytes=4 * 1200, seconds=60)
    for name in "abcd":
        cache.put((name,), _kept(1000))
    assert cache.get(("a",)) is not None  # a served again: b is now the oldest
    cache.put(("e",), _kept(1000))
    assert cache.get(("b",)) is None and cache.get(("a",)) is not None and len(cache) == 4
    cache.put(("huge",), _kept(4000))  # more than a quarter of the room: not kept
    assert cache.get(("huge",)) is None


def test_the_store_forgets_a_page_older_than_its_time():
    cache = PageCache(max_bytes=10_000, seconds=60)
    cache.put(("old",), _kept(10, at=time.monotonic() - 61))
    cache.put(("new",), _kept(10))
    assert cache.get(("old",)) is None and cache.get(("new",)) is not None and len(cache) == 1


# --- answers kept per stamp (kept_per_stamp) ------------------------------------------------------------------

LETTER_ALL = "Lập công văn gửi mọi đơn vị có nhiệm vụ quá hạn ({} đơn vị)"


def _page_and_statements(app, client, path: str) -> tuple[str, list[str]]:
    """The page at `path` and the SQL statements answering it issued."""
    statements: list[str] = []

    def note(_conn, _cursor, statement, *_args):
        statements.append(statement)

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", note)
        try:
            page = client.get(path).get_data(as_text=True)
        finally:
            event.remove(db.engine, "before_cursor_execute", note)
    return page, statements


def _overdue_list(app, client, path: str) -> tuple[str, bool]:
    """The overdue list at `path`, and whether answering it counted the overdue assignments unit by unit."""
    page, statements = _page_and_statements(app, client, path)
    return page, any("GROUP BY assignments.unit_id" in statement for statement in statements)


@pytest.mark.parametrize("today", ["2023-11-15"])  # twelve units have overdue assignments
def test_the_directory_overdue_count_is_worked_out_once_until_the_data_or_the_day_changes(seeded, login_as, client):
    """Every address of the overdue list (filters, order, page), whoever asks, shares one count of the directory's
    overdue assignments while the data and the day are the same."""
    login_as("monitor")
    _signed_in_page(client, "/monitoring")
    page, counted = _overdue_list(seeded, client, "/monitoring?sort=days")
    assert LETTER_ALL.format(12) in page and not counted  # a new address: the count the first one worked out
    other = seeded.test_client()
    login(other, "monitor")
    _signed_in_page(other, "/monitoring?page=1")
    with seeded.app_context():  # Vụ Pháp chế's one overdue assignment is done, committed elsewhere
        late = db.session.scalars(
            select(Assignment)
            .join(Unit)
            .where(Unit.name == "Vụ Pháp chế", Assignment.status != "done", Assignment.due_on < date(2023, 11, 15))
        ).one()
        late.status = "done"
        db.session.commit()
    page, counted = _overdue_list(seeded, client, "/monitoring?sort=unit")
    assert counted and LETTER_ALL.format(11) in page and "Vụ Pháp chế (1 nhiệm vụ quá hạn)" not in page
    page, counted = _overdue_list(seeded, other, "/monitoring?sort=due")
    assert not counted and LETTER_ALL.format(11) in page
    seeded.config["TODAY"] = "2023-11-16"  # another day: counted anew, as of that day
    page, counted = _overdue_list(seeded, client, "/monitoring?sort=days")
    assert counted and "số ngày quá hạn tính đến ngày 16/11/2023" in page
    seeded.config["PAGE_CACHE_MB"] = 0  # nothing kept: counted for every answer
    assert _overdue_list(seeded, client, "/monitoring?sort=days")[1]
    assert _overdue_list(seeded, client, "/monitoring?sort=days")[1]


def test_the_kept_answers_are_few_and_expire_with_the_pages():
    cache = PageCache(max_bytes=10_000, seconds=60)
    worked: list[int] = []

    def work(n: int):
        return lambda: worked.append(n) or n

    assert [cache.answer(("k", n), work(n)) for n in range(ANSWERS_KEPT + 1)] == list(range(ANSWERS_KEPT + 1))
    assert cache.answer(("k", ANSWERS_KEPT), work(-1)) == ANSWERS_KEPT  # kept
    assert cache.answer(("k", 0), work(-2)) == -2  # the least recently used went first
    cache.seconds = 0
    time.sleep(0.01)
    assert cache.answer(("k", ANSWERS_KEPT), work(-3)) == -3  # expired
    cache.clear()
    assert cache.answer(("k", ANSWERS_KEPT), work(-4)) == -4
    assert worked == [*range(ANSWERS_KEPT + 1), -2, -3, -4]


def test_the_overdue_lists_filters_offer_what_the_data_holds_now(seeded, login_as, client):
    """The filters' choices (plans, units, sections, groups) are kept per stamp too: a plan added anywhere is
    offered on the next address asked for."""
    from tracker.models import Plan

    login_as("monitor")
    page = _signed_in_page(client, "/monitoring")
    assert "99/KH-THU" not in page
    with seeded.app_context():
        db.session.add(Plan(number="99/KH-THU", title="Kế hoạch thử", year=2023))
        db.session.commit()
        plan_id = db.session.scalar(select(Plan.id).where(Plan.number == "99/KH-THU"))
    page = client.get("/monitoring?sort=due").get_data(as_text=True)
    assert f'<option value="{plan_id}" >99/KH-THU</option>' in page


def test_the_kept_filter_form_is_the_one_these_filters_and_this_language_fill(seeded, login_as, client):
    """The filter form is kept per stamp, filters (but the page) and language: each address shows its own
    choices selected, in the page's language."""
    login_as("monitor")
    _signed_in_page(client, "/monitoring?sort=due")
    for path, chosen in [
        ("/monitoring?sort=unit", "unit"),
        ("/monitoring?sort=unit&page=2", "unit"),
        ("/monitoring", "days"),
    ]:
        page = client.get(path).get_data(as_text=True)
        sort = page[page.index('id="f-sort"') :].split("</select>")[0]
        assert re.findall(r'<option value="(\w+)" selected>', sort) == [chosen], path
    assert '<label for="f-sort">Sắp xếp</label>' in page
    client.post("/language", data={"lang": "en", "next": "/monitoring", "csrf_token": csrf_token(client, "/account")})
    page = client.get("/monitoring").get_data(as_text=True)
    assert '<label for="f-sort">Sort</label>' in page


def _unit_page(app, client, path: str) -> tuple[str, bool]:
    """The unit page at `path`, and whether answering it read a plan's targets."""
    page, statements = _page_and_statements(app, client, path)
    return page, any(re.search(r"\b(FROM|JOIN) targets\b", statement) for statement in statements)


def _target_cell(page: str, indicator: str) -> str:
    """The target a unit page's KPI table gives an indicator ("<strong>30%</strong>", with any note)."""
    row = page[page.index(indicator) :]
    return re.findall(r"<td>(.*?)</td>", row[: row.index("</tr>")], re.S)[1]


def test_a_plans_indicators_and_targets_are_read_once_until_the_data_changes(seeded, login_as, client):
    """The pages of the units in a plan share its indicators and targets, read once while the data is the same: a
    target changed anywhere shows on the next page, and a unit's own target stays its own."""
    from tracker.models import Indicator, Target

    from .test_indicators import make_plan

    plan_id = make_plan(seeded)  # CDA and CBQTG in one group; CDA's own target for the payment rate: 60%
    payment = "Tỷ lệ thanh toán trực tuyến"
    login_as("head_cda")
    page, read = _unit_page(seeded, client, "/units/CDA")
    assert read and "<strong>60%</strong>" in _target_cell(page, payment)
    other = seeded.test_client()
    login(other, "head_cbqtg")
    page, read = _unit_page(seeded, other, "/units/CBQTG")
    assert not read and "<strong>30%</strong>" in _target_cell(page, payment)  # the group's, as kept
    with seeded.app_context():
        target = db.session.scalars(
            select(Target)
            .join(Indicator)
            .where(Indicator.plan_id == plan_id, Indicator.number == 2, Target.group_id.is_not(None))
        ).one()
        target.value_min = 35
        db.session.commit()
    page, read = _unit_page(seeded, other, "/units/CBQTG")
    assert read and "<strong>35%</strong>" in _target_cell(page, payment)
    page, read = _unit_page(seeded, client, "/units/CDA")
    assert not read and "<strong>60%</strong>" in _target_cell(page, payment)
    seeded.config["PAGE_CACHE_MB"] = 0  # nothing kept: read for every page
    assert _unit_page(seeded, other, "/units/CBQTG")[1]
