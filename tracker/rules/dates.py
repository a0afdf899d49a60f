"""A day typed by a person: ISO (YYYY-MM-DD, what a date input sends) or the official dd/mm/yyyy. Pure."""

from __future__ import annotations

import re
from datetime import date

# dd/mm/yyyy, the day and month with or without their zero ("5/9/2023"), the year in four digits.
_DMY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


def parse_day(text: str) -> date:
    """The day written in `text` (surrounding spaces ignored) as YYYY-MM-DD or dd/mm/yyyy; ValueError when
    it is neither or no such day exists (31/02/2023)."""
    text = text.strip()
    match = _DMY.fullmatch(text)
    if match:
        day, month, year = (int(part) for part in match.groups())
        return date(year, month, day)
    return date.fromisoformat(text)
