"""Many projects' histories at once: the rows the services write, written in bulk.

``BulkWriter`` offers the project services an import calls — ``project_create``,
``project_move``, ``project_submit``, ``project_review``, ``project_handoff``,
``project_update``, ``milestone_record`` — with their arguments, the same rules
(``rules.py``) and the same event payloads (``events.py``). A call does not touch the
database: it applies the step to the project held in memory and keeps the rows the
service would have written — the project, its event with the same payload, the period
it opens, closes or rewrites, the milestone, the code sequence, a co-unit let go — each
with the id the database would have given it, in the same order. ``end_row`` and ``flush`` turn finished rows into
database values, batch by batch.

Where the time goes at 100,000 rows, and what is done about it:

- **the database's own work** (B-trees of about 45 indexes): a writer thread runs each
  batch while the next one is built. On SQLite a batch is one ``INSERT … SELECT … FROM
  json_each(?)`` per table, so the whole statement runs without Python's lock; on
  PostgreSQL it is ``COPY``. SQLite's full-text index of names (migration projects/0003)
  is fed once a batch instead of by its row trigger (``_Statements.hold_text_index``);
- **possible duplicates**: each submission and approval records what
  ``duplicate_candidates`` would find at that moment. ``DuplicateIndex`` answers the same
  without scanning the city (see there); a large import keeps it in a process of its own
  (``PoolProcess``), and the events wait for its answers until their batch is written;
- **Python**: Django model instances built the fast way (``_new_project``), values
  converted once per distinct value, "now" and "today" read once a row.

Ids: on SQLite the import holds the write lock (IMMEDIATE transactions), so the next
ids are the table's AUTOINCREMENT counter plus one, exactly as the services get them; on
PostgreSQL they are drawn from each table's sequence (``nextval``), so that no other
session collides with them. ``recorded_at`` is the time a batch is built.

No model signal is sent: the one receiver of a ProjectEvent (the audit log) records
nothing inside ``audit_batch``, which every import runs in (the import is audited as one
record); ``baton/ledger/tests/test_bulk.py`` fails if another receiver appears. That
test also imports the same ledgers through the services and through this writer and
compares every table row for row.
"""

import datetime as dt
import json
import queue
import sqlite3
import threading
from dataclasses import dataclass, field

from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.utils import timezone

from baton.accounts.models import User
from baton.org.models import District, Unit

from . import events, rules, services
from .duplicate_index import DuplicateIndex, PoolProcess
from .duplicates import investor_key, name_key
from .models import (
    CodeSequence,
    Milestone,
    Project,
    ProjectEvent,
    ProjectPeriod,
    ReviewState,
    Stage,
)
from .search import FTS_TABLE

Kind = ProjectEvent.Kind
_POOL = (ReviewState.SUBMITTED, ReviewState.DISTRICT_APPROVED, ReviewState.ADMITTED)
_PERIOD_FIELDS = frozenset(services.PERIOD_FIELDS)
#: The events after which a project may enter or leave the pool, or change its keys.
_POOL_CHANGES = {
    Kind.SUBMITTED,
    Kind.APPROVED,
    Kind.ADMITTED,
    Kind.RETURNED,
    Kind.UPDATED,
    Kind.MOVED,
}
_PERIOD_KEYS = tuple(services.period_state(Project()).keys())
_CHUNK = 2000
#: From this many rows on, the duplicate pool runs in a process of its own.
POOL_PROCESS_AFTER = 5000
_SQLITE_CACHE_MB = 128
#: The column order of the event and period rows, shared with the generator (generate.py).
EVENT_COLUMNS = (
    "id",
    "project_id",
    "district_id",
    "kind",
    "actor_id",
    "at",
    "recorded_at",
    "old",
    "new",
    "reason",
)
PERIOD_COLUMNS = (
    "id", "project_id", "event_id", "district_id", "unit_id", "stage_id", "industry_id",
    "review_state", "investment", "valid_from", "valid_to",
)  # fmt: skip
_PLAIN = (
    models.AutoField,
    models.BigAutoField,
    models.BooleanField,
    models.CharField,
    models.ForeignKey,
    models.IntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.SlugField,
    models.TextField,
)


# --- database values ---------------------------------------------------------------------


class _Table:
    """A model's columns and how each value goes to the database, as ``save`` sends it.

    ``row`` takes the values in column order. Each field's own ``get_db_prep_save``
    converts its value, but for the common cases done the same way faster: plain
    columns as they are, times as the backend adapts them, a JSON object without a
    sealed key (``SealedJSONField``) as plain JSON, an amount by a cache per value.
    """

    def __init__(self, model, order: tuple[str, ...] | None = None):
        self.model = model
        self.name = model._meta.db_table
        self.fields = list(model._meta.concrete_fields)
        self.columns = [f.column for f in self.fields]
        self.attnames = tuple(f.attname for f in self.fields)
        if order is not None and order != self.attnames:
            raise ImproperlyConfigured(
                f"{model.__name__} 的字段已变：{self.attnames}；请同步更新 baton/projects/bulk.py。"
            )
        converters = [_converter(f) for f in self.fields]
        self.special = [(i, c) for i, c in enumerate(converters) if c]
        self.converter = dict(zip(self.attnames, converters, strict=True))

    def row(self, values) -> tuple:
        """Return the database values of a row given in column order."""
        if not self.special:
            return tuple(values)
        values = list(values)
        for i, convert in self.special:
            values[i] = convert(values[i])
        return tuple(values)

    def of(self, instance) -> tuple:
        return self.row([getattr(instance, a) for a in self.attnames])


def _converter(f):
    if type(f) in _PLAIN:  # exact types: a subclass may encrypt or encode
        return None
    # The connection itself, not django.db.connection (a per-thread proxy, slow to go
    # through for every value).
    db = connections[DEFAULT_DB_ALIAS]
    ops = db.ops
    if type(f) is models.DateTimeField:
        if db.vendor == "sqlite" and db.timezone == dt.UTC:
            # ops.adapt_datetimefield_value: naive UTC, as text.
            return lambda v: None if v is None else str(v.astimezone(dt.UTC).replace(tzinfo=None))
        return ops.adapt_datetimefield_value
    if type(f) is models.DateField:
        return ops.adapt_datefield_value
    if type(f) is models.JSONField:
        return lambda v: None if v is None else ops.adapt_json_value(v, f.encoder)
    sealed = getattr(f, "sealed_keys", None)
    if isinstance(f, models.JSONField) and sealed is not None:
        sealed = frozenset(sealed)
        plain = json.dumps if db.vendor == "sqlite" and f.encoder is None else None
        probe = dict.fromkeys(sealed, "13800000000")
        if f.get_prep_value(probe) == probe:
            sealed = frozenset()  # no field key configured: nothing is sealed

        def payload(v):
            # A SealedJSONField seals only its sealed keys; without one, plain JSON (on
            # SQLite ``adapt_json_value`` is ``json.dumps``).
            if type(v) is dict and sealed.isdisjoint(v):
                return plain(v) if plain else ops.adapt_json_value(v, f.encoder)
            return f.get_db_prep_save(v, db)

        return payload
    if f.get_internal_type() in ("BigIntegerField", "DecimalField"):  # the same each time
        cache: dict = {}

        def amount(v):
            found = cache.get(v)
            if found is None:
                if len(cache) > 100_000:
                    cache.clear()
                found = cache[v] = f.get_db_prep_save(v, db)
            return found

        return amount
    return lambda v: f.get_db_prep_save(v, db)


_PROJECT_FIELDS = Project._meta.concrete_fields
_PROJECT_DEFAULTS = {f.attname: f.get_default() for f in _PROJECT_FIELDS}
_PROJECT_ORDER = [f.attname for f in _PROJECT_FIELDS]
_PROJECT_RELATIONS = {f.name: f.attname for f in _PROJECT_FIELDS if f.is_relation}
_PROJECT_CALLABLE = [f for f in _PROJECT_FIELDS if f.has_default() and callable(f.default)]


def _new_project(**values) -> Project:
    """Return ``Project(**values)``, built the way Django builds a row it reads (values
    in column order, related objects cached): the same instance, in a third of the time."""
    row = dict(_PROJECT_DEFAULTS)
    for f in _PROJECT_CALLABLE:
        row[f.attname] = f.get_default()
    related = {}
    for name, value in values.items():
        attname = _PROJECT_RELATIONS.get(name)
        if attname is None:
            row[name] = value
        else:
            row[attname] = None if value is None else value.pk
            related[name] = value
    project = Project(*[row[a] for a in _PROJECT_ORDER])
    project._state.fields_cache.update(related)
    return project


# --- projects in memory ------------------------------------------------------------------


@dataclass
class _Period:
    id: int
    event_id: int
    valid_from: dt.datetime
    state: dict
    valid_to: dt.datetime | None = None
    stored: bool = False  # in the database before the import
    changed: bool = False


@dataclass
class _Mark:  # a milestone
    id: int
    date: dt.date
    note: str
    stored: bool = False
    changed: bool = False


@dataclass
class _History:
    """What the import does to one project."""

    project: Project
    new: bool
    events: list = field(default_factory=list)
    periods: list[_Period] = field(default_factory=list)
    open: _Period | None = None
    marks: dict[str, _Mark] = field(default_factory=dict)
    co_units: set[int] = field(default_factory=set)
    co_units_before: set[int] = field(default_factory=set)


@dataclass
class _Sequence:
    id: int
    last: int
    stored: bool
    changed: bool = False


class BulkWriter:
    """The project services, applied in memory and written in bulk (see the module)."""

    def __init__(self, *, dry_run: bool = False):
        self.dry_run = dry_run
        self.failed = False  # a step was refused: the whole import will be rolled back
        self.events = 0
        self.vendor = connection.vendor
        self._tables = {
            Project: _Table(Project),
            ProjectEvent: _Table(ProjectEvent),
            ProjectPeriod: _Table(ProjectPeriod),
            Milestone: _Table(Milestone, ("id", "project_id", "kind", "date", "note")),
            CodeSequence: _Table(CodeSequence, ("id", "district_id", "year", "last")),
            Project.co_units.through: _Table(Project.co_units.through),
        }
        self._next: dict = {}  # model → ids drawn, not yet used (last first)
        self._drawn: dict = {}  # model → how many ids were drawn from its PostgreSQL sequence
        self._last: dict = {}  # model → the last id handed out (SQLite, dry runs)
        self._histories: dict[int, _History] = {}  # project id → history
        self._row: list[_History] = []
        self._codes_taken: set[str] = set()  # of the code prefixes read
        self._prefixes_read: set[str] = set()  # "<district>-<year>-"
        self._sequences: dict[tuple[int, int], _Sequence] = {}
        self._pool = DuplicateIndex()
        self._asking = False  # the pool is in a process of its own
        self._waiting: dict[int, list] = {}  # its queries not answered yet → their lists
        self._optional: list[dict] = []  # review payloads whose candidates may be none
        self._found: dict[tuple, list[str]] = {}  # this row's candidates, by project keys
        self._events: list = []  # this batch's events, written once the candidates are in
        events, periods = self._tables[ProjectEvent], self._tables[ProjectPeriod]
        if events.attnames != EVENT_COLUMNS or periods.attnames != PERIOD_COLUMNS:
            raise ImproperlyConfigured("ProjectEvent or ProjectPeriod changed: update bulk.py")
        self._old = events.converter["old"] or (lambda v: v)
        self._new = events.converter["new"] or (lambda v: v)
        self._convert_moment = events.converter["at"] or (lambda v: v)
        self._amount = periods.converter["investment"] or (lambda v: v)
        self._moments: dict = {None: None}
        self._nothing = self._new({})
        projects = self._tables[Project]
        projects.special = [  # the project's times through the same cache
            (i, self._moment if type(f) is models.DateTimeField else convert)
            for (i, convert), f in zip(
                projects.special, [projects.fields[i] for i, _c in projects.special], strict=True
            )
        ]
        self._cache_size = None  # SQLite: the page cache to give back
        self._now, self._today = timezone.now(), timezone.localdate()  # again after each row
        self._writer = _Writer()
        self._sql: _Statements | None = None
        self._pool_cities: set[int] = set()
        self._entry_stage = Stage.objects.filter(is_terminal=False).order_by("order").first()
        self._rows: dict[str, list] = {
            "insert": {m: [] for m in self._tables},
            "update": {m: [] for m in self._tables},
            "delete": [],
        }
        self._pending = 0

    # --- before the first step ---------------------------------------------------------

    def prepare(
        self,
        *,
        projects: list[Project],
        new: int,
        cities: set[int],
        rows: int = 0,
        steps: int = 0,
    ) -> None:
        """Lock and load the existing ``projects`` the import changes and load the
        duplicate pool of ``cities``. An import of ``rows`` from POOL_PROCESS_AFTER on keeps
        that pool in a process of its own. ``new`` (the projects to create) and ``steps``
        (the service calls to come) size the ids drawn on PostgreSQL."""
        if rows >= POOL_PROCESS_AFTER and not self.dry_run:
            self._pool, self._asking = PoolProcess(), True
        connection.ensure_connection()
        self._sql = _Statements(self._tables)
        if self.vendor == "sqlite" and not self.dry_run:
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA cache_size")
                self._cache_size = cursor.fetchone()[0]
                # The indexes' pages stay in memory: an insert is then a few page edits.
                cursor.execute(f"PRAGMA cache_size = -{_SQLITE_CACHE_MB * 1024}")
        ids = [p.pk for p in projects]
        fresh = {}
        for chunk in _chunks(ids):
            query = Project.objects.filter(pk__in=chunk).select_related("district", "stage")
            if self.vendor == "postgresql":
                query = query.select_for_update(of=("self",))
            fresh.update((p.pk, p) for p in query)
        for pk, project in fresh.items():
            self._histories[pk] = _History(project, new=False)
        for chunk in _chunks(ids):
            for period in ProjectPeriod.objects.filter(project_id__in=chunk, valid_to__isnull=True):
                state = {k: getattr(period, k) for k in _PERIOD_KEYS}
                self._histories[period.project_id].open = _Period(
                    period.pk, period.event_id, period.valid_from, state, stored=True
                )
            for mark in Milestone.objects.filter(project_id__in=chunk):
                self._histories[mark.project_id].marks[mark.kind] = _Mark(
                    mark.pk, mark.date, mark.note, stored=True
                )
            through = Project.co_units.through
            for project_id, unit_id in through.objects.filter(project_id__in=chunk).values_list(
                "project_id", "unit_id"
            ):
                history = self._histories[project_id]
                history.co_units.add(unit_id)
                history.co_units_before.add(unit_id)
        cities = set(cities) | {p.district.city_id for p in fresh.values()}
        self._load_pool(cities)
        if self.vendor == "sqlite" or self.dry_run:
            for model in (Project, ProjectEvent, ProjectPeriod, Milestone, CodeSequence):
                self._last[model] = self._counter(model)
        else:
            # Enough ids now, so that the rows do not wait for the writer thread to draw
            # more (a step writes about one event; a signing date one more).
            expected = {Project: new, ProjectEvent: steps + steps // 4}
            expected |= {ProjectPeriod: expected[ProjectEvent], Milestone: steps // 4}
            for model, count in expected.items():
                if count:
                    self._next[model] = self._draw(model, count + 100)

    def _load_pool(self, cities: set[int]) -> None:
        cities -= self._pool_cities
        if not cities or self.dry_run:
            return
        self._writer.wait()
        self._pool_cities |= cities
        pool = Project.objects.filter(district__city_id__in=cities, review_state__in=_POOL)
        for code, city, name, investor in pool.values_list(
            "code", "district__city_id", "name_key", "investor_key"
        ).iterator(chunk_size=5000):
            self._pool.put(code, city=city, name=name, investor=investor)

    # --- the services ------------------------------------------------------------------

    def project_create(
        self,
        *,
        actor: User | None,
        district: District,
        unit: Unit,
        name: str,
        investment,
        stage: Stage | None = None,
        original_code: str = "",
        signed_on: dt.date | None = None,
        at: dt.datetime | None = None,
        **fields,
    ) -> Project:
        at = self._at(at)
        original_code = rules.clean_original_code(original_code)
        if signed_on is not None:
            signed_on = self._date(signed_on)
        rules.check_unit(district, unit)
        stage = rules.check_entry_stage(stage or self._entry_stage)
        clean = rules.clean_values(district, {"name": name, "investment": investment, **fields})
        co_units = clean.pop("co_units", set())
        clean.setdefault("info_unit", unit)
        project = _new_project(
            district=district,
            unit=unit,
            stage=stage,
            stage_entered_at=at,
            review_state=ReviewState.DRAFT,
            created_by=actor,
            created_at=at,
            updated_at=at,
            original_code=original_code,
            **clean,
        )
        project.name_key = name_key(project.name)
        project.investor_key = investor_key(project.investor)
        rules.check_created_complete(stage, project, lambda: signed_on is not None)
        project.code = self._next_code(district, timezone.localtime(at).year)
        project.pk = self._take(Project)
        history = self._histories[project.pk] = _History(project, new=True)
        history.co_units = {u.pk for u in co_units}
        self._row.append(history)
        entry = events.created(project, co_units=co_units, original_code=original_code)
        self._write(history, entry, actor, at)
        if signed_on:
            self._set_milestone(history, Milestone.Kind.SIGNED, signed_on, actor, at, "")
        return project

    def project_update(
        self, *, project: Project, actor: User | None, changes: dict, reason: str = "", at=None
    ) -> bool:
        history = self._lock(project)
        project = history.project
        at = self._at(at)
        rules.check_editable(project)
        rules.check_not_before_last_event(project, at)
        old, new = self._apply(history, rules.clean_values(project.district, changes))
        if not new:
            return False
        rules.check_investment_kept(project, new)
        self._save(project, at)
        self._write(history, events.updated(old, new, reason), actor, at)
        return True

    def project_submit(self, *, project: Project, actor: User | None, at=None) -> int:
        history = self._lock(project)
        project = history.project
        at = self._at(at)
        rules.check_submit(project)
        rules.check_not_before_last_event(project, at)
        rules.check_complete_for_review(project, self._signed(history, None))
        candidates = self._duplicates(project)
        old_state = project.review_state
        project.review_state = ReviewState.SUBMITTED
        project.submitted_at = at
        self._save(project, at)
        return self._write(history, events.submitted(old_state, candidates), actor, at)

    def project_review(
        self,
        *,
        project: Project,
        actor: User | None,
        approve: bool,
        reason: str = "",
        not_duplicate=False,
        at=None,
    ) -> int:
        if approve and not not_duplicate:
            raise ValueError("BulkWriter approves only what was checked for duplicates")
        history = self._lock(project)
        project = history.project
        at = self._at(at)
        state = project.review_state
        rules.check_reviewable(project)
        rules.check_not_before_last_event(project, at)
        reason = (reason or "").strip()
        checked = None
        if not approve:
            rules.check_return_reason(reason)
        else:
            # Recorded only when there are candidates: known now, or once the pool
            # process answers (``_answers`` drops the key if they are none).
            checked = self._duplicates(project, optional=True)
            if not checked and not self._asking:
                checked = None
        project.review_state = rules.review_result(project, approve)
        if project.review_state == ReviewState.ADMITTED:
            project.admitted_at = at
        self._save(project, at)
        entry = events.reviewed(state, project.review_state, checked=checked, reason=reason)
        if checked is not None and self._asking:
            self._optional.append(entry.new)
        return self._write(history, entry, actor, at)

    def project_move(
        self,
        *,
        project: Project,
        stage: Stage,
        actor: User | None,
        reason: str = "",
        fields=None,
        at=None,
    ) -> int:
        history = self._lock(project)
        project = history.project
        at = self._at(at)
        current = project.stage
        rules.check_move(current, stage)
        rules.check_not_before_last_event(project, at)
        reason = rules.check_move_reason(current, stage, reason)
        fields = dict(fields or {})
        signed_on = fields.pop("signed_on", None)
        if signed_on is not None:
            signed_on = rules.clean_signed_on(stage, signed_on, today=self._today)
        old, new = self._apply(history, rules.clean_values(project.district, fields))
        rules.check_move_complete(stage, project, self._signed(history, signed_on))
        project.stage = stage
        project.stage_entered_at = at
        self._save(project, at)
        entry = events.moved(old, new, current.pk, stage.pk, reason)
        event = self._write(history, entry, actor, at)
        if signed_on is not None:
            self._set_milestone(history, Milestone.Kind.SIGNED, signed_on, actor, at, "")
        return event

    def project_handoff(
        self, *, project: Project, to_unit: Unit, actor: User | None, reason: str, at=None
    ) -> int:
        history = self._lock(project)
        project = history.project
        at = self._at(at)
        reason = rules.check_handoff(project, to_unit, reason)
        rules.check_not_before_last_event(project, at)
        old, new = {}, {}
        if to_unit.pk in history.co_units:  # no longer a co-unit once it holds the baton
            old["co_units"] = sorted(history.co_units)
            history.co_units = history.co_units - {to_unit.pk}
            new["co_units"] = sorted(history.co_units)
        from_unit = project.unit_id
        project.unit = to_unit
        self._save(project, at)
        entry = events.handed_off(old, new, from_unit, to_unit.pk, reason)
        return self._write(history, entry, actor, at)

    def milestone_record(
        self,
        *,
        project: Project,
        kind: str,
        date: dt.date,
        actor: User | None,
        note: str = "",
        at=None,
    ):
        history = self._lock(project)
        project = history.project
        at = self._at(at)
        rules.check_milestone(project, kind)
        date = self._date(date)
        note = rules.clean_milestone_note(note)
        rules.check_not_before_last_event(project, at)
        return self._set_milestone(history, kind, date, actor, at, note)

    def held(self, project: Project) -> Project:
        """Return ``project`` as the steps so far left it (a service changes the caller's
        own instance; this writer keeps its own), for the caller's permission checks."""
        history = self._histories.get(project.pk)
        return project if history is None else history.project

    # --- what the services do inside -------------------------------------------------------

    def _date(self, value) -> dt.date:
        """``rules.clean_date``, with today read once a row."""
        return rules.clean_date(value, today=self._today)

    def _at(self, at: dt.datetime | None) -> dt.datetime:
        """``rules.event_time``, with "now" read once a row (not once a step)."""
        return rules.event_time(at, now=self._now)

    def _lock(self, project) -> _History:
        history = self._histories.get(project.pk)
        if history is None:
            raise ValueError(f"BulkWriter.prepare did not load project {project.code}")
        if not self._row or self._row[-1] is not history:
            self._row.append(history)
        return history

    def _apply(self, history: _History, clean: dict) -> tuple[dict, dict]:
        if "co_units" in clean:
            raise ValueError("BulkWriter does not change co-units but on a handoff")
        return services.apply_values(history.project, clean)

    @staticmethod
    def _save(project: Project, at: dt.datetime) -> None:
        project.version += 1
        project.updated_at = max(project.updated_at, at) if project.updated_at else at

    @staticmethod
    def _signed(history: _History, signed_on: dt.date | None):
        """Whether the project has a 签约 date, given or held in memory (``rules.missing_for``)."""
        return lambda: signed_on is not None or Milestone.Kind.SIGNED in history.marks

    def _next_code(self, district, year: int) -> str:
        """The next code, issued as the services issue it: the sequence held in memory,
        the codes in use read once a district and year."""
        sequence = self._sequence(district.pk, year)
        prefix = f"{district.code}-{year}-"
        if prefix not in self._prefixes_read:
            self._writer.wait()
            self._prefixes_read.add(prefix)
            taken = Project.objects.filter(code__startswith=prefix).values_list("code", flat=True)
            self._codes_taken.update(taken)
            if sequence.last > services.CODE_SEQ_MAX:
                sequence.last = services.code_sequence_floor(district, year)
        last = sequence.last
        while True:
            if last >= services.CODE_SEQ_MAX:
                raise services.codes_used_up(district, year)
            last += 1
            code = f"{prefix}{last:04d}"
            if code not in self._codes_taken:
                break
        sequence.last, sequence.changed = last, True
        self._codes_taken.add(code)
        return code

    def _sequence(self, district_id: int, year: int) -> _Sequence:
        key = (district_id, year)
        sequence = self._sequences.get(key)
        if sequence is None:
            self._writer.wait()
            query = CodeSequence.objects.filter(district_id=district_id, year=year)
            if self.vendor == "postgresql":
                query = query.select_for_update()
            stored = query.first()
            if stored is not None:
                sequence = _Sequence(stored.pk, stored.last, stored=True)
            else:
                sequence = _Sequence(self._take(CodeSequence), 0, stored=False, changed=True)
            self._sequences[key] = sequence
        return sequence

    def _write(self, history: _History, entry: events.Entry, actor, at: dt.datetime) -> int:
        """Keep the event ``entry`` (built by ``events``) and the period it opens."""
        project = history.project
        event_id = self._take(ProjectEvent)
        kind, old, new, reason = entry
        history.events.append(
            (event_id, project.district_id, kind, getattr(actor, "pk", actor), at, old, new, reason)
        )
        self.events += 1
        if kind == Kind.CREATED or not _PERIOD_FIELDS.isdisjoint(new):
            self._open_period(history, event_id, at)
        if kind in _POOL_CHANGES:
            self._in_pool(project)
        return event_id

    def _open_period(self, history: _History, event_id: int, at: dt.datetime) -> None:
        """As the services keep periods: a new one, or the current one rewritten when it
        began at this same instant; nothing when the reported state did not change."""
        state = services.period_state(history.project)
        current = history.open
        if current is not None:
            if current.state == state:
                return
            if current.valid_from == at:
                current.state = state
                current.event_id = event_id
                current.changed = True
                return
            current.valid_to = at
            current.changed = True
            history.periods.append(current)  # closed: inserted, or updated if stored
        history.open = _Period(self._take(ProjectPeriod), event_id, at, state)

    def _set_milestone(self, history, kind, date, actor, at, note):
        marks = history.marks
        existing = marks.get(kind)
        change = rules.milestone_change(existing, date, note)
        if change is None:
            return None
        date, note = change
        rules.check_milestone_order({k: m.date for k, m in marks.items() if k != kind}, kind, date)
        entry = events.milestone(kind, existing, date, note)
        if existing:
            existing.date, existing.note, existing.changed = date, note, True
            mark = existing
        else:
            mark = marks[kind] = _Mark(self._take(Milestone), date, note)
        project = history.project
        project.updated_at = max(project.updated_at, at)
        self._write(history, entry, actor, at)
        return mark

    def _duplicates(self, project: Project, optional: bool = False) -> list[str]:
        """The codes ``duplicate_candidates`` would give now (none in a dry run, and none
        once a step was refused: those payloads are never written). With a pool process
        the list is filled in later, before the event is written (``_answers``)."""
        if self.dry_run or self.failed:
            return []
        key = (project.code, project.name_key, project.investor_key)
        found = self._found.get(key)
        if found is None:  # within a row only this project changes: the answer holds
            city = project.district.city_id
            if city not in self._pool_cities:
                self._load_pool({city})
            keys = {"city": city, "name": project.name_key, "investor": project.investor_key}
            if self._asking:
                found = self._found[key] = []
                self._waiting[self._pool.query(project.code, **keys)] = found
            else:
                found = self._found[key] = [
                    c for c, _s, _r in self._pool.candidates(project.code, **keys)
                ]
        return found if self._asking else list(found)

    def _answers(self) -> None:
        """Fill in the candidates the pool process found since the last call."""
        if not self._waiting:
            return
        for number, codes in self._pool.answers().items():
            self._waiting.pop(number).extend(codes)
        for new in self._optional:
            if not new["checked_duplicates"]:
                del new["checked_duplicates"]
        self._optional.clear()

    def _in_pool(self, project: Project) -> None:
        if self.dry_run or self.failed:
            return
        if project.review_state in _POOL:
            self._pool.put(
                project.code,
                city=project.district.city_id,
                name=project.name_key,
                investor=project.investor_key,
            )
        else:
            self._pool.discard(project.code)

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
