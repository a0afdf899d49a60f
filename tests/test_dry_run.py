"""Issue 15 finding 5: a dry run (the import's preview) writes nothing to the database. On SQLite it used to
run the upsert in a transaction rolled back at the end, holding the write lock for the whole preview: every
other request that wrote waited, then failed with "database is locked"."""

from __future__ import annotations

import os
import sqlite3

import pytest
from sqlalchemy import event, func, select

from tracker.extensions import db
from tracker.models import ActionItem, Plan, PlanVersion
from tracker.plan_import import import_document
from tracker.plan_import.dry_run import dry_run
from tracker.units import load_units

from .conftest import SEEDS
from .test_import_scale import NOW, plan_text

WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER")


def _writes_during(action) -> tuple[object, list[str]]:
    """What `action()` returns, and the write statements it sent to the app's database."""
    seen: list[str] = []

    def note(_conn, _cursor, statement, *_args) -> None:
        if statement.lstrip().upper().startswith(WRITES):
            seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        return action(), seen
    finally:
        event.remove(db.engine, "before_cursor_execute", note)


# On PostgreSQL, where a writer blocks no reader, the preview runs in a transaction rolled back (see
# tracker.plan_import.dry_run): what is counted here is SQLite's private copy.
sqlite_only = pytest.mark.skipif(
    not os.environ.get("TRACKER_TEST_DATABASE_URL", "sqlite").startswith("sqlite"),
    reason="on PostgreSQL a preview runs in a transaction rolled back",
)


@pytest.fixture
def units(app):
    with app.app_context():
        load_units(SEEDS / "units.json")
        db.session.commit()


@sqlite_only
def test_a_preview_sends_no_write_statement_and_says_what_the_import_then_does(app, units):
    with app.app_context():
        data = plan_text(40)
        report, writes = _writes_during(lambda: dry_run(data, "ke-hoach.txt", now=NOW))
        assert writes == []
        assert report.items == 40
        assert report.created > 40  # the plan, its section, its items
        assert db.session.scalar(select(func.count(Plan.id))) == 0
        saved = import_document(data, "ke-hoach.txt", now=NOW)
        db.session.commit()
        assert (saved.items, saved.created, saved.changes) == (report.items, report.created, report.changes)
        # A re-import that changes every task: the preview tells each change, and still writes nothing.
        changed = plan_text(40, task="Việc")
        again, writes = _writes_during(lambda: dry_run(changed, "ke-hoach.txt", now=NOW))
        assert writes == [] and again.updated == 40
        assert db.session.scalar(select(func.count(PlanVersion.id))) == 1
        assert {i.task.split()[0] for i in db.session.scalars(select(ActionItem))} == {"Nhiệm"}


def test_a_preview_tells_its_progress_item_by_item(app, units):
    with app.app_context():
        told: list[tuple[int, int]] = []
        dry_run(plan_text(30), "ke-hoach.txt", now=NOW, progress=lambda done, total: told.append((done, total)))
        assert told[0] == (0, 30) and told[-1] == (30, 30)
        assert [done for done, _ in told] == sorted(done for done, _ in told)


@sqlite_only
@pytest.mark.committed  # a second connection writes to the database file while the preview runs
def test_another_connection_writes_while_a_preview_runs(app, units):
    with app.app_context():
        path = db.engine.url.database
        written: list[int] = []

        def write_now(done: int, _total: int) -> None:
            if done == 10 and not written:
                # No busy wait: with the lock held by the preview this fails at once with "database is locked".
                other = sqlite3.connect(path, timeout=0)
                try:
                    other.execute("UPDATE units SET name = name WHERE id = (SELECT min(id) FROM units)")
                    other.commit()
                    written.append(other.total_changes)
                finally:
                    other.close()

        report = dry_run(plan_text(50), "ke-hoach.txt", now=NOW, progress=write_now)
        assert written == [1] and report.items == 50
        assert db.session.scalar(select(func.count(Plan.id))) == 0


@sqlite_only
def test_flask_plan_import_dry_run_sends_no_write_statement(app, units, runner, tmp_path):
    path = tmp_path / "ke-hoach.txt"
    path.write_bytes(plan_text(20))
    with app.app_context():
        result, writes = _writes_during(lambda: runner.invoke(args=["plan", "import", str(path), "--dry-run"]))
        assert result.exit_code == 0, result.output
        assert "Sẽ nhập (chạy thử, chưa lưu) kế hoạch 20/KH-BVHTTDL: 20 nhiệm vụ" in result.output
        assert writes == []
        assert db.session.scalar(select(func.count(Plan.id))) == 0
