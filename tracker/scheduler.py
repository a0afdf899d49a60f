"""The scheduler process (`flask --app wsgi scheduler run`): APScheduler calls `tick` at the send time
on working days and every few minutes; `tick` sweeps once a day (catching up if the process was down
at send time) and dispatches what is pending. Correctness lives in the database, not in the scheduler:
a tick in two processes, or twice, sends each message once."""

from __future__ import annotations

import logging
import os
import socket
from dataclasses import dataclass
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from flask import Flask, current_app

from . import jobs
from .clock import utcnow
from .extensions import db
from .mailer import backend_from_config
from .models import Setting
from .outbox import DispatchReport, dispatch, insert_ignoring_duplicates
from .reminders import has_swept, load_send_time, sweep
from .rules.workdays import WorkCalendar
from .snapshots import take_due_snapshots

log = logging.getLogger("tracker.scheduler")
RETRY_MINUTES = 5
# The settings row the scheduler overwrites at start-up and on every tick; /healthz reads its age.
HEARTBEAT_KEY = "scheduler_heartbeat"


@dataclass
class TickReport:
    swept: bool
    created: int
    dispatch: DispatchReport


def send_time() -> time:
    """The daily send time ("HH:MM", Asia/Ho_Chi_Minh): the admin's setting, else SEND_TIME."""
    hours, minutes = (load_send_time() or current_app.config["SEND_TIME"]).split(":")
    return time(int(hours), int(minutes))


def record_heartbeat(now: datetime) -> None:
    """Note that the scheduler is alive at `now` (an aware datetime), in this process on this host: one
    settings row, written in place (insert or update in one statement). The caller commits."""
    value = {"at": now.astimezone(UTC).isoformat(), "pid": os.getpid(), "host": socket.gethostname()}
    statement = insert_ignoring_duplicates(Setting).values(
        key=HEARTBEAT_KEY, value=value, updated_at=now, updated_by_id=None
    )
    db.session.execute(
        statement.on_conflict_do_update(index_elements=["key"], set_={"value": value, "updated_at": now})
    )


def tick(now: datetime) -> TickReport:
    """Sweep today's reminders if it is a working day, the send time has passed and nobody has swept
    yet; then send what is pending. `now` is an aware datetime (tests pass one; the scheduler passes
    the clock's)."""
    local = now.astimezone(ZoneInfo(current_app.config["TIMEZONE"]))
    today = local.date()
    swept, created = False, 0
    if WorkCalendar().is_workday(today) and local.time() >= send_time() and not has_swept(today):
        result = sweep(today, now=now.astimezone(UTC))
        db.session.commit()
        swept, created = True, len(result.created_ids)
        log.info("swept %s: %s new messages", today, created)
    take_due_snapshots(today, now=now.astimezone(UTC))  # last month frozen from the first working day on
    report = dispatch(
        backend_from_config(current_app.config), now=now.astimezone(UTC), sender=current_app.config["MAIL_FROM"]
    )
    if report.sent or report.retrying or report.failed:
        log.info(
            "dispatch: %s sent, %s to retry, %s failed", len(report.sent), len(report.retrying), len(report.failed)
        )
    return TickReport(swept, created, report)


def run(app: Flask) -> None:  # pragma: no cover — blocks forever; `tick` is what the tests call
    """Run the scheduler in this process until it is stopped."""
    from apscheduler.schedulers.blocking import BlockingScheduler

    if app.config["LOG_FORMAT"] != "json":  # json: create_app() has set up the JSON lines already
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    zone = ZoneInfo(app.config["TIMEZONE"])

    def job() -> None:
        with app.app_context():
            try:
                # The heartbeat is about this process, not the plan: real time even when a demo pins
                # TRACKER_TODAY (a pinned clock jumps back a day at midnight, and its ages mean nothing).
                record_heartbeat(datetime.now(UTC))
                db.session.commit()
                tick(utcnow())  # follows TRACKER_TODAY in a demo, the real clock otherwise
            except Exception:  # one failed tick must not stop the scheduler; the next one retries
                log.exception("scheduler tick failed")
                db.session.rollback()
            finally:
                db.session.remove()

    with app.app_context():
        at = send_time()
    scheduler = BlockingScheduler(
        timezone=zone,
        job_defaults={
            # A job late by hours (machine asleep, process busy) still runs once, not never and not N times.
            "coalesce": True,
            "misfire_grace_time": 8 * 3600,
            "max_instances": 1,
        },
    )
    scheduler.add_job(job, "cron", day_of_week="mon-fri", hour=at.hour, minute=at.minute, id="daily-sweep")
    scheduler.add_job(job, "interval", minutes=RETRY_MINUTES, id="retry-and-catch-up")
    scheduler.add_job(jobs.work, "interval", args=[app], seconds=jobs.POLL_SECONDS, id="import-jobs")
    job()  # at start-up: catch up on a sweep missed today, send what is pending
    log.info("scheduler started: sweep at %s on working days, retries every %s minutes", at, RETRY_MINUTES)
    scheduler.start()
