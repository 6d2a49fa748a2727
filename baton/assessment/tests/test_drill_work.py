"""计分记录: an item counting the relay's everyday work opens the records the engine
counted for the party — exactly those of its window, as recorded by the period's end, of
that unit (or district) — and their number is the item's raw count."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from baton.activities import services as activities
from baton.assessment import services
from baton.assessment.drill import item_links, ranking_facts, work_specs
from baton.assessment.drill_work import WITHHELD
from baton.assessment.facts import value
from baton.companies import services as companies
from baton.intermediaries import services as intermediaries
from baton.intermediaries.tests.helpers import values as agency_values
from baton.leads import services as leads
from baton.leads.tests.helpers import POINTS
from baton.reports.selectors import Scope
from baton.reports.work import RECORDED, work_figures, work_records
from baton.testing import make_project
from baton.visits import services as visits
from baton.visits.tests.helpers import people, two_companies

from .helpers import noon, scheme
from .helpers_views import login

pytestmark = pytest.mark.django_db

Q2 = (dt.date(2026, 4, 1), dt.date(2026, 6, 30))
BEFORE, INSIDE, LATER, AFTER = (
    dt.date(2026, 3, 20),
    dt.date(2026, 5, 10),
    dt.date(2026, 5, 20),
    dt.date(2026, 7, 10),
)
METRICS = (
    "activities_held",
    "activity_signed",
    "trips",
    "companies_met",
    "receptions",
    "leads_reported",
    "leads_converted",
    "intermediary_projects",
)


def activity(w, unit, actor, day, title, *, recorded=None):
    return activities.activity_create(
        actor=actor,
        unit=unit,
        kind="signing",
        title=title,
        organizer="翔安区人民政府",
        place="翔安区行政中心",
        start_on=day,
        budget="20",
        at=noon(recorded or day),
    )


def trip(w, actor, day, title, *, unit=None, recorded=None):
    return visits.trip_create(
        actor=actor,
        unit=unit,
        title=title,
        start=day,
        end=day + dt.timedelta(days=1),
        destinations="深圳",
        members=[],
        leaders=[],
        companies=[w.catl, w.byd],
        at=noon((recorded or day) + dt.timedelta(days=2)),
    )


def reception(actor, day, visitors, companies_):
    return visits.reception_create(
        actor=actor, date=day, visitors=visitors, companies=companies_, at=noon(day)
    )


def lead(w, actor, day, name):
    firm = companies.company_create(actor=w.office, district=w.district, name=name)
    return leads.lead_register(
        actor=actor,
        company=firm,
        title=f"{name}生产基地",
        source="referrer",
        investment="200000",
        fixed_investment="150000",
        industry_code="C3841",
        at=noon(day),
    )


def convert(lead_, actor, day):
    leads.lead_respond(lead=lead_, actor=actor, at=noon(day, 9))
    leads.lead_assess(lead=lead_, actor=actor, points=POINTS, conclusion="follow", at=noon(day))
    leads.lead_convert(lead=lead_, actor=actor, at=noon(day, 11))


def claim(w, agency, unit, actor, filed, confirmed, name):
    held = make_project(
        w,
        unit=unit,
        actor=actor,
        name=name,
        investor="厦门示例新材料有限公司",
        at=noon(dt.date(2026, 1, 5)),
    )
    made = intermediaries.claim_file(
        actor=w.office, intermediary=agency, project=held, account="引荐投资方", at=noon(filed)
    )
    return intermediaries.claim_confirm(actor=w.office, claim=made, at=noon(confirmed))


@pytest.fixture
def relay(w):
    """马巷 and 新店's work around the second quarter of 2026: for 马巷 one record of each
    kind inside (two companies met on its trip; a lead reported in March and converted in
    May; an activity signing a project first signed in March, and another first), and
    records before the quarter, after it, and recorded only after it."""
    two_companies(people(w))
    w.counted = {}
    # Activities: March (signs 甲 first), May (signs 甲 again and 乙 first), July, and one
    # held in May but recorded in July; 新店's in May.
    march = activity(w, w.town, w.promoter, BEFORE, "三月签约仪式")
    may = activity(w, w.town, w.promoter, INSIDE, "五月签约仪式")
    activity(w, w.town, w.promoter, AFTER, "七月签约仪式")
    activity(w, w.town, w.promoter, INSIDE, "补录的五月活动", recorded=AFTER)
    activity(w, w.other_town, w.other_promoter, INSIDE, "新店五月活动")
    first = make_project(w, name="甲项目", at=noon(dt.date(2026, 1, 5)))
    second = make_project(w, name="乙项目", at=noon(dt.date(2026, 1, 5)))
    for held, project, day in ((march, first, BEFORE), (may, first, INSIDE), (may, second, INSIDE)):
        activities.signing_add(
            activity=held,
            actor=w.promoter,
            kind="contract",
            amount="50000",
            project=project,
            at=noon(day, 15),
        )
    w.counted["activities_held"] = ["五月签约仪式"]
    w.counted["activity_signed"] = ["乙项目（五月签约仪式）"]
    # Trips and the companies met on them.
    trip(w, w.promoter, INSIDE, "赴深圳拜访")
    trip(w, w.promoter, BEFORE, "三月赴深圳")
    trip(w, w.promoter, AFTER, "七月赴深圳")
    trip(w, w.promoter, INSIDE, "补录的五月出访", recorded=AFTER)
    trip(w, w.other_promoter, INSIDE, "新店赴深圳")
    w.counted["trips"] = ["赴深圳拜访"]
    w.counted["companies_met"] = sorted(f"{c.name}（赴深圳拜访）" for c in (w.catl, w.byd))
    # Receptions.
    reception(w.promoter, LATER, "宁德时代 王总一行", [w.catl])
    reception(w.promoter, BEFORE, "三月来访", [w.byd])
    reception(w.other_promoter, LATER, "新店来访", [w.byd])
    w.counted["receptions"] = ["宁德时代 王总一行"]
    # Leads: reported in May; reported in March and converted in May; 新店's; July's.
    reported = lead(w, w.promoter, INSIDE, "厦门五月新材料")
    early = lead(w, w.promoter, BEFORE, "厦门三月储能")
    convert(early, w.promoter, LATER)
    lead(w, w.other_promoter, INSIDE, "厦门新店电子")
    lead(w, w.promoter, AFTER, "厦门七月光伏")
    w.counted["leads_reported"] = [str(reported)]
    w.counted["leads_converted"] = [str(early)]
    # Projects introduced by an intermediary: confirmed in May (马巷, 新店) and in March.
    agency = intermediaries.intermediary_register(
        actor=w.office,
        district=w.district,
        values=agency_values(filed_on=dt.date(2025, 12, 1), declared_on=dt.date(2025, 12, 1)),
        at=noon(dt.date(2025, 12, 1)),
    )
    claim(w, agency, w.town, w.promoter, dt.date(2026, 5, 2), LATER, "丙项目")
    claim(w, agency, w.town, w.promoter, dt.date(2026, 3, 2), BEFORE, "丁项目")
    claim(w, agency, w.other_town, w.other_promoter, dt.date(2026, 5, 2), LATER, "戊项目")
    w.counted["intermediary_projects"] = [f"丙项目（{agency.name}）"]
    return w


def work_scheme(w, **extra):
    """A quarterly scheme of 马巷 and 新店: one weighted count of every work metric."""
    s = scheme(w, "招商工作考核", units={w.town: "", w.other_town: ""}, period_kind="quarter")
    w.item = services.indicator_add(
        scheme=s,
        name="招商工作",
        kind="weighted_sum",
        weight="10",
        config={"terms": [{"metric": m, "points": "0.1", **extra} for m in METRICS]},
    )
    return s


def records_page(client, address):
    response = client.get(address)
    assert response.status_code == 200, response.content.decode()[:2000]
    return response


def titles(response) -> list[str]:
    return sorted(row.title for row in response.context["rows"])


def test_each_count_opens_exactly_the_records_it_counts(client, relay):
    w = relay
    ranking = services.ranking_compute(scheme=work_scheme(w), period_start=Q2[0], period_end=Q2[1])
    links = item_links(ranking, w.item, w.town.pk)
    assert [label for label, _ in links] == [
        f"计分记录（{name}）"
        for name in (
            "举办招商活动",
            "活动签约计入项目",
            "外出招商批次",
            "外出拜访企业（家次）",
            "来访接待批次",
            "首报投资信息",
            "投资信息转化",
            "中介引进项目",
        )
    ]  # a quarter is no window of the 招商工作统计 page: no 工作统计 link
    facts = ranking_facts(ranking)
    login(client, w.office)
    for (metric, (_label, address)), spec in zip(
        zip(METRICS, links, strict=True), work_specs(w.item), strict=True
    ):
        response = records_page(client, address)
        raw = value(facts.cases(spec), w.town.pk, "count")
        assert titles(response) == sorted(w.counted[metric]), metric
        assert response.context["scored"].count == raw == len(w.counted[metric]), metric
        assert all(row.url for row in response.context["rows"])
        text = response.content.decode()
        assert "计分记录" in text and "“招商工作考核”2026年第二季度“招商工作”" in text
        assert f"共 {int(raw)} 条" in text and "计入马巷街道的记录" in text
    # The ranking's own formula counts as many: 1+1+1+2+1+1+1+1 records, 0.1 each.
    line = ranking.lines.get(unit=w.town)
    assert Decimal(line.scores[0]["score"]) == Decimal("0.90")


def test_the_work_page_and_the_records_count_alike(relay):
    w = relay
    work = work_figures(scope=Scope(district=w.district), since=Q2[0], as_of=Q2[1])
    for row in work.rows:
        for column in RECORDED:
            found = work_records(
                scope=Scope(district=w.district), since=Q2[0], as_of=Q2[1], column=column
            )
            mine = [r for r in found if r.unit_id == row.unit_id]
            assert len(mine) == getattr(row, column), (row.name, column)


def test_a_window_of_days_and_a_month_open_their_records(client, relay):
    w = relay
    s = work_scheme(w, window_days=20)  # 11–30 June: nothing of 马巷's
    ranking = services.ranking_compute(scheme=s, period_start=Q2[0], period_end=Q2[1])
    links = item_links(ranking, w.item, w.town.pk)
    assert len(links) == len(METRICS) and all("/records/" in url for _, url in links)
    response = records_page(login(client, w.office), links[2][1])
    assert response.context["rows"] == [] and "该项没有计入的记录。" in response.content.decode()
    assert "计数期间 2026年6月11日至2026年6月30日" in response.content.decode()
    may = services.ranking_compute(
        scheme=s, period_start=dt.date(2026, 5, 1), period_end=dt.date(2026, 5, 31)
    )
    labels = [label for label, _ in item_links(may, w.item, w.town.pk)]
    assert "工作统计" not in labels  # a window of days is not the page's month


def test_a_promoter_sees_the_other_units_records_without_their_titles(client, relay):
    w = relay
    s = work_scheme(w)
    services.scheme_publish(scheme=s, actor=w.office)
    ranking = services.ranking_compute(scheme=s, period_start=Q2[0], period_end=Q2[1])
    services.ranking_publish(ranking=ranking, actor=w.office)
    trips = item_links(ranking, w.item, w.town.pk)[2][1]
    login(client, w.other_promoter)  # 新店 reads the ranking, not 马巷's trips
    response = records_page(client, trips)
    [row] = response.context["rows"]
    assert (row.title, row.url, row.unit) == (WITHHELD, None, "马巷街道")
    assert "赴深圳拜访" not in response.content.decode()
    own = records_page(client, item_links(ranking, w.item, w.other_town.pk)[2][1])
    [row] = own.context["rows"]
    assert row.title == "新店赴深圳" and row.url == reverse("visits:trip_detail", args=[_pk(row)])


def _pk(row) -> int:
    return int(row.url.rstrip("/").rsplit("/", 1)[1])


def test_a_city_scheme_lists_the_districts_records(client, relay):
    w = relay
    visits.trip_create(
        actor=w.tongan_office,
        unit=w.tongan_unit,
        title="同安赴深圳",
        start=INSIDE,
        end=INSIDE,
        destinations="深圳",
        companies=[],
        at=noon(INSIDE),
    )
    s = services.scheme_create(city=w.city, name="各区招商工作考核", period_kind="quarter")
    services.scheme_units_set(scheme=s, members={w.district: "", w.other_district: ""})
    item = services.indicator_add(
        scheme=s,
        name="外出招商",
        kind="weighted_sum",
        weight="1",
        config={"terms": [{"metric": "trips", "points": "0.1"}]},
    )
    ranking = services.ranking_compute(scheme=s, period_start=Q2[0], period_end=Q2[1])
    [(label, address)] = item_links(ranking, item, w.district.pk)
    assert label == "计分记录" and f"party={w.district.pk}" in address
    response = records_page(login(client, w.reviewer), address)
    assert titles(response) == ["新店赴深圳", "赴深圳拜访"]  # the district's, whoever made them
    assert "计入翔安区的记录" in response.content.decode()
    raw = value(ranking_facts(ranking).cases(work_specs(item)[0]), w.district.pk, "count")
    assert response.context["scored"].count == raw == 2
    [(_, tongan)] = item_links(ranking, item, w.other_district.pk)
    assert titles(records_page(client, tongan)) == ["同安赴深圳"]


def test_another_district_and_bad_addresses_are_refused(client, relay):
    w = relay
    s = work_scheme(w)
    ranking = services.ranking_compute(scheme=s, period_start=Q2[0], period_end=Q2[1])
    address = item_links(ranking, w.item, w.town.pk)[0][1]
    assert login(client, w.tongan_office).get(address).status_code == 404
    client.logout()
    login(client, w.promoter)  # a trial ranking is the office's alone
    assert client.get(address).status_code == 404
    client.logout()
    login(client, w.office)
    base = reverse("assessment:ranking_records", args=[ranking.pk])
    manual = services.indicator_add(scheme=s, name="评价", kind="manual", weight="1", config={})
    for query, message in (
        ({}, "计分记录的地址不完整或有误"),
        ({"item": "x", "party": w.town.pk}, "计分记录的地址不完整或有误"),
        ({"item": w.item.pk, "party": "9" * 30}, "计分记录的地址不完整或有误"),
        ({"item": w.item.pk, "party": w.tongan_unit.pk}, "考核排名中没有这一项得分。"),
        ({"item": w.item.pk, "party": w.town.pk, "part": 99}, "不是按招商工作记录计数"),
        ({"item": manual.pk, "party": w.town.pk}, "不是按招商工作记录计数"),
    ):
        response = client.get(base, query)
        assert response.status_code == 400, query
        assert message in response.content.decode(), query
    assert client.get(f"/assessment/rankings/{'9' * 25}/records/").status_code == 404
    assert client.post(address).status_code == 405


def test_a_long_list_comes_in_pages_and_keeps_its_count(client, relay, monkeypatch):
    w = relay
    monkeypatch.setattr("baton.assessment.views_records.RECORDS_PER_PAGE", 1)
    ranking = services.ranking_compute(scheme=work_scheme(w), period_start=Q2[0], period_end=Q2[1])
    companies_met = item_links(ranking, w.item, w.town.pk)[3][1]
    login(client, w.office)
    seen = []
    for number in (1, 2):
        response = records_page(client, f"{companies_met}&page={number}")
        [row] = response.context["rows"]
        seen.append(row.title)
        text = response.content.decode()
        assert "共 2 条" in text and f"第 {number} / 2 页" in text
        assert "（截至2026年6月30日24时的登记），按当前数据" in text
    assert sorted(seen) == w.counted["companies_met"]
