"""The walkable road network: one segment per row, geodesic length, LINESTRING geometry

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 14:30:00
"""

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_geospatial_table(
        'road_edges',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('u', sa.BigInteger(), nullable=False),
        sa.Column('v', sa.BigInteger(), nullable=False),
        sa.Column('length_m', sa.Float(), nullable=False),
        sa.Column('geom', Geometry(geometry_type='LINESTRING', srid=4326, dimension=2, spatial_index=False,
                                   from_text='ST_GeomFromEWKT', name='geometry', nullable=False), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_road_edges')),
    )
    op.create_geospatial_index('idx_road_edges_geom', 'road_edges', ['geom'], unique=False,
                               postgresql_using='gist', postgresql_ops={})


def downgrade() -> None:
    op.drop_geospatial_table('road_edges')
