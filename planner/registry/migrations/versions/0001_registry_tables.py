"""Registry tables: outlets, stations, candidates, areas, transactions, events

Revision ID: 0001
Revises: 
Create Date: 2026-11-23 08:48:03.523517
"""

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry
from sqlalchemy.dialects import postgresql

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_geospatial_table('areas',
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('population', sa.Float(), nullable=True),
    sa.Column('households', sa.Float(), nullable=True),
    sa.Column('parent_code', sa.String(length=64), nullable=True),
    sa.Column('geom', Geometry(geometry_type='MULTIPOLYGON', srid=4326, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry', nullable=False), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('attrs', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_areas')),
    sa.UniqueConstraint('code', name=op.f('uq_areas_code'))
    )
    op.create_geospatial_index('idx_areas_geom', 'areas', ['geom'], unique=False, postgresql_using='gist', postgresql_ops={})

    op.create_geospatial_table('candidates',
    sa.Column('status', sa.String(length=24), nullable=False),
    sa.Column('area_m2', sa.Float(), nullable=True),
    sa.Column('display_m2', sa.Float(), nullable=True),
    sa.Column('months_in_business', sa.Float(), nullable=True),
    sa.Column('signage', sa.Boolean(), nullable=True),
    sa.Column('line', sa.Boolean(), nullable=True),
    sa.Column('reported_on', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('address', sa.String(length=300), nullable=True),
    sa.Column('geom', Geometry(geometry_type='POINT', srid=4326, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry', nullable=False), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('attrs', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_candidates')),
    sa.UniqueConstraint('code', name=op.f('uq_candidates_code'))
    )
    op.create_geospatial_index('idx_candidates_geom', 'candidates', ['geom'], unique=False, postgresql_using='gist', postgresql_ops={})

    op.create_table('events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('table_name', sa.String(length=32), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('changes', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('source', sa.String(length=300), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_events'))
    )
    op.create_index(op.f('ix_events_at'), 'events', ['at'], unique=False)
    op.create_index('ix_events_table_name_code', 'events', ['table_name', 'code'], unique=False)

    op.create_geospatial_table('outlets',
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=True),
    sa.Column('geom', Geometry(geometry_type='POINT', srid=4326, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry', nullable=False), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('attrs', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outlets')),
    sa.UniqueConstraint('code', name=op.f('uq_outlets_code'))
    )
    op.create_geospatial_index('idx_outlets_geom', 'outlets', ['geom'], unique=False, postgresql_using='gist', postgresql_ops={})

    op.create_table('transactions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('station_code', sa.String(length=64), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_transactions')),
    sa.UniqueConstraint('station_code', 'month', name=op.f('uq_transactions_station_code_month'))
    )
    op.create_index(op.f('ix_transactions_station_code'), 'transactions', ['station_code'], unique=False)

    op.create_geospatial_table('stations',
    sa.Column('status', sa.String(length=24), nullable=False),
    sa.Column('operator', sa.String(length=100), nullable=True),
    sa.Column('opened_on', sa.Date(), nullable=True),
    sa.Column('candidate_id', sa.Integer(), nullable=True),
    sa.Column('address', sa.String(length=300), nullable=True),
    sa.Column('geom', Geometry(geometry_type='POINT', srid=4326, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry', nullable=False), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('attrs', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['candidate_id'], ['candidates.id'], name=op.f('fk_stations_candidate_id_candidates')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stations')),
    sa.UniqueConstraint('code', name=op.f('uq_stations_code'))
    )
    op.create_geospatial_index('idx_stations_geom', 'stations', ['geom'], unique=False, postgresql_using='gist', postgresql_ops={})

def downgrade() -> None:
    op.drop_geospatial_table('stations')
    op.drop_table('transactions')
    op.drop_geospatial_table('outlets')
    op.drop_table('events')
    op.drop_geospatial_table('candidates')
    op.drop_geospatial_table('areas')
