"""Backup and restore: one portable archive of every table and every evidence file, made on SQLite or
PostgreSQL and restored on either (a ministry moving from the one-machine SQLite set-up to PostgreSQL).

The archive is a .zip holding
- manifest.json: the format and its version, the database's Alembic revision, when it was made, and for
  each table (in foreign-key order) its columns, its row count and the SHA-256 of its file; for each
  evidence file its size and SHA-256;
- tables/<table>.jsonl: one JSON array per row, the values in the manifest's column order, encoded by the
  column's type (dates and datetimes as ISO 8601 — datetimes in UTC —, decimals as strings, JSON as JSON);
- uploads/<stored name>: the evidence files of the upload folder that the evidence_files rows name.

Both directions stream: rows are read in chunks from a server-side cursor (yield_per) and written line by
line; a restore inserts a few thousand rows at a time. Nothing ever holds a whole table in memory.

A backup reads one consistent snapshot (PostgreSQL: a REPEATABLE READ, read-only transaction; SQLite: one
read transaction) and is written to a temporary file renamed into place at the end. A restore checks the
whole archive first (checksums, names, revision), then replaces the data in one transaction (any error
leaves the database as it was), then puts the evidence files into the upload folder."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import tempfile
import uuid
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any

from flask import current_app
from sqlalchemy import (
    JSON,
    Boolean,
    Connection,
    Date,
    DateTime,
    Engine,
    Float,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Table,
    Time,
    Uuid,
    func,
    inspect,
    select,
    text,
)
from sqlalchemy.exc import DBAPIError
from sqlalchemy.schema import sort_tables_and_constraints

from .extensions import db
from .formatting import describe_size as describe_size  # noqa: PLC0414 (re-exported: the CLI imports it from here)
from .formatting import format_count
from .models.changes import DataStamp, stamp_statement
from .models.types import UTCDateTime

FORMAT = "plan-tracker-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
CHUNK_ROWS = 5000
# Evidence files are stored under a random hex name; anything else in an archive is refused.
_STORED_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,127}")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_UNCHANGED = "Không có dữ liệu nào bị thay đổi."


class BackupError(Exception):
    """A backup or restore that cannot be done; the message (Vietnamese) says why and what to do."""


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    revision: str
    tables: int
    rows: int
    files: int
    size: int
    missing_files: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class RestoreSummary:
    revision: str
    created_at: str
    tables: int
    rows: int
    files: int
    replaced_rows: int
    missing_files: list[str] = field(default_factory=list)


# --- Values: one encoder and one decoder per column type ------------------------------------------------


def _utc_iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat()


def _utc_datetime(value: Any) -> datetime:
    # Written without its zone, the column type takes it as UTC (as the app stores it).
    return datetime.fromisoformat(_typed(str, "ngày giờ ISO")(value))


def _typed(kind: type | tuple[type, ...], name: str) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise ValueError(f"cần {name}")
        return value

    return check


def _decimal(value: Any) -> Decimal:
    if not isinstance(value, str):
        raise ValueError("cần một số thập phân viết dạng chuỗi")
    return Decimal(value)


def _codec(table: Table, column_name: str) -> tuple[Callable[[Any], Any] | None, Callable[[Any], Any]]:
    """(encoder or None when the value is JSON as it is, decoder that also checks the type) for a column."""
    kind = table.c[column_name].type
    if isinstance(kind, JSON):
        return None, lambda v: v
    if isinstance(kind, Boolean):
        return None, _typed(bool, "true/false")
    if isinstance(kind, UTCDateTime):
        return _utc_iso, _utc_datetime
    if isinstance(kind, DateTime) and not kind.timezone:  # an instant is a UTCDateTime: a zone here is refused
        return (lambda v: v.isoformat()), lambda v: datetime.fromisoformat(_typed(str, "ngày giờ ISO")(v))
    if isinstance(kind, Date):
        return (lambda v: v.isoformat()), lambda v: date.fromisoformat(_typed(str, "ngày ISO")(v))
    if isinstance(kind, Time):
        return (lambda v: v.isoformat()), lambda v: time.fromisoformat(_typed(str, "giờ ISO")(v))
    if isinstance(kind, Float) and not kind.asdecimal:
        return None, _typed((int, float), "một số")
    if isinstance(kind, Numeric):
        return (lambda v: str(v if isinstance(v, Decimal) else Decimal(repr(v)))), _decimal
    if isinstance(kind, Integer):
        return None, _typed(int, "một số nguyên")
    if isinstance(kind, String):
        return None, _typed(str, "một chuỗi")
    if isinstance(kind, LargeBinary):
        return (lambda v: base64.b64encode(v).decode("ascii")), lambda v: base64.b64decode(_typed(str, "base64")(v))
    if isinstance(kind, Uuid):
        return (str), lambda v: uuid.UUID(_typed(str, "UUID")(v)) if kind.as_uuid else str(v)
    raise BackupError(f"Cột {table.name}.{column_name} có kiểu {kind!r} mà bản sao lưu chưa hỗ trợ.")


class _RowCodec:
    """A table's rows as JSON lines and back, in the given column order."""

    def __init__(self, table: Table, columns: list[str]):
        self.table = table
        self.columns = columns
        self.keys = [table.c[name].key for name in columns]
        codecs = [_codec(table, name) for name in columns]
        self._encoders = [(i, enc) for i, (enc, _dec) in enumerate(codecs) if enc is not None]
        self._decoders = [dec for _enc, dec in codecs]

    def dumps(self, row: Any) -> str:
        values = list(row)
        for i, encode in self._encoders:
            if values[i] is not None:
                values[i] = encode(values[i])
        return json.dumps(values, ensure_ascii=False, separators=(",", ":"))

    def loads(self, line: bytes) -> dict[str, Any]:
        """One line back as {column key: value}; ValueError says what is wrong (the caller adds where)."""
        try:
            values = json.loads(line)
        except ValueError as exc:
            raise ValueError(f"không đọc được JSON ({exc})") from None
        if not isinstance(values, list) or len(values) != len(self.columns):
            raise ValueError(f"cần một mảng JSON gồm {len(self.columns)} giá trị")
        row = {}
        for key, name, decode, value in zip(self.keys, self.columns, self._decoders, values):
            if value is not None:
                try:
                    value = decode(value)
                except (ValueError, TypeError, InvalidOperation, ArithmeticError) as exc:
                    raise ValueError(f"cột {name}: giá trị {value!r} không hợp lệ ({exc or 'sai định dạng'})") from None
            row[key] = value
        return row


# --- The database side --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Site:
    """What a backup reads and a restore writes: the app's database, its tables, its upload folder."""

    engine: Engine
    metadata: MetaData
    upload_dir: Path
    migrations_dir: Path

    @classmethod
    def of_current_app(cls) -> _Site:
        return cls(
            engine=db.engine,
            metadata=db.metadata,
            upload_dir=Path(current_app.config["UPLOAD_DIR"]),
            migrations_dir=Path(current_app.extensions["migrate"].directory),
        )

    def tables(self) -> list[Table]:
        """Every table but the data's stamp, which stands for no data (a restore draws a new one)."""
        return [table for table in ordered_tables(self.metadata) if table.name != DataStamp.__tablename__]


def ordered_tables(metadata: MetaData) -> list[Table]:
    """Every table, parents before children (metadata.sorted_tables), after checking that the foreign keys
    have no cycle: rows inserted table by table in this order never point at a row not inserted yet."""
    cyclic = [fk for table, fks in sort_tables_and_constraints(metadata.tables.values()) if table is None for fk in fks]
    self_referencing = [
        fk for table in metadata.tables.values() for fk in table.foreign_key_constraints if fk.referred_table is table
    ]
    if cyclic or self_referencing:
        names = ", ".join(sorted({f"{fk.table.name} → {fk.referred_table.name}" for fk in cyclic + self_referencing}))
        # Such rows would need inserting with the key empty and filling it in afterwards; no table needs it yet.
        raise BackupError(f"Khóa ngoại tạo thành vòng ({names}): cần bổ sung cách sao lưu/phục hồi cho các bảng này.")
    return list(metadata.sorted_tables)


def _revision(connection: Connection) -> str | None:
    if not inspect(connection).has_table("alembic_version"):
        return None
    revisions = sorted(connection.execute(text("SELECT version_num FROM alembic_version")).scalars())
    return ",".join(revisions) or None


def _app_head(migrations_dir: Path) -> str:
    from alembic.script import ScriptDirectory

    return ",".join(sorted(ScriptDirectory(str(migrations_dir)).get_heads()))


def _revision_is_known(migrations_dir: Path, revision: str) -> bool:
    """Whether this version of the app has the migration (an older one of its own, or its head)."""
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    script = ScriptDirectory(str(migrations_dir))
    known = {r.revision for r in script.walk_revisions()}
    try:
        return bool(revision) and all(script.get_revision(r).revision in known for r in revision.split(","))
    except CommandError:  # unknown or ambiguous
        return False


def _require_current_schema(connection: Connection, site: _Site) -> str:
    """The database's revision, after checking it is the one this version of the app works with."""
    current = _revision(connection)
    head = _app_head(site.migrations_dir)
    if current is None:
        raise BackupError(
            "Cơ sở dữ liệu chưa được khởi tạo (không có bảng alembic_version). "
            "Hãy chạy “flask --app wsgi db upgrade” trước."
        )
    if current != head:
        raise BackupError(
            f"Cơ sở dữ liệu đang ở phiên bản {current}, còn phiên bản ứng dụng này cần {head}. "
            "Hãy chạy “flask --app wsgi db upgrade” (hoặc dùng phiên bản ứng dụng khớp với cơ sở "
            "dữ liệu)."
        )
    return current


@contextmanager
def _read_snapshot(engine: Engine) -> Iterator[Connection]:
    """One connection seeing one consistent state of the whole database, read-only."""
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            connection.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
            with connection.begin():
                yield connection
        elif engine.dialect.name == "sqlite":
            # The sqlite3 module opens no transaction for a SELECT: open one ourselves, so every table is
            # read from the same snapshot (with the write-ahead log, writers carry on meanwhile).
            connection.execution_options(isolation_level="AUTOCOMMIT")
            connection.exec_driver_sql("BEGIN")
            try:
                yield connection
            finally:
                connection.exec_driver_sql("ROLLBACK")
        else:
            raise BackupError(f"Chưa hỗ trợ sao lưu cơ sở dữ liệu {engine.dialect.name}.")


@contextmanager
def _write_transaction(engine: Engine, tables: list[Table]) -> Iterator[Connection]:
    """One transaction holding the whole database for itself: committed at the end, rolled back on any error."""
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            with connection.begin():
                # Fail with a message instead of waiting forever behind the running app's open transactions.
                connection.exec_driver_sql("SET LOCAL lock_timeout = '15s'")
                names = ", ".join(connection.dialect.identifier_preparer.format_table(t) for t in tables)
                try:
                    connection.exec_driver_sql(f"LOCK TABLE {names} IN ACCESS EXCLUSIVE MODE")
                except DBAPIError:
                    raise _busy() from None
                yield connection
        elif engine.dialect.name == "sqlite":
            connection.execution_options(isolation_level="AUTOCOMMIT")
            try:
                connection.exec_driver_sql("BEGIN IMMEDIATE")  # the write lock now, not at the first insert
            except DBAPIError:
                raise _busy() from None
            try:
                yield connection
            except BaseException:
                connection.exec_driver_sql("ROLLBACK")
                raise
            connection.exec_driver_sql("COMMIT")
        else:
            raise BackupError(f"Chưa hỗ trợ phục hồi vào cơ sở dữ liệu {engine.dialect.name}.")


def _busy() -> BackupError:
    return BackupError(
        "Cơ sở dữ liệu đang được dùng (máy chủ web hoặc bộ lập lịch đang chạy): hãy dừng chúng "
        f"rồi chạy lại lệnh phục hồi. {_UNCHANGED}"
    )


def _reset_sequences(connection: Connection, tables: list[Table]) -> None:
    """PostgreSQL: move each id sequence past the largest id restored, so new rows get new ids."""
    preparer = connection.dialect.identifier_preparer
    for table in tables:
        for column in table.primary_key.columns:
            if not isinstance(column.type, Integer):
                continue
            quoted = preparer.format_table(table)
            sequence = connection.execute(
                text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": quoted, "c": column.name}
            ).scalar()
            if sequence is None:
                continue
            largest = connection.execute(select(func.max(column))).scalar()
            # The largest id the sequence has handed out (0: none). It is never moved back below it: a sequence
            # is not rolled back with the restore's transaction, so a restore that fails would otherwise leave
            # it below the rows the database keeps, and their ids would be handed out again.
            handed = connection.execute(
                text(f"SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM {sequence}")
            ).scalar()
            target = max(largest or 0, handed or 0)
            # Nothing restored and nothing handed out: the next id is 1; otherwise the larger of the two plus one.
            connection.execute(
                text("SELECT setval(CAST(:s AS regclass), :v, :called)"),
                {"s": sequence, "v": target or 1, "called": target > 0},
            )


# --- Backup -------------------------------------------------------------------------------------------


def _table_member(name: str) -> str:
    return f"tables/{name}.jsonl"


def _upload_member(name: str) -> str:
    return f"uploads/{name}"


def _member(name: str) -> zipfile.ZipInfo:
    """A compressed archive member stamped with the current time (a bare name would say 1980)."""
    info = zipfile.ZipInfo(name, date_time=datetime.now().timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o600 << 16
    return info


def _dump_table(connection: Connection, table: Table, archive: zipfile.ZipFile) -> dict[str, Any]:
    columns = [column.name for column in table.columns]
    codec = _RowCodec(table, columns)
    statement = select(*table.columns).order_by(*table.primary_key.columns).execution_options(yield_per=CHUNK_ROWS)
    digest = hashlib.sha256()
    rows = 0
    with archive.open(_member(_table_member(table.name)), "w", force_zip64=True) as out:
        for chunk in connection.execute(statement).partitions():
            data = "".join([codec.dumps(row) + "\n" for row in chunk]).encode("utf-8")
            digest.update(data)
            out.write(data)
            rows += len(chunk)
    return {
        "name": table.name,
        "file": _table_member(table.name),
        "columns": columns,
        "rows": rows,
        "sha256": digest.hexdigest(),
    }


def _copy_hashing(source: IO[bytes], target: IO[bytes]) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    while block := source.read(1 << 20):
        digest.update(block)
        target.write(block)
        size += len(block)
    return size, digest.hexdigest()


def create_backup(destination: Path) -> BackupSummary:
    """Write the current app's database and evidence files to destination (replaced only once complete)."""
    site = _Site.of_current_app()
    tables = site.tables()
    destination = Path(destination).absolute()
    if destination.is_dir():
        raise BackupError(f"{destination} là một thư mục; hãy cho tên tệp sao lưu (vd. sao-luu.zip).")
    if not destination.parent.is_dir():
        raise BackupError(f"Không có thư mục {destination.parent}.")
    try:
        # Created 0600: the archive holds password hashes and session secrets.
        handle, temporary = tempfile.mkstemp(dir=destination.parent, prefix=f".{destination.name}.", suffix=".tmp")
    except OSError as exc:
        raise BackupError(f"Không tạo được tệp trong thư mục {destination.parent}: {exc}.") from None
    try:
        with os.fdopen(handle, "wb") as raw:
            with zipfile.ZipFile(raw, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
                manifest = _write_archive(site, tables, archive)
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(temporary, destination)
    except BaseException as exc:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise BackupError(
                f"Không tạo được tệp sao lưu {destination}: {exc}. Tệp cũ (nếu có) vẫn giữ nguyên."
            ) from None
        raise
    _fsync_directory(destination.parent)
    return BackupSummary(
        path=destination,
        revision=manifest["alembic_revision"],
        tables=len(manifest["tables"]),
        rows=sum(table["rows"] for table in manifest["tables"]),
        files=len(manifest["uploads"]),
        size=destination.stat().st_size,
        missing_files=manifest["missing_uploads"],
    )


def _write_archive(site: _Site, tables: list[Table], archive: zipfile.ZipFile) -> dict[str, Any]:
    created_at = datetime.now(UTC).replace(microsecond=0).isoformat()
    with _read_snapshot(site.engine) as connection:
        revision = _require_current_schema(connection, site)
        entries = [_dump_table(connection, table, archive) for table in tables]
        evidence = site.metadata.tables["evidence_files"]
        stored_names = list(connection.execute(select(evidence.c.stored_name).order_by(evidence.c.id)).scalars())
    # Evidence files are written before their row is committed and never changed: every row read in the
    # snapshot has its file already.
    uploads, missing = [], []
    for name in stored_names:
        path = site.upload_dir / name
        if not _STORED_NAME.fullmatch(name) or not path.is_file():
            missing.append(name)
            continue
        with path.open("rb") as source, archive.open(_member(_upload_member(name)), "w", force_zip64=True) as out:
            size, sha256 = _copy_hashing(source, out)
        uploads.append({"name": name, "file": _upload_member(name), "size": size, "sha256": sha256})
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "alembic_revision": revision,
        "created_at": created_at,
        "source_database": site.engine.dialect.name,
        "tables": entries,
        "uploads": uploads,
        "missing_uploads": missing,
    }
    archive.writestr(_member(MANIFEST), json.dumps(manifest, ensure_ascii=False, indent=1))
    return manifest


def _fsync_directory(path: Path) -> None:
    try:
        descriptor = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


# --- Restore ------------------------------------------------------------------------------------------


def _damaged(what: str) -> BackupError:
    return BackupError(f"Tệp sao lưu bị hỏng: {what}. {_UNCHANGED}")


def _read_manifest(archive: zipfile.ZipFile, tables: list[Table]) -> dict[str, Any]:
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except KeyError:
        raise BackupError(f"Đây không phải tệp sao lưu của Plan Tracker (không có {MANIFEST}). {_UNCHANGED}") from None
    except (ValueError, zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise _damaged(f"không đọc được {MANIFEST} ({exc})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(
            f"Đây không phải tệp sao lưu của Plan Tracker ({MANIFEST} không đúng định dạng). {_UNCHANGED}"
        )
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"Tệp sao lưu dùng định dạng phiên bản {manifest.get('format_version')!r}, ứng dụng "
            f"này đọc được phiên bản {FORMAT_VERSION}: hãy dùng phiên bản ứng dụng đã tạo ra nó. "
            f"{_UNCHANGED}"
        )
    try:
        revision = manifest["alembic_revision"]
        entries = manifest["tables"]
        uploads = manifest["uploads"]
        if not isinstance(revision, str) or not isinstance(manifest.get("created_at", ""), str):
            raise TypeError
        by_name = {entry["name"]: entry for entry in entries}
        for entry in entries:
            if (
                not isinstance(entry["rows"], int)
                or not isinstance(entry["columns"], list)
                or not _SHA256.fullmatch(str(entry["sha256"]))
            ):
                raise TypeError
        for entry in uploads:
            if not isinstance(entry["name"], str) or not _SHA256.fullmatch(str(entry["sha256"])):
                raise TypeError
        if not all(isinstance(name, str) for name in manifest.get("missing_uploads", [])):
            raise TypeError
    except (KeyError, TypeError):
        raise _damaged(f"{MANIFEST} thiếu thông tin hoặc sai kiểu dữ liệu") from None
    expected = {table.name for table in tables}
    if set(by_name) != expected or len(by_name) != len(entries):
        extra, lacking = sorted(map(str, set(by_name) - expected)), sorted(expected - set(by_name))
        raise BackupError(
            f"Danh sách bảng trong tệp sao lưu không khớp với cơ sở dữ liệu (thừa: "
            f"{', '.join(extra) or '—'}; thiếu: {', '.join(lacking) or '—'}). {_UNCHANGED}"
        )
    for table in tables:
        columns = by_name[table.name]["columns"]
        if (
            not all(isinstance(c, str) for c in columns)
            or len(set(columns)) != len(columns)
            or set(columns) != {c.name for c in table.columns}
        ):
            raise BackupError(
                f"Các cột của bảng {table.name} trong tệp sao lưu không khớp với cơ sở dữ liệu. {_UNCHANGED}"
            )
    for entry in uploads:
        # Never trust a name from an archive as a path: one plain file name, or the restore is refused.
        if not _STORED_NAME.fullmatch(entry["name"]):
            raise BackupError(
                f"Tệp sao lưu chứa tên tệp minh chứng không hợp lệ “{entry['name']}” "
                f"(có thể nhằm ghi ra ngoài thư mục tải lên). {_UNCHANGED}"
            )
    names = [entry["name"] for entry in uploads]
    if len(set(names)) != len(names):
        raise _damaged("manifest.json liệt kê một tệp minh chứng hai lần")
    return manifest


def _check_revision(manifest: dict[str, Any], current: str | None, site: _Site) -> None:
    wanted = manifest["alembic_revision"]
    if current is None:
        raise BackupError(
            "Cơ sở dữ liệu đích chưa được khởi tạo (không có bảng alembic_version). "
            f"Hãy chạy “flask --app wsgi db upgrade” trước. {_UNCHANGED}"
        )
    if wanted == current:
        return
    head = _app_head(site.migrations_dir)
    if not _revision_is_known(site.migrations_dir, wanted):
        advice = (
            "tệp sao lưu được tạo bởi một phiên bản ứng dụng mới hơn (hoặc khác): hãy cập nhật ứng dụng, "
            "chạy “flask --app wsgi db upgrade”, rồi phục hồi lại"
        )
    elif current != head:
        advice = "hãy chạy “flask --app wsgi db upgrade” để đưa cơ sở dữ liệu lên phiên bản của ứng dụng" + (
            ", rồi phục hồi lại" if wanted == head else ""
        )
    else:
        advice = (
            "tệp sao lưu được tạo bởi một phiên bản ứng dụng cũ hơn: hãy dùng đúng phiên bản ứng dụng đó để "
            "phục hồi vào một cơ sở dữ liệu trống, rồi cập nhật ứng dụng và chạy “flask --app wsgi db upgrade”"
        )
    raise BackupError(
        f"Phiên bản cơ sở dữ liệu không khớp: tệp sao lưu ở phiên bản {wanted}, cơ sở dữ liệu đích ở "
        f"phiên bản {current}. {advice[0].upper() + advice[1:]}. {_UNCHANGED}"
    )


def _verify_member(archive: zipfile.ZipFile, member: str, sha256: str) -> None:
    digest = hashlib.sha256()
    try:
        with archive.open(member) as source:
            while block := source.read(1 << 20):
                digest.update(block)
    except KeyError:
        raise _damaged(f"thiếu tệp {member}") from None
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise _damaged(f"không đọc được {member} ({exc})") from None
    if digest.hexdigest() != sha256:
        raise _damaged(f"{member} không khớp mã kiểm tra SHA-256 ghi trong {MANIFEST}")


def _load_table(connection: Connection, archive: zipfile.ZipFile, table: Table, entry: dict[str, Any]) -> int:
    member = _table_member(table.name)
    codec = _RowCodec(table, entry["columns"])
    insert = table.insert()
    rows = 0
    chunk: list[dict[str, Any]] = []
    first_line = 1

    def flush() -> None:
        try:
            connection.execute(insert, chunk)
        except DBAPIError as exc:
            detail = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            raise BackupError(
                f"Không ghi được bảng {table.name} ({member}, dòng {first_line}–{rows}): {detail}. {_UNCHANGED}"
            ) from None

    with archive.open(member) as source:
        for number, line in enumerate(source, start=1):
            try:
                chunk.append(codec.loads(line))
            except ValueError as exc:
                raise _damaged(f"{member}, dòng {number}: {exc}") from None
            rows = number
            if len(chunk) >= CHUNK_ROWS:
                flush()
                chunk, first_line = [], number + 1
    if chunk:
        flush()
    if rows != entry["rows"]:
        raise _damaged(f"{member} có {rows} dòng, {MANIFEST} ghi {entry['rows']}")
    return rows


def _upload_path(upload_dir: Path, name: str) -> Path:
    root = upload_dir.resolve()
    path = (root / name).resolve()
    if path.parent != root:
        raise BackupError(f"Tên tệp minh chứng “{name}” trỏ ra ngoài thư mục tải lên.")
    return path


def _restore_uploads(archive: zipfile.ZipFile, uploads: list[dict[str, Any]], upload_dir: Path) -> None:
    upload_dir.mkdir(parents=True, exist_ok=True)
    for entry in uploads:
        target = _upload_path(upload_dir, entry["name"])
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".restore-", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out, archive.open(_upload_member(entry["name"])) as source:
                _size, sha256 = _copy_hashing(source, out)
            if sha256 != entry["sha256"]:
                raise BackupError(f"Tệp minh chứng {entry['name']} không khớp mã kiểm tra SHA-256 trong {MANIFEST}.")
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


def restore_backup(source: Path, *, force: bool = False) -> RestoreSummary:
    """Replace the current app's data by the archive's, or refuse and change nothing."""
    site = _Site.of_current_app()
    tables = site.tables()
    try:
        archive = zipfile.ZipFile(source)
    except FileNotFoundError:
        raise BackupError(f"Không có tệp {source}.") from None
    except (zipfile.BadZipFile, OSError) as exc:
        raise BackupError(
            f"Tệp sao lưu {Path(source).name} bị hỏng hoặc không phải tệp sao lưu của Plan Tracker "
            f"({exc}). {_UNCHANGED}"
        ) from None
    with archive:
        manifest = _read_manifest(archive, tables)
        with site.engine.connect() as connection:
            _check_revision(manifest, _revision(connection), site)
            _require_current_schema(connection, site)
        # Every byte checked before the database is touched.
        for entry in manifest["tables"]:
            _verify_member(archive, _table_member(entry["name"]), entry["sha256"])
        for entry in manifest["uploads"]:
            _verify_member(archive, _upload_member(entry["name"]), entry["sha256"])
            _upload_path(site.upload_dir, entry["name"])
        entries = {entry["name"]: entry for entry in manifest["tables"]}
        rows = 0
        try:
            with _write_transaction(site.engine, tables) as connection:
                # Checked again inside the transaction: nobody changes the schema behind our back.
                _check_revision(manifest, _revision(connection), site)
                counts = {t.name: connection.execute(select(func.count()).select_from(t)).scalar() for t in tables}
                present = {name: count for name, count in counts.items() if count}
                if present and not force:
                    listed = ", ".join(f"{name} ({count})" for name, count in present.items())
                    raise BackupError(
                        f"Cơ sở dữ liệu đích đã có dữ liệu: {format_count(sum(present.values()))} "
                        f"dòng (bảng {listed}). Phục hồi sẽ xóa và thay thế toàn bộ dữ liệu này; nếu "
                        f"chắc chắn, hãy chạy lại với --force. {_UNCHANGED}"
                    )
                if present:
                    _empty(connection, tables)
                for table in tables:
                    rows += _load_table(connection, archive, table, entries[table.name])
                # Pages kept before the restore showed other data (tracker/page_cache.py).
                connection.execute(stamp_statement())
                if site.engine.dialect.name == "postgresql":
                    _reset_sequences(connection, tables)
        except DBAPIError as exc:
            detail = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            raise BackupError(f"Không phục hồi được: {detail}. {_UNCHANGED}") from None
        except (zipfile.BadZipFile, zlib.error, EOFError) as exc:  # the file changed since it was checked
            raise _damaged(f"không đọc được ({exc})") from None
        # The data is committed; the files it names come next (checked again as they are written).
        try:
            _restore_uploads(archive, manifest["uploads"], site.upload_dir)
        except (BackupError, OSError, zipfile.BadZipFile, zlib.error) as exc:
            raise BackupError(
                f"Đã phục hồi dữ liệu nhưng chưa chép lại được các tệp minh chứng vào "
                f"{site.upload_dir}: {exc}. Hãy khắc phục rồi chạy lại lệnh với --force."
            ) from None
    return RestoreSummary(
        revision=manifest["alembic_revision"],
        created_at=manifest.get("created_at", ""),
        tables=len(tables),
        rows=rows,
        files=len(manifest["uploads"]),
        replaced_rows=sum(present.values()),
        missing_files=list(manifest.get("missing_uploads", [])),
    )


def _empty(connection: Connection, tables: list[Table]) -> None:
    if connection.dialect.name == "postgresql":
        names = ", ".join(connection.dialect.identifier_preparer.format_table(t) for t in tables)
        connection.exec_driver_sql(f"TRUNCATE {names}")
    else:
        for table in reversed(tables):
            connection.execute(table.delete())
