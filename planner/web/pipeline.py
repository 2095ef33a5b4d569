"""What runs for every request, whoever answers it: Flask's views or the check fast path.

A request is described by an `Asking` (method, path, client address, bearer
token, and a way to its read connection). `Pipeline.enter` reads the change
counters (one query: has the registry or any account changed?) and, for a
bearer token, finds the account — remembered per accounts version, else looked
up; then every hook in `before` runs (an audit log, a rate limit: a hook refuses
a request by raising a PlannerError). `Pipeline.leave` runs the `after` hooks on
the response headers (the security headers are the first). Flask calls them
from its request hooks (planner.web.auth, planner.web.headers); the fast path
calls them itself, so a hook added here can never be skipped by a faster door.
Nothing here imports Flask.
"""

from __future__ import annotations

from collections.abc import Callable, MutableMapping
from dataclasses import dataclass, field

from sqlalchemy import Connection

from planner.errors import SignInError
from planner.maps.csp import policy, tile_hosts
from planner.maps.render import BASEMAPS
from planner.recent import Recent
from planner.registry.accounts import Account, token_digest, user_by_token
from planner.registry.changes import change_counters, versions

__all__ = ["Asking", "Pipeline", "security_headers", "token_key"]

_IMG_HOSTS = tuple(tile_hosts(BASEMAPS))


@dataclass
class Asking:
    """One request as the hooks see it."""

    method: str
    path: str
    remote_addr: str
    bearer: str | None  # the token of an `Authorization: Bearer …` header
    connection: Callable[[], Connection]  # the request's read connection, opened on first use
    versions: tuple[tuple[int, int], tuple[int, int]] | None = None  # (registry, accounts) versions, read once
    user: Account | None = None
    script_hashes: list[str] = field(default_factory=list)  # inline scripts the response may run


BeforeHook = Callable[[Asking], None]
AfterHook = Callable[[Asking, MutableMapping[str, str]], None]


def token_key(token: str) -> tuple:
    """How a bearer token is remembered: by its digest, never the token itself."""
    return ("token", token_digest(token))


def security_headers(script_hashes: list[str] | tuple[str, ...] = ()) -> dict[str, str]:
    """The headers every response carries; `script_hashes` are the inline scripts the page may run."""
    return {
        "Content-Security-Policy": policy(script_hashes, img_hosts=_IMG_HOSTS),
        "X-Frame-Options": "DENY",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
    }


def _security_headers(asking: Asking, headers: MutableMapping[str, str]) -> None:
    for key, value in security_headers(asking.script_hashes).items():
        headers[key] = value


@dataclass
class Pipeline:
    """The hooks of one app, and the accounts it has looked up (by accounts version)."""

    accounts: Recent = field(default_factory=lambda: Recent(10_000))
    before: list[BeforeHook] = field(default_factory=list)
    after: list[AfterHook] = field(default_factory=lambda: [_security_headers])

    def enter(self, asking: Asking) -> None:
        """Who is asking, then every `before` hook; raises a PlannerError to refuse."""
        self.identify(asking)
        self.admit(asking)

    def identify(self, asking: Asking) -> None:
        """The change counters, and the account of a bearer token (refused when unknown)."""
        self.read_versions(asking)
        if asking.bearer is not None:
            bearer = asking.bearer
            asking.user = self.remembered(asking, token_key(bearer),
                                          lambda: user_by_token(asking.connection(), bearer))
            if asking.user is None:
                raise SignInError("the API token is not valid", "API 令牌无效")

    def admit(self, asking: Asking) -> None:
        """Every `before` hook, once the account is known (sessions are resolved by Flask in between)."""
        for hook in self.before:
            hook(asking)

    def leave(self, asking: Asking, headers: MutableMapping[str, str]) -> None:
        for hook in self.after:
            hook(asking, headers)

    def read_versions(self, asking: Asking) -> tuple[tuple[int, int], tuple[int, int]]:
        if asking.versions is None:
            asking.versions = versions(change_counters(asking.connection()))
        return asking.versions

    def remembered(self, asking: Asking, key: tuple, look_up: Callable[[], Account | None]) -> Account | None:
        """The account for `key` at this request's accounts version: remembered, else looked up."""
        key = (self.read_versions(asking)[1],) + key
        found = self.accounts.get(key)
        if found is None:
            found = look_up()
            if found is not None:
                self.accounts.put(key, found)
        return found

    def known(self, asking: Asking, token: str) -> Account | None:
        """The token's account if this process already knows it at the current accounts version."""
        return self.accounts.get((self.read_versions(asking)[1],) + token_key(token))
