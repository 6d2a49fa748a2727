"""Lead figures as of a date: each figure, the window, the timings and the scopes."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone

from baton.leads import services
from baton.leads.asof import states_at
from baton.leads.figures import lead_figures, lead_figures_cached
from baton.leads.models import Lead

from .helpers import POINTS, byd, company, register

pytestmark = pytest.mark.django_db
TZ = timezone.get_default_timezone()


@dataclass(frozen=True)
class Scope:
    city: object = None
    district: object = None
    unit: object = None
    industry: object = None


class Clock:
    def __init__(self):
        self.now = timezone.make_aware(dt.datetime(2026, 3, 2, 10), TZ)  # a Monday

    def to(self, day: dt.date, hour: int = 10) -> None:
        self.now = timezone.make_aware(dt.datetime.combine(day, dt.time(hour)), TZ)


@pytest.fixture
def clock(monkeypatch):
    c = Clock()
    monkeypatch.setattr(timezone, "now", lambda: c.now)
    return c


MON, TUE, WED, THU, FRI = (dt.date(2026, 3, d) for d in range(2, 7))


def flows(figures, flow):
    return figures.flows[flow].count, figures.flows[flow].investment


def test_counts_by_status_source_unit_and_industry(w, clock):
    a = register(w, source="referrer", industry=w.industry.pk)
    b = register(w, actor=w.other_promoter, comp=byd(w), source="visit", industry_code="I6510")
    register(w, comp=company(w, name="小作坊", uscc=""), investment="500", fixed_investment="")
    services.lead_respond(lead=a, actor=w.promoter)
    services.lead_assess(lead=b, actor=w.other_promoter, points=POINTS, conclusion="follow")
    f = lead_figures(scope=Scope(district=w.district), as_of=MON)
    assert flows(f, "registered") == (2, Decimal("400000"))
    assert f.flows["assessed"].count == 1 and f.flows["converted"].count == 0
    assert f.reserve.count == 1 and f.reserve.investment == Decimal("500")
    statuses = {code: t.count for code, _, t in f.statuses}
    assert statuses == {
        "registered": 0,
        "following": 1,
        "assessed": 1,
        "conflict": 0,
        "converted": 0,
        "rejected": 0,
    }
    assert [(r.key, r.name, r.registered.count) for r in f.by_source] == [
        ("referrer", "引荐人", 1),
        ("visit", "企业来访", 1),
    ]
    assert [(r.name, r.registered.count) for r in f.by_unit] == [("马巷街道", 1), ("新店街道", 1)]
    assert [r.name for r in f.by_first_unit] == ["马巷街道", "新店街道"]
    assert [(r.key, r.name) for r in f.by_section] == [
        ("C", "制造业"),
        ("I", "信息传输、软件和信息技术服务业"),
    ]
    assert [(r.name, r.registered.count) for r in f.by_industry] == [("新能源", 1), ("未填行业", 1)]
    assert f.counted.count == 2 and f.flows["registered"].yi == Decimal(40)


def test_a_past_date_is_unchanged_by_later_edits(w, clock):
    lead = register(w, source="referrer")
    before = lead_figures(scope=Scope(district=w.district), as_of=MON)
    clock.to(TUE)
    services.lead_update(
        lead=lead,
        actor=w.promoter,
        changes={"investment": "300000", "source": "news", "industry_code": "I6510"},
    )
    services.lead_assess(
        lead=lead, actor=w.promoter, points=POINTS, conclusion="drop", note="能耗过高"
    )
    assert lead_figures(scope=Scope(district=w.district), as_of=MON) == before
    after = lead_figures(scope=Scope(district=w.district), as_of=TUE)
    assert flows(after, "registered") == (1, Decimal("300000"))
    assert after.by_source[0].key == "news" and after.flows["rejected"].count == 1
    state = states_at(as_of=MON)[lead.pk]
    assert state.investment == Decimal("200000") and state.status == "registered"


def test_merged_leads_are_not_counted_and_the_window_counts_flows(w, clock):
    comp = company(w)
    first = register(w, comp=comp)
    clock.to(TUE)
    second = register(w, actor=w.other_promoter, comp=comp, title="储能电池项目")
    f = lead_figures(scope=Scope(district=w.district), as_of=TUE)
    assert dict((c, t.count) for c, _, t in f.statuses)["conflict"] == 1
    clock.to(WED)
    services.lead_arbitrate(lead=second, actor=w.office, decision="merge", reason="同一项目")
    f = lead_figures(scope=Scope(district=w.district), as_of=WED)
    assert f.counted.count == 1 and f.flows["registered"].count == 1
    services.lead_respond(lead=first, actor=w.promoter)
    services.lead_assess(lead=first, actor=w.promoter, points=POINTS, conclusion="follow")
    clock.to(THU)
    services.lead_convert(lead=first, actor=w.promoter)
    week = lead_figures(scope=Scope(district=w.district), as_of=THU, since=WED)
    assert [week.flows[k].count for k in ("registered", "assessed", "converted")] == [0, 1, 1]
    assert lead_figures(scope=Scope(district=w.district), as_of=WED).flows["converted"].count == 0


def test_response_times_on_time_share_and_median(w, clock):
    on_time = register(w)
    late = register(w, comp=byd(w))
    never = register(w, comp=company(w, name="厦门钨业", uscc=""))
    clock.to(TUE)
    services.lead_respond(lead=on_time, actor=w.promoter)  # due Tuesday: in time
    clock.to(THU)
    services.lead_respond(lead=late, actor=w.promoter)
    f = lead_figures(scope=Scope(district=w.district), as_of=THU)
    respond = f.timing("respond")
    assert (respond.due, respond.on_time, respond.done) == (3, 1, 2)
    assert respond.median == 2.0  # 1 and 3 working days
    assert respond.share_text == "33.3%" and respond.median_text == "2个工作日"
    # On Monday nothing was due yet.
    assert lead_figures(scope=Scope(district=w.district), as_of=MON).timing("respond").due == 0
    assert f.timing("assess").due == 0  # 5亿元 or more: five working days, next Monday
    services.lead_reject(lead=never, actor=w.promoter, reason="不符合产业方向")
    assert lead_figures(scope=Scope(district=w.district), as_of=THU).timing("respond").due == 2


def test_a_lead_in_a_collision_owes_nothing(w, clock):
    comp = company(w)
    register(w, comp=comp)
    register(w, actor=w.other_promoter, comp=comp, title="储能电池项目")
    clock.to(FRI)
    respond = lead_figures(scope=Scope(district=w.district), as_of=FRI).timing("respond")
    assert (respond.due, respond.on_time) == (1, 0)


def test_a_unit_scope_is_the_leads_it_held_that_day(w, clock):
    lead = register(w)
    Lead.objects.filter(pk=lead.pk).update(last_progress_at=clock.now - dt.timedelta(days=40))
    clock.to(TUE)
    services.lead_reassign(lead=lead, actor=w.office, unit=w.other_town, reason="无进展")
    town, other = Scope(unit=w.town), Scope(unit=w.other_town)
    assert lead_figures(scope=town, as_of=MON).counted.count == 1
    assert lead_figures(scope=other, as_of=MON).counted.count == 0
    assert lead_figures(scope=town, as_of=TUE).counted.count == 0
    tue = lead_figures(scope=other, as_of=TUE)
    assert tue.counted.count == 1 and [r.name for r in tue.by_first_unit] == ["马巷街道"]
    # The town's promoter still sees the day it held the lead; the other town's own day.
    assert lead_figures(scope=town, as_of=MON, user=w.promoter).counted.count == 1
    assert lead_figures(scope=other, as_of=TUE, user=w.other_promoter).counted.count == 1
    # An industry scope: the district's 行业 the lead had then.
    assert (
        lead_figures(scope=Scope(district=w.district, industry=w.industry), as_of=TUE).counted.count
        == 0
    )


def test_the_city_and_a_user_outside(w, clock):
    register(w)
    city = lead_figures(scope=Scope(city=w.city), as_of=MON)
    assert city.counted.count == 1
    tongan = lead_figures(scope=Scope(city=w.city), as_of=MON, user=w.tongan_office)
    assert tongan.counted.count == 0
    assert lead_figures(scope=Scope(district=w.other_district), as_of=MON).counted.count == 0


def test_the_cached_figures_follow_new_events(w, clock):
    lead = register(w)
    scope = Scope(district=w.district)
    first = lead_figures_cached(scope=scope, as_of=MON)
    assert lead_figures_cached(scope=scope, as_of=MON) == first
    services.lead_update(lead=lead, actor=w.promoter, changes={"investment": "250000"})
    assert lead_figures_cached(scope=scope, as_of=MON).flows["registered"].investment == Decimal(
        "250000"
    )
