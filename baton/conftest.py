import itertools
import os

import pytest
from django.test import TransactionTestCase
from hypothesis import settings as hypothesis_settings

from baton.testing import make_world

# In CI the property tests replay the same examples every run, so that a submission
# passes or fails on its merits; on a developer's machine they keep exploring.
hypothesis_settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")


#: The fixtures through which a test reaches the test database.
DATABASE_FIXTURES = frozenset(
    {
        "db",
        "transactional_db",
        "django_db_reset_sequences",
        "django_db_serialized_rollback",
        "live_server",
    }
)


#: Modules of tests that each keep a worker busy for minutes, run first: pytest-xdist
#: deals the first tests out one by one, so each worker starts on one of them and the
#: run ends with short tests on both workers, not one worker finishing a long one alone.
LONG_FIRST = ("baton.tests.test_access_matrix", "baton.ops.tests.test_replica")


def pytest_collection_modifyitems(items):
    """Mark every test that drives the browser ``browser``, whichever file it is in, so
    that ``-m "not browser"`` leaves them all out (the PostgreSQL run of .ci/run does:
    the pages are the same on either database, and the views' tests run on both); and
    every test that never reaches the database ``nodb`` (it gives the same answer on
    either database, so the PostgreSQL run leaves it out too). The long modules go
    first (``LONG_FIRST``), each keeping its own order."""
    items.sort(
        key=lambda item: getattr(getattr(item, "module", None), "__name__", "") not in LONG_FIRST
    )
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if "browser" in fixtures:
            item.add_marker(pytest.mark.browser)
        cls = getattr(item, "cls", None)
        if (
            not fixtures & DATABASE_FIXTURES
            and item.get_closest_marker("django_db") is None
            and not (cls is not None and issubclass(cls, TransactionTestCase))
        ):
            item.add_marker(pytest.mark.nodb)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2 with a million rounds is the point in production and a minute lost in tests.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    # The manifest storage needs collectstatic; tests serve the files as they are.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # WhiteNoise looks a file up when asked, instead of listing STATIC_ROOT when the first
    # request builds the middleware: a test server's collectstatic may be rewriting it.
    settings.WHITENOISE_AUTOREFRESH = True


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings):
    # A task runs inside the call that enqueues it, so a test sees its outcome at once;
    # the tests of the queue itself start a real worker on the database backend.
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": settings.TASK_QUEUES,
        }
    }


@pytest.fixture(scope="session")
def _anchor_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("audit-anchor")


_anchors = itertools.count(1)


@pytest.fixture(autouse=True)
def _own_audit_anchor(settings, _anchor_dir):
    # The audit anchor is a file outside the database: each test's chain, rolled back
    # afterwards, gets its own, never the developer's var/audit_anchor.log.
    settings.BATON_AUDIT_ANCHOR = str(_anchor_dir / f"{next(_anchors)}.log")


@pytest.fixture(scope="session")
def _attachment_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("attachments")


_stores = itertools.count(1)


@pytest.fixture(autouse=True)
def _own_attachment_store(settings, _attachment_dir):
    # Attachments' bytes live outside the database: each test gets its own empty store
    # (a folder made when first written), never the developer's var/attachments.
    settings.STORAGES = {
        **settings.STORAGES,
        "attachments": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(_attachment_dir / str(next(_stores))), "base_url": None},
        },
    }


@pytest.fixture(autouse=True)
def _no_request_left_open():
    yield
    from baton.audit.signals import leave_open_requests

    leave_open_requests()


@pytest.fixture(autouse=True)
def _empty_page_cache():
    # The list's kept pages live in the process's memory, which outlives each test's
    # rolled-back database: a test starts with none (page_cache's own tests cover it).
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def w(db):
    """The shared test world with its personas (see baton/testing.py)."""
    return make_world()
