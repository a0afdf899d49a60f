"""Text that enters the product: line breaks of every kind become "\\n"; characters XML cannot carry are
named so the person can remove them, and dropped when old text is written into a document."""

import pytest

from tracker.rules.text_input import normalise_text, printable, unwanted_characters, unwanted_message


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("Dòng 1\x0bDòng 2", "Dòng 1\nDòng 2"),  # Word's manual line break, pasted
        ("Dòng 1\u2028Dòng 2\u2029Dòng 3", "Dòng 1\nDòng 2\nDòng 3"),
        ("a\r\nb\rc\x85d\x0ce", "a\nb\nc\nd\ne"),
        ("Cột\tcột", "Cột\tcột"),
        ("Không đổi", "Không đổi"),
    ],
)
def test_every_kind_of_line_break_becomes_a_newline(sent, kept):
    assert normalise_text(sent) == kept
    assert unwanted_characters(sent) == []


@pytest.mark.parametrize(
    ("sent", "named", "printed"),
    [
        ("Vướng\x01mắc", ["U+0001"], "Vướngmắc"),
        ("\x00\x1b\x00", ["U+0000", "U+001B"], ""),
        ("a\x7fb\x9bc", ["U+007F", "U+009B"], "abc"),
        ("x\ufffey\uffff", ["U+FFFE", "U+FFFF"], "xy"),
    ],
)
def test_characters_a_document_cannot_carry_are_named_once_and_dropped_when_printed(sent, named, printed):
    assert unwanted_characters(sent) == named
    assert printable(sent) == printed


def test_the_message_names_the_field_and_the_characters():
    message = unwanted_message("Khó khăn, vướng mắc", ["U+0001"])
    assert message == (
        "“Khó khăn, vướng mắc” chứa ký tự điều khiển không hiển thị được (U+0001): hãy xóa ký tự đó rồi gửi lại."
    )
