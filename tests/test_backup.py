"""Backup and restore (flask --app wsgi backup create / restore): a portable .zip of every table and the
evidence files that comes back row for row on SQLite and PostgreSQL — one made on SQLite restores into
PostgreSQL and back —, and a restore that refuses, changing nothing, a damaged archive, another schema
revision or a database that already holds data (unless --force)."""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
import zipfile
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import Column, ForeignKey, Integer, MetaData, Table, func, insert, select, text

from tracker import create_app
from tracker.accounts import authenticate
from tracker.api_tokens import create_token
from tracker.assignments import change_assignment
from tracker.backup import (
    CHUNK_ROWS,
    BackupError,
    _read_snapshot,
    describe_size,
    format_count,
    ordered_tables,
)
from tracker.calendar_feed import new_calendar_token
from tracker.clock import utcnow
from tracker.extensions import db
from tracker.figures import record_figures
from tracker.jobs import enqueue
from tracker.models import (
    Assignment,
    AssignmentEvent,
    CollectiveMapping,
    EvidenceFile,
    ItemComment,
    ItemEvent,
    PlanTarget,
    PlanVersion,
    Setting,
    TargetMilestone,
    Unit,
    UnitGroup,
    User,
)
from tracker.password_resets import request_reset
from tracker.rules.kpi import Counts, Period
from tracker.rules.lifecycle import Change, Evidence
from tracker.snapshots import take_snapshot

from .conftest import PEOPLE, SEED_PLAN, csrf_token, find_assignment, login, make_user, post_status

pytestmark = pytest.mark.committed  # a backup reads, and a restore writes, on connections of their own

EVIDENCE = b"%PDF-1.7\n% bien ban nghiem thu\n" + bytes(range(256)) * 40
EXAMPLE = Counts(
    procedures_total=12,
    full_online_eligible=6,
    full_online_provided=6,
    partial_online_accepting=6,
    procedures_with_dossiers=10,
    procedures_with_online_dossiers=8,
    dossiers_total=1458,
    dossiers_online=134,
)
EVENTS = "tables/assignment_events.jsonl"


# --- Filling a database the way the app does -----------------------------------------------------------


def seed(app) -> None:
    """What conftest's `seeded` fixture does, for an app of our own: units, the seed plan, PEOPLE."""
    runner = app.test_cli_runner()
    for args in (["units", "load"], ["plan", "import", str(SEED_PLAN)]):
        result = runner.invoke(args=args)
        assert result.exit_code == 0, result.output
    with app.app_context():
        for key, (role, code) in PEOPLE.items():
            make_user(key, role, code)
        db.session.commit()


def fill(app) -> None:
    """A seeded app after some work: an evidence file uploaded through the page, history, a comment, KPI
    reports, a rising target's milestones, the day's reminder emails in the outbox, a setting, an API token,
    a calendar link, a failed sign-in. Every table gets rows, with dates, datetimes, decimals, JSON, booleans
    and empty values."""
    client = app.test_client()
    assert login(client, "head_cda").status_code == 302
    with app.app_context():
        cda = find_assignment("I.2", "CDA")
        cda_id, version = cda.id, cda.version
    response = post_status(
        client,
        cda_id,
        version,
        to_state="done",
        completed_on="2023-09-04",
        evidence=(io.BytesIO(EVIDENCE), "biên bản nghiệm thu.pdf"),
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        vpc, cbqtg = find_assignment("I.1", "VPC"), find_assignment("I.2", "CBQTG")
        head_vpc = db.session.scalar(select(User).where(User.email == "head_vpc@example.org"))
        head_cbqtg = db.session.scalar(select(User).where(User.email == "head_cbqtg@example.org"))
        admin = db.session.scalar(select(User).where(User.email == "admin@example.org"))
        nine = datetime(2023, 9, 10, 2, 0, 0, 123456, tzinfo=UTC)
        change_assignment(
            vpc,
            Change(
                "blocked", difficulty="Chưa có hướng dẫn của Bộ Tư pháp.", proposal="Đề nghị Lãnh đạo Bộ có văn bản."
            ),
            actor=head_vpc,
            expected_version=vpc.version,
            today=date(2023, 9, 10),
            now=nine,
        )
        change_assignment(
            cbqtg,
            Change(
                "done",
                comment="Đã ban hành.",
                evidence=Evidence(
                    document_number="45/QĐ-BQTG",
                    document_date=date(2023, 6, 20),
                    document_title="Quyết định ban hành danh mục “DVCTT” — toàn trình",
                    completed_on=date(2023, 6, 20),
                ),
            ),
            actor=head_cbqtg,
            expected_version=cbqtg.version,
            today=date(2023, 6, 20),
            now=nine - timedelta(days=82),
        )
        db.session.add(
            ItemComment(item_id=vpc.item_id, author_id=admin.id, at=nine, body="Đề nghị khẩn trương.\nCảm ơn.")
        )
        office = db.session.get(Unit, cbqtg.unit_id)
        record_figures(
            office,
            EXAMPLE,
            as_of=date(2023, 5, 15),
            today=date(2023, 9, 15),
            now=nine,
            reporter=head_cbqtg,
            source="form",
        )
        record_figures(
            office,
            Counts(**{**EXAMPLE.__dict__, "dossiers_online": 700}),
            as_of=date(2023, 5, 15),
            today=date(2023, 9, 15),
            now=nine + timedelta(hours=1),
            reporter=None,
            source="cli",
        )
        db.session.add(
            Setting(
                key="backup-test",
                value={
                    "before_days": [7, 3, 1],
                    "send_time": "07:30",
                    "nested": {"none": None, "ratio": 0.5, "yes": True},
                },
                updated_at=utcnow(),
                updated_by_id=admin.id,
            )
        )
        group = db.session.scalar(select(UnitGroup).where(UnitGroup.number == 3))
        target = next(t for t in group.targets if t.indicator.number == 2)
        target.milestones = [
            TargetMilestone(due_on=date(2023, 6, 30), value=Decimal("50")),
            TargetMilestone(due_on=date(2023, 9, 30), value=Decimal("72.5")),
        ]
        create_token(admin, "máy chủ báo cáo", now=utcnow())
        take_snapshot(Period(2023, 8), now=nine)  # issue 17: a month frozen (decimals, JSON, a null band)
        # issue 15: a long import queued for a worker (its parameters as JSON, no result yet)
        enqueue(
            "plan_preview",
            user=admin,
            token="a" * 32,
            suffix=".docx",
            filename="Kế hoạch.docx",
            params={"number": "", "amending": None},
            now=nine,
        )
        new_calendar_token(db.session.get(Unit, vpc.unit_id))
        # A plan's own KPI target row (read from a target table) and an item's notes (its extra columns).
        db.session.add(
            PlanTarget(
                plan_id=vpc.item.plan_id,
                position=1,
                section="I",
                group_label="I.1",
                ref="1",
                indicator="Tỉ lệ hồ sơ trực tuyến",
                value_text="tối thiểu 40%",
                unit_of_measure="%",
                lead_text="Vụ Pháp chế",
                period="Năm 2023",
                due_on=date(2023, 12, 31),
            )
        )
        vpc.item.notes = {"Kinh phí": "Ngân sách nhà nước", "Ghi chú": ""}
        # A collective an admin mapped, a version of the plan, and an edit of an item in that version.
        db.session.add(
            CollectiveMapping(
                written="Các Cục", folded_name="cac cuc", level="Cục", units=[db.session.get(Unit, cbqtg.unit_id)]
            )
        )
        number = (db.session.scalar(select(func.max(PlanVersion.number))) or 0) + 1  # after the import's version
        version = PlanVersion(
            plan_id=vpc.item.plan_id,
            number=number,
            kind="edit",
            created_at=nine,
            created_by_id=admin.id,
            note="Sửa thời hạn",
            snapshot={"items": []},
        )
        db.session.add(version)
        db.session.add(
            ItemEvent(
                item_id=vpc.item_id,
                version=version,
                actor_id=admin.id,
                at=nine,
                kind="changed",
                changes=[{"field": "deadline", "old": "Tháng 8/2023", "new": "Tháng 10/2023"}],
            )
        )
        # A "Quên mật khẩu?" request: its rate-limit row, a one-time link, and its email in the outbox.
        request_reset("head_vpc@example.org", address="203.0.113.9", now=nine, today=date(2023, 9, 10))
        assert authenticate("viewer@example.org", "sai mật khẩu", address="203.0.113.9", now=utcnow()) is None
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["reminders", "sweep", "--date", "2023-09-05"])
    assert result.exit_code == 0, result.output


def add_events(app, count: int) -> None:
    """Many more history rows (more than a chunk), inserted in bulk."""
    with app.app_context():
        assignment_id = db.session.scalar(select(func.min(Assignment.id)))
        start = datetime(2023, 1, 2, 2, 0, tzinfo=UTC)
        db.session.execute(
            insert(AssignmentEvent),
            [
                {
                    "assignment_id": assignment_id,
                    "actor_id": None,
                    "at": start + timedelta(minutes=n, microseconds=n),
                    "kind": "progress",
                    "from_state": "in_progress",
                    "to_state": "in_progress",
                    "comment": f"Báo cáo tiến độ số {n}",
                    "document_date": date(2023, 1, 1) + timedelta(days=n % 300) if n % 3 else None,
                }
                for n in range(count)
            ],
        )
        db.session.commit()


# --- Looking at a database ---------------------------------------------------------------------------


def _value(value, portable: bool):
    """A value with its type, so True is not 1 and Decimal("5.50") is not Decimal("5.5"). Portable: a
    datetime as the UTC instant it stands for (SQLite hands back the stored UTC time without its zone)."""
    if isinstance(value, datetime) and portable:
        value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return (type(value).__name__, str(value) if isinstance(value, Decimal) else value)


def data_tables() -> list:
    """The tables a backup holds: all but the data's stamp, which a restore draws anew."""
    return [table for table in db.metadata.sorted_tables if table.name != "data_stamp"]


def rows_of(app, portable: bool = False) -> dict[str, list[tuple]]:
    """Every data table's full rows, ordered by primary key."""
    with app.app_context():
        contents = {}
        for table in data_tables():
            rows = db.session.execute(select(table).order_by(*table.primary_key.columns)).all()
            contents[table.name] = [tuple(_value(v, portable) for v in row) for row in rows]
        db.session.commit()
    return contents


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())} if folder.exists() else {}


def empty_everything(app) -> None:
    """As a new database would be: no rows, ids starting again at 1, no uploaded files."""
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            names = ", ".join(t.name for t in db.metadata.sorted_tables)
            db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY"))
        else:
            for table in reversed(db.metadata.sorted_tables):
                db.session.execute(table.delete())
        db.session.commit()
    shutil.rmtree(app.config["UPLOAD_DIR"], ignore_errors=True)


def backup(app, path: Path) -> str:
    result = app.test_cli_runner().invoke(args=["backup", "create", str(path)])
    assert result.exit_code == 0, result.output
    return result.output


def restore(app, path: Path, *flags: str):
    return app.test_cli_runner().invoke(args=["backup", "restore", str(path), *flags])


def manifest_of(path: Path) -> dict:
    with zipfile.ZipFile(path) as archive:
        return json.loads(archive.read("manifest.json"))


def rewritten(
    source: Path, target: Path, *, members: dict[str, bytes] | None = None, manifest=None, fix_checksums: bool = False
) -> Path:
    """A copy of an archive with some members replaced and the manifest changed (by a function); with
    fix_checksums, the manifest's SHA-256s are made to match the new contents (damage a checksum misses)."""
    members = members or {}
    with zipfile.ZipFile(source) as old:
        contents = {name: old.read(name) for name in old.namelist()}
    contents.update(members)
    data = json.loads(contents["manifest.json"])
    if fix_checksums:
        for entry in data["tables"] + data["uploads"]:
            entry["sha256"] = hashlib.sha256(contents[entry["file"]]).hexdigest()
    if manifest:
        manifest(data)
    contents["manifest.json"] = json.dumps(data).encode()
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as new:
        for name, content in contents.items():
            new.writestr(name, content)
    return target


def member(path: Path, name: str) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return archive.read(name)


def evidence_link(app) -> tuple[str, str]:
    with app.app_context():
        record = db.session.scalar(select(EvidenceFile))
        return f"/evidence/{record.id}", record.stored_name


@pytest.fixture
def filled(seeded):
    fill(seeded)
    return seeded


# --- The round trip ----------------------------------------------------------------------------------


def test_round_trip_through_the_cli_brings_back_every_row_and_the_evidence_file(filled, tmp_path, client, login_as):
    add_events(filled, 2 * CHUNK_ROWS + 7)  # several chunks each way
    before = rows_of(filled)
    assert all(before.values()), [name for name, rows in before.items() if not rows]  # every table has rows
    uploads = Path(filled.config["UPLOAD_DIR"])
    files_before = files_of(uploads)
    assert list(files_before.values()) == [EVIDENCE]
    path = tmp_path / "sao-luu.zip"

    output = backup(filled, path)

    total = sum(len(rows) for rows in before.values())
    assert (
        f"Đã sao lưu vào {path}: {len(before)} bảng, {format_count(total)} dòng, 1 tệp minh chứng; "
        f"kích thước {describe_size(path.stat().st_size)}" in output
    )
    empty_everything(filled)
    assert not any(rows_of(filled).values()) and not uploads.exists()

    result = restore(filled, path)

    assert result.exit_code == 0, result.output
    assert f"{len(before)} bảng, {format_count(total)} dòng, 1 tệp minh chứng" in result.output
    assert rows_of(filled) == before
    assert files_of(uploads) == files_before
    # The app works on the restored data: a seeded account signs in, downloads the file, records a change.
    link, _name = evidence_link(filled)
    login_as("head_cda")
    download = client.get(link)
    assert download.status_code == 200 and download.data == EVIDENCE
    assert "attachment" in download.headers["Content-Disposition"]
    download.close()
    client.post("/logout", data={"csrf_token": csrf_token(client, "/account")})
    login_as("head_vpc")
    with filled.app_context():
        vpc = find_assignment("I.1", "VPC")
        vpc_id, version = vpc.id, vpc.version
        largest = db.session.scalar(select(func.max(AssignmentEvent.id)))
    response = post_status(client, vpc_id, version, to_state="in_progress", comment="Đã có hướng dẫn, tiếp tục.")
    assert response.status_code == 302, response.get_data(as_text=True)
    with filled.app_context():
        newest = db.session.scalars(select(AssignmentEvent).order_by(AssignmentEvent.id.desc())).first()
        assert (newest.assignment_id, newest.comment, newest.id) == (vpc_id, "Đã có hướng dẫn, tiếp tục.", largest + 1)
        # Other tables with an id sequence hand out new ids too, never one a restored row has.
        admin_id = db.session.scalar(select(User.id).where(User.email == "admin@example.org"))
        largest = {model: db.session.scalar(select(func.max(model.id))) for model in (Unit, User, ItemComment)}
        unit = Unit(code="MOI", name="Đơn vị mới", folded_name="don vi moi")
        comment = ItemComment(item_id=vpc.item_id, author_id=admin_id, at=utcnow(), body="Mới.")
        db.session.add_all([unit, comment])
        user = make_user("moi", "viewer")
        assert (unit.id, user.id, comment.id) == (largest[Unit] + 1, largest[User] + 1, largest[ItemComment] + 1)
        db.session.rollback()


def test_the_archive_is_a_zip_with_a_manifest_a_file_per_table_and_the_evidence(filled, tmp_path):
    folder = tmp_path / "sao-luu"
    folder.mkdir()
    path = folder / "sao-luu.zip"
    backup(filled, path)
    manifest = manifest_of(path)
    before = rows_of(filled)
    with filled.app_context():
        revision = db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
        tables = [t.name for t in data_tables()]
        stored_name = db.session.scalar(select(EvidenceFile.stored_name))
    assert (manifest["format"], manifest["format_version"]) == ("plan-tracker-backup", 1)
    assert manifest["alembic_revision"] == revision
    created = datetime.fromisoformat(manifest["created_at"])
    assert abs(created - datetime.now(UTC)) < timedelta(minutes=5)
    assert [entry["name"] for entry in manifest["tables"]] == tables  # parents before children
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None
        for entry in manifest["tables"]:
            content = archive.read(entry["file"])
            assert entry["file"] == f"tables/{entry['name']}.jsonl"
            assert hashlib.sha256(content).hexdigest() == entry["sha256"]
            lines = content.decode("utf-8").splitlines()
            assert entry["rows"] == len(lines) == len(before[entry["name"]])
            assert all(isinstance(json.loads(line), list) for line in lines)
        assert manifest["uploads"] == [
            {
                "name": stored_name,
                "file": f"uploads/{stored_name}",
                "size": len(EVIDENCE),
                "sha256": hashlib.sha256(EVIDENCE).hexdigest(),
            }
        ]
        assert archive.read(f"uploads/{stored_name}") == EVIDENCE
        files = {entry["file"] for entry in manifest["tables"]}
        assert set(archive.namelist()) == {"manifest.json", f"uploads/{stored_name}"} | files
    # Values are written by type: readable, and the same whichever database wrote them.
    targets = dict(
        zip(
            next(e for e in manifest["tables"] if e["name"] == "targets")["columns"],
            json.loads(member(path, "tables/targets.jsonl").splitlines()[0]),
        )
    )
    assert re.fullmatch(r"\d+\.\d\d", targets["value_min"])  # a Decimal as written, never a float
    kpi = dict(
        zip(
            next(e for e in manifest["tables"] if e["name"] == "kpi_reports")["columns"],
            json.loads(member(path, "tables/kpi_reports.jsonl").splitlines()[0]),
        )
    )
    assert (kpi["as_of"], kpi["reported_at"], kpi["is_current"]) == (
        "2023-05-15",
        "2023-09-10T02:00:00.123456+00:00",
        False,
    )
    # The archive holds password hashes: only its owner may read it; no temporary file is left behind.
    assert path.stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in folder.iterdir()) == ["sao-luu.zip"]


def test_creating_over_an_existing_backup_replaces_it_whole(filled, tmp_path):
    folder = tmp_path / "sao-luu"
    folder.mkdir()
    path = folder / "sao-luu.zip"
    path.write_bytes(b"an older backup")
    backup(filled, path)
    assert zipfile.is_zipfile(path) and manifest_of(path)["format"] == "plan-tracker-backup"
    assert sorted(p.name for p in folder.iterdir()) == ["sao-luu.zip"]


def test_a_backup_reads_one_snapshot_while_others_write(seeded):
    with seeded.app_context():
        engine = db.engine
        with _read_snapshot(engine) as snapshot:
            before = snapshot.execute(select(func.count()).select_from(Unit)).scalar()
            with engine.begin() as writer:  # another connection commits meanwhile
                writer.execute(
                    insert(Unit).values(code="MOI", name="Đơn vị mới", folded_name="don vi moi", is_active=True)
                )
            assert snapshot.execute(select(func.count()).select_from(Unit)).scalar() == before
        assert db.session.scalar(select(func.count()).select_from(Unit)) == before + 1


# --- Across databases --------------------------------------------------------------------------------


@pytest.fixture
def sqlite_app(tmp_path):
    """A second app on a new SQLite database of its own (the one-machine set-up), migrated to head."""
    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'own.sqlite3'}",
            "SECRET_KEY": "test",
            "TODAY": "2023-09-15",
            "TESTING": True,
            "UPLOAD_DIR": str(tmp_path / "own-uploads"),
            "OUTBOX_DIR": str(tmp_path / "own-outbox"),
        }
    )
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_a_backup_from_a_sqlite_database_restores_into_this_one(sqlite_app, app, tmp_path, client, login_as):
    seed(sqlite_app)
    fill(sqlite_app)
    path = tmp_path / "tu-sqlite.zip"
    backup(sqlite_app, path)
    assert manifest_of(path)["source_database"] == "sqlite"

    result = restore(app, path)

    assert result.exit_code == 0, result.output
    assert rows_of(app, portable=True) == rows_of(sqlite_app, portable=True)
    assert files_of(Path(app.config["UPLOAD_DIR"])) == files_of(Path(sqlite_app.config["UPLOAD_DIR"]))
    # A backup of the restored database has the very same table files: nothing was changed on the way.
    again = tmp_path / "lai.zip"
    backup(app, again)
    assert [(t["name"], t["rows"], t["sha256"]) for t in manifest_of(again)["tables"]] == [
        (t["name"], t["rows"], t["sha256"]) for t in manifest_of(path)["tables"]
    ]
    link, _name = evidence_link(app)
    login_as("head_cda")
    download = client.get(link)
    assert download.status_code == 200 and download.data == EVIDENCE
    download.close()


def test_a_backup_of_this_database_restores_into_a_new_sqlite_database(filled, sqlite_app, tmp_path):
    path = tmp_path / "tu-csdl-thu.zip"
    backup(filled, path)

    result = restore(sqlite_app, path)

    assert result.exit_code == 0, result.output
    assert rows_of(sqlite_app, portable=True) == rows_of(filled, portable=True)
    assert files_of(Path(sqlite_app.config["UPLOAD_DIR"])) == files_of(Path(filled.config["UPLOAD_DIR"]))
    with sqlite_app.app_context():
        user = make_user("moi", "viewer")
        assert user.id == db.session.scalar(select(func.max(User.id)).where(User.email != "moi@example.org")) + 1
        db.session.rollback()


# --- Refusals: nothing changes -----------------------------------------------------------------------


@pytest.fixture
def archive(filled, tmp_path):
    """A backup of the filled database, which then changes and loses its evidence file (so that a restore,
    even of only part of the data or of the files, would be visible)."""
    path = tmp_path / "sao-luu.zip"
    backup(filled, path)
    add_events(filled, 3)
    shutil.rmtree(filled.config["UPLOAD_DIR"])
    return path


def assert_refused(result, app, before, files_before, *messages: str) -> None:
    assert result.exit_code == 1, result.output
    for message in messages:
        assert message in result.stderr, result.stderr
    assert "Không có dữ liệu nào bị thay đổi." in result.stderr
    assert rows_of(app) == before
    assert files_of(Path(app.config["UPLOAD_DIR"])) == files_before


def _stamp(app) -> int | None:
    with app.app_context():
        return db.session.scalar(text("SELECT stamp FROM data_stamp"))


def test_a_database_with_data_is_replaced_only_with_force(filled, archive):
    before, files_before = rows_of(filled), files_of(Path(filled.config["UPLOAD_DIR"]))
    stamp = _stamp(filled)
    result = restore(filled, archive)
    assert_refused(
        result,
        filled,
        before,
        files_before,
        "Cơ sở dữ liệu đích đã có dữ liệu",
        "--force",
        f"assignment_events ({len(before['assignment_events'])})",
    )
    assert _stamp(filled) == stamp  # refused: the pages kept stay good

    result = restore(filled, archive, "--force")

    assert result.exit_code == 0, result.output
    total = sum(len(rows) for rows in before.values())
    assert f"(đã thay thế {format_count(total)} dòng cũ)" in result.output
    after = rows_of(filled)
    assert len(after["assignment_events"]) == len(before["assignment_events"]) - 3  # the later rows are gone
    assert after == {name: rows[:-3] if name == "assignment_events" else rows for name, rows in before.items()}
    assert list(files_of(Path(filled.config["UPLOAD_DIR"])).values()) == [EVIDENCE]  # the file is back
    assert _stamp(filled) not in (stamp, None)  # the pages kept before the restore are not served after it


def _changed_line(path: Path, name: str, line: int, change) -> bytes:
    lines = member(path, name).decode("utf-8").splitlines(keepends=True)
    lines[line - 1] = change(lines[line - 1])
    return "".join(lines).encode("utf-8")


def test_a_changed_table_file_fails_its_checksum(filled, archive, tmp_path):
    before, files_before = rows_of(filled), files_of(Path(filled.config["UPLOAD_DIR"]))
    damaged = rewritten(
        archive,
        tmp_path / "hong.zip",
        members={EVENTS: _changed_line(archive, EVENTS, 1, lambda line: line.replace("2023", "2024", 1))},
    )
    result = restore(filled, damaged, "--force")
    assert_refused(result, filled, before, files_before, "Tệp sao lưu bị hỏng", EVENTS, "SHA-256")


def test_a_changed_evidence_file_fails_its_checksum(filled, archive, tmp_path):
    before, files_before = rows_of(filled), files_of(Path(filled.config["UPLOAD_DIR"]))
    name = manifest_of(archive)["uploads"][0]["file"]
    damaged = rewritten(archive, tmp_path / "hong.zip", members={name: EVIDENCE + b"x"})
    result = restore(filled, damaged, "--force")
    assert_refused(result, filled, before, files_before, "Tệp sao lưu bị hỏng", name, "SHA-256")


def test_a_truncated_archive_is_refused(filled, archive, tmp_path):
    before, files_before = rows_of(filled), files_of(Path(filled.config["UPLOAD_DIR"]))
    damaged = tmp_path / "cut.zip"
    damaged.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    result = restore(filled, damaged, "--force")
    assert_refused(result, filled, before, files_before, "cut.zip bị hỏng")


@pytest.mark.parametrize(
    "line, change, message",
    [
        (2 * CHUNK_ROWS + 3, lambda line: line[:-5] + "\n", "không đọc được JSON"),
        (CHUNK_ROWS + 1, lambda line: line.replace('"2023-', '"2023-13-', 1), "không hợp lệ"),
        (1, lambda line: "[1, 2]\n", "cần một mảng JSON gồm"),
    ],
    ids=["broken-json", "impossible-date", "wrong-width"],
)
def test_bad_lines_are_refused_naming_the_file_and_line_and_nothing_changes(filled, tmp_path, line, change, message):
    # Found only while inserting, after the old data was deleted: the whole transaction is undone.
    add_events(filled, 2 * CHUNK_ROWS + 10)
    path = tmp_path / "sao-luu.zip"
    backup(filled, path)
    add_events(filled, 3)
    shutil.rmtree(filled.config["UPLOAD_DIR"])
    before, files_before = rows_of(filled), files_of(Path(filled.config["UPLOAD_DIR"]))
    damaged = rewritten(
        path, tmp_path / "hong.zip", members={EVENTS: _changed_line(path, EVENTS, line, change)}, fix_checksums=True
    )
    result = restore(filled, damaged, "--force")
    assert_refused(result, filled, before, files_before, f"{EVENTS}, dòng {line}: ", message)


def test_rows_the_database_rejects_undo_the_whole_restore(filled, archive, tmp_path):
    units = member(archive, "tables/units.jsonl")
    first = units.splitlines(keepends=True)[0]
    before, files_before = rows_of(filled), files_of(Path(filled.config["UPLOAD_DIR"]))

    def one_more_row(manifest):
        next(t for t in manifest["tables"] if t["name"] == "units")["rows"] += 1

    damaged = rewritten(
        archive,
        tmp_path / "trung.zip",
        members={"tables/units.jsonl": units + first},
        manifest=one_more_row,
        fix_checksums=True,
    )
    result = restore(filled, damaged, "--force")
    assert_refused(result, filled, before, files_before, "Không ghi được bảng units", "tables/units.jsonl")


@pytest.mark.parametrize("name", ["../../ngoai.pdf", "/tmp/ngoai.pdf", "..", "a/../../b"])
def test_evidence_names_that_leave_the_upload_folder_are_refused(filled, archive, tmp_path, name):
    before, files_before = rows_of(filled), files_of(Path(filled.config["UPLOAD_DIR"]))

    def escape(manifest):
        manifest["uploads"][0].update(name=name, file=f"uploads/{name}")

    damaged = rewritten(archive, tmp_path / "thoat.zip", members={f"uploads/{name}": EVIDENCE}, manifest=escape)
    result = restore(filled, damaged, "--force")
    assert_refused(result, filled, before, files_before, f"tên tệp minh chứng không hợp lệ “{name}”")
    if name.endswith(".pdf"):
        assert not (Path(filled.config["UPLOAD_DIR"]) / name).resolve().exists()


@pytest.mark.parametrize(
    "revision, advice",
    [
        ("0004", "được tạo bởi một phiên bản ứng dụng cũ hơn"),
        ("9999", "phiên bản ứng dụng mới hơn"),
    ],
    ids=["older", "unknown"],
)
def test_a_backup_of_another_schema_revision_is_refused(filled, archive, tmp_path, revision, advice):
    before, files_before = rows_of(filled), files_of(Path(filled.config["UPLOAD_DIR"]))
    other = rewritten(archive, tmp_path / "khac.zip", manifest=lambda m: m.update(alembic_revision=revision))
    with filled.app_context():
        current = db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    result = restore(filled, other, "--force")
    assert_refused(
        result,
        filled,
        before,
        files_before,
        f"tệp sao lưu ở phiên bản {revision}, cơ sở dữ liệu đích ở phiên bản {current}",
        advice,
    )


def test_a_database_behind_the_backup_is_told_to_upgrade_and_stays_as_it_was(app, tmp_path):
    path = tmp_path / "sao-luu.zip"
    backup(app, path)
    kept = tmp_path / "cu.zip"
    shutil.copy(path, kept)
    with app.app_context():
        downgrade(revision="-1")
        behind = db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
        db.session.commit()
    try:
        result = restore(app, path)
        assert result.exit_code == 1
        assert f"cơ sở dữ liệu đích ở phiên bản {behind}" in result.stderr
        assert "“flask --app wsgi db upgrade”" in result.stderr and "Không có dữ liệu nào bị thay đổi." in result.stderr
        # Nor can it be backed up by this version of the app; the existing backup file stays as it was.
        result = app.test_cli_runner().invoke(args=["backup", "create", str(kept)])
        assert result.exit_code == 1 and "flask --app wsgi db upgrade" in result.stderr
        assert kept.read_bytes() == path.read_bytes()
        assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []
        with app.app_context():
            assert db.session.execute(text("SELECT version_num FROM alembic_version")).scalar() == behind
            db.session.commit()
    finally:
        with app.app_context():
            upgrade()


def test_not_a_backup_at_all_is_refused(app, tmp_path):
    plain = tmp_path / "ghi-chu.zip"
    with zipfile.ZipFile(plain, "w") as archive:
        archive.writestr("ghi-chu.txt", "không phải bản sao lưu")
    result = restore(app, plain)
    assert result.exit_code == 1 and "không phải tệp sao lưu của Plan Tracker" in result.stderr
    text_file = tmp_path / "ghi-chu.txt"
    text_file.write_text("không phải zip")
    result = restore(app, text_file)
    assert result.exit_code == 1 and "ghi-chu.txt bị hỏng hoặc không phải tệp sao lưu" in result.stderr


def test_backup_into_a_missing_folder_says_so(app, tmp_path):
    result = app.test_cli_runner().invoke(args=["backup", "create", str(tmp_path / "khong-co" / "sao-luu.zip")])
    assert result.exit_code == 1 and f"Không có thư mục {tmp_path / 'khong-co'}" in result.stderr


# --- Foreign-key order -------------------------------------------------------------------------------


def test_every_table_comes_after_the_tables_it_points_to():
    tables = ordered_tables(db.metadata)
    assert [t.name for t in tables] == [t.name for t in db.metadata.sorted_tables]
    assert {t.name for t in tables} == set(db.metadata.tables)
    position = {table.name: n for n, table in enumerate(tables)}
    for table in tables:
        for fk in table.foreign_keys:
            assert position[fk.column.table.name] < position[table.name], (table.name, fk.target_fullname)


def test_a_foreign_key_cycle_is_named_rather_than_restored_in_a_wrong_order():
    metadata = MetaData()
    Table("a", metadata, Column("id", Integer, primary_key=True), Column("b_id", ForeignKey("b.id")))
    Table("b", metadata, Column("id", Integer, primary_key=True), Column("a_id", ForeignKey("a.id")))
    with pytest.raises(BackupError, match=r"vòng \(a → b, b → a\)"):
        ordered_tables(metadata)


@pytest.mark.parametrize("size, shown", [(532, "532 byte"), (12_700, "12,4 KB"), (3_250_000, "3,1 MB")])
def test_sizes_and_counts_are_written_the_vietnamese_way(size, shown):
    assert describe_size(size) == shown
    assert format_count(1_106_806) == "1.106.806"
