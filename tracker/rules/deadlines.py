"""How a plan's deadline text (a "Thời gian hoàn thành" cell, or the deadline clause of a task sentence) reads as a
due date, a yearly recurrence and an ongoing flag, or is flagged as unparsed."""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

YEARLY = "yearly"

# A deadline is a few words or a sentence or two; longer text is prose an admin must read, and capping it keeps
# the reading linear.
_MAX_KEY_LENGTH = 300
# A yearly day ("29/02 hằng năm") must exist in some year, so it is checked against a leap year.
_LEAP_YEAR = 2000

_SPACE_RE = re.compile(r"\s+")
# Copies of one cell differ in dashes and may use the Icelandic Eth for Đ.
_LOOKALIKES = str.maketrans({"ð": "đ", "–": "-", "—": "-", "‐": "-", "‑": "-", "−": "-"})
_LEADING_JUNK_RE = re.compile(r"^[\s\-+•*]+")
_TRAILING_JUNK_RE = re.compile(r"[\s.,;:\-]+$")

_Y = r"[0-9]{4}(?![0-9])"
_N = r"[0-9]{1,2}(?![0-9])"
_YEAR_SEP = r"\s*(?:[/.\-]|,?\s*năm)\s*"
_WORD_END = r"(?!\w)"
_Q = r"(?:[ivx]+|[0-9](?![0-9]))"
_QUARTERS = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}

# The words of a deadline, read left to right. Periods come first so "năm 2026" is one period, not a word and a
# number; every other word falls in a class that says what it does to the reading.
_TOKEN_RE = re.compile(
    "|".join(
        (
            rf"(?P<half>(?:0?6|sáu)\s*tháng\s+(?P<half_part>đầu|cuối)\s+năm(?:\s*(?P<half_year>{_Y}))?){_WORD_END}",
            rf"(?P<day>(?:ngày\s*)?(?:(?P<d_day>{_N})\s*(?P<d_sep>[/.\-])\s*(?P<d_month>{_N})"
            rf"(?:\s*(?P=d_sep)\s*(?P<d_year>{_Y}))?|(?P<w_day>{_N})\s*tháng\s*(?P<w_month>{_N})"
            rf"(?:{_YEAR_SEP}(?P<w_year>{_Y}))?)){_WORD_END}",
            rf"(?P<month>(?:tháng|t)\s*(?P<m_months>{_N}(?:\s*(?:,|và)\s*{_N})*)(?:{_YEAR_SEP}(?P<m_year>{_Y}))?"
            rf"|(?P<b_month>{_N})\s*[/.\-]\s*(?P<b_year>{_Y})){_WORD_END}",
            # "Q2/2025" is written for "Quý 2/2025" only with its numeral and year attached.
            rf"(?P<quarter>(?:qu[ýí]\s*|q(?=(?:[ivx]+|[1-4])\s*[/.\-]\s*[0-9]))"
            rf"(?P<q_quarters>{_Q}(?:\s*(?:,|-|và|đến)\s*{_Q})*)(?:{_YEAR_SEP}(?P<q_year>{_Y}))?){_WORD_END}",
            rf"(?P<year>(?:năm\s*)?(?P<y_year>{_Y})){_WORD_END}",
            # The year the plan is issued in, named without its number: "năm nay", "đến cuối năm", "trong năm".
            r"(?P<current>năm nay|(?<=cuối )năm|(?<=hết )năm|(?<=trong )năm)(?=\s*(?:$|[,;.()]|và |hoặc ))",
            # Open-ended phases: the task goes on after (or instead of) a due date.
            rf"(?P<ongoing>thường xuyên|liên tục|(?:trong\s+)?(?:các|những)\s+năm\s+tiếp\s+theo|định kỳ){_WORD_END}",
            rf"(?P<yearly>h[àằ]ng\s+năm){_WORD_END}",
            # "Năm 2026 trở đi": the period is where the task starts.
            rf"(?P<onwards>trở đi|trở về sau){_WORD_END}",
            # A recurrence the tracker has no slot for ("hàng quý"): left for an admin.
            rf"(?P<other_recurrence>(?:h[àằ]ng|mỗi)\s+(?:quý|tháng|tuần|ngày)){_WORD_END}",
            rf"(?P<preposition>kể từ|từ|sau|trước|trong|đến|tới|hết|cuối|vào|chậm nhất|muộn nhất|giai đoạn){_WORD_END}",
            rf"(?P<filler>hoàn thành|hoàn tất|xong|thực hiện|triển khai|bắt đầu|cơ bản|nhiệm vụ|và|là){_WORD_END}",
            # "Theo kế hoạch", "khi có yêu cầu", "hoặc …": the date depends on something the text does not give.
            rf"(?P<condition>theo|khi|hoặc|nếu|tùy|tuỳ){_WORD_END}",
            rf"(?P<negation>không|chưa){_WORD_END}",
            # Words that move a period's end somewhere unsaid ("đầu năm 2024").
            rf"(?P<modifier>đầu|giữa|khoảng){_WORD_END}",
            rf"(?P<period_word>ngày|tháng|quý|quí|năm){_WORD_END}",
            r"(?P<word>[^\W\d_]+)",
            r"(?P<number>[0-9]+)",
            r"(?P<mark>\S)",
        )
    )
)
_PERIOD_KINDS = frozenset({"half", "day", "month", "quarter", "year", "current"})
_ALLOWED_MARKS = frozenset(",;.:()-+*•")
_CLAUSE_SEPARATORS = frozenset({".", ";", "và"})
_START_WORDS = frozenset({"từ", "kể từ", "sau"})
_PERIOD_JOINERS = frozenset({"-", "đến", "tới", ",", "và"})
# "Từ tháng 10/2025 đến hết tháng 3/2026": "hết" after a range joiner only says the range ends with the period.
_RANGE_END_WORDS = frozenset({"hết"})


@dataclass(frozen=True)
class Deadline:
    """A deadline as read: the text plus what could be understood of it.

    `yearly_due_on` is a yearly duty's day in the plan year ("trước ngày 15/11 hằng năm" → 15/11, plain "hằng năm"
    → 31/12) for whoever dates each year's occurrence; `due_on` stays None for a yearly duty.
    """

    text: str
    due_on: date | None
    recurrence: str | None
    is_ongoing: bool
    is_parsed: bool
    yearly_due_on: date | None = None

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


def _span(m: re.Match[str], year: int) -> tuple[date, date]:
    """First and last day of one written period in the given year; ValueError when it does not exist."""
    kind = m.lastgroup
    if kind == "day":
        day, month = (m["d_day"], m["d_month"]) if m["d_day"] else (m["w_day"], m["w_month"])
        on = date(year, int(month), int(day))
        return on, on
    if kind == "month":
        months = [int(n) for n in re.findall(r"[0-9]+", m["m_months"] or m["b_month"])]
        if months != sorted(set(months)):
            raise ValueError("the months of a list must run forwards")
        return date(year, months[0], 1), _month_end(year, months[-1])
    if kind == "quarter":
        quarters = [_QUARTERS.get(q, 0) for q in re.findall(r"[ivx]+|[0-9]", m["q_quarters"])]
        if 0 in quarters or quarters != sorted(set(quarters)):
            raise ValueError(f"no quarters {m['q_quarters']!r}")
        return date(year, quarters[0] * 3 - 2, 1), _month_end(year, quarters[-1] * 3)
    if kind == "half":
        return (
            (date(year, 1, 1), date(year, 6, 30)) if m["half_part"] == "đầu" else (date(year, 7, 1), date(year, 12, 31))
        )
    return date(year, 1, 1), date(year, 12, 31)


def _written_year(m: re.Match[str]) -> int | None:
    """The year a period names, if it names one."""
    return next((int(value) for name, value in m.groupdict().items() if name.endswith("_year") and value), None)


@dataclass(frozen=True)
class _Period:
    """One written period, or a range of two ("Quý IV/2025 - Quý II/2026", "từ năm 2023 đến năm 2025")."""

    first: re.Match[str]
    last: re.Match[str] | None = None

    @property
    def has_year(self) -> bool:
        return _written_year(self.last or self.first) is not None

    @property
    def is_day(self) -> bool:
        return self.last is None and self.first.lastgroup == "day"

    @property
    def starts_with_a_word(self) -> bool:
        return self.first.group()[:1].isalpha()

    def span(self, default_year: int | None) -> tuple[date, date]:
        """First and last day; a part without a year takes the range's or the default year."""
        end_year = _written_year(self.last or self.first)
        if end_year is None:
            end_year = default_year
        if end_year is None:
            raise ValueError("no year")
        if self.last is None:
            return _span(self.first, end_year)
        first_year = _written_year(self.first)
        first_start, first_end = _span(self.first, end_year if first_year is None else first_year)
        _, last_end = _span(self.last, end_year)
        if first_end >= last_end:
            raise ValueError("a range must run forwards")
        return first_start, last_end


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    period: _Period | None = None


def _key(text: str) -> str:
    """The text folded for matching: compatibility forms, case, look-alikes, edge punctuation."""
    key = unicodedata.normalize("NFKC", text).casefold().translate(_LOOKALIKES)
    key = _SPACE_RE.sub(" ", key)
    return _TRAILING_JUNK_RE.sub("", _LEADING_JUNK_RE.sub("", key))


def _tokens(key: str) -> list[_Token]:
    """The key's words, with periods joined by "-", "đến (hết)", "," or "và" made one range ("Quý IV/2025- Quý
    II/2026", "Từ tháng 10/2025 đến hết tháng 3/2026"; "Tháng 11, 12/2013" is one token already, "Năm 2025, 2026")."""
    raw = [(m.lastgroup or "mark", m) for m in _TOKEN_RE.finditer(key)]
    tokens: list[_Token] = []
    i = 0
    while i < len(raw):
        kind, m = raw[i]
        if kind not in _PERIOD_KINDS:
            tokens.append(_Token(kind, m.group()))
            i += 1
            continue
        last = None
        while i + 2 < len(raw) and raw[i + 1][1].group() in _PERIOD_JOINERS:
            step = 2 if raw[i + 2][1].group() not in _RANGE_END_WORDS or raw[i + 1][1].group() == "," else 3
            if i + step >= len(raw) or raw[i + step][0] not in _PERIOD_KINDS:
                break
            last = raw[i + step][1]
            i += step
        tokens.append(_Token("period", m.group(), _Period(m, last)))
        i += 1
    return tokens


def _is_ongoing_run(tokens: list[_Token]) -> bool:
    """Whether the tokens are only ongoing words, joined by "," or "và" ("thường xuyên, liên tục")."""
    if not tokens or tokens[0].kind != "ongoing" or tokens[-1].kind != "ongoing":
        return False
    return all(t.kind == "ongoing" or t.text in (",", "và") for t in tokens)


def _has_ongoing_clause(tokens: list[_Token]) -> bool:
    """Whether the text opens or ends with its own "thường xuyên" / "liên tục" clause, set off from something
    else by ",", ";", "." or "và" ("Khi có yêu cầu và thường xuyên", "Thường xuyên, hàng tháng")."""
    cuts = [i for i, t in enumerate(tokens) if i > 0 and t.text in (",", ";", ".", "và")]
    return any(_is_ongoing_run(tokens[i + 1 :]) or _is_ongoing_run(tokens[:i]) for i in cuts)


def _is_yearly_neighbour(tokens: list[_Token], i: int) -> bool:
    """Whether the period at i is the day of a "hằng năm" next to it ("Tháng 12 hằng năm", "hằng năm (trước …)")."""
    after = i + 1
    while after < len(tokens) and tokens[after].text == ",":
        after += 1
    before = i - 1
    while before >= 0 and (tokens[before].text in (",", "(") or tokens[before].kind == "preposition"):
        before -= 1
    return (after < len(tokens) and tokens[after].kind == "yearly") or (before >= 0 and tokens[before].kind == "yearly")


def parse_deadline(text: str, plan_year: int | None = None) -> Deadline:
    """Read a deadline; whatever is not fully understood comes back with is_parsed False and no date."""
    clean = normalize_text(text)
    key = _key(clean)
    if not key or len(key) > _MAX_KEY_LENGTH:
        return Deadline(clean, None, None, False, False)
    tokens = _tokens(key)
    # What cannot be read is never half-dated; an ongoing clause of its own at either end still counts.
    return _read(clean, tokens, plan_year) or Deadline(clean, None, None, _has_ongoing_clause(tokens), False)


def _read(text: str, tokens: list[_Token], plan_year: int | None) -> Deadline | None:
    """The deadline the tokens state, or None when any part of them cannot be read.

    The due date is the end of the first completion period; an open-ended phase ("thường xuyên", "từ năm X",
    "các năm tiếp theo", "hằng năm" …) makes it ongoing. A yearly duty with no completion period recurs and has no
    single due date.
    """
    kinds = [token.kind for token in tokens]
    has_yearly = "yearly" in kinds
    is_ongoing = has_yearly or "ongoing" in kinds
    is_sentence = "word" in kinds or "modifier" in kinds
    depth = 0
    dues: list[tuple[int, date]] = []
    yearly_days: list[date] = []
    for i, token in enumerate(tokens):
        if token.kind == "period":
            try:
                role, day = _period_role(tokens, i, plan_year, has_yearly)
            except ValueError:
                return None
            if role == "due":
                dues.append((i, day))
            elif role == "yearly":
                yearly_days.append(day)
            is_ongoing = is_ongoing or role == "start"
        elif token.kind == "condition":
            if not ((token.text == "nếu" and depth > 0) or _condition_is_a_qualifier(tokens, i)):
                return None
        elif token.kind in ("negation", "other_recurrence", "number", "period_word"):
            return None
        elif token.kind == "mark":
            if token.text not in _ALLOWED_MARKS:
                return None
            depth += {"(": 1, ")": -1}.get(token.text, 0)

    if not (dues or is_ongoing):
        return None
    if is_sentence and dues and not _is_introduced(tokens, dues[0][0]):
        return None
    if not is_sentence and _has_dangling_preposition(tokens):
        return None
    if dues:
        return Deadline(text, dues[0][1], None, is_ongoing, True)
    if has_yearly:
        return Deadline(text, None, YEARLY, True, True, _in_year(yearly_days[0] if yearly_days else None, plan_year))
    return Deadline(text, None, None, True, True)


def _period_role(tokens: list[_Token], i: int, plan_year: int | None, has_yearly: bool) -> tuple[str, date]:
    """What the period at i does: ("due", its end), ("yearly", its day in a leap year) or ("start", its start).

    ValueError when it cannot be read: it does not exist, has no year to take, is moved by "đầu"/"giữa", or names
    a year next to "hằng năm" ("Tháng 12/2023 hằng năm" contradicts itself).
    """
    period = tokens[i].period
    assert period is not None  # i is a period's token
    before = tokens[i - 1].text if i else ""
    if i and tokens[i - 1].kind == "modifier":
        raise ValueError(f"{before!r} moves the period")
    if has_yearly and period.has_year and _is_yearly_neighbour(tokens, i):
        raise ValueError("a year named next to hằng năm")
    # "Trước" a day is "by that day"; "trước" a longer period ends the day before the period starts.
    is_before = before == "trước" and not period.is_day
    if has_yearly and not period.has_year:
        start, end = period.span(_LEAP_YEAR)
        return "yearly", start - timedelta(days=1) if is_before else end
    is_onwards = i + 1 < len(tokens) and tokens[i + 1].kind == "onwards"
    if (before in _START_WORDS and period.last is None) or is_onwards:
        start, _ = period.span(_LEAP_YEAR if plan_year is None else plan_year)
        return "start", start
    start, end = period.span(plan_year)
    return "due", start - timedelta(days=1) if is_before else end


def _in_year(day: date | None, year: int | None) -> date | None:
    """A yearly day in the given year (31/12 when none is named; 29/02 is 28/02 in a common year)."""
    if year is None:
        return None
    if day is None:
        return date(year, 12, 31)
    try:
        return day.replace(year=year)
    except ValueError:
        return date(year, 2, 28)


def _condition_is_a_qualifier(tokens: list[_Token], i: int) -> bool:
    """Whether a condition word only adds occasions to a recurring duty: it follows "thường xuyên"/"hằng năm"
    ("… hoặc đột xuất theo yêu cầu"), or names a plan that is itself yearly ("Theo kế hoạch … hàng năm")."""
    if any(token.kind in ("ongoing", "yearly") for token in tokens[:i]):
        return True
    if tokens[i].text != "theo":
        return False
    for token in tokens[i + 1 :]:
        if token.kind == "yearly":
            return True
        if token.text in _CLAUSE_SEPARATORS:
            return False
    return False


def _is_introduced(tokens: list[_Token], i: int) -> bool:
    """Whether the period at i, in a sentence, is set off as a time phrase: after a time word ("trong", "giai đoạn",
    "hoàn thành"), at the start of a clause, or written with its own word ("năm 2026", "Quý II/2025")."""
    before = tokens[i - 1] if i else None
    period = tokens[i].period
    assert period is not None  # i is a period's token
    return (
        before is None
        or before.kind in ("preposition", "filler")
        or before.text in (".", ";", ":", "-", "(")
        or period.starts_with_a_word
    )


def _has_dangling_preposition(tokens: list[_Token]) -> bool:
    """Whether a time word leads to no period ("Trước thường xuyên"), in a text of time words only."""
    for i, token in enumerate(tokens):
        if token.kind != "preposition":
            continue
        following = next((t for t in tokens[i + 1 :] if t.kind not in ("preposition", "filler")), None)
        if following is None or following.kind != "period":
            return True
    return False


# --- Deadline clauses inside task sentences -------------------------------------------------------------------

# The pieces of a written period, for finding a deadline inside a sentence (case-insensitive, as written).
_C_DAY = (
    r"(?:ngày\s+)?(?:[0-9]{1,2}\s+tháng\s+[0-9]{1,2}(?:(?:\s*[/.\-]\s*|,?\s+năm\s+)[0-9]{4})?"
    r"|[0-9]{1,2}\s*[/.\-]\s*[0-9]{1,2}(?:\s*[/.\-]\s*[0-9]{4})?)(?![0-9/])"
)
_C_YEAR_SEP = r"(?:\s*[/.\-]\s*|,?\s*năm\s*)"
_C_ONE = (
    rf"(?:tháng\s*[0-9]{{1,2}}(?:\s*,\s*[0-9]{{1,2}})*{_C_YEAR_SEP}[0-9]{{4}}"
    rf"|qu[ýí]\s*(?:[ivx]+|[1-4]){_C_YEAR_SEP}[0-9]{{4}}|năm\s*[0-9]{{4}})"
)
_C_TO = r"\s*(?:[\-–—]|đến)\s*"
# One period, or a range of two; a bare year only as part of a range ("giai đoạn 2026 - 2027", "2019- 2022").
_C_PERIOD = (
    rf"(?:giai đoạn\s*)?(?:{_C_ONE}|[0-9]{{4}}(?={_C_TO}))(?:{_C_TO}(?:{_C_ONE}|[0-9]{{4}}))?"
    r"(?![0-9])"
)
_C_MONTH_OR_QUARTER = (
    rf"(?:tháng|qu[ýí])\s*(?:[0-9]{{1,2}}|[ivx]+)(?:\s*[,\-]\s*(?:[0-9]{{1,2}}|[ivx]+))*"
    rf"{_C_YEAR_SEP}[0-9]{{4}}"
)
_C_YEARLY = r"h[àằ]ng\s+năm"
_C_BY = r"(?:trước|chậm nhất(?:\s+là)?(?:\s+(?:trước|vào))?|muộn nhất(?:\s+là)?|đến hết|hạn chót)"
_C_DONE = r"(?:(?:hoàn thành|hoàn tất|xong)\s+)"
_C_NEXT_YEARS = r"(?:\s+và\s+(?:các|những)\s+năm\s+tiếp\s+theo)?"

# Every shape a deadline takes inside a sentence. Each starts with words that only a time phrase starts with
# ("trước ngày …", "trong quý …", "hoàn thành trong năm …", "hằng năm (trước ngày …)"), so a bare date (a cited
# document's "ngày 22/12/2024") or a title's period ("… năm 2023", "giai đoạn 2021-2025") never matches. A year
# or a range needs a word saying "done" in front: "trong năm 2025" alone mostly describes, it does not set a date.
_CLAUSE_RE = re.compile(
    "|".join(
        (
            # A label written inside the sentence: its value is the clause.
            r"thời (?:gian|hạn)(?:\s+(?:thực hiện|hoàn thành|triển khai))?\s*:\s*"
            r"(?P<value>(?:[^;.()]|\.(?=[0-9])){1,120}?)(?=\s*(?:[;()]|\.(?![0-9])|$))",
            rf"(?:định kỳ\s+)?{_C_YEARLY}\s*\(\s*{_C_BY}\s+{_C_DAY}\s*\)",
            rf"định kỳ\s+{_C_YEARLY}(?:\s+hoặc\s+đột xuất(?:\s+(?:theo|khi có)\s+yêu cầu)?)?",
            rf"{_C_DONE}?{_C_BY}\s+{_C_DAY}(?:,?\s+{_C_YEARLY})?",
            rf"(?:trong|vào)\s+(?:tháng\s*[0-9]{{1,2}}|qu[ýí]\s*(?:[ivx]+|[1-4]))\s+{_C_YEARLY}",
            rf"{_C_DONE}?(?:trong|vào)\s+{_C_MONTH_OR_QUARTER}(?:{_C_TO}{_C_MONTH_OR_QUARTER})?(?![0-9]){_C_NEXT_YEARS}",
            rf"{_C_DONE}?{_C_BY}\s+{_C_PERIOD}{_C_NEXT_YEARS}",
            rf"{_C_DONE}(?:(?:trong|vào)\s+)?{_C_PERIOD}{_C_NEXT_YEARS}",
        )
    ),
    re.IGNORECASE,
)
# Words in front of "hoàn thành …" that belong to the clause ("cơ bản hoàn thành trong năm 2025").
_DONE_BEFORE_RE = re.compile(r"(?:cơ bản|phấn đấu|sẽ)\s+$", re.IGNORECASE)
# A clause that is a whole part of the sentence also keeps its verb ("; thực hiện cơ bản hoàn thành trong năm 2025").
_VERB_ONLY_RE = re.compile(r"^\s*(?:thực hiện|triển khai)\s+$", re.IGNORECASE)
_CLAUSE_START_RE = re.compile(r"[;:()]\s*|\.\s+|^")
# A document number ("57-NQ/TW", "283/KH-UBND", "26/2020/NĐ-CP"): "trong quý …" after it in the same part of
# the sentence may be that document's title, so only a clause that says "by" or "done" is taken there.
_WITHIN_RE = re.compile(r"(?:trong|vào)\s", re.IGNORECASE)
_DOCUMENT_NUMBER_RE = re.compile(r"(?<![0-9])[0-9]+(?:/[0-9]{4})?[\-/][A-ZĐ]")
# How far back the start of a clause is looked for, and how many words in front of it are taken: long
# sentences stay linear.
_LOOK_BACK = 160
_MAX_WORDS_IN_FRONT = 3


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
        if m["value"] is not None:
            clauses.append(m["value"].strip())
            continue
        part_start = _clause_part_start(text, m.start())
        if _WITHIN_RE.match(m.group()) and _DOCUMENT_NUMBER_RE.search(text, part_start, m.start()):
            continue
        start = m.start()
        for _ in range(_MAX_WORDS_IN_FRONT):
            done = _DONE_BEFORE_RE.search(text, max(part_start, start - 40), start)
            if done is None:
                break
            start = done.start()
        if _VERB_ONLY_RE.match(text[part_start:start]):
            start = part_start
        clauses.append(text[start : m.end()])
    return clauses


def deadline_clause(sentence: str) -> str | None:
    """The first deadline clause of a task sentence as written, or None when the sentence states no deadline."""
    clauses = deadline_clauses(sentence)
    return clauses[0] if clauses else None


def item_columns(deadline: Deadline) -> dict[str, Any]:
    """An action item's deadline columns as the grammar reads its text."""
    values = {
        "due_on": deadline.due_on,
        "recurrence": deadline.recurrence,
        "is_ongoing": deadline.is_ongoing,
        "is_deadline_parsed": deadline.is_parsed,
    }
    if deadline.recurrence == YEARLY:
        # A yearly duty is tracked as one assignment a year, each due on that day of its year:
        # the item keeps the first year's day, and no occurrence is "ongoing" without end.
        values.update(due_on=deadline.yearly_due_on, is_ongoing=False)
    return values


def reading_words(due_on: date | None, recurrence: str | None, is_ongoing: bool, is_parsed: bool) -> str:
    """How a deadline is understood, in words: "31/08/2023", "hằng năm, 31/12/2023", "thường xuyên"."""
    if not is_parsed:
        return "chưa đọc được"
    parts = [f"{due_on:%d/%m/%Y}"] if due_on else []
    if recurrence == YEARLY:
        parts.insert(0, "hằng năm")
    if is_ongoing:
        parts.append("thường xuyên")
    return ", ".join(parts) or "không có hạn"
