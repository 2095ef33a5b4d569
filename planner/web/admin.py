"""Administration: accounts, roles, API tokens, disabling and sign-in locks (admins only).

Every change is written to the account's history under the signed-in admin.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)

from planner.errors import ConflictError, NotFoundError, UsageError
from planner.registry.accounts import (
    MAX_NAME_CHARS,
    add_user,
    issue_token,
    list_users,
    set_disabled,
    set_role,
)
from planner.registry.sign_in import locked_names, unlock
from planner.rules.vocabulary import ROLES
from planner.texts.interface import texts
from planner.web.auth import actor, role_required, throttle
from planner.web.context import get_engine
from planner.web.i18n import current_lang

bp = Blueprint("admin", __name__, url_prefix="/admin")

_SOURCE = "web"
_NAME_CHARS = MAX_NAME_CHARS  # of a name echoed back: a longer one is no account, and flashes live in the cookie


def _page(**extra):
    lang = current_lang()
    engine = get_engine()
    return render_template("admin/users.html", t=texts(lang), lang=lang, users=list_users(engine), roles=ROLES,
                           locked=locked_names(engine, throttle(current_app)), **extra)


@bp.get("/users")
@role_required("admin")
def users():
    return _page()


@bp.post("/users")
@role_required("admin")
def add():
    lang = current_lang()
    try:
        account = add_user(get_engine(), request.form.get("name", ""), request.form.get("role", ""),
                           request.form.get("password", ""), actor=actor(), source=_SOURCE)
        flash(f"{account.name} · {texts(lang)['role_' + account.role]}", "done")
    except (UsageError, ConflictError) as exc:
        flash(exc.message(lang), "problem")
    return redirect(url_for("admin.users"), code=303)


_CHANGES = {
    "role": lambda engine, name, form, who: set_role(engine, name, form.get("role", ""), actor=who, source=_SOURCE),
    "disable": lambda engine, name, form, who: set_disabled(engine, name, True, actor=who, source=_SOURCE),
    "enable": lambda engine, name, form, who: set_disabled(engine, name, False, actor=who, source=_SOURCE),
    "unlock": lambda engine, name, form, who: unlock(engine, name, actor=who, source=_SOURCE),
}


@bp.post("/users/change")
@role_required("admin")
def change():
    """Change one account (form fields `name`, `change`: role, disable, enable or unlock; `role`)."""
    lang = current_lang()
    t = texts(lang)
    name, what = request.form.get("name", "")[:_NAME_CHARS], request.form.get("change", "")
    if what not in _CHANGES:
        raise UsageError(f"unknown account change {what!r}: use " + ", ".join(_CHANGES),
                         f"未知的账户操作 {what!r}：可用 " + "、".join(_CHANGES))
    try:
        changed = _CHANGES[what](get_engine(), name, request.form, actor())
        flash(f"{name} · {t['changed_' + what] if changed else t['unchanged']}", "done")
    except (UsageError, ConflictError, NotFoundError) as exc:
        flash(exc.message(lang), "problem")
    return redirect(url_for("admin.users"), code=303)


@bp.post("/users/<path:name>/token")  # path: a name may hold "/"
@role_required("admin")
def token(name: str):
    """A new API token for `name`, shown once on the page that answers."""
    try:
        issued = issue_token(get_engine(), name, actor=actor(), source=_SOURCE)
    except NotFoundError as exc:
        flash(exc.message(current_lang()), "problem")
        return redirect(url_for("admin.users"), code=303)
    response = make_response(_page(token=(name, issued)))
    response.headers["Cache-Control"] = "no-store"  # the token is shown this once: no copy kept by caches
    return response
