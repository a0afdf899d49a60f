"""Which state changes an assignment may make, what each needs, and the status derived from its dates."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from .texts import known, t

NOT_STARTED, IN_PROGRESS, BLOCKED, DONE = "not_started", "in_progress", "blocked", "done"
STATES = (NOT_STARTED, IN_PROGRESS, BLOCKED, DONE)
STATE_LABELS = {
    NOT_STARTED: "Chưa triển khai",
    IN_PROGRESS: "Đang thực hiện",
    BLOCKED: "Gặp vướng mắc",
    DONE: "Hoàn thành",
}

PROGRESS, MOVE, REOPEN = "progress", "move", "reopen"

# Moves between different states; done -> in_progress is the reopen, checked on its own, and
# nothing goes back to not_started because work once reported cannot be "un-started".
_MOVES = frozenset(
    {
        (NOT_STARTED, IN_PROGRESS),
        (NOT_STARTED, BLOCKED),
        (NOT_STARTED, DONE),
        (IN_PROGRESS, BLOCKED),
        (IN_PROGRESS, DONE),
        (BLOCKED, IN_PROGRESS),
        # A difficulty that resolves itself with the result: done straight away, with its evidence.
        (BLOCKED, DONE),
    }
)

DONE_ON_TIME, DONE_LATE = "done_on_time", "done_late"
NOT_DONE_IN_TIME, NOT_DONE_OVERDUE = "not_done_in_time", "not_done_overdue"
CLASS_LABELS = {
    DONE_ON_TIME: "Hoàn thành đúng hạn",
    DONE_LATE: "Hoàn thành quá hạn",
    NOT_DONE_IN_TIME: "Chưa hoàn thành, còn hạn",
    NOT_DONE_OVERDUE: "Chưa hoàn thành, quá hạn",
}

OVERDUE = "overdue"
ROLL_UP_LABELS = {**STATE_LABELS, OVERDUE: "Quá hạn"}

# Said after each missing document field: a scanned result file is an accepted substitute.


@dataclass(frozen=True)
class Evidence:
    """What shows an assignment is done: the result document (or its file) and the completion date."""

    document_number: str = ""
    document_date: date | None = None
    document_title: str = ""
    has_file: bool = False
    completed_on: date | None = None


@dataclass(frozen=True)
class Change:
    """A state change (or, to the same state, a progress report) as a unit submits it."""

    to_state: str
    comment: str = ""
    difficulty: str = ""
    proposal: str = ""
    evidence: Evidence = Evidence()
    reason: str = ""


class TransitionRefused(Exception):
    """A change that cannot be saved, with what to fix per field ("" for the transition itself)."""

    def __init__(self, problems: dict[str, str]) -> None:
        self.problems = dict(problems)
        # The dict itself is the only argument so the exception survives pickling intact.
        super().__init__(self.problems)

    def __str__(self) -> str:
        return "; ".join(self.problems.values())


def _label(state: str) -> str:
    """A state's Vietnamese label (a Text the interface translates), or the raw name when it is not a state."""
    return known(STATE_LABELS[state]) if state in STATE_LABELS else state


def _format_date(day: date) -> str:
    """A date as dd/mm/yyyy, the way Vietnamese documents write it."""
    return f"{day:%d/%m/%Y}"


def _is_blank(text: str) -> bool:
    """True for text that is empty once surrounding whitespace is gone."""
    return not text.strip()


def transition_kind(current: str, to_state: str) -> str:
    """The kind of change: "progress" within one state, "reopen" for done -> in_progress, else "move"."""
    if current == to_state:
        return PROGRESS
    if (current, to_state) == (DONE, IN_PROGRESS):
        return REOPEN
    return MOVE


def _refused_move(current: str, to_state: str) -> str:
    """Why a move between two states is not allowed."""
    return t(
        "Không thể chuyển từ “%(current)s” sang “%(to_state)s”.", current=_label(current), to_state=_label(to_state)
    )


def _transition_problem(current: str, change: Change, is_reopen_allowed: bool) -> str | None:
    """What forbids the transition itself, whatever the fields say; None when it may go ahead."""
    to_state = change.to_state
    if current not in STATES or to_state not in STATES:
        return _refused_move(current, to_state)
    kind = transition_kind(current, to_state)
    if kind == PROGRESS:
        if current == DONE:
            return t(
                "Nhiệm vụ đã “%(done)s” nên không nhận thêm báo cáo tiến độ; nếu cần, hãy đề nghị mở lại nhiệm vụ.",
                done=_label(DONE),
            )
        return None
    if kind == REOPEN:
        if not is_reopen_allowed:
            return t(
                "Bạn không có quyền mở lại nhiệm vụ đã “%(done)s” (chuyển sang “%(in_progress)s”).",
                done=_label(DONE),
                in_progress=_label(IN_PROGRESS),
            )
        return None
    if (current, to_state) not in _MOVES:
        return _refused_move(current, to_state)
    return None


def _done_problems(evidence: Evidence, today: date) -> dict[str, str]:
    """What is missing or wrong in the evidence of completion."""
    problems: dict[str, str] = {}
    if evidence.completed_on is None:
        problems["completed_on"] = t("Hãy nhập ngày hoàn thành.")
    elif evidence.completed_on > today:
        problems["completed_on"] = t("Ngày hoàn thành không được sau hôm nay (%(today)s).", today=_format_date(today))

    if not evidence.has_file:
        if _is_blank(evidence.document_number):
            problems["document_number"] = t("Hãy nhập số văn bản (ví dụ 123/QĐ-CĐA) hoặc đính kèm tệp kết quả.")
        if evidence.document_date is None:
            problems["document_date"] = t("Hãy nhập ngày ban hành văn bản hoặc đính kèm tệp kết quả.")
        if _is_blank(evidence.document_title):
            problems["document_title"] = t("Hãy nhập trích yếu/tên văn bản hoặc đính kèm tệp kết quả.")
    # A wrong date is wrong even when a file is attached, so this is checked either way.
    if evidence.document_date is not None and evidence.document_date > today:
        problems["document_date"] = t(
            "Ngày ban hành văn bản không được sau hôm nay (%(today)s).", today=_format_date(today)
        )
    return problems


def next_states(current: str) -> list[str]:
    """The states a unit may move an assignment to from `current` (the reopen is not the unit's)."""
    return [to for to in STATES if (current, to) in _MOVES]


def check_change(current: str, change: Change, *, is_reopen_allowed: bool, today: date) -> None:
    """Raise TransitionRefused naming every problem with the change; return quietly when it may be saved."""
    refused = _transition_problem(current, change, is_reopen_allowed)
    if refused is not None:
        # Field problems are not added: no field can make a forbidden transition acceptable,
        # and asking for them would suggest otherwise.
        raise TransitionRefused({"": refused})

    problems: dict[str, str] = {}
    kind = transition_kind(current, change.to_state)
    if kind == PROGRESS:
        # A progress report is its text, or a file (a report sent as a document) with or without text.
        if _is_blank(change.comment) and not change.evidence.has_file:
            problems["comment"] = t("Hãy ghi nội dung báo cáo tiến độ hoặc đính kèm tệp báo cáo.")
    elif kind == REOPEN:
        if _is_blank(change.reason):
            problems["reason"] = t("Hãy ghi lý do mở lại nhiệm vụ đã hoàn thành.")
    elif change.to_state == DONE:
        problems.update(_done_problems(change.evidence, today))
    elif change.to_state == BLOCKED and _is_blank(change.difficulty):
        problems["difficulty"] = t("Hãy mô tả khó khăn, vướng mắc.")
    if problems:
        raise TransitionRefused(problems)


def days_left(due_on: date | None, today: date) -> int | None:
    """Days from today to the due date: 0 on the day, negative once overdue; None without a due date."""
    if due_on is None:
        return None
    return (due_on - today).days


def is_overdue(*, state: str, due_on: date | None, is_ongoing: bool, today: date) -> bool:
    """True when not done and past the due date; never for ongoing items or items without a due date."""
    if state == DONE or is_ongoing or due_on is None:
        return False
    return today > due_on


def is_done_late(*, state: str, due_on: date | None, completed_on: date | None) -> bool:
    """True when done after the due date."""
    if state != DONE or due_on is None or completed_on is None:
        return False
    return completed_on > due_on


def is_done_on_time(*, state: str, due_on: date | None, completed_on: date | None) -> bool:
    """True when done and not late: by the due date, or with no due date or no completion date to compare."""
    return state == DONE and not is_done_late(state=state, due_on=due_on, completed_on=completed_on)


def is_due_soon(*, state: str, due_on: date | None, is_ongoing: bool, today: date, window_days: int = 7) -> bool:
    """True when not done and due within the next window_days days, today included."""
    # An ongoing item has no deadline to approach; missed reports are what flags it instead.
    if state == DONE or is_ongoing:
        return False
    left = days_left(due_on, today)
    return left is not None and 0 <= left <= window_days


def classify(*, state: str, due_on: date | None, completed_on: date | None, is_ongoing: bool, as_of: date) -> str:
    """One of the four outcomes of Quy chế 42/2014/QĐ-TTg as things stood on as_of."""
    # Done after as_of was not done yet on as_of; done with no date recorded (data older than the
    # rule requiring it) is taken as done, since when it was done cannot be told.
    is_done = state == DONE and (completed_on is None or completed_on <= as_of)
    if due_on is None or is_ongoing:
        return DONE_ON_TIME if is_done else NOT_DONE_IN_TIME
    if is_done:
        late = completed_on is not None and completed_on > due_on
        return DONE_LATE if late else DONE_ON_TIME
    return NOT_DONE_OVERDUE if as_of > due_on else NOT_DONE_IN_TIME


def roll_up(assignments: Iterable[tuple[str, bool]]) -> str | None:
    """An item's status from its assignments' (state, is_overdue) pairs; None when it has none."""
    pairs = list(assignments)
    if not pairs:
        return None
    unknown = {state for state, _ in pairs if state not in STATES}
    if unknown:
        raise ValueError(f"unknown assignment states: {sorted(unknown)}")
    states = {state for state, _ in pairs}
    # Overdue outranks everything: it is what a leader must see first.
    if any(overdue for _, overdue in pairs):
        return OVERDUE
    if states == {DONE}:
        return DONE
    if BLOCKED in states:
        return BLOCKED
    if IN_PROGRESS in states or DONE in states:
        return IN_PROGRESS
    return NOT_STARTED


def occurrence_due(item_due: date | None, year: int) -> date | None:
    """A yearly item's due date in the given year, 29 Feb falling back to 28 Feb in a common year."""
    if item_due is None:
        return None
    try:
        return item_due.replace(year=year)
    except ValueError:
        return date(year, 2, 28)


def occurrence_years(plan_year: int, end_year: int | None) -> list[int]:
    """The years a yearly item recurs in: plan_year to end_year inclusive, at least plan_year."""
    last = plan_year if end_year is None else max(plan_year, end_year)
    return list(range(plan_year, last + 1))


def progress_report_missing(
    *, is_ongoing: bool, state: str, last_report_on: date | None, started_on: date, today: date, period_days: int = 30
) -> bool:
    """True when an ongoing, unfinished item has had no progress report within the last period_days."""
    if not is_ongoing or state == DONE:
        return False
    since = last_report_on if last_report_on is not None else started_on
    return (today - since).days > period_days


# The IT Centre's six classes: each assignment in exactly one, overdue winning over the state.
MONITORING_CLASSES = (NOT_STARTED, IN_PROGRESS, BLOCKED, DONE_ON_TIME, DONE_LATE, OVERDUE)


def monitoring_class(
    *, state: str, due_on: date | None, completed_on: date | None, is_ongoing: bool, today: date
) -> str:
    """The class the monitoring desk files an assignment under as of today (one of MONITORING_CLASSES)."""
    if is_overdue(state=state, due_on=due_on, is_ongoing=is_ongoing, today=today):
        return OVERDUE
    if state == DONE:
        return DONE_LATE if is_done_late(state=state, due_on=due_on, completed_on=completed_on) else DONE_ON_TIME
    return state
