"""Error responses: JSON under /api/, else a page rendered from a template (autoescaped).

A message often quotes what the request said (an unknown id, a bad date, a
file name); it reaches HTML only through the template, never as a raw body.
Flask's own errors (404, 405, 413, 500) get the same page.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, current_app, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from planner.errors import PlannerError
from planner.texts.interface import texts
from planner.web.answers import api_error_body
from planner.web.i18n import current_lang

__all__ = ["init_app"]

LOGGER = logging.getLogger(__name__)

TITLES = {
    "zh": {400: "请求有误", 401: "请先登录", 403: "没有权限", 404: "找不到页面或记录", 405: "不支持该请求方式",
           409: "数据已被他人修改", 413: "上传内容过大", 500: "服务器内部错误"},
    "en": {400: "Bad request", 401: "Sign in first", 403: "Not allowed", 404: "Not found",
           405: "Method not allowed", 409: "Changed by someone else", 413: "Upload too large",
           500: "Internal error"},
}
_MESSAGES = {
    404: ("there is no page at this address", "此地址没有页面"),
    405: ("this address does not accept that kind of request", "此地址不接受这种请求"),
    500: ("something went wrong on the server; the error was logged", "服务器出错，错误已记录"),
}


def _too_large() -> tuple[str, str]:
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if not limit:
        return "the upload is too large", "上传内容过大"
    size = (f"{limit / 2**20:.0f} MB" if limit >= 2**20
            else f"{limit / 2**10:.0f} KB" if limit >= 2**10 else f"{limit} B")
    return (f"the upload is larger than the limit of {size}: split the file or remove columns you do not need",
            f"上传内容超过 {size} 的上限：请拆分文件或删去不需要的列")


def error_response(status: int, en: str, zh: str, name: str) -> Response | tuple:
    """The answer for an error: JSON for the API, else the error page in the user's language."""
    lang = current_lang()
    message = zh if lang == "zh" else en
    if request.path.startswith("/api/"):
        return jsonify(api_error_body(name, message)), status
    title = TITLES[lang].get(status) or TITLES[lang][500 if status >= 500 else 400]
    try:
        return render_template("layout/error.html", t=texts(lang), lang=lang, status=status, title=title,
                               message=message), status
    except Exception:  # the page itself failed (a broken request state): plain text is inert too
        LOGGER.exception("error page for %s failed", status)
        return Response(f"{status} {title}: {message}", status=status, mimetype="text/plain")


def init_app(app: Flask) -> None:
    @app.errorhandler(PlannerError)
    def _planner_error(exc: PlannerError):
        return error_response(exc.http_status, exc.en, exc.zh, type(exc).__name__)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        if exc.code is None or exc.code < 400:
            return exc
        if isinstance(exc, RequestEntityTooLarge):
            en, zh = _too_large()
        else:
            en, zh = _MESSAGES.get(exc.code, (exc.description or exc.name, exc.description or exc.name))
        return error_response(exc.code, en, zh, type(exc).__name__)
