"""Command line (flask --app wsgi …): parse the arguments, call one operation, commit once, print."""

from __future__ import annotations

import json
import sys
import tempfile
from contextlib import nullcontext
from pathlib import Path
from typing import NoReturn

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .accounts import AccountError, create_user, find_unit
from .api_tokens import ApiTokenError, create_token
from .backup import BackupError, create_backup, describe_size, format_count, restore_backup
from .clock import today, utcnow
from .demo import add_life, make_accounts
from .extensions import db
from .figures import (
    FiguresRefused,
    IndicatorFacts,
    definition_of,
    kpi_by_unit,
    plan_definition,
    record_figures,
    standing_as_json,
)
from .mailer import backend_from_config
from .models import ActionItem, Indicator, ItemUnit, Plan, PlanSection, User
from .outbox import dispatch
from .password_resets import reset_by_hand, reset_url
from .plan_import import PlanImportError, import_document
from .plan_import.corpus_check import Totals, check_document, corpus_documents, shortfalls
from .plan_import.dry_run import private_copy
from .plan_versions import keep_source, source_file_name
from .reminders import sweep
from .rules.deadlines import parse_deadline
from .rules.indicators import readings
from .rules.kpi import (
    FIELDS,
    STATUS_LABELS,
    Counts,
    InconsistentFigures,
    Ratio,
    format_percent,
    format_points,
    ratios,
)
from .rules.permissions import ROLE_LABELS, ROLES
from .units import UnitDirectoryError, load_units

plan_cli = AppGroup("plan", help="Nhập và xem kế hoạch (import and show a plan).")
units_cli = AppGroup("units", help="Danh mục đơn vị (the unit directory).")
users_cli = AppGroup("users", help="Tài khoản người dùng (user accounts).")
demo_cli = AppGroup("demo", help="Dữ liệu trình diễn (demo data).")
kpi_cli = AppGroup("kpi", help="Số liệu chỉ tiêu (KPI figures).")
reminders_cli = AppGroup("reminders", help="Thư nhắc hạn (reminder emails).")
scheduler_cli = AppGroup("scheduler", help="Tiến trình lập lịch gửi thư (the scheduler process).")
jobs_cli = AppGroup("jobs", help="Việc nhập tệp lớn chạy nền (long imports run by a worker).")
backup_cli = AppGroup("backup", help="Sao lưu và phục hồi dữ liệu cùng tệp minh chứng (backup and restore).")

SEED_PLAN_FILE = "plan-1872-QD-BVHTTDL-2023.txt"


def _print_json(data: object) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def _fail(message: str) -> NoReturn:
    click.echo(f"Lỗi: {message}", err=True)
    sys.exit(1)


@plan_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Chỉ cho biết sẽ tạo/cập nhật gì, không lưu.")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
@click.option("--number", help="Số hiệu văn bản, khi văn bản không ghi rõ (vd. 1872/QĐ-BVHTTDL).")
@click.option("--verbose", "-v", is_flag=True, help="Liệt kê từng thay đổi (luôn liệt kê khi chạy thử).")
def import_command(path: Path, dry_run: bool, as_json: bool, number: str | None, verbose: bool) -> None:
    """Nhập kế hoạch từ văn bản (.docx, .pdf, .doc, .html, .txt, .md) — import a plan document."""
    # The document is kept with the version the import makes (issue 12), as an upload through the site is.
    source_file = source_file_name(path.name)
    try:
        # A dry run writes nothing to the database (on SQLite it works on a private copy).
        with private_copy() if dry_run else nullcontext():
            report = import_document(path.read_bytes(), path.name, now=utcnow(), number=number, source_file=source_file)
    except PlanImportError as exc:
        db.session.rollback()
        _fail(f"{path.name}: {str(exc).rstrip('.')}. Không có dữ liệu nào bị thay đổi.")
    except Exception:
        db.session.rollback()
        raise
    if dry_run:
        db.session.rollback()
    else:
        if report.version is not None:
            keep_source(current_app.config["IMPORT_DIR"], source_file, path.read_bytes())
        db.session.commit()
    if as_json:
        _print_json(report.as_dict())
        return
    verb = "Sẽ nhập (chạy thử, chưa lưu)" if dry_run else "Đã nhập"
    click.echo(
        f"{verb} kế hoạch {report.plan}: {report.items} nhiệm vụ, {report.assignments} phân công, "
        f"{report.targets} chỉ tiêu; tạo mới {report.created}, cập nhật {report.updated}."
    )
    if verbose or dry_run:
        for change in report.changes:
            click.echo(f"  - {change}")
    for warning in report.warnings:
        click.echo(f"Cảnh báo: {warning}")
    for entry in report.unparsed_deadlines:
        click.echo(f"Chưa đọc được hạn của nhiệm vụ {entry['item']}: “{entry['text']}” — cần đặt ngày.")
    for entry in report.unknown_units:
        click.echo(f"Đơn vị không có trong danh mục: “{entry['name']}” ({entry['where']}).")
    if report.not_understood:
        click.echo(f"Không hiểu được {len(report.not_understood)} đoạn (không nhập; sửa văn bản rồi nhập lại):")
        for entry in report.not_understood:
            reason = f" — {entry['reason']}" if entry.get("reason") else ""
            click.echo(f"  {entry['where']}: “{entry['text']}”{reason}")


@plan_cli.command("parse-deadline")
@click.argument("text")
@click.option("--year", type=int, help="Năm của kế hoạch (cho “Hàng năm”, “Tháng 8” …).")
def parse_deadline_command(text: str, year: int | None) -> None:
    """Đọc thử một thời hạn viết bằng tiếng Việt — parse a deadline."""
    _print_json(parse_deadline(text, year).as_dict())


@plan_cli.command("check-corpus")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--only", "only", help="Chỉ các tệp có tên chứa chuỗi này.")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
@click.option("--verbose", "-v", is_flag=True, help="Liệt kê từng chỗ sai, nhiệm vụ thiếu và nhiệm vụ thừa.")
@click.option("--strict", is_flag=True, help="Thoát với mã 1 khi chưa đạt các ngưỡng chấp nhận (dùng trong CI).")
def check_corpus_command(folder: Path, only: str | None, as_json: bool, verbose: bool, strict: bool) -> None:
    """Nhập thử từng văn bản của thư mục (mỗi văn bản có NAME.expected.json) vào cơ sở dữ liệu nháp và so
    với kết quả đã kiểm tay — score the importer on a folder of hand-checked plans."""
    documents = [(path, expected) for path, expected in corpus_documents(folder) if not only or only in path.name]
    if not documents:
        _fail(f"{folder}: không có văn bản nào kèm tệp .expected.json.")
    totals = Totals()
    scores = []
    with tempfile.TemporaryDirectory(prefix="tracker-corpus-") as scratch_dir:
        scratch = create_scratch_app(Path(scratch_dir))
        with scratch.app_context():
            db.create_all()
            for path, expected in documents:
                score = check_document(path, expected, now=utcnow())
                totals.add(score)
                scores.append(score)
            db.session.remove()
            db.engine.dispose()
    missed = shortfalls(totals)
    if as_json:
        _print_json({"documents": [s.as_dict() for s in scores], "totals": totals.as_dict(), "shortfalls": missed})
    else:
        click.echo(
            f"{'tệp':<40} {'tìm':>7} {'chủ trì':>7} {'phối hợp':>8} {'thời hạn':>8} {'thừa':>4} "
            f"{'chỉ tiêu':>8} {'không hiểu':>10} {'giây':>5}"
        )
        for s in scores:
            click.echo(
                f"{s.file:<40} {s.found:>3}/{s.expected_items:<3} {s.lead_exact:>7} {s.coordinating_exact:>8} "
                f"{s.deadline_exact:>8} {s.invented:>4} {s.targets_found:>4}/{s.expected_targets:<3} "
                f"{s.not_understood:>10} {s.seconds:>5.2f}" + (f"  TỪ CHỐI: {s.refused}" if s.refused else "")
            )
            if verbose:
                for index, what, wanted, seen in s.mismatches:
                    click.echo(f"    #{index + 1} {what}: cần {wanted!r}, đọc được {seen!r}")
                for task in s.missing:
                    click.echo(f"    thiếu: {task}")
                for task in s.extra:
                    click.echo(f"    thừa: {task}")
        click.echo(
            f"Tổng {totals.files} tệp, {totals.refused} bị từ chối: tìm thấy {totals.found}/"
            f"{totals.expected_items} nhiệm vụ ({totals.rate('found'):.1%}); chủ trì đúng "
            f"{totals.rate('lead_exact'):.1%}; phối hợp đúng {totals.rate('coordinating_exact'):.1%}; "
            f"thời hạn đúng {totals.rate('deadline_exact'):.1%}; {totals.invented} nhiệm vụ thừa; chỉ tiêu "
            f"{totals.targets_found}/{totals.expected_targets}; {totals.not_understood} đoạn không hiểu."
        )
        click.echo("Chưa đạt: " + "; ".join(missed) if missed else "Đạt mọi ngưỡng chấp nhận.")
    if strict and missed:
        sys.exit(1)


def create_scratch_app(folder: Path) -> Flask:
    """An app on an empty SQLite database in folder, for imports that must not touch the real data."""
    from . import create_app

    return create_app(
        {
            "DATABASE_URL": f"sqlite:///{folder / 'scratch.sqlite3'}",
            "SECRET_KEY": "scratch",
            "UPLOAD_DIR": str(folder / "uploads"),
            "LOG_LEVEL": "WARNING",
        }
    )


def _item_summary(item: ActionItem) -> dict:
    def names(role: str) -> list[str]:
        return [units[0].name if kind == "unit" else written for written, kind, units in item.mentions(role)]

    return {
        "reference": item.reference,
        "section": item.section.number,
        "stt": item.stt,
        "task": item.task,
        "lead": names("lead"),
        "coordinating": names("coordinating"),
        "expected_output": item.expected_output,
        "deadline": item.deadline_text,
        "due": item.due_on.isoformat() if item.due_on else None,
        "recurrence": item.recurrence,
        "ongoing": item.is_ongoing,
        "deadline_parsed": item.is_deadline_parsed,
        "assignments": [a.unit.name for a in item.assignments if a.is_active],
    }


@plan_cli.command("show")
@click.option("--plan", "number", help="Số hiệu kế hoạch; mặc định là kế hoạch duy nhất đã nhập.")
@click.option("--json", "as_json", is_flag=True, help="In dạng JSON.")
def show_command(number: str | None, as_json: bool) -> None:
    """Liệt kê các nhiệm vụ của kế hoạch — list the plan's items."""
    query = select(Plan).options(
        selectinload(Plan.sections)
        .selectinload(PlanSection.items)
        .options(
            selectinload(ActionItem.units).selectinload(ItemUnit.unit),
            selectinload(ActionItem.assignments),
        )
    )
    plans = list(db.session.scalars(query.where(Plan.number == number) if number else query))
    if not plans:
        _fail(f"không có kế hoạch {number}." if number else "chưa nhập kế hoạch nào.")
    if len(plans) > 1:
        _fail("có nhiều kế hoạch; chọn một bằng --plan: " + ", ".join(p.number for p in plans))
    plan = plans[0]
    items = [_item_summary(item) for section in plan.sections for item in section.items]
    if as_json:
        _print_json({"plan": plan.number, "title": plan.title, "year": plan.year, "items": items})
        return
    click.echo(f"Kế hoạch {plan.number} — {plan.title}")
    for entry in items:
        due = entry["due"] or ("thường xuyên" if entry["ongoing"] else "chưa xác định")
        click.echo(f"{entry['reference']:>6}  {entry['task'].splitlines()[0][:70]}")
        click.echo(
            f"        chủ trì: {'; '.join(entry['lead']) or '—'} | phối hợp: {'; '.join(entry['coordinating']) or '—'}"
        )
        click.echo(
            f"        thời hạn: {entry['deadline']} → {due}{' (hằng năm)' if entry['recurrence'] else ''}"
            f" | {len(entry['assignments'])} phân công"
        )


@units_cli.command("load")
@click.argument("path", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
def load_units_command(path: Path | None) -> None:
    """Nạp/cập nhật danh mục đơn vị từ tệp .xlsx, .csv hoặc JSON (mặc định seeds/units.json)."""
    from .units_import import SUFFIXES, UnitFileError, load_unit_file, read_unit_file

    path = path or Path(current_app.config["SEEDS_DIR"]) / "units.json"
    if path.suffix.lower() in SUFFIXES:
        try:
            changes = load_unit_file(read_unit_file(path.read_bytes(), path.name))
        except UnitFileError as exc:
            db.session.rollback()
            _fail("Không nạp đơn vị nào:\n" + "\n".join(exc.errors))
        db.session.commit()
        created = sum(1 for c in changes if c.action == "create")
        updated = sum(1 for c in changes if c.action == "update")
        click.echo(f"Danh mục đơn vị: tạo mới {created}, cập nhật {updated}.")
        return
    try:
        report = load_units(path)
    except UnitDirectoryError as exc:
        db.session.rollback()
        _fail(str(exc))
    db.session.commit()
    click.echo(f"Danh mục đơn vị: tạo mới {len(report.created)}, cập nhật {len(report.updated)}.")


@users_cli.command("create")
@click.option("--email", required=True, help="Địa chỉ thư điện tử (tên đăng nhập).")
@click.option("--role", required=True, type=click.Choice(ROLES), help="Vai trò.")
@click.option("--unit", "unit_ref", help="Mã hoặc tên đơn vị (bắt buộc với unit_head, unit_staff).")
@click.option("--name", default="", help="Họ và tên.")
@click.option("--password", help="Mật khẩu; nếu bỏ trống, đọc một dòng từ đầu vào chuẩn (stdin).")
def create_user_command(email: str, role: str, unit_ref: str | None, name: str, password: str | None) -> None:
    """Tạo tài khoản — create a user."""
    unit = None
    if unit_ref:
        unit = find_unit(unit_ref)
        if unit is None:
            _fail(f"không có đơn vị “{unit_ref}” (dùng mã như VPC hoặc tên đầy đủ).")
    if password is None:
        password = sys.stdin.readline().rstrip("\n")
    try:
        user = create_user(email=email, role=role, password=password, unit=unit, name=name, now=utcnow())
    except AccountError as exc:
        db.session.rollback()
        _fail(str(exc))
    db.session.commit()
    click.echo(f"Đã tạo tài khoản {user.email} ({ROLE_LABELS[user.role]}{' — ' + unit.name if unit else ''}).")


@users_cli.command("reset-password")
@click.option("--email", required=True, help="Tài khoản cần đặt lại mật khẩu.")
def reset_password_command(email: str) -> None:
    """Đặt lại mật khẩu: mật khẩu cũ hết hiệu lực, mọi phiên đăng nhập kết thúc; in liên kết dùng một lần
    (hiệu lực 24 giờ) để người đó tự đặt mật khẩu mới — reset a password, print a one-time link."""
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        _fail(f"không có tài khoản {email}.")
    try:
        token = reset_by_hand(user, now=utcnow())
    except AccountError as exc:
        db.session.rollback()
        _fail(str(exc))
    db.session.commit()
    click.echo(reset_url(token))  # only the link on stdout, for a script


@users_cli.command("token")
@click.option("--email", required=True, help="Tài khoản được cấp mã.")
@click.option("--name", default="", help="Tên gợi nhớ của mã (vd. máy chủ báo cáo).")
def create_token_command(email: str, name: str) -> None:
    """Tạo mã truy cập API cá nhân; chỉ in mã ra đầu ra chuẩn — create a personal API token."""
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        _fail(f"không có tài khoản {email}.")
    if not user.is_active:
        _fail(f"tài khoản {user.email} đã bị khóa; mã truy cập của tài khoản này không dùng được.")
    try:
        plain, _token = create_token(user, name, now=utcnow())
    except ApiTokenError as exc:
        db.session.rollback()
        _fail(str(exc))
    db.session.commit()
    click.echo(plain)  # only the token on stdout, so a script can capture it


@demo_cli.command("setup")
def demo_setup_command() -> None:
    """Nạp danh mục đơn vị, kế hoạch mẫu, tài khoản trình diễn và một ít tiến độ — load the demo."""
    seeds = Path(current_app.config["SEEDS_DIR"])
    report = load_units(seeds / "units.json")
    plan = import_document((seeds / SEED_PLAN_FILE).read_bytes(), SEED_PLAN_FILE, now=utcnow())
    accounts = make_accounts(Path(current_app.instance_path) / "demo-accounts.txt", now=utcnow())
    changes = add_life(plan.plan)
    db.session.commit()
    click.echo(f"Danh mục đơn vị: tạo mới {len(report.created)}, cập nhật {len(report.updated)}.")
    click.echo(
        f"Kế hoạch {plan.plan}: {plan.items} nhiệm vụ, {plan.assignments} phân công; "
        f"tạo mới {plan.created}, cập nhật {plan.updated}."
    )
    for warning in plan.warnings:
        click.echo(f"Cảnh báo: {warning}")
    if changes:
        click.echo(f"Đã thêm {changes} cập nhật tiến độ và báo cáo số liệu mẫu.")
    click.echo("Tài khoản trình diễn (mật khẩu lưu trong instance/demo-accounts.txt):")
    for account in accounts:
        unit = f" — {account.unit}" if account.unit else ""
        click.echo(f"  {account.email:<28} {account.password:<18} {ROLE_LABELS[account.role]}{unit}")


def _kpi_plan(plan_ref: str | None) -> Plan | None:
    """The plan named by --plan (id or number as written); None for Decision 1872's counts."""
    if not plan_ref:
        return None
    query = (
        select(Plan).where(Plan.id == int(plan_ref))
        if plan_ref.isdigit()
        else select(Plan).where(Plan.number == plan_ref)
    )
    plan = db.session.scalar(query)
    if plan is None:
        _fail(f"không có kế hoạch “{plan_ref}”.")
    return plan


def _reading_text(ratio: Ratio | None, indicator: Indicator | IndicatorFacts) -> str:
    """An indicator's value as the command line prints it: a percentage, or a count with its unit."""
    if ratio is None or ratio.value is None:
        return "chưa có số liệu"
    if ratio.kind == "count":
        return f"{int(ratio.value)} {indicator.unit_of_measure}".strip()
    return format_percent(ratio.value)


@kpi_cli.command("report")
@click.argument("unit_ref", metavar="UNIT")
@click.option("--as-of", "as_of", required=True, type=click.DateTime(["%Y-%m-%d"]), help="Ngày số liệu (YYYY-MM-DD).")
@click.option(
    "--counts",
    "counts_file",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Tệp JSON chứa các số liệu (theo khóa của chỉ tiêu).",
)
@click.option(
    "--plan", "plan_ref", help="Kế hoạch có chỉ tiêu riêng (id hoặc số hiệu); bỏ trống: 8 số đếm theo Quyết định 1872."
)
def kpi_report_command(unit_ref: str, as_of, counts_file: Path, plan_ref: str | None) -> None:
    """Ghi nhận số liệu của một đơn vị — report a unit's figures."""
    unit = find_unit(unit_ref)
    if unit is None:
        _fail(f"không có đơn vị “{unit_ref}”.")
    plan = _kpi_plan(plan_ref)
    try:
        data = json.loads(counts_file.read_text(encoding="utf-8"))
    except ValueError as exc:
        _fail(f"{counts_file.name}: không đọc được JSON ({exc}).")
    if not isinstance(data, dict):
        keys = plan_definition(plan).keys if plan is not None and plan.kpi_scheme == "plan" else FIELDS
        _fail(f"{counts_file.name}: cần một đối tượng JSON với các số liệu: {', '.join(keys)}.")
    try:
        report = record_figures(
            unit, data, plan=plan, as_of=as_of.date(), today=today(), now=utcnow(), reporter=None, source="cli"
        )
    except (InconsistentFigures, FiguresRefused) as exc:
        db.session.rollback()
        _fail(f"{unit.name}: {exc} Không có số liệu nào được lưu.")
    db.session.commit()
    if report.plan_id is None:
        shown = ", ".join(f"({r.number}) {format_percent(r.value)}" for r in ratios(Counts.from_mapping(data)))
    else:
        indicators = list(
            db.session.scalars(select(Indicator).where(Indicator.plan_id == report.plan_id).order_by(Indicator.number))
        )
        assert plan is not None  # the report is this plan's
        values = readings(definition_of(plan, indicators), report.figures)
        shown = ", ".join(f"({i.number}) {_reading_text(values.get(i.number), i)}" for i in indicators)
    click.echo(f"Đã ghi nhận số liệu của {unit.name} tính đến {report.as_of:%d/%m/%Y}: {shown}.")


@kpi_cli.command("show")
@click.argument("unit_ref", metavar="[UNIT]", required=False)
@click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), help="Số liệu mới nhất tính đến ngày này.")
@click.option("--json", "as_json", is_flag=True, help="In dạng JSON.")
def kpi_show_command(unit_ref: str | None, as_of, as_json: bool) -> None:
    """Tỷ lệ và mức đạt chỉ tiêu của các đơn vị — show ratios and attainment."""
    unit_ids = None
    if unit_ref:
        unit = find_unit(unit_ref)
        if unit is None:
            _fail(f"không có đơn vị “{unit_ref}”.")
        unit_ids = [unit.id]
    standings = kpi_by_unit(unit_ids=unit_ids, as_of=as_of.date() if as_of else None)
    if as_json:
        _print_json({"units": [standing_as_json(s) for s in standings]})
        return
    for standing in standings:
        when = f"tính đến {standing.latest.as_of:%d/%m/%Y}" if standing.latest else "chưa có số liệu"
        click.echo(f"{standing.unit.name} ({standing.group.name}, kế hoạch {standing.plan.number}) — {when}")
        for result in standing.results:
            ratio = result.ratio
            actual = _reading_text(ratio, result.indicator)
            gap = ""
            shortfall = result.attainment.gap_points
            if (
                result.attainment.status == "not_met"
                and ratio is not None
                and ratio.kind == "count"
                and shortfall is not None
            ):
                gap = f", thiếu {float(shortfall):g} {result.indicator.unit_of_measure}".rstrip()
            elif result.attainment.status == "not_met":
                gap = f", thiếu {format_points(result.attainment.gap_points)}"
            click.echo(f"  ({result.indicator.number}) {actual} — {STATUS_LABELS[result.attainment.status]}{gap}")


@reminders_cli.command("sweep")
@click.option("--date", "day", type=click.DateTime(["%Y-%m-%d"]), help="Ngày (mặc định: hôm nay).")
@click.option("--dry-run", is_flag=True, help="Chỉ liệt kê, không đưa thư vào hàng đợi.")
@click.option("--json", "as_json", is_flag=True, help="In dạng JSON.")
def sweep_command(day, dry_run: bool, as_json: bool) -> None:
    """Lập các thư nhắc của một ngày — plan the day's reminder emails (each once)."""
    target = day.date() if day else today()
    result = sweep(target, now=utcnow(), dry_run=dry_run)
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    if as_json:
        _print_json(result.as_json(created_only=not dry_run))
        return
    shown = result.as_json(created_only=not dry_run)
    verb = "Sẽ lập" if dry_run else "Đã lập"
    click.echo(f"{verb} {len(shown['messages'])} thư nhắc cho ngày {target:%d/%m/%Y}.")
    for message in shown["messages"]:
        kinds = ", ".join(f"{e['kind']} {e['item'] or ''}".strip() for e in message["entries"])
        click.echo(f"  {message['unit']}: {kinds}")
    for name in shown["units_without_address"]:
        click.echo(f"Cảnh báo: {name} không có địa chỉ thư điện tử; chưa gửi được thư nhắc.")


@reminders_cli.command("dispatch")
def dispatch_command() -> None:
    """Gửi các thư đang chờ — send the pending emails."""
    report = dispatch(backend_from_config(current_app.config), now=utcnow(), sender=current_app.config["MAIL_FROM"])
    click.echo(f"Đã gửi {len(report.sent)} thư; {len(report.retrying)} thư sẽ thử lại; {len(report.failed)} thư lỗi.")


@scheduler_cli.command("run")
def scheduler_run_command() -> None:
    """Chạy tiến trình lập lịch (dừng bằng Ctrl+C) — run the scheduler process."""
    from .scheduler import run

    # The app itself, not the proxy: the scheduler's threads have no app context to resolve it in.
    run(current_app._get_current_object())  # type: ignore[attr-defined]  # typed as Flask, a LocalProxy


@jobs_cli.command("run")
@click.option("--once", is_flag=True, help="Chạy các việc đang chờ rồi dừng (run what is queued, then stop).")
def jobs_run_command(once: bool) -> None:
    """Chạy các việc nhập tệp lớn (dừng bằng Ctrl+C) — run queued imports, as the scheduler process does."""
    import time

    from .jobs import POLL_SECONDS, run_jobs

    while True:
        ran = run_jobs()
        db.session.remove()
        if once:
            click.echo(f"Đã chạy {ran} việc.")
            return
        time.sleep(POLL_SECONDS)  # pragma: no cover — runs until stopped


@backup_cli.command("create")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def backup_create_command(path: Path) -> None:
    """Sao lưu toàn bộ dữ liệu và tệp minh chứng vào một tệp .zip — back up everything."""
    try:
        summary = create_backup(path)
    except BackupError as exc:
        _fail(str(exc))
    click.echo(
        f"Đã sao lưu vào {summary.path}: {summary.tables} bảng, {format_count(summary.rows)} dòng, "
        f"{summary.files} tệp minh chứng; kích thước {describe_size(summary.size)} "
        f"(phiên bản cơ sở dữ liệu {summary.revision})."
    )
    for name in summary.missing_files:
        click.echo(
            f"Cảnh báo: không tìm thấy tệp minh chứng {name} trong thư mục tải lên; bản sao lưu không có tệp này."
        )


@backup_cli.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Xóa và thay thế dữ liệu đang có trong cơ sở dữ liệu đích.")
def backup_restore_command(path: Path, force: bool) -> None:
    """Phục hồi dữ liệu và tệp minh chứng từ tệp sao lưu — restore a backup."""
    try:
        summary = restore_backup(path, force=force)
    except BackupError as exc:
        _fail(str(exc))
    replaced = f" (đã thay thế {format_count(summary.replaced_rows)} dòng cũ)" if summary.replaced_rows else ""
    click.echo(
        f"Đã phục hồi từ {path} (sao lưu lúc {summary.created_at}, phiên bản cơ sở dữ liệu {summary.revision}): "
        f"{summary.tables} bảng, {format_count(summary.rows)} dòng, {summary.files} tệp minh chứng{replaced}."
    )
    for name in summary.missing_files:
        click.echo(f"Cảnh báo: tệp minh chứng {name} đã thiếu khi sao lưu nên không được phục hồi.")


# Issue 17: monthly snapshots, taken by hand to catch up on a month the scheduler missed.
snapshots_cli = AppGroup("snapshots", help="Số liệu chốt hằng tháng (monthly snapshots).")


@snapshots_cli.command("take")
@click.option("--month", "month_text", required=True, help="Tháng cần chốt số liệu (YYYY-MM).")
def snapshots_take_command(month_text: str) -> None:
    """Chốt số liệu của một tháng cho mọi kế hoạch chưa có — freeze a month's figures."""
    from .rules.kpi import Period
    from .snapshots import take_snapshot

    year, _, month = month_text.partition("-")
    try:
        period = Period(int(year), int(month))
    except ValueError:
        _fail(f"tháng “{month_text}” không đúng dạng YYYY-MM.")
    if period.last_day >= today():
        _fail(f"tháng {period.month}/{period.year} chưa kết thúc.")
    created = take_snapshot(period, now=utcnow())
    db.session.commit()
    click.echo(f"Đã chốt số liệu tháng {period.month}/{period.year}: {len(created)} kế hoạch mới chốt.")


def register_cli(app: Flask) -> None:
    app.cli.add_command(plan_cli)
    app.cli.add_command(units_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(kpi_cli)
    app.cli.add_command(reminders_cli)
    app.cli.add_command(scheduler_cli)
    app.cli.add_command(backup_cli)
    app.cli.add_command(snapshots_cli)
    app.cli.add_command(jobs_cli)
