"""Signing in and out, a forgotten password (a one-time link by email), the account page (password change,
ending every session, personal API tokens), and the language."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from ..accounts import (
    AccountError,
    TooManyAttempts,
    active_sessions,
    authenticate,
    change_password,
    end_all_sessions,
    end_session,
    load_session_user,
    start_session,
)
from ..api_tokens import create_token, revoke_token, tokens_of, user_for_bearer
from ..clock import today, utcnow
from ..extensions import db
from ..forms import (
    EmptyForm,
    ForgotPasswordForm,
    LoginForm,
    PasswordForm,
    ReminderChoiceForm,
    ResetPasswordForm,
    TokenForm,
    add_error,
)
from ..labels import gettext
from ..labels import lazy_gettext as _l
from ..models import ApiToken, User
from ..password_resets import EMAILED_LINK_LIFETIME, TooManyResetRequests, request_reset, reset_with_token, valid_token
from ..rules.devices import describe_device
from .labels import say
from .security import safe_next

bp = Blueprint("auth", __name__)
LANGUAGES = {"vi": "Tiếng Việt", "en": "English"}


@bp.route("/login", methods=["GET", "POST"])
def login():
    """The sign-in form (email, password); failures are limited per account and per address."""
    if current_user.is_authenticated:
        return redirect(url_for("plans.home"))
    form = LoginForm()
    error = None
    throttled = False
    if form.validate_on_submit():
        try:
            user = authenticate(
                form.email.data or "", form.password.data or "", address=request.remote_addr or "?", now=utcnow()
            )
        except TooManyAttempts as exc:
            error = say(exc)
            throttled = True
            user = None
        if user is not None:
            _start_session(user)
        db.session.commit()
        if user is not None:
            _fresh_session()  # nothing from before sign-in carries over but the language
            login_user(user, remember=form.remember.data)
            flash(gettext("Xin chào %(name)s.", name=user.display_name), "success")
            return redirect(safe_next(request.args.get("next")) or url_for("plans.home"))
        error = error or gettext("Thư điện tử hoặc mật khẩu không đúng.")
    status = 429 if throttled else (200 if request.method == "GET" or not error else 401)
    return render_template("auth/login.html", form=form, error=error), status


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot_password():
    """ "Quên mật khẩu?": a one-time link goes by email (through the outbox) when the address has an account.
    The answer is the same whether it has one or not; requests are limited per address and per client."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        try:
            request_reset(form.email.data or "", address=request.remote_addr or "?", now=utcnow(), today=today())
        except TooManyResetRequests as exc:
            db.session.rollback()
            return render_template("auth/forgot_password.html", form=form, error=say(exc)), 429
        db.session.commit()  # the scheduler's next dispatch sends it: answering at once would tell who has an account
        return render_template(
            "auth/forgot_password_sent.html", minutes=int(EMAILED_LINK_LIFETIME.total_seconds() // 60)
        )
    return render_template("auth/forgot_password.html", form=form, error=None), 422 if form.errors else 200


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """The one-time link: set a new password; the link is spent and every session of the person ends."""
    if valid_token(token, now=utcnow()) is None:
        return render_template("auth/reset_password.html", form=None), 404
    form = ResetPasswordForm()
    if form.validate_on_submit():
        if form.new.data != form.confirm.data:
            add_error(form.confirm, gettext("Hai lần nhập mật khẩu mới không khớp."))
        else:
            try:
                reset_with_token(token, form.new.data or "", now=utcnow())
            except AccountError as exc:
                db.session.rollback()
                add_error(form.new, say(exc))
            else:
                db.session.commit()
                if current_user.is_authenticated:
                    logout_user()  # whoever was signed in on this browser: the new password is for its owner
                _fresh_session()
                flash(gettext("Đã đặt mật khẩu mới. Mọi phiên đăng nhập đã kết thúc; hãy đăng nhập lại."), "success")
                return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form), 422 if form.errors else 200


@bp.post("/logout")
@login_required
def logout():
    """Sign out: this sign-in ends for good, so a copy of its cookies opens nothing any more."""
    end_session(current_user, current_user.sign_in_id, now=utcnow())
    db.session.commit()
    logout_user()
    _fresh_session()
    flash(gettext("Bạn đã đăng xuất."), "success")
    return redirect(url_for("auth.login"))


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    """The signed-in user's account: change the password (ends other sessions) or sign out everywhere."""
    form = PasswordForm()
    if form.validate_on_submit():
        if form.new.data != form.confirm.data:
            add_error(form.confirm, gettext("Hai lần nhập mật khẩu mới không khớp."))
        else:
            try:
                change_password(current_user, current=form.current.data or "", new=form.new.data or "")
            except AccountError as exc:
                field = form.current if "hiện tại" in str(exc) else form.new
                add_error(field, say(exc))
            else:
                # The user, not the proxy: a proxy stored as the user would then resolve to itself forever.
                user = current_user._get_current_object()
                _start_session(user)  # this browser goes on in a sign-in of the new generation
                db.session.commit()
                login_user(user)
                flash(gettext("Đã đổi mật khẩu. Các phiên đăng nhập khác đã kết thúc."), "success")
                return redirect(url_for("auth.account"))
    return _account_page(form=form, status=422 if form.errors else 200)


def _account_page(
    *,
    form: PasswordForm | None = None,
    token_form: TokenForm | None = None,
    new_token: str | None = None,
    status: int = 200,
):
    """The account page; forms submitted elsewhere on it come back with their errors."""
    return render_template(
        "auth/account.html",
        form=form or PasswordForm(formdata=None),
        end_form=EmptyForm(),
        reminder_form=ReminderChoiceForm(
            formdata=None, prefix="reminders", receives_reminders=current_user.receives_reminders
        ),
        token_form=token_form or TokenForm(formdata=None, prefix="token"),
        revoke_form=EmptyForm(),
        sessions=[(s, describe_device(s.user_agent)) for s in active_sessions(current_user, now=utcnow())],
        tokens=tokens_of(current_user),
        new_token=new_token,
    ), status


@bp.post("/account/tokens")
@login_required
def create_api_token():
    """Make a personal API token; the token itself is on this response only (never stored, never flashed)."""
    token_form = TokenForm(prefix="token")
    if not token_form.validate_on_submit():
        return _account_page(token_form=token_form, status=422)
    plain, _token = create_token(current_user, token_form.name.data or "", now=utcnow())
    db.session.commit()
    return _account_page(new_token=plain, status=201)


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke_api_token(token_id: int):
    """Revoke one of the signed-in user's tokens; it stops working at its next use."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != current_user.id:
        abort(404)
    if EmptyForm().validate_on_submit():
        revoke_token(token, now=utcnow())
        db.session.commit()
        flash(
            gettext("Đã thu hồi mã truy cập “%(name)s” (%(prefix)s…).", name=token.name, prefix=token.prefix), "success"
        )
    return redirect(url_for("auth.account", _anchor="ma-truy-cap"))


@bp.post("/account/reminders")
@login_required
def reminder_choice():
    """A unit officer chooses whether the unit's reminder emails come to them."""
    form = ReminderChoiceForm(prefix="reminders")
    if not form.validate_on_submit():
        abort(400)
    current_user.receives_reminders = bool(form.receives_reminders.data)
    db.session.commit()
    flash(
        gettext("Bạn sẽ nhận thư nhắc việc của đơn vị.")
        if current_user.receives_reminders
        else gettext("Bạn sẽ không nhận thư nhắc việc của đơn vị nữa."),
        "success",
    )
    return redirect(url_for("auth.account", _anchor="nhac-viec"))


@bp.post("/account/sessions/end")
@login_required
def end_sessions():
    """Sign out of every device, this one included."""
    if EmptyForm().validate_on_submit():
        end_all_sessions(current_user)
        db.session.commit()
        logout_user()
        _fresh_session()
        flash(gettext("Đã đăng xuất khỏi mọi thiết bị."), "success")
    return redirect(url_for("auth.login"))


@bp.post("/account/sessions/<int:sign_in_id>/end")
@login_required
def end_one_session(sign_in_id: int):
    """End one of the signed-in user's sign-ins (another device, or this one)."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    this_one = sign_in_id == current_user.sign_in_id
    if not end_session(current_user, sign_in_id, now=utcnow()):
        abort(404)
    db.session.commit()
    if this_one:
        logout_user()
        _fresh_session()
        flash(gettext("Bạn đã đăng xuất."), "success")
        return redirect(url_for("auth.login"))
    flash(gettext("Đã kết thúc phiên đăng nhập đó."), "success")
    return redirect(url_for("auth.account", _anchor="phien"))


@bp.post("/language")
def language():
    """Switch the interface language (Vietnamese by default)."""
    lang = request.form.get("lang", "vi")
    if lang in LANGUAGES and EmptyForm().validate_on_submit():
        session["lang"] = lang
    return redirect(safe_next(request.form.get("next")) or url_for("plans.home"))


def _start_session(user: User) -> None:
    """A new sign-in record for this browser; login_user then puts its secret in the cookies."""
    start_session(user, address=request.remote_addr or "?", user_agent=request.user_agent.string or "", now=utcnow())


def _user_from_session(value: str) -> User | None:
    """The user the session (or remember-me) cookie names, if that sign-in is still valid."""
    user = load_session_user(value, now=utcnow())
    if user is not None and db.session.dirty:
        db.session.commit()  # the last-seen time, written at most every few minutes
    return user


def _fresh_session() -> None:
    """Empty the session (signing in or out), keeping only the interface language the user chose."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


def register_login(app) -> None:
    from ..extensions import login_manager

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Vui lòng đăng nhập để tiếp tục.")
    login_manager.localize_callback = str  # flashed in the request's language (a lazy text cannot be stored)
    login_manager.login_message_category = "info"
    login_manager.user_loader(_user_from_session)
    login_manager.request_loader(_user_from_bearer_token)


def _user_from_bearer_token(req) -> User | None:
    """The API's `Authorization: Bearer <token>`; Flask-Login asks only when no session is signed in."""
    if not req.path.startswith("/api/") or "Authorization" not in req.headers:
        return None  # tokens open the API only, never the pages and their forms
    user = user_for_bearer(req.headers["Authorization"], now=utcnow())
    if user is None:
        return None
    if db.session.dirty:
        # The last use (noted every few minutes) is committed now, kept even if the request then fails.
        db.session.commit()
    g.authenticated_by_token = True  # views.security lets such requests through without a CSRF token
    return user
