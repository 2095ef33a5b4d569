"""`planner user …`: accounts for the web application and the API.

Every change is written to the account's history under `--user` (default:
$PLANNER_USER, else the login name) with source 'cli'.
"""

from __future__ import annotations

import getpass
import sys

import click

from planner.config import setting
from planner.errors import UsageError
from planner.rules.vocabulary import ROLES


def _engine(db_url):
    from planner.registry.engine import make_engine
    from planner.registry.schema import upgrade_schema

    engine = make_engine(db_url)
    upgrade_schema(engine)
    return engine


def _password(from_stdin: bool) -> str:
    """From stdin (scripts), $PLANNER_PASSWORD, or a hidden prompt asked twice."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if setting("PLANNER_PASSWORD"):
        return setting("PLANNER_PASSWORD")
    return click.prompt("password", hide_input=True, confirmation_prompt=True)


def _db_option(func):
    return click.option("--db", "db_url", metavar="URL", envvar="PLANNER_DATABASE_URL",
                        help="Database: postgresql://… or a SpatiaLite file.")(func)


def _actor_option(func):
    return click.option("--user", "actor", envvar="PLANNER_USER", default=getpass.getuser, show_default="login name",
                        help="Name written to the history for this change (default: $PLANNER_USER or login).")(func)


_SOURCE = "cli"


@click.group("user")
def user_group():
    """Manage the people who sign in (staff, planner, admin)."""


@user_group.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), required=True,
              help="staff review and decide; planners also run coverage, ranking and reports; admins manage users.")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of stdin.")
@click.option("--token", "with_token", is_flag=True, help="Also issue an API token and print it (shown once).")
@_actor_option
@_db_option
def add_command(name, role, password_stdin, with_token, actor, db_url):
    """Create an account (password from a prompt, $PLANNER_PASSWORD or --password-stdin)."""
    from planner.registry.accounts import add_user, issue_token

    engine = _engine(db_url)
    account = add_user(engine, name, role, _password(password_stdin), actor=actor, source=_SOURCE)
    click.echo(f"user {account.name} ({account.role}) created")
    if with_token:
        click.echo(f"API token: {issue_token(engine, account.name, actor=actor, source=_SOURCE)}")


@user_group.command("password")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of stdin.")
@_actor_option
@_db_option
def password_command(name, password_stdin, actor, db_url):
    """Set a new password (every session of NAME ends)."""
    from planner.registry.accounts import set_password

    set_password(_engine(db_url), name, _password(password_stdin), actor=actor, source=_SOURCE)
    click.echo(f"password of {name} changed; its sessions have ended")


@user_group.command("token")
@click.argument("name")
@_actor_option
@_db_option
def token_command(name, actor, db_url):
    """Issue a new API token (the old one stops working); send it as `Authorization: Bearer …`."""
    from planner.registry.accounts import issue_token

    click.echo(issue_token(_engine(db_url), name, actor=actor, source=_SOURCE))


@user_group.command("role")
@click.argument("name")
@click.argument("role", type=click.Choice(ROLES))
@_actor_option
@_db_option
def role_command(name, role, actor, db_url):
    """Give NAME another role (every session of NAME ends)."""
    from planner.registry.accounts import set_role

    changed = set_role(_engine(db_url), name, role, actor=actor, source=_SOURCE)
    click.echo(f"{name} is now {role}; its sessions have ended" if changed else f"{name} is {role} already")


def _switch_command(command: str, disabled: bool, summary: str):
    """`disable` or `enable`: one command each, the same work."""

    @user_group.command(command, help=summary)
    @click.argument("name")
    @_actor_option
    @_db_option
    def switch(name, actor, db_url):
        from planner.registry.accounts import set_disabled

        changed = set_disabled(_engine(db_url), name, disabled, actor=actor, source=_SOURCE)
        unchanged = "disabled already" if disabled else "not disabled"
        click.echo(f"{name} {command}d" if changed else f"{name} was {unchanged}")

    return switch


disable_command = _switch_command("disable", True, "Stop NAME from signing in; its sessions and API token stop "
                                                   "working at once.")
enable_command = _switch_command("enable", False, "Let a disabled NAME sign in again (with its password; its old "
                                                  "sessions stay ended).")


@user_group.command("unlock")
@click.argument("name", required=False)
@click.option("--address", help="lift the refusal of this client address instead (e.g. a proxy's)")
@_actor_option
@_db_option
def unlock_command(name, address, actor, db_url):
    """Lift the sign-in lock that failed passwords put on NAME (or on a client --address)."""
    from planner.registry.sign_in import unlock, unlock_address

    if bool(name) == bool(address):
        raise UsageError("name an account or give --address, not both", "请指定账户名或 --address（二选一）")
    if address:
        cleared = unlock_address(_engine(db_url), address, actor=actor, source=_SOURCE)
        click.echo(f"{address}: {cleared} failed sign-ins forgotten" if cleared else f"{address} was not refused")
        return
    changed = unlock(_engine(db_url), name, actor=actor, source=_SOURCE)
    click.echo(f"{name} unlocked" if changed else f"{name} was not locked")


@user_group.command("list")
@_db_option
def list_command(db_url):
    """Accounts, their roles and state (active, disabled, locked)."""
    from planner.registry.accounts import list_users
    from planner.registry.sign_in import Throttle, locked_names

    engine = _engine(db_url)
    locked = locked_names(engine, Throttle())
    for account in list_users(engine):
        state = "disabled" if account.disabled else "active"
        if account.name in locked:
            state += f", locked until {locked[account.name]:%Y-%m-%d %H:%M} UTC"
        click.echo(f"{account.name}\t{account.role}\t{state}")
