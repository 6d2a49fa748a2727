"""Ids and rows: the ids the database would give, the finished rows turned into
database values and flushed batch by batch."""

from django.db import connection
from django.utils import timezone

from .. import search_keys
from ..models import (
    CodeSequence,
    Milestone,
    Project,
    ProjectEvent,
    ProjectPeriod,
)
from .history import _Period

_CHUNK = 2000


class _Rows:
    """Ids, rows and batches (a part of ``BulkWriter``)."""

    # --- ids ---------------------------------------------------------------------------

    def _take(self, model) -> int:
        drawn = self._next.get(model)
        if not drawn:
            drawn = self._next[model] = self._draw(model)
        return drawn.pop()

    def _draw(self, model, count: int | None = None) -> list[int]:
        """Return the next ids of ``model``'s table, last first. On SQLite (the import
        holds the write lock) they follow the table's counter, read once; on PostgreSQL
        they are drawn from its sequence, more each time."""
        if self.vendor == "postgresql" and not self.dry_run:
            self._writer.wait()  # the connection is the main thread's for a moment
            drawn = self._drawn.get(model, 0)
            count = count or min(100_000, max(2000, drawn))
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                    [model._meta.db_table, count],
                )
                ids = [row[0] for row in cursor.fetchall()]
            self._drawn[model] = drawn + count
            return ids[::-1]
        last = self._last.get(model)
        if last is None:
            self._writer.wait()
            last = self._last[model] = self._counter(model)
        self._last[model] = last + 10_000
        return list(range(last + 10_000, last, -1))

    @staticmethod
    def _counter(model) -> int:
        """Return the last id the table gave (SQLite: AUTOINCREMENT's counter too)."""
        table = model._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT MAX(id) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            last = cursor.fetchone()[0] or 0
            if connection.vendor == "sqlite":
                cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
                found = cursor.fetchone()
                last = max(last, found[0] if found else 0)
        return last

    # --- rows --------------------------------------------------------------------------

    def end_row(self, ok: bool = True) -> None:
        """The row's steps are done: keep its rows for the next flush (none if refused)."""
        row, self._row = self._row, []
        self._found.clear()
        self._now, self._today = timezone.now(), timezone.localdate()
        if not ok:
            self.failed = True
        if self.failed or self.dry_run:
            for history in row:
                if history.new:
                    self._histories.pop(history.project.pk, None)
            return
        tables, insert, update = self._tables, self._rows["insert"], self._rows["update"]
        mark_row = tables[Milestone].row
        for history in row:
            project = history.project
            pk = project.pk
            self._events.append((pk, history.events))
            history.events = []
            periods = history.periods
            if history.open is not None and not history.open.stored:
                periods = [*periods, history.open]
            for period in periods:
                rows = update if period.stored else insert
                rows[ProjectPeriod].append(self._period_row(pk, period))
                period.stored, period.changed = True, False
            history.periods = []
            if history.open is not None and history.open.changed:
                update[ProjectPeriod].append(self._period_row(pk, history.open))
                history.open.changed = False
            for kind, mark in history.marks.items():
                if not mark.stored or mark.changed:
                    rows = insert if not mark.stored else update
                    rows[Milestone].append(mark_row((mark.id, pk, kind, mark.date, mark.note)))
                    mark.stored = True
                mark.changed = False
            gone = history.co_units_before - history.co_units
            self._rows["delete"].extend((pk, unit_id) for unit_id in gone)
            (insert if history.new else update)[Project].append(tables[Project].of(project))
            self._written_projects().add(pk)
            self._pending += 1
            if history.new:
                # Done with it: nothing later in the import touches this project again.
                self._histories.pop(pk, None)
        if self._pending >= _CHUNK:
            self.flush()

    def _period_row(self, pk: int, period: _Period) -> tuple:
        state, moment = period.state, self._moment
        return (
            period.id, pk, period.event_id, state["district_id"], state["unit_id"],
            state["stage_id"], state["industry_id"], state["review_state"],
            self._amount(state["investment"]), moment(period.valid_from), moment(period.valid_to),
        )  # fmt: skip

    def _moment(self, value):
        """A time as the database takes it (one conversion per distinct time)."""
        found = self._moments.get(value)
        if found is None:
            if len(self._moments) > 200_000:
                self._moments.clear()
            found = self._moments[value] = self._convert_moment(value)
        return found

    def flush(self) -> None:
        """Hand what the finished rows wrote to the writer thread."""
        self._pending = 0
        if self.failed or self.dry_run:
            return
        self._answers()
        now = self._moment(timezone.now())
        events, moment, old_of, new_of = [], self._moment, self._old, self._new
        nothing = self._nothing
        for pk, history in self._events:
            for event_id, district_id, kind, actor_id, at, old, new, reason in history:
                old = old_of(old) if old else nothing
                new = new_of(new) if new else nothing
                events.append(
                    (event_id, pk, district_id, kind, actor_id, moment(at), now, old, new, reason)
                )
        self._events = []
        self._rows["insert"][ProjectEvent] = events
        insert, update, delete = self._rows["insert"], self._rows["update"], self._rows["delete"]
        insert = {model: self._sql.encode(rows) for model, rows in insert.items()}
        self._writer.submit(self._sql.batch, insert, update, delete)
        self._rows = {
            "insert": {m: [] for m in self._tables},
            "update": {m: [] for m in self._tables},
            "delete": [],
        }

    def finish(self) -> None:
        """Write the rest, and the code sequences."""
        self.flush()
        if self.failed or self.dry_run:
            return
        table = self._tables[CodeSequence]
        new, changed = [], []
        for (district_id, year), sequence in sorted(self._sequences.items(), key=lambda s: s[1].id):
            values = (sequence.id, district_id, year, sequence.last)
            if not sequence.stored:
                new.append(table.row(values))
            elif sequence.changed:
                changed.append(table.row(values))
        self._writer.submit(self._sql.batch, {CodeSequence: new}, {CodeSequence: changed}, [])
        self._writer.submit(self._sql.end)
        self._writer.wait()
        # The search keys (pinyin initials, contact, phone) of the projects written.
        search_keys.refresh(sorted(self._written_projects()))

    def _written_projects(self) -> set[int]:
        """The ids of the projects this import wrote (inserted or updated)."""
        if not hasattr(self, "_written"):
            self._written: set[int] = set()
        return self._written

    def stop(self) -> None:
        """Stop the writer thread (before the transaction ends, whatever happened)."""
        self._writer.stop()

    def close(self) -> None:
        """Give the connection back as it was (after the transaction)."""
        if self._asking:
            self._pool.close()
            self._asking = False
        if self._cache_size is not None:
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA cache_size = {int(self._cache_size)}")
            self._cache_size = None
