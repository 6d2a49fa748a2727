"""领导驾驶舱: every figure against a hand-built history, and each figure's list.

The history (``history``) is written through the services, back-dated, around
D = 2019-08-31 in 翔安区; the expected figures below are counted by hand from it. Each
figure's drill-down address is then opened as the project list does (the form, then
``listing.project_page``) and must list exactly the projects the figure counts.
"""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.exceptions import ValidationError

from baton.org.models import Person
from baton.projects import services
from baton.projects.forms import ProjectFilterForm
from baton.projects.listing import drill_caption, project_page
from baton.projects.models import Industry
from baton.reports.cockpit import cockpit_build
from baton.reports.selectors import Scope, figures_as_of
from baton.reports.views_cockpit import _view
from baton.supervision import services as supervision_services
from baton.supervision.models import Problem
from baton.testing import admit, at, make_project, stage

D = dt.date(2019, 8, 31)


def build_history(w) -> SimpleNamespace:
    """Write the 翔安 history the tests count by hand (see the module docstring)."""
    h = SimpleNamespace()
    bio = Industry.objects.get(name="生物医药")
    h.city_leader = Person.objects.create(
        name="林海", title="副市长", level=Person.Level.CITY_LEADER, city=w.city
    )
    # A: 马巷, 策划 → 意向 (Mar) → 在谈 (May); two acts by 陈立新; a note on Aug 25.
    h.a = make_project(
        w,
        name="动力电池项目",
        investment="5000",
        industry=w.industry,
        investor="甲公司",
        at=at(2019, 1, 5),
    )
    admit(w, h.a, when=at(2019, 1, 10))
    services.project_move(project=h.a, stage=stage("intent"), actor=w.promoter, at=at(2019, 3, 5))
    _act(w, h.a, w.leader_person, "negotiate", dt.date(2019, 5, 10), at(2019, 5, 10))
    services.project_move(
        project=h.a, stage=stage("negotiating"), actor=w.promoter, at=at(2019, 5, 20)
    )
    _act(w, h.a, w.leader_person, "coordinate", dt.date(2019, 7, 15), at(2019, 7, 15))
    services.note_add(project=h.a, actor=w.promoter, text="第三轮洽谈", at=at(2019, 8, 25))
    # B: 马巷, 在谈, lands in June, then handed to the headquarters.
    h.b = make_project(
        w,
        name="储能电站项目",
        investment="20000",
        industry=w.industry,
        investor="乙公司",
        stage=stage("negotiating"),
        at=at(2019, 2, 1),
    )
    admit(w, h.b, when=at(2019, 2, 10))
    _act(w, h.b, w.leader_person, "inspect", dt.date(2019, 6, 1), at(2019, 6, 1))
    services.project_move(
        project=h.b,
        stage=stage("landed"),
        actor=w.promoter,
        fields={"signed_on": dt.date(2019, 6, 14)},
        at=at(2019, 6, 15),
    )
    services.project_handoff(
        project=h.b, to_unit=w.headquarters, actor=w.office, reason="落地服务", at=at(2019, 6, 20)
    )
    _act(w, h.b, h.city_leader, "inspect", dt.date(2019, 7, 1), at(2019, 7, 1))
    # C: 马巷, 策划 since Oct 2018, no industry; a problem raised, resolved, reopened after D.
    h.c = make_project(w, name="城市更新项目", investment="1000", at=at(2018, 10, 1))
    admit(w, h.c, when=at(2018, 10, 10))
    problem = supervision_services.problem_open(
        project=h.c,
        actor=w.promoter,
        category=Problem.Category.LAND,
        description="用地指标",
        responsible_unit=w.department,
        deadline=dt.date(2019, 6, 30),
        at=at(2019, 5, 1),
    )
    supervision_services.problem_update(
        problem=problem, actor=w.office, status="resolved", note="已调剂", at=at(2019, 6, 1)
    )
    _act(w, h.c, w.leader_person, "promote", dt.date(2019, 9, 10), at(2019, 9, 10))
    supervision_services.problem_update(
        problem=problem, actor=w.office, status="open", note="指标被收回", at=at(2019, 9, 15)
    )
    # D: 工信局, 意向, waiting on an open problem (环评) since April, with a 督办.
    h.d = make_project(
        w,
        unit=w.department,
        actor=w.office,
        name="创新药项目",
        investment="3000",
        industry=bio,
        stage=stage("intent"),
        at=at(2019, 4, 1),
    )
    admit(w, h.d, when=at(2019, 4, 8))
    h.problem = supervision_services.problem_open(
        project=h.d,
        actor=w.office,
        category=Problem.Category.ENVIRONMENT,
        description="环评批复未出",
        responsible_unit=w.department,
        deadline=dt.date(2019, 6, 30),
        at=at(2019, 4, 20),
    )
    supervision_services.supervision_issue(
        project=h.d,
        actor=w.leader,
        leader=w.leader_person,
        instruction="五月底前办结",
        deadline=dt.date(2019, 5, 31),
        problem=h.problem,
        at=at(2019, 4, 25),
    )
    # E: 新店, 策划, admitted in August.
    h.e = make_project(
        w,
        unit=w.other_town,
        actor=w.other_promoter,
        name="光伏组件项目",
        investment="800",
        industry=w.industry,
        at=at(2019, 7, 1),
    )
    admit(w, h.e, when=at(2019, 8, 20))
    # F: a draft; G: 意向, stopped in July; H: admitted after D; I: in 同安区.
    h.f = make_project(w, name="草稿项目", investment="900", at=at(2019, 5, 1))
    h.g = make_project(
        w, name="中止项目", investment="700", stage=stage("intent"), at=at(2019, 2, 20)
    )
    admit(w, h.g, when=at(2019, 3, 1))
    services.project_move(
        project=h.g,
        stage=stage("stopped"),
        actor=w.promoter,
        reason="投资方撤回",
        at=at(2019, 7, 1),
    )
    h.h = make_project(w, name="九月入库项目", investment="600", at=at(2019, 8, 1))
    admit(w, h.h, when=at(2019, 9, 5))
    h.i = make_project(
        w,
        unit=w.tongan_unit,
        actor=w.tongan_office,
        name="同安项目",
        investment="400",
        at=at(2019, 4, 1),
    )
    services.project_submit(project=h.i, actor=w.tongan_office, at=at(2019, 5, 1))
    services.project_review(project=h.i, actor=w.tongan_office, approve=True, at=at(2019, 5, 1))
    return h


def _act(w, project, person, kind, date, when):
    supervision_services.leader_act_record(
        project=project, actor=w.office, leader=person, kind=kind, date=date, at=when
    )


@pytest.fixture
def h(w):
    return build_history(w)


def listed(user, url: str) -> set[str]:
    """Return the codes the project list shows for a drill-down address, every page."""
    query = {k: v[-1] for k, v in parse_qs(urlsplit(url).query).items()}
    form = ProjectFilterForm(query, user=user)
    assert form.is_valid(), form.errors
    page = project_page(user=user, filters=form.filters(), size=200)
    assert page.next_cursor is None
    return {p.code for p in page.rows}


def codes(*projects) -> set[str]:
    return {p.code for p in projects}


def board_of(w, user=None, scope=None, as_of=D, **kwargs):
    return cockpit_build(
        scope=scope or Scope(district=w.district), as_of=as_of, user=user, **kwargs
    )


# --- the figures ----------------------------------------------------------------------


def test_it_counts_the_funnel_as_of_d(w, h):
    board = board_of(w, w.office)
    assert [(s.name, s.count, s.investment) for s in board.figures.stages] == [
        ("策划", 2, Decimal("1800")),
        ("意向", 1, Decimal("3000")),
        ("在谈", 1, Decimal("5000")),
        ("落地", 1, Decimal("20000")),
    ]
    assert [(e.name, e.count) for e in board.figures.exits] == [("中止", 1)]
    assert board.figures == figures_as_of(as_of=D, scope=Scope(district=w.district))


def test_it_counts_each_month_of_the_trend(w, h):
    board = board_of(w, w.office)
    assert [m.first for m in board.months][:2] == [dt.date(2018, 9, 1), dt.date(2018, 10, 1)]
    assert board.months[-1].last == D and len(board.months) == 12
    table = {m.first.strftime("%Y-%m"): (m.changes, m.stock.count) for m in board.months}
    zero = {"admitted": 0, "advanced": 0, "landed": 0}
    assert table == {
        "2018-09": (zero, 0),
        "2018-10": ({**zero, "admitted": 1}, 1),
        "2018-11": (zero, 1),
        "2018-12": (zero, 1),
        "2019-01": ({**zero, "admitted": 1}, 2),
        "2019-02": ({**zero, "admitted": 1}, 3),
        "2019-03": ({**zero, "admitted": 1, "advanced": 1}, 4),
        "2019-04": ({**zero, "admitted": 1}, 5),
        "2019-05": ({**zero, "advanced": 1}, 5),
        "2019-06": ({**zero, "landed": 1}, 5),
        "2019-07": (zero, 4),
        "2019-08": ({**zero, "admitted": 1}, 5),
    }


def test_it_breaks_down_by_unit_and_industry_as_of_d(w, h):
    board = board_of(w, w.office)
    assert board.area_kind == "unit"
    assert {a.name: [c.count for c in a.cells] for a in board.areas} == {
        "马巷街道": [1, 0, 1, 0],
        "新机场片区指挥部": [0, 0, 0, 1],
        "区工信局": [0, 1, 0, 0],
        "新店街道": [1, 0, 0, 0],
    }
    assert board.areas[0].name == "马巷街道"  # most projects first
    assert {i.name: (i.count, i.investment) for i in board.industries} == {
        "新能源": (3, Decimal("25800")),
        "生物医药": (1, Decimal("3000")),
        "未填行业": (1, Decimal("1000")),
    }
    # Before the handoff B was 马巷's.
    early = board_of(w, w.office, as_of=dt.date(2019, 6, 16))
    assert {a.name: a.count for a in early.areas}["马巷街道"] == 4  # A, B, C and G


def test_it_measures_stage_to_stage_conversion(w, h):
    board = board_of(w, w.office)
    rows = {c.stage.name: (c.entered, c.reached, c.quartiles) for c in board.conversions}
    assert rows == {
        "策划": (3, 1, (54.0, 54.0, 54.0)),  # C, A, E entered; A went on after 54 days
        "意向": (3, 1, (76.0, 76.0, 76.0)),  # G (then stopped), A, D; A after 76 days
        "在谈": (2, 1, (125.0, 125.0, 125.0)),  # B, A; B landed after 125 days
    }


def test_it_interpolates_quartiles_as_percentile_cont(w):
    # Four 同安 projects go 策划 → 意向 after 10, 20, 30 and 40 days; one never does.
    for days in (10, 20, 30, 40, None):
        p = make_project(
            w, unit=w.tongan_unit, actor=w.tongan_office, investment="100", at=at(2019, 1, 1)
        )
        services.project_submit(project=p, actor=w.tongan_office, at=at(2019, 1, 2))
        services.project_review(project=p, actor=w.tongan_office, approve=True, at=at(2019, 1, 2))
        if days:
            services.project_move(
                project=p,
                stage=stage("intent"),
                actor=w.tongan_office,
                at=at(2019, 1, 2) + dt.timedelta(days=days),
            )
    board = board_of(w, scope=Scope(district=w.other_district))
    first = board.conversions[0]
    assert (first.entered, first.reached) == (5, 4)
    assert first.quartiles == pytest.approx((17.5, 25.0, 32.5))
    assert first.rate == pytest.approx(0.8)
    conversion = _view(board)["conversions"][0]
    assert conversion["days"] == ["17天", "25天", "32天"]


def test_a_stage_left_the_same_day_took_less_than_a_day(w):
    p = make_project(
        w, unit=w.tongan_unit, actor=w.tongan_office, investment="100", at=at(2019, 1, 1)
    )
    services.project_submit(project=p, actor=w.tongan_office, at=at(2019, 1, 2))
    services.project_review(project=p, actor=w.tongan_office, approve=True, at=at(2019, 1, 2))
    services.project_move(
        project=p,
        stage=stage("intent"),
        actor=w.tongan_office,
        at=at(2019, 1, 2) + dt.timedelta(hours=3),
    )
    board = board_of(w, scope=Scope(district=w.other_district))
    assert _view(board)["conversions"][0]["days"] == ["不足1天"] * 3


def test_it_counts_idle_projects_with_those_paused_listed_apart(w, h):
    board = board_of(w, w.office)
    # The idle count is the 工作台's and the pack's: the paused ones are part of it.
    assert board.idle_count == 3 and board.paused_count == 1
    # Largest first. B's last event is 林海's visit on 7-1; C's the problem solved on 6-1;
    # D's the problem raised on 4-20 (the 督办 of 4-25 is no activity).
    assert [(r.project.code, r.days) for r in board.idle] == [
        (h.b.code, 61),
        (h.d.code, 133),
        (h.c.code, 91),
    ]
    assert [(r.project.code, r.days, r.reasons) for r in board.paused] == [
        (h.d.code, 133, ["环评能评：环评批复未出"])
    ]
    # N days: B (61 days) is idle for 61, not for 62; C's problem reopened after D.
    assert board_of(w, w.office, idle_days=61).idle_count == 3
    assert board_of(w, w.office, idle_days=62).idle_count == 2
    later = board_of(w, w.office, as_of=dt.date(2019, 12, 31))
    assert h.c.code in {r.project.code for r in later.paused}


def test_it_counts_leader_involvement(w, h):
    board = board_of(w, w.office)
    assert (board.acts_count, board.acted_projects) == (5, 3)
    # In protocol order, never by count: the city leader before the district's.
    assert [(r.person.name, r.acts, r.projects) for r in board.leaders] == [
        ("林海", 1, 1),
        ("陈立新", 4, 3),  # A twice, B, and the 督办 on D
    ]
    assert [(p.project.code, p.acts, p.leaders) for p in board.top_projects] == [
        (h.b.code, 2, 2),
        (h.a.code, 2, 1),
        (h.d.code, 1, 1),
    ]


def test_district_leaders_follow_the_rank_the_office_set(w, h):
    deputy = Person.objects.create(
        name="吴丽华",
        title="副区长",
        level=Person.Level.DISTRICT_LEADER,
        city=w.city,
        district=w.district,
        rank=3,
    )
    Person.objects.filter(pk=w.leader_person.pk).update(rank=2)
    _act(w, h.a, deputy, "inspect", dt.date(2019, 8, 28), at(2019, 8, 28))
    names = [r.person.name for r in board_of(w, w.office).leaders]
    assert names == ["林海", "陈立新", "吴丽华"]
    Person.objects.filter(pk=deputy.pk).update(rank=1)
    assert [r.person.name for r in board_of(w, w.office).leaders] == ["林海", "吴丽华", "陈立新"]


def test_a_unit_cockpit_counts_what_was_the_unit_s_then(w, h):
    board = board_of(w, w.promoter, scope=Scope(unit=w.town))
    assert [s.count for s in board.figures.stages] == [1, 0, 1, 0]  # C 策划, A 在谈
    assert board.area_kind == "" and board.areas == []
    assert {m.first.month: m.changes["landed"] for m in board.months}[6] == 1  # B, then 马巷's
    # Acts on 马巷's projects when recorded: A twice, B before its handoff.
    assert [(r.person.name, r.acts) for r in board.leaders] == [("陈立新", 3)]


def test_a_city_cockpit_breaks_down_by_district(w, h):
    board = board_of(w, w.reviewer, scope=Scope(city=w.city))
    assert board.area_kind == "district"
    assert {a.name: a.count for a in board.areas} == {"翔安区": 5, "同安区": 1}
    assert board.figures.count == 6


# --- every figure's list ---------------------------------------------------------------


def test_every_figure_lists_exactly_the_projects_it_counts(w, h):
    board = board_of(w, w.office)
    view = _view(board)
    office = w.office
    funnel = {row["name"]: listed(office, row["url"]) for row in view["funnel"]}
    assert funnel == {
        "策划": codes(h.c, h.e),
        "意向": codes(h.d),
        "在谈": codes(h.a),
        "落地": codes(h.b),
    }
    assert listed(office, view["library_url"]) == codes(h.a, h.b, h.c, h.d, h.e)
    assert listed(office, view["exits"][0]["url"]) == codes(h.g)
    months = {m["month"].first.strftime("%Y-%m"): m for m in view["months"]}
    assert listed(office, months["2019-03"]["changes"][0]["url"]) == codes(h.g)
    assert listed(office, months["2019-03"]["changes"][1]["url"]) == codes(h.a)
    assert listed(office, months["2019-06"]["changes"][2]["url"]) == codes(h.b)
    assert listed(office, months["2019-07"]["stock_url"]) == codes(h.a, h.b, h.c, h.d)
    areas = {a["name"]: a for a in view["areas"]}
    assert listed(office, areas["马巷街道"]["url"]) == codes(h.a, h.c)
    assert listed(office, areas["马巷街道"]["cells"][0]["url"]) == codes(h.c)
    industries = {i["name"]: i for i in view["industries"]}
    assert listed(office, industries["未填行业"]["url"]) == codes(h.c)
    assert listed(office, industries["新能源"]["cells"][0]["url"]) == codes(h.e)
    conversions = {c["c"].stage.name: c for c in view["conversions"]}
    assert listed(office, conversions["策划"]["entered_url"]) == codes(h.a, h.c, h.e)
    assert listed(office, conversions["意向"]["reached_url"]) == codes(h.a)
    assert listed(office, view["idle_url"]) == codes(h.b, h.c, h.d)
    assert listed(office, view["paused_url"]) == codes(h.d)
    assert listed(office, view["acts_url"]) == codes(h.a, h.b, h.d)
    leaders = {r["row"].person.name: r["url"] for r in view["leaders"]}
    assert listed(office, leaders["林海"]) == codes(h.b)


def test_every_count_on_the_page_equals_its_list(w, h):
    """Generic: each number a link shows is the size of the list the link opens."""
    for user, scope in (
        (w.office, Scope(district=w.district)),
        (w.promoter, Scope(unit=w.town)),
        (w.reviewer, Scope(city=w.city)),
    ):
        view = _view(board_of(w, user, scope=scope))
        pairs = [(row["count"], row["url"]) for row in view["funnel"]]
        pairs += [(c["count"], c["url"]) for m in view["months"] for c in m["changes"]]
        pairs += [(m["month"].stock.count, m["stock_url"]) for m in view["months"]]
        for row in [*view["areas"], *view["industries"]]:
            pairs += [(row["count"], row["url"])]
            pairs += [(c["count"], c["url"]) for c in row["cells"]]
        for c in view["conversions"]:
            pairs += [(c["c"].entered, c["entered_url"]), (c["c"].reached, c["reached_url"])]
        pairs += [(r["row"].projects, r["url"]) for r in view["leaders"]]
        for count, url in pairs:
            assert len(listed(user, url)) == count, (user.username, url)


def test_the_list_shows_the_amounts_and_stages_of_that_date(w, h):
    page = project_page(user=w.office, filters={"as_of": "2019-05-15", "stage": stage("intent").pk})
    assert {p.code for p in page.rows} == codes(h.a, h.d, h.g)
    assert page.total == 3 and page.investment == Decimal("8700")
    assert {p.period_then.stage.code for p in page.rows} == {"intent"}
    assert h.a.code in {p.code for p in page.rows}  # now 在谈, then 意向


@pytest.mark.parametrize(
    ("filters", "field"),
    [
        ({"as_of": "2019-02-30"}, "as_of"),
        ({"as_of": "2999-01-01"}, "as_of"),
        ({"idle": "0"}, "idle"),
        ({"idle": "abc"}, "idle"),
        ({"open_problem": "maybe"}, "open_problem"),
        ({"change": "exploded"}, "change"),
        ({"entered": "999999"}, "entered"),
        ({"reached": "1"}, "reached"),
        ({"since": "2019-01-01"}, "since"),
        ({"change": "admitted", "as_of": "2019-08-31"}, "as_of"),
        ({"change": "admitted", "acted_by": "all"}, "acted_by"),
        ({"change": "admitted", "since": "2019-08-01", "until": "2019-07-01"}, "until"),
        ({"acted_by": "someone"}, "acted_by"),
    ],
)
def test_bad_drill_filters_are_named_errors(w, filters, field):
    with pytest.raises(ValidationError) as caught:
        project_page(user=w.office, filters=filters)
    assert field in caught.value.message_dict
    assert all(msg for msg in caught.value.message_dict[field])


def test_the_caption_says_what_the_list_is(w, h):
    assert drill_caption({"as_of": D, "idle": 30, "open_problem": False}) == (
        "截至2019年8月31日在库（阶段、金额、责任单位均按当日），已连续 30 天无任何进展，"
        "无未解决的存在问题"
    )
    caption = drill_caption(
        {"entered": stage("intent").pk, "since": dt.date(2019, 1, 1), "until": D, "reached": True}
    )
    assert caption == "2019年1月1日至2019年8月31日进入“意向”阶段（在库项目），此后已进入更高阶段"
    assert drill_caption({"q": "电池"}) == ""
