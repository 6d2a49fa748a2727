"""Figures as of any date equal an independent replay of the events, for random histories.

Hypothesis drives random sequences of service calls over a few years (the services
refuse some, which is fine), with month-end snapshot refreshes in between, then compares
``figures_as_of`` for several dates and scopes with a plain-Python reconstruction that
reads only ``ProjectEvent`` rows. It deliberately does not use
``baton.projects.periods.replay``: the periods, the live query and the snapshots are
what is under test.
"""

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from baton.org.models import Unit
from baton.projects import services
from baton.projects.models import Industry, Milestone, Project, ProjectEvent, Stage
from baton.projects.periods import CheckResult, check_periods
from baton.reports.selectors import Scope, figures_as_of
from baton.reports.snapshots import snapshot_refresh
from baton.testing import make_world

SHANGHAI = ZoneInfo("Asia/Shanghai")
START = dt.datetime(2018, 1, 1, 8, tzinfo=SHANGHAI)
#: The fields of a project that the figures depend on, as the events name them.
TRACKED = ("district", "unit", "stage", "industry", "review_state", "investment")
NAMES = ("锂电池隔膜", "航空维修", "半导体衬底", "冷链物流", "生物医药", "智能装备", "文旅综合体")
INVESTORS = ("", "翔鹭新能源有限公司", "厦门芯光半导体股份有限公司", "鹭江光电有限公司")
MILESTONE_KINDS = tuple(Milestone.Kind.values)
IN_WORK = ("draft", "returned")
IN_REVIEW = ("submitted", "district_approved")
OPS = (
    *["create"] * 3,
    *["admit"] * 4,
    "submit",
    *["approve"] * 3,
    "return",
    *["move"] * 4,
    *["land"] * 2,
    "stop",
    *["handoff"] * 2,
    "update_investment",
    "update_industry",
    *["milestone"] * 3,
    *["refresh"] * 2,
)


class Step(NamedTuple):
    op: str
    target: int  # which project, modulo the number created
    pick: int  # which unit, stage, industry, investor or milestone, modulo their number
    reason: bool  # give a reason (moves, returns and handoffs may need one)
    signed: bool  # give a signing date (create, move)
    flag: bool  # op-specific: start above 策划, change the amount with a move, …
    amount: Decimal  # 万元, for create, move and update_investment
    day: int  # days after 2017-06-01, for signing and milestone dates
    gap: int  # minutes after the previous step
    snap: int  # 0: as is; 1: exactly at the next local midnight; 2: just before it


amounts = st.one_of(
    st.integers(1, 5 * 10**9).map(lambda yuan: Decimal(yuan).scaleb(-4)),
    st.sampled_from(["0.0001", "1125", "11250", "4999.5", "100000", "99999999.9999", "0"]).map(
        Decimal
    ),
)
steps = st.builds(
    Step,
    op=st.sampled_from(OPS),
    target=st.integers(0, 3),
    pick=st.integers(0, 59),
    reason=st.sampled_from([True, True, True, False]),
    signed=st.booleans(),
    flag=st.booleans(),
    amount=amounts,
    day=st.integers(0, 4 * 365),
    gap=st.one_of(st.integers(1, 180), st.integers(1, 50 * 24 * 60)),
    snap=st.sampled_from([0, 0, 0, 1, 2]),
)


def _next_time(previous: dt.datetime, step: Step) -> dt.datetime:
    t = previous + dt.timedelta(minutes=step.gap)
    if step.snap:
        local = t.astimezone(SHANGHAI)
        midnight = dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time.min, SHANGHAI)
        t = midnight if step.snap == 1 else midnight - dt.timedelta(microseconds=1)
    return t


def _cutoff(day: dt.date) -> dt.datetime:
    """Return the first instant after ``day`` in Shanghai: "as of D" is before this."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, SHANGHAI)


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class FiguresMatchTheEventsTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = make_world()
        cls.tongan_town = Unit.objects.create(
            district=cls.w.other_district, name="大同街道", kind=Unit.Kind.TOWN, order=2
        )
        cls.units = [cls.w.town, cls.w.other_town, cls.w.department, cls.w.tongan_unit]
        cls.all_units = [*cls.units, cls.w.headquarters, cls.tongan_town]
        cls.stages = list(Stage.objects.order_by("order"))
        cls.industries = [
            None,
            Industry.objects.get(name="新能源"),
            Industry.objects.get(name="电子信息"),
        ]

    # --- the history -------------------------------------------------------------------

    def _reviewer(self, project):
        if project.district_id == self.w.other_district.pk:
            return self.w.tongan_office
        return self.w.reviewer if project.review_state == "district_approved" else self.w.office

    def _do(self, step: Step, when: dt.datetime, projects: list[Project]) -> None:
        w, n = self.w, step.pick
        day = dt.date(2017, 6, 1) + dt.timedelta(days=step.day)
        if step.op == "refresh":
            # Month-end snapshots of every closed month, including months this history
            # has not reached yet: the later steps must make them stale.
            snapshot_refresh()
            return
        if step.op == "create" or not projects:
            unit = self.units[n % len(self.units)]
            projects.append(
                services.project_create(
                    actor=w.promoter,
                    district=unit.district,
                    unit=unit,
                    name=f"{NAMES[len(projects) % len(NAMES)]}项目{len(projects) + 1}号",
                    investor=INVESTORS[n % len(INVESTORS)],
                    investment=step.amount,
                    industry=self.industries[n % len(self.industries)],
                    stage=self.stages[n % 4] if step.flag else None,
                    signed_on=day if step.signed else None,
                    at=when,
                )
            )
            return
        # Aim review steps and milestones at a project they apply to, when there is one.
        if step.op in ("admit", "submit"):
            project = _pick(projects, step.target, lambda p: p.review_state in IN_WORK)
        elif step.op in ("approve", "return"):
            project = _pick(projects, step.target, lambda p: p.review_state in IN_REVIEW)
        elif step.op == "milestone":
            project = _pick(projects, step.target, lambda p: p.stage.allows_milestones)
        else:
            project = projects[step.target % len(projects)]
        if step.op == "admit":
            # Submit and approve at one instant, or a second a step; with ``flag`` a
            # 翔安 project goes on to the city's admission, else it waits for it.
            later = dt.timedelta(seconds=1 if step.signed else 0)
            services.project_submit(project=project, actor=w.promoter, at=when)
            for i in (1, 2) if step.flag else (1,):
                if project.review_state != "admitted":
                    services.project_review(
                        project=project,
                        actor=self._reviewer(project),
                        approve=True,
                        not_duplicate=True,
                        at=when + i * later,
                    )
        elif step.op == "submit":
            services.project_submit(project=project, actor=w.promoter, at=when)
        elif step.op == "approve":
            services.project_review(
                project=project,
                actor=self._reviewer(project),
                approve=True,
                not_duplicate=step.flag,
                at=when,
            )
        elif step.op == "return":
            services.project_review(
                project=project,
                actor=self._reviewer(project),
                approve=False,
                reason="资料不全" if step.reason else "",
                at=when,
            )
        elif step.op in ("move", "land", "stop"):
            stage = {"land": self.stages[3], "stop": self.stages[4]}.get(
                step.op, self.stages[n % len(self.stages)]
            )
            fields = {}
            if step.op == "land" or step.signed or step.flag:
                fields["investor"] = INVESTORS[1 + n % 3]
            if step.op == "land" or (step.op == "move" and step.signed):
                fields["signed_on"] = day
            if step.flag and step.reason:
                fields["investment"] = step.amount
            services.project_move(
                project=project,
                stage=stage,
                actor=w.promoter,
                reason="洽谈进展变化" if step.reason else "",
                fields=fields,
                at=when,
            )
        elif step.op == "handoff":
            units = [u for u in self.all_units if u.district_id == project.district_id]
            services.project_handoff(
                project=project,
                to_unit=units[n % len(units)],
                actor=w.office,
                reason="接力推进" if step.reason else "",
                relay_role=(None, "talks", "landing")[n % 3],
                keep_as_co_unit=step.flag,
                at=when,
            )
        elif step.op == "update_investment":
            services.project_update(
                project=project, actor=w.promoter, changes={"investment": step.amount}, at=when
            )
        elif step.op == "update_industry":
            services.project_update(
                project=project,
                actor=w.promoter,
                changes={"industry": self.industries[n % len(self.industries)]},
                at=when,
            )
        elif step.op == "milestone":
            services.milestone_record(
                project=project,
                kind=MILESTONE_KINDS[n % len(MILESTONE_KINDS)],
                date=day,
                actor=w.promoter,
                at=when,
            )
        else:  # pragma: no cover
            raise AssertionError(step.op)

    def _run(self, history: list[Step]) -> list[dt.datetime]:
        projects: list[Project] = []
        when, times = START, []
        for step in history:
            when = _next_time(when, step)
            times.append(when)
            try:
                self._do(step, when, projects)
            except ValidationError:
                for project in projects:
                    project.refresh_from_db()
        return times

    # --- the independent replay ----------------------------------------------------------

    def _replay(self, events: list[ProjectEvent], cutoff: dt.datetime | None) -> dict[int, dict]:
        """Return each project's tracked fields after its events before ``cutoff``."""
        states: dict[int, dict] = {}
        for event in events:
            if cutoff is not None and event.at >= cutoff:
                break
            state = states.setdefault(event.project_id, {})
            if event.kind == ProjectEvent.Kind.CREATED:
                assert not state, "a project is created once, by its first event"
                assert set(TRACKED) <= set(event.new)
            else:
                assert state, "every event follows the project's creation"
            for key in TRACKED:
                if key in event.new:
                    if event.kind != ProjectEvent.Kind.CREATED:
                        # The events chain: each one's old value is the previous new one.
                        assert _same(key, event.old[key], state[key]), (event, key)
                    state[key] = event.new[key]
        return states

    def _expected(self, states: dict[int, dict], milestones, day: dt.date, keep) -> tuple:
        stage_by_id = {s.pk: s for s in self.stages}
        lines = {s.pk: [0, Decimal(0)] for s in self.stages}
        subsets = {kind: [0, Decimal(0)] for kind in MILESTONE_KINDS}
        for project_id, state in states.items():
            if state["review_state"] != "admitted" or not keep(state):
                continue
            amount = Decimal(state["investment"])
            lines[state["stage"]][0] += 1
            lines[state["stage"]][1] += amount
            if stage_by_id[state["stage"]].allows_milestones:
                for kind, date in milestones[project_id].items():
                    if date <= day:
                        subsets[kind][0] += 1
                        subsets[kind][1] += amount
        non_terminal = [s for s in self.stages if not s.is_terminal]
        return (
            sum(lines[s.pk][0] for s in non_terminal),
            sum((lines[s.pk][1] for s in non_terminal), Decimal(0)),
            [(s.code, *lines[s.pk]) for s in non_terminal],
            [(kind, *subsets[kind]) for kind in MILESTONE_KINDS],
            [(s.code, *lines[s.pk]) for s in self.stages if s.is_terminal],
        )

    def _scopes(self):
        w = self.w
        new_energy, electronics = self.industries[1], self.industries[2]
        yield Scope(city=w.city), lambda s: True
        yield Scope(district=w.district), lambda s: s["district"] == w.district.pk
        yield Scope(district=w.other_district), lambda s: s["district"] == w.other_district.pk
        for unit in self.all_units:
            yield Scope(unit=unit), lambda s, u=unit.pk: s["unit"] == u
        for industry in (new_energy, electronics):
            yield Scope(city=w.city, industry=industry), lambda s, i=industry.pk: s["industry"] == i
        yield (
            Scope(district=w.district, industry=new_energy),
            lambda s: s["district"] == w.district.pk and s["industry"] == new_energy.pk,
        )
        yield (
            Scope(unit=w.tongan_unit, industry=electronics),
            lambda s: s["unit"] == w.tongan_unit.pk and s["industry"] == electronics.pk,
        )

    # --- the property ----------------------------------------------------------------------

    @settings(
        max_examples=40,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(history=st.lists(steps, min_size=12, max_size=40), data=st.data())
    def test_figures_as_of_any_date_match_the_events(self, history, data):
        times = self._run(history)
        events = list(ProjectEvent.objects.order_by("at", "id"))
        # Milestones as their events last set them, which must be the rows as they are.
        milestones = defaultdict(dict)
        for event in events:
            if event.kind == ProjectEvent.Kind.MILESTONE:
                kind, date = event.new["kind"], dt.date.fromisoformat(event.new["date"])
                milestones[event.project_id][kind] = date
        rows = defaultdict(dict)
        for project_id, kind, date in Milestone.objects.values_list("project_id", "kind", "date"):
            rows[project_id][kind] = date
        assert milestones == rows
        # The replay to the end agrees with the projects' current rows.
        for project_id, state in self._replay(events, None).items():
            project = Project.objects.get(pk=project_id)
            current = {
                "district": project.district_id,
                "unit": project.unit_id,
                "stage": project.stage_id,
                "industry": project.industry_id,
                "review_state": project.review_state,
                "investment": project.investment,
            }
            assert {key: _same(key, state[key], current[key]) for key in TRACKED} == dict.fromkeys(
                TRACKED, True
            ), project
        # The periods the services kept are the ones a rebuild would write.
        assert check_periods() == CheckResult(projects=len({e.project_id for e in events}))
        # Every scope on a few days: some event days, the days before them, random days.
        event_days = sorted({t.astimezone(SHANGHAI).date() for t in times})
        days = data.draw(st.lists(st.sampled_from(event_days), min_size=1, max_size=3))
        days += [d - dt.timedelta(days=1) for d in days]
        days += data.draw(
            st.lists(
                st.dates(dt.date(2017, 12, 1), event_days[-1] + dt.timedelta(days=30)),
                min_size=1,
                max_size=3,
            )
        )
        # The city and its districts also on the edges: the day ending at an event made
        # at midnight or a microsecond before, and the day of each milestone and before.
        edges = set()
        for t in times:
            local = t.astimezone(SHANGHAI)
            if local.time() in (dt.time.min, dt.time.max):
                edges |= {local.date(), (local - dt.timedelta(microseconds=1)).date()}
        for dates in milestones.values():
            edges |= {d for date in dates.values() for d in (date, date - dt.timedelta(days=1))}
        wide = set(days)
        # Month ends, which may be read from a snapshot, fresh or stale.
        edges |= {_month_end(d) for d in days}
        scopes = list(self._scopes())
        for day in sorted(wide | edges):
            states = self._replay(events, _cutoff(day))
            for scope, keep in scopes if day in wide else scopes[:3]:
                figures = figures_as_of(as_of=day, scope=scope)
                got = (
                    figures.count,
                    figures.investment,
                    [(line.code, line.count, line.investment) for line in figures.stages],
                    [(line.code, line.count, line.investment) for line in figures.milestones],
                    [(line.code, line.count, line.investment) for line in figures.exits],
                )
                assert got == self._expected(states, milestones, day, keep), (day, scope.name)


def _month_end(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def _pick(projects: list[Project], target: int, ok) -> Project:
    """Return the first project from ``target`` on (cyclically) that is ``ok``, else the target."""
    ordered = projects[target % len(projects) :] + projects[: target % len(projects)]
    return next((p for p in ordered if ok(p)), ordered[0])


def _same(key: str, stored, value) -> bool:
    if key == "investment":
        return stored is not None and value is not None and Decimal(stored) == Decimal(value)
    return stored == value
