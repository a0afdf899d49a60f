"""How a target cell of Appendix 1 reads: a percentage, a range, or a sentence with no figure, plus any note."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from .names import normalize_text

VALUE = "value"
RANGE = "range"
NOT_APPLICABLE = "not_applicable"

_NUMBER = r"(\d{1,3}(?:[.,]\d+)?)"
# "tối thiểu 80%", "≥ 80%", "đạt 80%": a floor is a plain value (met at or above it).
_PREFIX = r"(?:(?:tối thiểu|ít nhất|đạt|trên|từ|>=|≥)\s*)?"
_RANGE_RE = re.compile(rf"^{_PREFIX}{_NUMBER}\s*%?\s*(?:-|–|—|đến|tới)\s*{_NUMBER}\s*%(.*)$", re.S | re.I)
_VALUE_RE = re.compile(rf"^{_PREFIX}{_NUMBER}\s*%(.*)$", re.S | re.I)


@dataclass(frozen=True)
class ParsedTarget:
    kind: str
    value_min: Decimal | None
    value_max: Decimal | None
    note: str
    text: str


def _percent(number: str) -> Decimal:
    return Decimal(number.replace(",", "."))


def _note(rest: str) -> str:
    return normalize_text(rest).lstrip(" .;,:-–(").rstrip(")") if rest.strip() else ""


def parse_target(cell: str) -> ParsedTarget:
    """Read a target cell; nothing is dropped: words after the figure become the note."""
    text = normalize_text(cell)
    match = _RANGE_RE.match(text)
    if match:
        low, high = _percent(match.group(1)), _percent(match.group(2))
        if low <= high <= 100:
            return ParsedTarget(RANGE, low, high, _note(match.group(3)), text)
    match = _VALUE_RE.match(text)
    if match and _percent(match.group(1)) <= 100:
        return ParsedTarget(VALUE, _percent(match.group(1)), None, _note(match.group(2)), text)
    # No figure (e.g. "Thực hiện thông qua Cơ chế một cửa Quốc gia …"): the whole sentence is the note.
    return ParsedTarget(NOT_APPLICABLE, None, None, text, text)
