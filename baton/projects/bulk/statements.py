"""The statements a flushed batch runs: one writer thread on the import's connection,
``INSERT … SELECT … FROM json_each(?)`` on SQLite and ``COPY`` on PostgreSQL."""

import datetime as dt
import json
import queue
import sqlite3
import threading
from dataclasses import dataclass

from django.db import connection

from ..models import (
    CodeSequence,
    Milestone,
    Project,
    ProjectEvent,
    ProjectPeriod,
)
from ..search import FTS_TABLE


class _Writer:
    """A thread that runs the flushed statements on the import's own connection while
    the main thread goes on with the next rows. SQLite and psycopg leave Python's lock
    while the database works, so the two overlap. The main thread touches the
    connection only after ``wait``; an error in the thread is raised in the main thread
    at the next ``submit`` or ``wait``."""

    def __init__(self):
        self._jobs: queue.Queue = queue.Queue(maxsize=2)  # at most two batches ahead
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None

    def submit(self, job, *args) -> None:
        self._raise()
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="bulk-writer", daemon=True)
            self._thread.start()
        self._jobs.put((job, args))

    def wait(self) -> None:
        """Return once every submitted job ran."""
        if self._thread is not None:
            self._jobs.join()
        self._raise()

    def stop(self) -> None:
        if self._thread is not None:
            self._jobs.put(None)
            self._thread.join()
            self._thread = None

    def _raise(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def _run(self) -> None:
        while True:
            item = self._jobs.get()
            try:
                if item is None:
                    return
                if self._error is None:  # after an error the rest is skipped
                    job, args = item
                    job(*args)
            except BaseException as exc:
                self._error = exc
            finally:
                self._jobs.task_done()


def _text_of(value) -> str:
    """The JSON of a value json cannot write: a time or date as PostgreSQL reads it, a
    Decimal as its text, a jsonb parameter (``Jsonb``) as its JSON."""
    obj = getattr(value, "obj", None)  # psycopg's Jsonb wrapper
    if obj is not None and not isinstance(value, (dt.date, str)):
        return json.dumps(obj)
    return str(value)


@dataclass
class _Payload:
    text: str  # the rows of a batch, as a JSON array of arrays
    ids: list[int]


class _Statements:
    """The SQL of a flushed batch, on the raw DB-API connection (the writer thread
    cannot use Django's per-thread connection)."""

    def __init__(self, tables: dict):
        self.tables = tables
        self.vendor = connection.vendor
        self.raw = connection.connection
        self.mark = "?" if self.vendor == "sqlite" else "%s"
        self.quote = connection.ops.quote_name
        self.text_trigger: str | None = None  # SQLite: the full-text insert trigger, held
        self.json_each = self.vendor == "sqlite" and sqlite3.sqlite_version_info >= (3, 38)
        self.types = {  # each column's type, to cast a value read from JSON text
            model: [f.db_type(connection) for f in table.fields] for model, table in tables.items()
        }

    def batch(self, insert: dict, update: dict, delete: list) -> None:
        # Periods first closed, then opened: one open period per project at all times.
        self.update(ProjectPeriod, update.get(ProjectPeriod))
        if insert.get(Project) and self.vendor == "sqlite":
            self.hold_text_index()
        self.insert(Project, insert.get(Project))
        self.index_text(insert.get(Project))
        for model in (ProjectEvent, ProjectPeriod, Milestone, CodeSequence):
            self.insert(model, insert.get(model))
        for model in (Project, Milestone, CodeSequence):
            self.update(model, update.get(model))
        if delete:
            through = Project.co_units.through._meta.db_table
            self.run_many(
                f"DELETE FROM {through} WHERE project_id = {self.mark} AND unit_id = {self.mark}",  # noqa: S608
                delete,
            )

    def encode(self, rows: list[tuple]):
        """Return a batch's rows as one JSON text, built in the main thread: the writer
        thread then runs one INSERT a table, and the database reads the rows from the
        text (SQLite: ``json_each``; PostgreSQL: ``jsonb_array_elements``, each value cast
        to its column's type) while this process goes on. A value arrives as the same
        text or number a bound parameter would be (a Decimal, a time: its text)."""
        if not rows or not (self.json_each or self.vendor == "postgresql"):
            return rows
        text = json.dumps(rows, ensure_ascii=False, default=_text_of)
        return _Payload(text, [row[0] for row in rows]) if "\\u0000" not in text else rows

    def end(self) -> None:
        if self.text_trigger is not None:
            self.run(self.text_trigger)
            self.text_trigger = None

    def hold_text_index(self) -> None:
        """Keep SQLite's full-text index of names and investors (migration projects/0003)
        without its insert trigger: the trigger indexes one row a statement, six times
        slower than indexing a batch in one statement (``index_text``). It is dropped and
        made again inside the import's transaction: no other connection ever sees the
        table without it, and a rollback brings it back."""
        if self.text_trigger is not None:
            return
        found = self.run(
            f"SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = {self.mark}",  # noqa: S608
            [f"{FTS_TABLE}_insert"],
            fetch=True,
        )
        if found:
            self.run(f"DROP TRIGGER {FTS_TABLE}_insert")
            self.text_trigger = found[0][0]

    def index_text(self, rows) -> None:
        """Do what the held insert trigger does, for the projects just inserted."""
        if self.text_trigger is None or not rows:
            return
        table = Project._meta.db_table
        ids = rows.ids if isinstance(rows, _Payload) else [row[0] for row in rows]
        into = f"INSERT INTO {FTS_TABLE} (rowid, name, investor) SELECT id, name, investor FROM {table}"  # noqa: S608
        if max(ids) - min(ids) + 1 == len(ids):  # the writer's ids are consecutive
            self.run(f"{into} WHERE id BETWEEN {self.mark} AND {self.mark}", [min(ids), max(ids)])
        else:
            for chunk in _chunks(ids):
                self.run(f"{into} WHERE id IN ({', '.join([self.mark] * len(chunk))})", chunk)

    def insert(self, model, rows) -> None:
        if not rows:
            return
        table = self.tables[model]
        columns = ", ".join(self.quote(c) for c in table.columns)
        if isinstance(rows, _Payload) and self.vendor == "postgresql":
            values = ", ".join(f"(v ->> {i})::{t}" for i, t in enumerate(self.types[model]))
            self.run(
                f"INSERT INTO {table.name} ({columns}) SELECT {values} "  # noqa: S608
                "FROM jsonb_array_elements(%s::jsonb) AS v",
                [rows.text],
            )
        elif isinstance(rows, _Payload):
            values = ", ".join(f"value ->> {i}" for i in range(len(table.columns)))
            self.run(
                f"INSERT INTO {table.name} ({columns}) SELECT {values} FROM json_each(?)",  # noqa: S608
                [rows.text],
            )
        elif self.vendor == "postgresql":
            with (
                self.raw.cursor() as cursor,
                cursor.copy(f"COPY {table.name} ({columns}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join([self.mark] * len(table.columns))
            self.run_many(f"INSERT INTO {table.name} ({columns}) VALUES ({marks})", rows)  # noqa: S608

    def update(self, model, rows) -> None:
        if not rows:
            return
        table = self.tables[model]
        names = [self.quote(c) for c in table.columns]
        sets = ", ".join(f"{name} = {self.mark}" for name in names[1:])
        self.run_many(
            f"UPDATE {table.name} SET {sets} WHERE {names[0]} = {self.mark}",  # noqa: S608
            [(*row[1:], row[0]) for row in rows],
        )

    def run(self, sql: str, params=(), *, fetch: bool = False):
        cursor = self.raw.cursor()
        try:
            cursor.execute(sql, params)
            return cursor.fetchall() if fetch else None
        finally:
            cursor.close()

    def run_many(self, sql: str, rows) -> None:
        cursor = self.raw.cursor()
        try:
            cursor.executemany(sql, rows)
        finally:
            cursor.close()


def _chunks(items, size: int = 500):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def analyze() -> None:
    """Refresh the planner's statistics of the tables a large import fills: a library
    grown tenfold would otherwise be planned as the small one it was."""
    with connection.cursor() as cursor:
        for model in (Project, ProjectEvent, ProjectPeriod, Milestone):
            cursor.execute(f"ANALYZE {model._meta.db_table}")
