"""The synthetic dataset (python -m tools.synth): its sizes, its determinism, that the app's own rules
accept every row of it (deadlines, item units, lifecycle, KPI checks), that it refuses a database in use,
and that the real pages work on it."""

from __future__ import annotations

import ast
import hashlib
import itertools
import json
import random
import re
import stat
import subprocess
import sys
from collections import Counter, defaultdict
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, text

from tools.synth.cli import synth_command
from tools.synth.history import STEPS, _Walk, route
from tracker.extensions import db
from tracker.figures import SOURCES, counts_of, kpi_by_unit
from tracker.models import (
    ActionItem,
    Assignment,
    AssignmentEvent,
    Indicator,
    ItemUnit,
    KpiReport,
    Plan,
    PlanSection,
    Target,
    Unit,
    UnitAlias,
    UnitGroup,
    UnitGroupMember,
    User,
)
from tracker.rules.deadlines import YEARLY, parse_deadline
from tracker.rules.kpi import Period, check_counts, last_due_period
from tracker.rules.lifecycle import (
    DONE,
    IN_PROGRESS,
    STATES,
    Change,
    Evidence,
    TransitionRefused,
    check_change,
    is_done_late,
    is_overdue,
    next_states,
    occurrence_due,
    occurrence_years,
    transition_kind,
)
from tracker.rules.names import APPENDIX1, UNSPECIFIED, collective_kind, fold_name
from tracker.rules.permissions import UNIT_ROLES

from .conftest import PASSWORD, login

SIZE = ("--units", "60", "--plans", "2", "--items-per-plan", "12", "--months", "3")
TODAY = date(2023, 9, 15)  # conftest's pinned "today"
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def run_synth(runner, tmp_path, *extra: str, seed: int = 1):
    """tools.synth's command on the test app (as `python -m tools.synth` runs it on the configured one)."""
    return runner.invoke(
        synth_command,
        args=[
            *SIZE,
            "--seed",
            str(seed),
            "--today",
            TODAY.isoformat(),
            "--accounts-file",
            str(tmp_path / "synth-accounts.txt"),
            *extra,
        ],
    )


def synth_json(runner, tmp_path, seed: int = 1) -> dict:
    result = run_synth(runner, tmp_path, "--password", PASSWORD, "--json", seed=seed)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture
def synthetic(app, runner, tmp_path) -> dict:
    """The small synthetic dataset, built through the command; its JSON summary."""
    return synth_json(runner, tmp_path)


def empty_tables(app) -> None:
    with app.app_context():
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
        db.session.commit()


def local_day(moment: datetime) -> date:
    """The Vietnamese date of a stored moment (SQLite gives it back without its UTC zone)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(VIETNAM).date()


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_sizes_follow_the_arguments_and_the_summary_tells_the_truth(app, synthetic, tmp_path):
    with app.app_context():
        assert count(Unit) == synthetic["units"] == 60
        assert count(Plan) == synthetic["plans"] == 2
        assert count(ActionItem) == synthetic["items"] == 2 * 12
        assert count(KpiReport) == synthetic["kpi_reports"] == 60 * 3
        assert count(Assignment) == synthetic["assignments"]
        assert count(AssignmentEvent) == synthetic["events"]
        assert count(ItemUnit) == synthetic["item_units"]
        assert count(UnitGroup) == synthetic["unit_groups"]
        assert count(Target) == synthetic["targets"] == 3 * synthetic["unit_groups"]
        assert count(UnitAlias) == synthetic["aliases"]
        by_status = dict(db.session.execute(select(Assignment.status, func.count()).group_by(Assignment.status)).all())
        assert by_status == synthetic["assignments_by_status"]
        # About ten assignments an item, most items led by one to three units, a few by a collective.
        assert 8 * 24 <= synthetic["assignments"] <= 12 * 24
        assert 5 <= synthetic["events"] / synthetic["assignments"] <= 15
        roles = dict(db.session.execute(select(User.role, func.count()).group_by(User.role)).all())
        assert roles["admin"] == roles["monitor"] == roles["viewer"] == 1
        assert roles["unit_head"] == 60 and 0 < roles.get("unit_staff", 0) < 60
        assert sum(roles.values()) == count(User) == synthetic["users"]
        heads = set(db.session.scalars(select(User.email).where(User.role == "unit_head")))
        assert heads == {f"head.{code.lower()}@example.org" for code in db.session.scalars(select(Unit.code))}
        hashes = set(db.session.scalars(select(User.password_hash)))
        assert len(hashes) == 1  # one hash, computed once, for every account
        emails = set(db.session.scalars(select(User.email)))
    accounts = tmp_path / "synth-accounts.txt"
    assert stat.S_IMODE(accounts.stat().st_mode) == 0o600
    lines = accounts.read_text(encoding="utf-8").splitlines()
    assert {line.split(" ")[0] for line in lines} == emails
    assert {line.split(" ")[1] for line in lines} == {PASSWORD}
    assert synthetic["password"] == PASSWORD and synthetic["seed"] == 1 and synthetic["today"] == "2023-09-15"


def _digest(app) -> str:
    """What a dataset is, by natural keys (not ids): assignments, their histories, figures, units."""
    digest = hashlib.sha256()
    with app.app_context():
        rows = db.session.execute(
            select(
                Plan.number,
                PlanSection.number,
                ActionItem.stt,
                ActionItem.task,
                ActionItem.deadline_text,
                Unit.code,
                Assignment.occurrence,
                Assignment.due_on,
                Assignment.status,
                Assignment.version,
                Assignment.completed_on,
                Assignment.document_number,
                Assignment.difficulty,
            )
            .join(ActionItem, Assignment.item_id == ActionItem.id)
            .join(PlanSection)
            .join(Plan)
            .join(Unit, Assignment.unit_id == Unit.id)
            .order_by(Plan.number, PlanSection.number, ActionItem.stt, Unit.code, Assignment.occurrence)
        )
        for row in rows:
            digest.update(repr(tuple(row)).encode())
        events = db.session.execute(
            select(
                Plan.number,
                ActionItem.position,
                Unit.code,
                Assignment.occurrence,
                AssignmentEvent.kind,
                AssignmentEvent.from_state,
                AssignmentEvent.to_state,
                AssignmentEvent.at,
                AssignmentEvent.comment,
                User.email,
            )
            .join(Assignment, AssignmentEvent.assignment_id == Assignment.id)
            .join(ActionItem, Assignment.item_id == ActionItem.id)
            .join(Plan)
            .join(Unit, Assignment.unit_id == Unit.id)
            .join(User, AssignmentEvent.actor_id == User.id)
            .order_by(Plan.number, ActionItem.position, Unit.code, Assignment.occurrence, AssignmentEvent.at)
        )
        for row in events:
            digest.update(repr(tuple(row)).encode())
        for row in db.session.execute(
            select(Unit.code, Unit.name, Unit.head_email, KpiReport.as_of, KpiReport.figures)
            .join(KpiReport, KpiReport.unit_id == Unit.id)
            .order_by(Unit.code, KpiReport.as_of)
        ):
            digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


def test_the_same_seed_gives_the_same_rows_and_another_seed_other_rows(app, runner, tmp_path):
    first = synth_json(runner, tmp_path, seed=7)
    digest = _digest(app)
    empty_tables(app)
    second = synth_json(runner, tmp_path, seed=7)
    assert _digest(app) == digest
    assert {k: v for k, v in first.items() if k != "seconds"} == {k: v for k, v in second.items() if k != "seconds"}
    empty_tables(app)
    synth_json(runner, tmp_path, seed=8)
    assert _digest(app) != digest


def test_every_state_and_outcome_is_there_with_consistent_fields(app, synthetic):
    with app.app_context():
        assignments = list(db.session.scalars(select(Assignment).order_by(Assignment.id)))
        ongoing = {i.id: i.is_ongoing for i in db.session.scalars(select(ActionItem))}
        events = defaultdict(list)
        for event in db.session.scalars(select(AssignmentEvent).order_by(AssignmentEvent.id)):
            events[event.assignment_id].append(event)
    assert {a.status for a in assignments} == set(STATES)
    outcomes = Counter()
    for a in assignments:
        history = events[a.id]
        assert a.version == 1 + len(history)
        assert a.is_active
        if history:
            assert a.updated_at == history[-1].at
            assert a.last_report_on == local_day(history[-1].at)
            assert a.status == history[-1].to_state
        else:
            assert (a.status, a.updated_at, a.last_report_on) == ("not_started", None, None)
        if a.status == DONE:
            assert a.completed_on is not None and a.completed_on <= TODAY
            assert a.document_number and a.document_date and a.document_title
        else:
            assert a.completed_on is None
        if a.status == "blocked":
            assert a.difficulty
        else:
            assert (a.difficulty, a.proposal) == ("", "")
        if is_overdue(state=a.status, due_on=a.due_on, is_ongoing=ongoing[a.item_id], today=TODAY):
            outcomes["overdue"] += 1
        if is_done_late(state=a.status, due_on=a.due_on, completed_on=a.completed_on):
            outcomes["done late"] += 1
        elif a.status == DONE:
            outcomes["done on time"] += 1
    assert outcomes["overdue"] == synthetic["overdue"] > 0
    assert outcomes["done late"] == synthetic["done_late"] > 0
    assert outcomes["done on time"] > 0


# The forms of PRODUCT.md §3, recognised from the cell as written.
DEADLINE_FORMS = {
    "month": re.compile(r"^(trong )?(tháng|t)\s*\d{1,2}(/| năm )\d{4}$", re.I),
    "quarter": re.compile(r"^(trong )?quý [ivx\d]+(/| năm )\d{4}$", re.I),
    "half year": re.compile(r"^6 tháng (đầu|cuối) năm \d{4}$", re.I),
    "year": re.compile(r"^(trong )?năm \d{4}$", re.I),
    "specific date": re.compile(r"^(trước (ngày )?)?\d{1,2}(/| tháng )\d{1,2}(/| năm )\d{4}$", re.I),
    "yearly": re.compile(r"h[àằ]ng năm$", re.I),
    "ongoing": re.compile(r"^(thường xuyên|liên tục)", re.I),
    "combined": re.compile(r"\d{4},? (và )?thường xuyên$", re.I),
    "year range": re.compile(r"\d{4}\s*(-|đến năm)\s*\d{4}$", re.I),
}


def test_deadlines_take_every_written_form_and_read_as_the_parser_reads_them(app, synthetic):
    with app.app_context():
        items = db.session.execute(select(ActionItem, Plan).join(Plan)).all()
        assignments = defaultdict(list)
        for a in db.session.scalars(select(Assignment)):
            assignments[a.item_id].append(a)
        leads = defaultdict(set)
        for row in db.session.scalars(select(ItemUnit).where(ItemUnit.role == "lead", ItemUnit.unit_id.is_not(None))):
            leads[row.item_id].add(row.unit_id)
    forms = Counter()
    for item, plan in items:
        parsed = parse_deadline(item.deadline_text, plan.year)
        assert (item.due_on, item.recurrence, item.is_ongoing, item.is_deadline_parsed) == (
            parsed.due_on,
            parsed.recurrence,
            parsed.is_ongoing,
            parsed.is_parsed,
        ), item.deadline_text
        matched = [name for name, pattern in DEADLINE_FORMS.items() if pattern.search(item.deadline_text)]
        forms.update(matched or (["unparsed"] if not parsed.is_parsed else ["other"]))
        # As the importer does: one assignment per lead unit, and per plan year for a yearly item.
        years = occurrence_years(plan.year, plan.end_year) if item.recurrence == YEARLY else [0]
        wanted = {
            (unit_id, year, occurrence_due(item.due_on, year) if year else item.due_on)
            for unit_id in leads[item.id]
            for year in years
        }
        assert {(a.unit_id, a.occurrence, a.due_on) for a in assignments[item.id]} == wanted
    assert set(forms) >= {*DEADLINE_FORMS, "unparsed"}, forms
    assert forms["other"] == 0, forms
    with app.app_context():
        multi_year = db.session.scalar(select(func.count()).select_from(Plan).where(Plan.end_year > Plan.year))
        assert multi_year >= 1
        assert db.session.scalar(select(func.count()).select_from(Assignment).where(Assignment.occurrence > 2000))


def test_units_groups_and_item_units_are_as_the_directory_and_the_importer_make_them(app, synthetic):
    with app.app_context():
        units = list(db.session.scalars(select(Unit)))
        assert len({u.folded_name for u in units}) == len(units)
        assert all(u.folded_name == fold_name(u.name) for u in units)
        assert all(re.fullmatch(r"[A-Z0-9_.-]{2,40}", u.code) for u in units)
        names = [u.folded_name for u in units] + list(db.session.scalars(select(UnitAlias.folded_alias)))
        assert len(set(names)) == len(names)  # no alias is another unit's name
        assert app.config["IT_CENTRE_UNIT"] in {u.code for u in units}
        # The ministry's departments, provinces' departments, districts and communes.
        for shape in (
            r"^Vụ ",
            r"^Cục ",
            r"^Trung tâm ",
            r"^Sở .+ (tỉnh|thành phố) ",
            r"^UBND (huyện|quận|thị xã|thành phố) [^,]+, (tỉnh|thành phố) ",
            r"^UBND (xã|phường|thị trấn) [^,]+, (huyện|quận|thị xã|thành phố) [^,]+, (tỉnh|thành phố) ",
        ):
            assert any(re.search(shape, u.name) for u in units), shape
        assert all((u.head_email or "").endswith("@example.org") or u.head_email is None for u in units)
        assert sum(u.head_email is None for u in units) <= 0.05 * len(units)  # a few units have no address

        in_groups = set(db.session.scalars(select(UnitGroupMember.unit_id)))
        assert in_groups == {u.id for u in units}  # each unit in some plan's Appendix 1
        assert set(db.session.scalars(select(Assignment.unit_id).distinct())) == {u.id for u in units}
        ratios = db.session.execute(
            select(Indicator.number, Indicator.ratio).distinct().order_by(Indicator.number)
        ).all()
        assert ratios == [(1, "full_online"), (2, "procedures_online"), (3, "dossiers_online")]
        assert set(db.session.scalars(select(Target.kind))) == {"value", "range", "not_applicable"}
        assert all(t.note for t in db.session.scalars(select(Target).where(Target.kind == "not_applicable")))

        appendix1 = defaultdict(list)
        for plan_id, unit_id in db.session.execute(
            select(UnitGroup.plan_id, UnitGroupMember.unit_id)
            .join(UnitGroup)
            .order_by(UnitGroup.number, UnitGroupMember.position)
        ):
            appendix1[plan_id].append(unit_id)
        rows = defaultdict(list)
        for row, plan_id in db.session.execute(
            select(ItemUnit, ActionItem.plan_id).join(ActionItem).order_by(ItemUnit.item_id, ItemUnit.position)
        ):
            rows[(plan_id, row.item_id)].append(row)
    seen = Counter()
    for (plan_id, _item), item_rows in rows.items():
        assert [r.position for r in item_rows] == list(range(len(item_rows)))
        roles = [r.role for r in item_rows]
        assert roles == sorted(roles, key=lambda role: role != "lead")  # lead cell first, then coordinating
        for role in ("lead", "coordinating"):
            collective = defaultdict(list)
            for r in item_rows:
                if r.role != role:
                    continue
                seen[r.kind] += 1
                if r.kind == "collective":
                    assert collective_kind(r.written) == APPENDIX1
                    collective[r.written].append(r.unit_id)
                elif r.kind == "unspecified":
                    assert collective_kind(r.written) == UNSPECIFIED and r.unit_id is None
                elif r.kind == "unknown":
                    assert collective_kind(r.written) is None and r.unit_id is None
                else:
                    assert r.unit_id is not None
            for members in collective.values():
                assert members == appendix1[plan_id]  # an Appendix 1 collective stands for its units, in order
    assert set(seen) == {"unit", "collective", "unspecified", "unknown"}


def test_every_history_is_a_sequence_the_lifecycle_rules_accept(app, synthetic):
    with app.app_context():
        users = {u.id: u for u in db.session.scalars(select(User))}
        assignments = {a.id: a for a in db.session.scalars(select(Assignment))}
        events = defaultdict(list)
        for event in db.session.scalars(select(AssignmentEvent).order_by(AssignmentEvent.id)):
            events[event.assignment_id].append(event)
    kinds = Counter()
    for assignment_id, history in events.items():
        assignment = assignments[assignment_id]
        state, previous = "not_started", assignment.created_at
        completed = None
        for event in history:
            actor = users[event.actor_id]
            kinds[event.kind] += 1
            assert event.from_state == state
            assert transition_kind(event.from_state, event.to_state) == event.kind
            if event.kind == "reopen":
                assert actor.role in ("admin", "monitor")
            else:
                assert actor.role in UNIT_ROLES and actor.unit_id == assignment.unit_id
            day = local_day(event.at)
            assert event.at > previous and day < TODAY
            change = Change(
                to_state=event.to_state,
                comment=event.comment,
                difficulty=event.difficulty,
                proposal=event.proposal,
                reason=event.reason,
                evidence=Evidence(
                    document_number=event.document_number,
                    document_date=event.document_date,
                    document_title=event.document_title,
                    completed_on=event.completed_on,
                ),
            )
            check_change(state, change, is_reopen_allowed=actor.role in ("admin", "monitor"), today=day)
            if event.kind == "move" and event.to_state == DONE:
                completed = event.completed_on
                assert event.document_number and event.completed_on <= day
            if event.kind == "reopen":
                completed = None
            state, previous = event.to_state, event.at
        assert assignment.status == state
        assert assignment.completed_on == completed
        if state == "blocked":
            last_block = next(e for e in reversed(history) if e.kind == "move" and e.to_state == "blocked")
            assert (assignment.difficulty, assignment.proposal) == (last_block.difficulty, last_block.proposal)
    assert set(kinds) == {"move", "progress", "reopen"}, kinds


def test_the_generator_asks_the_lifecycle_where_each_state_may_go_and_stops_on_a_refused_change():
    # Every move a unit may make, and the IT Centre's reopen, are steps the generator knows; every route it
    # draws is made of them, and a change the rules refuse stops it instead of being written.
    for state in STATES:
        assert set(next_states(state)) <= set(STEPS[state])
    assert transition_kind(DONE, IN_PROGRESS) == "reopen" and IN_PROGRESS in STEPS[DONE]
    rng = random.Random(1)
    for target in STATES:
        for _ in range(300):
            path = route(rng, target)
            assert (path[-1] if path else "not_started") == target
            assert all(b in STEPS[a] for a, b in itertools.pairwise(["not_started", *path]))
    with pytest.raises(TransitionRefused):
        _Walk().apply(Change(to_state=DONE), actor=1, at=datetime.now(UTC), today=TODAY)  # no evidence


def test_kpi_reports_pass_the_consistency_checks_month_by_month(app, synthetic):
    with app.app_context():
        reports = list(db.session.scalars(select(KpiReport).order_by(KpiReport.unit_id, KpiReport.as_of)))
        unit_ids = set(db.session.scalars(select(Unit.id)))
        users = {u.id: u for u in db.session.scalars(select(User))}
    month_ends = [Period(2023, m).last_day for m in (6, 7, 8)]
    by_unit = defaultdict(list)
    for report in reports:
        check_counts(counts_of(report))  # raises InconsistentFigures naming the conflict
        assert report.is_current and report.source in SOURCES
        assert report.as_of < local_day(report.reported_at) <= TODAY or report.as_of == local_day(report.reported_at)
        assert users[report.reported_by_id].unit_id == report.unit_id
        by_unit[report.unit_id].append(report)
    assert set(by_unit) == unit_ids
    trends = Counter()
    for history in by_unit.values():
        assert [r.as_of for r in history] == month_ends
        # Cumulative for the year: counts only grow from one month to the next (all three months are in 2023).
        for earlier, later in itertools.pairwise(history):
            before, after = earlier.figures, later.figures
            assert after["dossiers_total"] >= before["dossiers_total"]
            assert after["procedures_with_dossiers"] >= before["procedures_with_dossiers"]
            trends["rising"] += after["dossiers_online"] > before["dossiers_online"]
    assert trends["rising"] > len(by_unit)
    assert last_due_period(TODAY) == Period(2023, 8)  # so the latest reports are the ones due
    with app.app_context():
        standings = kpi_by_unit()
        statuses = Counter(result.attainment.status for standing in standings for result in standing.results)
    assert len(standings) >= len(unit_ids)  # every unit stands in some plan's group
    assert statuses["met"] and statuses["not_met"], statuses  # the overview has both to show


def test_refuses_a_database_that_has_units_and_writes_nothing(app, runner, tmp_path):
    assert runner.invoke(args=["units", "load"]).exit_code == 0
    with app.app_context():
        before = {table.name: count(table) for table in db.metadata.sorted_tables}
    result = run_synth(runner, tmp_path, "--password", PASSWORD)
    assert result.exit_code == 1
    assert "đã có dữ liệu" in result.stderr and "không có gì được ghi" in result.stderr
    with app.app_context():
        assert {table.name: count(table) for table in db.metadata.sorted_tables} == before
    assert not (tmp_path / "synth-accounts.txt").exists()


def test_refuses_a_weak_password_and_too_few_units(app, runner, tmp_path):
    result = run_synth(runner, tmp_path, "--password", "ngan")
    assert result.exit_code == 1 and "Mật khẩu phải có ít nhất" in result.stderr
    result = runner.invoke(synth_command, args=["--units", "5"])
    assert result.exit_code == 2
    with app.app_context():
        assert count(Unit) == count(User) == 0


def test_without_a_password_one_is_made_printed_once_and_signs_in(app, runner, tmp_path, client):
    result = run_synth(runner, tmp_path)
    assert result.exit_code == 0, result.output
    match = re.search(r"mật khẩu chung: (\S+)\)", result.stdout)
    assert match, result.stdout
    password = match.group(1)
    assert "head.<mã đơn vị>@example.org" in result.stdout and "phân công" in result.stdout
    assert (tmp_path / "synth-accounts.txt").read_text(encoding="utf-8").startswith(f"quantri@example.org {password}\n")
    assert login(client, "cntt", password).status_code == 302


def test_the_pages_work_on_the_synthetic_data(app, synthetic):
    with app.app_context():
        busiest = db.session.execute(
            select(Unit.code, func.count(AssignmentEvent.id))
            .join(Assignment, Assignment.unit_id == Unit.id)
            .join(AssignmentEvent)
            .group_by(Unit.code)
            .order_by(func.count(AssignmentEvent.id).desc(), Unit.code)
            .limit(1)
        ).one()[0]
        commune = db.session.scalar(select(Unit.code).where(Unit.name.like("UBND xã%")).order_by(Unit.code).limit(1))
        item_id = db.session.execute(
            select(Assignment.item_id, func.count(AssignmentEvent.id))
            .join(AssignmentEvent)
            .group_by(Assignment.item_id)
            .order_by(func.count(AssignmentEvent.id).desc(), Assignment.item_id)
            .limit(1)
        ).one()[0]
        plan_ids = list(db.session.scalars(select(Plan.id).order_by(Plan.id)))
        names = dict(db.session.execute(select(Unit.code, Unit.name)).all())

    head = app.test_client()
    assert login(head, f"head.{busiest.lower()}").status_code == 302
    page = head.get(f"/units/{busiest}")
    assert page.status_code == 200 and names[busiest] in page.get_data(as_text=True)
    assert head.get(f"/items/{item_id}").status_code == 200
    for plan_id in plan_ids:
        assert head.get(f"/plans/{plan_id}").status_code == 200
    assert head.get("/").status_code == 302

    small = app.test_client()
    assert login(small, f"head.{commune.lower()}").status_code == 302
    assert small.get(f"/units/{commune}").status_code == 200
    assert small.get(f"/units/{busiest}").status_code == 403  # someone else's unit

    monitor = app.test_client()
    assert login(monitor, "cntt").status_code == 302
    for path in (
        "/monitoring",
        "/monitoring?class=done_late",
        "/kpi",
        "/reports",
        f"/items/{item_id}",
        *(f"/kpi?plan={p}" for p in plan_ids),
        *(f"/reports/{p}/print?start=2023-01-01&end=2023-06-30" for p in plan_ids),
        *(f"/reports/{p}.xlsx?start=2023-01-01&end={TODAY}" for p in plan_ids),
    ):
        assert monitor.get(path).status_code == 200, path

    viewer = app.test_client()
    assert login(viewer, "lanhdao").status_code == 302
    assert viewer.get("/plans").status_code == 200


def test_the_reminder_sweep_runs_on_the_synthetic_data(app, runner, synthetic):
    # Overdue assignments are reminded every seventh day, so a week of sweeps has messages to plan.
    entries = Counter()
    for offset in range(7):
        day = date.fromordinal(TODAY.toordinal() + offset)
        result = runner.invoke(args=["reminders", "sweep", "--date", day.isoformat(), "--dry-run", "--json"])
        assert result.exit_code == 0, result.output
        entries.update(e["kind"] for m in json.loads(result.stdout)["messages"] for e in m["entries"])
    assert entries["overdue"] > 0, entries


def test_the_app_adds_rows_after_the_synthetic_ones(app, runner, tmp_path):
    # The generator gives ids itself; on PostgreSQL the sequences must then have moved past them. Other
    # tests have moved them on already, so they start again as in a new database.
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            for table in ("kpi_reports", "users"):
                db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), 1, false)"))
            db.session.commit()
    synthetic = synth_json(runner, tmp_path)
    counts = tmp_path / "counts.json"
    counts.write_text(
        json.dumps(
            {
                "procedures_total": 12,
                "full_online_eligible": 6,
                "full_online_provided": 6,
                "partial_online_accepting": 6,
                "procedures_with_dossiers": 10,
                "procedures_with_online_dossiers": 8,
                "dossiers_total": 1458,
                "dossiers_online": 134,
            }
        ),
        encoding="utf-8",
    )
    with app.app_context():
        code = db.session.scalar(select(Unit.code).order_by(Unit.id).limit(1))
        before = db.session.scalar(select(func.max(KpiReport.id)))
    result = runner.invoke(args=["kpi", "report", code, "--as-of", TODAY.isoformat(), "--counts", str(counts)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        args=["users", "create", "--email", "moi@example.org", "--role", "viewer", "--password", PASSWORD]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(select(func.max(KpiReport.id))) > before
        assert count(KpiReport) == synthetic["kpi_reports"] + 1 and count(User) == synthetic["users"] + 1


def test_the_app_has_no_synth_command_and_imports_no_tool(app):
    """The dataset is a developer tool: not a command of the production app, and nothing in tracker/ imports
    tools/ (production installs requirements.txt only)."""
    assert "synth" not in app.cli.commands["demo"].commands
    root = Path(__file__).resolve().parents[1]
    for path in (root / "tracker").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom) and node.level == 0
                else []
            )
            assert not any(name == "tools" or name.startswith("tools.") for name in names), path


def test_the_command_runs_as_a_module_of_tools():
    root = Path(__file__).resolve().parents[1]
    result = subprocess.run(
        [sys.executable, "-m", "tools.synth", "--help"], cwd=root, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "python -m tools.synth" in result.stdout and "--items-per-plan" in result.stdout
