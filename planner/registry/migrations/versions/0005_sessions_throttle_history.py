"""Revocable sessions, sign-in throttling, and a history that cannot be rewritten

- `users.session_gen`: a number each session carries from its sign-in; sign-out, a new
  password, a new role or disabling the account move it, so every older session stops working.
- `sign_in_failures`: one row per failed sign-in (name, client address, when), shared by every
  web worker: the per-account lockout and the per-address refusal count them.
- `events` becomes append-only in the database: UPDATE, DELETE (and on PostgreSQL TRUNCATE)
  are refused by a trigger, and PostgreSQL also revokes those privileges from PUBLIC.
- The 'registry' change counter (0004) now moves with inserted events other than account
  events (table_name 'users'): those now go to the history too, and a new token or a lockout
  must not make every web worker re-read the sites. INSERT is the only change left to count.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

_REFUSAL = 'events are append-only: the history cannot be changed or deleted'
_BUMP = "UPDATE change_counters SET n = n + 1 WHERE name = 'registry'"


def upgrade() -> None:
    op.add_column('users', sa.Column('session_gen', sa.Integer(), nullable=False, server_default='0'))
    op.create_table(
        'sign_in_failures',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('address', sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_failures')),
    )
    op.create_index(op.f('ix_sign_in_failures_name_at'), 'sign_in_failures', ['name', 'at'])
    op.create_index(op.f('ix_sign_in_failures_address_at'), 'sign_in_failures', ['address', 'at'])
    op.create_index(op.f('ix_sign_in_failures_at'), 'sign_in_failures', ['at'])
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(f"""CREATE FUNCTION refuse_history_change() RETURNS trigger LANGUAGE plpgsql AS $$
                       BEGIN
                           RAISE EXCEPTION '{_REFUSAL} (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
                       END $$""")
        op.execute("""CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON events
                      FOR EACH STATEMENT EXECUTE FUNCTION refuse_history_change()""")
        op.execute("REVOKE UPDATE, DELETE, TRUNCATE ON events FROM PUBLIC")
        op.execute("DROP TRIGGER bump_registry ON events")
        op.execute(f"""CREATE FUNCTION bump_registry_for_sites() RETURNS trigger LANGUAGE plpgsql AS $$
                       BEGIN
                           IF EXISTS (SELECT 1 FROM added WHERE table_name <> 'users') THEN {_BUMP}; END IF;
                           RETURN NULL;
                       END $$""")
        op.execute("""CREATE TRIGGER bump_registry AFTER INSERT ON events REFERENCING NEW TABLE AS added
                      FOR EACH STATEMENT EXECUTE FUNCTION bump_registry_for_sites()""")
    else:
        for action in ('UPDATE', 'DELETE'):
            op.execute(f"""CREATE TRIGGER events_no_{action.lower()} BEFORE {action} ON events
                           BEGIN SELECT RAISE(ABORT, '{_REFUSAL}'); END""")
        for action in ('insert', 'update', 'delete'):
            op.execute(f"DROP TRIGGER bump_registry_{action}")
        op.execute(f"""CREATE TRIGGER bump_registry_insert AFTER INSERT ON events WHEN NEW.table_name <> 'users'
                       BEGIN {_BUMP}; END""")


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP TRIGGER events_append_only ON events")
        op.execute("DROP FUNCTION refuse_history_change()")
        op.execute("DROP TRIGGER bump_registry ON events")
        op.execute("DROP FUNCTION bump_registry_for_sites()")
        op.execute("""CREATE TRIGGER bump_registry AFTER INSERT OR UPDATE OR DELETE ON events
                      FOR EACH STATEMENT EXECUTE FUNCTION bump_change_counter('registry')""")
    else:
        op.execute("DROP TRIGGER events_no_update")
        op.execute("DROP TRIGGER events_no_delete")
        op.execute("DROP TRIGGER bump_registry_insert")
        for action in ('INSERT', 'UPDATE', 'DELETE'):
            op.execute(f"""CREATE TRIGGER bump_registry_{action.lower()} AFTER {action} ON events
                           BEGIN {_BUMP}; END""")
    op.drop_table('sign_in_failures')
    # A plain ALTER (SQLite >= 3.35 too): a batch copy of users would lose its change-counter triggers.
    op.execute("ALTER TABLE users DROP COLUMN session_gen")
