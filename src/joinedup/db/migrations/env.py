"""Alembic environment: migrations run on a connection handed in by `joinedup.db.migrate`."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from joinedup.db.models import Base
from joinedup.db.session import make_engine

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    url = config.get_main_option("sqlalchemy.url")
    if url is None:
        raise RuntimeError("no sqlalchemy.url in the Alembic configuration")
    engine = make_engine(url)
    with engine.begin() as own:
        _run(own)
    engine.dispose()
