"""Users who sign in (roles, hashed passwords, API token hashes) and the decision lock row

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 13:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'users',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('role', sa.String(length=16), nullable=False),
        sa.Column('password_hash', sa.String(length=300), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('disabled_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
        sa.UniqueConstraint('name', name=op.f('uq_users_name')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_users_token_hash')),
    )
    op.create_table(
        'locks',
        sa.Column('name', sa.String(length=32), nullable=False),
        sa.Column('taken_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_locks')),
    )
    op.bulk_insert(sa.table('locks', sa.column('name', sa.String)), [{'name': 'sites'}])


def downgrade() -> None:
    op.drop_table('locks')
    op.drop_table('users')
