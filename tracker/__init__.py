"""Plan Tracker: follows the action items and KPI targets of a Vietnamese government action plan."""

from __future__ import annotations

import os
import tempfile
import uuid
from datetime import date
from pathlib import Path
from typing import Any

from flask import Flask, Response, g, request, session
from jinja2 import FileSystemBytecodeCache
from sqlalchemy import event
from sqlalchemy.engine import Engine

from .config import load_config
from .extensions import babel, csrf, db, migrate
from .labels import install_template_gettext
from .logs import configure_logging, register_access_log
from .page_cache import init_page_cache
from .templating import TrackerEnvironment

ROOT = Path(__file__).resolve().parent.parent


def _template_cache(instance_path: str) -> str:
    """The folder of the compiled templates: instance/template-cache, or a temporary folder of this account's
    when the instance folder cannot be written."""
    folder = Path(instance_path) / "template-cache"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        folder = Path(tempfile.gettempdir()) / f"tracker-template-cache-{os.getuid()}"
        folder.mkdir(mode=0o700, exist_ok=True)
    return str(folder)


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    """Build the app: configuration, extensions, blueprints, CLI. Never migrates, never schedules."""
    # What the app's processes write (the SQLite database, evidence, emails, import previews, the secret key,
    # backups) is readable by the account that runs them only.
    os.umask(0o077)
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.jinja_environment = TrackerEnvironment  # before anything asks for app.jinja_env
    app.config.update(load_config(app.instance_path, overrides))
    if app.config["TODAY"]:
        try:
            date.fromisoformat(app.config["TODAY"])
        except ValueError as exc:
            raise ValueError(f"TRACKER_TODAY must be YYYY-MM-DD, got {app.config['TODAY']!r}") from exc
    configure_logging(app)
    if app.config["PROXY_FIX"]:
        # Behind that many reverse proxies: the client's address (sign-in limits per address count it) and
        # the scheme (https) come from X-Forwarded-For / X-Forwarded-Proto. Not X-Forwarded-Host: a proxy
        # that does not set it would pass on whatever the client sent.
        from werkzeug.middleware.proxy_fix import ProxyFix

        # Flask's documented way to wrap its WSGI app in middleware (mypy sees a method replaced).
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app,
            x_for=app.config["PROXY_FIX"],
            x_proto=app.config["PROXY_FIX"],
            x_host=0,
            x_port=0,
            x_prefix=0,
        )
    db.init_app(app)
    init_page_cache(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    babel.init_app(
        app,
        locale_selector=_locale,
        default_locale="vi",
        default_timezone=app.config["TIMEZONE"],
        default_translation_directories=str(ROOT / "translations"),
    )
    install_template_gettext(app.jinja_env)

    # Compiled templates kept on disk: a new worker loads them instead of compiling every template again. The
    # files are named for the code generator's version (a digest of tracker/templating.py), so none compiled by
    # plain Jinja or by another version of the generator is loaded.
    app.jinja_env.bytecode_cache = FileSystemBytecodeCache(
        _template_cache(app.instance_path), TrackerEnvironment.bytecode_pattern
    )

    from . import models  # noqa: F401  (registers the tables with the metadata)
    from .cli import register_cli
    from .views import register_views

    register_access_log(app)  # first, so its after_request hook runs last and sees the final response
    _register_request_hooks(app)
    register_views(app)
    register_cli(app)
    return app


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """SQLite: enforce foreign keys and the write-ahead log (a write waits DB_BUSY_TIMEOUT for the lock: the
    engine's connect_args)."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()


def _locale() -> str:
    """Vietnamese unless the user chose English."""
    return session.get("lang", "vi")


def _register_request_hooks(app: Flask) -> None:
    @app.before_request
    def _request_id() -> None:
        g.request_id = uuid.uuid4().hex[:12]

    @app.after_request
    def _security_headers(response: Response) -> Response:
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; "
            "frame-ancestors 'none'; form-action 'self'",
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if app.config["SESSION_COOKIE_SECURE"]:
            # Set from TRACKER_HTTPS: served over TLS only, so browsers may refuse plain HTTP for a year.
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if request.endpoint != "static":
            # Pages show one unit's or person's data: never keep them in a shared or browser cache.
            response.headers.setdefault("Cache-Control", "no-store")
        if "request_id" in g:
            response.headers.setdefault("X-Request-Id", g.request_id)
        return response
