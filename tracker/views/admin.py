"""Admin: user accounts, the unit directory, plan import with a dry run, deadlines and unknown names to fix
by hand, the reminder rules, and the email log."""

from __future__ import annotations

import re
import secrets
import time
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..accounts import AccountError, create_user, rebind, set_active
from ..accounts_import import WELCOME_LINK_LIFETIME, create_accounts, read_account_file
from ..accounts_import import template_xlsx as accounts_template_xlsx
from ..clock import today, utcnow
from ..extensions import db
from ..formatting import format_date
from ..forms import (
    AccountsFileForm,
    DueDateForm,
    EmptyForm,
    KeptUnitFileForm,
    KeptUploadForm,
    MapNameForm,
    PlanUploadForm,
    RebindForm,
    ReminderRulesForm,
    UnitEditForm,
    UnitFileForm,
    UserForm,
    add_error,
)
from ..jobs import WORKER_COMMAND, enqueue, own_job, runs_in_request, status_of
from ..labels import gettext, ngettext
from ..league import load_settings as load_score_settings  # issue 17
from ..league import save_settings as save_score_settings  # issue 17
from ..mailer import backend_from_config
from ..models import ImportJob, OutboxMessage, Plan, Unit, UnitGroup, User
from ..models.emails import MESSAGE_STATES
from ..monitoring import groups_of_units
from ..outbox import dispatch, resend
from ..password_resets import HANDED_LINK_LIFETIME, admin_reset, reset_url
from ..plan_admin import (
    AdminFixError,
    collectives,
    create_units_from_names,
    group_members_by_plan,
    items_needing_a_date,
    looks_like_one_unit,
    map_collective,
    map_name_to_unit,
    set_due_date,
    unit_levels,
    unknown_names,
)
from ..plan_import import PlanImportError, PlanNumberMissing, import_document
from ..plan_import.dry_run import dry_run
from ..plan_import.upsert import ImportReport
from ..plan_versions import keep_source, source_file_name
from ..reminders import load_rules, load_send_time, save_rules
from ..rules import reminders as reminder_rules_module
from ..rules.names import fold_name
from ..rules.permissions import MANAGE_SETTINGS, MANAGE_USERS, ROLE_LABELS, VIEW_EMAIL_LOG
from ..rules.score import SETTING_FIELDS, ScoreSettings, settings_problems  # issue 17
from ..table_files import TableFileError
from ..units import UnitChanges, UnitInvalid, save_unit
from ..units_import import LEVELS as UNIT_LEVELS
from ..units_import import SUFFIXES as UNIT_FILE_SUFFIXES
from ..units_import import UnitFileError, load_unit_file, plan_unit_file, read_unit_file
from ..units_import import template_csv as units_template_csv
from ..units_import import template_xlsx as units_template_xlsx
from .access import require
from .labels import EMAIL_KIND_LABELS, label, say
from .league import ScoreSettingsForm  # issue 17

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _unit_choices() -> list[tuple[str, str]]:
    units = db.session.scalars(select(Unit).where(Unit.is_active).order_by(Unit.name))
    return [("", gettext("— không gắn đơn vị —"))] + [(str(u.id), f"{u.name} ({u.code})") for u in units]


def _unit(value: str | None) -> Unit | None:
    return db.session.get(Unit, int(value)) if value and value.isdigit() else None


def _page(
    form: UserForm, status: int = 200, reset: tuple[User, str] | None = None, file_errors: list[str] | None = None
):
    users = list(db.session.scalars(select(User).order_by(User.role, User.email).options(selectinload(User.unit))))
    rebind_forms = {}
    for user in users:
        rebind_form = RebindForm(prefix=f"u{user.id}")
        rebind_form.unit.choices = form.unit.choices
        rebind_form.role.data = user.role
        rebind_form.unit.data = str(user.unit_id or "")
        rebind_forms[user.id] = rebind_form
    return render_template(
        "admin/users.html",
        users=users,
        form=form,
        rebind_forms=rebind_forms,
        toggle_form=EmptyForm(),
        role_labels=ROLE_LABELS,
        reset=reset,
        file_form=AccountsFileForm(),
        file_errors=file_errors or [],
        reset_hours=int(HANDED_LINK_LIFETIME.total_seconds() // 3600),
    ), status


@bp.route("/users", methods=["GET", "POST"])
def users():
    require(MANAGE_USERS)
    form = UserForm()
    form.unit.choices = _unit_choices()
    if form.validate_on_submit():
        try:
            user = create_user(
                email=form.email.data or "",
                role=form.role.data,
                password=form.password.data or "",
                unit=_unit(form.unit.data),
                name=form.name.data or "",
                now=utcnow(),
            )
        except AccountError as exc:
            db.session.rollback()
            add_error(form.email, say(exc))
            return _page(form, 422)
        db.session.commit()
        flash(
            gettext("Đã tạo tài khoản %(email)s (%(role)s).", email=user.email, role=label(ROLE_LABELS[user.role])),
            "success",
        )
        return redirect(url_for("admin.users"))
    return _page(form, 422 if form.errors else 200)


@bp.post("/users/import")
def import_users():
    """Accounts for every person a file lists, or none: the errors by row and column otherwise. Each person
    gets an email with a one-time link to set a password."""
    require(MANAGE_USERS)
    form = UserForm(formdata=None)
    form.unit.choices = _unit_choices()
    file_form = AccountsFileForm()
    upload = request.files.get("file")
    if not file_form.validate_on_submit():
        abort(400)
    if upload is None or not upload.filename:
        return _page(form, 422, file_errors=[gettext("Hãy chọn tệp danh sách tài khoản (.xlsx hoặc .csv).")])
    try:
        rows = read_account_file(upload.read(), upload.filename)
        message_ids = create_accounts(rows, now=utcnow(), today=today(), created_by=current_user)
    except TableFileError as exc:
        db.session.rollback()
        return _page(form, 422, file_errors=exc.errors)
    db.session.commit()
    dispatch(
        backend_from_config(current_app.config),
        now=utcnow(),
        sender=current_app.config["MAIL_FROM"],
        only_ids=message_ids,
    )
    flash(
        ngettext(
            "Đã tạo %(num)d tài khoản; mỗi người nhận thư có liên kết đặt mật khẩu (dùng một lần, trong "
            "%(days)s ngày).",
            "Đã tạo %(num)d tài khoản; mỗi người nhận thư có liên kết đặt mật khẩu "
            "(dùng một lần, trong %(days)s ngày).",
            len(rows),
            days=WELCOME_LINK_LIFETIME.days,
        ),
        "success",
    )
    return redirect(url_for("admin.users"))


@bp.get("/users/template.xlsx")
def users_template():
    require(MANAGE_USERS)
    return Response(
        accounts_template_xlsx(),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": 'attachment; filename="mau-danh-sach-tai-khoan.xlsx"'},
    )


@bp.post("/users/<int:user_id>/active")
def toggle_active(user_id: int):
    require(MANAGE_USERS)
    user = db.session.get(User, user_id) or abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if user.id == current_user.id:
        flash(gettext("Bạn không thể tự khóa tài khoản của mình."), "error")
        return redirect(url_for("admin.users"))
    set_active(user, not user.is_active, now=utcnow())
    db.session.commit()
    if user.is_active:
        flash(gettext("Đã mở khóa tài khoản %(email)s.", email=user.email), "success")
    else:
        flash(gettext("Đã khóa tài khoản %(email)s.", email=user.email), "success")
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>/password")
def reset_password(user_id: int):
    """Reset a person's password: their sessions end, the old password stops working, and a one-time link to
    set a new one is shown on this response only (never stored in the clear, never flashed)."""
    require(MANAGE_USERS)
    user = db.session.get(User, user_id) or abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        token = admin_reset(user, actor=current_user, now=utcnow())
    except AccountError as exc:
        db.session.rollback()
        flash(say(exc), "error")
        return redirect(url_for("admin.users"))
    db.session.commit()
    form = UserForm(formdata=None)
    form.unit.choices = _unit_choices()
    return _page(form, 201, reset=(user, reset_url(token)))


@bp.post("/users/<int:user_id>/role")
def change_role(user_id: int):
    require(MANAGE_USERS)
    user = db.session.get(User, user_id) or abort(404)
    form = RebindForm(prefix=f"u{user.id}")
    form.unit.choices = _unit_choices()
    if not form.validate_on_submit():
        abort(400)
    try:
        rebind(user, role=form.role.data, unit=_unit(form.unit.data))
    except AccountError as exc:
        db.session.rollback()
        flash(f"{user.email}: {say(exc)}", "error")
        return redirect(url_for("admin.users"))
    db.session.commit()
    role = label(ROLE_LABELS[user.role])
    if user.unit:
        flash(
            gettext(
                "Đã đổi vai trò của %(email)s: %(role)s — %(unit)s. Các phiên đăng nhập của người này đã kết thúc.",
                email=user.email,
                role=role,
                unit=user.unit.name,
            ),
            "success",
        )
    else:
        flash(
            gettext(
                "Đã đổi vai trò của %(email)s: %(role)s. Các phiên đăng nhập của người này đã kết thúc.",
                email=user.email,
                role=role,
            ),
            "success",
        )
    return redirect(url_for("admin.users"))


@bp.route("/reminders", methods=["GET", "POST"])
def reminder_rules():
    """The reminder rules (offsets, repeats, copies, send time, each kind on or off) and the units that
    cannot receive reminders because they have no address."""
    require(MANAGE_SETTINGS)
    current = load_rules()
    form = ReminderRulesForm()
    problems: list[str] = []
    if request.method == "GET":
        form.send_time.data = load_send_time() or current_app.config["SEND_TIME"]
        form.before_days.data = ", ".join(str(d) for d in current.before_days)
        for name in (
            "overdue_repeat_days",
            "ongoing_repeat_days",
            "progress_period_days",
            "kpi_repeat_days",
            "digest_weekday",
            "copy_it_centre_on_overdue",
            "coordinators_get_before",
        ):
            getattr(form, name).data = getattr(current, name)
        for kind in reminder_rules_module.KINDS:
            getattr(form, f"kind_{kind}").data = kind in current.enabled
    elif form.validate_on_submit():
        try:
            before = tuple(
                int(part) for part in (form.before_days.data or "").replace(";", ",").split(",") if part.strip()
            )
        except ValueError:
            before = ()
            problems.append(gettext("Số ngày nhắc trước hạn phải là các số nguyên, cách nhau bằng dấu phẩy."))
        new = replace(
            current,
            before_days=before,
            overdue_repeat_days=form.overdue_repeat_days.data or 0,
            ongoing_repeat_days=form.ongoing_repeat_days.data or 0,
            progress_period_days=form.progress_period_days.data or 0,
            kpi_repeat_days=form.kpi_repeat_days.data or 0,
            digest_weekday=form.digest_weekday.data,
            copy_it_centre_on_overdue=form.copy_it_centre_on_overdue.data,
            coordinators_get_before=form.coordinators_get_before.data,
            enabled=frozenset(k for k in reminder_rules_module.KINDS if getattr(form, f"kind_{k}").data),
        )
        problems += [] if problems else new.validate()
        if not problems:
            save_rules(new, send_time=form.send_time.data or "", actor_id=current_user.id, now=utcnow())
            db.session.commit()
            flash(gettext("Đã lưu quy tắc nhắc hạn; áp dụng từ lần gửi tiếp theo."), "success")
            return redirect(url_for("admin.reminder_rules"))
    no_address = list(
        db.session.scalars(
            select(Unit)
            .where(
                Unit.is_active,
                (Unit.head_email.is_(None) | (Unit.head_email == "")),
                (Unit.focal_email.is_(None) | (Unit.focal_email == "")),
            )
            .order_by(Unit.name)
        )
    )
    status = 422 if (problems or form.errors) else 200
    return render_template(
        "admin/reminders.html", form=form, problems=problems, no_address=no_address, kinds=reminder_rules_module.KINDS
    ), status


EMAILS_PER_PAGE = 50


@bp.get("/emails")
def emails():
    """The email log: every message with its status, attempts, last reply and text; filtered by status,
    unit and kind."""
    require(VIEW_EMAIL_LOG)
    status = request.args.get("status") or None
    status = status if status in MESSAGE_STATES else None
    kind = request.args.get("kind") or None
    kind = kind if kind in EMAIL_KIND_LABELS else None
    units = list(
        db.session.scalars(
            select(Unit).where(Unit.id.in_(select(OutboxMessage.unit_id).distinct())).order_by(Unit.name)
        )
    )
    unit = next((u for u in units if u.code == request.args.get("unit")), None)
    page = max(request.args.get("page", 1, type=int), 1)
    conditions = []
    if kind is not None:
        conditions.append(OutboxMessage.kind == kind)
    if unit is not None:
        conditions.append(OutboxMessage.unit_id == unit.id)
    query = select(OutboxMessage).where(*conditions)
    if status is not None:
        query = query.where(OutboxMessage.status == status)
    listing = db.paginate(
        query.order_by(OutboxMessage.id.desc()).options(selectinload(OutboxMessage.unit)),
        page=page,
        per_page=EMAILS_PER_PAGE,
        error_out=False,
        count=True,
    )
    # The counts beside each status follow the unit and kind chosen, so they add up to what is listed.
    counts = dict(
        db.session.execute(
            select(OutboxMessage.status, func.count()).where(*conditions).group_by(OutboxMessage.status)
        ).all()
    )
    filters = {"unit": unit.code if unit else None, "kind": kind}
    return render_template(
        "admin/emails.html",
        messages=listing.items,
        status=status,
        page=page,
        total=listing.total or 0,
        per_page=EMAILS_PER_PAGE,
        counts=counts,
        states=MESSAGE_STATES,
        resend_form=EmptyForm(),
        units=units,
        unit=unit,
        kind=kind,
        kinds=EMAIL_KIND_LABELS,
        filters=filters,
    )


@bp.post("/emails/<int:message_id>/resend")
def resend_email(message_id: int):
    """Queue a failed message again (after the cause was fixed)."""
    require(MANAGE_SETTINGS)
    message = db.session.get(OutboxMessage, message_id) or abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        resend(message, now=utcnow())
    except ValueError:
        flash(gettext("Chỉ gửi lại được thư đã gửi thất bại."), "error")
    else:
        db.session.commit()
        flash(gettext("Đã đưa thư #%(id)s vào hàng đợi gửi lại.", id=message.id), "success")
    return redirect(url_for("admin.emails", status="failed"))


# --- Units -----------------------------------------------------------------------------------------


@bp.get("/units")
def units():
    """The unit directory: names, codes, aliases, addresses, levels and Appendix 1 groups; ?level= filters."""
    require(MANAGE_SETTINGS)
    level = " ".join(request.args.get("level", "").split())
    query = select(Unit).order_by(Unit.name).options(selectinload(Unit.aliases))
    if level:
        query = query.where(Unit.level == level)
    rows = list(db.session.scalars(query))
    memberships = groups_of_units({u.id for u in rows})
    levels = sorted(set(db.session.scalars(select(Unit.level).where(Unit.level != "").distinct())), key=fold_name)
    return render_template("admin/units.html", units=rows, memberships=memberships, levels=levels, level=level)


def _units_file_dir() -> Path:
    return _import_dir() / "units"


def _kept_unit_file(token: str, suffix: str) -> Path | None:
    return _kept_file(_units_file_dir(), token, suffix, UNIT_FILE_SUFFIXES)


@bp.route("/units/import", methods=["GET", "POST"])
def import_units():
    """Upload the unit directory as .xlsx/.csv: every cell is checked and a preview says what will be created
    or updated; nothing is saved until confirmed."""
    require(MANAGE_SETTINGS)
    form = UnitFileForm()
    if not form.validate_on_submit():
        return render_template("admin/units_import.html", form=form), 422 if form.errors else 200
    upload = request.files.get(form.file.name)
    if upload is None or not upload.filename:
        form.file.errors.append(gettext("Hãy chọn tệp danh mục đơn vị (.xlsx hoặc .csv)."))
        return render_template("admin/units_import.html", form=form), 422
    data, suffix = upload.read(), Path(upload.filename).suffix.lower()
    try:
        changes = plan_unit_file(read_unit_file(data, upload.filename))
    except UnitFileError as exc:
        db.session.rollback()
        return render_template("admin/units_import.html", form=form, errors=exc.errors, filename=upload.filename), 422
    token = _keep_upload(_units_file_dir(), data, suffix)
    return render_template(
        "admin/units_import.html",
        form=form,
        changes=changes,
        filename=upload.filename,
        confirm=KeptUnitFileForm(token=token, suffix=suffix),
    )


@bp.post("/units/import/confirm")
def confirm_units_import():
    """Load the previewed unit file (all rows or none), or drop it when cancelled."""
    require(MANAGE_SETTINGS)
    form = KeptUnitFileForm()
    if not form.validate_on_submit() and form.csrf_token.errors:
        abort(400)
    path = None if form.errors else _kept_unit_file(form.token.data or "", form.suffix.data or "")
    if path is None:
        flash(gettext("Bản xem trước đã hết hạn hoặc đã huỷ; hãy tải tệp lên lại."), "error")
        return redirect(url_for("admin.import_units"))
    if request.form.get("cancel"):
        path.unlink(missing_ok=True)
        flash(gettext("Đã huỷ: không có đơn vị nào được lưu."), "success")
        return redirect(url_for("admin.import_units"))
    try:
        changes = load_unit_file(read_unit_file(path.read_bytes(), path.name))
    except UnitFileError as exc:  # the directory changed since the preview
        db.session.rollback()
        return render_template("admin/units_import.html", form=UnitFileForm(), errors=exc.errors), 422
    db.session.commit()
    path.unlink(missing_ok=True)
    flash(
        gettext(
            "Đã nạp danh mục đơn vị: tạo mới %(created)s, cập nhật %(updated)s.",
            created=sum(1 for c in changes if c.action == "create"),
            updated=sum(1 for c in changes if c.action == "update"),
        ),
        "success",
    )
    return redirect(url_for("admin.units"))


@bp.get("/units/template.<any(xlsx, csv):kind>")
def units_template(kind: str):
    """The directory as a file to fill in: the headings the loader reads and the current units."""
    require(MANAGE_SETTINGS)
    rows = list(db.session.scalars(select(Unit).order_by(Unit.name).options(selectinload(Unit.aliases))))
    if kind == "xlsx":
        data, mimetype = units_template_xlsx(rows), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        data, mimetype = units_template_csv(rows), "text/csv; charset=utf-8"
    return Response(
        data, mimetype=mimetype, headers={"Content-Disposition": f"attachment; filename=danh-muc-don-vi.{kind}"}
    )


def _plan_group_fields(unit: Unit | None) -> list[tuple[Plan, list[UnitGroup], int | None]]:
    plans = list(
        db.session.scalars(select(Plan).order_by(Plan.year.desc(), Plan.number).options(selectinload(Plan.sections)))
    )
    groups = list(db.session.scalars(select(UnitGroup).order_by(UnitGroup.number)))
    current = group_members_by_plan(unit) if unit is not None and unit.id else {}
    return [
        (plan, [g for g in groups if g.plan_id == plan.id], current[plan.id].group_id if plan.id in current else None)
        for plan in plans
        if any(g.plan_id == plan.id for g in groups)
    ]


@bp.route("/units/new", methods=["GET", "POST"], defaults={"unit_id": None})
@bp.route("/units/<int:unit_id>", methods=["GET", "POST"])
def edit_unit(unit_id: int | None):
    require(MANAGE_SETTINGS)
    unit = (db.session.get(Unit, unit_id) or abort(404)) if unit_id else None
    form = UnitEditForm(obj=unit) if request.method == "GET" and unit else UnitEditForm()
    if request.method == "GET":
        form.aliases.data = "\n".join(a.alias for a in unit.aliases) if unit else ""
        if unit is None:
            form.is_active.data = True
    plan_groups = _plan_group_fields(unit)
    problems: dict[str, str] = {}
    if form.validate_on_submit():
        groups = {plan.id: (request.form.get(f"group-{plan.id}", type=int) or None) for plan, _, _ in plan_groups}
        try:
            saved = save_unit(
                unit,
                UnitChanges(
                    code=form.code.data or "",
                    name=form.name.data or "",
                    aliases=[line for line in (form.aliases.data or "").splitlines() if line.strip()],
                    head_email=form.head_email.data or "",
                    focal_email=form.focal_email.data or "",
                    is_active=form.is_active.data,
                    level=form.level.data or "",
                    groups=groups,
                ),
            )
        except UnitInvalid as exc:
            db.session.rollback()
            problems = exc.problems
            for name, message in problems.items():
                if hasattr(form, name):
                    getattr(form, name).errors.append(message)
        else:
            db.session.commit()
            flash(gettext("Đã lưu đơn vị %(name)s.", name=saved.name), "success")
            return redirect(url_for("admin.units"))
    status = 422 if (problems or form.errors) else 200
    return render_template(
        "admin/unit_edit.html",
        form=form,
        unit=unit,
        plan_groups=plan_groups,
        problems=problems,
        levels=_levels_offered(),
    ), status


def _levels_offered() -> list[str]:
    """Levels to pick from: those in the directory, then the usual ones."""
    known = list(db.session.scalars(select(Unit.level).where(Unit.level != "").distinct()))
    return sorted(set(known) | set(UNIT_LEVELS), key=fold_name)


# --- Plan import ------------------------------------------------------------------------------------
# Upload → preview (a dry run, rolled back) → confirm or cancel. The uploaded file is kept under a random
# token between the steps; "create these as new units" and a number typed in re-run the preview on it.

IMPORT_SUFFIXES = (".txt", ".md", ".docx", ".html", ".htm", ".pdf", ".doc", ".rtf", ".odt", ".mht", ".mhtml")
# A preview nobody confirmed or cancelled leaves its file behind; the next upload removes such files.
_KEPT_FOR = timedelta(days=1)
# Past this many items the sections start folded, so the page stays readable on a phone; a folded section
# longer than a chunk opens a chunk at a time.
_FOLD_AFTER = 50
_CHUNK = 50
# Past this many, the rows not understood and a re-import's changes start folded.
_LIST_OPEN_UP_TO = 30
# The codes of newly created units named in the confirmation, at most.
_CODES_SHOWN = 12
# Names created as units in one go, at most (a document names a few dozen).
_NAMES_AT_MOST = 500
# A name that goes on, after a comma or "và", with another agency or a plural ("UBND thành phố Hà Nội,
# Thành phố Hồ Chí Minh"; "Mặt trận Tổ quốc Việt Nam và các tổ chức thành viên") reads as several units;
# "Bộ Văn hóa, Thể thao và Du lịch" does not.
_NEXT_AGENCY_RE = re.compile(
    r"(?:[,;]|\svà)\s+(?:(?:các|những|mọi)\s|(?:UBND|HĐND|Ủy ban|Uỷ ban|Sở|Bộ|Cục|Chi cục|Tổng cục|Vụ|Viện|"
    r"Học viện|Ban|Văn phòng|Trung tâm|Thành phố|Tỉnh|Huyện|Quận|Thị xã|Công an|Đài|Báo|Hội|Liên đoàn|"
    r"Ngân hàng|Kho bạc|Trường|Đại học|Bệnh viện|Tòa án|Toà án|Viện kiểm sát|Tỉnh đoàn|Thành đoàn|Mặt trận|"
    r"Tập đoàn|Tổng công ty|Công ty)(?!\w))"
)
# "“old” → “new”" in a change told in words.
_OLD_TO_NEW_RE = re.compile(r"“([^”]*)” → “([^”]*)”")
# The prefix that tells a later appendix's sections apart in the stored number ("PLII.I" is section I of
# Appendix II); the preview shows the section under its appendix, so without it.
_APPENDIX_PREFIX_RE = re.compile(r"^PL[^.\s]*(?:\.|$)")


def _import_dir() -> Path:
    return Path(current_app.config["IMPORT_DIR"])


def _kept_path(token: str, suffix: str) -> Path | None:
    """The kept plan document for a token, or None when the token is malformed or the file is gone."""
    return _kept_file(_import_dir(), token, suffix, IMPORT_SUFFIXES)


def _kept_file(folder: Path, token: str, suffix: str, suffixes: tuple[str, ...]) -> Path | None:
    """An upload kept in `folder` between its preview and its confirmation; None when the token or suffix is
    malformed or the file is gone."""
    if suffix not in suffixes or re.fullmatch(r"[0-9a-f]{32}", token or "") is None:
        return None
    path = folder / f"{token}{suffix}"
    return path if path.is_file() else None


def _keep_upload(folder: Path, data: bytes, suffix: str) -> str:
    """Keep an upload in `folder` until it is confirmed or cancelled (older ones there go first); its token."""
    _sweep_kept_uploads(folder)
    folder.mkdir(parents=True, exist_ok=True)
    token = secrets.token_hex(16)
    (folder / f"{token}{suffix}").write_bytes(data)
    return token


def _sweep_kept_uploads(folder: Path) -> None:
    # File times are the machine's clock, not the app's (possibly pinned) "today". Only the folder's own files
    # go: the versions' source documents and the unit files (folders of their own) stay.
    if folder.is_dir():
        for path in folder.iterdir():
            if path.is_file() and time.time() - path.stat().st_mtime > _KEPT_FOR.total_seconds():
                path.unlink(missing_ok=True)


@dataclass(frozen=True)
class Amending:
    """The admin's mark that the uploaded document amends a plan already held: the plan, and the decision's
    number and date when typed (else read from the document); and the note the version is saved with."""

    plan: Plan | None = None
    decision_number: str = ""
    decision_date: date | None = None
    note: str = ""

    @classmethod
    def read(
        cls, amends: str | None, decision_number: str | None, decision_date: str | date | None, note: str | None = ""
    ) -> Amending:
        plan = db.session.get(Plan, int(amends)) if amends and amends.isdigit() else None
        if isinstance(decision_date, str):
            try:
                decision_date = date.fromisoformat(decision_date)
            except ValueError:
                decision_date = None
        return cls(
            plan,
            " ".join((decision_number or "").split())[:120],
            decision_date or None,
            " ".join((note or "").split())[:500],
        )

    def fields(self) -> dict[str, str]:
        """As the preview's forms carry it."""
        return {
            "amends": str(self.plan.id) if self.plan else "",
            "decision_number": self.decision_number,
            "decision_date": self.decision_date.isoformat() if self.decision_date else "",
            "note": self.note,
        }

    def kwargs(self) -> dict:
        return {
            "amends": self.plan,
            "decision_number": self.decision_number,
            "decision_date": self.decision_date,
            "note": self.note,
        }


NOT_AMENDING = Amending()


def _plan_choices() -> list[tuple[str, str]]:
    return [("", gettext("— Không: kế hoạch mới hoặc nhập lại chính kế hoạch đó —"))] + [
        (str(plan_id), f"{number} — {title}"[:160])
        for plan_id, number, title in db.session.execute(select(Plan.id, Plan.number, Plan.title).order_by(Plan.number))
    ]


def _dry_run(data: bytes, filename: str, number: str, amending: Amending = NOT_AMENDING) -> ImportReport:
    """What importing the document would do, nothing written (see tracker.plan_import.dry_run)."""
    return dry_run(data, filename, now=utcnow(), number=number or None, **amending.kwargs())


def _unknown_names(report) -> list[tuple[str, list[str]]]:
    """Each unknown name once (spelling variants together), with the places it is written."""
    found: dict[str, tuple[str, list[str]]] = {}
    for entry in report.unknown_units:
        found.setdefault(fold_name(entry["name"]), (entry["name"], []))[1].append(entry["where"])
    return list(found.values())


def _offered_names(report) -> list[dict]:
    """The unknown names as offered to become units: ticked when the name reads as one unit."""
    return [
        {"name": name, "places": places, "ticked": looks_like_one_unit(name) and _NEXT_AGENCY_RE.search(name) is None}
        for name, places in _unknown_names(report)
    ]


def _shown_item(item: dict) -> dict:
    """A previewed item with its due date as a date and whether a person should look at it."""
    attention = bool(item["unknown"]) or not item["lead"] or (bool(item["deadline_text"]) and not item["parsed"])
    return {**item, "due_on": date.fromisoformat(item["due"]) if item["due"] else None, "attention": attention}


def _chunks(items: list[dict], fold: bool) -> list[list[dict]]:
    """A folded section's items a chunk at a time, so one huge section opens in readable parts."""
    if not fold or len(items) <= _CHUNK:
        return [items]
    return [items[start : start + _CHUNK] for start in range(0, len(items), _CHUNK)]


def _appendices_with_sections(report, fold: bool) -> list[dict]:
    """The previewed items under their sections, the sections under their appendix, in document order."""
    groups = [
        {"number": s["number"], "title": s["title"], "appendix": s.get("appendix", ""), "items": []}
        for s in report.sections
    ]
    by_number = {g["number"]: g for g in groups}
    for item in map(_shown_item, report.items_preview):
        group = by_number.get(item["section"])
        if group is None:
            group = by_number[item["section"]] = {"number": item["section"], "title": "", "appendix": "", "items": []}
            groups.append(group)
        group["items"].append(item)
    appendices: list[dict] = []
    for group in groups:
        shown = _APPENDIX_PREFIX_RE.sub("", group["number"]) if group["appendix"] else group["number"]
        section = {
            **group,
            "shown_number": shown,
            "flagged": sum(1 for i in group["items"] if i["attention"]),
            "chunks": _chunks(group["items"], fold),
        }
        if not appendices or appendices[-1]["name"] != group["appendix"]:
            appendices.append({"name": group["appendix"], "sections": []})
        appendices[-1]["sections"].append(section)
    return appendices


def _told(change: str) -> list[tuple[str, str, str]]:
    """A change told in words, cut into (text before, old, new) parts so the page can mark old and new."""
    parts, start = [], 0
    for match in _OLD_TO_NEW_RE.finditer(change):
        parts.append((change[start : match.start()], match.group(1), match.group(2)))
        start = match.end()
    parts.append((change[start:], None, None))
    return parts


def render_preview(
    report, *, token: str, suffix: str, filename: str, number: str, amending: Amending = NOT_AMENDING
) -> str:
    """The preview page of a dry run's import report (made in the request, or by a worker and kept)."""
    existing = None
    if report.plan:
        existing = db.session.execute(
            select(Plan.id, Plan.title, Plan.source_name).where(Plan.number == report.plan)
        ).first()
    fold = report.items > _FOLD_AFTER
    shown_items = [_shown_item(item) for item in report.items_preview]
    return render_template(
        "admin/import.html",
        form=PlanUploadForm(),
        report=report,
        token=token,
        suffix=suffix,
        filename=filename,
        number=number,
        is_reimport=existing is not None,
        existing=existing,
        appendices=_appendices_with_sections(report, fold),
        unknown=_offered_names(report),
        targets=[
            {**target, "due_on": date.fromisoformat(target["due"]) if target["due"] else None}
            for target in report.targets_preview
        ],
        changes=[_told(change) for change in report.changes],
        fold=fold,
        list_open_up_to=_LIST_OPEN_UP_TO,
        flagged=sum(1 for item in shown_items if item["attention"]),
        unread=sum(1 for item in shown_items if item["deadline_text"] and not item["parsed"]),
        leaderless=sum(1 for item in shown_items if not item["lead"]),
        amend=amending.fields(),
        plan_choices=_plan_choices(),
        amend_missing=_amend_missing(report, amending),
        amend_date=date.fromisoformat(report.decision_date) if report.decision_date else None,
    )


def _amend_missing(report, amending: Amending) -> list[str]:
    """What an amendment still needs before it can be confirmed (its decision's number, its date)."""
    if amending.plan is None:
        return []
    missing = []
    if not report.decision_number:
        missing.append(gettext("số quyết định sửa đổi"))
    if not report.decision_date:
        missing.append(gettext("ngày quyết định sửa đổi"))
    return missing


def _preview(data: bytes, filename: str, *, token: str, suffix: str, number: str, amending: Amending = NOT_AMENDING):
    """Read the document and work out what importing it would save, writing nothing: the page shows it. A big
    document is previewed by a worker outside the request: the job's page follows it."""
    if not runs_in_request(data, suffix, "plan"):
        return _queue("plan_preview", token=token, suffix=suffix, filename=filename, number=number, amending=amending)
    try:
        report = _dry_run(data, filename, number, amending)
    except PlanImportError as exc:
        (_import_dir() / f"{token}{suffix}").unlink(missing_ok=True)
        form = PlanUploadForm()
        form.amends.choices = _plan_choices()
        return render_template("admin/import.html", form=form, error=say(exc).rstrip("."), filename=filename), 422
    return render_preview(report, token=token, suffix=suffix, filename=filename, number=number, amending=amending)


def _queue(kind: str, *, token: str, suffix: str, filename: str, number: str, amending: Amending):
    job = enqueue(
        kind,
        user=current_user,
        token=token,
        suffix=suffix,
        filename=filename,
        params={"number": number, **amending.fields()},
        now=datetime.now(UTC),
    )
    db.session.commit()
    return redirect(url_for("admin.import_job", job_id=job.id))


def _own_job(job_id: int) -> ImportJob:
    """A plan import job the signed-in person queued (404 for anyone else's)."""
    job = own_job(job_id, ("plan_preview", "plan_import"), current_user.id)
    if job is None:
        abort(404)
    return job


@bp.get("/import/jobs/<int:job_id>")
def import_job(job_id: int):
    """A plan's preview or import run by a worker: its progress, then the preview (or the import's result)."""
    require(MANAGE_SETTINGS)
    job = _own_job(job_id)
    params = job.params
    if job.state == "done" and job.kind == "plan_preview" and job.result is not None:
        amending = Amending.read(
            params.get("amends"), params.get("decision_number"), params.get("decision_date"), params.get("note")
        )
        return render_preview(
            ImportReport(**job.result),
            token=job.token,
            suffix=job.suffix,
            filename=job.filename,
            number=params.get("number", ""),
            amending=amending,
        )
    result = job.result or {}
    done_message = ""
    if job.state == "done":
        done_message = gettext(
            "Đã nhập kế hoạch %(plan)s: tạo mới %(created)s, cập nhật %(updated)s.",
            plan=result.get("plan", ""),
            created=result.get("created", 0),
            updated=result.get("updated", 0),
        )
        if result.get("cancelled"):
            done_message += " " + gettext(
                "Đã bãi bỏ %(num)s nhiệm vụ không còn trong văn bản: %(refs)s.",
                num=len(result["cancelled"]),
                refs=", ".join(result["cancelled"]),
            )
    return render_template(
        "admin/import_job.html",
        job=job,
        title=gettext("Xem trước văn bản kế hoạch") if job.kind == "plan_preview" else gettext("Nhập kế hoạch"),
        status=status_of(job, datetime.now(UTC)),
        status_url=url_for("admin.import_job_status", job_id=job.id),
        worker_command=WORKER_COMMAND,
        back_url=url_for("admin.import_plan"),
        done_message=done_message,
        result_url=url_for("plans.show", plan_id=result["plan_id"]) if result.get("plan_id") else None,
        result_label=gettext("Mở kế hoạch"),
    )


@bp.get("/import/jobs/<int:job_id>/status")
def import_job_status(job_id: int):
    """A plan import job's state and progress, as JSON, for its page to poll."""
    require(MANAGE_SETTINGS)
    return status_of(_own_job(job_id), datetime.now(UTC))


@bp.route("/import", methods=["GET", "POST"])
def import_plan():
    """Upload a plan document: a dry run shows what would be created or changed; nothing is saved yet."""
    require(MANAGE_SETTINGS)
    form = PlanUploadForm()
    form.amends.choices = _plan_choices()
    if not form.validate_on_submit():
        return render_template("admin/import.html", form=form), 422 if form.errors else 200
    upload = request.files.get(form.file.name)
    if upload is not None and upload.filename:
        filename = upload.filename
        suffix = Path(filename).suffix.lower()
        if suffix not in IMPORT_SUFFIXES:
            form.file.errors.append(
                gettext("Chỉ nhận tệp .docx, .doc, .pdf, .html, .htm, .txt, .md, .rtf, .odt hoặc .mht.")
            )
            return render_template("admin/import.html", form=form), 422
        data = upload.read()
    elif (form.text.data or "").strip():
        # Pasted text is read as a text file (tables copied from Word arrive tab-separated).
        filename, suffix = gettext("van-ban-dan.txt"), ".txt"
        data = (form.text.data or "").replace("\r\n", "\n").encode("utf-8")
    else:
        form.file.errors.append(gettext("Hãy chọn tệp văn bản kế hoạch hoặc dán nội dung văn bản vào ô bên dưới."))
        return render_template("admin/import.html", form=form), 422
    amending = Amending.read(form.amends.data, form.decision_number.data, form.decision_date.data, form.note.data)
    if form.amends.data and amending.plan is None:
        add_error(form.amends, gettext("Kế hoạch được chọn không còn trong hệ thống: hãy chọn lại."))
        return render_template("admin/import.html", form=form), 422
    token = _keep_upload(_import_dir(), data, suffix)
    return _preview(data, filename, token=token, suffix=suffix, number=form.number.data or "", amending=amending)


@bp.get("/import/preview")
def import_preview():
    """The preview again, for the kept upload: after units were created, or with the number typed in."""
    require(MANAGE_SETTINGS)
    token, suffix = request.args.get("token", ""), request.args.get("suffix", "")
    path = _kept_path(token, suffix)
    if path is None:
        flash(gettext("Bản xem trước đã hết hạn hoặc đã huỷ; hãy tải văn bản lên lại."), "error")
        return redirect(url_for("admin.import_plan"))
    number = " ".join(request.args.get("number", "").split())[:80]
    amending = Amending.read(
        request.args.get("amends"),
        request.args.get("decision_number"),
        request.args.get("decision_date"),
        request.args.get("note"),
    )
    return _preview(
        path.read_bytes(),
        request.args.get("filename") or path.name,
        token=token,
        suffix=suffix,
        number=number,
        amending=amending,
    )


def _kept_upload_posted() -> tuple[KeptUploadForm, Path | None]:
    """The posted form naming a kept upload (400 without a valid CSRF token), and the upload's file."""
    form = KeptUploadForm()
    if not form.validate_on_submit() and form.csrf_token.errors:
        abort(400)
    path = None if form.errors else _kept_path(form.token.data or "", form.suffix.data or "")
    if path is None:
        flash(gettext("Bản xem trước đã hết hạn hoặc đã huỷ; hãy tải văn bản lên lại."), "error")
    return form, path


def _back_to_preview(form: KeptUploadForm):
    return redirect(
        url_for(
            "admin.import_preview",
            token=form.token.data,
            suffix=form.suffix.data,
            filename=form.filename.data or None,
            number=form.number.data or None,
            amends=form.amends.data or None,
            decision_number=form.decision_number.data or None,
            decision_date=form.decision_date.data or None,
            note=form.note.data or None,
        )
    )


@bp.post("/import/confirm")
def confirm_import():
    """Save the previewed document."""
    require(MANAGE_SETTINGS)
    form, path = _kept_upload_posted()
    if path is None:
        return redirect(url_for("admin.import_plan"))
    filename = form.filename.data or path.name
    amending = Amending.read(form.amends.data, form.decision_number.data, form.decision_date.data, form.note.data)
    if form.amends.data and amending.plan is None:
        flash(gettext("Kế hoạch được đánh dấu là được sửa đổi không còn trong hệ thống: hãy chọn lại."), "error")
        return redirect(url_for("admin.import_plan"))
    if not runs_in_request(data := path.read_bytes(), path.suffix, "plan"):
        return _queue(
            "plan_import",
            token=form.token.data or "",
            suffix=form.suffix.data or "",
            filename=filename,
            number=form.number.data or "",
            amending=amending,
        )
    # The uploaded document is kept with the version it makes (under the import folder's versions folder).
    source_file = source_file_name(path.name)
    try:
        report = import_document(
            data,
            filename,
            now=utcnow(),
            number=form.number.data or None,
            actor=current_user,
            source_file=source_file,
            **amending.kwargs(),
        )
    except PlanNumberMissing:
        report = None
    except PlanImportError as exc:
        db.session.rollback()
        flash(say(exc), "error")
        return redirect(url_for("admin.import_plan"))
    if report is None or report.number_missing:
        db.session.rollback()
        flash(gettext("Văn bản không ghi số hiệu: hãy nhập số hiệu rồi xem trước lại trước khi xác nhận."), "error")
        return _back_to_preview(form)
    if missing := _amend_missing(report, amending):
        db.session.rollback()
        flash(
            gettext(
                "Văn bản sửa đổi cần có %(what)s: hãy nhập ở mục “Văn bản sửa đổi” rồi xem trước lại.",
                what=", ".join(missing),
            ),
            "error",
        )
        return _back_to_preview(form)
    if report.version is not None:
        keep_source(_import_dir(), source_file, data)
    db.session.commit()
    path.unlink(missing_ok=True)
    flash(
        gettext(
            "Đã nhập kế hoạch %(plan)s: tạo mới %(created)s, cập nhật %(updated)s.",
            plan=report.plan,
            created=report.created,
            updated=report.updated,
        ),
        "success",
    )
    if report.cancelled:
        flash(
            gettext(
                "Đã bãi bỏ %(num)s nhiệm vụ không còn trong văn bản: %(refs)s.",
                num=len(report.cancelled),
                refs=", ".join(entry["reference"] for entry in report.cancelled),
            ),
            "info",
        )
    plan = db.session.scalars(select(Plan).where(Plan.number == report.plan)).one()  # just saved
    return redirect(url_for("plans.show", plan_id=plan.id))


@bp.post("/import/cancel")
def cancel_import():
    """Drop the previewed document: its kept file is deleted and nothing is saved."""
    require(MANAGE_SETTINGS)
    _form, path = _kept_upload_posted()
    if path is not None:
        path.unlink(missing_ok=True)
        flash(gettext("Đã huỷ: không có gì được lưu và tệp vừa tải lên đã được xoá."), "success")
    return redirect(url_for("admin.import_plan"))


@bp.post("/import/units")
def import_create_units():
    """Create the names ticked on the preview as new units, then preview again so the names resolve. Names
    the directory already knows and collectives are left out by create_units_from_names, so the document
    need not be read again here."""
    require(MANAGE_SETTINGS)
    form, path = _kept_upload_posted()
    if path is None:
        return redirect(url_for("admin.import_plan"))
    units = create_units_from_names(request.form.getlist("names")[:_NAMES_AT_MOST])
    db.session.commit()
    if units:
        codes = ", ".join(u.code for u in units[:_CODES_SHOWN]) + (", …" if len(units) > _CODES_SHOWN else "")
        flash(
            gettext(
                "Đã tạo %(count)s đơn vị mới (%(codes)s). Sửa mã, thêm địa chỉ thư ở Quản trị › Đơn vị.",
                count=len(units),
                codes=codes,
            ),
            "success",
        )
        for unit in units:
            for alias in unit.aliases:
                flash(
                    gettext(
                        "“%(alias)s” được ghi nhận là cách viết tắt của %(name)s, không tạo đơn vị riêng.",
                        alias=alias.alias,
                        name=unit.name,
                    ),
                    "info",
                )
    else:
        flash(gettext("Không tạo đơn vị nào: hãy chọn ít nhất một tên chưa có trong danh mục."), "error")
    return _back_to_preview(form)


# --- Deadlines and unknown names -------------------------------------------------------------------


@bp.route("/deadlines", methods=["GET", "POST"])
def deadlines():
    """Deadline texts the grammar could not read, with a form to set each date by hand."""
    require(MANAGE_SETTINGS)
    items = items_needing_a_date()
    forms = {item.id: DueDateForm(prefix=f"i{item.id}") for item in items}
    if request.method == "POST":
        item_id = request.form.get("item", type=int)
        item = next((i for i in items if i.id == item_id), None) or abort(404)
        form = forms[item.id]
        if form.validate_on_submit():
            assert form.due_on.data is not None  # DataRequired
            try:
                set_due_date(item, form.due_on.data)
            except AdminFixError as exc:
                db.session.rollback()
                add_error(form.due_on, say(exc))
            else:
                db.session.commit()
                flash(
                    gettext(
                        "Đã đặt hạn %(day)s cho nhiệm vụ %(item)s.",
                        day=format_date(form.due_on.data),
                        item=item.reference,
                    ),
                    "success",
                )
                return redirect(url_for("admin.deadlines"))
        return render_template("admin/deadlines.html", items=items, forms=forms), 422
    return render_template("admin/deadlines.html", items=items, forms=forms)


@bp.route("/unknown-names", methods=["GET", "POST"])
def unknown_unit_names():
    """Names from imports that are not in the unit directory, each with a form to map it to a unit; and
    collectives that name no unit ("UBND cấp huyện"), each mapped to several units or to a level."""
    require(MANAGE_SETTINGS)
    active = list(db.session.scalars(select(Unit).where(Unit.is_active).order_by(Unit.name)))
    choices = [("", gettext("— chọn đơn vị —"))] + [(str(u.id), u.name) for u in active]
    form = MapNameForm()
    form.unit.choices = choices
    status = 200
    kept: dict = {}
    if request.method == "POST" and request.form.get("collective"):
        status, kept = _map_collective_posted({u.id: u for u in active})
        if status == 302:
            return redirect(url_for("admin.unknown_unit_names"))
    elif form.validate_on_submit():
        unit = db.session.get(Unit, int(form.unit.data)) if (form.unit.data or "").isdigit() else None
        if unit is None:
            flash(gettext("Hãy chọn đơn vị cho tên “%(name)s”.", name=form.written.data), "error")
            status = 422
        else:
            try:
                count = map_name_to_unit(form.written.data or "", unit, now=utcnow())
            except AdminFixError as exc:
                db.session.rollback()
                flash(say(exc), "error")
                status = 422
            else:
                db.session.commit()
                flash(
                    gettext(
                        "Đã ghi nhận “%(name)s” là %(unit)s (%(count)s chỗ được cập nhật); lần nhập sau sẽ tự nhận ra.",
                        name=form.written.data,
                        unit=unit.name,
                        count=count,
                    ),
                    "success",
                )
                return redirect(url_for("admin.unknown_unit_names"))
    return render_template(
        "admin/unknown_names.html",
        names=unknown_names(),
        choices=choices,
        form_token=EmptyForm(),
        collectives=collectives(),
        units=active,
        levels=unit_levels(),
        kept=kept,
    ), status


def _map_collective_posted(units: dict[int, Unit]) -> tuple[int, dict]:
    """Map (or unmap) the posted collective; (302, {}) when saved, else (422, what was posted)."""
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    written = request.form.get("collective", "")
    ids = [int(v) for v in request.form.getlist("units") if v.isdigit()]
    level = " ".join(request.form.get("level", "").split())
    kept = {"written": written, "units": set(ids), "level": level}
    if request.form.get("unmap"):
        ids, level = [], ""
    chosen = [units[i] for i in ids if i in units]
    if len(chosen) != len(ids):
        flash(gettext("Đơn vị đã chọn không còn hoạt động; hãy chọn lại."), "error")
        return 422, kept
    if not chosen and not level and not request.form.get("unmap"):
        flash(gettext("Hãy chọn ít nhất một đơn vị hoặc một cấp cho “%(name)s”.", name=written), "error")
        return 422, kept
    try:
        count = map_collective(written, chosen, level, actor_id=current_user.id, now=utcnow())
    except AdminFixError as exc:
        db.session.rollback()
        flash(say(exc), "error")
        return 422, kept
    db.session.commit()
    if chosen or level:
        flash(
            gettext(
                "Đã gắn “%(name)s” với các đơn vị đã chọn (%(count)s nhiệm vụ được giao lại); lần nhập sau sẽ tự giao.",
                name=written,
                count=count,
            ),
            "success",
        )
    else:
        flash(
            gettext(
                "Đã bỏ gắn “%(name)s” (%(count)s nhiệm vụ; các phân công đã có được giữ, chuyển sang không còn giao).",
                name=written,
                count=count,
            ),
            "success",
        )
    return 302, {}


# Issue 17: the score's weights, late credit and band thresholds (tracker.rules.score); the league shows them.
@bp.route("/score", methods=["GET", "POST"])
def score_settings():
    """The score's weights (summing to 100), the late completion's credit and the bands' thresholds."""
    require(MANAGE_SETTINGS)
    form = ScoreSettingsForm()
    problems: dict[str, str] = {}
    if request.method == "GET":
        current = load_score_settings()
        for name in SETTING_FIELDS:
            getattr(form, name).data = getattr(current, name)
    elif form.validate_on_submit():
        new = ScoreSettings(**{name: getattr(form, name).data for name in SETTING_FIELDS})
        problems = settings_problems(new)
        if not problems:
            save_score_settings(new, actor_id=current_user.id, now=utcnow())
            db.session.commit()
            flash(gettext("Đã lưu cách tính điểm; bảng xếp hạng tháng này tính theo cách mới."), "success")
            return redirect(url_for("admin.score_settings"))
        for name, message in problems.items():
            getattr(form, name).errors = [*getattr(form, name).errors, message]
    status = 422 if (problems or form.errors) else 200
    return render_template("admin/score.html", form=form, defaults=ScoreSettings()), status
