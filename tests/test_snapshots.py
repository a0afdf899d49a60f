"""Monthly snapshots: taken once across processes, by the scheduler from the first working day, by the CLI;
a frozen month never changes when data is edited afterwards; and the seed demo's scores recomputed by hand
from the documented formula (tracker.rules.score)."""

from __future__ import annotations

import multiprocessing
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tracker.assignments import change_assignment
from tracker.clock import utcnow
from tracker.demo import add_life
from tracker.extensions import db
from tracker.league import unit_lines
from tracker.models import MonthlySnapshot, Plan, SnapshotUnit, User
from tracker.rules.kpi import Period
from tracker.rules.lifecycle import DONE, Change, Evidence
from tracker.rules.score import DELIVERY, DISCIPLINE, KPI
from tracker.snapshots import league_for, months, snapshot_for, snapshot_month_due, take_snapshot

from .conftest import find_assignment, make_user

AUGUST = Period(2023, 8)


def the_plan() -> Plan:
    plan = db.session.scalar(select(Plan))
    assert plan is not None
    return plan


def count_snapshots() -> tuple[int, int]:
    return (
        db.session.scalar(select(func.count()).select_from(MonthlySnapshot)),
        db.session.scalar(select(func.count()).select_from(SnapshotUnit)),
    )


@pytest.mark.parametrize(
    "today, month",
    [
        (date(2023, 8, 1), Period(2023, 7)),  # Tuesday: the month's first working day
        (date(2023, 8, 15), Period(2023, 7)),  # later in the month: a missed run catches up
        (date(2023, 9, 1), None),  # National Day holiday (1–4/9/2023): not yet
        (date(2023, 9, 4), None),
        (date(2023, 9, 5), Period(2023, 8)),  # the first working day of September 2023
        (date(2023, 10, 1), None),  # a Sunday
        (date(2023, 10, 2), Period(2023, 9)),
        (date(2024, 1, 2), Period(2023, 12)),  # 1/1 is New Year's Day
    ],
)
def test_the_month_to_freeze_from_its_first_working_day_on(today, month):
    assert snapshot_month_due(today) == month


def _take_in_a_process(database_url: str, barrier, results) -> None:
    """A separate process freezing August 2023, as a second scheduler would."""
    from tracker import create_app
    from tracker.extensions import db as process_db
    from tracker.snapshots import take_snapshot as take

    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "test", "TODAY": "2023-09-05"})
    with app.app_context():
        barrier.wait(timeout=60)
        created = take(Period(2023, 8), now=datetime(2023, 9, 5, 1, 0, tzinfo=UTC))
        process_db.session.commit()
        results.put(len(created))


@pytest.mark.committed  # two processes
def test_two_processes_taking_the_same_month_make_one_snapshot(seeded):
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(2), context.Queue()
    workers = [
        context.Process(target=_take_in_a_process, args=(seeded.config["DATABASE_URL"], barrier, results))
        for _ in range(2)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=180)
        assert worker.exitcode == 0
    assert sorted(results.get(timeout=10) for _ in workers) == [0, 1]
    with seeded.app_context():
        snapshots, lines = count_snapshots()
        assert snapshots == 1
        units = len(unit_lines(the_plan(), AUGUST.last_day))
        assert lines == units > 0
        # And a third run, later, adds nothing either.
        assert take_snapshot(AUGUST, now=utcnow()) == []
        assert count_snapshots() == (1, units)


def test_editing_an_assignment_afterwards_leaves_last_months_table_unchanged(seeded):
    with seeded.app_context():
        plan = the_plan()
        take_snapshot(AUGUST, now=utcnow())
        db.session.commit()
        before, as_of, live = league_for(plan, AUGUST, today=date(2023, 9, 15))
        assert (as_of, live) == (date(2023, 8, 31), False)
        frozen = [(line.unit_code, line.classes, line.parts, line.score, line.band) for line in before]
        vpc = next(line for line in before if line.unit_code == "VPC")
        assert vpc.classes["not_done_in_time"] == 1 and vpc.score is None  # due 31/8: not yet late on 31/8

        # Vụ Pháp chế reports item I.1 done in September, dated back to 20/8 (before its 31/8 deadline).
        assignment = find_assignment("I.1", "VPC")
        head = db.session.scalar(select(User).where(User.email == "head_vpc@example.org"))
        change_assignment(
            assignment,
            Change(
                DONE,
                evidence=Evidence(
                    document_number="12/TT-BVHTTDL",
                    document_date=date(2023, 8, 20),
                    document_title="Thông tư sửa đổi",
                    completed_on=date(2023, 8, 20),
                ),
            ),
            actor=head,
            expected_version=assignment.version,
            today=date(2023, 9, 15),
            now=utcnow(),
        )
        db.session.commit()

        # Worked out live, August would now read differently …
        live_vpc = next(line for line in unit_lines(plan, AUGUST.last_day) if line.unit_code == "VPC")
        assert live_vpc.classes["done_on_time"] == 1 and live_vpc.score == Decimal("100.0")
        # … but August's table is the snapshot's, as it was.
        after, _, _ = league_for(plan, AUGUST, today=date(2023, 9, 20))
        assert [(line.unit_code, line.classes, line.parts, line.score, line.band) for line in after] == frozen


def test_the_scheduler_freezes_last_month_on_the_first_working_day(seeded):
    from tracker.scheduler import tick

    with seeded.app_context():
        tick(datetime(2023, 9, 4, 3, 0, tzinfo=UTC))  # a holiday: nothing yet
        assert months(the_plan().id) == []
        tick(datetime(2023, 9, 5, 3, 0, tzinfo=UTC))  # 10:00 in Hà Nội on the first working day
        assert months(the_plan().id) == [AUGUST]
        tick(datetime(2023, 9, 5, 3, 5, tzinfo=UTC))  # the next tick adds nothing
        assert count_snapshots()[0] == 1
        snapshot = snapshot_for(the_plan().id, AUGUST)
        assert snapshot is not None and snapshot.as_of == date(2023, 8, 31)


def test_the_cli_takes_a_missed_month_once_and_refuses_an_unfinished_one(seeded, runner):
    result = runner.invoke(args=["snapshots", "take", "--month", "2023-08"])
    assert result.exit_code == 0, result.output
    assert "1 kế hoạch mới chốt" in result.output
    again = runner.invoke(args=["snapshots", "take", "--month", "2023-08"])
    assert "0 kế hoạch mới chốt" in again.output
    unfinished = runner.invoke(args=["snapshots", "take", "--month", "2023-09"])  # today is 15/9/2023
    assert unfinished.exit_code == 1 and "chưa kết thúc" in unfinished.output
    wrong = runner.invoke(args=["snapshots", "take", "--month", "2023-13"])
    assert wrong.exit_code == 1 and "YYYY-MM" in wrong.output
    before = runner.invoke(args=["snapshots", "take", "--month", "2023-06"])  # the plan dates from 13/7/2023
    assert "0 kế hoạch mới chốt" in before.output


def _demo(app) -> Plan:
    """The seed demo's life (tracker.demo.add_life) on the seeded plan, with the unit heads it signs as."""
    make_user("head_cdsvh", "unit_head", "CDSVH")
    make_user("head_ttcntt", "unit_head", "TTCNTT")
    plan = the_plan()
    assert add_life(plan.number) > 0
    db.session.commit()
    return plan


def test_the_demo_has_july_and_august_frozen(seeded):
    with seeded.app_context():
        plan = _demo(seeded)
        assert months(plan.id) == [AUGUST, Period(2023, 7)]


def test_each_demo_units_score_recomputed_by_hand_from_the_formula(seeded):
    """As of 15/9/2023 with the default settings (weights 60/25/15, late credit 50). What the demo holds:

    - item I.1 (due 31/8/2023) led by Vụ Pháp chế, in progress: overdue; Vụ Pháp chế is in no Appendix 1 group;
    - item I.2 (due 31/10/2023) led by eleven units; Cục Bản quyền tác giả finished it on 5/9 (on time), the
      others have not (still in time); all eleven are in Appendix 1's groups;
    - items I.3 and I.4 (due 31/12/2023) led by the IT Centre, not done (in time); it is in no group;
    - Cục Bản quyền tác giả's figures: as of 15/5/2023 (reported that day) and as of 31/8/2023 (reported that
      day): 6/6 full-online services, 9/10 procedures with online dossiers, 312/2110 dossiers online; its group's
      targets are 100%, 50% and 30%. No other unit reported figures;
    - the plan's decision is dated 13/7/2023 and figures are due by the 5th of the next month, so on 15/9 the
      months due are July (deadline 5/8) and August (deadline 5/9); no item is ongoing.
    """
    with seeded.app_context():
        plan = _demo(seeded)
        lines = {line.unit_code: line for line in unit_lines(plan, date(2023, 9, 15))}

    # Cục Bản quyền tác giả — delivery: 1 on time of 1 judged → 100.
    # KPI: (1) 6/6 = 100% ≥ 100% → 1; (2) 9/10 = 90% ≥ 50% → 1; (3) 312/2110 = 14.79% of 30% → 31200/63300 = 312/633.
    #      100 × (1 + 1 + 312/633) / 3 = 157800/1899 = 83.096…
    # Discipline: July's figures were not reported by 5/8 (the next report came 31/8), August's were by 5/9 → 1/2 = 50.
    # Score: (60 × 100 + 25 × 83.096… + 15 × 50) / 100 = (6000 + 2077.41… + 750) / 100 = 88.274… → 88.3, Tốt.
    kpi_cbqtg = Decimal(157800) / Decimal(1899)
    cbqtg = lines.pop("CBQTG")
    assert cbqtg.parts == {DELIVERY: Decimal("100.0"), KPI: Decimal("83.1"), DISCIPLINE: Decimal("50.0")}
    expected = (60 * 100 + 25 * kpi_cbqtg + 15 * 50) / 100
    assert expected.quantize(Decimal("0.1")) == Decimal("88.3")
    assert (cbqtg.score, cbqtg.band) == (Decimal("88.3"), "good")

    # Vụ Pháp chế — delivery: 0 on time, 1 overdue → 0; no KPI group and nothing to report → left out.
    # Score: 60 × 0 / 60 = 0 → Yếu.
    vpc = lines.pop("VPC")
    assert vpc.parts == {DELIVERY: Decimal("0.0"), KPI: None, DISCIPLINE: None}
    assert (vpc.score, vpc.band) == (Decimal("0.0"), "weak")

    # Trung tâm CNTT — two assignments still in time: nothing judged; no group → no part, no score.
    ttcntt = lines.pop("TTCNTT")
    assert ttcntt.parts == {DELIVERY: None, KPI: None, DISCIPLINE: None}
    assert (ttcntt.score, ttcntt.band) == (None, None)

    # The ten other units of I.2 — delivery left out (still in time); KPI: targets and no figures → 0;
    # discipline: 0 of 2 months on time → 0. Score: (25 × 0 + 15 × 0) / (25 + 15) = 0 → Yếu.
    assert sorted(lines) == sorted(
        ["CDA", "TCDL", "TCTDTT", "CDSVH", "CMTNATL", "CVHCS", "VTV", "CHTQT", "CNTBD", "VKHTC"]
    )
    for code, line in lines.items():
        assert line.parts == {DELIVERY: None, KPI: Decimal("0.0"), DISCIPLINE: Decimal("0.0")}, code
        assert (line.score, line.band) == (Decimal("0.0"), "weak"), code


def test_the_demo_league_shows_the_change_since_august(seeded):
    with seeded.app_context():
        plan = _demo(seeded)
        lines, as_of, live = league_for(plan, None, today=date(2023, 9, 15))
    assert (as_of, live) == (date(2023, 9, 15), True)
    cbqtg = next(line for line in lines if line.unit_code == "CBQTG")
    # August as of 31/8: I.2 not done yet and not due (delivery left out); KPI 83.096… as now (the 31/8 report);
    # discipline: July due (deadline 5/8), not on time → 0. (25 × 83.096… + 15 × 0) / 40 = 51.935… → 51.9.
    assert cbqtg.previous == Decimal("51.9")
    assert cbqtg.change == Decimal("88.3") - Decimal("51.9") == Decimal("36.4")


def test_the_dashboard_shows_a_frozen_month_as_it_was_frozen(seeded):
    from tracker.dashboard import dashboard

    with seeded.app_context():
        plan = the_plan()
        take_snapshot(AUGUST, now=utcnow())
        db.session.commit()
        frozen = dashboard(plan.id, today=date(2023, 9, 15), as_of=AUGUST.last_day)
        assert frozen is not None and frozen.frozen_months == [AUGUST.last_day]
        august = dict(frozen.now.counts)
        assert august["not_done_in_time"] >= 1

        # Vụ Pháp chế reports I.1 done, dated back to 20/8: worked out live, August would change.
        assignment = find_assignment("I.1", "VPC")
        head = db.session.scalar(select(User).where(User.email == "head_vpc@example.org"))
        evidence = Evidence(
            document_number="12/TT-BVHTTDL",
            document_date=date(2023, 8, 20),
            document_title="Thông tư sửa đổi",
            completed_on=date(2023, 8, 20),
        )
        change_assignment(
            assignment,
            Change(DONE, evidence=evidence),
            actor=head,
            expected_version=assignment.version,
            today=date(2023, 9, 15),
            now=utcnow(),
        )
        db.session.commit()

        after = dashboard(plan.id, today=date(2023, 9, 20), as_of=AUGUST.last_day)
        assert after is not None and dict(after.now.counts) == august
        assert dict(next(t for t in after.trend if t.on == AUGUST.last_day).counts) == august
        # September (live) counts the change: one more done on time than at the end of August.
        today = dashboard(plan.id, today=date(2023, 9, 20))
        assert today is not None and dict(today.before.counts) == august
        assert today.now.counts["done_on_time"] == august["done_on_time"] + 1
