"""Alembic migrations of the PostgreSQL store (run by :func:`guozi.store.postgres.migrate` on open)."""
