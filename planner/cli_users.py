"""`planner user …`: accounts for the web application and the API."""

from __future__ import annotations

import os
import sys

import click

from planner.models import ROLES


def _engine(db_url):
    from planner.db import make_engine
    from planner.schema import upgrade_schema

    engine = make_engine(db_url)
    upgrade_schema(engine)
    return engine


def _password(from_stdin: bool) -> str:
    """From stdin (scripts), $PLANNER_PASSWORD, or a hidden prompt asked twice."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if os.environ.get("PLANNER_PASSWORD"):
        return os.environ["PLANNER_PASSWORD"]
    return click.prompt("password", hide_input=True, confirmation_prompt=True)


def _db_option(func):
    return click.option("--db", "db_url", metavar="URL", envvar="PLANNER_DATABASE_URL",
                        help="Database: postgresql://… or a SpatiaLite file.")(func)


@click.group("user")
def user_group():
    """Manage the people who sign in (staff, planner, admin)."""


@user_group.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), required=True,
              help="staff review and decide; planners also run coverage, ranking and reports; admins manage users.")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of stdin.")
@click.option("--token", "with_token", is_flag=True, help="Also issue an API token and print it (shown once).")
@_db_option
def add_command(name, role, password_stdin, with_token, db_url):
    """Create an account (password from a prompt, $PLANNER_PASSWORD or --password-stdin)."""
    from planner.users import add_user, issue_token

    engine = _engine(db_url)
    account = add_user(engine, name, role, _password(password_stdin))
    click.echo(f"user {account.name} ({account.role}) created")
    if with_token:
        click.echo(f"API token: {issue_token(engine, account.name)}")


@user_group.command("password")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of stdin.")
@_db_option
def password_command(name, password_stdin, db_url):
    """Set a new password."""
    from planner.users import set_password

    set_password(_engine(db_url), name, _password(password_stdin))
    click.echo(f"password of {name} changed")


@user_group.command("token")
@click.argument("name")
@_db_option
def token_command(name, db_url):
    """Issue a new API token (the old one stops working); send it as `Authorization: Bearer …`."""
    from planner.users import issue_token

    click.echo(issue_token(_engine(db_url), name))


@user_group.command("list")
@_db_option
def list_command(db_url):
    """Active accounts and their roles."""
    from planner.users import list_users

    for account in list_users(_engine(db_url)):
        click.echo(f"{account.name}\t{account.role}")
