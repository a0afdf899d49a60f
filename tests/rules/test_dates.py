"""A day typed by a person: ISO or dd/mm/yyyy (tracker.rules.dates)."""

from __future__ import annotations

from datetime import date

import pytest

from tracker.rules.dates import parse_day


@pytest.mark.parametrize(
    "text, day",
    [
        ("2023-09-05", date(2023, 9, 5)),
        ("05/09/2023", date(2023, 9, 5)),
        ("5/9/2023", date(2023, 9, 5)),
        ("  31/12/2023 ", date(2023, 12, 31)),
        ("29/02/2024", date(2024, 2, 29)),
    ],
)
def test_iso_and_the_vietnamese_form_are_read(text, day):
    assert parse_day(text) == day


@pytest.mark.parametrize("text", ["", "31/02/2023", "29/02/2023", "13/13/2023", "5/9/23", "09/05/2023x", "hôm nay"])
def test_anything_else_is_a_value_error(text):
    with pytest.raises(ValueError):
        parse_day(text)
