"""Pages rendered once and served again until the data changes.

A page a person opens every day (the unit's page, the overdue list, an item, the plan, the API's lists) is
the same for the same person, address, language and day until somebody changes the data. Each process keeps
the pages it rendered, keyed by all of these and by the data's stamp (tracker.models.changes): a number that
every transaction changing data draws anew just before it commits, in the same transaction. Whoever reads
the new stamp therefore reads the change too, in every process, on SQLite and PostgreSQL alike; a page
rendered before the change is never served after it.

What a kept page does not repeat is the person's own: the CSRF token in its forms is written anew for each
answer, and a page with messages waiting to be shown (flash) is always rendered. Bookkeeping writes that no
kept page shows (a sign-in and its last-seen time, a token's last use, sign-in attempts, password reset
requests, a user's last sign-in time) do not change the stamp; nor does a write outside the sessions (the
app has one: a restore, which draws a new stamp itself). Entries also expire after PAGE_CACHE_SECONDS, and
the cache holds at most PAGE_CACHE_MB of pages per process (the least recently served go first);
PAGE_CACHE_MB=0 turns it off.

Some answers are the same for everyone, whatever page or filter asks: the whole directory's overdue count on the
overdue list, whoever looks and however the list is filtered, the list's filter choices, and a plan's indicators
and targets on the page of every unit in the plan. `kept_per_stamp`
keeps such a function's answer under the same stamp (and arguments, which include the day when it matters),
shared by every request of the process; a first view of a new address then does not work it out again. It is
kept beside the pages, expires and is turned off with them.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, Response, current_app, g, request, session
from flask.globals import request_ctx
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import Delete, Insert, Update, event, insert, inspect
from sqlalchemy.orm import ORMExecuteState, Session
from sqlalchemy.sql.elements import TextClause

from .clock import today
from .extensions import db
from .models import DataStamp
from .models.changes import STAMP_ID, new_stamp, stamp_query, stamp_statement

# Tables written for bookkeeping only: no kept page shows them, and they are written while people just read
# or sign in.
BOOKKEEPING = frozenset(
    {"sign_ins", "api_tokens", "login_attempts", "password_reset_requests", "password_reset_tokens"}
)
# Columns of other tables written the same way: a row changed in these alone changes no kept page.
BOOKKEEPING_COLUMNS = {"users": frozenset({"last_login_at"})}
_CHANGED = "tracker_data_changed"
# What a kept answer keeps of the view's headers: none of those the server writes for each answer.
_NOT_KEPT = frozenset({"content-length", "set-cookie", "date"})
# Answers of kept_per_stamp functions per process: a few functions, a few days and stamps, and a plan's KPI frame
# (a few kilobytes) for each plan whose units' pages are being read (a national plan set has about a hundred).
ANSWERS_KEPT = 256
_R = TypeVar("_R")


# --- the stamp -------------------------------------------------------------------------------------------------


def current_stamp() -> int | None:
    """The data's stamp as this request's transaction sees it (None before the first migration wrote it)."""
    return db.session.scalar(stamp_query())


def _table_of(entity: object) -> str | None:
    table = getattr(entity, "__table__", None)
    return getattr(table, "name", None)


def _changes_data(entity: object, *, updated: bool) -> bool:
    table = _table_of(entity)
    if table in BOOKKEEPING:
        return False
    if not updated or table not in BOOKKEEPING_COLUMNS:
        return True
    changed = {attribute.key for attribute in inspect(entity).attrs if attribute.history.has_changes()}
    return bool(changed - BOOKKEEPING_COLUMNS[table])


def _note_flush(session: Session, _context: Any) -> None:
    if session.info.get(_CHANGED):
        return
    written = [(entity, False) for entity in (*session.new, *session.deleted)]
    written += [(entity, True) for entity in session.dirty]
    if any(_changes_data(entity, updated=updated) for entity, updated in written):
        session.info[_CHANGED] = True


def _note_statement(state: ORMExecuteState) -> None:
    statement = state.statement
    if isinstance(statement, Insert | Update | Delete):
        name = getattr(statement.table, "name", None)
        if name != DataStamp.__tablename__ and name not in BOOKKEEPING:
            state.session.info[_CHANGED] = True
    elif isinstance(statement, TextClause) and statement.text.lstrip()[:6].upper() in ("INSERT", "UPDATE", "DELETE"):
        state.session.info[_CHANGED] = True


def _stamp_before_commit(session: Session) -> None:
    """Flush what is pending, then, when the transaction changed data, draw the new stamp in it: the last write
    before COMMIT (on PostgreSQL the stamp's row is locked for that instant only)."""
    session.flush()
    if not session.info.pop(_CHANGED, False):
        return
    result: Any = session.execute(stamp_statement())
    if not result.rowcount:  # a database made without the migrations (db.create_all)
        session.execute(insert(DataStamp).values(id=STAMP_ID, stamp=new_stamp()))


def _forget(session: Session, *_args: Any) -> None:
    session.info.pop(_CHANGED, None)


def track_changes() -> None:
    """Listen to every session of the process (once): what it writes, and its commits and rollbacks."""
    if event.contains(Session, "before_commit", _stamp_before_commit):
        return
    event.listen(Session, "after_flush", _note_flush)
    event.listen(Session, "do_orm_execute", _note_statement)
    event.listen(Session, "before_commit", _stamp_before_commit)
    event.listen(Session, "after_rollback", _forget)


# --- the kept pages --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Kept:
    parts: tuple[bytes, ...]  # the body, cut where the CSRF token was
    headers: tuple[tuple[str, str], ...]
    kept_at: float

    @property
    def size(self) -> int:
        return sum(len(part) for part in self.parts) + 200


class PageCache:
    """At most max_bytes of answers, each for at most seconds, the least recently served leaving first."""

    def __init__(self, max_bytes: int, seconds: float) -> None:
        self.max_bytes, self.seconds = max_bytes, seconds
        self._entries: OrderedDict[tuple, Kept] = OrderedDict()
        self._bytes = 0
        self._answers: OrderedDict[tuple, tuple[float, Any]] = OrderedDict()  # kept_per_stamp's
        self._lock = threading.Lock()

    def get(self, key: tuple) -> Kept | None:
        with self._lock:
            kept = self._entries.get(key)
            if kept is None:
                return None
            if time.monotonic() - kept.kept_at > self.seconds:
                self._drop(key)
                return None
            self._entries.move_to_end(key)
            return kept

    def put(self, key: tuple, kept: Kept) -> None:
        if kept.size > self.max_bytes // 4:
            return
        with self._lock:
            if key in self._entries:
                self._drop(key)
            self._entries[key] = kept
            self._bytes += kept.size
            while self._bytes > self.max_bytes:
                self._drop(next(iter(self._entries)))

    def _drop(self, key: tuple) -> None:
        self._bytes -= self._entries.pop(key).size

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0
            self._answers.clear()

    def answer(self, key: tuple, work_out: Callable[[], _R]) -> _R:
        """The answer kept under `key` if it is fresh, else work_out()'s, kept (the ANSWERS_KEPT most recently
        used stay). Two requests may work out the same answer at once; both are right, one is kept."""
        with self._lock:
            found = self._answers.get(key)
            if found is not None and time.monotonic() - found[0] <= self.seconds:
                self._answers.move_to_end(key)
                return found[1]
        worked_out = work_out()
        with self._lock:
            self._answers[key] = (time.monotonic(), worked_out)
            self._answers.move_to_end(key)
            while len(self._answers) > ANSWERS_KEPT:
                self._answers.popitem(last=False)
        return worked_out

    def __len__(self) -> int:
        return len(self._entries)


def init_page_cache(app: Flask) -> None:
    track_changes()
    app.extensions["page_cache"] = PageCache(
        int(app.config["PAGE_CACHE_MB"] * 1024 * 1024), app.config["PAGE_CACHE_SECONDS"]
    )


def _key(stamp: int) -> tuple:
    return (request.endpoint, request.full_path, current_user.id, session.get("lang"), today(), stamp)


def _answer(kept: Kept) -> Response:
    body = generate_csrf().encode().join(kept.parts) if len(kept.parts) > 1 else kept.parts[0]
    response = current_app.response_class(body)
    response.headers.clear()
    response.headers.extend(kept.headers)
    return response


def _keep(response: Response) -> Kept | None:
    if response.status_code != 200 or response.direct_passthrough or response.is_streamed:
        return None
    if "_flashes" in session or request_ctx.flashes:  # the view said something to show once: not to be repeated
        return None
    body = response.get_data()
    token = g.get("csrf_token")
    parts = tuple(body.split(token.encode())) if token else (body,)
    headers = tuple((name, value) for name, value in response.headers.items() if name.lower() not in _NOT_KEPT)
    return Kept(parts=parts, headers=headers, kept_at=time.monotonic())


def _request_stamp() -> int | None:
    """The data's stamp for this request: read with the sign-in or token when there is one, else now."""
    stamp = current_user.data_stamp if current_user.is_authenticated else None
    return stamp if stamp is not None else current_stamp()


def kept_per_stamp(function: Callable[..., _R]) -> Callable[..., _R]:
    """function(*args) worked out once per data stamp and arguments, and shared by every request of the process
    (see the module's docstring). For answers that do not depend on who asks; the arguments must be hashable
    and include what else the answer depends on (the day)."""

    @wraps(function)
    def kept(*args: Any) -> _R:
        if not current_app.config["PAGE_CACHE_MB"]:
            return function(*args)
        stamp = _request_stamp()
        if stamp is None:
            return function(*args)
        cache: PageCache = current_app.extensions["page_cache"]
        return cache.answer((function.__module__, function.__qualname__, stamp, *args), lambda: function(*args))

    return kept


def cached_page(view: Callable[..., Any]) -> Callable[..., Any]:
    """Serve the view's answer kept for this key when there is one; otherwise render it and keep it. Only a
    signed-in GET with no message waiting, and only a whole 200 answer, is kept."""

    @wraps(view)
    def serve(*args: Any, **kwargs: Any) -> Any:
        cache: PageCache = current_app.extensions["page_cache"]
        if (
            not current_app.config["PAGE_CACHE_MB"]
            or request.method != "GET"
            or not current_user.is_authenticated
            or "_flashes" in session
        ):
            return view(*args, **kwargs)
        stamp = _request_stamp()
        if stamp is None:
            return view(*args, **kwargs)
        key = _key(stamp)
        kept = cache.get(key)
        if kept is not None:
            return _answer(kept)
        response = current_app.make_response(view(*args, **kwargs))
        kept = _keep(response)
        if kept is not None:
            cache.put(key, kept)
        return response

    return serve
