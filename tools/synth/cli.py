"""The synthetic dataset's command, `python -m tools.synth`: --units, --plans, --items-per-plan, --months,
--seed, --today YYYY-MM-DD, --password, --accounts-file, --json (see --help).

Builds the synthetic dataset into the app's database (configured from TRACKER_* as in production; it must be
migrated and hold no plans and no units), commits once, and writes the accounts file. Formerly
`flask --app wsgi demo synth`: a developer tool, so not a command of the production app.
"""

from __future__ import annotations

import json
import secrets
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn

import click
from flask import current_app
from flask.cli import ScriptInfo, with_appcontext

from tracker.accounts import AccountError, check_password_strength, hash_password
from tracker.clock import today
from tracker.extensions import db
from tracker.rules.permissions import ROLE_LABELS

from .build import HEAD_PATTERN, STAFF_PATTERN, SynthRefused, build_synthetic, write_accounts_file


def _print_json(data: object) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def _fail(message: str) -> NoReturn:
    click.echo(f"Lỗi: {message}", err=True)
    sys.exit(1)


@click.command("synth")
@click.option(
    "--units",
    "unit_count",
    type=click.IntRange(min=12),
    default=1000,
    show_default=True,
    help="Số đơn vị (Bộ, sở, huyện, xã).",
)
@click.option("--plans", "plan_count", type=click.IntRange(min=1), default=10, show_default=True, help="Số kế hoạch.")
@click.option(
    "--items-per-plan", type=click.IntRange(min=1), default=100, show_default=True, help="Số nhiệm vụ mỗi kế hoạch."
)
@click.option(
    "--months",
    type=click.IntRange(min=0, max=240),
    default=12,
    show_default=True,
    help="Số tháng báo cáo số liệu chỉ tiêu của mỗi đơn vị.",
)
@click.option(
    "--seed", type=int, default=1, show_default=True, help="Hạt giống ngẫu nhiên (cùng hạt giống, cùng dữ liệu)."
)
@click.option(
    "--today",
    "today_value",
    type=click.DateTime(["%Y-%m-%d"]),
    help="Ngày “hôm nay” của dữ liệu (YYYY-MM-DD); mặc định là ngày hôm nay của ứng dụng.",
)
@click.option("--password", help="Mật khẩu chung của mọi tài khoản; bỏ trống để tạo ngẫu nhiên.")
@click.option(
    "--accounts-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Tệp ghi tài khoản và mật khẩu (mặc định instance/synth-accounts.txt).",
)
@click.option("--json", "as_json", is_flag=True, help="In tóm tắt dạng JSON.")
@with_appcontext
def synth_command(
    *,
    unit_count: int,
    plan_count: int,
    items_per_plan: int,
    months: int,
    seed: int,
    today_value: datetime | None,
    password: str | None,
    accounts_file: Path | None,
    as_json: bool,
) -> None:
    """Tạo bộ dữ liệu tổng hợp quy mô lớn vào cơ sở dữ liệu trống — build a synthetic dataset."""
    started = time.perf_counter()
    if password is None:
        password = secrets.token_urlsafe(12)
    else:
        try:
            check_password_strength(password)
        except AccountError as exc:
            _fail(str(exc))
    try:
        report = build_synthetic(
            units=unit_count,
            plans=plan_count,
            items_per_plan=items_per_plan,
            months=months,
            seed=seed,
            today=today_value.date() if today_value else today(),
            password_hash=hash_password(password),
            it_centre_code=current_app.config["IT_CENTRE_UNIT"],
        )
    except SynthRefused as exc:
        db.session.rollback()
        _fail(str(exc))
    except Exception:
        db.session.rollback()
        raise
    db.session.commit()
    path = accounts_file or Path(current_app.instance_path) / "synth-accounts.txt"
    write_accounts_file(path, report.accounts, password)
    report.seconds = time.perf_counter() - started
    if as_json:
        _print_json(
            {
                **report.as_dict(),
                "accounts_file": str(path),
                "password": password,
                "accounts": {
                    "admin": report.accounts[0][0] if report.accounts else None,
                    "head": HEAD_PATTERN,
                    "staff": STAFF_PATTERN,
                },
            }
        )
        return
    by_status = report.assignments_by_status
    click.echo(
        f"Đã tạo dữ liệu tổng hợp (hạt giống {report.seed}, hôm nay {report.today:%d/%m/%Y}) "
        f"trong {report.seconds:.1f} giây:"
    )
    click.echo(
        f"  {report.units} đơn vị, {report.plans} kế hoạch, {report.items} nhiệm vụ, "
        f"{report.unit_groups} nhóm đơn vị, {report.targets} chỉ tiêu"
    )
    click.echo(
        f"  {report.assignments} phân công: {by_status.get('not_started', 0)} chưa triển khai, "
        f"{by_status.get('in_progress', 0)} đang thực hiện, {by_status.get('blocked', 0)} gặp vướng mắc, "
        f"{by_status.get('done', 0)} hoàn thành ({report.done_late} quá hạn); "
        f"{report.overdue} quá hạn chưa xong"
    )
    click.echo(
        f"  {report.events} lượt cập nhật tiến độ, {report.comments} ý kiến, "
        f"{report.kpi_reports} báo cáo số liệu, {report.users} tài khoản"
    )
    click.echo(f"Tài khoản (mật khẩu chung: {password}), lưu trong {path}:")
    for email, role in report.accounts[:3]:
        click.echo(f"  {email:<28} {ROLE_LABELS[role]}")
    click.echo(f"  {HEAD_PATTERN:<28} {ROLE_LABELS['unit_head']} (mỗi đơn vị một tài khoản)")
    click.echo(f"  {STAFF_PATTERN:<28} {ROLE_LABELS['unit_staff']} (một số đơn vị)")


def main(argv: list[str] | None = None) -> Any:
    """The command on the app create_app() makes from the environment."""
    from tracker import create_app

    return synth_command.main(args=argv, prog_name="python -m tools.synth", obj=ScriptInfo(create_app=create_app))
