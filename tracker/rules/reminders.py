"""Which reminder entries are due to which unit on a given working day; the emails themselves are assembled elsewhere."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from tracker.rules.kpi import is_report_missing, last_due_period
from tracker.rules.lifecycle import DONE, progress_report_missing
from tracker.rules.workdays import WorkCalendar

BEFORE, DUE, OVERDUE, COORDINATING = "before", "due", "overdue", "coordinating"
ONGOING_REPORT, KPI_MISSING, DIGEST = "ongoing_report", "kpi_missing", "digest"
KINDS = (BEFORE, DUE, OVERDUE, COORDINATING, ONGOING_REPORT, KPI_MISSING, DIGEST)
# The order a unit reads its email in: what is already late first, the weekly digest last.
KIND_ORDER = (OVERDUE, DUE, BEFORE, COORDINATING, ONGOING_REPORT, KPI_MISSING, DIGEST)
_KIND_RANK = {kind: rank for rank, kind in enumerate(KIND_ORDER)}

_ONE_DAY = timedelta(days=1)

_REPEAT_LABELS = {
    "overdue_repeat_days": "Chu kỳ nhắc lại nhiệm vụ quá hạn",
    "ongoing_repeat_days": "Chu kỳ nhắc lại báo cáo nhiệm vụ thường xuyên",
    "kpi_repeat_days": "Chu kỳ nhắc lại báo cáo số liệu KPI",
    "progress_period_days": "Thời hạn giữa hai lần báo cáo tiến độ nhiệm vụ thường xuyên",
}
# Figures are due on the same day every month, so the day must exist in February too.
_LAST_KPI_DUE_DAY = 28

_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
_ROMAN_RE = re.compile(r"[IVXLC]+")
_DIGITS_RE = re.compile(r"[0-9]+")


def _is_int(value: object) -> bool:
    """True for a real int (a bool is no number of days)."""
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass(frozen=True)
class ReminderRules:
    """When each kind of reminder goes out, and which kinds are switched on."""

    before_days: tuple[int, ...] = (7, 3, 1, 0)  # 0 = on the due date (kind DUE); others kind BEFORE
    overdue_repeat_days: int = 7  # overdue: day 1 after the due date, then every N days
    ongoing_repeat_days: int = 7
    kpi_repeat_days: int = 7
    progress_period_days: int = 30  # an ongoing item needs a progress report this often
    kpi_due_day: int = 5  # KPI figures for a month are due by this day of the next month
    digest_weekday: int = 0  # Monday
    copy_it_centre_on_overdue: bool = True
    coordinators_get_before: bool = True  # coordinating units receive the before/due reminders
    enabled: frozenset[str] = frozenset(KINDS)  # kinds switched on

    def validate(self) -> list[str]:
        """Every problem with the settings, in Vietnamese; empty when they can be used."""
        problems: list[str] = []
        offsets = tuple(self.before_days)
        bad = [offset for offset in offsets if not _is_int(offset) or offset < 0]
        if bad:
            problems.append(f"Số ngày nhắc trước hạn phải là số nguyên không âm (đã nhập {', '.join(map(str, bad))}).")
        repeated = sorted({offset for offset in offsets if _is_int(offset) and offsets.count(offset) > 1})
        if repeated:
            problems.append(f"Số ngày nhắc trước hạn bị lặp: {', '.join(map(str, repeated))}.")
        for name, label in _REPEAT_LABELS.items():
            value = getattr(self, name)
            if not _is_int(value) or value < 1:
                problems.append(f"{label} phải từ 1 ngày trở lên (đang là {value}).")
        if not _is_int(self.kpi_due_day) or not 1 <= self.kpi_due_day <= _LAST_KPI_DUE_DAY:
            problems.append(
                f"Hạn nộp số liệu KPI phải là một ngày từ 1 đến {_LAST_KPI_DUE_DAY} "
                f"của tháng sau (đang là {self.kpi_due_day})."
            )
        if not _is_int(self.digest_weekday) or not 0 <= self.digest_weekday <= 6:
            problems.append(
                f"Ngày gửi bản tổng hợp hằng tuần phải từ 0 (thứ Hai) đến 6 (Chủ nhật) (đang là {self.digest_weekday})."
            )
        unknown = sorted(str(kind) for kind in set(self.enabled) - set(KINDS))
        if unknown:
            problems.append(f"Không có loại nhắc việc: {', '.join(unknown)}.")
        return problems


@dataclass(frozen=True)
class AssignmentFacts:
    """One active assignment as the daily sweep reads it."""

    assignment_id: int
    item_ref: str  # "I.1"
    item_id: int
    unit_id: int  # the lead unit
    state: str  # not_started / in_progress / blocked / done
    due_on: date | None
    is_ongoing: bool
    last_report_on: date | None
    started_on: date  # when the assignment was created
    coordinating_unit_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class UnitFigures:
    """A unit that must report KPI figures, and the date of its latest report."""

    unit_id: int
    latest_as_of: date | None


@dataclass(frozen=True, order=True)
class Entry:
    """One line of a unit's reminder email."""

    unit_id: int  # who receives it
    kind: str
    item_ref: str | None  # None for kpi_missing and digest
    item_id: int | None
    assignment_id: int | None  # for coordinating, the lead assignment it is about; None for kpi_missing, digest
    days: int | None  # days left (negative when overdue); None for ongoing_report, kpi_missing, digest
    cc_it_centre: bool = False


def _ref_part_key(part: str) -> tuple[int, int, str]:
    """One dot-separated part of an item reference as a sort key: numbers and Roman numerals by value."""
    if _DIGITS_RE.fullmatch(part):
        return (0, int(part), "")
    if _ROMAN_RE.fullmatch(part):
        values = [_ROMAN_VALUES[letter] for letter in part]
        # A smaller numeral before a larger one is subtracted: IV is 4, IX is 9.
        total = sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))
        return (0, total, "")
    return (1, 0, part.casefold())


def _ref_key(ref: str | None) -> tuple[tuple[int, int, str], ...]:
    """An item reference as a sort key, so "I.2" comes before "I.10" and "IX.1" after "V.1"."""
    if ref is None:
        return ()
    return tuple(_ref_part_key(part) for part in ref.strip().split(".") if part)


def _entry_key(entry: Entry) -> tuple:
    """The order entries are listed in: by unit, then kind (KIND_ORDER), then item reference."""
    missing = -1  # None cannot be compared with a number; no real id is negative
    return (
        entry.unit_id,
        _KIND_RANK.get(entry.kind, len(KIND_ORDER)),
        _ref_key(entry.item_ref),
        missing if entry.item_id is None else entry.item_id,
        missing if entry.assignment_id is None else entry.assignment_id,
        missing if entry.days is None else entry.days,
        entry.cc_it_centre,
    )


def _sent_back_to(today: date, calendar: WorkCalendar) -> list[date]:
    """Today and the days off right after it: a reminder falling on any of them goes out today instead."""
    days = [today]
    day = today + _ONE_DAY
    while not calendar.is_workday(day):
        days.append(day)
        day += _ONE_DAY
    return days


def _moved_on_to(today: date, calendar: WorkCalendar) -> list[date]:
    """Today and the days off right before it: a repeat falling on any of them goes out today instead."""
    days = [today]
    day = today - _ONE_DAY
    while not calendar.is_workday(day):
        days.append(day)
        day -= _ONE_DAY
    return days


def _on_cadence(days: Iterable[date], first: date, every: int) -> bool:
    """True when one of the days is `first` or a whole number of `every`-day steps after it."""
    return any(day >= first and (day - first).days % every == 0 for day in days)


def _before_offset(due_on: date, sent_back: list[date], rules: ReminderRules) -> int | None:
    """The before-due offset whose reminder goes out today, the nearest when several do; None if none."""
    offsets = {(due_on - day).days for day in sent_back} & set(rules.before_days)
    # Offsets moved onto the same working day make one reminder, saying how near the due date is.
    return min(offsets) if offsets else None


def _is_overdue_day(facts: AssignmentFacts, moved_on: list[date], rules: ReminderRules) -> bool:
    """True when today is an overdue reminder day: the day after the due date, then every N days."""
    # An ongoing item's due date ("Quý II/2023 và thường xuyên") starts work that then never ends.
    if facts.is_ongoing or facts.due_on is None:
        return False
    return _on_cadence(moved_on, facts.due_on + _ONE_DAY, rules.overdue_repeat_days)


def _is_ongoing_report_day(facts: AssignmentFacts, today: date, moved_on: list[date], rules: ReminderRules) -> bool:
    """True when an ongoing item's progress report is missing and today is a day to say so."""
    if not progress_report_missing(
        is_ongoing=facts.is_ongoing,
        state=facts.state,
        last_report_on=facts.last_report_on,
        started_on=facts.started_on,
        today=today,
        period_days=rules.progress_period_days,
    ):
        return False
    since = facts.last_report_on if facts.last_report_on is not None else facts.started_on
    first_missing = since + timedelta(days=rules.progress_period_days + 1)
    return _on_cadence(moved_on, first_missing, rules.ongoing_repeat_days)


def _is_kpi_missing_day(unit: UnitFigures, today: date, moved_on: list[date], rules: ReminderRules) -> bool:
    """True when the unit's figures for the latest month due are missing and today is a day to say so."""
    period = last_due_period(today, rules.kpi_due_day)
    if period is None or not is_report_missing(period, unit.latest_as_of):
        return False
    first_late = period.deadline(rules.kpi_due_day) + _ONE_DAY
    return _on_cadence(moved_on, first_late, rules.kpi_repeat_days)


@dataclass(frozen=True)
class Window:
    """Which assignments and units can have an entry today: a superset of what entries_due() picks, narrow
    enough to read from the database, so the sweep's cost follows the reminders due rather than the number
    of assignments held. entries_due() still decides; the window only spares reading the rest."""

    due_dates: frozenset[date]  # a before-due or due-today reminder goes out for these due dates
    overdue_every: int
    # An overdue repeat can fall today when (today - due_on - 1) % overdue_every is one of these.
    overdue_residues: frozenset[int]
    ongoing_since_by: date  # an ongoing item misses a report only when its last report (or start) is this old
    ongoing_every: int
    # With a last report, a repeat can fall today when (today - last_report_on - period - 1) % every is one of these.
    ongoing_residues: frozenset[int]
    kpi_day: bool  # today (or a day off just before) is a missing-figures reminder day
    digest_day: bool


def todays_window(today: date, rules: ReminderRules, calendar: WorkCalendar) -> Window | None:
    """The window of today's possible entries; None on a day off (nothing goes out)."""
    if not calendar.is_workday(today):
        return None
    sent_back = _sent_back_to(today, calendar)
    moved_on = _moved_on_to(today, calendar)
    period = last_due_period(today, rules.kpi_due_day)
    kpi_day = (
        KPI_MISSING in rules.enabled
        and period is not None
        and _on_cadence(moved_on, period.deadline(rules.kpi_due_day) + _ONE_DAY, rules.kpi_repeat_days)
    )
    return Window(
        due_dates=frozenset(day + timedelta(days=offset) for day in sent_back for offset in rules.before_days),
        overdue_every=rules.overdue_repeat_days,
        overdue_residues=frozenset(j % rules.overdue_repeat_days for j in range(len(moved_on))),
        ongoing_since_by=today - timedelta(days=rules.progress_period_days + 1),
        ongoing_every=rules.ongoing_repeat_days,
        ongoing_residues=frozenset(j % rules.ongoing_repeat_days for j in range(len(moved_on))),
        kpi_day=kpi_day,
        digest_day=DIGEST in rules.enabled and any(day.weekday() == rules.digest_weekday for day in moved_on),
    )


def entries_due(
    today: date,
    assignments: Iterable[AssignmentFacts],
    figures: Iterable[UnitFigures],
    rules: ReminderRules,
    calendar: WorkCalendar,
    *,
    it_centre_unit_id: int | None,
) -> list[Entry]:
    """The reminder entries to send today, sorted by unit, kind (KIND_ORDER) and item reference."""
    problems = rules.validate()
    if problems:
        # Zero-day repeats would divide by zero and unknown kinds would be silently ignored.
        raise ValueError(" ".join(problems))
    # Nobody reads office mail on a day off; what would have fallen on one is moved to a working day.
    if not calendar.is_workday(today):
        return []
    enabled = rules.enabled
    sent_back = _sent_back_to(today, calendar)
    moved_on = _moved_on_to(today, calendar)
    found: set[Entry] = set()
    # (unit, item) -> (days left, assignment, item ref) of the nearest lead reminder a coordinating
    # unit shares: with a collective lead it is told about the item once, not once per lead unit.
    coordinating: dict[tuple[int, int], tuple[int, int, str]] = {}
    leads_reminded: set[tuple[int, int]] = set()

    for facts in assignments:
        if facts.state == DONE:
            continue
        due_on = facts.due_on
        offset = None if due_on is None else _before_offset(due_on, sent_back, rules)
        if due_on is not None and offset is not None:
            days = (due_on - today).days
            kind = BEFORE if offset > 0 else DUE
            leads_reminded.add((facts.unit_id, facts.item_id))
            if kind in enabled:
                found.add(Entry(facts.unit_id, kind, facts.item_ref, facts.item_id, facts.assignment_id, days))
            if rules.coordinators_get_before:
                for unit_id in facts.coordinating_unit_ids:
                    key = (unit_id, facts.item_id)
                    candidate = (days, facts.assignment_id, facts.item_ref)
                    if unit_id != facts.unit_id and (key not in coordinating or candidate < coordinating[key]):
                        coordinating[key] = candidate
        if due_on is not None and OVERDUE in enabled and _is_overdue_day(facts, moved_on, rules):
            # The IT Centre follows up on overdue work, but a copy of its own reminder tells it nothing new.
            cc = (
                rules.copy_it_centre_on_overdue and it_centre_unit_id is not None and facts.unit_id != it_centre_unit_id
            )
            found.add(
                Entry(
                    facts.unit_id,
                    OVERDUE,
                    facts.item_ref,
                    facts.item_id,
                    facts.assignment_id,
                    (due_on - today).days,
                    cc_it_centre=cc,
                )
            )
        if ONGOING_REPORT in enabled and _is_ongoing_report_day(facts, today, moved_on, rules):
            found.add(Entry(facts.unit_id, ONGOING_REPORT, facts.item_ref, facts.item_id, facts.assignment_id, None))

    if COORDINATING in enabled:
        for (unit_id, item_id), (days, assignment_id, item_ref) in coordinating.items():
            # A unit that leads its own share of the item already has the item's reminder today.
            if (unit_id, item_id) not in leads_reminded:
                found.add(Entry(unit_id, COORDINATING, item_ref, item_id, assignment_id, days))

    if KPI_MISSING in enabled:
        for unit in figures:
            if _is_kpi_missing_day(unit, today, moved_on, rules):
                found.add(Entry(unit.unit_id, KPI_MISSING, None, None, None, None))

    # The digest goes out on its weekday or, when that is a day off, on the first working day after.
    if (
        DIGEST in enabled
        and it_centre_unit_id is not None
        and any(day.weekday() == rules.digest_weekday for day in moved_on)
    ):
        found.add(Entry(it_centre_unit_id, DIGEST, None, None, None, None))

    return sorted(found, key=_entry_key)


def group_by_unit(entries: Iterable[Entry]) -> dict[int, list[Entry]]:
    """One list per receiving unit (one email per unit per day), units ascending, entries in KIND_ORDER."""
    grouped: dict[int, list[Entry]] = {}
    for entry in sorted(entries, key=_entry_key):
        grouped.setdefault(entry.unit_id, []).append(entry)
    return grouped


URGE = "urge"  # an entry the IT Centre added by urging a unit; it rides in that unit's one email of the day
EXCERPT_LENGTH = 180
_BULLET_RE = re.compile(r"^\s*(?:[-+•*–—]|[a-zđ]\)|\d+(?:\.\d+)*[.)])\s*", re.IGNORECASE)
_SENTENCE_END_RE = re.compile(r"(?<=[.;!?])\s+(?=\S)")


@lru_cache(maxsize=2048)  # one item's task repeats on the rows of every unit it is assigned to
def task_excerpt(task: str, limit: int = EXCERPT_LENGTH) -> str:
    """A task quoted in an email: its first sentence, or — when the first line only announces a list
    ("… ban hành:") — that line with its first point; cut at a word and ended with "…" when shortened."""
    lines = [line.strip() for line in task.splitlines() if line.strip()]
    if not lines:
        return ""
    first, rest = lines[0], lines[1:]
    if first.endswith(":") and rest:
        text = f"{first} {_BULLET_RE.sub('', rest[0])}"
        more = len(rest) > 1
    else:
        parts = _SENTENCE_END_RE.split(first, maxsplit=1)
        text, more = parts[0], len(parts) > 1 or bool(rest)
    if len(text) > limit:
        cut = text[:limit].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
        text, more = cut, True
    text = text.rstrip(" ,;:")
    return f"{text.rstrip('.')} …" if more and text.endswith(".") else (f"{text}…" if more else text)
