"""Account changes in the history, never a secret; the history append-only in the database itself."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from planner.errors import UsageError
from planner.registry.accounts import (
    add_user,
    authenticate,
    issue_token,
    set_disabled,
    set_password,
    set_role,
    sign_out_everywhere,
)
from planner.registry.changes import change_counters
from planner.registry.models import Event, User
from planner.registry.sign_in import Throttle, sign_in, unlock
from tests.conftest import DATA
from tests.file_support import load_file


def _history(engine, name):
    with engine.connect() as conn:
        return conn.execute(select(Event.actor, Event.action, Event.changes, Event.source)
                            .where(Event.table_name == "users", Event.code == name).order_by(Event.id)).all()


def _generation(engine, name):
    with engine.connect() as conn:
        return conn.execute(select(User.session_gen).where(User.name == name)).scalar_one()


def test_every_account_change_is_in_the_history_with_who_and_no_secret(engine):
    registry = change_counters(engine)["registry"]
    add_user(engine, "root", "admin", "root's password", actor="setup", source="cli")
    add_user(engine, "li", "staff", "first password", actor="root", source="web")
    token = issue_token(engine, "li", actor="root", source="web")
    set_password(engine, "li", "second password", actor="li-helpdesk", source="cli")
    set_role(engine, "li", "planner", actor="root", source="web")
    assert not set_role(engine, "li", "planner", actor="root")  # no change, no line
    set_disabled(engine, "li", True, actor="root", source="web")
    set_disabled(engine, "li", False, actor="root", source="web")
    throttle = Throttle(max_failures=2)
    for _ in range(2):
        assert sign_in(engine, "li", "a wrong one", "10.0.0.7", throttle=throttle, slots=threading.Semaphore()) is None
    assert unlock(engine, "li", actor="root", source="cli")
    lines = _history(engine, "li")
    assert change_counters(engine)["registry"] == registry  # account lines leave the sites' caches alone
    assert [(e.actor, e.action) for e in lines] == [
        ("root", "create"), ("root", "token"), ("li-helpdesk", "password"), ("root", "role"), ("root", "disable"),
        ("root", "enable"), ("sign-in", "lock"), ("root", "unlock")]
    assert lines[0].changes == {"role": [None, "staff"]} and lines[3].changes == {"role": ["staff", "planner"]}
    assert lines[6].changes == {"failures": 2, "address": "10.0.0.7"}
    assert [e.source for e in lines][:3] == ["web", "web", "cli"]
    with engine.connect() as conn:
        everything = str(conn.execute(select(Event.__table__)).all())
    for secret in (token, "first password", "second password", "a wrong one", "root's password"):
        assert secret not in everything


def test_sign_out_password_role_and_disable_move_the_session_generation(engine):
    add_user(engine, "li", "staff", "first password")
    add_user(engine, "boss", "admin", "boss password")
    seen = [_generation(engine, "li")]
    for change in (lambda: sign_out_everywhere(engine, "li"), lambda: set_password(engine, "li", "another one"),
                   lambda: set_role(engine, "li", "planner"), lambda: set_disabled(engine, "li", True)):
        change()
        seen.append(_generation(engine, "li"))
    assert seen == sorted(set(seen)) and len(seen) == 5
    issue_token(engine, "li")
    assert _generation(engine, "li") == seen[-1]  # a new token leaves sessions alone
    assert authenticate(engine, "li", "another one") is None  # disabled
    assert _generation(engine, "boss") == 0


def test_the_last_active_admin_cannot_be_demoted_or_disabled(engine):
    add_user(engine, "root", "admin", "root password")
    with pytest.raises(UsageError, match="last active admin"):
        set_role(engine, "root", "staff")
    with pytest.raises(UsageError, match="last active admin"):
        set_disabled(engine, "root", True)
    add_user(engine, "second", "admin", "second password")
    assert set_disabled(engine, "root", True)


def test_the_history_refuses_update_and_delete_and_its_counter_still_moves(engine, backend):
    load_file(engine, DATA / "branches_zh.csv", actor="importer")
    add_user(engine, "li", "staff", "first password")
    with engine.connect() as conn:
        before = conn.execute(select(Event.__table__).order_by(Event.id)).all()
    statements = ["UPDATE events SET actor = 'someone else'", "DELETE FROM events",
                  "UPDATE events SET changes = NULL WHERE table_name = 'users'"]
    if backend == "postgis":
        statements.append("TRUNCATE events")
    for statement in statements:
        with pytest.raises(DBAPIError, match="append-only"):
            with engine.begin() as conn:
                conn.execute(text(statement))
    with engine.connect() as conn:
        assert conn.execute(select(Event.__table__).order_by(Event.id)).all() == before
        if backend == "postgis":
            granted = conn.execute(text("SELECT has_table_privilege('public', 'events', 'UPDATE') OR "
                                        "has_table_privilege('public', 'events', 'DELETE')")).scalar_one()
            assert granted is False
    registry = change_counters(engine)["registry"]
    load_file(engine, DATA / "areas.geojson", "areas", actor="importer")
    assert change_counters(engine)["registry"] > registry  # inserts still bump the registry's counter


def test_migration_0005_goes_down_and_up_again(engine):
    from alembic import command

    from planner.registry.schema import (
        alembic_config,
        current_revision,
        head_revision,
        upgrade_schema,
    )

    add_user(engine, "li", "staff", "first password")
    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0004")
    assert current_revision(engine) == "0004"
    registry = change_counters(engine)["registry"]
    load_file(engine, DATA / "branches_zh.csv", actor="importer")
    assert change_counters(engine)["registry"] > registry  # 0004's counting is back
    assert upgrade_schema(engine) == head_revision()
    with pytest.raises(DBAPIError, match="append-only"):
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM events"))
