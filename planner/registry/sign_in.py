"""Signing in with a password, throttled: a lockout per account, a refusal per client address.

Failed sign-ins are rows of `sign_in_failures` (name, address, when), so every
web worker sees the same counts. A name with `max_failures` failures within
the window is locked until the oldest of them leaves the window or an admin
lifts the lock; an address with `max_address_failures` is refused the same
way. Both are refused before any password is hashed, and unknown names are
counted and locked exactly like known ones, so the answers tell nothing about
which names exist. Password hashes (scrypt) are checked in a few slots per
process, so a storm of wrong passwords cannot take every CPU from the other
requests: an attempt that finds no free slot soon is refused, not queued.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, delete, func, insert, select

from planner.errors import TooManyRequestsError
from planner.registry.accounts import (
    Account,
    authenticate,
    missing_user,
    record_account_event,
)
from planner.registry.engine import connected, writer
from planner.registry.models import SignInFailure, User, utcnow

__all__ = ["Throttle", "locked_names", "sign_in", "unlock"]


@dataclass(frozen=True)
class Throttle:
    """How many failed sign-ins are allowed within `window` per account name and per client address."""

    max_failures: int = 10
    max_address_failures: int = 30
    window: dt.timedelta = dt.timedelta(minutes=15)
    hash_wait_s: float = 1.0  # how long an attempt may wait for a free hashing slot


def _name(name: str) -> str:
    return name.strip()[:100]


def _lock_end(conn: Connection, column, value: str, limit: int, since: dt.datetime,
              window: dt.timedelta) -> dt.datetime | None:
    """When the failures of `column == value` within the window drop below `limit`, or None if they are below."""
    newest = conn.execute(select(SignInFailure.at).where(column == value, SignInFailure.at >= since)
                          .order_by(SignInFailure.at.desc()).limit(limit)).scalars().all()
    if len(newest) < limit:
        return None
    oldest = newest[-1] if newest[-1].tzinfo else newest[-1].replace(tzinfo=dt.UTC)
    return oldest + window


def _refusal(conn: Connection, name: str, address: str, throttle: Throttle,
             now: dt.datetime) -> TooManyRequestsError | None:
    since = now - throttle.window
    until = _lock_end(conn, SignInFailure.name, name, throttle.max_failures, since, throttle.window)
    if until is not None:
        minutes = max(1, round((until - now).total_seconds() / 60))
        return TooManyRequestsError(
            f"too many failed sign-ins for this account: try again in {minutes} min or ask an admin to unlock it",
            f"该账户登录失败次数过多：请 {minutes} 分钟后再试，或请管理员解锁")
    until = _lock_end(conn, SignInFailure.address, address, throttle.max_address_failures, since, throttle.window)
    if until is not None:
        minutes = max(1, round((until - now).total_seconds() / 60))
        return TooManyRequestsError(f"too many failed sign-ins from this address: try again in {minutes} min",
                                    f"来自该地址的登录失败次数过多：请 {minutes} 分钟后再试")
    return None


def _busy() -> TooManyRequestsError:
    return TooManyRequestsError("too many sign-ins at this moment: try again in a few seconds",
                                "同时登录的人太多：请几秒钟后再试")


def sign_in(engine: Engine, name: str, password: str, address: str, *, throttle: Throttle,
            slots: threading.Semaphore) -> Account | None:
    """The account for a right name and password; None for a wrong one (counted as a failure).

    Raises TooManyRequestsError, before hashing anything, while the name or the address is locked
    or when no hashing slot frees up within `throttle.hash_wait_s`.
    """
    name, address = _name(name), (address or "unknown")[:64]
    with engine.connect() as conn:
        refused = _refusal(conn, name, address, throttle, utcnow())
    if refused is not None:
        raise refused
    if not slots.acquire(timeout=throttle.hash_wait_s):
        raise _busy()
    try:
        found = authenticate(engine, name, password)
    finally:
        slots.release()
    with writer(engine) as conn:
        if found is None:
            _record_failure(conn, name, address, throttle, utcnow())
        else:
            conn.execute(delete(SignInFailure).where(SignInFailure.name == name))
    return found


def _record_failure(conn: Connection, name: str, address: str, throttle: Throttle, now: dt.datetime) -> None:
    """Count one failure; the one that locks a known account is written to its history."""
    conn.execute(delete(SignInFailure).where(SignInFailure.at < now - throttle.window))
    conn.execute(insert(SignInFailure).values(at=now, name=name, address=address))
    recent = conn.execute(select(func.count()).select_from(SignInFailure).where(
        SignInFailure.name == name, SignInFailure.at >= now - throttle.window)).scalar_one()
    if recent == throttle.max_failures and conn.execute(select(User.id).where(User.name == name)).first():
        record_account_event(conn, actor="sign-in", name=name, action="lock",
                             changes={"failures": recent, "address": address}, source="web")


def locked_names(db: Engine | Connection, throttle: Throttle) -> dict[str, dt.datetime]:
    """Names locked now, with when each lock ends by itself."""
    now = utcnow()
    since = now - throttle.window
    with connected(db) as conn:
        names = conn.execute(select(SignInFailure.name).where(SignInFailure.at >= since)
                             .group_by(SignInFailure.name)
                             .having(func.count() >= throttle.max_failures)).scalars().all()
        ends = {name: _lock_end(conn, SignInFailure.name, name, throttle.max_failures, since, throttle.window)
                for name in names}
    return {name: end for name, end in ends.items() if end is not None}


def unlock(engine: Engine, name: str, *, actor: str, source: str | None = None) -> bool:
    """Lift the lock of account `name` (forget its failed sign-ins); False when it was not locked."""
    with writer(engine) as conn:
        if conn.execute(select(User.id).where(User.name == name)).first() is None:
            raise missing_user(name)
        cleared = conn.execute(delete(SignInFailure).where(SignInFailure.name == name)).rowcount
        if cleared:
            record_account_event(conn, actor=actor, name=name, action="unlock", changes={"failures": cleared},
                                 source=source)
    return cleared > 0


def unlock_address(engine: Engine, address: str, *, actor: str, source: str | None = None) -> int:
    """Forget the failed sign-ins from client `address` (lifting its refusal); how many were forgotten.

    Recorded in the history under the account name "*" with the address, as no one account is meant."""
    with writer(engine) as conn:
        cleared = conn.execute(delete(SignInFailure).where(SignInFailure.address == address)).rowcount
        if cleared:
            record_account_event(conn, actor=actor, name="*", action="unlock",
                                 changes={"address": address, "failures": cleared}, source=source)
    return cleared
