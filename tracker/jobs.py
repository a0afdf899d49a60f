"""Long imports outside the request: a durable queue in the database (tracker.models.jobs.ImportJob).

A request keeps the uploaded file under instance/ and queues a job; a worker (the scheduler process, every few
seconds, or `flask --app wsgi jobs run`) claims it with one conditional UPDATE (queued → running: exactly one
worker gets it, however many race), runs it and keeps its result (the preview's report, the import's counts) or
its error in Vietnamese. While it runs, its progress is written to a small file beside the upload (a job that
writes holds SQLite's write lock, so its progress could not be committed to the database meanwhile); a running
job whose progress has not moved for STALE (its worker died) is queued again, at most MAX_ATTEMPTS times.
Small files are still imported in the request (`runs_in_request`)."""

from __future__ import annotations

import json
import logging
import os
import socket
import time
import zipfile
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from io import BytesIO
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from flask_babel import force_locale
from sqlalchemy import delete, select, update

from .containers import ContainerRefused, check_container
from .extensions import db, rows_changed
from .figures import plan_definition
from .figures_files import BUILT_IN, FiguresFileError, import_rows, read_figures_file
from .labels import gettext, say
from .models import ImportJob, Plan, Unit, User
from .plan_import import PlanImportError, PlanNumberMissing, import_document
from .plan_import.dry_run import dry_run
from .plan_versions import keep_source, source_file_name
from .rules.indicators import SCHEME_PLAN
from .units import UnitDirectory

log = logging.getLogger("tracker.jobs")

# A running job whose progress has not moved this long lost its worker: it is queued again.
STALE = timedelta(minutes=5)
MAX_ATTEMPTS = 3
# A finished job (its preview, its result) is kept this long, then forgotten.
KEPT_FOR = timedelta(days=7)
# How often the scheduler process looks for queued jobs.
POLL_SECONDS = 3
# Work an upload is worth (its bytes; a zip container's uncompressed bytes over 8, a PDF's a tenth) up to which it is
# imported in the request: about a second of work on this machine (1,000 plan rows are ~100 kB and take ~0.9 s;
# 7,000 KPI rows ~400 kB). The config's IMPORT_IN_REQUEST_BYTES overrides both (0: every import is queued).
IN_REQUEST_WORK = {"plan": 200_000, "kpi": 400_000}
# A job queued this long and not claimed: no worker is running, and its page says so.
WAITING_FOR_WORKER = timedelta(seconds=15)
WORKER_COMMAND = "flask --app wsgi jobs run"
_PROGRESS_EVERY = 0.5  # seconds between two writes of a job's progress file
# Where each kind's uploads are kept, under the import folder.
_FOLDERS = {"plan_preview": "", "plan_import": "", "kpi_import": "kpi"}


def work_size(data: bytes, suffix: str) -> int:
    """How much reading the upload costs, in bytes of text to go through."""
    if data[:4] == b"PK\x03\x04":
        try:
            check_container(data)
        except ContainerRefused:
            return 0  # refused at once, in the request, with the importer's own message
        try:
            with zipfile.ZipFile(BytesIO(data)) as archive:
                return sum(entry.file_size for entry in archive.infolist()) // 8
        except zipfile.BadZipFile:
            return len(data)
    if suffix == ".pdf":
        return len(data) // 10  # fonts and pictures: a 900 kB PDF of 13 items reads in half a second
    return len(data)


def runs_in_request(data: bytes, suffix: str, family: str) -> bool:
    """True when the upload is small enough to import while the request waits (`family`: "plan" or "kpi")."""
    setting = current_app.config.get("IMPORT_IN_REQUEST_BYTES")
    limit = IN_REQUEST_WORK[family] if setting in (None, "") else int(setting)
    return work_size(data, suffix) <= limit


def import_folder(kind: str) -> Path:
    return Path(current_app.config["IMPORT_DIR"]) / _FOLDERS[kind]


def own_job(job_id: int, kinds: tuple[str, ...], user_id: int) -> ImportJob | None:
    """A job of one of these kinds that this person queued; None for a missing job or anyone else's (a 404)."""
    job = db.session.get(ImportJob, job_id)
    if job is None or job.kind not in kinds or job.user_id != user_id:
        return None
    return job


def kept_file(job: ImportJob) -> Path:
    return import_folder(job.kind) / f"{job.token}{job.suffix}"


def _progress_file(job_id: int) -> Path:
    return Path(current_app.config["IMPORT_DIR"]) / "jobs" / f"{job_id}.json"


def enqueue(
    kind: str, *, user: User | None, token: str, suffix: str, filename: str, params: dict[str, Any], now: datetime
) -> ImportJob:
    """Queue a job on a kept upload; flushes, the caller commits."""
    job = ImportJob(
        kind=kind,
        user_id=user.id if user is not None else None,
        token=token,
        suffix=suffix,
        filename=filename[:255],
        params=params,
        state="queued",
        done=0,
        total=0,
        error="",
        created_at=now,
        claimed_by="",
        attempts=0,
    )
    db.session.add(job)
    db.session.flush()
    return job


def progress_of(job: ImportJob) -> tuple[int, int]:
    """(done, total) of a job: a running job's from its progress file."""
    if job.state == "running":
        try:
            told = json.loads(_progress_file(job.id).read_text())
            return int(told["done"]), int(told["total"])
        except (OSError, ValueError, KeyError, TypeError):
            return 0, 0
    return job.done, job.total


def status_of(job: ImportJob, now: datetime) -> dict[str, Any]:
    """What a job's page and its status poll show: its state, progress, and whether it waits for a worker."""
    done, total = progress_of(job)
    return {
        "state": job.state,
        "done": done,
        "total": total,
        "percent": min(100, done * 100 // total) if total else 0,
        "waiting": job.state == "queued" and now - job.created_at > WAITING_FOR_WORKER,
    }


def _claim(job_id: int, worker: str, now: datetime) -> bool:
    """Take one queued job for this worker; False if another worker took it first."""
    claimed = db.session.execute(
        update(ImportJob)
        .where(ImportJob.id == job_id, ImportJob.state == "queued")
        .values(state="running", started_at=now, claimed_by=worker, attempts=ImportJob.attempts + 1)
        .returning(ImportJob.id)
    ).scalar()
    db.session.commit()
    return claimed is not None


def requeue_stale(now: datetime) -> list[int]:
    """Queue again the running jobs whose progress has not moved for STALE (their worker died); fail those
    tried MAX_ATTEMPTS times. Commits. The ids queued again."""
    requeued = []
    limit = now - STALE
    running = db.session.execute(
        select(ImportJob.id, ImportJob.started_at, ImportJob.claimed_by, ImportJob.attempts).where(
            ImportJob.state == "running", ImportJob.started_at < limit
        )
    ).all()
    for job_id, _started, claimed_by, attempts in running:
        try:
            moved = datetime.fromtimestamp(_progress_file(job_id).stat().st_mtime, UTC)
        except OSError:
            moved = None
        if moved is not None and moved >= limit:
            continue
        gave_up = attempts >= MAX_ATTEMPTS
        values: dict[str, Any] = {"state": "queued", "claimed_by": ""}
        if gave_up:
            with force_locale("vi"):
                values = {
                    "state": "failed",
                    "finished_at": now,
                    "error": gettext("Việc nhập bị gián đoạn nhiều lần; hãy thử lại."),
                }
        changed = db.session.execute(
            update(ImportJob)
            .where(ImportJob.id == job_id, ImportJob.state == "running", ImportJob.claimed_by == claimed_by)
            .values(**values)
            .returning(ImportJob.id)
        ).scalar()
        if changed is not None and not gave_up:
            requeued.append(job_id)
            log.warning("import job %s: its worker %s stopped; queued again", job_id, claimed_by)
    db.session.commit()
    return requeued


class _Progress:
    """The progress callback of a running job: writes (done, total) to its file at most every half second."""

    def __init__(self, job_id: int) -> None:
        self.path = _progress_file(job_id)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.last = 0.0
        self.done, self.total = 0, 0
        self.write()

    def __call__(self, done: int, total: int) -> None:
        self.done, self.total = done, total
        if time.monotonic() - self.last >= _PROGRESS_EVERY or done == total:
            self.write()

    def write(self) -> None:
        self.last = time.monotonic()
        partial = self.path.with_suffix(".part")
        partial.write_text(json.dumps({"done": self.done, "total": self.total}))
        os.replace(partial, self.path)


def _amending(params: dict[str, Any]) -> dict[str, Any]:
    amends = db.session.get(Plan, int(params["amends"])) if str(params.get("amends") or "").isdigit() else None
    decision_date = params.get("decision_date")
    return {
        "amends": amends,
        "decision_number": params.get("decision_number", ""),
        "decision_date": date.fromisoformat(decision_date) if decision_date else None,
        "note": params.get("note", ""),
    }


def _run_plan_preview(job: ImportJob, data: bytes, progress: _Progress, now: datetime) -> dict[str, Any]:
    report = dry_run(
        data, job.filename, now=now, number=job.params.get("number") or None, progress=progress, **_amending(job.params)
    )
    return report.as_dict()


def _run_plan_import(job: ImportJob, data: bytes, progress: _Progress, now: datetime) -> dict[str, Any]:
    path = kept_file(job)
    source_file = source_file_name(path.name)
    amending = _amending(job.params)
    try:
        report = import_document(
            data,
            job.filename,
            now=now,
            number=job.params.get("number") or None,
            actor=db.session.get(User, job.user_id) if job.user_id else None,
            source_file=source_file,
            progress=progress,
            **amending,
        )
    except PlanNumberMissing:
        report = None
    if report is None or report.number_missing:
        raise PlanImportError(
            gettext("Văn bản không ghi số hiệu: hãy nhập số hiệu rồi xem trước lại trước khi xác nhận.")
        )
    if amending["amends"] is not None and not (report.decision_number and report.decision_date):
        raise PlanImportError(gettext("Văn bản sửa đổi cần có số và ngày quyết định sửa đổi: hãy xem trước lại."))
    if report.version is not None:
        keep_source(import_folder(job.kind), source_file, data)
    plan_id = db.session.scalar(select(Plan.id).where(Plan.number == report.plan))
    return {
        "plan": report.plan,
        "plan_id": plan_id,
        "created": report.created,
        "updated": report.updated,
        "cancelled": [entry["reference"] for entry in report.cancelled],
    }


def _run_kpi_import(job: ImportJob, data: bytes, progress: _Progress, now: datetime) -> dict[str, Any]:
    plan = db.session.get(Plan, job.params["plan"]) if job.params.get("plan") else None
    definition = plan_definition(plan) if plan is not None and plan.kpi_scheme == SCHEME_PLAN else BUILT_IN
    if plan is not None and plan.kpi_scheme != SCHEME_PLAN:
        plan = None
    units = {u.code.upper(): u for u in db.session.scalars(select(Unit))}
    reporter = db.session.get(User, job.user_id) if job.user_id else None
    try:
        rows = read_figures_file(data, job.filename, UnitDirectory.from_database(), units, definition)
        count = import_rows(
            rows,
            today=date.fromisoformat(job.params["today"]),
            now=now,
            reporter=reporter,  # type: ignore[arg-type]  # (the account may have been deleted since: no one)
            plan=plan,
            progress=progress,
        )
    except FiguresFileError as exc:
        raise PlanImportError(
            gettext(
                "Không nhập tệp %(name)s: %(error)s Không có số liệu nào được lưu.", name=job.filename, error=say(exc)
            )
        ) from exc
    return {"count": count}


_RUNNERS: dict[str, Callable[[ImportJob, bytes, _Progress, datetime], dict[str, Any]]] = {
    "plan_preview": _run_plan_preview,
    "plan_import": _run_plan_import,
    "kpi_import": _run_kpi_import,
}


def run_job(job_id: int, now: datetime) -> ImportJob:
    """Run a job this worker has claimed; its result, or its error, is committed with the import's own writes."""
    job = db.session.get_one(ImportJob, job_id)
    progress = _Progress(job.id)
    path = kept_file(job)
    # No request, no person's language: what the job keeps (its messages) is in the product's, Vietnamese.
    with force_locale("vi"):
        try:
            if not path.is_file():
                raise PlanImportError(gettext("Tệp tải lên không còn; hãy tải lên lại."))
            result = _RUNNERS[job.kind](job, path.read_bytes(), progress, now)
        except PlanImportError as exc:
            db.session.rollback()
            job = db.session.get_one(ImportJob, job_id)
            job.state, job.error = "failed", say(exc)
        except Exception:
            log.exception("import job %s failed", job_id)
            db.session.rollback()
            job = db.session.get_one(ImportJob, job_id)
            job.state = "failed"
            job.error = gettext("Lỗi không mong đợi khi nhập; hãy thử lại hoặc báo quản trị viên.")
        else:
            job.state, job.result = "done", result
    job.done, job.total = progress.total, progress.total
    job.finished_at = now
    db.session.commit()
    _progress_file(job.id).unlink(missing_ok=True)
    if job.kind != "plan_preview":  # a preview's upload stays for its confirmation
        path.unlink(missing_ok=True)
    log.info("import job %s (%s): %s", job.id, job.kind, job.state)
    return job


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:120]


def forget_old(now: datetime) -> int:
    """Delete the jobs finished more than KEPT_FOR ago (their previews can be large); commits. How many."""
    gone = rows_changed(delete(ImportJob).where(ImportJob.finished_at < now - KEPT_FOR))
    db.session.commit()
    return gone


def run_jobs(*, now: Callable[[], datetime] | None = None, limit: int | None = None, worker: str | None = None) -> int:
    """Re-queue jobs left by a dead worker, then claim and run queued jobs, oldest first, until none is left (or
    `limit` were run); the number run. `now` gives the time (the real clock unless a test gives one)."""
    clock = now or (lambda: datetime.now(UTC))
    worker = worker or worker_name()
    requeue_stale(clock())
    forget_old(clock())
    ran = 0
    while limit is None or ran < limit:
        candidates = list(
            db.session.scalars(select(ImportJob.id).where(ImportJob.state == "queued").order_by(ImportJob.id).limit(5))
        )
        db.session.commit()
        claimed = next((job_id for job_id in candidates if _claim(job_id, worker, clock())), None)
        if claimed is None:
            break
        run_job(claimed, clock())
        ran += 1
    return ran


def work(app: Flask) -> None:  # pragma: no cover — the scheduler's interval job; run_jobs is what tests call
    """Run the queued jobs in the scheduler's thread (with an app context of its own)."""
    with app.app_context():
        try:
            run_jobs()
        except Exception:  # one failed round must not stop the scheduler; the next one retries
            log.exception("import jobs failed")
            db.session.rollback()
        finally:
            db.session.remove()
