"""Error responses: JSON under /api/, else a page in the site's layout (autoescaped), in the user's language.

A message often quotes what the request said (an unknown id, a bad date, a
file name); it reaches HTML only through the template, never as a raw body.
Flask's own errors (400, 404, 405, 413, 500) get the same page; a refusal for
want of a role names the roles in words, not by their ids.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, current_app, g, has_request_context, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from planner.errors import PlannerError
from planner.registry.accounts import RoleRefusedError
from planner.texts.interface import LANGUAGES, texts
from planner.web.answers import api_error_body
from planner.web.i18n import current_lang

__all__ = ["error_response", "init_app"]

LOGGER = logging.getLogger(__name__)

# Flask's own errors (and any left with werkzeug's English boilerplate): our words, in both languages.
_OWN_WORDS = (404, 405, 500)


def _words(lang: str) -> dict:
    return texts(lang if lang in LANGUAGES else "zh")


def _too_large() -> tuple[str, str]:
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if not limit:
        return _words("en")["error_413"], _words("zh")["error_413"]
    size = (f"{limit / 2**20:.0f} MB" if limit >= 2**20
            else f"{limit / 2**10:.0f} KB" if limit >= 2**10 else f"{limit} B")
    return _words("en")["error_413_limit"].format(size=size), _words("zh")["error_413_limit"].format(size=size)


def _boilerplate(exc: HTTPException) -> bool:
    """Whether `exc` says only werkzeug's English default for its class (no words of ours)."""
    default = next((c.__dict__["description"] for c in type(exc).__mro__
                    if isinstance(c.__dict__.get("description"), str)), None)
    return exc.description == default


def _role_words(exc: RoleRefusedError) -> tuple[str, str]:
    """A refusal for want of a role, with the account's role and the lowest role that would do named in words
    (市场部人员, planner …), from the roles the refusal carries."""
    en, zh = (w["error_403_role"].format(name=exc.name, role=w.get("role_" + exc.role, exc.role),
                                         needed=w.get("role_" + exc.roles[0], exc.roles[0]))
              for w in (_words("en"), _words("zh")))
    return en, zh


def error_response(status: int, en: str, zh: str, name: str, *, roles: tuple[str, ...] = ()) -> Response | tuple:
    """The answer for an error: JSON for the API, else the error page in the user's language (with `roles`, the
    role ids that may, listed there in words)."""
    lang = current_lang()
    message = zh if lang == "zh" else en
    if request.path.startswith("/api/"):
        return jsonify(api_error_body(name, message)), status
    words = texts(lang)
    title = words.get(f"error_title_{status}") or words["error_title_500" if status >= 500 else "error_title_400"]
    try:
        allowed = [words.get("role_" + role, role) for role in roles]
        return render_template("layout/error.html", t=words, lang=lang, status=status, title=title,
                               message=message, allowed=allowed,
                               user=g.get("user") if has_request_context() else None), status
    except Exception:  # the page itself failed (a broken request state): plain text is inert too
        LOGGER.exception("error page for %s failed", status)
        return Response(f"{status} {title}: {message}", status=status, mimetype="text/plain")


def init_app(app: Flask) -> None:
    @app.errorhandler(PlannerError)
    def _planner_error(exc: PlannerError):
        if isinstance(exc, RoleRefusedError):
            return error_response(exc.http_status, *_role_words(exc), type(exc).__name__, roles=exc.roles)
        return error_response(exc.http_status, exc.en, exc.zh, type(exc).__name__)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        if exc.code is None or exc.code < 400:
            return exc
        if isinstance(exc, RequestEntityTooLarge):
            en, zh = _too_large()
        elif f"error_{exc.code}" in _words("en") and (exc.code in _OWN_WORDS or _boilerplate(exc)):
            en, zh = _words("en")[f"error_{exc.code}"], _words("zh")[f"error_{exc.code}"]
        else:
            en = zh = exc.description or exc.name
        return error_response(exc.code, en, zh, type(exc).__name__)
