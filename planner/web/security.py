"""Secret key and cross-site request forgery tokens for forms."""

from __future__ import annotations

import hmac
import secrets
from pathlib import Path

from flask import Flask, request, session

from planner.errors import UsageError

__all__ = ["csrf_token", "ensure_secret_key", "require_csrf"]


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
