"""Change counters: 'registry' goes up with every event, 'accounts' with every change to users

Readers ask one small row set per request ("has anything changed?") instead of
re-reading or re-counting: the web workers keep the sites' index and the
accounts they have seen for as long as the counters stay put. Triggers keep
them, so every writer bumps them inside its own transaction (and a reader sees
the new number exactly when it sees the new rows). A third row, 'database', is
a random number drawn here: it tells one database from another, so a cache
never mistakes a fresh database at the same counts for the one it was built on.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 16:30:00
"""

import secrets

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

# counter name -> table whose every change bumps it
_WATCHED = {'registry': 'events', 'accounts': 'users'}


def upgrade() -> None:
    op.create_table(
        'change_counters',
        sa.Column('name', sa.String(length=32), nullable=False),
        sa.Column('n', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_change_counters')),
    )
    op.bulk_insert(sa.table('change_counters', sa.column('name', sa.String), sa.column('n', sa.BigInteger)),
                   [{'name': name, 'n': 0} for name in _WATCHED] + [{'name': 'database', 'n': secrets.randbits(62)}])
    postgres = op.get_bind().dialect.name == 'postgresql'
    if postgres:
        op.execute("""CREATE FUNCTION bump_change_counter() RETURNS trigger LANGUAGE plpgsql AS $$
                      BEGIN
                          UPDATE change_counters SET n = n + 1 WHERE name = TG_ARGV[0];
                          RETURN NULL;
                      END $$""")
    for name, table in _WATCHED.items():
        if postgres:
            # Once per statement: a bulk import bumps the counter once, not once per row.
            op.execute(f"""CREATE TRIGGER bump_{name} AFTER INSERT OR UPDATE OR DELETE ON {table}
                           FOR EACH STATEMENT EXECUTE FUNCTION bump_change_counter('{name}')""")
        else:
            for action in ('INSERT', 'UPDATE', 'DELETE'):
                op.execute(f"""CREATE TRIGGER bump_{name}_{action.lower()} AFTER {action} ON {table}
                               BEGIN UPDATE change_counters SET n = n + 1 WHERE name = '{name}'; END""")


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == 'postgresql'
    for name, table in _WATCHED.items():
        if postgres:
            op.execute(f"DROP TRIGGER bump_{name} ON {table}")
        else:
            for action in ('insert', 'update', 'delete'):
                op.execute(f"DROP TRIGGER bump_{name}_{action}")
    if postgres:
        op.execute("DROP FUNCTION bump_change_counter()")
    op.drop_table('change_counters')
