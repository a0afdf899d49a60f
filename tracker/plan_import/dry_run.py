"""A dry run of a plan import: what importing the document would do, and nothing written to the database.

The upsert is run as it is (one code path for the preview and the import, so the preview cannot drift from what
the import does), but on SQLite against a private in-memory copy of the database as this session sees it: the
database itself only gets the read that copies it, so its write lock is never taken and other requests write
while the preview runs. On PostgreSQL (where a writer blocks no reader) the upsert runs in a transaction that
is rolled back."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import create_engine
from sqlalchemy.orm import Session
from sqlalchemy.pool import StaticPool

from ..extensions import db
from . import import_document
from .document import PlanNumberMissing
from .upsert import ImportReport, Progress, save_plan

if TYPE_CHECKING:
    from ..models import Plan

# Bytes 18 and 19 of an SQLite file: the write and read format versions, 2 in write-ahead-log mode, which a
# database held in memory cannot use; 1 (rollback journal) there.
_FORMAT_VERSIONS = slice(18, 20)


@contextmanager
def private_copy() -> Iterator[None]:
    """Inside the block, `db.session` works on a copy of the database that nobody else sees, dropped at the end
    (SQLite); elsewhere, on the database in a transaction rolled back at the end."""
    if db.session.get_bind().dialect.name != "sqlite":
        try:
            yield
        finally:
            db.session.rollback()
        return
    # The copy is the database as this session sees it (its own uncommitted rows too): one read.
    source = db.session.connection().connection.driver_connection
    assert isinstance(source, sqlite3.Connection)  # (the dialect is SQLite)
    image = bytearray(source.serialize())
    image[_FORMAT_VERSIONS] = b"\x01\x01"
    copy = sqlite3.connect(":memory:", check_same_thread=False)
    copy.deserialize(bytes(image))
    del image
    engine = create_engine("sqlite://", creator=lambda: copy, poolclass=StaticPool)
    registry = db.session.registry
    previous = registry() if registry.has() else None
    session = Session(bind=engine, autoflush=True, expire_on_commit=False)
    # A plain Session: Flask-SQLAlchemy's picks the app's engine whatever it is bound to.
    registry.set(cast(Any, session))
    try:
        yield
    finally:
        session.close()
        if previous is not None:
            registry.set(previous)
        else:
            registry.clear()
        engine.dispose()
        copy.close()


def dry_run(
    data: bytes,
    filename: str,
    *,
    now: datetime,
    number: str | None = None,
    amends: Plan | None = None,
    decision_number: str = "",
    decision_date: date | None = None,
    note: str = "",
    progress: Progress | None = None,
) -> ImportReport:
    """What importing the document would do, without writing to the database. A document that states no number
    is still read for the preview (report.number_missing); PlanImportError when it cannot be read at all."""
    with private_copy():
        try:
            return import_document(
                data,
                filename,
                now=now,
                number=number,
                amends=amends,
                decision_number=decision_number,
                decision_date=decision_date,
                note=note,
                progress=progress,
            )
        except PlanNumberMissing as missing:
            db.session.rollback()
            doc = missing.document
            doc.number = ""  # the upsert then previews without writing, and says the number is missing
            return save_plan(doc, source_name=filename, now=now, progress=progress)
