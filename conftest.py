from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db.backends.base.base import BaseDatabaseWrapper

from liaison.testing import World
from liaison.world_rows import WorldRows

# The slow proofs, marked ``slow`` so ``pytest -m "not slow"`` skips them while working;
# ``make test`` and CI run them. A module, a test, or one parametrisation of a test.
SLOW = [
    # Real servers in processes of their own: concurrent writers, kill -9, Ctrl-C.
    "liaison/ledger/tests/test_server_writes.py",
    "liaison/web/tests/test_serve.py",
    "liaison/demo/tests/test_demo_serving.py",
    "liaison/bundle/tests/test_backup.py::test_a_backup_restored_on_a_fresh_database_verifies_and_holds_everything",
    "tests/test_cli.py",
    "tests/test_deploy_check.py",
    # Fuzz, property and tampering walks: thousands of generated inputs or edits.
    "liaison/web/tests/test_form_fuzz.py",
    "liaison/api/tests/test_fuzz.py",
    "liaison/ledger/tests/test_event_fuzz.py",
    "liaison/meetings/tests/test_consent_fuzz.py",
    "liaison/records/tests/test_binding_fuzz.py",
    "liaison/ledger/tests/test_tamper_db.py",
    "liaison/bundle/tests/test_tamper.py",
    "liaison/ledger/tests/test_merkle.py::test_root_and_tree_match_the_rfc_definition_at_every_size",
    # This list checked by collecting what it names, in a pytest of its own.
    "tests/test_slow_marks.py",
    # Query counts read again on 2,000 messages.
    "liaison/web/tests/test_channel_queries.py::test_the_lists_and_a_thread_read_the_same_queries_however_many_messages[2000]",
    "liaison/api/tests/test_channel.py::test_the_lists_take_a_fixed_number_of_queries_however_many_messages[2000]",
]


def _names(nodeid: str, entry: str) -> bool:
    return nodeid == entry or nodeid.startswith((f"{entry}::", f"{entry}["))


@pytest.hookimpl(tryfirst=True)  # before -k and -m deselect
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for entry in SLOW:
        # A moved file fails here; a renamed test, in tests/test_slow_marks.py.
        if not (config.rootpath / entry.split("::", 1)[0]).is_file():
            raise pytest.UsageError(f"conftest.py SLOW names a file that is not there: {entry}")
    for item in items:
        if any(_names(item.nodeid, entry) for entry in SLOW):
            item.add_marker(pytest.mark.slow)


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


@pytest.fixture(autouse=True, scope="session")
def _static_files_listed_once() -> Iterator[None]:
    # Every test client builds the middleware anew, and WhiteNoise's lists and stats
    # every static file when it is built: a fifth of a page test's time. The files do
    # not change during a run, so the list is made once per set of the settings it
    # depends on and handed to each new instance.
    from django.conf import settings
    from whitenoise.middleware import WhiteNoiseMiddleware

    original = WhiteNoiseMiddleware.add_files_from_finders
    listed: dict[tuple[Any, ...], dict[str, Any]] = {}

    def add_files_from_finders(self: WhiteNoiseMiddleware) -> None:
        key = (
            self.static_prefix,
            self.max_age,
            self.allow_all_origins,
            self.charset,
            tuple(settings.INSTALLED_APPS),
            tuple(str(d) for d in settings.STATICFILES_DIRS),
        )
        if key not in listed:
            before = set(self.files)
            original(self)
            listed[key] = {url: self.files[url] for url in set(self.files) - before}
        self.files.update(listed[key])

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(WhiteNoiseMiddleware, "add_files_from_finders", add_files_from_finders)
        yield


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> WorldRows:
    """The test database, and the shared world's rows, built right after it: on an
    empty database, before any module's own world holds a transaction open."""
    with django_db_blocker.unblock():
        return WorldRows.build()


@pytest.fixture
def world(db: None, django_db_setup: WorldRows) -> World:
    """What ``make_world()`` builds, put back in the test's transaction from the rows
    built once per test process (a transactional test's flush empties it with the rest)."""
    return django_db_setup.restore()


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
