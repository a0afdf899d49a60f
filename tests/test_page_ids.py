"""No id repeats on a page: a label, a link to an anchor or an aria reference reaches one element only. Pages with
several forms (or a form a row) once repeated each form's CSRF field's id="csrf_token"."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from sqlalchemy import select

from tracker.extensions import db
from tracker.models import ActionItem

PAGES = [
    (None, "/login"),
    ("head_cda", "/units/CDA"),
    ("head_cda", "/plans"),
    ("head_cda", "/items/{item}"),
    ("head_cda", "/account"),
    ("monitor", "/monitoring"),
    ("monitor", "/monitoring/units"),
    ("monitor", "/kpi"),
    ("monitor", "/items/{item}"),
    ("admin", "/admin/users"),
    ("admin", "/admin/reminders"),
]


@pytest.mark.parametrize("who, path", PAGES, ids=[f"{w or 'anonymous'}:{p}" for w, p in PAGES])
def test_no_id_repeats_on_a_page(seeded, client, login_as, who, path):
    with seeded.app_context():
        item = db.session.scalar(select(ActionItem.id).order_by(ActionItem.id))
    if who:
        login_as(who)
    response = client.get(path.replace("{item}", str(item)), follow_redirects=True)
    assert response.status_code == 200
    ids = Counter(re.findall(r'\sid="([^"]+)"', response.get_data(as_text=True)))
    assert ids, "the page has ids to check"
    assert [i for i, n in ids.items() if n > 1] == []
