import threading

import pytest
from django.db import connection, connections

from baton.projects.models import Project
from baton.testing import make_project


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite settings")
@pytest.mark.django_db
def test_it_runs_sqlite_with_wal_and_a_busy_timeout():
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] >= 5000
        cursor.execute("PRAGMA foreign_keys")
        assert cursor.fetchone()[0] == 1
    assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_gives_unique_codes_to_projects_created_at_once(w):
    errors: list[Exception] = []

    def create(i):
        try:
            make_project(w, name=f"并发项目{i}")
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=create, args=(i,)) for i in range(24)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    codes = list(Project.objects.values_list("code", flat=True))
    assert len(codes) == 24 and len(set(codes)) == 24
    seqs = sorted(int(code.rsplit("-", 1)[1]) for code in codes)
    assert seqs == list(range(1, 25))
