"""Accounts: who may sign in, with which role, and their API tokens; every change in the history.

Passwords are stored as werkzeug hashes (scrypt); API tokens are random and
only their SHA-256 is kept, so neither can be read back from the database.
Each account has a session generation: a session is good only while it
carries the current one, so sign-out, a new password, a new role and
disabling the account end every session at once. Every change to an account
is written to the history (`events`, table_name 'users', code the user name)
with who made it — never a password or a token.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, bindparam, func, insert, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from planner.errors import ConflictError, ForbiddenError, NotFoundError, UsageError
from planner.registry.engine import connected, writer
from planner.registry.models import Event, User, utcnow
from planner.rules.vocabulary import ROLES

__all__ = ["MAX_NAME_CHARS", "ROLES", "Account", "AccountRow", "RoleRefusedError", "account", "add_user",
           "authenticate", "demo_account", "has_users", "issue_token", "list_users", "missing_user",
           "record_account_event", "require_role", "set_disabled", "set_password", "set_role", "sign_out_everywhere",
           "token_digest", "user_by_token"]

_MIN_PASSWORD = 8
MAX_NAME_CHARS = 100
# What each role may do; a role may do everything the roles before it may.
_RANK = {role: i for i, role in enumerate(ROLES)}


@dataclass(frozen=True)
class Account:
    name: str
    role: str
    session_gen: int = 0

    def may(self, role: str) -> bool:
        """True when this account's role is `role` or above (staff < planner < admin)."""
        return _RANK[self.role] >= _RANK[role]


@dataclass(frozen=True)
class AccountRow:
    """An account as the lists show it, disabled ones included."""

    name: str
    role: str
    disabled: bool


class RoleRefusedError(ForbiddenError):
    """A refusal for want of a role, carrying who was refused and the roles as data (`name`, `role`, `roles`: the
    roles that would do, lowest first), so a page can name them in words without reading the message."""

    def __init__(self, account: Account, needed: str):
        super().__init__(f"{account.name} ({account.role}) may not do this: it needs the {needed} role",
                         f"{account.name}（{account.role}）无权执行此操作：需要 {needed} 角色")
        self.name = account.name
        self.role = account.role
        self.roles = tuple(r for r in ROLES if _RANK[r] >= _RANK[needed])


def require_role(account: Account, role: str) -> None:
    if not account.may(role):
        raise RoleRefusedError(account, role)


_BY_TOKEN = (select(User.name, User.role, User.session_gen)
             .where(User.token_hash == bindparam("token_hash"), User.disabled_at.is_(None)))


def token_digest(token: str) -> str:
    """What is stored (and remembered) of an API token: its SHA-256, never the token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _check_password(password: str) -> None:
    if len(password) < _MIN_PASSWORD:
        raise UsageError(f"the password must have at least {_MIN_PASSWORD} characters",
                         f"密码至少需要 {_MIN_PASSWORD} 个字符")


def missing_user(name: str) -> NotFoundError:
    return NotFoundError(f"no user {name!r}", f"没有用户“{name}”")


def record_account_event(conn: Connection, *, actor: str, name: str, action: str, changes: dict | None = None,
                         source: str | None = None) -> None:
    """One line of account history, in the caller's transaction; `changes` never holds a secret."""
    conn.execute(insert(Event).values(at=utcnow(), actor=actor, table_name="users", code=name, action=action,
                                      changes=changes, source=source))


def add_user(engine: Engine, name: str, role: str, password: str, *, actor: str = "system",
             source: str | None = None) -> Account:
    name = name.strip()
    if not name:
        raise UsageError("a user name is required", "需要用户名")
    if len(name) > MAX_NAME_CHARS:
        raise UsageError(f"a user name has at most {MAX_NAME_CHARS} characters", f"用户名最多 {MAX_NAME_CHARS} 个字符")
    _check_role(role)
    _check_password(password)
    with writer(engine) as conn:
        if conn.execute(select(User.id).where(User.name == name)).first():
            raise ConflictError(f"user {name!r} exists already", f"用户“{name}”已存在")
        conn.execute(insert(User).values(name=name, role=role, password_hash=generate_password_hash(password)))
        record_account_event(conn, actor=actor, name=name, action="create", changes={"role": [None, role]},
                             source=source)
    return Account(name, role)


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise UsageError(f"unknown role {role!r}: use " + ", ".join(ROLES),
                         f"未知角色 {role!r}：可用 " + "、".join(ROLES))


def _current(conn: Connection, name: str):
    """The users row of `name` (role, disabled_at), or NotFoundError."""
    row = conn.execute(select(User.role, User.disabled_at).where(User.name == name)).first()
    if row is None:
        raise missing_user(name)
    return row


def _change(conn: Connection, name: str, **values) -> None:
    """Update `name`'s row and move its session generation: every session signed in before ends."""
    conn.execute(update(User).where(User.name == name).values(session_gen=User.session_gen + 1, **values))


def sign_out_everywhere(engine: Engine, name: str) -> None:
    """End every session of `name` (what sign-out does)."""
    with writer(engine) as conn:
        _change(conn, name)


def set_password(engine: Engine, name: str, password: str, *, actor: str = "system",
                 source: str | None = None) -> None:
    _check_password(password)
    with writer(engine) as conn:
        _current(conn, name)
        _change(conn, name, password_hash=generate_password_hash(password))
        record_account_event(conn, actor=actor, name=name, action="password", source=source)


def _refuse_last_admin(conn: Connection, name: str, row) -> None:
    """Keep at least one active admin: demoting or disabling the last one is refused."""
    if row.role != "admin" or row.disabled_at is not None:
        return
    others = conn.execute(select(func.count()).select_from(User).where(
        User.role == "admin", User.disabled_at.is_(None), User.name != name)).scalar_one()
    if not others:
        raise UsageError(f"{name} is the last active admin: make another admin first",
                            f"“{name}”是最后一个有效的管理员：请先指定另一位管理员")


def set_role(engine: Engine, name: str, role: str, *, actor: str = "system", source: str | None = None) -> bool:
    """Give `name` the role `role`; False when it had it already (nothing changes then)."""
    _check_role(role)
    with writer(engine) as conn:
        row = _current(conn, name)
        if row.role == role:
            return False
        if role != "admin":
            _refuse_last_admin(conn, name, row)
        _change(conn, name, role=role)
        record_account_event(conn, actor=actor, name=name, action="role", changes={"role": [row.role, role]},
                             source=source)
    return True


def set_disabled(engine: Engine, name: str, disabled: bool, *, actor: str = "system",
                 source: str | None = None) -> bool:
    """Disable (sessions and token stop working at once) or enable `name`; False when it already was."""
    with writer(engine) as conn:
        row = _current(conn, name)
        if (row.disabled_at is not None) == disabled:
            return False
        if disabled:
            _refuse_last_admin(conn, name, row)
        _change(conn, name, disabled_at=utcnow() if disabled else None)
        record_account_event(conn, actor=actor, name=name, action="disable" if disabled else "enable",
                             source=source)
    return True


@functools.cache
def _dummy_hash() -> str:
    """A hash of a random password, made like real ones: checked for unknown names, so they take as long."""
    return generate_password_hash(secrets.token_urlsafe(16))


def authenticate(db, name: str, password: str) -> Account | None:
    """The account when the name and password match an active user, else None.

    The password is always checked against a hash — the user's, or a dummy one for an unknown or
    disabled name — so the answer takes the same time whether or not the name exists.
    """
    with connected(db) as conn:
        row = conn.execute(select(User.name, User.role, User.password_hash, User.session_gen, User.disabled_at)
                           .where(User.name == name.strip()[:100])).first()
    matches = check_password_hash(row.password_hash if row is not None else _dummy_hash(), password)
    if row is None or row.disabled_at is not None or not matches:
        return None
    return Account(row.name, row.role, row.session_gen)


def issue_token(engine: Engine, name: str, *, actor: str = "system", source: str | None = None) -> str:
    """A new API token for `name` (replacing any earlier one); shown once, stored hashed."""
    token = secrets.token_urlsafe(32)
    with writer(engine) as conn:
        done = conn.execute(update(User).where(User.name == name).values(token_hash=token_digest(token))).rowcount
        if not done:
            raise missing_user(name)
        record_account_event(conn, actor=actor, name=name, action="token", source=source)
    return token


def user_by_token(db, token: str) -> Account | None:
    """The active account holding `token`; `db` is an engine or an open connection."""
    with connected(db) as conn:
        row = conn.execute(_BY_TOKEN, {"token_hash": token_digest(token)}).first()
    return None if row is None else Account(row.name, row.role, row.session_gen)


def account(db, name: str) -> Account | None:
    """The active account `name` with its current session generation, else None."""
    with connected(db) as conn:
        row = conn.execute(select(User.name, User.role, User.session_gen)
                           .where(User.name == name, User.disabled_at.is_(None))).first()
    return None if row is None else Account(row.name, row.role, row.session_gen)


def demo_account(engine: Engine, name: str = "demo", *, actor: str = "planner demo") -> tuple[str, str]:
    """An admin account for the demo with a fresh random password each time (printed, never stored plain)."""
    password = secrets.token_urlsafe(9)
    with writer(engine) as conn:
        found = conn.execute(select(User.id).where(User.name == name)).first()
        if found:
            _change(conn, name, password_hash=generate_password_hash(password), role="admin", disabled_at=None)
        else:
            conn.execute(insert(User).values(name=name, role="admin", password_hash=generate_password_hash(password)))
        record_account_event(conn, actor=actor, name=name, action="password" if found else "create",
                             changes=None if found else {"role": [None, "admin"]}, source="demo")
    return name, password


def has_users(engine: Engine) -> bool:
    with engine.connect() as conn:
        return conn.execute(select(User.id).limit(1)).first() is not None


def list_users(engine: Engine) -> list[AccountRow]:
    """Every account, disabled ones included, by name."""
    with engine.connect() as conn:
        rows = conn.execute(select(User.name, User.role, User.disabled_at).order_by(User.name))
        return [AccountRow(r.name, r.role, r.disabled_at is not None) for r in rows]
