"""Secret key, cross-site request forgery tokens for forms, and the session: cookie and lifetimes.

A session is a signed cookie holding the user name, the account's session
generation at sign-in, when it signed in and when it was last seen. It is
good while the generation is still the account's (sign-out, a new password,
a new role or disabling move it), it has been used within the idle lifetime
and it is younger than the absolute lifetime: all checked on the server, from
those values, on every request.
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
import time
from pathlib import Path

from flask import Flask, current_app, has_request_context, request, session
from flask.sessions import SecureCookieSessionInterface

from planner.config import setting
from planner.errors import UsageError

__all__ = [
    "csrf_token",
    "ensure_secret_key",
    "init_sessions",
    "require_csrf",
    "session_account",
    "session_settings",
    "start_session",
    "trust_proxies",
]

_SEEN_EVERY_S = 60  # how often a session's "last seen" is rewritten (and the cookie with it)


def session_settings() -> dict:
    """Defaults of the session and sign-in settings (the environment's, else ours); config.py may override."""
    return {
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SECURE": setting("PLANNER_SECURE_COOKIES"),
        "SESSION_REFRESH_EACH_REQUEST": False,  # rewritten when "last seen" moves, once a minute at most
        "SESSION_IDLE_MINUTES": setting("PLANNER_SESSION_IDLE_MIN"),
        "SESSION_MAX_HOURS": setting("PLANNER_SESSION_MAX_HOURS"),
        "SIGNIN_MAX_FAILURES": 10,
        "SIGNIN_MAX_ADDRESS_FAILURES": 30,
        "SIGNIN_WINDOW_MINUTES": 15,
        "SIGNIN_HASH_SLOTS": 1,
        # Proxies in front of planner whose X-Forwarded-For/-Proto are trusted (0: none). Behind one, every
        # client would otherwise share the proxy's address, and one stranger's failures would refuse all.
        "PROXY_HOPS": setting("PLANNER_PROXY_HOPS"),
    }


class _SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with the cookie marked Secure also whenever the request came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or (has_request_context() and request.is_secure)


def trust_proxies(app: Flask) -> None:
    """Read the client's address and scheme from the headers of PROXY_HOPS trusted proxies (werkzeug's ProxyFix)."""
    hops = int(app.config.get("PROXY_HOPS") or 0)
    if hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=0, x_port=0, x_prefix=0)


def init_sessions(app: Flask) -> None:
    app.session_interface = _SessionInterface()
    app.config["PERMANENT_SESSION_LIFETIME"] = dt.timedelta(minutes=app.config["SESSION_IDLE_MINUTES"])


def start_session(name: str, session_gen: int) -> None:
    """A fresh session for `name` (nothing of the one before it kept) with a new CSRF token."""
    session.clear()
    now = int(time.time())
    session.update(user=name, gen=session_gen, since=now, seen=now)
    session.permanent = True
    csrf_token()


def session_account(look_up):
    """The signed-in account while the session is good, else None (and the session is emptied).

    `look_up(name)` gives the active account (with its current session generation) or None."""
    name = session.get("user")
    if not name:
        return None
    now, config = time.time(), current_app.config
    seen, since = session.get("seen", 0), session.get("since", 0)
    if now - seen > config["SESSION_IDLE_MINUTES"] * 60 or now - since > config["SESSION_MAX_HOURS"] * 3600:
        session.clear()
        return None
    found = look_up(name)
    if found is None or found.session_gen != session.get("gen"):
        session.clear()
        return None
    if now - seen >= _SEEN_EVERY_S:
        session["seen"] = int(now)
    return found


def ensure_secret_key(app: Flask) -> None:
    """Use SECRET_KEY from config, else one kept in the instance folder (made on first start)."""
    if app.config.get("SECRET_KEY"):
        return
    path = Path(app.instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32), encoding="ascii")
        path.chmod(0o600)
    app.config["SECRET_KEY"] = path.read_text(encoding="ascii").strip()


def csrf_token() -> str:
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def require_csrf() -> None:
    """Refuse a change whose token (form field or X-CSRF-Token header) does not match the session's."""
    sent = request.form.get("csrf_token", "") or request.headers.get("X-CSRF-Token", "")
    if not sent or not hmac.compare_digest(sent, session.get("csrf", "")):
        raise UsageError("the form's security token (CSRF) is missing or out of date: reload the page and retry",
                         "表单安全令牌（CSRF）缺失或已过期：请刷新页面后重试")
