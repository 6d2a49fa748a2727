"""Services: what they write (with the event and the leaders' acts) and what they refuse
(the exact reason, nothing changed)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from baton.org.models import Person
from baton.projects.services import ConflictError
from baton.projects.tests.helpers import refused
from baton.supervision.models import LeaderAct
from baton.testing import make_project

from .. import rules, services
from ..models import ActivityEvent, PlanItem
from .helpers import DAY, activity, byd, company, denied, state

pytestmark = pytest.mark.django_db


def test_it_registers_an_activity_with_its_code_and_event(w):
    firm = company(w)
    a = activity(w, companies=[firm], leaders=[w.leader_person], cost="18.5")
    assert a.code == f"HD{w.district.code}-2026-0001"
    assert a.end_on == DAY and a.budget == Decimal("20") and a.cost == Decimal("18.5")
    assert list(a.companies.all()) == [firm] and list(a.leaders.all()) == [w.leader_person]
    event = a.events.get()
    assert event.kind == ActivityEvent.Kind.CREATED and event.new["budget"] == "20"


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"title": "  "}, "title", "请填写活动名称。"),
        ({"kind": "party"}, "kind", rules.NO_KIND),
        ({"budget": "-1"}, "budget", "金额不能为负数。"),
        ({"cost": "abc"}, "cost", "“abc”不是有效的金额（万元）。"),
        ({"end_on": DAY - dt.timedelta(days=1)}, "end_on", rules.DATES),
        ({"place": "地" * 201}, "place", "地点不能超过 200 个字。"),
    ],
)
def test_it_refuses_bad_values_and_writes_nothing(w, values, field, message):
    with refused(message, field=field, state=state):
        activity(w, **values)


def test_it_refuses_another_units_activity_and_another_districts_leader(w):
    with denied(rules.NOT_A_WRITER):
        activity(w, unit=w.other_town)
    with denied(rules.NOT_A_WRITER):
        activity(w, actor=w.leader)
    stranger = Person.objects.create(
        name="外区领导", level=Person.Level.DISTRICT_LEADER, city=w.city, district=w.other_district
    )
    with refused("外区领导不是本区或本市的领导。", field="leaders", state=state):
        activity(w, leaders=[stranger])
    staff = Person.objects.create(name="干事", city=w.city, district=w.district)
    with refused(rules.NOT_LEADER, field="leaders", state=state):
        activity(w, leaders=[staff])


def test_the_office_registers_for_any_unit_of_its_district(w):
    a = activity(w, actor=w.office, unit=w.other_town)
    assert a.unit == w.other_town


def test_a_signing_makes_each_attending_leader_act_once_on_the_project(w):
    a = activity(w, leaders=[w.leader_person])
    project = make_project(w)
    services.signing_add(
        activity=a, actor=w.promoter, project=project, kind="contract", amount="5000"
    )
    act = LeaderAct.objects.get()
    assert (act.leader, act.project, act.kind, act.date) == (
        w.leader_person, project, LeaderAct.Kind.NEGOTIATE, DAY
    )  # fmt: skip
    assert (act.origin, act.origin_id) == (LeaderAct.Origin.ACTIVITY, a.pk)
    # The leader is taken off the activity: the act goes with it.
    services.activity_update(activity=a, actor=w.promoter, leaders=[])
    assert not LeaderAct.objects.exists()
    services.activity_update(
        activity=a, actor=w.promoter, leaders=[w.leader_person], kind="promotion"
    )
    assert LeaderAct.objects.get().kind == LeaderAct.Kind.PROMOTE
    services.signing_remove(activity=a, actor=w.promoter, signing=a.signings.get())
    assert not LeaderAct.objects.exists()
    kinds = list(a.events.values_list("kind", flat=True))
    assert kinds == ["created", "signed", "updated", "updated", "unsigned"]


def test_a_company_signing_needs_no_project_and_writes_no_act(w):
    a = activity(w, leaders=[w.leader_person])
    s = services.signing_add(
        activity=a, actor=w.promoter, company=byd(w), kind="intent", amount="100"
    )
    assert s.title == "比亚迪股份有限公司" and s.project is None
    assert not LeaderAct.objects.exists()


def test_signing_refusals_change_nothing(w):
    a = activity(w)
    project = make_project(w)
    other = make_project(w, unit=w.tongan_unit, actor=w.tongan_office)
    with refused(rules.NO_SUBJECT, field="project", state=state):
        services.signing_add(activity=a, actor=w.promoter, kind="contract", amount="1")
    with refused(rules.not_in_district("项目", other.name), field="project", state=state):
        services.signing_add(
            activity=a, actor=w.promoter, project=other, kind="contract", amount="1"
        )
    with refused("请选择签约类型（合同、协议或意向）。", field="kind", state=state):
        services.signing_add(activity=a, actor=w.promoter, project=project, kind="x", amount="1")
    with refused("金额不能为负数。", field="amount", state=state):
        services.signing_add(
            activity=a, actor=w.promoter, project=project, kind="intent", amount="-5"
        )
    with denied(rules.NOT_A_WRITER):
        services.signing_add(
            activity=a, actor=w.other_promoter, project=project, kind="intent", amount="5"
        )
    services.signing_add(activity=a, actor=w.promoter, project=project, kind="intent", amount="5")
    with refused("该项目已在本活动的签约清单中。", field="project", state=state):
        services.signing_add(
            activity=a, actor=w.promoter, project=project, kind="contract", amount="9"
        )


def test_a_stale_edit_is_a_conflict_and_changes_nothing(w):
    a = activity(w)
    services.activity_update(activity=a, actor=w.promoter, version=1, title="改名")
    with refused(rules.STALE, error=ConflictError, state=state):
        services.activity_update(activity=a, actor=w.promoter, version=1, title="再改")
    with refused("不能修改这些字段：unit。", state=state):
        services.activity_update(activity=a, actor=w.promoter, unit=w.other_town)


def test_an_edit_that_changes_nothing_writes_nothing(w):
    a = activity(w)
    before = state()
    services.activity_update(activity=a, actor=w.promoter, title=a.title, budget="20")
    assert state() == before


def test_the_plan_is_due_by_december_5th_and_late_items_are_marked(w, settings):
    assert services.plan_deadline(w.district, 2027) == dt.date(2026, 12, 5)
    on_time = services.plan_item_add(
        actor=w.promoter, unit=w.town, year=2027, kind="promotion", title="深圳推介会",
        month=4, budget="30", at=dt.datetime(2026, 12, 5, 8, tzinfo=dt.UTC),
    )  # fmt: skip
    late = services.plan_item_add(
        actor=w.promoter, unit=w.town, year=2027, kind="expo", title="厦洽会",
        month=9, at=dt.datetime(2026, 12, 6, 8, tzinfo=dt.UTC),
    )  # fmt: skip
    assert (on_time.is_late, late.is_late) == (False, True)
    services.settings_update(actor=w.office, district=w.district, plan_month=12, plan_day=20)
    assert services.plan_deadline(w.district, 2027) == dt.date(2026, 12, 20)


def test_plan_refusals_change_nothing(w):
    with refused(rules.PLAN_MONTH, field="month", state=state):
        services.plan_item_add(
            actor=w.promoter, unit=w.town, year=2027, kind="expo", title="x", month=13
        )
    with denied(rules.NOT_A_WRITER):
        services.plan_item_add(
            actor=w.promoter, unit=w.other_town, year=2027, kind="expo", title="x", month=3
        )
    with refused(rules.BAD_DEADLINE, field="plan_day", state=state):
        services.settings_update(actor=w.office, district=w.district, plan_month=2, plan_day=30)
    with denied(rules.NOT_THE_OFFICE):
        services.settings_update(actor=w.promoter, district=w.district, plan_month=11, plan_day=1)
    item = services.plan_item_add(
        actor=w.promoter, unit=w.town, year=2026, kind="signing", title="签约仪式", month=3
    )
    activity(w, plan_item=item)
    with refused("该计划已有对应的活动，不能删除。", state=state):
        services.plan_item_remove(actor=w.promoter, item=item)
    assert PlanItem.objects.count() == 1


def test_a_plan_item_serves_one_activity(w):
    item = services.plan_item_add(
        actor=w.promoter, unit=w.town, year=2026, kind="signing", title="签约仪式", month=3
    )
    activity(w, plan_item=item)
    item.refresh_from_db()
    with pytest.raises(ValidationError):
        activity(w, plan_item=item, title="另一场")
