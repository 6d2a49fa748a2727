"""The demo, loaded once per test process and copied from then on.

``seed.load_demo`` writes seven years of a district's history through the services — a
minute of work that a dozen test modules (the browser tests above all) used to repeat.
``load_demo_once`` runs it for real the first time a process asks (for a given ``today``),
keeps every row it wrote, and from then on puts those rows back with plain INSERTs: the
same rows, ids and hashes, in a second. The services' own writes are what the first load
tests; the copies only spare the tests that need a populated district.

The copy is taken and put back only on a database as fresh as the one it was taken from
(the migrations' rows and nothing else); on any other, the demo loads for real. The list
page's counters are left to the triggers that keep them, and the audit anchor file gets
the lines the first load wrote.
"""

import datetime as dt
import fcntl
import os
import pickle
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

from baton.audit.anchor import anchor_path
from baton.demo import seed
from baton.projects.models import Project

#: Kept by triggers on the tables that are copied: a copy would collide with them.
SKIPPED = {"projects_libraryversion", "projects_pageversion"}


@dataclass
class _Table:
    columns: list[str]
    json: dict[int, str]  # the columns PostgreSQL keeps as JSON, put back from their text
    rows: list[tuple]
    replace: bool  # the first load changed rows that were there before it


@dataclass
class _Snapshot:
    baseline: dict[str, list[tuple]]
    tables: dict[str, _Table]
    anchor: str


_snapshots: dict[tuple, _Snapshot] = {}


def _tables() -> list[str]:
    names = connection.introspection.django_table_names(only_existing=True)
    return sorted(set(names) - SKIPPED)


#: PostgreSQL's json and jsonb, which Django's cursor reads as their text.
JSON_TYPES = {114: "json", 3802: "jsonb"}


def _plain(row: tuple) -> tuple:
    return tuple(bytes(v) if isinstance(v, memoryview) else v for v in row)


def _read(tables) -> dict[str, tuple[list[str], dict[int, str], list[tuple]]]:
    contents = {}
    with connection.cursor() as cursor:
        for table in tables:
            name = connection.ops.quote_name(table)
            cursor.execute(f"SELECT * FROM {name} ORDER BY 1")  # noqa: S608 — Django's own tables
            columns = [d[0] for d in cursor.description]
            json = {
                i: JSON_TYPES[d[1]] for i, d in enumerate(cursor.description) if d[1] in JSON_TYPES
            }
            contents[table] = (columns, json, [_plain(row) for row in cursor.fetchall()])
    return contents


def _rows(contents) -> dict[str, list[tuple]]:
    return {table: rows for table, (_columns, _json, rows) in contents.items()}


def _anchor_text() -> str:
    path = anchor_path()
    return path.read_text(encoding="utf-8") if path.exists() else ""


def _take(baseline: dict[str, list[tuple]]) -> _Snapshot:
    tables = {}
    for table, (columns, json, rows) in _read(_tables()).items():
        kept = set(map(repr, baseline.get(table, [])))
        replace = not kept <= set(map(repr, rows))
        added = rows if replace else [row for row in rows if repr(row) not in kept]
        if added or replace:
            tables[table] = _Table(columns, json, added, replace)
    return _Snapshot(baseline, tables, _anchor_text())


def _put_back(snapshot: _Snapshot) -> None:
    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        for table, copy in snapshot.tables.items():
            if copy.replace:
                cursor.execute(f"DELETE FROM {quote(table)}")  # noqa: S608 — Django's own tables
            if copy.rows:
                columns = ", ".join(quote(c) for c in copy.columns)
                marks = ", ".join(
                    f"%s::{copy.json[i]}" if i in copy.json else "%s"
                    for i in range(len(copy.columns))
                )
                insert = f"INSERT INTO {quote(table)} ({columns}) VALUES ({marks})"  # noqa: S608
                cursor.executemany(insert, copy.rows)
        if connection.vendor == "postgresql":
            models = apps.get_models(include_auto_created=True)
            for statement in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(statement)
    path = anchor_path()
    if snapshot.anchor and not _anchor_text():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(snapshot.anchor, encoding="utf-8")


def load_demo_once(today: dt.date | None = None) -> seed.DemoResult:
    """Return ``seed.load_demo(today)``'s outcome, copying the rows of this process's first
    load of the same ``today`` when the database is as fresh as it was then.

    The test processes of one run (pytest-xdist's workers) share the first load: the first
    to ask loads and leaves its copy in a file of the run, the others wait for it and put
    it back (each worker's own load took half a minute of each run).
    """
    day = today or timezone.localdate()
    key = (connection.alias, str(connection.settings_dict["NAME"]), day)
    snapshot = _snapshots.get(key)
    if snapshot is not None and _fresh(snapshot):
        return _copied(snapshot)
    shared = _shared_file(day)
    if shared is None:
        return _load(key, today)
    if not shared.parent.exists():
        _clear_old_runs(shared.parent.parent)
        shared.parent.mkdir(parents=True, exist_ok=True)
    with open(shared.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if snapshot is None and shared.exists():
            snapshot = pickle.loads(shared.read_bytes())  # noqa: S301 — this run's own file
            _snapshots[key] = snapshot
            if _fresh(snapshot):
                return _copied(snapshot)
        result = _load(key, today)
        if key in _snapshots and not shared.exists():
            shared.write_bytes(pickle.dumps(_snapshots[key]))
        return result


def _fresh(snapshot: _Snapshot) -> bool:
    return _rows(_read(snapshot.baseline)) == snapshot.baseline


def _copied(snapshot: _Snapshot) -> seed.DemoResult:
    _put_back(snapshot)
    return seed.DemoResult(created=True, projects=Project.objects.count())


def _load(key: tuple, today: dt.date | None) -> seed.DemoResult:
    baseline = _rows(_read(_tables()))
    result = seed.load_demo(today)
    if result.created and key not in _snapshots:
        _snapshots[key] = _take(baseline)
    return result


def _shared_file(day: dt.date) -> Path | None:
    """The file of this run's first load of the demo for ``day``, or None outside xdist."""
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    if not run:
        return None
    folder = Path(tempfile.gettempdir()) / f"baton-demo-{run}"
    return folder / f"{connection.vendor}-{day.isoformat()}.pickle"


def _clear_old_runs(folder: Path) -> None:
    """Remove the copies of runs that ended a day ago or more."""
    for old in folder.glob("baton-demo-*"):
        if time.time() - old.stat().st_mtime > 24 * 3600:
            shutil.rmtree(old, ignore_errors=True)
