"""Throwaway databases for one benchmark run: a SQLite file and a PostgreSQL database."""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Iterator
from pathlib import Path

import psycopg
from psycopg import sql

PG_HOST = "127.0.0.1"
PG_PORT = 5432
PG_USER = "postgres"


def _remove_sqlite(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)


@contextlib.contextmanager
def sqlite_database(directory: Path) -> Iterator[str]:
    """A ``DATABASE_URL`` for a fresh SQLite file, removed before and after."""
    path = (directory / "bench.sqlite3").resolve()
    _remove_sqlite(path)
    try:
        yield f"sqlite:///{path}"
    finally:
        _remove_sqlite(path)


def _admin() -> psycopg.Connection:
    return psycopg.connect(
        host=PG_HOST,
        port=PG_PORT,
        user=PG_USER,
        dbname="postgres",
        autocommit=True,
        connect_timeout=5,
    )


def postgres_unreachable() -> str | None:
    """Why PostgreSQL cannot be used, or None when it can."""
    try:
        with _admin() as conn:
            conn.execute("select 1")
    except psycopg.Error as exc:
        return f"PostgreSQL at {PG_USER}@{PG_HOST}:{PG_PORT} is unreachable: {exc}".strip()
    return None


@contextlib.contextmanager
def postgres_database() -> Iterator[str]:
    """A ``DATABASE_URL`` for a fresh ``liaison_bench_<random>`` database, dropped after."""
    name = f"liaison_bench_{secrets.token_hex(4)}"
    with _admin() as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield f"postgres://{PG_USER}@{PG_HOST}:{PG_PORT}/{name}"
    finally:
        with _admin() as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
