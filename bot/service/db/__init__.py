"""Storage: typed ORM models, the engine/session factory. Schema changes go through Alembic."""
