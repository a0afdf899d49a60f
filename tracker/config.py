"""Configuration: defaults in code, then TRACKER_* environment variables, then a dict (tests)."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

DEFAULTS: dict[str, Any] = {
    # Relative SQLite paths are resolved against the instance folder by create_app().
    "DATABASE_URL": "sqlite:///tracker.sqlite3",
    # "YYYY-MM-DD" pins "today" for a demo or a test; empty means Asia/Ho_Chi_Minh's real date.
    "TODAY": "",
    "TIMEZONE": "Asia/Ho_Chi_Minh",
    "SECRET_KEY": "",
    "SEEDS_DIR": str(Path(__file__).resolve().parent.parent / "seeds"),
    # Evidence files live outside the web root; relative paths are under the instance folder.
    "UPLOAD_DIR": "uploads",
    # Plan documents kept between the import preview and its confirmation (deleted on confirm or cancel).
    "IMPORT_DIR": "imports",
    "MAX_UPLOAD_MB": "20",
    # "1" when served over HTTPS: cookies are then sent only over HTTPS.
    "HTTPS": "0",
    # An item is "due soon" this many days before its due date.
    "DUE_SOON_DAYS": "7",
    # KPI figures for a month are due by this day of the next month.
    "KPI_DUE_DAY": "5",
    # Email: "file" writes each message as an .eml file into OUTBOX_DIR (relative: under the instance
    # folder); "smtp" sends through SMTP_HOST.
    "MAIL_BACKEND": "file",
    "OUTBOX_DIR": "outbox",
    "MAIL_FROM": "Plan Tracker <no-reply@example.org>",
    "SMTP_HOST": "127.0.0.1",
    "SMTP_PORT": "25",
    "SMTP_SECURITY": "none",  # none, starttls or tls
    "SMTP_USERNAME": "",
    "SMTP_PASSWORD": "",
    "SMTP_TIMEOUT": "15",
    # Links in emails are built from this address.
    "BASE_URL": "http://127.0.0.1:5000",
    # The unit that gets overdue reminders in copy and the weekly digest (the IT Centre).
    "IT_CENTRE_UNIT": "TTCNTT",
    # The reminder sweep runs on working days at this time (Asia/Ho_Chi_Minh).
    "SEND_TIME": "08:00",
    # Logs: "text" (the human format, for ./run.sh) or "json" (one JSON object per line on stderr, for
    # production); the level applies to the app's own loggers in json mode.
    "LOG_FORMAT": "text",
    "LOG_LEVEL": "INFO",
    # Behind a reverse proxy: the number of proxies whose X-Forwarded-For and X-Forwarded-Proto are
    # trusted (werkzeug's ProxyFix); 0 leaves the request as the socket sees it.
    "PROXY_FIX": "0",
    # Connection pool, for PostgreSQL only (SQLite keeps SQLAlchemy's defaults). Each gunicorn worker and
    # the scheduler has its own pool.
    "DB_POOL_SIZE": "5",
    "DB_MAX_OVERFLOW": "10",
    "DB_POOL_TIMEOUT": "30",  # seconds to wait for a free connection
    "DB_POOL_RECYCLE": "1800",  # seconds; reconnect before a firewall or server drops an idle connection
    "DB_CONNECT_TIMEOUT": "10",  # seconds; so /healthz answers 503 quickly when the server is down
    "IMPORT_IN_REQUEST_BYTES": "",  # imports up to this much work run in the request (empty: tracker.jobs decides)
    # Rendered pages kept per process until the data changes (tracker/page_cache.py): at most this many
    # megabytes (0: none kept), each for at most this many seconds.
    "PAGE_CACHE_MB": "32",
    "PAGE_CACHE_SECONDS": "300",
    "DB_BUSY_TIMEOUT": "5",  # seconds a SQLite write waits for another writer before the request answers 503
    # /healthz reports "degraded" when the scheduler's last heartbeat is older than this, or an email has
    # been waiting to be sent for longer than this (minutes).
    "HEALTH_HEARTBEAT_MINUTES": "15",
    "HEALTH_PENDING_MINUTES": "60",
    # The 6-monthly and annual report (.docx): who issues and signs it. In a value of several lines "|" ends a
    # line: the agencies' names are broken where the header block's narrow column breaks them.
    "REPORT_ISSUER_PARENT": "BỘ VĂN HÓA, THỂ THAO|VÀ DU LỊCH",  # cơ quan chủ quản
    "REPORT_ISSUER": "TRUNG TÂM CÔNG NGHỆ|THÔNG TIN",  # cơ quan ban hành
    "REPORT_ISSUER_NAME": "Trung tâm Công nghệ thông tin",  # the same in running text
    "REPORT_NUMBER_SUFFIX": "/BC-TTCNTT",  # "Số: …/BC-TTCNTT"
    "REPORT_PLACE": "Hà Nội",  # "Hà Nội, ngày … tháng … năm …"
    "REPORT_RECIPIENTS": "Lãnh đạo Bộ (để báo cáo);|Các đơn vị chủ trì;|Lưu: VT, TTCNTT.",  # "Nơi nhận", one a line
    "REPORT_SIGNER_TITLE": "GIÁM ĐỐC",  # or "KT. GIÁM ĐỐC|PHÓ GIÁM ĐỐC" when a deputy signs
    "REPORT_SIGNER_NAME": "",  # empty: the name is written when the report is signed
    # The Word template the .docx is made from (docxtpl); a copy edited by the customer may be named here
    # (relative paths are under the instance folder). tools/make_report_template.py regenerates the default.
    "REPORT_TEMPLATE": str(Path(__file__).resolve().parent / "report_templates" / "bao-cao.docx"),
    # The urging letter (công văn đôn đốc, .docx): issued and signed as the report is (TRACKER_REPORT_*), with its
    # own number suffix, the lines of "Nơi nhận" after the units addressed, and its own Word template.
    "LETTER_NUMBER_SUFFIX": "/TTCNTT",  # "Số: …/TTCNTT"
    "LETTER_RECIPIENTS": "Lãnh đạo Bộ (để báo cáo);|Lưu: VT, TTCNTT.",
    "LETTER_TEMPLATE": str(Path(__file__).resolve().parent / "report_templates" / "cong-van-don-doc.docx"),
}


def load_config(instance_path: str, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Merge the defaults, the TRACKER_* environment and the overrides into Flask settings."""
    values = dict(DEFAULTS)
    for key in DEFAULTS:
        env = os.environ.get(f"TRACKER_{key}")
        if env is not None:
            values[key] = env
    values.update(overrides or {})

    url = values["DATABASE_URL"]
    if url.startswith("sqlite:///") and not url.startswith("sqlite:////") and url != "sqlite:///:memory:":
        url = "sqlite:///" + os.path.join(instance_path, url.removeprefix("sqlite:///"))
    if url.startswith("postgresql://"):
        # psycopg 3 is the driver we ship; plain postgresql:// would ask for psycopg2.
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    values["SQLALCHEMY_DATABASE_URI"] = url
    values["SQLALCHEMY_ENGINE_OPTIONS"] = _engine_options(url, values)
    values["UPLOAD_DIR"] = os.path.join(instance_path, values["UPLOAD_DIR"])
    values["IMPORT_DIR"] = os.path.join(instance_path, values["IMPORT_DIR"])
    values["OUTBOX_DIR"] = os.path.join(instance_path, values["OUTBOX_DIR"])
    values["REPORT_TEMPLATE"] = os.path.join(instance_path, values["REPORT_TEMPLATE"])
    values["LETTER_TEMPLATE"] = os.path.join(instance_path, values["LETTER_TEMPLATE"])
    values["SMTP_PORT"] = int(values["SMTP_PORT"])
    values["SMTP_TIMEOUT"] = float(values["SMTP_TIMEOUT"])
    if values["MAIL_BACKEND"] not in ("file", "smtp"):
        raise ValueError(f"TRACKER_MAIL_BACKEND must be file or smtp, got {values['MAIL_BACKEND']!r}")
    if values["SMTP_SECURITY"] not in ("none", "starttls", "tls"):
        raise ValueError(f"TRACKER_SMTP_SECURITY must be none, starttls or tls, got {values['SMTP_SECURITY']!r}")
    values["MAX_CONTENT_LENGTH"] = int(values["MAX_UPLOAD_MB"]) * 1024 * 1024
    values["DUE_SOON_DAYS"] = int(values["DUE_SOON_DAYS"])
    values["KPI_DUE_DAY"] = int(values["KPI_DUE_DAY"])
    values["PAGE_CACHE_MB"] = max(0.0, float(values["PAGE_CACHE_MB"]))
    values["PAGE_CACHE_SECONDS"] = float(values["PAGE_CACHE_SECONDS"])
    if values["LOG_FORMAT"] not in ("text", "json"):
        raise ValueError(f"TRACKER_LOG_FORMAT must be text or json, got {values['LOG_FORMAT']!r}")
    values["LOG_LEVEL"] = str(values["LOG_LEVEL"]).upper()
    if values["LOG_LEVEL"] not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
        raise ValueError(
            f"TRACKER_LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL, got {values['LOG_LEVEL']!r}"
        )
    for key in ("PROXY_FIX", "HEALTH_HEARTBEAT_MINUTES", "HEALTH_PENDING_MINUTES"):
        values[key] = int(values[key])
    https = str(values["HTTPS"]).lower() in ("1", "true", "yes")
    values.update(
        SESSION_COOKIE_SECURE=https,
        REMEMBER_COOKIE_SECURE=https,
        SESSION_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_DURATION=timedelta(days=14),
        PERMANENT_SESSION_LIFETIME=timedelta(hours=12),
        # CSRF is checked for every state-changing request in views.security, after the sign-in check.
        WTF_CSRF_CHECK_DEFAULT=False,
    )
    if not values["SECRET_KEY"]:
        values["SECRET_KEY"] = _instance_secret(instance_path)
    return values


def _engine_options(url: str, values: dict[str, Any]) -> dict[str, Any]:
    """SQLAlchemy engine options: a server database gets the pool settings, and a connection is checked before
    use (the server may have closed it). SQLite keeps SQLAlchemy's own pool unchecked: a file's connection does
    not go away, and the check was a statement more on every request (its pragmas are set in tracker's connect
    event, whatever the options)."""
    options: dict[str, Any] = {}
    if not url.startswith("sqlite"):
        options.update(
            pool_pre_ping=True,
            pool_size=int(values["DB_POOL_SIZE"]),
            max_overflow=int(values["DB_MAX_OVERFLOW"]),
            pool_timeout=float(values["DB_POOL_TIMEOUT"]),
            pool_recycle=int(values["DB_POOL_RECYCLE"]),
        )
    if url.startswith("postgresql"):
        options["connect_args"] = {"connect_timeout": int(values["DB_CONNECT_TIMEOUT"])}
    if url.startswith("sqlite"):
        # sqlite3's timeout is SQLite's busy timeout: a write waits this long for the lock, then fails.
        options["connect_args"] = {"timeout": float(values["DB_BUSY_TIMEOUT"])}
    return options


def _instance_secret(instance_path: str) -> str:
    """Read (or create once) a random secret kept in the instance folder, never in the code."""
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        # gunicorn's workers start together: each writes its own file, and only the first one linked into
        # place counts (os.link fails when the name exists), so every worker signs with the same key.
        path.parent.mkdir(parents=True, exist_ok=True)
        candidate = path.with_name(f".secret_key.{os.getpid()}")
        with os.fdopen(os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as file:
            file.write(os.urandom(32).hex())
        try:
            os.link(candidate, path)
        except FileExistsError:
            pass
        finally:
            candidate.unlink()
    return path.read_text().strip()
