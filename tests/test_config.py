"""Configuration comes from code defaults, then TRACKER_* variables, then the dict a test passes."""

from __future__ import annotations

from datetime import date

import pytest

from tracker import create_app
from tracker.clock import today


def test_sqlite_under_instance_by_default(monkeypatch):
    monkeypatch.delenv("TRACKER_DATABASE_URL", raising=False)
    app = create_app({"SECRET_KEY": "x"})
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("instance/tracker.sqlite3")


def test_environment_overrides_defaults_and_the_dict_overrides_both(monkeypatch):
    monkeypatch.setenv("TRACKER_DATABASE_URL", "postgresql://u:p@127.0.0.1/tracker")
    monkeypatch.setenv("TRACKER_TODAY", "2023-11-15")
    app = create_app({"SECRET_KEY": "x"})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u:p@127.0.0.1/tracker"
    with app.app_context():
        assert today() == date(2023, 11, 15)
    app = create_app({"SECRET_KEY": "x", "TODAY": "2023-09-15"})
    with app.app_context():
        assert today() == date(2023, 9, 15)


def test_today_without_a_pinned_date_is_ho_chi_minh_city_date(monkeypatch):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    monkeypatch.delenv("TRACKER_TODAY", raising=False)
    app = create_app({"SECRET_KEY": "x"})
    with app.app_context():
        before = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()
        assert today() in {before, datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()}


def test_a_malformed_pinned_date_is_refused_at_start():
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        create_app({"SECRET_KEY": "x", "TODAY": "15/09/2023"})


def test_a_secret_key_is_generated_once_and_kept_in_the_instance_folder(tmp_path, monkeypatch):
    from tracker.config import load_config

    monkeypatch.delenv("TRACKER_SECRET_KEY", raising=False)
    first = load_config(str(tmp_path))["SECRET_KEY"]
    second = load_config(str(tmp_path))["SECRET_KEY"]
    assert first == second and len(first) == 64
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
