from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db.backends.base.base import BaseDatabaseWrapper

from liaison.testing import World, make_world


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    # Production hashing is slow on purpose; tests sign in hundreds of times.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _attachments_in_tmp(settings: Any, tmp_path: Any) -> None:
    # Stored attachments go to the test's own directory, never to var/.
    settings.LIAISON_ATTACHMENTS_DIR = tmp_path / "attachments"


@pytest.fixture(autouse=True, scope="session")
def _flush_lifts_append_only_triggers() -> Iterator[None]:
    # pytest-django empties every table after a transactional test (TRUNCATE on
    # PostgreSQL, DELETE on SQLite), which the append-only triggers refuse. Lift them for
    # the flush only, in its transaction, as the database owner would.
    from django.db.backends.base.operations import BaseDatabaseOperations

    from liaison.ledger.tests.tampering import tampering

    original = BaseDatabaseOperations.execute_sql_flush

    def execute_sql_flush(self: BaseDatabaseOperations, sql_list: list[str]) -> None:
        with tampering(self.connection.alias):
            original(self, sql_list)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(BaseDatabaseOperations, "execute_sql_flush", execute_sql_flush)
        yield


@pytest.fixture
def world(db: None) -> World:
    return make_world()


# ``verify`` rebuilds the projections in a scratch SQLite database registered under a
# fresh alias; pytest-django refuses connections to aliases a test did not declare, and
# this one cannot be declared ahead. Tests that run verify ask for ``scratch_allowed``.
SCRATCH_PREFIX = "liaison_scratch_"


@pytest.fixture
def scratch_allowed(db: None, django_db_blocker: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    guarded = BaseDatabaseWrapper.ensure_connection  # the test case's guard, now in place
    with django_db_blocker.unblock():
        real = BaseDatabaseWrapper.ensure_connection

    def ensure_connection(self: BaseDatabaseWrapper, *args: object, **kwargs: object) -> None:
        if self.alias.startswith(SCRATCH_PREFIX):
            return real(self, *args, **kwargs)
        return guarded(self, *args, **kwargs)

    monkeypatch.setattr(BaseDatabaseWrapper, "ensure_connection", ensure_connection)
