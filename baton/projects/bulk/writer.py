"""``BulkWriter``: the project services' calls, applied to the projects held in memory;
its parts (steps, candidates, rows) are the mixins beside it."""

import datetime as dt

from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models
from django.utils import timezone

from baton.accounts.models import User
from baton.org.models import District, Unit

from .. import events, rules
from ..duplicate_index import DuplicateIndex, PoolProcess
from ..models import (
    CodeSequence,
    Handoff,
    Milestone,
    Project,
    ProjectEvent,
    ProjectPeriod,
    ReviewState,
    Stage,
)
from .candidates import _Candidates
from .columns import EVENT_COLUMNS, PERIOD_COLUMNS, _new_project, _Table
from .history import _PERIOD_KEYS, _History, _Mark, _Period, _Sequence
from .rows import _Rows
from .statements import _chunks, _Statements, _Writer
from .steps import _Steps

#: From this many rows on, the duplicate pool runs in a process of its own.
POOL_PROCESS_AFTER = 5000
_SQLITE_CACHE_MB = 128


class BulkWriter(_Steps, _Candidates, _Rows):
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
            raise ImproperlyConfigured(
                "ProjectEvent or ProjectPeriod changed: update baton/projects/bulk/"
            )
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
        project, co_units = rules.new_draft(
            _new_project,
            actor=actor,
            district=district,
            unit=unit,
            stage=stage or self._entry_stage,
            name=name,
            investment=investment,
            fields=fields,
            original_code=original_code,
            at=at,
        )
        stage = project.stage
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
        rules.check_plan_order(project)
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
        rules.check_no_pending_handoff(project)
        rules.check_not_before_last_event(project, at)
        if rules.handoff_waits(actor):  # a unit's: 待接收, as ``services.project_handoff``
            handoff = Handoff.objects.create(
                project_id=project.pk,
                district_id=project.district_id,
                from_unit_id=project.unit_id,
                to_unit=to_unit,
                reason=reason,
                requested_by=actor,
                requested_at=at,
            )
            project.updated_at = max(project.updated_at, at)
            return self._write(history, events.handoff_requested(handoff), actor, at)
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
