"""Request-wide guards: sign-in required everywhere but the sign-in page, safe redirects, error pages."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from flask import Flask, g, jsonify, make_response, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import MethodNotAllowed

from ..extensions import csrf
from ..labels import gettext
from ..labels import lazy_gettext as _l

log = logging.getLogger("tracker.requests")

# Endpoints anyone may open without signing in.
PUBLIC_ENDPOINTS = {
    "auth.login",
    "auth.language",
    "auth.forgot_password",
    "auth.reset_password",
    "static",
    "units.calendar",  # the feed checks its own token
    "api.openapi",  # the API's description, so a client can be set up before it has a token
    "health.healthz",
}  # for load balancers and monitors; tells nothing about the plan

ERROR_MESSAGES = {
    401: (_l("Cần đăng nhập"), _l("Vui lòng đăng nhập để tiếp tục.")),
    400: (_l("Yêu cầu không hợp lệ"), _l("Yêu cầu gửi lên không hợp lệ. Hãy tải lại trang và thử lại.")),
    403: (
        _l("Không có quyền"),
        _l("Bạn không có quyền xem hoặc thay đổi nội dung này. Nếu cần, hãy liên hệ quản trị viên."),
    ),
    404: (_l("Không tìm thấy trang"), _l("Trang bạn yêu cầu không tồn tại hoặc đã được chuyển đi.")),
    405: (_l("Thao tác không được hỗ trợ"), _l("Trang này không nhận thao tác vừa gửi.")),
    409: (
        _l("Xung đột dữ liệu"),
        _l("Nội dung vừa được người khác thay đổi. Thay đổi của bạn chưa được lưu: hãy xem lại rồi thử lại."),
    ),
    413: (_l("Tệp quá lớn"), _l("Tệp gửi lên vượt quá giới hạn cho phép. Hãy gửi tệp nhỏ hơn.")),
    429: (_l("Quá nhiều yêu cầu"), _l("Bạn đã thử quá nhiều lần. Vui lòng đợi một lúc rồi thử lại.")),
    503: (_l("Hệ thống đang bận"), _l("Hệ thống đang bận. Vui lòng thử lại sau ít giây.")),
    500: (
        _l("Đã xảy ra lỗi"),
        _l(
            "Hệ thống gặp lỗi khi xử lý yêu cầu. Vui lòng thử lại sau; nếu lỗi lặp lại, hãy báo cho quản trị viên mã lỗi."
        ),
    ),
}


def safe_next(target: str | None) -> str | None:
    """A redirect target only if it stays on this site (no open redirect)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def wants_json() -> bool:
    return request.path.startswith("/api/")


def error_response(status: int, message: str | None = None, code: str | None = None):
    """The error as JSON for the API, as a short page otherwise (in the interface language); always with the request id."""
    title, default = ERROR_MESSAGES.get(status, ERROR_MESSAGES[500])
    title, text = str(title), str(message or default)  # the lazy texts in the request's language
    if wants_json():
        body = {"error": {"code": code or title_code(status), "message": text, "request_id": g.get("request_id")}}
        return jsonify(body), status
    return render_template(
        "errors/error.html", status=status, title=title, message=text, request_id=g.get("request_id")
    ), status


def title_code(status: int) -> str:
    return {
        400: "bad_request",
        401: "unauthorized",
        403: "forbidden",
        404: "not_found",
        405: "method_not_allowed",
        409: "conflict",
        413: "too_large",
        429: "too_many_requests",
        503: "unavailable",
    }.get(status, "server_error")


def _has_bearer_token() -> bool:
    return request.path.startswith("/api/") and request.headers.get("Authorization", "")[:7].lower() == "bearer "


def _authenticated_by_token() -> bool:
    """Whether this API request's user came from its bearer token (views.auth's request loader), not a session."""
    return _has_bearer_token() and current_user.is_authenticated and bool(g.get("authenticated_by_token"))


def register_security(app: Flask) -> None:
    @app.before_request
    def _require_sign_in():
        if request.endpoint in PUBLIC_ENDPOINTS or request.endpoint is None:
            return None
        if not current_user.is_authenticated:
            if wants_json():
                if _has_bearer_token():
                    response, status = error_response(
                        401,
                        gettext("Mã truy cập không hợp lệ, đã bị thu hồi, hoặc tài khoản đã bị khóa."),
                        "invalid_token",
                    )
                    response.headers["WWW-Authenticate"] = 'Bearer error="invalid_token"'
                    return response, status
                response, status = error_response(401, gettext("Cần đăng nhập."), "unauthorized")
                response.headers["WWW-Authenticate"] = "Bearer"
                return response, status
            from ..extensions import login_manager

            return login_manager.unauthorized()
        return None

    @app.before_request
    def _check_csrf():
        # After the sign-in check, so a signed-out visitor is sent to sign in rather than told
        # that a form expired; every state-changing request carries the token (form field or
        # X-CSRFToken header).
        if request.method in ("POST", "PUT", "PATCH", "DELETE"):
            if isinstance(request.routing_exception, MethodNotAllowed):
                return None  # nothing will be changed: the answer is 405 with the methods the address takes
            if _authenticated_by_token():
                return None  # rights from a header no other site can make a browser send, not from a cookie
            csrf.protect()

    def _http_error(error):
        # A view's own message (abort(403, description=…)) is shown; Werkzeug's English defaults are not.
        custom = error.description if error.description != type(error).description else None
        response, status = error_response(error.code, custom)
        if isinstance(error, MethodNotAllowed) and error.valid_methods:
            response = make_response(response, status)
            response.headers["Allow"] = ", ".join(error.valid_methods)
        return response, status

    for status in (400, 401, 403, 404, 405, 409, 413, 429):
        app.register_error_handler(status, _http_error)

    @app.errorhandler(CSRFError)
    def _csrf(error):
        return error_response(
            400,
            gettext("Phiên làm việc của biểu mẫu đã hết hạn hoặc không hợp lệ. Hãy tải lại trang rồi gửi lại."),
            "csrf_failed",
        )

    @app.errorhandler(OperationalError)
    def _database_busy(error: OperationalError):
        if "database is locked" not in str(error.orig):
            log.exception("request %s failed: %s", g.get("request_id"), error)
            return error_response(500)
        # SQLite's one writer was busy longer than DB_BUSY_TIMEOUT: nothing was saved; say so and when to retry.
        log.warning("request %s: the database stayed locked", g.get("request_id"))
        response, status = error_response(
            503,
            gettext(
                "Hệ thống đang bận ghi dữ liệu khác nên chưa lưu được yêu cầu của bạn. Vui lòng thử lại sau ít giây."
            ),
            "database_busy",
        )
        response = make_response(response, status)
        response.headers["Retry-After"] = "5"
        return response, status

    @app.errorhandler(500)
    def _server_error(error):
        log.exception("request %s failed: %s", g.get("request_id"), error)
        return error_response(500)
