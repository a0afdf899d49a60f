"""Reads the plan's identity from the document's running text: decision number, date, title, year."""
from __future__ import annotations

import re
from datetime import date

from ..rules.names import normalize_text
from .document import PlanDocument

_NUMBER = r"(\d+/(?:\d{4}/)?Q[ĐÐ]-[A-ZĐÐ0-9]+(?:-[A-ZĐÐ0-9]+)*)"
_ATTACHED_RE = re.compile(r"Kèm theo Quyết định(?: số)?\s*" + _NUMBER, re.I)
_ANY_DECISION_RE = re.compile(r"Quyết định(?: số)?\s*" + _NUMBER, re.I)
_DATE_WORDS_RE = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.I)
_DATE_SLASH_RE = re.compile(r"ngày\s+(\d{1,2})/(\d{1,2})/(\d{4})", re.I)
_YEAR_RE = re.compile(r"\bNĂM\s+(\d{4})\b")
_SPAN_RE = re.compile(r"\b(?:GIAI ĐOẠN|NĂM)\s+(\d{4})\s*[-–]\s*(\d{4})\b")
_BOOKMARK_RE = re.compile(r"\[bookmark: [^\]]*\]")


def strip_bookmarks(text: str) -> str:
    """Remove the "[bookmark: …]" marks a .docx-to-text converter leaves in the text."""
    return _BOOKMARK_RE.sub("", text)


def read_metadata(text: str, doc: PlanDocument) -> None:
    """Set number, issued_on, title and year on doc from whatever the text states."""
    text = normalize_text_lines(text)
    match = _ATTACHED_RE.search(text) or _ANY_DECISION_RE.search(text)
    if match:
        doc.number = match.group(1).replace("Ð", "Đ")
        after = text[match.end(): match.end() + 80]
        when = _DATE_WORDS_RE.search(after) or _DATE_SLASH_RE.search(after)
        if when:
            try:
                doc.issued_on = date(int(when.group(3)), int(when.group(2)), int(when.group(1))).isoformat()
            except ValueError:
                doc.warnings.append(f"ngày ban hành không hợp lệ: “{when.group(0)}”.")
    doc.title = _title(text)
    span = _SPAN_RE.search(doc.title) if doc.title else None
    year = _YEAR_RE.search(doc.title) if doc.title else None
    if span and int(span.group(1)) < int(span.group(2)):
        doc.year, doc.end_year = int(span.group(1)), int(span.group(2))
    elif year:
        doc.year = int(year.group(1))
    elif doc.issued_on:
        doc.year = int(doc.issued_on[:4])
    elif match:
        # "Quyết định 1872/QĐ-BVHTTDL năm 2023" names the year right after the number.
        year = re.match(r"\s*(?:năm|ngày.*?)\s*(\d{4})", text[match.end(): match.end() + 40], re.I)
        if year:
            doc.year = int(year.group(1))


def normalize_text_lines(text: str) -> str:
    return "\n".join(normalize_text(line) for line in strip_bookmarks(text).splitlines())


def _title(text: str) -> str:
    """The plan's title: the heading line(s) after "KẾ HOẠCH", joined into one."""
    lines = [line for line in text.splitlines() if line]
    for index, line in enumerate(lines):
        if line == "KẾ HOẠCH" and index + 1 < len(lines):
            following = lines[index + 1]
            return f"KẾ HOẠCH {following}" if following.isupper() else "KẾ HOẠCH"
        if line.startswith("KẾ HOẠCH ") and line.isupper():
            return line
    return ""
