"""Alembic environment: runs on the connection planner hands over (see schema.py)."""

from alembic import context
from geoalchemy2 import alembic_helpers

from planner.registry.models import Base

config = context.config


def include_object(obj, name, obj_type, reflected, compare_to):
    """Compare only our own tables: SpatiaLite's and PostGIS's stay out of migrations."""
    if obj_type == "table" and reflected and compare_to is None:
        return False
    return alembic_helpers.include_object(obj, name, obj_type, reflected, compare_to)


connection = config.attributes["connection"]

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    include_object=include_object,
    process_revision_directives=alembic_helpers.writer,
    render_item=alembic_helpers.render_item,
    render_as_batch=connection.dialect.name == "sqlite",
)

with context.begin_transaction():
    context.run_migrations()
