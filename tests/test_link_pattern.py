"""Links completed per row (tracker.views.paths): the same address url_for builds, for ids and quoted codes."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from flask import url_for

from tracker.views.paths import link_pattern


@pytest.mark.parametrize(
    "endpoint, name, values",
    [
        ("items.show", "item_id", [1, 42, 987654321]),
        ("items.update_status", "assignment_id", [7, 123456]),  # the value is inside the path
        ("units.show", "code", ["CDA", "HTH.H07.X08"]),
        ("plans.index", "plan", [3]),  # an argument the route does not take goes to the query string
    ],
)
def test_a_pattern_gives_the_link_url_for_gives(app, endpoint, name, values):
    with app.test_request_context("/"):
        pattern = link_pattern(endpoint, name)
        for value in values:
            given = quote(value, safe="") if isinstance(value, str) else value
            assert pattern(given) == url_for(endpoint, **{name: value})
