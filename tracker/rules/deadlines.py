"""How the deadline cell of an action plan ("Thời gian hoàn thành") reads as a due date, a yearly recurrence and an ongoing flag, or is flagged as unparsed."""
from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

YEARLY = "yearly"

# A real deadline cell is a few words; longer text is prose an admin must read, and capping it
# keeps every pattern below linear in practice.
_MAX_KEY_LENGTH = 200
# "Hàng năm" without a plan year still has its day and month checked ("29/02 hằng năm" must exist),
# so they are tried against a leap year.
_LEAP_YEAR = 2000

_SPACE_RE = re.compile(r"\s+")
# Copies of one cell differ in dashes and may use the Icelandic Eth for Đ.
_LOOKALIKES = str.maketrans({"ð": "đ", "–": "-", "—": "-", "‐": "-", "‑": "-", "−": "-"})
_LEADING_JUNK_RE = re.compile(r"^[\s\-+•*]+")
_TRAILING_JUNK_RE = re.compile(r"[\s.,;:\-]+$")

# Boundary for a trailing marker: it starts the cell or follows a space or a list separator,
# so "không thường xuyên" leaves "không" behind (which then fails to parse) rather than matching.
_AFTER_SEPARATOR = r"(?<![^\s,;\-])"
_ONGOING_RE = re.compile(_AFTER_SEPARATOR + r"(?:và\s+)?(?:thường xuyên(?:\s*(?:,|và)\s*liên tục)?|liên tục)$")
_YEARLY = r"(?:định kỳ\s+)?h[àằ]ng năm"
_YEARLY_SUFFIX_RE = re.compile(_AFTER_SEPARATOR + r"(?:và\s+)?" + _YEARLY + "$")
_YEARLY_PREFIX_RE = re.compile("^" + _YEARLY + r"(?![^\W\d_])")

# Leading words that only say "by"/"within"; longer phrases first so "chậm nhất" is not cut short.
_FILLERS = ("hoàn thành", "thực hiện", "chậm nhất", "muộn nhất", "trong", "trước", "đến", "tới", "hết",
            "cuối", "vào", "ngày")
_FILLER_RE = re.compile("(" + "|".join(_FILLERS) + r")(?![^\W\d_])\s*")
# "Trước tháng 8" means by the end of July, not of August; rather than shift the period these
# words are only accepted in front of a single day, where the spec reads them as "by that day".
_DAY_ONLY_FILLERS = frozenset({"trước", "ngày"})

_YEAR = r"(?P<year>[0-9]{4})"
_YEAR_SEP = r"\s*(?:[/.\-]|,?\s*năm)\s*"
_QUARTERS = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}


@dataclass(frozen=True)
class Deadline:
    """A deadline cell as read: the cell text plus what could be understood of it."""

    text: str
    due_on: date | None
    recurrence: str | None
    is_ongoing: bool
    is_parsed: bool

    def as_dict(self) -> dict:
        """The deadline as JSON-ready values."""
        return {
            "text": self.text,
            "due": self.due_on.isoformat() if self.due_on else None,
            "recurrence": self.recurrence,
            "ongoing": self.is_ongoing,
            "parsed": self.is_parsed,
        }


def normalize_text(text: str) -> str:
    """NFC, every run of whitespace (NBSP, other Unicode spaces, newlines) folded to one space, stripped."""
    return _SPACE_RE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def _month_end(year: int, month: int) -> date:
    """Last day of a month; ValueError when the month does not exist."""
    return date(year, month, calendar.monthrange(year, month)[1])


def _day(m: re.Match[str], year: int) -> date:
    """A single day."""
    return date(year, int(m["month"]), int(m["day"]))


def _month(m: re.Match[str], year: int) -> date:
    """Last day of the month."""
    return _month_end(year, int(m["month"]))


def _quarter(m: re.Match[str], year: int) -> date:
    """Last day of the quarter, written I..IV or 1..4."""
    quarter = _QUARTERS.get(m["quarter"])
    if quarter is None:
        raise ValueError(f"no quarter {m['quarter']!r}")
    return _month_end(year, quarter * 3)


def _half(m: re.Match[str], year: int) -> date:
    """Last day of the first or the second half of the year."""
    return date(year, 6, 30) if m["half"] == "đầu" else date(year, 12, 31)


def _year(m: re.Match[str], year: int) -> date:
    """Last day of the year."""
    return date(year, 12, 31)


def _year_range(m: re.Match[str], year: int) -> date:
    """Last day of the last year of a range."""
    if int(m["first"]) >= year:
        raise ValueError("a year range must run forwards")
    return date(year, 12, 31)


# One anchored pattern per form, matched against the casefolded cell once filler words are gone.
# A form whose year is optional takes the plan's year when the cell gives none.
_FORMS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str], int], date], bool], ...] = tuple(
    (re.compile(pattern), build, is_day)
    for pattern, build, is_day in (
        (rf"(?P<day>[0-9]{{1,2}})\s*(?P<sep>[/.\-])\s*(?P<month>[0-9]{{1,2}})(?:\s*(?P=sep)\s*{_YEAR})?",
         _day, True),
        (rf"(?P<day>[0-9]{{1,2}})\s*tháng\s*(?P<month>[0-9]{{1,2}})(?:{_YEAR_SEP}{_YEAR})?", _day, True),
        (rf"(?:tháng|t)\s*(?P<month>[0-9]{{1,2}})(?:{_YEAR_SEP}{_YEAR})?", _month, False),
        (rf"(?P<month>[0-9]{{1,2}})\s*[/.\-]\s*{_YEAR}", _month, False),
        (rf"qu[ýí]\s*(?P<quarter>[ivx]+|[0-9]+)(?:{_YEAR_SEP}{_YEAR})?", _quarter, False),
        (rf"(?:0?6|sáu)\s*tháng\s+(?P<half>đầu|cuối)\s+năm(?:\s*{_YEAR})?", _half, False),
        (rf"(?:năm\s*)?{_YEAR}", _year, False),
        (rf"(?:từ\s+)?(?:năm|giai đoạn)?\s*(?P<first>[0-9]{{4}})\s*(?:-|đến)\s*(?:năm\s*)?{_YEAR}",
         _year_range, False),
    )
)


def _key(text: str) -> str:
    """The cell folded for matching: compatibility forms, case, look-alikes, edge punctuation."""
    key = unicodedata.normalize("NFKC", text).casefold().translate(_LOOKALIKES)
    key = _SPACE_RE.sub(" ", key)
    return _TRAILING_JUNK_RE.sub("", _LEADING_JUNK_RE.sub("", key))


def _cut_suffix(key: str, pattern: re.Pattern[str]) -> tuple[str, bool]:
    """The key without a trailing marker, and whether the marker was there."""
    m = pattern.search(key)
    if m is None:
        return key, False
    return _TRAILING_JUNK_RE.sub("", key[:m.start()]), True


def _strip_fillers(key: str) -> tuple[str, set[str]]:
    """The key without its leading filler words, and the words removed."""
    removed: set[str] = set()
    while m := _FILLER_RE.match(key):
        removed.add(m[1])
        key = key[m.end():]
    return key, removed


def _period_end(key: str, default_year: int | None, *, explicit_year_allowed: bool,
                day_only: bool) -> date | None:
    """Last day of the period the key names, or None when no form matches or the date does not exist."""
    for pattern, build, is_day in _FORMS:
        m = pattern.fullmatch(key)
        if m is None:
            continue
        if day_only and not is_day:
            return None
        written = m.groupdict().get("year")
        if written is not None and not explicit_year_allowed:
            return None
        year = int(written) if written is not None else default_year
        if year is None:
            return None
        try:
            return build(m, year)
        except ValueError:
            return None
    return None


def parse_deadline(text: str, plan_year: int | None = None) -> Deadline:
    """Read a deadline cell; whatever is not fully understood comes back with is_parsed False."""
    clean = normalize_text(text)
    unparsed = Deadline(text=clean, due_on=None, recurrence=None, is_ongoing=False, is_parsed=False)
    key = _key(clean)
    if not key or len(key) > _MAX_KEY_LENGTH:
        return unparsed

    key, is_ongoing = _cut_suffix(key, _ONGOING_RE)
    key, is_yearly = _cut_suffix(key, _YEARLY_SUFFIX_RE)
    if not is_yearly and (m := _YEARLY_PREFIX_RE.match(key)):
        key, is_yearly = key[m.end():].lstrip(" ,;:-"), True
    key, fillers = _strip_fillers(key)
    day_only = bool(fillers & _DAY_ONLY_FILLERS)
    recurrence = YEARLY if is_yearly else None

    if not key:
        if not (is_ongoing or is_yearly) or day_only:
            return unparsed
        due = date(plan_year, 12, 31) if is_yearly and plan_year is not None else None
        return Deadline(clean, due, recurrence, is_ongoing, True)

    # A yearly deadline names its day or month without a year ("tháng 12 hằng năm"); a year
    # written next to "hằng năm" contradicts it, so that is left to an admin.
    default_year = plan_year if plan_year is not None or not is_yearly else _LEAP_YEAR
    due = _period_end(key, default_year, explicit_year_allowed=not is_yearly, day_only=day_only)
    if due is None:
        return unparsed
    if is_yearly and plan_year is None:
        due = None
    return Deadline(clean, due, recurrence, is_ongoing, True)


# --- Deadline clauses inside task sentences -------------------------------------------------------------------

# The pieces of a written period, for finding a deadline inside a sentence (case-insensitive, as written).
_C_DAY = (r"(?:ngày\s+)?(?:[0-9]{1,2}\s+tháng\s+[0-9]{1,2}(?:(?:\s*[/.\-]\s*|,?\s+năm\s+)[0-9]{4})?"
          r"|[0-9]{1,2}\s*[/.\-]\s*[0-9]{1,2}(?:\s*[/.\-]\s*[0-9]{4})?)(?![0-9/])")
_C_YEAR_SEP = r"(?:\s*[/.\-]\s*|,?\s*năm\s*)"
_C_MONTH = rf"tháng\s*[0-9]{{1,2}}(?:\s*,\s*[0-9]{{1,2}})*{_C_YEAR_SEP}[0-9]{{4}}"
_C_QUARTER = rf"qu[ýí]\s*(?:[ivx]+|[1-4]){_C_YEAR_SEP}[0-9]{{4}}"
_C_RANGE = r"(?:giai đoạn\s*|năm\s*)?[0-9]{4}\s*[\-–—]\s*(?:năm\s*)?[0-9]{4}"
_C_YEAR = r"năm\s*[0-9]{4}"
_C_PERIOD = rf"(?:{_C_MONTH}|{_C_QUARTER}|{_C_RANGE}|{_C_YEAR})(?![0-9])"
_C_YEARLY = r"h[àằ]ng\s+năm"
_C_BY = r"(?:trước|chậm nhất(?:\s+là)?(?:\s+(?:trước|vào))?|muộn nhất(?:\s+là)?|đến hết|hạn chót)"
_C_NEXT_YEARS = r"(?:\s+và\s+(?:các|những)\s+năm\s+tiếp\s+theo)?"

# Every shape a deadline takes inside a sentence. Each starts with words that only a time phrase starts with
# ("trước ngày …", "trong quý …", "hoàn thành trong năm …", "hằng năm (trước ngày …)"), so a bare date (a cited
# document's "ngày 22/12/2024") or a title's period ("… năm 2023", "giai đoạn 2021-2025") never matches. A year
# or a range needs a word saying "done" in front: "trong năm 2025" alone mostly describes, it does not set a date.
_DONE = r"(?:hoàn thành|hoàn tất|xong)"
_CLAUSE_RE = re.compile(
    "|".join((
        rf"(?:định kỳ\s+)?{_C_YEARLY}\s*\(\s*{_C_BY}\s+{_C_DAY}\s*\)",
        rf"định kỳ\s+{_C_YEARLY}(?:\s+hoặc\s+đột xuất(?:\s+(?:theo|khi có)\s+yêu cầu)?)?",
        rf"{_C_BY}\s+{_C_DAY}(?:,?\s+{_C_YEARLY})?",
        rf"(?:trong|vào)\s+(?:tháng\s*[0-9]{{1,2}}|qu[ýí]\s*(?:[ivx]+|[1-4]))\s+{_C_YEARLY}",
        rf"(?:{_DONE}\s+)?(?:trong|vào)\s+(?:{_C_MONTH}|{_C_QUARTER})(?![0-9]){_C_NEXT_YEARS}",
        rf"(?:{_DONE}\s+)?{_C_BY}\s+{_C_PERIOD}{_C_NEXT_YEARS}",
        rf"{_DONE}\s+(?:(?:trong|vào)\s+)?(?:giai đoạn\s+)?{_C_PERIOD}{_C_NEXT_YEARS}",
    )),
    re.IGNORECASE,
)
# Words in front of "hoàn thành …" that belong to the clause ("cơ bản hoàn thành trong năm 2025").
_DONE_BEFORE_RE = re.compile(r"(?:cơ bản|phấn đấu|sẽ)\s+$", re.IGNORECASE)
# A clause that is a whole part of the sentence also keeps its verb ("; thực hiện cơ bản hoàn thành trong năm 2025").
_VERB_ONLY_RE = re.compile(r"^\s*(?:thực hiện|triển khai)\s+$", re.IGNORECASE)
_CLAUSE_START_RE = re.compile(r"[;:.()]\s|^")
# A document number ("57-NQ/TW", "283/KH-UBND", "26/2020/NĐ-CP"): "trong quý …" after it in the same part of
# the sentence may be that document's title, so only a clause that says "by" or "done" is taken there.
_WITHIN_RE = re.compile(r"(?:trong|vào)\s", re.IGNORECASE)
_DOCUMENT_NUMBER_RE = re.compile(r"(?<![0-9])[0-9]+(?:/[0-9]{4})?[\-/][A-ZĐ]")
# How far back the start of a clause is looked for; keeps long sentences linear.
_LOOK_BACK = 160


def _clause_part_start(sentence: str, position: int) -> int:
    """Where the part of the sentence holding `position` begins (after the last ;, :, . or parenthesis)."""
    window_start = max(0, position - _LOOK_BACK)
    start = window_start
    for m in _CLAUSE_START_RE.finditer(sentence, window_start, position):
        start = m.end()
    return start


def deadline_clauses(sentence: str) -> list[str]:
    """Every deadline clause of a task sentence, as written (whitespace folded), in order."""
    text = normalize_text(sentence)
    clauses = []
    for m in _CLAUSE_RE.finditer(text):
        start = m.start()
        part_start = _clause_part_start(text, start)
        while done := _DONE_BEFORE_RE.search(text, max(part_start, start - 40), start):
            start = done.start()
        if _VERB_ONLY_RE.match(text[part_start:start]):
            start = part_start
        if _WITHIN_RE.match(m.group()) and _DOCUMENT_NUMBER_RE.search(text, part_start, m.start()):
            continue
        clauses.append(text[start:m.end()])
    return clauses


def deadline_clause(sentence: str) -> str | None:
    """The first deadline clause of a task sentence as written, or None when the sentence states no deadline."""
    clauses = deadline_clauses(sentence)
    return clauses[0] if clauses else None
