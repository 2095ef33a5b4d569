"""Sign-in, sign-out and who is asking: a session for people, a bearer token for scripts.

Every request but the sign-in page, static files and the OpenAPI document
needs an account. A request signed in by session cookie that changes
something (POST, PUT, PATCH, DELETE) must also carry the session's CSRF
token, as a form field or an X-CSRF-Token header; a bearer token is not a
cookie, so token requests need none.

Accounts looked up once are remembered by the process for as long as the
accounts' change counter stays put (every change to users moves it, in the
same transaction), so a request usually costs one query that answers both who
is asking and whether anything changed.
"""

from __future__ import annotations

import functools
from urllib.parse import urlsplit

from flask import Blueprint, current_app, g, redirect, render_template, request, session, url_for

from planner.errors import SignInError
from planner.recent import Recent
from planner.users import Account, account, authenticate, require_role, token_digest, user_by_token
from planner.web import get_engine, read_connection, request_versions
from planner.web.i18n import current_lang, texts
from planner.web.security import csrf_token, require_csrf

bp = Blueprint("auth", __name__)

_PUBLIC = {"auth.signin", "static", "api.openapi"}
_CHANGES = {"POST", "PUT", "PATCH", "DELETE"}


def _needs_account() -> SignInError:
    return SignInError("sign in first (session or `Authorization: Bearer <token>`)",
                       "请先登录（会话或 Authorization: Bearer 令牌）")


def known_accounts(app) -> Recent:
    """Accounts `app` has looked up, by (accounts version, "token" or "name", digest or name);
    one set per app, as each app has its own database."""
    return app.extensions.setdefault("planner.accounts", Recent(10_000))


def token_key(token: str) -> tuple:
    """How a bearer token is remembered: by its digest, never the token itself."""
    return ("token", token_digest(token))


def _remembered(key: tuple, look_up) -> Account | None:
    """The account for `key` at this request's accounts version: remembered, else looked up."""
    accounts, key = known_accounts(current_app), (request_versions()[1],) + key
    found = accounts.get(key)
    if found is None:
        found = look_up()
        if found is not None:
            accounts.put(key, found)
    return found


@bp.before_app_request
def identify():
    """Set g.user from the bearer token or the session; refuse anonymous requests."""
    g.user = None
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        token = header[7:].strip()
        g.user = _remembered(token_key(token), lambda: user_by_token(read_connection(), token))
        if g.user is None:
            raise SignInError("the API token is not valid", "API 令牌无效")
        g.via_token = True
        return None
    g.via_token = False
    if session.get("user"):
        name = session["user"]
        g.user = _remembered(("name", name), lambda: account(read_connection(), name))
        if g.user is None:
            session.pop("user", None)
    if request.endpoint in _PUBLIC or request.endpoint is None:
        return None
    if g.user is None:
        if request.path.startswith("/api/"):
            raise _needs_account()
        return redirect(url_for("auth.signin", next=request.full_path.rstrip("?")))
    if request.method in _CHANGES:
        require_csrf()
    return None


def role_required(role: str):
    """Refuse (403) an account below `role`."""

    def wrap(view):
        @functools.wraps(view)
        def checked(*args, **kwargs):
            require_role(g.user, role)
            return view(*args, **kwargs)

        return checked

    return wrap


def actor() -> str:
    """The name every change made in this request is recorded under."""
    return g.user.name


def _safe_next(target: str | None) -> str:
    parts = urlsplit(target or "")
    if parts.scheme or parts.netloc or not (target or "").startswith("/"):
        return url_for("overview.index")
    return target


@bp.route("/signin", methods=["GET", "POST"])
def signin():
    lang = current_lang()
    t = texts(lang)
    failed = False
    if request.method == "POST":
        require_csrf()
        found: Account | None = authenticate(get_engine(), request.form.get("name", ""),
                                             request.form.get("password", ""))
        if found is not None:
            session.clear()
            session["user"] = found.name
            csrf_token()
            return redirect(_safe_next(request.form.get("next")))
        failed = True
    return render_template("signin.html", t=t, lang=lang, failed=failed,
                           next=request.values.get("next", "")), (401 if failed else 200)


@bp.post("/signout")
def signout():
    session.clear()
    return redirect(url_for("auth.signin"))
