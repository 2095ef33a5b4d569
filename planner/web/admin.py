"""Administration: accounts, roles and API tokens (admins only)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from planner.errors import ConflictError, NotFoundError, UsageError
from planner.models import ROLES
from planner.users import add_user, issue_token, list_users
from planner.web import get_engine
from planner.web.auth import role_required
from planner.web.i18n import current_lang, texts

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/users")
@role_required("admin")
def users():
    lang = current_lang()
    return render_template("users.html", t=texts(lang), lang=lang, users=list_users(get_engine()), roles=ROLES)


@bp.post("/users")
@role_required("admin")
def add():
    lang = current_lang()
    try:
        account = add_user(get_engine(), request.form.get("name", ""), request.form.get("role", ""),
                           request.form.get("password", ""))
        flash(f"{account.name} · {texts(lang)['role_' + account.role]}", "done")
    except (UsageError, ConflictError) as exc:
        flash(exc.message(lang), "problem")
    return redirect(url_for("admin.users"), code=303)


@bp.post("/users/<name>/token")
@role_required("admin")
def token(name: str):
    """A new API token for `name`, shown once on the page that answers."""
    lang = current_lang()
    t = texts(lang)
    try:
        issued = issue_token(get_engine(), name)
    except NotFoundError as exc:
        flash(exc.message(lang), "problem")
        return redirect(url_for("admin.users"), code=303)
    return render_template("users.html", t=t, lang=lang, users=list_users(get_engine()), roles=ROLES,
                           token=(name, issued))
