"""``baton generate``: deterministic synthetic libraries, row for row what the services write."""

import io
import json
import re
import statistics
from collections import Counter

import pytest
from django.core.management import call_command

from baton.accounts.models import User
from baton.demo import generator as gen
from baton.demo.tests.helpers_generate import ServiceWriter
from baton.org.models import City, District, Person, Unit
from baton.projects.duplicates import duplicate_candidates
from baton.projects.models import (
    CodeSequence,
    Handoff,
    Milestone,
    Project,
    ProjectEvent,
    ProjectPeriod,
    Stage,
)
from baton.projects.periods import CheckResult, check_periods
from baton.testing import make_project

pytestmark = pytest.mark.django_db


def _stages():
    return dict(Stage.objects.values_list("code", "pk"))


def _rows() -> dict:
    """Every row a project history writes, keyed by project code, free of database ids."""
    events = {}
    for e in ProjectEvent.objects.order_by("project_id", "at", "id"):
        events.setdefault(e.project_id, []).append(e)
    index = {e.pk: i for history in events.values() for i, e in enumerate(history)}
    periods, milestones, co_units = {}, {}, {}
    for p in ProjectPeriod.objects.order_by("project_id", "valid_from", "id"):
        periods.setdefault(p.project_id, []).append(
            (index[p.event_id], p.district_id, p.unit_id, p.stage_id, p.industry_id,
             p.review_state, p.investment, p.valid_from, p.valid_to)
        )  # fmt: skip
    for m in Milestone.objects.order_by("project_id", "kind"):
        milestones.setdefault(m.project_id, []).append((m.kind, m.date, m.note))
    for row in Project.co_units.through.objects.order_by("project_id", "unit_id"):
        co_units.setdefault(row.project_id, []).append(row.unit_id)
    handoffs, handoff_index = {}, {}
    for h in Handoff.objects.order_by("project_id", "id"):
        mine = handoffs.setdefault(h.project_id, [])
        handoff_index[h.pk] = len(mine)
        mine.append(
            (h.district_id, h.from_unit_id, h.to_unit_id, h.relay_role, h.keep_as_co_unit,
             h.reason, h.state, h.requested_by_id, h.requested_at, h.decided_by_id,
             h.decided_at, h.decision_reason)
        )  # fmt: skip

    def without_ids(payload: dict) -> dict:
        if "handoff" not in payload:
            return payload
        return {**payload, "handoff": handoff_index[payload["handoff"]]}

    skip = {"id", "co_units"}
    result = {}
    for project in Project.objects.order_by("code"):
        fields = {
            f.attname: getattr(project, f.attname)
            for f in Project._meta.concrete_fields
            if f.name not in skip
        }
        result[project.code] = {
            "project": fields,
            "events": [
                (e.kind, e.district_id, e.actor_id, e.at, e.old, without_ids(e.new), e.reason)
                for e in events.get(project.pk, [])
            ],
            "periods": periods.get(project.pk, []),
            "milestones": milestones.get(project.pk, []),
            "co_units": co_units.get(project.pk, []),
            "handoffs": handoffs.get(project.pk, []),
        }
    result["sequences"] = sorted(CodeSequence.objects.values_list("district_id", "year", "last"))
    return result


def _wipe_projects():
    ProjectPeriod.objects.all().delete()
    Milestone.objects.all().delete()
    Project.co_units.through.objects.all().delete()
    Handoff.objects.all().delete()
    ProjectEvent.objects.all().delete()
    Project.objects.all().delete()
    CodeSequence.objects.all().delete()


def _wipe_org():
    _wipe_projects()
    User.objects.all().delete()
    Person.objects.all().delete()
    Unit.objects.all().delete()
    District.objects.all().delete()
    City.objects.all().delete()


def test_it_writes_row_for_row_what_the_services_write():
    org = gen.build_org(gen.SCALES["district"], seed=11, projects=70)
    plans = list(gen.plans(org, seed=11))
    kinds = Counter(step.kind for plan in plans for step in plan.steps)
    moves = Counter(step.arg for plan in plans for step in plan.steps if step.kind == "move")
    # The sample covers every kind of step, including the rare ones.
    assert set(kinds) == {
        "submit", "approve", "admit", "return", "move", "handoff", "amount", "milestone", "note",
    }  # fmt: skip
    assert moves["landed"] and moves["stopped"]

    writer = gen.BulkWriter(_stages())
    for plan in plans:
        writer.write(plan)
    writer.finish()
    bulk = _rows()

    _wipe_projects()
    services = ServiceWriter(_stages())
    for plan in plans:
        services.create(plan)
    services.run_steps()
    written = _rows()

    assert set(bulk) == set(written)
    for code in bulk:
        assert bulk[code] == written[code], code


def test_plans_and_organisation_are_deterministic():
    org = gen.build_org(gen.SCALES["district"], seed=5, projects=50)
    first = list(gen.plans(org, seed=5))
    assert list(gen.plans(org, seed=5)) == first
    assert list(gen.plans(org, seed=6)) != first
    names = sorted(Unit.objects.values_list("district__code", "name", "kind", "order"))
    _wipe_org()
    org = gen.build_org(gen.SCALES["district"], seed=5, projects=50)
    assert sorted(Unit.objects.values_list("district__code", "name", "kind", "order")) == names
    assert [_portable(p) for p in gen.plans(org, seed=5)] == [_portable(p) for p in first]


def _portable(plan):
    """A plan with unit ids replaced by names: ids differ between databases."""
    names = plan.district.unit_names
    steps = [
        (s.minute, s.kind, (names[s.arg[0]], s.arg[1]) if s.kind == "handoff" else s.arg, s.reason)
        for s in plan.steps
    ]
    return (plan.name, names[plan.unit], plan.yuan, plan.created, plan.investor, steps)


def test_the_district_scale_is_consistent_and_skewed():
    result = gen.generate(scale="district", seed=1)
    assert result.created and result.projects == 600 and result.districts == 1
    assert check_periods() == CheckResult(projects=600, differences=0, fixed=0)
    assert gen.generate(scale="district", seed=1).created is False

    events = ProjectEvent.objects.count()
    assert 5.5 <= events / 600 <= 7.0
    states = Counter(Project.objects.values_list("review_state", flat=True))
    stages = Counter(Project.objects.values_list("stage__code", flat=True))
    assert 0.02 <= states["returned"] / 600 <= 0.08
    assert 0.02 <= stages["stopped"] / 600 <= 0.08
    assert stages["planning"] + stages["intent"] > 0.5 * 600  # most are early
    amounts = sorted(Project.objects.values_list("investment", flat=True))
    assert amounts[-1] > 30 * statistics.median(amounts)  # a long tail
    years = {p.created_at.year for p in Project.objects.all()}
    assert len(years) >= 6
    assert all(
        re.fullmatch(r"\d{6}-\d{4}-\d{4}", c)
        for c in Project.objects.values_list("code", flat=True)
    )

    # The names are built never to look like duplicates; check with the real matcher.
    for project in Project.objects.exclude(review_state="draft").order_by("id")[:40]:
        assert duplicate_candidates(project) == []

    # The services carry on from the generated library: the next code is free.
    unit = Unit.objects.filter(kind=Unit.Kind.TOWN).first()
    actor = User.objects.get(unit=unit)
    latest = Project.objects.filter(district=unit.district).order_by("-created_at").first()
    project = make_project(None, unit=unit, actor=actor, investment="100")
    assert project.code != latest.code
    assert check_periods().differences == 0


def test_created_events_carry_the_service_snapshot():
    gen.generate(scale="district", seed=2, projects=30)
    event = ProjectEvent.objects.filter(kind="created").order_by("id").first()
    project = event.project
    assert event.new["code"] == project.code
    assert event.new["review_state"] == "draft"
    assert event.new["co_units"] == []
    assert json.loads(json.dumps(event.new))["info_unit"] == event.new["unit"]


def test_the_command_prints_one_summary_line_and_is_safe_to_rerun():
    out = io.StringIO()
    call_command("generate", "--scale", "district", "--seed", "4", "--check", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("已生成规模 district（种子 4）：1 个市、1 个区、")
    assert "600 个项目" in lines[0] and "用时" in lines[0]
    assert lines[1].startswith("月末快照：计算 ")
    assert lines[2].startswith("核对 600 个项目，差异 0 个")
    out = io.StringIO()
    call_command("generate", "--scale", "district", "--seed", "4", stdout=out)
    assert out.getvalue() == "规模 district（种子 4）的数据已存在，未重复生成。\n"
