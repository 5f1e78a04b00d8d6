"""Alembic environment: batch mode on SQLite, foreign keys off while migrating."""

from alembic import context
from sqlalchemy import create_engine

import app.models  # noqa: F401 - registers the tables
from app.db import Base
from app.search.index import include_object

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    """Run migrations on a live connection."""
    url = config.get_main_option("sqlalchemy.url")
    engine = create_engine(url)
    with engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            # Batch migrations recreate tables; with foreign keys on that cascades deletes.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=True,
            include_object=include_object,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()
    engine.dispose()  # no pooled connection left open on the database just migrated


run_migrations_online()
