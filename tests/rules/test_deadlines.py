"""Deadlines: a cell or sentence reads as a due date, a yearly recurrence or an ongoing flag, anything unclear is
flagged, never guessed; and the deadline clause of a task sentence is found as written."""

import csv
import unicodedata
from datetime import date
from pathlib import Path

import pytest

from tracker.rules.deadlines import YEARLY, Deadline, deadline_clause, deadline_clauses, normalize_text, parse_deadline

DATA = Path(__file__).parent / "data"
NFD_MONTH = unicodedata.normalize("NFD", "Tháng 8/2023")
NFD_YEARLY = unicodedata.normalize("NFD", "Hằng năm")


def row(text, plan_year, due, recurrence, ongoing, parsed, id):
    """One table row; `id` names the rule it shows."""
    return pytest.param(text, plan_year, due, recurrence, ongoing, parsed, id=id)


def unparsed(text, id, plan_year=2023):
    """A row whose cell must be left for an admin (even when the plan year is known)."""
    return row(text, plan_year, None, None, False, False, id)


CASES = [
    # A month: due on its last day.
    row("Tháng 8/2023", None, "2023-08-31", None, False, True, "month-slash"),
    row("Tháng 10/2023", None, "2023-10-31", None, False, True, "month-two-digits"),
    row("tháng 10 năm 2023", None, "2023-10-31", None, False, True, "month-nam-lowercase"),
    row("tháng 8 năm 2023", None, "2023-08-31", None, False, True, "month-nam"),
    row("THÁNG 8/2023", None, "2023-08-31", None, False, True, "month-uppercase"),
    row("tháng 8/2023", None, "2023-08-31", None, False, True, "month-lowercase"),
    row("Tháng  8 / 2023", None, "2023-08-31", None, False, True, "month-odd-spacing"),
    row("Tháng\u00a08/2023", None, "2023-08-31", None, False, True, "month-nbsp"),
    row("Tháng\n8/2023", None, "2023-08-31", None, False, True, "month-newline-inside"),
    row("T10/2023", None, "2023-10-31", None, False, True, "month-t-abbreviation"),
    row("T8/2023", None, "2023-08-31", None, False, True, "month-t-abbreviation-one-digit"),
    row("10/2023", None, "2023-10-31", None, False, True, "month-bare"),
    row("08/2023", None, "2023-08-31", None, False, True, "month-bare-leading-zero"),
    row("Tháng 8/2023.", None, "2023-08-31", None, False, True, "month-trailing-full-stop"),
    row("Trong tháng 9/2023", None, "2023-09-30", None, False, True, "month-filler-trong"),
    row("Đến hết tháng 8/2023", None, "2023-08-31", None, False, True, "month-filler-den-het"),
    row(NFD_MONTH, None, "2023-08-31", None, False, True, "month-nfd-input"),
    row("Tháng 2/2024", None, "2024-02-29", None, False, True, "month-february-leap-year"),
    row("tháng 2/2023", None, "2023-02-28", None, False, True, "month-february-common-year"),
    row("Tháng 8", 2023, "2023-08-31", None, False, True, "month-without-year-takes-plan-year"),
    unparsed("Tháng 8", "month-without-year-and-no-plan-year", plan_year=None),
    # A year, or a range of years: due at the end of the (last) year.
    row("Năm 2023", None, "2023-12-31", None, False, True, "year"),
    row("Năm 2023;", None, "2023-12-31", None, False, True, "year-trailing-semicolon"),
    row("Trong năm 2023", None, "2023-12-31", None, False, True, "year-filler-trong"),
    row("Cuối năm 2023", None, "2023-12-31", None, False, True, "year-filler-cuoi"),
    row("Năm 2023-2025", None, "2025-12-31", None, False, True, "year-range"),
    row("Giai đoạn 2023 - 2025", None, "2025-12-31", None, False, True, "year-range-giai-doan"),
    row("Giai đoạn 2023 – 2025", None, "2025-12-31", None, False, True, "year-range-en-dash"),
    row("Từ năm 2023 đến năm 2025", None, "2025-12-31", None, False, True, "year-range-tu-den"),
    # A quarter: due on its last day; Roman or Arabic numerals.
    row("Quý II/2023", None, "2023-06-30", None, False, True, "quarter-roman"),
    row("quý 2/2023", None, "2023-06-30", None, False, True, "quarter-arabic"),
    row("Quý 2 năm 2023", None, "2023-06-30", None, False, True, "quarter-arabic-nam"),
    row("quý II năm 2023", None, "2023-06-30", None, False, True, "quarter-roman-nam"),
    row("Quí II/2023", None, "2023-06-30", None, False, True, "quarter-old-spelling-qui"),
    row("- Quý II/2023", None, "2023-06-30", None, False, True, "quarter-behind-a-list-bullet"),
    row("Quý I/2023", None, "2023-03-31", None, False, True, "quarter-first"),
    row("Quý IV/2023", None, "2023-12-31", None, False, True, "quarter-fourth-roman"),
    row("quý 4/2023", None, "2023-12-31", None, False, True, "quarter-fourth-arabic"),
    row("Quý III năm 2023", None, "2023-09-30", None, False, True, "quarter-third-nam"),
    row("Hoàn thành trong quý III/2023", None, "2023-09-30", None, False, True, "quarter-filler-hoan-thanh-trong"),
    # Half a year.
    row("6 tháng đầu năm 2023", None, "2023-06-30", None, False, True, "half-year-first"),
    row("6 tháng cuối năm 2023", None, "2023-12-31", None, False, True, "half-year-second"),
    row("6 tháng đầu năm", 2023, "2023-06-30", None, False, True, "half-year-without-year-takes-plan-year"),
    # A day, however it is written.
    row("Trước ngày 15/12/2023", None, "2023-12-15", None, False, True, "day-truoc-ngay"),
    row("trước 15/12/2023", None, "2023-12-15", None, False, True, "day-truoc"),
    row("Trước ngày 15 tháng 12 năm 2023", None, "2023-12-15", None, False, True, "day-in-words"),
    row("ngày 15/12/2023", None, "2023-12-15", None, False, True, "day-ngay"),
    row("15/12/2023", None, "2023-12-15", None, False, True, "day-slash"),
    row("15-12-2023", None, "2023-12-15", None, False, True, "day-hyphen"),
    row("15.12.2023", None, "2023-12-15", None, False, True, "day-dot"),
    row("Chậm nhất ngày 30/6/2023", None, "2023-06-30", None, False, True, "day-filler-cham-nhat-ngay"),
    row("Trước 30/6/2023", None, "2023-06-30", None, False, True, "day-filler-truoc-one-digit-month"),
    row("Trước ngày 29/02/2024", None, "2024-02-29", None, False, True, "day-february-29-leap-year"),
    row("Trước ngày 15/12", 2023, "2023-12-15", None, False, True, "day-without-year-takes-plan-year"),
    # Every year: a recurring duty with no single due date, so it is ongoing; the day it names is checked.
    row("Hàng năm", 2023, None, YEARLY, True, True, "yearly-hang-nam"),
    row("hằng năm", 2023, None, YEARLY, True, True, "yearly-hang-nam-alternative-spelling"),
    row("Định kỳ hàng năm", 2023, None, YEARLY, True, True, "yearly-dinh-ky"),
    row("HÀNG NĂM", 2023, None, YEARLY, True, True, "yearly-uppercase"),
    row("ĐỊNH KỲ HẰNG NĂM", 2023, None, YEARLY, True, True, "yearly-uppercase-d-stroke"),
    row(NFD_YEARLY, 2023, None, YEARLY, True, True, "yearly-nfd-input"),
    row("Hàng năm", None, None, YEARLY, True, True, "yearly-without-plan-year"),
    row("Thực hiện hằng năm", 2023, None, YEARLY, True, True, "yearly-filler-thuc-hien"),
    row("Tháng 12 hằng năm", 2023, None, YEARLY, True, True, "yearly-in-a-month"),
    row("Hằng năm, trước ngày 15/12", 2023, None, YEARLY, True, True, "yearly-before-a-day"),
    row("Trước ngày 15/12 hằng năm", None, None, YEARLY, True, True, "yearly-day-without-plan-year"),
    row("trước ngày 15/11 hằng năm", 2025, None, YEARLY, True, True, "yearly-day-with-plan-year"),
    row("hằng năm (trước ngày 15 tháng 11)", 2025, None, YEARLY, True, True, "yearly-day-in-brackets"),
    row("Quý IV hằng năm", 2023, None, YEARLY, True, True, "yearly-in-a-quarter"),
    row("Thường xuyên, hằng năm", 2025, None, YEARLY, True, True, "yearly-and-ongoing"),
    row(
        "định kỳ hằng năm hoặc đột xuất theo yêu cầu",
        2025,
        None,
        YEARLY,
        True,
        True,
        "yearly-or-on-request-adds-occasions",
    ),
    row("Theo kế hoạch công tác tư pháp hàng năm", 2025, None, YEARLY, True, True, "yearly-per-a-yearly-plan"),
    row(
        "Theo Kế hoạch bồi dưỡng công chức, viên chức hàng năm",
        2025,
        None,
        YEARLY,
        True,
        True,
        "yearly-per-a-yearly-plan-with-a-comma",
    ),
    row("Trước ngày 29/02 hằng năm", 2023, None, YEARLY, True, True, "yearly-day-that-exists-in-leap-years"),
    unparsed("Trước ngày 30/02 hằng năm", "yearly-day-that-never-exists"),
    # Ongoing: no date, or ongoing after a date.
    row("Thường xuyên", None, None, None, True, True, "ongoing"),
    row("Thường xuyên, liên tục", None, None, None, True, True, "ongoing-lien-tuc"),
    row("Thường xuyên và liên tục", None, None, None, True, True, "ongoing-va-lien-tuc"),
    row("THƯỜNG XUYÊN", 2023, None, None, True, True, "ongoing-uppercase"),
    row("Thực hiện thường xuyên", None, None, None, True, True, "ongoing-filler-thuc-hien"),
    row("Quý II/2023 và thường xuyên", None, "2023-06-30", None, True, True, "ongoing-after-a-quarter"),
    row("Tháng 8/2023, thường xuyên", None, "2023-08-31", None, True, True, "ongoing-after-a-month-comma"),
    row("Hàng năm và thường xuyên", 2023, None, YEARLY, True, True, "ongoing-and-yearly"),
    row("Nhiệm vụ thường xuyên", 2025, None, None, True, True, "ongoing-task"),
    row("Thường xuyên, theo yêu cầu nhiệm vụ", 2025, None, None, True, True, "ongoing-and-on-request"),
    row("Năm 2025 và các năm tiếp theo", 2025, "2025-12-31", None, True, True, "a-year-and-the-following-years"),
    row(
        "Giai đoạn 2026-2030 và những năm tiếp theo",
        2025,
        "2030-12-31",
        None,
        True,
        True,
        "a-range-and-the-following-years",
    ),
    row("Quý II/2026 và các năm tiếp theo", 2025, "2026-06-30", None, True, True, "a-quarter-and-the-following-years"),
    # Open-ended starts: the task begins and goes on.
    row("Từ 01/7/2025", 2025, None, None, True, True, "from-a-day"),
    row("Từ tháng 8/2023", None, None, None, True, True, "from-a-month"),
    row("Triển khai từ năm 2026", 2025, None, None, True, True, "from-a-year"),
    row("Năm 2026 trở đi", 2025, None, None, True, True, "a-year-onwards"),
    row("Bắt đầu triển khai từ năm 2026", 2025, None, None, True, True, "starting-from-a-year"),
    row("Kể từ ngày 01/01/2026", 2025, None, None, True, True, "as-of-a-day"),
    row(
        "Triển khai từ năm 2026 và thực hiện thường xuyên, liên tục",
        2025,
        None,
        None,
        True,
        True,
        "from-a-year-then-ongoing",
    ),
    # "Trước" a period that is not a day: by the end of the period before it.
    row("Trước năm 2030", 2025, "2029-12-31", None, False, True, "before-a-year"),
    row("trước năm 2027", 2025, "2026-12-31", None, False, True, "before-a-year-lowercase"),
    row("Trước tháng 8/2023", None, "2023-07-31", None, False, True, "before-a-month"),
    row("Trước quý III/2025", None, "2025-06-30", None, False, True, "before-a-quarter"),
    row("Trước tháng 1/2026", None, "2025-12-31", None, False, True, "before-a-month-across-the-new-year"),
    # Ranges of any period, lists of months: the end of the last one.
    row("Quý IV/2025- Quý II/2026", 2025, "2026-06-30", None, False, True, "quarter-range"),
    row("Quý IV/2025 - Quý II/2026", 2025, "2026-06-30", None, False, True, "quarter-range-spaced"),
    row("Quý III-IV/2024", 2024, "2024-12-31", None, False, True, "quarter-list-with-a-hyphen"),
    row("Quý II, III năm 2025", 2025, "2025-09-30", None, False, True, "quarter-list-with-a-comma"),
    unparsed("Quý IV-II/2024", "quarter-list-running-backwards"),
    row("Tháng 11, 12/2013", 2013, "2013-12-31", None, False, True, "month-list"),
    row("Tháng 11 và 12/2013", 2013, "2013-12-31", None, False, True, "month-list-va"),
    row("Tháng 10 - tháng 12/2025", 2025, "2025-12-31", None, False, True, "month-range"),
    row("Năm 2025, 2026", 2025, "2026-12-31", None, False, True, "year-list"),
    row("Quý II và quý IV/2025", 2025, "2025-12-31", None, False, True, "quarter-list"),
    row("Từ tháng 10/2025 đến tháng 12/2025", 2025, "2025-12-31", None, False, True, "month-range-tu-den"),
    row("Từ nay đến năm 2030", 2025, "2030-12-31", None, False, True, "from-now-up-to-a-year"),
    row("Từ năm 2024 đến năm 2026", 2023, "2026-12-31", None, False, True, "year-range-tu-den-again"),
    row("2019- 2022", 2019, "2022-12-31", None, False, True, "year-range-odd-spacing"),
    row("Giai đoạn đến 2020", 2019, "2020-12-31", None, False, True, "a-period-up-to-a-year"),
    unparsed("Quý II/2026 - Quý IV/2025", "quarter-range-running-backwards"),
    unparsed("Tháng 12, 11/2013", "month-list-running-backwards"),
    # A sentence naming several periods: the end of the first completion period, ongoing when an open-ended
    # phase follows; a follow-up review "(nếu có)" alone is no open-ended phase.
    row(
        "Hoàn thành trong năm 2026 và có rà soát, sửa đổi, bổ sung trong các năm tiếp theo (nếu có)",
        2025,
        "2026-12-31",
        None,
        True,
        True,
        "sentence-done-then-the-following-years",
    ),
    row(
        "Hoàn thành trong giai đoạn 2026 - 2027 và vận hành thường xuyên, liên tục",
        2025,
        "2027-12-31",
        None,
        True,
        True,
        "sentence-done-then-run-ongoing",
    ),
    row(
        "Thí điểm trong giai đoạn 2026 - 2027 và thực hiện mở rộng sau năm 2028",
        2025,
        "2027-12-31",
        None,
        True,
        True,
        "sentence-then-after-a-year",
    ),
    row(
        "Thực hiện các nghiên cứu trong giai đoạn 2026 - 2027. Tổ chức hoạt động thí điểm từ sau năm 2027",
        2025,
        "2027-12-31",
        None,
        True,
        True,
        "sentence-then-from-after-a-year",
    ),
    row(
        "Hoàn thành kiểm kê lần đầu trong năm 2026. Định kỳ cập nhật kết quả (nếu có)",
        2025,
        "2026-12-31",
        None,
        True,
        True,
        "sentence-then-periodic-updates",
    ),
    row(
        "Ban hành trong quý I năm 2026. Thực hiện rà soát, điều chỉnh (nếu có)",
        2025,
        "2026-03-31",
        None,
        False,
        True,
        "sentence-with-a-review-if-any-is-not-ongoing",
    ),
    row(
        "Xây dựng đề án trong quý II/2026; tổ chức triển khai trong quý IV/2026",
        2025,
        "2026-06-30",
        None,
        False,
        True,
        "sentence-the-first-completion-period",
    ),
    row(
        "Hoàn thành việc đầu tư trong năm 2026. Thực hiện thường xuyên liên tục, hiệu quả hàng năm",
        2025,
        "2026-12-31",
        None,
        True,
        True,
        "sentence-a-yearly-phase-after-a-due-date-is-ongoing",
    ),
    row(
        "Mạng lưới được đầu tư, hoàn thành trước năm 2027 và vận hành thường xuyên, liên tục",
        2025,
        "2026-12-31",
        None,
        True,
        True,
        "sentence-before-a-year-then-ongoing",
    ),
    unparsed("Xây dựng đề án 2026", "sentence-with-a-bare-number-is-not-guessed", plan_year=2025),
    unparsed("Hoàn thành trong năm 2026 theo quy định", "sentence-with-a-condition", plan_year=2025),
    # Conditional deadlines: an admin dates them by hand.
    unparsed("theo quy định của Chính phủ", "conditional-per-regulation", plan_year=2025),
    unparsed("Theo lộ trình được giao tại Kế hoạch số 02-KH/BCĐTW", "conditional-per-a-roadmap", plan_year=2025),
    unparsed("Theo Kế hoạch riêng", "conditional-per-its-own-plan", plan_year=2025),
    unparsed("Sau khi có Quy chế của TW", "conditional-after-an-event", plan_year=2025),
    # An unreadable phrase followed by its own ongoing clause: ongoing, and the unread part still flagged.
    row("Khi có yêu cầu và thường xuyên", 2025, None, None, True, False, "unreadable-and-ongoing"),
    row("Theo tiến độ của dự án và thường xuyên", 2025, None, None, True, False, "conditional-and-ongoing"),
    row("Tháng 13/2023, liên tục", 2023, None, None, True, False, "impossible-month-and-ongoing"),
    # Left for an admin: free text, impossible values, half-understood cells.
    unparsed("Theo lộ trình của Chính phủ", "free-text-government-roadmap"),
    unparsed("", "empty"),
    unparsed(" \u00a0\n ", "whitespace-only"),
    unparsed("Khi có yêu cầu", "free-text-on-request"),
    unparsed("Theo kế hoạch", "free-text-per-plan"),
    unparsed("Hàng quý", "quarterly-is-no-recurrence"),
    unparsed("Hàng tháng", "monthly-is-no-recurrence"),
    unparsed("Tháng 13/2023", "month-13-does-not-exist"),
    unparsed("Tháng 0/2023", "month-0-does-not-exist"),
    unparsed("Quý V/2023", "quarter-v-does-not-exist"),
    unparsed("Quý 5/2023", "quarter-5-does-not-exist"),
    unparsed("32/12/2023", "day-32-does-not-exist"),
    unparsed("31/04/2023", "april-31-does-not-exist"),
    unparsed("29/02/2023", "february-29-in-a-common-year"),
    unparsed("Tháng 8/2023 hoặc khi có yêu cầu", "date-with-unknown-trailing-words"),
    unparsed("Quý II/2023 và khi cần", "quarter-with-unknown-trailing-words"),
    unparsed("không thường xuyên", "not-ongoing-is-not-ongoing"),
    unparsed("Đầu năm 2024", "start-of-a-year-is-no-deadline"),
    unparsed("Đầu quý III/2023", "start-of-a-quarter-is-no-deadline"),
    row("Hàng tuần và thường xuyên", 2023, None, None, True, False, "weekly-is-no-recurrence-but-the-ongoing-counts"),
    unparsed("Năm 2025-2023", "year-range-running-backwards"),
    unparsed("Tháng 12/2023 hằng năm", "yearly-with-an-explicit-year-contradicts"),
    unparsed("15/12/23", "two-digit-year-is-not-guessed"),
    unparsed("Quý II", "quarter-without-year-and-no-plan-year", plan_year=None),
    # Forms seen on unseen plans (robustness round): spellings and separators.
    row("trước 30/6", 2025, "2025-06-30", None, False, True, "day-truoc-without-year-takes-plan-year"),
    row("Tháng 6-2025", None, "2025-06-30", None, False, True, "month-hyphen-year"),
    row("Tháng 06 - 2025", None, "2025-06-30", None, False, True, "month-spaced-hyphen-year"),
    row("quý 3/2025", None, "2025-09-30", None, False, True, "quarter-arabic-three"),
    row("Quí III năm 2025", None, "2025-09-30", None, False, True, "quarter-qui-nam"),
    row("Q2/2025", None, "2025-06-30", None, False, True, "quarter-q-abbreviation"),
    row("QIV-2025", None, "2025-12-31", None, False, True, "quarter-q-abbreviation-roman"),
    unparsed("Q2", "quarter-q-abbreviation-needs-its-year"),
    row("Năm 2025-2026", None, "2026-12-31", None, False, True, "year-range-nam"),
    row("Đến hết năm 2025", None, "2025-12-31", None, False, True, "year-den-het"),
    row("Từ nay đến 2030", 2025, "2030-12-31", None, False, True, "from-now-up-to-a-bare-year"),
    row("hằng tháng, thường xuyên", 2025, None, None, True, False, "monthly-is-no-recurrence-but-ongoing-counts"),
    row("Thường xuyên, hàng tháng", 2025, None, None, True, False, "ongoing-clause-first-then-monthly"),
    row("Thường xuyên; hằng quý", 2025, None, None, True, False, "ongoing-clause-first-then-quarterly"),
    unparsed("Hằng quý", "quarterly-hang-spelling-is-no-recurrence"),
    unparsed("Hằng ngày", "daily-is-no-recurrence"),
    unparsed("Định kỳ 6 tháng", "half-yearly-is-no-recurrence"),
    unparsed("Định kỳ 06 tháng", "half-yearly-with-a-leading-zero-is-no-recurrence"),
    unparsed("02 lần/năm", "a-frequency-is-no-deadline"),
    unparsed("06 tháng (từ tháng 3 đến tháng 8)", "a-duration-with-its-months-needs-the-year-it-means"),
    # A closed range "từ X đến hết Y" ends with Y and does not go on; an end that is an event is not dated.
    row("Từ tháng 10/2025 đến hết tháng 3/2026", 2025, "2026-03-31", None, False, True, "range-tu-den-het"),
    row(
        "từ tháng 9 năm 2025 đến hết tháng 2 năm 2026",
        2025,
        "2026-02-28",
        None,
        False,
        True,
        "range-tu-den-het-in-words",
    ),
    row("Từ ngày 15/11 đến hết ngày 15/12/2025", 2025, "2025-12-15", None, False, True, "range-of-days-den-het"),
    row("Tháng 10 đến hết tháng 12/2025", 2025, "2025-12-31", None, False, True, "range-of-months-den-het"),
    unparsed("Từ tháng 11/2025 đến khi kết thúc đợt kiểm tra", "range-ending-with-an-event", plan_year=2025),
    unparsed("Từ tháng 10/2025 đến khi tổng kết", "range-ending-with-an-event-short", plan_year=2025),
    # The plan's own year named without its number: "cuối năm", "hết năm", "trong năm", "năm nay".
    row("Cuối năm", 2025, "2025-12-31", None, False, True, "current-year-cuoi-nam"),
    row("Đến hết năm", 2025, "2025-12-31", None, False, True, "current-year-den-het-nam"),
    row("Trong năm", 2025, "2025-12-31", None, False, True, "current-year-trong-nam"),
    row("Năm nay", 2025, "2025-12-31", None, False, True, "current-year-nam-nay"),
    row("Từ nay đến cuối năm", 2025, "2025-12-31", None, False, True, "from-now-to-the-end-of-the-year"),
    row("Trong năm và thường xuyên", 2025, "2025-12-31", None, True, True, "current-year-then-ongoing"),
    unparsed("Cuối năm", "current-year-without-a-plan-year", plan_year=None),
    unparsed("Trong năm đầu tiên", "the-first-year-of-something-is-no-current-year", plan_year=2025),
    unparsed("Cuối năm học", "a-school-year-is-no-current-year", plan_year=2025),
    # Conditional phrases: an event or another plan's pace sets the date.
    unparsed("Theo tiến độ dự án", "conditional-per-project-progress", plan_year=2025),
    unparsed("Sau khi Nghị định được ban hành", "conditional-after-a-decree", plan_year=2025),
    unparsed("Ngay khi nước rút", "conditional-as-soon-as-an-event", plan_year=2025),
    unparsed("Trong 24-48 giờ sau khi có sự cố", "conditional-hours-after-an-event", plan_year=2025),
    unparsed("Theo lộ trình được giao hoàn thành trong năm 2025", "conditional-roadmap-with-a-year", plan_year=2025),
]


@pytest.mark.parametrize("text, plan_year, due, recurrence, ongoing, parsed", CASES)
def test_deadline_cells_read_as_the_spec_table_says(text, plan_year, due, recurrence, ongoing, parsed):
    deadline = parse_deadline(text, plan_year)
    assert deadline.due_on == (date.fromisoformat(due) if due else None)
    assert deadline.recurrence == recurrence
    assert deadline.is_ongoing is ongoing
    assert deadline.is_parsed is parsed


def read_tsv(name):
    """The rows of a tab-separated test data file, as dicts."""
    with open(DATA / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


CORPUS_PHRASES = read_tsv("corpus-deadlines.tsv")


def test_the_corpus_phrase_list_is_whole():
    assert len(CORPUS_PHRASES) == 89
    assert sum(row["in_ground_truth"] == "no" for row in CORPUS_PHRASES) == 10


@pytest.mark.parametrize("row", CORPUS_PHRASES, ids=[row["text"][:60] for row in CORPUS_PHRASES])
def test_every_corpus_deadline_phrase_reads_as_its_row_says(row):
    deadline = parse_deadline(row["text"], int(row["plan_year"]))
    assert deadline.due_on == (date.fromisoformat(row["due"]) if row["due"] else None)
    assert deadline.recurrence == (row["recurrence"] or None)
    assert deadline.is_ongoing is (row["ongoing"] == "true")
    # The rows that say nothing are the conditional ones: those are left for an admin.
    assert deadline.is_parsed is bool(row["due"] or row["recurrence"] or row["ongoing"] == "true")


def test_a_yearly_duty_keeps_its_day_in_the_plan_year_for_dating_each_occurrence():
    assert parse_deadline("trước ngày 15/11 hằng năm", 2025).yearly_due_on == date(2025, 11, 15)
    assert parse_deadline("Hằng năm", 2025).yearly_due_on == date(2025, 12, 31)
    assert parse_deadline("Tháng 6 hằng năm", 2025).yearly_due_on == date(2025, 6, 30)
    assert parse_deadline("Trước ngày 29/02 hằng năm", 2025).yearly_due_on == date(2025, 2, 28)
    assert parse_deadline("Hằng năm", None).yearly_due_on is None
    assert parse_deadline("Quý II/2025", 2025).yearly_due_on is None


def test_the_table_covers_at_least_fifty_cells():
    assert len(CASES) >= 50


def test_the_text_is_kept_verbatim_but_nfc_and_whitespace_folded():
    assert parse_deadline("  Tháng\u00a0 8 /2023.\n").text == "Tháng 8 /2023."
    assert parse_deadline(NFD_MONTH).text == "Tháng 8/2023"
    assert parse_deadline("QUÝ II/2023 và Thường xuyên;").text == "QUÝ II/2023 và Thường xuyên;"
    assert parse_deadline("Theo lộ trình\ncủa Chính phủ").text == "Theo lộ trình của Chính phủ"
    assert parse_deadline("Giai đoạn 2023 – 2025").text == "Giai đoạn 2023 – 2025"


def test_normalize_text_composes_and_folds_every_kind_of_space():
    assert normalize_text(unicodedata.normalize("NFD", "Hằng năm")) == "Hằng năm"
    assert normalize_text("\u2003Quý\u00a0II\u202f/\t2023\r\n ") == "Quý II / 2023"
    assert normalize_text("") == ""


def test_as_dict_has_exactly_the_public_keys_with_json_ready_values():
    assert parse_deadline("Quý II/2023 và thường xuyên").as_dict() == {
        "text": "Quý II/2023 và thường xuyên",
        "due": "2023-06-30",
        "recurrence": None,
        "ongoing": True,
        "parsed": True,
    }
    assert parse_deadline("Hàng năm").as_dict() == {
        "text": "Hàng năm",
        "due": None,
        "recurrence": "yearly",
        "ongoing": True,
        "parsed": True,
    }


def test_a_deadline_is_immutable():
    deadline = parse_deadline("Năm 2023")
    with pytest.raises(AttributeError):
        deadline.due_on = date(2024, 1, 1)  # type: ignore[misc]


JUNK = [
    "",
    "////",
    "Quý /2023",
    "tháng 0/2023",
    "0/0/0",
    "Năm 0000",
    "Tháng 8/0000",
    "00/00/0000",
    "Quý IIII/2023",
    "quý 0/2023",
    "9999/9999",
    "T/2023",
    "tháng",
    "quý",
    "năm",
    "ngày",
    "trước",
    "Trước thường xuyên",
    "hàng",
    "thường",
    ",;.",
    "- - -",
    "\x00",
    "🙂",
    "Tháng 8/2023" * 30,
    "x" * 10_000,
    "-," * 5_000,
    "1/" * 3_000,
    "thường xuyên, " * 1_000,
    "Tháng 99999999999999999999/2023",
]


@pytest.mark.parametrize("plan_year", [None, 2023])
def test_junk_never_raises_and_is_left_unparsed_with_nothing_guessed(plan_year):
    for junk in JUNK:
        deadline = parse_deadline(junk, plan_year)
        assert isinstance(deadline, Deadline)
        assert deadline.as_dict() == {
            "text": normalize_text(junk),
            "due": None,
            "recurrence": None,
            "ongoing": False,
            "parsed": False,
        }, junk[:40]


def clause(sentence, expected, id):
    """One table row; `id` names the rule it shows."""
    return pytest.param(sentence, expected, id=id)


CLAUSES = [
    clause(
        "Các sở xây dựng kế hoạch và báo cáo UBND tỉnh trước ngày 28/2/2023.", "trước ngày 28/2/2023", "before-a-day"
    ),
    clause(
        "Xây dựng Đề án chuyển đổi số, hoàn thành trong quý II/2025.",
        "hoàn thành trong quý II/2025",
        "done-within-a-quarter",
    ),
    clause(
        "Các cơ quan xây dựng Kế hoạch triển khai thực hiện xong trong tháng 12/2025.",
        "xong trong tháng 12/2025",
        "done-within-a-month",
    ),
    clause(
        "Định kỳ gửi báo cáo kết quả thực hiện trước ngày 15/11 hằng năm và báo cáo đột xuất khi có yêu cầu.",
        "trước ngày 15/11 hằng năm",
        "before-a-day-every-year",
    ),
    clause(
        "Báo cáo kết quả thực hiện Kế hoạch hằng năm (trước ngày 15 tháng 11) hoặc theo đề nghị.",
        "hằng năm (trước ngày 15 tháng 11)",
        "every-year-with-the-day-in-brackets",
    ),
    clause(
        "Tổ chức đánh giá, báo cáo Thủ tướng Chính phủ định kỳ hằng năm hoặc đột xuất theo yêu cầu. Căn cứ …",
        "định kỳ hằng năm hoặc đột xuất theo yêu cầu",
        "periodically-every-year-or-on-request",
    ),
    clause(
        "Rà soát các rào cản về pháp luật; thực hiện cơ bản hoàn thành trong năm 2025.",
        "thực hiện cơ bản hoàn thành trong năm 2025",
        "a-whole-part-of-the-sentence-keeps-its-verb",
    ),
    clause(
        "Báo cáo kết quả thực hiện trước ngày 20/11 về Sở Khoa học và Công nghệ.",
        "trước ngày 20/11",
        "before-a-day-without-year",
    ),
    clause(
        "Trình Thủ tướng Chính phủ ban hành chậm nhất là ngày 30/6/2025.",
        "chậm nhất là ngày 30/6/2025",
        "at-the-latest-on-a-day",
    ),
    clause("Hoàn thiện hạ tầng dữ liệu, hoàn thành trước năm 2027.", "hoàn thành trước năm 2027", "done-before-a-year"),
    clause(
        "Ban hành kế hoạch trong quý I/2025 và tổ chức thực hiện hoàn thành trong năm 2025.",
        "trong quý I/2025",
        "the-first-clause-of-several",
    ),
    clause(
        "Rà soát quy trình nội bộ, hoàn thành trước ngày 30/6/2025; báo cáo kết quả.",
        "hoàn thành trước ngày 30/6/2025",
        "done-before-a-day",
    ),
    clause(
        "Đầu tư hạ tầng, hoàn thành trong giai đoạn 2026 - 2027 và các năm tiếp theo.",
        "hoàn thành trong giai đoạn 2026 - 2027 và các năm tiếp theo",
        "done-within-a-range-then-the-following-years",
    ),
    clause(
        "Thí điểm mô hình trong quý IV/2025 - quý II/2026 tại ba tỉnh.",
        "trong quý IV/2025 - quý II/2026",
        "within-a-quarter-range",
    ),
    clause("Tổ chức tập huấn cho cán bộ trong quý III-IV/2024.", "trong quý III-IV/2024", "within-a-list-of-quarters"),
    clause(
        "Tổng kết thực hiện Đề án (thời gian hoàn thành: Quý II/2025).", "Quý II/2025", "a-label-inside-the-sentence"
    ),
    clause(
        "Sở Nội vụ tổng hợp, báo cáo. Thời gian thực hiện: 15.12.2025. Sở Tài chính bố trí kinh phí.",
        "15.12.2025",
        "a-label-value-with-dotted-date",
    ),
    clause("Tổng hợp báo cáo UBND tỉnh vào tháng 12 hằng năm.", "vào tháng 12 hằng năm", "in-a-month-every-year"),
    clause("TRƯỚC NGÀY 15/12/2025 gửi báo cáo về Sở Nội vụ", "TRƯỚC NGÀY 15/12/2025", "as-written-in-capitals"),
    clause("Báo cáo  kết quả\ntrước ngày\u00a030/11\nhằng năm.", "trước ngày 30/11 hằng năm", "whitespace-folded"),
    # A date that is part of a cited document, or a period that is part of a title, is no deadline.
    clause(
        "Triển khai Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị về đột phá phát triển khoa học.",
        None,
        "a-resolution-date-is-a-citation",
    ),
    clause(
        "Thực hiện Kế hoạch số 283/KH-UBND ngày 24/9/2025 của UBND tỉnh về chuyển đổi số trong quý IV/2025.",
        None,
        "a-period-after-a-document-number-may-be-its-title",
    ),
    clause(
        "Thành lập Đoàn kiểm tra việc chấp hành các quy định về bảo vệ bí mật nhà nước năm 2023.",
        None,
        "a-year-in-a-title-is-no-deadline",
    ),
    clause(
        "Tổ chức thực hiện Chương trình chuyển đổi số giai đoạn 2021-2025 của tỉnh.",
        None,
        "a-title-period-is-no-deadline",
    ),
    clause(
        "Các dự án Luật có liên quan đến công nghệ số trong năm 2025 để tạo đột phá.",
        None,
        "a-year-with-no-word-saying-done-describes",
    ),
    clause(
        "Thường xuyên tiến hành tự kiểm tra việc chấp hành các quy định của pháp luật.",
        None,
        "an-adverb-of-frequency-is-no-deadline",
    ),
    clause("", None, "empty"),
]


@pytest.mark.parametrize("sentence, expected", CLAUSES)
def test_the_deadline_clause_of_a_task_sentence_is_found_as_written(sentence, expected):
    assert deadline_clause(sentence) == expected


CORPUS_SENTENCES = read_tsv("corpus-deadline-sentences.tsv")


@pytest.mark.parametrize("row", CORPUS_SENTENCES, ids=[f"{r['document']}-{r['item']}" for r in CORPUS_SENTENCES])
def test_corpus_task_sentences_give_the_ground_truth_deadline_clause(row):
    assert deadline_clause(row["sentence"]) == (row["clause"] or None)


def test_every_deadline_clause_of_a_sentence_is_listed_in_order():
    sentence = "Xây dựng kế hoạch trước ngày 28/2/2023; báo cáo kết quả trước ngày 10/11/2023 để tổng hợp."
    assert deadline_clauses(sentence) == ["trước ngày 28/2/2023", "trước ngày 10/11/2023"]


def test_a_long_sentence_is_searched_whole():
    filler = "phối hợp với các cơ quan, đơn vị có liên quan tổ chức thực hiện; " * 400
    assert deadline_clause(filler + "báo cáo trước ngày 30/11/2025.") == "trước ngày 30/11/2025"
    assert deadline_clause("trước ngày " * 5_000) is None


@pytest.mark.parametrize(
    "sentence", [c.values[0] for c in CLAUSES if c.values[1]] + [r["sentence"] for r in CORPUS_SENTENCES if r["clause"]]
)
def test_every_clause_found_reads_as_a_deadline(sentence):
    assert parse_deadline(deadline_clause(sentence), 2025).is_parsed
