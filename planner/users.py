"""Accounts: who may sign in, with which role, and their API tokens.

Passwords are stored as werkzeug hashes (scrypt); API tokens are random and
only their SHA-256 is kept, so neither can be read back from the database.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import Engine, bindparam, insert, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from planner.db import connected
from planner.errors import ConflictError, ForbiddenError, NotFoundError, UsageError
from planner.models import ROLES, User

__all__ = ["ROLES", "Account", "account", "add_user", "authenticate", "demo_account", "has_users", "issue_token", "list_users", "require_role",
           "set_password", "token_digest", "user_by_token"]

_MIN_PASSWORD = 8
# What each role may do; a role may do everything the roles before it may.
_RANK = {role: i for i, role in enumerate(ROLES)}


@dataclass(frozen=True)
class Account:
    name: str
    role: str

    def may(self, role: str) -> bool:
        """True when this account's role is `role` or above (staff < planner < admin)."""
        return _RANK[self.role] >= _RANK[role]


def require_role(account: Account, role: str) -> None:
    if not account.may(role):
        raise ForbiddenError(f"{account.name} ({account.role}) may not do this: it needs the {role} role",
                             f"{account.name}（{account.role}）无权执行此操作：需要 {role} 角色")


_BY_TOKEN = (select(User.name, User.role)
             .where(User.token_hash == bindparam("token_hash"), User.disabled_at.is_(None)))


def token_digest(token: str) -> str:
    """What is stored (and remembered) of an API token: its SHA-256, never the token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _check_password(password: str) -> None:
    if len(password) < _MIN_PASSWORD:
        raise UsageError(f"the password must have at least {_MIN_PASSWORD} characters",
                         f"密码至少需要 {_MIN_PASSWORD} 个字符")


def add_user(engine: Engine, name: str, role: str, password: str) -> Account:
    name = name.strip()
    if not name:
        raise UsageError("a user name is required", "需要用户名")
    if role not in ROLES:
        raise UsageError(f"unknown role {role!r}: use " + ", ".join(ROLES), f"未知角色 {role!r}：可用 " + "、".join(ROLES))
    _check_password(password)
    with engine.begin() as conn:
        if conn.execute(select(User.id).where(User.name == name)).first():
            raise ConflictError(f"user {name!r} exists already", f"用户“{name}”已存在")
        conn.execute(insert(User).values(name=name, role=role, password_hash=generate_password_hash(password)))
    return Account(name, role)


def set_password(engine: Engine, name: str, password: str) -> None:
    _check_password(password)
    with engine.begin() as conn:
        done = conn.execute(update(User).where(User.name == name)
                            .values(password_hash=generate_password_hash(password))).rowcount
    if not done:
        raise NotFoundError(f"no user {name!r}", f"没有用户“{name}”")


def authenticate(engine: Engine, name: str, password: str) -> Account | None:
    """The account when the name and password match an active user, else None."""
    with engine.connect() as conn:
        row = conn.execute(select(User.name, User.role, User.password_hash)
                           .where(User.name == name.strip(), User.disabled_at.is_(None))).first()
    if row is None or not check_password_hash(row.password_hash, password):
        return None
    return Account(row.name, row.role)


def issue_token(engine: Engine, name: str) -> str:
    """A new API token for `name` (replacing any earlier one); shown once, stored hashed."""
    token = secrets.token_urlsafe(32)
    with engine.begin() as conn:
        done = conn.execute(update(User).where(User.name == name).values(token_hash=token_digest(token))).rowcount
    if not done:
        raise NotFoundError(f"no user {name!r}", f"没有用户“{name}”")
    return token


def user_by_token(db, token: str) -> Account | None:
    """The active account holding `token`; `db` is an engine or an open connection."""
    with connected(db) as conn:
        row = conn.execute(_BY_TOKEN, {"token_hash": token_digest(token)}).first()
    return None if row is None else Account(row.name, row.role)


def account(db, name: str) -> Account | None:
    with connected(db) as conn:
        row = conn.execute(select(User.name, User.role).where(User.name == name, User.disabled_at.is_(None))).first()
    return None if row is None else Account(row.name, row.role)


def demo_account(engine: Engine, name: str = "demo") -> tuple[str, str]:
    """An admin account for the demo with a fresh random password each time (printed, never stored plain)."""
    password = secrets.token_urlsafe(9)
    with engine.begin() as conn:
        found = conn.execute(update(User).where(User.name == name)
                             .values(password_hash=generate_password_hash(password), role="admin",
                                     disabled_at=None)).rowcount
        if not found:
            conn.execute(insert(User).values(name=name, role="admin", password_hash=generate_password_hash(password)))
    return name, password


def has_users(engine: Engine) -> bool:
    with engine.connect() as conn:
        return conn.execute(select(User.id).limit(1)).first() is not None


def list_users(engine: Engine) -> list[Account]:
    with engine.connect() as conn:
        rows = conn.execute(select(User.name, User.role).where(User.disabled_at.is_(None)).order_by(User.name))
        return [Account(r.name, r.role) for r in rows]
