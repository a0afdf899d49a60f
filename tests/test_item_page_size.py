"""The item page of an item assigned to hundreds of units, each with its history (issue 16): small whatever the
item's size, the reader's own unit and what needs attention first, the rest of the cards and the history behind
pages, every assignment reachable and updatable."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select

from tests.conftest import csrf_token, find_assignment
from tracker.extensions import db
from tracker.item_history import HISTORY_PER_PAGE
from tracker.models import Assignment, AssignmentEvent, Unit, User
from tracker.views.items import CARDS_PER_PAGE

TODAY = date(2023, 9, 15)  # the seeded app's today
UNITS = 120
EVENTS_EACH = 6


def give_item_many_units(reference: str) -> int:
    """UNITS more units, each given the item `reference` (as CDA has it) with EVENTS_EACH changes in its history:
    every seventh overdue, a third done, the others due later (bulk inserts, committed); returns the item's id."""
    model = find_assignment(reference, "CDA")
    item_id = model.item_id
    actor = db.session.scalar(select(User.id).where(User.email == "head_cda@example.org"))
    db.session.execute(
        Unit.__table__.insert(),
        [{"code": f"TINH{n:03d}", "name": f"Sở số {n:03d}", "folded_name": f"so so {n:03d}"} for n in range(UNITS)],
    )
    unit_ids = db.session.scalars(select(Unit.id).where(Unit.code.like("TINH%")).order_by(Unit.code)).all()
    rows = []
    for n, unit_id in enumerate(unit_ids):
        overdue, done = n % 7 == 3, n % 3 == 0 and n % 7 != 3
        due = TODAY - timedelta(days=5) if overdue else TODAY + timedelta(days=30 + n)
        rows.append(
            {
                "item_id": item_id,
                "unit_id": unit_id,
                "occurrence": 0,
                "due_on": due,
                "status": "done" if done else ("in_progress" if overdue else "not_started"),
                "completed_on": TODAY - timedelta(days=1) if done else None,
                "version": 1,
                "is_active": True,
                "created_at": datetime(2023, 1, 1, tzinfo=UTC),
            }
        )
    db.session.execute(Assignment.__table__.insert(), rows)
    new = db.session.scalars(
        select(Assignment.id).where(Assignment.item_id == item_id, Assignment.unit_id.in_(unit_ids))
    ).all()
    start = datetime(2023, 6, 1, tzinfo=UTC)
    db.session.execute(
        AssignmentEvent.__table__.insert(),
        [
            {
                "assignment_id": assignment_id,
                "actor_id": actor,
                "at": start + timedelta(hours=n * EVENTS_EACH + k),
                "kind": "progress",
                "from_state": "in_progress",
                "to_state": "in_progress",
                "comment": f"Báo cáo tiến độ lần {k + 1} của phân công {assignment_id}.",
            }
            for n, assignment_id in enumerate(new)
            for k in range(EVENTS_EACH)
        ],
    )
    db.session.commit()
    return item_id


def _cards(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<li class="card [^"]*" id="pc-(\d+)"', html)]


def _entries(html: str) -> int:
    timeline = html.split('<ol class="timeline">', 1)[1].split("</ol>", 1)[0]
    return timeline.count("<li>")


def test_an_item_of_many_units_shows_a_page_of_cards_and_of_history(seeded, login_as):
    with seeded.app_context():
        item_id = give_item_many_units("I.2")
        active = db.session.scalars(
            select(Assignment.id).where(Assignment.item_id == item_id, Assignment.is_active)
        ).all()
        overdue = set(
            db.session.scalars(
                select(Assignment.id).where(
                    Assignment.item_id == item_id, Assignment.status != "done", Assignment.due_on < TODAY
                )
            )
        )
        mine = find_assignment("I.2", "CDA").id
    client = login_as("head_cda")
    first = client.get(f"/items/{item_id}")
    assert first.status_code == 200
    html = first.get_data(as_text=True)
    cards = _cards(html)
    assert len(cards) == CARDS_PER_PAGE
    # The head's own unit first, then every overdue one before any other.
    assert cards[0] == mine
    flags = [card in overdue for card in cards[1:]]
    assert flags == sorted(flags, reverse=True) and any(flags)
    assert f"trong số {len(active)}" in html
    assert _entries(html) == HISTORY_PER_PAGE
    assert len(first.data) < 100_000, len(first.data)
    # Every card is on some page, once; past the last page, the first.
    seen = list(cards)
    pages = -(-len(active) // CARDS_PER_PAGE)
    for page in range(2, pages + 1):
        seen += _cards(client.get(f"/items/{item_id}?apage={page}").get_data(as_text=True))
    assert sorted(seen) == sorted(active)
    assert _cards(client.get(f"/items/{item_id}?apage={pages + 5}").get_data(as_text=True)) == cards
    # The history's pages hold every entry once, newest first; past the last page, the first.
    total = int(re.search(r"Mục 1–50 trong số (\d+)", html).group(1))
    assert total >= UNITS * EVENTS_EACH
    stamps = []
    for page in range(1, -(-total // HISTORY_PER_PAGE) + 1):
        body = client.get(f"/items/{item_id}?hpage={page}").get_data(as_text=True)
        stamps += re.findall(r'<p class="when"><time datetime="([^"]+)"', body)
    assert len(stamps) == total
    assert stamps == sorted(stamps, reverse=True)
    past = client.get(f"/items/{item_id}?hpage={total}").get_data(as_text=True)
    assert re.findall(r'<p class="when"><time datetime="([^"]+)"', past) == stamps[:HISTORY_PER_PAGE]
    assert 'rel="next"' in html and "?hpage=2#lich-su" in html.replace("&amp;", "&")


def test_a_card_on_a_later_page_is_updated_from_it(seeded, login_as):
    """The done cards come last: the IT Centre reopens one from the last page of cards, with its reason."""
    with seeded.app_context():
        item_id = give_item_many_units("I.2")
        active = db.session.scalar(select(func.count()).where(Assignment.item_id == item_id, Assignment.is_active))
    client = login_as("admin")
    last = f"/items/{item_id}?apage={-(-active // CARDS_PER_PAGE)}"
    body = client.get(last).get_data(as_text=True)
    card = next(card for card in _cards(body) if f'id="cap-nhat-{card}"' in body)
    version = re.search(rf'id="cap-nhat-{card}".*?name="a{card}-version"[^>]*value="(\d+)"', body, re.S)
    assert version, "the card on the last page has its form"
    response = client.post(
        f"/assignments/{card}/status",
        data={
            f"a{card}-csrf_token": csrf_token(client, last),
            f"a{card}-to_state": "in_progress",
            f"a{card}-reason": "Kết quả chưa đạt yêu cầu.",
            f"a{card}-version": version.group(1),
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    with seeded.app_context():
        assert db.session.get(Assignment, card).status == "in_progress"
