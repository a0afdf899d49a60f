"""Reads the plan's identity from the document: number, date, issuer, title and year, in every numbering
form official documents use ("Số: 552/KH-UBND", "Kèm theo Quyết định số 2623/QĐ-TTg", "3260-KH/ĐĐQH15")."""

from __future__ import annotations

import re
from datetime import date

from ..rules.names import normalize_text
from .blocks import Block, Paragraph, Table
from .document import PlanDocument

# A document number: digits, an optional year, then at least two upper-case parts ("552/KH-UBND",
# "26/2020/NĐ-CP", "3260-KH/ĐĐQH15", "2597/QĐ-TTg", "6225/BVHTTDL-VP"). A date has no letters, so it never
# matches.
_PART = r"[A-ZĐ][A-ZĐa-zđ0-9&]*"
NUMBER = rf"(\d{{1,6}}(?:/\d{{4}})?[/-]{_PART}(?:\s?[-/]\s?{_PART})+)"
_KINDS = (
    r"(?:[Kk]ế [Hh]oạch|[Qq]uyết [Đđ]ịnh|[Nn]ghị [Qq]uyết|[Cc]hỉ [Tt]hị|[Cc]hương [Tt]rình(?: hành động)?"
    r"|[Cc]ông [Vv]ăn|[Tt]hông [Bb]áo|[Đđ]ề [Áá]n|KẾ HOẠCH|QUYẾT ĐỊNH|NGHỊ QUYẾT)"
)
# Letters matched case-sensitively: a number's parts are upper-case, so the patterns below spell out
# the case variants of their words instead of using re.I.
# The letterhead's "Số: …" (or a site's "Số hiệu: …" field), possibly with the value in the next cell.
_OWN_NUMBER_RE = re.compile(
    rf"(?:(?:^|\n)\s*(?:Số|SỐ)(?:\s+hiệu)?\s*:?|(?<!\w)(?:Số|SỐ)(?:\s+hiệu)?\s*:)\s*\n?\s*{NUMBER}"
)
# "(Kèm theo Quyết định số 1872/QĐ-BVHTTDL …)": an appendix names the document it belongs to.
_ATTACHED_RE = re.compile(rf"(?:[Kk]èm(?: theo)?|KÈM(?: THEO)?)\s+{_KINDS}\s*(?:(?:số|SỐ)\s*)?:?\s*{NUMBER}")
_DATE_WORDS_RE = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.I)
_DATE_SLASH_RE = re.compile(r"ngày\s+(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})", re.I)
_DATE_FIELD_RE = re.compile(r"Ngày ban hành\s*:?\s*\n?\s*(\d{1,2})/(\d{1,2})/(\d{4})", re.I)
_YEAR_AFTER_RE = re.compile(r"\s*(?:,\s*)?năm\s+(\d{4})", re.I)
_YEAR_RE = re.compile(r"\bNĂM\s+(\d{4})\b")
_SPAN_RE = re.compile(r"\b(?:GIAI ĐOẠN|NĂM)\s+(\d{4})\s*[-–]\s*(\d{4})\b")
_BOOKMARK_RE = re.compile(r"\[bookmark: [^\]]*\]")
_TITLE_WORDS = ("KẾ HOẠCH", "CHƯƠNG TRÌNH HÀNH ĐỘNG", "QUYẾT ĐỊNH", "NGHỊ QUYẾT", "CHỈ THỊ", "ĐỀ ÁN")
# The mottos beside the issuer in a letterhead: the state's, and the Party's for Party bodies.
_NATIONAL_MOTTO = ("CỘNG HÒA", "CỘNG HOÀ", "ĐỘC LẬP", "ĐẢNG CỘNG SẢN VIỆT NAM")
# The words an issuing body's name starts with in a letterhead (a running header of another kind, such
# as a publisher's, is not an issuer).
_ISSUER_HEADS = (
    "ỦY BAN",
    "UỶ BAN",
    "UBND",
    "HỘI ĐỒNG",
    "BỘ",
    "THỦ TƯỚNG",
    "CHÍNH PHỦ",
    "VĂN PHÒNG",
    "BAN",
    "ĐẢNG",
    "TỈNH ỦY",
    "TỈNH UỶ",
    "THÀNH ỦY",
    "THÀNH UỶ",
    "HUYỆN ỦY",
    "QUỐC HỘI",
    "SỞ",
    "CỤC",
    "TỔNG CỤC",
    "TÒA ÁN",
    "TOÀ ÁN",
    "VIỆN",
    "KIỂM TOÁN",
    "NGÂN HÀNG",
    "BẢO HIỂM",
    "TRUNG TÂM",
    "ĐẠI HỌC",
    "TRƯỜNG",
    "TẬP ĐOÀN",
    "TỔNG CÔNG TY",
    "MẶT TRẬN",
    "ĐOÀN",
    "HỘI",
    "CÔNG AN",
    "THANH TRA",
)
# How far into the document the letterhead and title are looked for (blocks, and for a title line).
_HEAD_BLOCKS = 40
# How far after a number its date is looked for (characters).
_DATE_WINDOW = 160


def strip_bookmarks(text: str) -> str:
    """Remove the "[bookmark: …]" marks a .docx-to-text converter leaves in the text."""
    return _BOOKMARK_RE.sub("", text)


def document_lines(blocks: list[Block]) -> list[str]:
    """The document as lines: one per paragraph, one per line of each table cell (letterheads are tables)."""
    lines: list[str] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            lines.append(normalize_text(strip_bookmarks(block.text)))
        elif isinstance(block, Table):
            for row in block.rows:
                for cell in row:
                    if cell.merged is None:
                        lines.extend(normalize_text(line) for line in strip_bookmarks(cell.text).splitlines())
    return [line for line in lines if line]


def read_metadata(blocks: list[Block], doc: PlanDocument) -> None:
    """Set number, issued_on, issuer, title and year on doc from whatever the document states."""
    lines = document_lines(blocks)
    head = "\n".join(_head_lines(blocks))
    text = "\n".join(lines)
    # The letterhead's own number first; else the decision an appendix says it is attached to. A blank
    # letterhead number ("Số: /KH-UBND") leaves it to the person importing (asked in the preview).
    match = _OWN_NUMBER_RE.search(head) or _ATTACHED_RE.search(text)
    source = head if match is not None and match.re is _OWN_NUMBER_RE else text
    if match is not None:
        doc.number = re.sub(r"\s+", "", match.group(1))
        doc.issued_on = _date_near(source, match.end(), doc)
    if doc.issued_on is None:
        field = _DATE_FIELD_RE.search(head)
        if field:
            doc.issued_on = _iso(field.groups(), doc)
    doc.issuer = _issuer(_head_lines(blocks))
    doc.title = _title(lines)
    span = _SPAN_RE.search(doc.title) if doc.title else None
    title_year = _YEAR_RE.search(doc.title) if doc.title else None
    if span and int(span.group(1)) < int(span.group(2)):
        doc.year, doc.end_year = int(span.group(1)), int(span.group(2))
    elif doc.issued_on:
        doc.year = int(doc.issued_on[:4])
    elif match is not None and (after := _YEAR_AFTER_RE.match(source, match.end())):
        doc.year = int(after.group(1))  # "Quyết định 110/QĐ-BXD năm 2025"
    elif title_year:
        doc.year = int(title_year.group(1))


def _head_lines(blocks: list[Block]) -> list[str]:
    return document_lines(blocks[:_HEAD_BLOCKS])


def _iso(parts: tuple[str, ...] | list[str], doc: PlanDocument) -> str | None:
    day, month, year = (int(p) for p in parts)
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        doc.warnings.append(f"ngày ban hành không hợp lệ: “{day}/{month}/{year}”.")
        return None


def _date_near(text: str, start: int, doc: PlanDocument) -> str | None:
    """The first date written shortly after a number ("… ngày 19 tháng 11 năm 2025", "ngày 19/11/2025")."""
    window = text[start : start + _DATE_WINDOW]
    found = [m for m in (_DATE_WORDS_RE.search(window), _DATE_SLASH_RE.search(window)) if m]
    if not found:
        return None
    first = min(found, key=lambda m: m.start())
    return _iso(first.groups(), doc)


def _issuer(head: list[str]) -> str:
    """The issuing body from the letterhead: its upper-case name before the national motto."""
    for index, line in enumerate(head):
        name = line.strip(" -*_|#")
        if name.upper().startswith(("SỐ", *_TITLE_WORDS)):
            break  # past the letterhead
        if name.upper().startswith(_NATIONAL_MOTTO):
            continue
        if name.isupper() and name.startswith(_ISSUER_HEADS):
            # A two-line letterhead: "ỦY BAN NHÂN DÂN" / "TỈNH ĐỒNG THÁP".
            following = head[index + 1].strip(" -*_|") if index + 1 < len(head) else ""
            if following.isupper() and not following.upper().startswith((*_NATIONAL_MOTTO, "SỐ")):
                name = f"{name} {following}"
            return re.sub(r"\s*-{2,}.*$", "", name).strip()
    return ""


def _title(lines: list[str]) -> str:
    """The plan's title: the heading word ("KẾ HOẠCH", "QUYẾT ĐỊNH" …) and the upper-case line after it.
    A plan attached to a decision has both; the plan's own heading wins."""
    found: dict[str, str] = {}
    for index, line in enumerate(lines):
        word = line.strip(" *_:")
        for heading in _TITLE_WORDS:
            if heading in found:
                continue
            following = lines[index + 1].strip(" *_") if index + 1 < len(lines) else ""
            if word == heading:
                found[heading] = f"{heading} {following}" if following.isupper() else heading
            elif word.startswith(heading + " ") and word.isupper():
                found[heading] = word
    for heading in _TITLE_WORDS:
        if heading in found:
            return found[heading]
    return ""
