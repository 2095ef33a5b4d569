"""Sign-in, sign-out and who is asking: a session for people, a bearer token for scripts.

Every request but the sign-in page, static files and the OpenAPI document
needs an account. A request signed in by session cookie that changes
something (POST, PUT, PATCH, DELETE) must also carry the session's CSRF
token, as a form field or an X-CSRF-Token header; a bearer token is not a
cookie, so token requests need none.

Accounts looked up once are remembered by the process for as long as the
accounts' change counter stays put (every change to users moves it, in the
same transaction), so a request usually costs one query that answers both who
is asking and whether anything changed. That is also what makes sessions
revocable at no extra cost: a session carries its account's session
generation from sign-in (planner.web.security), and signing out, a new
password, a new role or disabling the account moves it — and the counter.

Signing out ends every session of the account, in every browser.
Signing in is throttled (planner.registry.sign_in): per account name and per client
address, refused before any password is hashed, a few hashes at a time.
"""

from __future__ import annotations

import datetime as dt
import functools
import threading
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from planner.errors import SignInError, TooManyRequestsError
from planner.registry.accounts import (
    Account,
    account,
    require_role,
    sign_out_everywhere,
)
from planner.registry.sign_in import Throttle, sign_in
from planner.texts.interface import texts
from planner.web.context import current_asking, get_engine, pipeline_of, read_connection
from planner.web.i18n import current_lang
from planner.web.security import require_csrf, session_account, start_session

bp = Blueprint("auth", __name__)

_PUBLIC = {"auth.signin", "static", "api.openapi"}
_CHANGES = {"POST", "PUT", "PATCH", "DELETE"}


def _needs_account() -> SignInError:
    return SignInError("sign in first (session or `Authorization: Bearer <token>`)",
                       "请先登录（会话或 Authorization: Bearer 令牌）")


def _remembered(key: tuple, look_up) -> Account | None:
    """The account for `key` at this request's accounts version: remembered, else looked up."""
    return pipeline_of(current_app).remembered(current_asking(), key, look_up)


@bp.before_app_request
def identify():
    """Who is asking (bearer token or session), the pipeline's hooks, then: refuse anonymous requests."""
    pipeline, asking = pipeline_of(current_app), current_asking()
    pipeline.identify(asking)  # change counters; a bearer token's account, refused when unknown
    g.via_token = asking.bearer is not None
    if not g.via_token and session.get("user"):
        asking.user = session_account(
            lambda name: _remembered(("name", name), lambda: account(read_connection(), name)))
    g.user = asking.user
    pipeline.admit(asking)  # every later hook (audit, rate limit) sees the account
    if g.via_token or request.endpoint in _PUBLIC or request.endpoint is None:
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


def throttle(app) -> Throttle:
    """The sign-in limits of `app`'s configuration."""
    config = app.config
    return Throttle(max_failures=config["SIGNIN_MAX_FAILURES"],
                    max_address_failures=config["SIGNIN_MAX_ADDRESS_FAILURES"],
                    window=dt.timedelta(minutes=config["SIGNIN_WINDOW_MINUTES"]))


def hash_slots(app) -> threading.Semaphore:
    """How many password hashes this process checks at once (the rest are refused, not queued)."""
    return app.extensions.setdefault("planner.hash_slots",  # atomic: one semaphore per app, whoever comes first
                                     threading.BoundedSemaphore(app.config["SIGNIN_HASH_SLOTS"]))


@bp.route("/signin", methods=["GET", "POST"])
def signin():
    lang = current_lang()
    t = texts(lang)
    problem, status = None, 200
    if request.method == "POST":
        require_csrf()
        try:
            found = sign_in(get_engine(), request.form.get("name", ""), request.form.get("password", ""),
                            request.remote_addr or "", throttle=throttle(current_app), slots=hash_slots(current_app))
        except TooManyRequestsError as exc:
            problem, status = exc.message(lang), exc.http_status
        else:
            if found is not None:
                start_session(found.name, found.session_gen)
                return redirect(_safe_next(request.form.get("next")))
            problem, status = t["signin_failed"], 401
    return render_template("auth/signin.html", t=t, lang=lang, problem=problem, refused=status == 429,
                           next=request.values.get("next", "")), status


@bp.post("/signout")
def signout():
    """End this account's sessions everywhere (a copied cookie stops working too)."""
    if g.user is not None and not g.via_token:
        sign_out_everywhere(get_engine(), g.user.name)
    session.clear()
    return redirect(url_for("auth.signin"))
