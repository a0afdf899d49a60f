"""Uploaded file names made safe: what is kept, what goes, and the length bound that keeps the extension."""

import pytest

from tracker.rules.files import MAX_NAME_LENGTH, clean_filename


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("báo cáo tiến độ tháng 9.pdf", "báo cáo tiến độ tháng 9.pdf"),
        ("bao\x00cao.pdf", "baocao.pdf"),  # NUL
        ("ke\x1bhoach\x7f.docx", "kehoach.docx"),  # ESC, DEL
        ("hoa-don\u202efdp.exe.pdf", "hoa-donfdp.exe.pdf"),  # right-to-left override
        ("a\u200b\u2066b\u2069.pdf", "ab.pdf"),  # zero-width space, bidi isolates
        ("C:\\Users\\cb\\Desktop\\bien ban.pdf", "bien ban.pdf"),
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("  nhiều    khoảng   trắng .pdf ", "nhiều khoảng trắng .pdf"),
        ("Quye\u0302\u0301t đi\u0323nh.pdf", "Quyết định.pdf"),  # decomposed Vietnamese → NFC
        ("\x00.pdf", "minh-chung.pdf"),
        ("\x00\x01", "minh-chung"),
        ("...", "minh-chung"),
    ],
)
def test_a_sent_name_is_kept_without_what_does_not_belong_in_it(sent, kept):
    assert clean_filename(sent, fallback="minh-chung") == kept


def test_a_long_name_is_cut_and_keeps_its_extension():
    cleaned = clean_filename("tài liệu " * 40 + ".docx", fallback="x")
    assert len(cleaned) <= MAX_NAME_LENGTH and cleaned.endswith(".docx")
    assert clean_filename("a" * 300, fallback="x") == "a" * MAX_NAME_LENGTH
