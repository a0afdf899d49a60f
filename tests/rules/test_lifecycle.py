"""Assignment lifecycle: which state changes are allowed, what each needs, and the status derived from dates."""

import pickle
from dataclasses import replace
from datetime import date, timedelta

import pytest

from tracker.rules.lifecycle import (
    BLOCKED,
    CLASS_LABELS,
    DONE,
    DONE_LATE,
    DONE_ON_TIME,
    IN_PROGRESS,
    NOT_DONE_IN_TIME,
    NOT_DONE_OVERDUE,
    NOT_STARTED,
    ROLL_UP_LABELS,
    STATE_LABELS,
    STATES,
    Change,
    Evidence,
    TransitionRefused,
    check_change,
    classify,
    days_left,
    is_done_late,
    is_due_soon,
    is_overdue,
    occurrence_due,
    occurrence_years,
    progress_report_missing,
    roll_up,
    transition_kind,
)

TODAY = date(2024, 3, 15)
TOMORROW = TODAY + timedelta(days=1)
YESTERDAY = TODAY - timedelta(days=1)

FULL_EVIDENCE = Evidence(
    document_number="123/QĐ-CĐA",
    document_date=date(2024, 3, 10),
    document_title="Quyết định ban hành quy chế",
    completed_on=date(2024, 3, 12),
)


def complete_change(to_state):
    """A change with every field filled, so only the transition itself can be refused."""
    return Change(
        to_state,
        comment="Đã họp triển khai.",
        difficulty="Thiếu kinh phí.",
        proposal="Đề nghị bổ sung dự toán.",
        evidence=FULL_EVIDENCE,
        reason="Nhập nhầm.",
    )


def problems_of(current, change, *, is_reopen_allowed=False, today=TODAY):
    """The problems check_change reports, or {} when the change is accepted."""
    try:
        check_change(current, change, is_reopen_allowed=is_reopen_allowed, today=today)
    except TransitionRefused as exc:
        return exc.problems
    return {}


def pair(current, to_state, allowed, kind):
    """One row of the state table, id "from->to"."""
    return pytest.param(current, to_state, allowed, kind, id=f"{current}->{to_state}")


STATE_TABLE = [
    pair(NOT_STARTED, NOT_STARTED, True, "progress"),
    pair(NOT_STARTED, IN_PROGRESS, True, "move"),
    pair(NOT_STARTED, BLOCKED, True, "move"),
    pair(NOT_STARTED, DONE, True, "move"),
    pair(IN_PROGRESS, NOT_STARTED, False, "move"),
    pair(IN_PROGRESS, IN_PROGRESS, True, "progress"),
    pair(IN_PROGRESS, BLOCKED, True, "move"),
    pair(IN_PROGRESS, DONE, True, "move"),
    pair(BLOCKED, NOT_STARTED, False, "move"),
    pair(BLOCKED, IN_PROGRESS, True, "move"),
    pair(BLOCKED, BLOCKED, True, "progress"),
    pair(BLOCKED, DONE, True, "move"),
    pair(DONE, NOT_STARTED, False, "move"),
    pair(DONE, IN_PROGRESS, True, "reopen"),
    pair(DONE, BLOCKED, False, "move"),
    pair(DONE, DONE, False, "progress"),
]


def test_state_table_covers_every_pair_of_states():
    assert {(p.values[0], p.values[1]) for p in STATE_TABLE} == {(a, b) for a in STATES for b in STATES}


@pytest.mark.parametrize("current, to_state, allowed, kind", STATE_TABLE)
def test_transition_is_allowed_or_refused_per_state_table(current, to_state, allowed, kind):
    problems = problems_of(current, complete_change(to_state), is_reopen_allowed=True)
    assert (problems == {}) is allowed
    if not allowed:
        # Only the transition is at fault: every field was filled.
        assert set(problems) == {""}
        assert f"“{STATE_LABELS[current]}”" in problems[""]


@pytest.mark.parametrize("current, to_state, allowed, kind", STATE_TABLE)
def test_transition_kind_per_state_table(current, to_state, allowed, kind):
    assert transition_kind(current, to_state) == kind


@pytest.mark.parametrize(
    "current, to_state",
    [
        pytest.param(IN_PROGRESS, NOT_STARTED, id="in_progress->not_started"),
        pytest.param(DONE, BLOCKED, id="done->blocked"),
        pytest.param(DONE, NOT_STARTED, id="done->not_started"),
    ],
)
def test_refused_move_names_both_states_by_label(current, to_state):
    problems = problems_of(current, complete_change(to_state), is_reopen_allowed=True)
    assert problems == {"": f"Không thể chuyển từ “{STATE_LABELS[current]}” sang “{STATE_LABELS[to_state]}”."}


def test_blocked_goes_straight_to_done_with_its_evidence_and_not_without():
    assert problems_of(BLOCKED, complete_change(DONE)) == {}
    assert set(problems_of(BLOCKED, Change(DONE))) == {
        "completed_on",
        "document_number",
        "document_date",
        "document_title",
    }


def test_done_refuses_a_progress_report():
    problems = problems_of(DONE, complete_change(DONE), is_reopen_allowed=True)
    assert set(problems) == {""}
    assert "“Hoàn thành”" in problems[""]


@pytest.mark.parametrize(
    "current, to_state",
    [
        pytest.param("archived", IN_PROGRESS, id="unknown-current"),
        pytest.param(IN_PROGRESS, "cancelled", id="unknown-target"),
        pytest.param("archived", "archived", id="unknown-same-state"),
    ],
)
def test_unknown_state_names_are_refused(current, to_state):
    problems = problems_of(current, complete_change(to_state), is_reopen_allowed=True)
    assert set(problems) == {""}
    assert problems[""].startswith("Không thể chuyển từ")


def test_refused_transition_lists_no_field_problems():
    assert set(problems_of(DONE, Change(BLOCKED))) == {""}


# --- to done: evidence ---------------------------------------------------------------------------

MISSING_NUMBER = "Hãy nhập số văn bản (ví dụ 123/QĐ-CĐA) hoặc đính kèm tệp kết quả."
MISSING_DOC_DATE = "Hãy nhập ngày ban hành văn bản hoặc đính kèm tệp kết quả."
MISSING_TITLE = "Hãy nhập trích yếu/tên văn bản hoặc đính kèm tệp kết quả."
MISSING_COMPLETED = "Hãy nhập ngày hoàn thành."
FUTURE_COMPLETED = "Ngày hoàn thành không được sau hôm nay (15/03/2024)."
FUTURE_DOC_DATE = "Ngày ban hành văn bản không được sau hôm nay (15/03/2024)."


def done_case(evidence, expected, id):
    """One row: the evidence given for in_progress -> done and the problems expected."""
    return pytest.param(evidence, expected, id=id)


DONE_CASES = [
    done_case(FULL_EVIDENCE, {}, "all-document-fields-accepted"),
    done_case(Evidence(has_file=True, completed_on=YESTERDAY), {}, "file-instead-of-document-fields"),
    done_case(Evidence(has_file=True, completed_on=TODAY), {}, "completed-today-accepted"),
    done_case(
        Evidence(has_file=True, document_number="5/BC-UBND", completed_on=TODAY), {}, "file-with-some-document-fields"
    ),
    done_case(
        replace(FULL_EVIDENCE, document_number=""), {"document_number": MISSING_NUMBER}, "missing-document-number"
    ),
    done_case(
        replace(FULL_EVIDENCE, document_number="  \t"), {"document_number": MISSING_NUMBER}, "blank-document-number"
    ),
    done_case(replace(FULL_EVIDENCE, document_date=None), {"document_date": MISSING_DOC_DATE}, "missing-document-date"),
    done_case(replace(FULL_EVIDENCE, document_title=" "), {"document_title": MISSING_TITLE}, "missing-document-title"),
    done_case(replace(FULL_EVIDENCE, completed_on=None), {"completed_on": MISSING_COMPLETED}, "missing-completed-on"),
    done_case(Evidence(has_file=True), {"completed_on": MISSING_COMPLETED}, "file-does-not-replace-completed-on"),
    done_case(
        Evidence(has_file=True, completed_on=TOMORROW), {"completed_on": FUTURE_COMPLETED}, "completed-on-in-the-future"
    ),
    done_case(
        replace(FULL_EVIDENCE, document_date=TOMORROW),
        {"document_date": FUTURE_DOC_DATE},
        "document-date-in-the-future",
    ),
    done_case(
        Evidence(has_file=True, document_date=TOMORROW, completed_on=TODAY),
        {"document_date": FUTURE_DOC_DATE},
        "document-date-in-the-future-even-with-file",
    ),
    done_case(
        Evidence(document_title="Báo cáo kết quả", completed_on=TODAY),
        {"document_number": MISSING_NUMBER, "document_date": MISSING_DOC_DATE},
        "only-missing-document-fields-named",
    ),
    done_case(
        Evidence(),
        {
            "completed_on": MISSING_COMPLETED,
            "document_number": MISSING_NUMBER,
            "document_date": MISSING_DOC_DATE,
            "document_title": MISSING_TITLE,
        },
        "nothing-given-every-problem-at-once",
    ),
    done_case(
        Evidence(document_number="1/QĐ", document_date=TOMORROW, completed_on=TOMORROW),
        {"completed_on": FUTURE_COMPLETED, "document_date": FUTURE_DOC_DATE, "document_title": MISSING_TITLE},
        "future-dates-and-missing-title-at-once",
    ),
]


@pytest.mark.parametrize("evidence, expected", DONE_CASES)
def test_done_requires_completion_date_and_document_or_file(evidence, expected):
    assert problems_of(IN_PROGRESS, Change(DONE, evidence=evidence)) == expected


def test_done_straight_from_not_started_needs_the_same_evidence():
    assert set(problems_of(NOT_STARTED, Change(DONE))) == {
        "completed_on",
        "document_number",
        "document_date",
        "document_title",
    }


def test_refusal_message_joins_every_problem():
    with pytest.raises(TransitionRefused) as caught:
        check_change(
            IN_PROGRESS,
            Change(DONE, evidence=Evidence(has_file=True, completed_on=TOMORROW, document_date=TOMORROW)),
            is_reopen_allowed=False,
            today=TODAY,
        )
    assert str(caught.value) == f"{FUTURE_COMPLETED}; {FUTURE_DOC_DATE}"


def test_refusal_survives_pickling():
    refused = TransitionRefused({"comment": "Hãy ghi nội dung báo cáo tiến độ."})
    copy = pickle.loads(pickle.dumps(refused))
    assert copy.problems == refused.problems
    assert str(copy) == str(refused)


# --- to blocked ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "current, difficulty, proposal, expected",
    [
        pytest.param(IN_PROGRESS, "Thiếu kinh phí.", "", {}, id="difficulty-without-proposal-accepted"),
        pytest.param(NOT_STARTED, "Thiếu nhân lực.", "Tuyển bổ sung.", {}, id="difficulty-with-proposal"),
        pytest.param(
            IN_PROGRESS,
            "",
            "Bổ sung kinh phí.",
            {"difficulty": "Hãy mô tả khó khăn, vướng mắc."},
            id="missing-difficulty",
        ),
        pytest.param(NOT_STARTED, "   ", "", {"difficulty": "Hãy mô tả khó khăn, vướng mắc."}, id="blank-difficulty"),
    ],
)
def test_blocked_requires_a_difficulty(current, difficulty, proposal, expected):
    assert problems_of(current, Change(BLOCKED, difficulty=difficulty, proposal=proposal)) == expected


# --- reopen --------------------------------------------------------------------------------------

NO_PERMISSION = "Bạn không có quyền mở lại nhiệm vụ đã “Hoàn thành” (chuyển sang “Đang thực hiện”)."
MISSING_REASON = "Hãy ghi lý do mở lại nhiệm vụ đã hoàn thành."


@pytest.mark.parametrize(
    "is_reopen_allowed, reason, expected",
    [
        pytest.param(True, "Kết quả gửi nhầm văn bản.", {}, id="allowed-with-reason"),
        pytest.param(True, "", {"reason": MISSING_REASON}, id="allowed-without-reason"),
        pytest.param(True, "  ", {"reason": MISSING_REASON}, id="allowed-blank-reason"),
        pytest.param(False, "Kết quả gửi nhầm văn bản.", {"": NO_PERMISSION}, id="not-allowed-with-reason"),
        pytest.param(False, "", {"": NO_PERMISSION}, id="not-allowed-without-reason"),
    ],
)
def test_reopen_needs_permission_and_a_reason(is_reopen_allowed, reason, expected):
    change = Change(IN_PROGRESS, reason=reason)
    assert problems_of(DONE, change, is_reopen_allowed=is_reopen_allowed) == expected


# --- progress report -----------------------------------------------------------------------------


@pytest.mark.parametrize("state", [NOT_STARTED, IN_PROGRESS, BLOCKED])
@pytest.mark.parametrize(
    "comment, expected",
    [
        pytest.param("Đã hoàn thành 60% khối lượng.", {}, id="with-comment"),
        pytest.param(
            "", {"comment": "Hãy ghi nội dung báo cáo tiến độ hoặc đính kèm tệp báo cáo."}, id="without-comment"
        ),
        pytest.param(
            " \n ", {"comment": "Hãy ghi nội dung báo cáo tiến độ hoặc đính kèm tệp báo cáo."}, id="blank-comment"
        ),
    ],
)
def test_progress_report_requires_a_comment(state, comment, expected):
    assert problems_of(state, Change(state, comment=comment)) == expected


@pytest.mark.parametrize("state", [NOT_STARTED, IN_PROGRESS, BLOCKED])
def test_a_file_alone_is_a_progress_report(state):
    assert problems_of(state, Change(state, evidence=Evidence(has_file=True))) == {}


def test_move_needs_no_comment():
    assert problems_of(BLOCKED, Change(IN_PROGRESS)) == {}


# --- days left, overdue, due soon ----------------------------------------------------------------


@pytest.mark.parametrize(
    "due_on, expected",
    [
        pytest.param(TODAY, 0, id="due-today"),
        pytest.param(TOMORROW, 1, id="due-tomorrow"),
        pytest.param(YESTERDAY, -1, id="due-yesterday-negative"),
        pytest.param(None, None, id="no-due-date"),
    ],
)
def test_days_left_counts_from_today_to_due(due_on, expected):
    assert days_left(due_on, TODAY) == expected


@pytest.mark.parametrize(
    "state, due_on, is_ongoing, expected",
    [
        pytest.param(IN_PROGRESS, TODAY, False, False, id="due-today-not-yet-overdue"),
        pytest.param(IN_PROGRESS, TOMORROW, False, False, id="due-tomorrow"),
        pytest.param(IN_PROGRESS, YESTERDAY, False, True, id="due-yesterday-overdue"),
        pytest.param(NOT_STARTED, YESTERDAY, False, True, id="not-started-past-due-overdue"),
        pytest.param(BLOCKED, YESTERDAY, False, True, id="blocked-past-due-overdue"),
        pytest.param(DONE, YESTERDAY, False, False, id="done-never-overdue"),
        pytest.param(IN_PROGRESS, YESTERDAY, True, False, id="ongoing-never-overdue"),
        pytest.param(IN_PROGRESS, None, False, False, id="no-due-date-never-overdue"),
    ],
)
def test_overdue_means_past_due_and_not_done(state, due_on, is_ongoing, expected):
    assert is_overdue(state=state, due_on=due_on, is_ongoing=is_ongoing, today=TODAY) is expected


@pytest.mark.parametrize(
    "state, due_on, completed_on, expected",
    [
        pytest.param(DONE, TODAY, TOMORROW, True, id="completed-after-due-late"),
        pytest.param(DONE, TODAY, TODAY, False, id="completed-on-due-day-on-time"),
        pytest.param(DONE, TODAY, YESTERDAY, False, id="completed-before-due"),
        pytest.param(DONE, None, TOMORROW, False, id="no-due-date"),
        pytest.param(DONE, TODAY, None, False, id="no-completion-date"),
        pytest.param(IN_PROGRESS, TODAY, TOMORROW, False, id="not-done"),
    ],
)
def test_done_late_means_completed_after_due(state, due_on, completed_on, expected):
    assert is_done_late(state=state, due_on=due_on, completed_on=completed_on) is expected


@pytest.mark.parametrize(
    "state, due_on, is_ongoing, window_days, expected",
    [
        pytest.param(IN_PROGRESS, TODAY, False, 7, True, id="due-today"),
        pytest.param(IN_PROGRESS, TOMORROW, False, 7, True, id="due-tomorrow"),
        pytest.param(IN_PROGRESS, TODAY + timedelta(days=7), False, 7, True, id="last-day-of-window"),
        pytest.param(IN_PROGRESS, TODAY + timedelta(days=8), False, 7, False, id="past-window"),
        pytest.param(IN_PROGRESS, TOMORROW, False, 0, False, id="window-zero-tomorrow"),
        pytest.param(IN_PROGRESS, TODAY, False, 0, True, id="window-zero-today"),
        pytest.param(IN_PROGRESS, YESTERDAY, False, 7, False, id="overdue-is-not-due-soon"),
        pytest.param(DONE, TOMORROW, False, 7, False, id="done-is-not-due-soon"),
        pytest.param(IN_PROGRESS, TOMORROW, True, 7, False, id="ongoing-is-not-due-soon"),
        pytest.param(IN_PROGRESS, None, False, 7, False, id="no-due-date"),
    ],
)
def test_due_soon_means_not_done_and_due_within_window(state, due_on, is_ongoing, window_days, expected):
    assert (
        is_due_soon(state=state, due_on=due_on, is_ongoing=is_ongoing, today=TODAY, window_days=window_days) is expected
    )


# --- classify (Quy chế 42/2014/QĐ-TTg) -----------------------------------------------------------

DUE = date(2024, 6, 30)


@pytest.mark.parametrize(
    "state, due_on, completed_on, is_ongoing, as_of, expected",
    [
        pytest.param(
            DONE, DUE, date(2024, 6, 30), False, date(2024, 12, 31), DONE_ON_TIME, id="done-on-due-day-on-time"
        ),
        pytest.param(DONE, DUE, date(2024, 5, 1), False, date(2024, 12, 31), DONE_ON_TIME, id="done-early-on-time"),
        pytest.param(DONE, DUE, date(2024, 7, 1), False, date(2024, 12, 31), DONE_LATE, id="done-after-due-late"),
        pytest.param(
            IN_PROGRESS, DUE, None, False, date(2024, 6, 30), NOT_DONE_IN_TIME, id="not-done-on-due-day-in-time"
        ),
        pytest.param(BLOCKED, DUE, None, False, date(2024, 7, 1), NOT_DONE_OVERDUE, id="not-done-after-due-overdue"),
        pytest.param(
            DONE,
            DUE,
            date(2024, 8, 1),
            False,
            date(2024, 7, 15),
            NOT_DONE_OVERDUE,
            id="completed-after-as-of-counts-overdue",
        ),
        pytest.param(
            DONE,
            DUE,
            date(2024, 6, 20),
            False,
            date(2024, 6, 10),
            NOT_DONE_IN_TIME,
            id="completed-after-as-of-counts-in-time",
        ),
        pytest.param(DONE, None, date(2024, 3, 1), False, date(2024, 12, 31), DONE_ON_TIME, id="no-due-date-done"),
        pytest.param(
            NOT_STARTED, None, None, False, date(2024, 12, 31), NOT_DONE_IN_TIME, id="no-due-date-never-overdue"
        ),
        pytest.param(DONE, DUE, date(2024, 9, 1), True, date(2024, 12, 31), DONE_ON_TIME, id="ongoing-done-never-late"),
        pytest.param(IN_PROGRESS, DUE, None, True, date(2024, 12, 31), NOT_DONE_IN_TIME, id="ongoing-never-overdue"),
        pytest.param(
            DONE, DUE, None, False, date(2024, 12, 31), DONE_ON_TIME, id="done-without-completion-date-counts-done"
        ),
    ],
)
def test_classify_into_the_four_outcomes(state, due_on, completed_on, is_ongoing, as_of, expected):
    assert (
        classify(state=state, due_on=due_on, completed_on=completed_on, is_ongoing=is_ongoing, as_of=as_of) == expected
    )


def test_every_outcome_has_a_label():
    assert set(CLASS_LABELS) == {DONE_ON_TIME, DONE_LATE, NOT_DONE_IN_TIME, NOT_DONE_OVERDUE}


# --- roll up -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "assignments, expected",
    [
        pytest.param([], None, id="no-assignments"),
        pytest.param([(NOT_STARTED, False)], NOT_STARTED, id="single-not-started"),
        pytest.param([(NOT_STARTED, False), (NOT_STARTED, False)], NOT_STARTED, id="all-not-started"),
        pytest.param([(DONE, False), (DONE, False)], DONE, id="all-done"),
        pytest.param([(DONE, False), (NOT_STARTED, False)], IN_PROGRESS, id="some-done-is-in-progress"),
        pytest.param([(IN_PROGRESS, False), (NOT_STARTED, False)], IN_PROGRESS, id="any-in-progress"),
        pytest.param(
            [(BLOCKED, False), (IN_PROGRESS, False), (DONE, False)], BLOCKED, id="blocked-outranks-in-progress"
        ),
        pytest.param([(BLOCKED, False), (IN_PROGRESS, True)], "overdue", id="overdue-outranks-blocked"),
        pytest.param([(DONE, False), (NOT_STARTED, True)], "overdue", id="any-overdue"),
    ],
)
def test_roll_up_item_status_from_assignments(assignments, expected):
    assert roll_up(assignments) == expected


def test_roll_up_takes_any_iterable():
    assert roll_up(iter([(DONE, False)])) == DONE


def test_roll_up_refuses_unknown_states():
    with pytest.raises(ValueError):
        roll_up([("archived", False)])


def test_every_roll_up_value_has_a_label():
    assert ROLL_UP_LABELS["overdue"] == "Quá hạn"
    assert all(ROLL_UP_LABELS[state] == STATE_LABELS[state] for state in STATES)


# --- yearly occurrences --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "item_due, year, expected",
    [
        pytest.param(date(2023, 12, 31), 2025, date(2025, 12, 31), id="same-month-and-day"),
        pytest.param(date(2024, 2, 29), 2025, date(2025, 2, 28), id="leap-day-in-common-year"),
        pytest.param(date(2024, 2, 29), 2028, date(2028, 2, 29), id="leap-day-in-leap-year"),
        pytest.param(date(2023, 2, 28), 2024, date(2024, 2, 28), id="feb-28-stays-in-leap-year"),
        pytest.param(None, 2025, None, id="no-due-date"),
    ],
)
def test_occurrence_due_keeps_month_and_day(item_due, year, expected):
    assert occurrence_due(item_due, year) == expected


@pytest.mark.parametrize(
    "plan_year, end_year, expected",
    [
        pytest.param(2023, 2025, [2023, 2024, 2025], id="range-inclusive"),
        pytest.param(2023, 2023, [2023], id="same-year"),
        pytest.param(2023, None, [2023], id="no-end-year"),
        pytest.param(2023, 2021, [2023], id="end-before-plan-year"),
    ],
)
def test_occurrence_years_from_plan_year_to_end_year(plan_year, end_year, expected):
    assert occurrence_years(plan_year, end_year) == expected


# --- progress reports of ongoing items -----------------------------------------------------------

START = date(2024, 1, 1)


@pytest.mark.parametrize(
    "is_ongoing, state, last_report_on, today, expected",
    [
        pytest.param(True, IN_PROGRESS, TODAY - timedelta(days=30), TODAY, False, id="report-exactly-30-days-ago"),
        pytest.param(True, IN_PROGRESS, TODAY - timedelta(days=31), TODAY, True, id="report-31-days-ago"),
        pytest.param(True, BLOCKED, TODAY, TODAY, False, id="report-today"),
        pytest.param(True, NOT_STARTED, None, START + timedelta(days=30), False, id="never-reported-within-period"),
        pytest.param(True, NOT_STARTED, None, START + timedelta(days=31), True, id="never-reported-past-period"),
        pytest.param(True, DONE, None, TODAY, False, id="done-needs-no-report"),
        pytest.param(False, IN_PROGRESS, None, TODAY, False, id="not-ongoing-needs-no-report"),
    ],
)
def test_ongoing_item_needs_a_report_every_period(is_ongoing, state, last_report_on, today, expected):
    assert (
        progress_report_missing(
            is_ongoing=is_ongoing, state=state, last_report_on=last_report_on, started_on=START, today=today
        )
        is expected
    )


def test_report_period_can_be_shortened():
    assert progress_report_missing(
        is_ongoing=True,
        state=IN_PROGRESS,
        last_report_on=TODAY - timedelta(days=8),
        started_on=START,
        today=TODAY,
        period_days=7,
    )


@pytest.mark.parametrize(
    "current, offered",
    [
        (NOT_STARTED, [IN_PROGRESS, BLOCKED, DONE]),
        (IN_PROGRESS, [BLOCKED, DONE]),
        (BLOCKED, [IN_PROGRESS, DONE]),
        (DONE, []),
    ],
)
def test_next_states_offers_exactly_the_moves_a_unit_may_make(current, offered):
    from tracker.rules.lifecycle import next_states

    assert next_states(current) == offered
