"""Every service on a project changes exactly what it was asked to change, and nothing else.

The project services and those of the apps that write about a project (supervision: its
problems, 督办 and leaders' acts) are checked together, over all their tables: a project
service must leave a problem alone as much as a 督办 must leave the project's fields.

For each service hypothesis draws a project — its stage, review state, co-units, relay
roles, milestones with their notes, a problem and a 督办 — and the service's arguments.
Every stored value of the projects, their co-units, milestones, events, periods,
problems, supervisions, leaders' acts and code sequences is read before and after the
call. What differs must be exactly what the call asked to change, holding the value
asked, with the change's bookkeeping: the version (for the reported fields), the last
activity, one event, the period when a counted field moved. A refused call changes
nothing. A value asked for that the project already holds is no change: a 签约 date
given again when landing a project keeps the milestone's note and writes no event.

CI replays the same examples (``CI`` set: the derandomized profile of ``baton/conftest.py``).
"""

import datetime as dt
import itertools
from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from baton.org.models import Unit
from baton.projects import services
from baton.projects.duplicates import investor_key, name_key
from baton.projects.models import (
    CodeSequence,
    Handoff,
    Industry,
    Milestone,
    Project,
    ProjectEvent,
    ProjectPeriod,
    ReviewState,
)
from baton.projects.tests.helpers import INVESTOR
from baton.supervision import services as supervision_services
from baton.supervision.models import LeaderAct, Problem, Supervision
from baton.testing import at, make_project, stage

Kind = ProjectEvent.Kind
Mark = Milestone.Kind
T0 = at(2024, 3, 1)
T1 = at(2024, 6, 3)
EXAMPLES = 25

TABLES = {
    "project": Project,
    "milestone": Milestone,
    "event": ProjectEvent,
    "period": ProjectPeriod,
    "problem": Problem,
    "supervision": Supervision,
    "leader_act": LeaderAct,
    "sequence": CodeSequence,
    "handoff": Handoff,
}
#: The columns of a period that follow the project's own.
PERIOD_COLUMNS = ("district_id", "unit_id", "stage_id", "industry_id", "review_state", "investment")
UNITS = ("town", "other_town", "department", "headquarters")
DATES = (dt.date(2024, 1, 5), dt.date(2024, 2, 20), dt.date(2024, 5, 10))
NOTES = ("", "合同已签，待注册", "另行约定")
STAGES = ("planning", "intent", "negotiating", "landed", "stopped")
REVIEWS = ("draft", "submitted", "district_approved", "admitted", "returned")
#: What a service acts on, drawn more often for it: review states, a problem, a 督办.
SITUATION_FOR = {
    "project_submit": {"reviews": ("draft", "returned", "submitted")},
    "project_review": {"reviews": ("submitted", "district_approved", "admitted")},
    "problem_update": {"problem": True},
    "supervision_report": {"supervision": True},
    "milestone_record": {"stages": ("intent", "landed", "landed", "stopped")},
    "project_move": {"signed": True},
    "handoff_accept": {"offered": True},
    "handoff_decline": {"offered": True},
    "handoff_withdraw": {"offered": True},
}


# --- what is stored, and what changed ---------------------------------------------------


def stored() -> dict[str, dict]:
    """Return every row a project service may write, table by table, keyed by id."""
    tables = {name: {row["id"]: row for row in m.objects.values()} for name, m in TABLES.items()}
    pairs = Project.co_units.through.objects.values_list("project_id", "unit_id")
    tables["co_unit"] = {pair: {"project_id": pair[0], "unit_id": pair[1]} for pair in pairs}
    return tables


@dataclass
class Change:
    changed: dict = field(default_factory=dict)  # (table, id, column) -> value after
    created: dict = field(default_factory=dict)  # table -> rows (expected: some columns)
    deleted: dict = field(default_factory=dict)  # table -> ids


def compare(before: dict, after: dict) -> Change:
    change = Change()
    for table, rows in after.items():
        old = before[table]
        for pk in sorted(rows):
            if pk not in old:
                change.created.setdefault(table, []).append(rows[pk])
                continue
            for column, value in rows[pk].items():
                if old[pk][column] != value:
                    change.changed[(table, pk, column)] = value
        if set(old) - set(rows):
            change.deleted[table] = set(old) - set(rows)
    return change


def assert_exactly(actual: Change, expected: Change) -> None:
    assert actual.changed == expected.changed
    assert actual.deleted == expected.deleted
    assert set(actual.created) == {t for t, rows in expected.created.items() if rows}
    for table, rows in expected.created.items():
        got = actual.created.get(table, [])
        assert len(got) == len(rows), (table, got)
        for row, want in zip(got, rows, strict=True):
            assert {column: row[column] for column in want} == want, table


class Expect:
    """The change a call should make, built from the rows before it."""

    def __init__(self, before: dict, project: Project, actor, when: dt.datetime):
        self.before, self.pk, self.actor, self.at = before, project.pk, actor, when
        self.row = before["project"][project.pk]
        self.change = Change()

    def set(self, column: str, value) -> None:
        """The project's column should hold ``value``; a change only if it held another."""
        if self.row[column] != value:
            self.change.changed[("project", self.pk, column)] = value

    def will(self, column: str):
        return self.change.changed.get(("project", self.pk, column), self.row[column])

    @property
    def anything(self) -> bool:
        return bool(self.change.changed or self.change.created or self.change.deleted)

    def create(self, table: str, **row) -> None:
        self.change.created.setdefault(table, []).append(row)

    def touch(self, kind: str, *, bump: bool) -> None:
        """The bookkeeping of every change: last activity, version, event, period."""
        if bump:
            self.set("version", self.row["version"] + 1)
        self.set("updated_at", self.at)
        self.create("event", kind=kind, project_id=self.pk, actor_id=self.actor.pk, at=self.at)
        state = {column: self.will(column) for column in PERIOD_COLUMNS}
        rows = self.before["period"].values()
        current = next(p for p in rows if p["project_id"] == self.pk and p["valid_to"] is None)
        if any(current[column] != value for column, value in state.items()):
            self.change.changed[("period", current["id"], "valid_to")] = self.at
            self.create("period", project_id=self.pk, valid_from=self.at, valid_to=None, **state)

    def milestone(self, kind: str, date: dt.date, note: str) -> bool:
        """Record a milestone as asked; return whether that is a change."""
        mark = next(
            (
                m
                for m in self.before["milestone"].values()
                if (m["project_id"], m["kind"]) == (self.pk, kind)
            ),
            None,
        )
        if mark is None:
            self.create("milestone", project_id=self.pk, kind=kind, date=date, note=note)
            return True
        note = note or mark["note"]
        for column, value in (("date", date), ("note", note)):
            if mark[column] != value:
                self.change.changed[("milestone", mark["id"], column)] = value
        return (mark["date"], mark["note"]) != (date, note)

    def co_units(self, units: set) -> None:
        now = {u for (p, u) in self.before["co_unit"] if p == self.pk}
        wanted = {unit.pk for unit in units}
        for unit in sorted(wanted - now):
            self.create("co_unit", project_id=self.pk, unit_id=unit)
        if now - wanted:
            self.change.deleted["co_unit"] = {(self.pk, unit) for unit in now - wanted}


def column(name: str) -> str:
    relation = Project._meta.get_field(name).is_relation
    return f"{name}_id" if relation else name


def db_value(value):
    return value.pk if hasattr(value, "pk") else value


# --- the project a service is called on ----------------------------------------------------


@st.composite
def situations(
    draw,
    stages=STAGES,
    reviews=REVIEWS,
    problem=None,
    supervision=None,
    signed=False,
    offered=False,
):
    """A project as users leave it: any stage and review state, relay roles, notes…"""
    s = SimpleNamespace()
    s.stage = draw(st.sampled_from(stages))
    s.review = draw(st.sampled_from(reviews))
    needs_investor = s.stage in ("negotiating", "landed")
    s.investor = INVESTOR if needs_investor else draw(st.sampled_from(["", INVESTOR]))
    s.co_units = draw(st.sets(st.sampled_from(UNITS[1:]), max_size=2))
    s.talks_unit = draw(st.none() | st.sampled_from(UNITS))
    s.landing_unit = draw(st.none() | st.sampled_from(UNITS))
    s.leader = draw(st.booleans())
    s.industry = draw(st.booleans())
    signing = st.tuples(st.sampled_from(DATES[:2]), st.sampled_from(NOTES))
    s.signed = draw(signing if s.stage == "landed" or signed else st.none() | signing)
    s.marks = {}
    if s.stage == "landed":
        for kind in (Mark.REGISTERED, Mark.STARTED):
            s.marks[kind] = draw(st.none() | st.tuples(st.just(DATES[1]), st.sampled_from(NOTES)))
    s.problem = draw(st.booleans()) if problem is None else problem
    s.supervision = draw(st.booleans()) if supervision is None else supervision
    # A handoff the holder offered, waiting for the receiving unit (待接收).
    s.offered = draw(st.sampled_from(UNITS[1:])) if offered else None
    return s


def build(w, s) -> Project:
    clock = (T0 + dt.timedelta(minutes=n) for n in itertools.count())
    unit = {name: getattr(w, name) for name in UNITS}
    project = make_project(
        w,
        name="新能源电池项目",
        stage=stage("intent" if s.stage == "stopped" else s.stage),
        investor=s.investor,
        signed_on=s.signed[0] if s.signed else None,
        co_units={unit[name] for name in s.co_units},
        talks_unit=unit.get(s.talks_unit),
        landing_unit=unit.get(s.landing_unit),
        leader=w.leader_person if s.leader else None,
        industry=w.industry if s.industry else None,
        at=next(clock),
    )
    marks = {Mark.SIGNED: s.signed, **s.marks}
    for kind, mark in marks.items():
        if mark and (mark[1] or kind != Mark.SIGNED):
            services.milestone_record(
                project=project,
                kind=kind,
                date=mark[0],
                note=mark[1],
                actor=w.promoter,
                at=next(clock),
            )
    if s.review != "draft":
        services.project_submit(project=project, actor=w.promoter, at=next(clock))
    if s.review == "returned":
        review = {"approve": False, "reason": "材料不全"}
        services.project_review(project=project, actor=w.office, at=next(clock), **review)
    if s.review in ("district_approved", "admitted"):
        services.project_review(project=project, actor=w.office, approve=True, at=next(clock))
    if s.review == "admitted":
        services.project_review(project=project, actor=w.reviewer, approve=True, at=next(clock))
    problem = None
    if s.problem:
        problem = supervision_services.problem_open(
            project=project,
            actor=w.promoter,
            category=Problem.Category.LAND,
            description="用地指标不足",
            responsible_unit=w.department,
            deadline=dt.date(2024, 12, 31),
            at=next(clock),
        )
    if s.supervision:
        supervision_services.supervision_issue(
            project=project,
            actor=w.leader,
            leader=w.leader_person,
            instruction="月底前协调到位",
            deadline=dt.date(2024, 12, 31),
            problem=problem,
            at=next(clock),
        )
    if s.stage == "stopped":
        services.project_move(
            project=project,
            stage=stage("stopped"),
            actor=w.office,
            reason="投资方撤回",
            at=next(clock),
        )
    if s.offered:
        services.project_handoff(
            project=project,
            to_unit=unit[s.offered],
            actor=w.promoter,
            reason="选址调整",
            relay_role=draw_role(s.offered),
            keep_as_co_unit=s.offered == "headquarters",
            at=next(clock),
        )
    project.refresh_from_db()
    return project


def draw_role(unit: str) -> str | None:
    """The relay role an offered handoff asks for: one per receiving unit, so each shows."""
    return {"other_town": None, "department": "talks", "headquarters": "landing"}[unit]


@pytest.fixture
def bystander(w):
    """Another project of the district, with everything a service could touch by mistake."""
    project = make_project(
        w,
        name="滨海文旅综合体",
        stage=stage("landed"),
        investor="象屿集团",
        signed_on=DATES[0],
        co_units={w.department},
        talks_unit=w.headquarters,
        at=T0,
    )
    services.milestone_record(
        project=project, kind=Mark.SIGNED, date=DATES[0], note="框架协议", actor=w.office, at=T0
    )
    return project


def run(w, data, case) -> None:
    """Call the service on a drawn project; assert it changed exactly what it should."""
    point = transaction.savepoint()
    try:
        asked = SITUATION_FOR.get(case.__name__.removeprefix("case_"), {})
        project = build(w, data.draw(situations(**asked), label="project"))
        before = stored()
        call, expect = case(w, project, before, data)
        try:
            call()
        except ValidationError:
            event("refused")
            assert_exactly(compare(before, stored()), Change())
            return
        event("changed" if expect.anything else "no change")
        assert_exactly(compare(before, stored()), expect.change)
    finally:
        transaction.savepoint_rollback(point)


def examples(test):
    return settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )(given(data=st.data())(test))


# --- the services -------------------------------------------------------------------------

TEXTS = {
    "name": ("新能源电池项目", "新能源电池二期项目"),
    "investor": ("", INVESTOR, "象屿集团"),
    "info_source": ("", "招商推介会"),
    "progress": ("", "已完成选址"),
    "issues_text": ("", "用地指标待落实"),
    "contact_name": ("", "王经理"),
    "contact_phone": ("", "0592-1234567"),
    "remarks": ("", "重点项目"),
}


def update_values(w):
    units = [getattr(w, name) for name in UNITS]
    return {
        **TEXTS,
        "investment": (Decimal("10000"), Decimal("25000.5")),
        "land_area_mu": (None, Decimal("120.50")),
        "industry": (None, w.industry, Industry.objects.get(name="生物医药")),
        "leader": (None, w.leader_person),
        "info_unit": units,
        "talks_unit": (None, *units),
        "landing_unit": (None, *units),
        "co_units": (set(), {w.department}, {w.department, w.headquarters}),
    }


def asked_fields(w, data, names, *, min_size=1):
    values = update_values(w)
    chosen = data.draw(st.sets(st.sampled_from(names), min_size=min_size, max_size=4))
    return {name: data.draw(st.sampled_from(values[name]), label=name) for name in sorted(chosen)}


def expect_fields(expect: Expect, changes: dict) -> None:
    for name, value in changes.items():
        if name == "co_units":
            expect.co_units(value)
            continue
        expect.set(column(name), db_value(value))
        if name == "name":
            expect.set("name_key", name_key(value))
        if name == "investor":
            expect.set("investor_key", investor_key(value))


def case_project_update(w, project, before, data):
    changes = asked_fields(w, data, sorted(update_values(w)))
    expect = Expect(before, project, w.office, T1)
    expect_fields(expect, changes)
    if expect.anything:  # a value the project holds already is no change
        expect.touch(Kind.UPDATED, bump=True)

    def call():
        services.project_update(project=project, actor=w.office, changes=changes, at=T1)

    return call, expect


def case_project_submit(w, project, before, data):
    expect = Expect(before, project, w.promoter, T1)
    expect.set("review_state", ReviewState.SUBMITTED)
    expect.set("submitted_at", T1)
    expect.touch(Kind.SUBMITTED, bump=True)
    return lambda: services.project_submit(project=project, actor=w.promoter, at=T1), expect


def case_project_review(w, project, before, data):
    approve = data.draw(st.booleans(), label="approve")
    reason = data.draw(st.sampled_from(["", "材料不全", "材料不全"]), label="reason")
    expect = Expect(before, project, w.office, T1)
    state = expect.row["review_state"]
    if not approve:
        expect.set("review_state", ReviewState.RETURNED)
        kind = Kind.RETURNED
    elif state == ReviewState.SUBMITTED:
        expect.set("review_state", ReviewState.DISTRICT_APPROVED)
        kind = Kind.APPROVED
    else:
        expect.set("review_state", ReviewState.ADMITTED)
        expect.set("admitted_at", T1)
        kind = Kind.ADMITTED
    expect.touch(kind, bump=True)

    def call():
        services.project_review(
            project=project,
            actor=w.office,
            approve=approve,
            reason=reason,
            at=T1,
            not_duplicate=True,
        )

    return call, expect


def case_project_move(w, project, before, data):
    # 落地 the most: the step that gives the 签约 date again.
    target = stage(data.draw(st.sampled_from([*STAGES, "landed", "landed"]), label="stage"))
    reason = data.draw(st.sampled_from(["", "洽谈降温", "洽谈降温"]), label="reason")
    signed = next(
        (
            m["date"]
            for m in before["milestone"].values()
            if (m["project_id"], m["kind"]) == (project.pk, Mark.SIGNED)
        ),
        None,
    )
    fields = asked_fields(w, data, ["investor", "investment", "industry", "talks_unit"], min_size=0)
    # The dialog pre-fills the recorded 签约 date: given again, it must change nothing.
    signed_on = data.draw(st.sampled_from([None, signed, signed, *DATES]), label="signed_on")
    expect = Expect(before, project, w.promoter, T1)
    expect_fields(expect, fields)
    expect.set("stage_id", target.pk)
    expect.set("stage_entered_at", T1)
    expect.touch(Kind.MOVED, bump=True)
    if signed_on is not None and expect.milestone(Mark.SIGNED, signed_on, ""):
        expect.create("event", kind=Kind.MILESTONE, project_id=project.pk, at=T1)

    def call():
        asked = {**fields, "signed_on": signed_on} if signed_on else fields
        services.project_move(
            project=project, stage=target, actor=w.promoter, reason=reason, fields=asked, at=T1
        )

    return call, expect


def case_project_handoff(w, project, before, data):
    to_unit = getattr(w, data.draw(st.sampled_from(UNITS), label="to_unit"))
    role = data.draw(st.sampled_from([None, "talks", "landing"]), label="relay_role")
    keep = data.draw(st.booleans(), label="keep_as_co_unit")
    expect = Expect(before, project, w.office, T1)
    co_units = set(project.co_units.all())
    expect.set("unit_id", to_unit.pk)
    if role:
        expect.set(f"{role}_unit_id", to_unit.pk)
    expect.co_units(((co_units | {project.unit}) if keep else co_units) - {to_unit})
    expect.touch(Kind.HANDED_OFF, bump=True)

    def call():
        services.project_handoff(
            project=project,
            to_unit=to_unit,
            actor=w.office,
            reason="转由指挥部推进",
            relay_role=role,
            keep_as_co_unit=keep,
            at=T1,
        )

    return call, expect


def case_project_handoff_offered(w, project, before, data):
    """A unit's handoff: a pending Handoff row and its event; the holder stays."""
    to_unit = getattr(w, data.draw(st.sampled_from(UNITS[1:]), label="to_unit"))
    role = data.draw(st.sampled_from([None, "talks", "landing"]), label="relay_role")
    keep = data.draw(st.booleans(), label="keep_as_co_unit")
    expect = Expect(before, project, w.promoter, T1)
    expect.create(
        "handoff",
        project_id=project.pk,
        from_unit_id=project.unit_id,
        to_unit_id=to_unit.pk,
        relay_role=role or "",
        keep_as_co_unit=keep,
        state="pending",
        requested_by_id=w.promoter.pk,
        requested_at=T1,
    )
    expect.touch(Kind.HANDOFF_REQUESTED, bump=False)

    def call():
        services.project_handoff(
            project=project,
            to_unit=to_unit,
            actor=w.promoter,
            reason="转由指挥部推进",
            relay_role=role,
            keep_as_co_unit=keep,
            at=T1,
        )

    return call, expect


def _pending(before: dict, project: Project) -> dict:
    return next(
        h
        for h in before["handoff"].values()
        if h["project_id"] == project.pk and h["state"] == "pending"
    )


def _answered(expect: Expect, handoff: dict, state: str, actor, reason: str = "") -> None:
    key = ("handoff", handoff["id"])
    expect.change.changed[(*key, "state")] = state
    expect.change.changed[(*key, "decided_by_id")] = actor.pk
    expect.change.changed[(*key, "decided_at")] = T1
    if reason:
        expect.change.changed[(*key, "decision_reason")] = reason


def case_handoff_accept(w, project, before, data):
    """The baton passes as the office's handoff passes it, and the handoff is answered."""
    handoff = _pending(before, project)
    to_unit = handoff["to_unit_id"]
    expect = Expect(before, project, w.office, T1)
    co_units = {u for (p, u) in before["co_unit"] if p == project.pk}
    expect.set("unit_id", to_unit)
    if handoff["relay_role"]:
        expect.set(f"{handoff['relay_role']}_unit_id", to_unit)
    kept = (co_units | {project.unit_id}) if handoff["keep_as_co_unit"] else co_units
    expect.co_units(set(Unit.objects.filter(pk__in=kept - {to_unit})))
    _answered(expect, handoff, "accepted", w.office)
    expect.touch(Kind.HANDOFF_ACCEPTED, bump=True)
    return lambda: services.handoff_accept(project=project, actor=w.office, at=T1), expect


def case_handoff_decline(w, project, before, data):
    reason = data.draw(st.sampled_from(["", "不属于本单位职能"]), label="reason")
    expect = Expect(before, project, w.office, T1)
    _answered(expect, _pending(before, project), "declined", w.office, reason)
    expect.touch(Kind.HANDOFF_DECLINED, bump=False)

    def call():
        services.handoff_decline(project=project, actor=w.office, reason=reason, at=T1)

    return call, expect


def case_handoff_withdraw(w, project, before, data):
    expect = Expect(before, project, w.promoter, T1)
    _answered(expect, _pending(before, project), "withdrawn", w.promoter)
    expect.touch(Kind.HANDOFF_WITHDRAWN, bump=False)
    return lambda: services.handoff_withdraw(project=project, actor=w.promoter, at=T1), expect


def case_milestone_record(w, project, before, data):
    # The milestones recorded the most, and no note: the case of a date given again.
    recorded = [m["kind"] for m in before["milestone"].values() if m["project_id"] == project.pk]
    kinds = [*recorded, *recorded, Mark.REGISTERED, Mark.STARTED, Mark.IN_PRODUCTION]
    kind = data.draw(st.sampled_from(kinds), label="kind")
    date = data.draw(st.sampled_from(DATES), label="date")
    note = data.draw(st.sampled_from(["", *NOTES]), label="note")
    expect = Expect(before, project, w.promoter, T1)
    if expect.milestone(kind, date, note):
        expect.touch(Kind.MILESTONE, bump=False)

    def call():
        services.milestone_record(
            project=project, kind=kind, date=date, note=note, actor=w.promoter, at=T1
        )

    return call, expect


def case_note_add(w, project, before, data):
    expect = Expect(before, project, w.promoter, T1)
    expect.touch(Kind.NOTE, bump=False)
    return lambda: services.note_add(
        project=project, actor=w.promoter, text="已洽谈", at=T1
    ), expect


def case_problem_open(w, project, before, data):
    unit = getattr(w, data.draw(st.sampled_from(UNITS), label="responsible_unit"))
    expect = Expect(before, project, w.promoter, T1)
    expect.create("problem", project_id=project.pk, responsible_unit_id=unit.pk, status="open")
    expect.touch(Kind.PROBLEM, bump=False)

    def call():
        supervision_services.problem_open(
            project=project,
            actor=w.promoter,
            category=Problem.Category.FUNDS,
            description="融资未到位",
            responsible_unit=unit,
            deadline=dt.date(2024, 9, 30),
            at=T1,
        )

    return call, expect


def _problem(project, data):
    problem = project.problems.first()
    if problem is None:
        return None
    status = data.draw(st.sampled_from(Problem.Status.values), label="status")
    note = data.draw(st.sampled_from(["", "已协调解决"]), label="note")
    return problem, status, note


def case_problem_update(w, project, before, data):
    expect = Expect(before, project, w.promoter, T1)
    drawn = _problem(project, data)
    if drawn is None:
        return (lambda: None), expect
    problem, status, note = drawn
    row = before["problem"][problem.pk]
    values = {
        "status": status,
        "updated_at": T1,
        "resolved_at": T1 if status == "resolved" else None,
    }
    if note:
        values["resolution"] = note
    for name, value in values.items():
        if row[name] != value:
            expect.change.changed[("problem", problem.pk, name)] = value
    expect.touch(Kind.PROBLEM, bump=False)

    def call():
        supervision_services.problem_update(
            problem=problem, actor=w.promoter, status=status, note=note, at=T1
        )

    return call, expect


def case_supervision_issue(w, project, before, data):
    problem = data.draw(st.sampled_from([None, project.problems.first()]), label="problem")
    expect = Expect(before, project, w.leader, T1)
    expect.create(
        "supervision",
        project_id=project.pk,
        problem_id=problem.pk if problem else None,
        leader_id=w.leader_person.pk,
        status="active",
    )
    expect.create("leader_act", project_id=project.pk, kind="supervise", date=T1.date())
    expect.touch(Kind.SUPERVISED, bump=False)

    def call():
        supervision_services.supervision_issue(
            project=project,
            actor=w.leader,
            leader=w.leader_person,
            instruction="尽快落实用地",
            deadline=dt.date(2024, 9, 30),
            problem=problem,
            at=T1,
        )

    return call, expect


def case_supervision_report(w, project, before, data):
    """The unit reports its 办理情况 (on a problem of 区工信局's, 马巷 is refused)."""
    expect = Expect(before, project, w.promoter, T1)
    supervision = project.supervisions.first()
    if supervision is None:
        return (lambda: None), expect
    for name, value in (("status", "reported"), ("response", "已落实"), ("reported_at", T1)):
        expect.change.changed[("supervision", supervision.pk, name)] = value
    expect.touch(Kind.SUPERVISION_REPORTED, bump=False)

    def call():
        supervision_services.supervision_report(
            supervision=supervision, actor=w.promoter, response="已落实", at=T1
        )

    return call, expect


def case_leader_act_record(w, project, before, data):
    kind = data.draw(st.sampled_from(LeaderAct.Kind.values), label="kind")
    date = data.draw(st.sampled_from(DATES), label="date")
    expect = Expect(before, project, w.leader, T1)
    expect.create("leader_act", project_id=project.pk, kind=kind, date=date, note="实地考察")
    expect.touch(Kind.LEADER_ACT, bump=False)

    def call():
        supervision_services.leader_act_record(
            project=project,
            actor=w.leader,
            leader=w.leader_person,
            kind=kind,
            date=date,
            note="实地考察",
            at=T1,
        )

    return call, expect


CASES = [
    case_project_update,
    case_project_submit,
    case_project_review,
    case_project_move,
    case_project_handoff,
    case_project_handoff_offered,
    case_handoff_accept,
    case_handoff_decline,
    case_handoff_withdraw,
    case_milestone_record,
    case_note_add,
    case_problem_open,
    case_problem_update,
    case_supervision_issue,
    case_supervision_report,
    case_leader_act_record,
]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.__name__.removeprefix("case_"))
@examples
def test_it_changes_only_what_was_asked(w, bystander, case, data):
    run(w, data, case)


@examples
def test_project_create_writes_only_the_new_project(w, bystander, data):
    point = transaction.savepoint()
    try:
        fields = asked_fields(w, data, sorted(update_values(w)), min_size=0)
        fields.pop("investment", None)
        fields.setdefault("name", "新能源电池项目")
        target = stage(data.draw(st.sampled_from(["planning", "intent", "negotiating", "landed"])))
        signed_on = data.draw(st.sampled_from([None, *DATES]), label="signed_on")
        before = stored()
        try:
            project = services.project_create(
                actor=w.promoter,
                district=w.district,
                unit=w.town,
                investment=Decimal("10000"),
                stage=target,
                signed_on=signed_on,
                at=T1,
                **fields,
            )
        except ValidationError:
            event("refused")
            assert_exactly(compare(before, stored()), Change())
            return
        event("created")
        change = compare(before, stored())
        row = change.created.pop("project")[0]
        asked = {column(name): db_value(v) for name, v in fields.items() if name != "co_units"}
        defaults = {
            column(name): Project._meta.get_field(name).get_default()
            for name in services.EDITABLE_FIELDS
            if name != "co_units"
        }
        defaults.update(info_unit_id=w.town.pk, investment=Decimal("10000"))
        assert {name: row[name] for name in defaults} == {**defaults, **asked}
        assert (row["stage_id"], row["unit_id"], row["review_state"]) == (
            target.pk,
            w.town.pk,
            "draft",
        )
        pk = project.pk
        co_units = [
            {"project_id": pk, "unit_id": u.pk}
            for u in sorted(fields.get("co_units", ()), key=lambda u: u.pk)
        ]
        assert [
            {"project_id": r["project_id"], "unit_id": r["unit_id"]}
            for r in change.created.pop("co_unit", [])
        ] == co_units
        events = [r["kind"] for r in change.created.pop("event")]
        assert events == [Kind.CREATED] + ([Kind.MILESTONE] if signed_on else [])
        assert [r["project_id"] for r in change.created.pop("period")] == [pk]
        marks = [(r["kind"], r["date"], r["note"]) for r in change.created.pop("milestone", [])]
        assert marks == ([(Mark.SIGNED, signed_on, "")] if signed_on else [])
        sequence = change.created.pop("sequence", [])
        assert not change.created and not change.deleted
        # The code sequence moves on, and nothing else stored changes.
        assert {key[0] for key in change.changed} <= {"sequence"}
        assert len(sequence) + len(change.changed) == 1
    finally:
        transaction.savepoint_rollback(point)


# --- the reported loss, told plainly --------------------------------------------------------


@pytest.fixture
def signed(w):
    """A project in talks whose 签约 milestone carries a note."""
    project = make_project(
        w, investor=INVESTOR, stage=stage("negotiating"), signed_on=DATES[0], at=T0
    )
    services.milestone_record(
        project=project, kind=Mark.SIGNED, date=DATES[0], note="合同已签", actor=w.promoter, at=T0
    )
    return project


def test_landing_with_the_recorded_signing_date_keeps_its_note(w, signed):
    events = signed.events.count()
    services.project_move(
        project=signed,
        stage=stage("landed"),
        actor=w.promoter,
        fields={"signed_on": DATES[0]},
        at=T1,
    )
    assert signed.milestones.values_list("date", "note").get() == (DATES[0], "合同已签")
    assert list(signed.events.values_list("kind", flat=True)[events:]) == [Kind.MOVED]


def test_recording_the_same_date_without_a_note_is_no_change(w, signed):
    before = stored()
    assert (
        services.milestone_record(
            project=signed, kind=Mark.SIGNED, date=DATES[0], actor=w.promoter, at=T1
        )
        is None
    )
    assert_exactly(compare(before, stored()), Change())


def test_a_new_date_keeps_the_note_and_a_new_note_keeps_the_date(w, signed):
    services.milestone_record(
        project=signed, kind=Mark.SIGNED, date=DATES[1], actor=w.promoter, at=T1
    )
    assert signed.milestones.values_list("date", "note").get() == (DATES[1], "合同已签")
    event = signed.events.order_by("id").last()
    assert (event.old["date"], event.new["date"]) == (DATES[0].isoformat(), DATES[1].isoformat())
    services.milestone_record(
        project=signed, kind=Mark.SIGNED, date=DATES[1], note="补充协议", actor=w.promoter, at=T1
    )
    assert signed.milestones.values_list("date", "note").get() == (DATES[1], "补充协议")
