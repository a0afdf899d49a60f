"""GET /healthz, for a load balancer or a monitor: JSON, open without signing in, never cached; reveals
no secret and no host name. The judgement is tracker.health's."""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime, timedelta

from flask import Blueprint, current_app, jsonify
from sqlalchemy.exc import SQLAlchemyError

from ..clock import utcnow
from ..extensions import db
from ..health import Facts, Limits, assess, gather

bp = Blueprint("health", __name__)
log = logging.getLogger("tracker.health")


@bp.get("/healthz")
def healthz():
    """200 with "ok" or "degraded", 503 with "error" when the database does not answer."""
    started = time.perf_counter()
    try:
        facts = gather()
    except SQLAlchemyError as exc:
        db.session.rollback()
        # The driver's message for the operators (it names no password); the body reveals nothing.
        log.error("health check: the database did not answer: %s", getattr(exc, "orig", None) or type(exc).__name__)
        facts = Facts(database_ok=False, database_ms=round((time.perf_counter() - started) * 1000, 1))
    config = current_app.config
    body = assess(
        facts,
        now=datetime.now(UTC),
        outbox_now=utcnow(),
        limits=Limits(
            heartbeat=timedelta(minutes=config["HEALTH_HEARTBEAT_MINUTES"]),
            pending=timedelta(minutes=config["HEALTH_PENDING_MINUTES"]),
        ),
    )
    response = jsonify(body)
    response.status_code = 503 if body["status"] == "error" else 200
    response.headers["Cache-Control"] = "no-store"
    return response
