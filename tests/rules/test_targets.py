"""Appendix 1 target cells: value, range, or a sentence with no figure; a note is never lost."""

from decimal import Decimal

import pytest

from tracker.rules.targets import NOT_APPLICABLE, RANGE, VALUE, parse_target

HQ = "Thông qua phần mềm của Tổng cục Hải quan cung cấp."
NSW = "Thực hiện thông qua Cơ chế một cửa Quốc gia, trên phần mềm của Tổng cục Hải quan cung cấp."


@pytest.mark.parametrize(
    "cell, kind, low, high, note",
    [
        ("100%", VALUE, "100", None, ""),
        ("90%", VALUE, "90", None, ""),
        ("90 %", VALUE, "90", None, ""),
        ("9,5%", VALUE, "9.5", None, ""),
        ("tối thiểu 80%", VALUE, "80", None, ""),
        ("≥ 80%", VALUE, "80", None, ""),
        (f"50% {HQ}", VALUE, "50", None, HQ),
        (f"50% \n{HQ}", VALUE, "50", None, HQ),
        ("20-30%", RANGE, "20", "30", ""),
        ("20 - 30 %", RANGE, "20", "30", ""),
        ("20–30%", RANGE, "20", "30", ""),
        ("20% - 30%", RANGE, "20", "30", ""),
        ("từ 20 đến 30%", RANGE, "20", "30", ""),
        (f"20-30% \n{HQ}", RANGE, "20", "30", HQ),
        (NSW, NOT_APPLICABLE, None, None, NSW),
        ("150%", NOT_APPLICABLE, None, None, "150%"),  # not a percentage a ratio can reach: kept as text
        ("30-20%", NOT_APPLICABLE, None, None, "30-20%"),
    ],
)
def test_target_cells_read_as_value_range_or_not_applicable(cell, kind, low, high, note):
    target = parse_target(cell)
    assert target.kind == kind
    assert target.value_min == (Decimal(low) if low else None)
    assert target.value_max == (Decimal(high) if high else None)
    assert target.note == note


def test_the_cell_text_is_kept_whitespace_folded():
    assert parse_target(f"20-30% \n{HQ}").text == f"20-30% {HQ}"
