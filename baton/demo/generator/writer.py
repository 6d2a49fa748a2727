"""The generator's bulk writer: the rows the services would write for the plans."""

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

from baton.accounts.models import User
from baton.core.money import YUAN_PER_WAN
from baton.org.models import District, Person, Unit
from baton.projects import events as project_events
from baton.projects import rules
from baton.projects.bulk import EVENT_COLUMNS, PERIOD_COLUMNS
from baton.projects.bulk.columns import _new_project  # the ledger writer's fast Project()
from baton.projects.duplicates import investor_key, name_key
from baton.projects.models import (
    CodeSequence,
    Handoff,
    Industry,
    Milestone,
    Project,
    ProjectEvent,
    ProjectPeriod,
    Stage,
)
from baton.projects.rules import AMOUNT_FIELDS, LEDGER_FIELDS

from .org import DistrictInfo
from .planning import END_MINUTE, LOCAL_OFFSET, START, UTC, Plan

#: A handoff is accepted by the receiving unit this many minutes after it was made.
ACCEPTED_AFTER = 40


def wan(yuan: int) -> str:
    """Return 元 as ``plain()`` prints the 万元 Decimal: 12000, 4999.5."""
    whole, rest = divmod(yuan, 10_000)
    return str(whole) if not rest else f"{whole}.{rest:04d}".rstrip("0")


def local_date(minute: int) -> dt.date:
    return dt.date(2018, 1, 1) + dt.timedelta(days=(minute + LOCAL_OFFSET) // 1440)


@dataclass
class Rows:
    projects: list = field(default_factory=list)
    events: list = field(default_factory=list)
    periods: list = field(default_factory=list)
    milestones: list = field(default_factory=list)
    co_units: list = field(default_factory=list)
    handoffs: list = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.events)


PROJECT_COLUMNS = (
    "id", "code", "original_code", "name", "investor", "name_key", "investor_key", "district_id", "unit_id",
    "info_unit_id", "talks_unit_id", "landing_unit_id", "leader_id", "industry_id", "stage_id",
    "stage_entered_at", "review_state", "submitted_at", "admitted_at", "investment",
    "land_area_mu", "info_source", "progress", "issues_text", "contact_name", "contact_phone",
    "remarks", "version", "created_by_id", "created_at", "updated_at", *LEDGER_FIELDS,
)  # fmt: skip
MILESTONE_COLUMNS = ("id", "project_id", "kind", "date", "note")
CO_UNIT_COLUMNS = ("id", "project_id", "unit_id")
HANDOFF_COLUMNS = (
    "id", "project_id", "district_id", "from_unit_id", "to_unit_id", "relay_role",
    "keep_as_co_unit", "reason", "state", "requested_by_id", "requested_at", "decided_by_id",
    "decided_at", "decision_reason",
)  # fmt: skip


@dataclass(frozen=True)
class _Handoff:
    """What the handoff events read of a ``Handoff`` row."""

    pk: int
    from_unit_id: int
    to_unit_id: int
    relay_role: str
    reason: str
    keep_as_co_unit: bool = True


def handoff_reason(info: DistrictInfo, to_unit: int, role: str) -> str:
    name = info.unit_names[to_unit]
    if role == "talks":
        return f"项目进入实质洽谈，移交{name}牵头推进"
    return f"项目签约落地，移交{name}做好落地服务"


class BulkWriter:
    """Turn plans into the exact rows ``services`` would write, and insert them in bulk."""

    def __init__(self, stages: dict[str, int]):
        self.stages = stages
        self.stage_code = {pk: code for code, pk in stages.items()}
        self.vendor = connection.vendor
        self.ids = {
            model: self._max_id(model._meta.db_table)
            for model in (
                Project,
                ProjectEvent,
                ProjectPeriod,
                Milestone,
                Project.co_units.through,
                Handoff,
            )
        }
        self.sequences: dict[tuple[int, int], int] = {
            (s.district_id, s.year): s.last for s in CodeSequence.objects.all()
        }
        self.touched_sequences: set[tuple[int, int]] = set()
        now = timezone.now()
        self.recorded_text = (
            now.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
            if self.vendor == "sqlite"
            else now
        )
        self.rows = Rows()
        self.counts = defaultdict(int)
        self._time_cache: dict[int, object] = {}
        self.landed = stages["landed"]
        self.stopped = stages["stopped"]
        self._stage_rows = Stage.objects.in_bulk(list(stages.values()))
        self._industries = Industry.objects.in_bulk()
        self._district: tuple[District, dict[int, Unit], dict[int, Person]] | None = None
        self._users: dict[int, User] = {}

    def _org(self, info: DistrictInfo) -> tuple[District, dict[int, Unit], dict[int, Person]]:
        """The district, its units and leaders as the rules read them (plans hold ids)."""
        if self._district is None or self._district[0].pk != info.id:
            self._users = {pk: User(pk=pk) for pk in info.unit_users.values()}
            self._district = (
                District.objects.get(pk=info.id),
                Unit.objects.filter(district_id=info.id).in_bulk(),
                Person.objects.in_bulk(info.leaders),
            )
        return self._district

    def _draft(self, plan: Plan, code: str) -> project_events.Entry:
        """The created event of a plan's project, as ``services.project_create`` writes it:
        the draft built by ``rules.new_draft`` (every value checked), recorded by
        ``events.created``."""
        district, units, leaders = self._org(plan.district)
        mu = plan.land_area_mu
        project, co_units = rules.new_draft(
            _new_project,
            actor=self._users[plan.district.unit_users[plan.unit]],
            district=district,
            unit=units[plan.unit],
            stage=self._stage_rows[self.stages[plan.stage]],
            name=plan.name,
            investment=Decimal(wan(plan.yuan)),
            fields={
                "investor": plan.investor,
                "industry": self._industries[plan.industry],
                "leader": leaders[plan.leader] if plan.leader else None,
                "land_area_mu": None if mu is None else Decimal(mu),
                "info_source": plan.info_source,
                "contact_name": plan.contact_name,
                "contact_phone": plan.contact_phone,
                **plan.ledger,
            },
            original_code="",
            at=START + dt.timedelta(minutes=plan.created),
        )
        project.code = code
        return project_events.created(project, co_units=co_units)

    @staticmethod
    def _ledger(plan: Plan) -> list:
        """The fields real ledgers keep as the database holds them (amounts in 元)."""
        return [
            value if field not in AMOUNT_FIELDS else int(value * YUAN_PER_WAN)
            for field, value in ((f, plan.ledger[f]) for f in LEDGER_FIELDS)
        ]

    def _max_id(self, table: str) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608
            return cursor.fetchone()[0]

    def _next(self, model) -> int:
        self.ids[model] += 1
        return self.ids[model]

    def _time(self, minute: int | None):
        """Return a minute as the database adapter would write the aware datetime."""
        if minute is None:
            return None
        value = self._time_cache.get(minute)
        if value is None:
            moment = START + dt.timedelta(minutes=minute)
            if self.vendor == "sqlite":
                value = moment.replace(tzinfo=None).isoformat(" ")
            else:
                value = moment
            if len(self._time_cache) > 2_000_000:
                self._time_cache.clear()
            self._time_cache[minute] = value
        return value

    def write(self, plan: Plan) -> None:
        info = plan.district
        pid = self._next(Project)
        year = local_date(plan.created).year
        key = (info.id, year)
        self.sequences[key] = self.sequences.get(key, 0) + 1
        self.touched_sequences.add(key)
        code = f"{info.code}-{year}-{self.sequences[key]:04d}"
        events = self.rows.events
        unit, stage, review = plan.unit, self.stages[plan.stage], "draft"
        yuan, investor = plan.yuan, plan.investor
        talks = landing = None
        co_units: list[int] = []
        version = 1
        stage_entered = plan.created
        submitted = admitted = None
        actor = info.unit_users
        mu = plan.land_area_mu
        period: list | None = None  # [id, event_id, state, valid_from minute]
        last = plan.created
        milestones: dict[str, str] = {}
        recorded = self.recorded_text
        t = self._time

        def event(entry, who, minute, opens=True):
            nonlocal period
            eid = self._next(ProjectEvent)
            kind, old, new, reason = entry
            events.append(
                (eid, pid, info.id, str(kind), who, t(minute), recorded,
                 json.dumps(old), json.dumps(new), reason)
            )  # fmt: skip
            if not opens:
                return
            state = (unit, stage, review, yuan)
            if period is not None:
                if period[2] == state:
                    return
                if period[3] == minute:
                    period[1], period[2] = eid, state
                    return
                self._close(period, pid, info.id, plan.industry, t(minute))
            period = [self._next(ProjectPeriod), eid, state, minute]

        event(self._draft(plan, code), actor[unit], plan.created)
        for step in plan.steps:
            m, kind = step.minute, step.kind
            last = m
            if kind == "submit":
                old_state, review, submitted = review, "submitted", m
                version += 1
                event(project_events.submitted(old_state, []), actor[unit], m)
            elif kind == "approve":
                version += 1
                review = "district_approved"
                event(project_events.reviewed("submitted", review), info.office_user, m)
            elif kind == "admit":
                who = info.reviewer_user if review == "district_approved" else info.office_user
                old_state, review, admitted = review, "admitted", m
                version += 1
                event(project_events.reviewed(old_state, review), who, m)
            elif kind == "return":
                old_state, review = review, "returned"
                version += 1
                entry = project_events.reviewed(old_state, review, reason=step.reason)
                event(entry, info.office_user, m)
            elif kind == "amount":
                old, new = {"investment": wan(yuan)}, {"investment": wan(step.arg)}
                yuan = step.arg
                version += 1
                event(project_events.updated(old, new, step.reason), actor[unit], m)
            elif kind == "move":
                target = self.stages[step.arg]
                old, new = {}, {}
                if step.arg in ("negotiating", "landed") and not investor:
                    old["investor"], new["investor"] = investor, plan.full_investor
                    investor = plan.full_investor
                entry = project_events.moved(old, new, stage, target, step.reason)
                stage, stage_entered = target, m
                version += 1
                event(entry, actor[unit], m)
                if step.arg == "landed":
                    day = local_date(m)
                    milestones["signed"] = day.isoformat()
                    entry = project_events.milestone(Milestone.Kind.SIGNED, None, day, "")
                    event(entry, actor[unit], m, opens=False)
            elif kind == "handoff":
                to_unit, role = step.arg
                old, new = {}, {}
                if role == "talks" and talks != to_unit:
                    old["talks_unit"], new["talks_unit"] = talks, to_unit
                    talks = to_unit
                elif role == "landing" and landing != to_unit:
                    old["landing_unit"], new["landing_unit"] = landing, to_unit
                    landing = to_unit
                after = sorted((set(co_units) | {unit}) - {to_unit})
                if after != co_units:
                    old["co_units"], new["co_units"] = co_units, after
                    co_units = after
                # A unit's handoff waits for the receiving unit, which accepts it soon after.
                handoff = _Handoff(
                    self._next(Handoff), unit, to_unit, role, handoff_reason(info, to_unit, role)
                )
                event(project_events.handoff_requested(handoff), actor[unit], m)
                accepted = last = min(m + ACCEPTED_AFTER, END_MINUTE)
                self.rows.handoffs.append(
                    (handoff.pk, pid, info.id, unit, to_unit, role, True, handoff.reason,
                     Handoff.State.ACCEPTED.value, actor[unit], t(m), actor[to_unit],
                     t(accepted), "")
                )  # fmt: skip
                unit = to_unit
                version += 1
                event(project_events.handoff_accepted(handoff, old, new), actor[unit], accepted)
            elif kind == "milestone":
                day = local_date(m)
                milestones[step.arg] = day.isoformat()
                entry = project_events.milestone(step.arg, None, day, "")
                event(entry, actor[unit], m, opens=False)
            elif kind == "note":
                event(project_events.noted(step.arg), actor[unit], m, opens=False)
            else:
                raise AssertionError(kind)
        self._close(period, pid, info.id, plan.industry, None)
        self.rows.projects.append(
            (pid, code, "", plan.name, investor, name_key(plan.name), investor_key(investor), info.id,
             unit, plan.unit, talks, landing, plan.leader, plan.industry, stage, t(stage_entered),
             review, t(submitted), t(admitted), yuan, None if mu is None else f"{mu}.00",
             plan.info_source, "", "", plan.contact_name, plan.contact_phone, "", version,
             actor[plan.unit], t(plan.created), t(last), *self._ledger(plan))
        )  # fmt: skip
        for kind, day in milestones.items():
            self.rows.milestones.append((self._next(Milestone), pid, kind, day, ""))
        for u in co_units:
            self.rows.co_units.append((self._next(Project.co_units.through), pid, u))
        self.counts["projects"] += 1

    def _close(self, period, pid, district, industry, valid_to) -> None:
        unit, stage, review, yuan = period[2]
        self.rows.periods.append(
            (period[0], pid, period[1], district, unit, stage, industry, review, yuan,
             self._time(period[3]), valid_to)
        )  # fmt: skip

    def flush(self) -> None:
        """Insert the buffered rows in one transaction."""
        rows = self.rows
        if not rows.projects:
            return
        periods = rows.periods
        with transaction.atomic():
            self._insert(Project._meta.db_table, PROJECT_COLUMNS, rows.projects)
            self._insert(ProjectEvent._meta.db_table, EVENT_COLUMNS, rows.events)
            self._insert(ProjectPeriod._meta.db_table, PERIOD_COLUMNS, periods)
            self._insert(Milestone._meta.db_table, MILESTONE_COLUMNS, rows.milestones)
            self._insert(Project.co_units.through._meta.db_table, CO_UNIT_COLUMNS, rows.co_units)
            self._insert(Handoff._meta.db_table, HANDOFF_COLUMNS, rows.handoffs)
        self.counts["events"] += len(rows.events)
        self.counts["periods"] += len(periods)
        self.counts["milestones"] += len(rows.milestones)
        self.rows = Rows()

    def _insert(self, table: str, columns: tuple, rows: list) -> None:
        if not rows:
            return
        raw = connection.connection
        if self.vendor == "postgresql":
            with (
                raw.cursor() as cursor,
                cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" * len(columns))
            cursor = raw.cursor()
            cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)  # noqa: S608
            cursor.close()

    def finish(self) -> None:
        self.flush()
        with transaction.atomic():
            existing = {
                (s.district_id, s.year): s
                for s in CodeSequence.objects.select_for_update().filter(
                    district_id__in={d for d, _ in self.touched_sequences}
                )
            }
            new = []
            for key in sorted(self.touched_sequences):
                if key in existing:
                    existing[key].last = self.sequences[key]
                    existing[key].save(update_fields=["last"])
                else:
                    new.append(
                        CodeSequence(district_id=key[0], year=key[1], last=self.sequences[key])
                    )
            CodeSequence.objects.bulk_create(new, batch_size=2000)
            if self.vendor == "postgresql":
                models = [
                    Project,
                    ProjectEvent,
                    ProjectPeriod,
                    Milestone,
                    Project.co_units.through,
                    Handoff,
                ]
                with connection.cursor() as cursor:
                    for sql in connection.ops.sequence_reset_sql(no_style(), models):
                        cursor.execute(sql)
