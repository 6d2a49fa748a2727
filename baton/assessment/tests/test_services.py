"""Publishing and freezing, relay credit, and the refusals (in Chinese)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from baton.assessment import services
from baton.assessment.models import Ranking, Scheme
from baton.assessment.selectors import ranking_honor_roll
from baton.projects import services as project_services

from .helpers import Q1, noon, project, run, scheme, scores


def landed_amount_scheme(w, **shares):
    s = scheme(
        w,
        "落地金额",
        units={w.town: "", w.other_town: "", w.headquarters: "", w.department: ""},
        **shares,
    )
    services.indicator_add(
        scheme=s,
        name="落地金额",
        kind="group_share",
        weight="100",
        config={"metric": "landed", "measure": "amount"},
    )
    return s


def test_it_splits_relay_credit_by_the_scheme_shares(w):
    s = landed_amount_scheme(w)  # 信息 20%、洽谈 30%、落地 50%
    day = dt.date(2024, 2, 1)
    # Held by 指挥部; 马巷 gave the information, 新店 pushed the talks; no landing unit
    # recorded, so its 50% goes to the holder.
    project(w, w.headquarters, "10000", admitted=day, landed=day,
            info_unit=w.town, talks_unit=w.other_town)  # fmt: skip
    # 工信局 holds two roles (information and talks): 20% + 30%; 马巷 serves the landing.
    project(w, w.department, "20000", admitted=day, landed=day, landing_unit=w.town)
    lines = run(s, Q1)
    # 马巷 0.2×10000 + 0.5×20000 = 12000; 新店 0.3×10000 = 3000;
    # 指挥部 0.5×10000 = 5000; 工信局 0.5×20000 = 10000. Max 12000.
    assert scores(lines["马巷街道"]) == [(Decimal("100.00"), "(12000÷12000)×100")]
    assert scores(lines["新店街道"]) == [(Decimal("25.00"), "(3000÷12000)×100")]
    assert scores(lines["新机场片区指挥部"])[0][1] == "(5000÷12000)×100"
    assert scores(lines["区工信局"])[0][1] == "(10000÷12000)×100"


def test_it_credits_the_runners_as_they_stood_at_the_period_end(w):
    s = landed_amount_scheme(w)
    day = dt.date(2024, 2, 1)
    p = project(w, w.headquarters, "10000", admitted=day, landed=day, info_unit=w.town)
    # After the quarter the baton passes to 新店, recorded as the landing unit.
    project_services.project_handoff(
        project=p,
        to_unit=w.other_town,
        actor=w.office,
        reason="落地服务移交",
        relay_role="landing",
        at=noon(dt.date(2024, 4, 10)),
    )
    lines = run(s, Q1)
    # Q1: 马巷 20%, 指挥部 30% + 50% (talks and landing unrecorded) → 2000 and 8000.
    assert scores(lines["马巷街道"])[0][1] == "(2000÷8000)×100"
    assert scores(lines["新机场片区指挥部"])[0][1] == "(8000÷8000)×100"
    assert scores(lines["新店街道"])[0][1] == "(0÷8000)×100"


def test_it_keeps_a_published_ranking_when_projects_change_later(w):
    s = landed_amount_scheme(w)
    day = dt.date(2024, 2, 1)
    p = project(w, w.town, "10000", admitted=day, landed=day)
    project(w, w.other_town, "5000", admitted=day, landed=day)
    services.scheme_publish(scheme=s, actor=w.office)
    ranking = services.ranking_compute(scheme=s, period_start=Q1[0], period_end=Q1[1])
    services.ranking_publish(ranking=ranking, actor=w.office)
    before = list(ranking.lines.order_by("unit_id").values("unit_id", "rank", "total", "scores"))

    project_services.project_update(
        project=p, actor=w.office, changes={"investment": Decimal("1000")}
    )
    project(w, w.other_town, "90000", admitted=dt.date(2024, 3, 3), landed=dt.date(2024, 3, 4))

    ranking.refresh_from_db()
    after = list(ranking.lines.order_by("unit_id").values("unit_id", "rank", "total", "scores"))
    assert after == before
    assert ranking.status == Ranking.Status.PUBLISHED
    # A fresh run sees the new project; it is a draft beside the published one.
    fresh = run(s, Q1)
    assert fresh["新店街道"].rank == 1
    with pytest.raises(ValidationError, match="该方案本考核期已有发布的排名"):
        services.ranking_publish(ranking=fresh["新店街道"].ranking, actor=w.office)


def test_it_lists_the_red_and_black_units(w):
    s = landed_amount_scheme(w)
    day = dt.date(2024, 2, 1)
    for unit, amount in ((w.town, "4000"), (w.other_town, "3000"), (w.headquarters, "2000")):
        project(w, unit, amount, admitted=day, landed=day)
    ranking = services.ranking_compute(scheme=s, period_start=Q1[0], period_end=Q1[1])
    roll = ranking_honor_roll(ranking=ranking, n=1)
    assert [line.unit.name for line in roll.red] == ["马巷街道"]
    assert [line.unit.name for line in roll.black] == ["区工信局"]
    roll = ranking_honor_roll(ranking=ranking, n=3)
    assert [line.unit.name for line in roll.black] == ["区工信局"]


def test_it_freezes_a_published_scheme_and_copies_a_new_version(w):
    s = landed_amount_scheme(w)
    services.scheme_publish(scheme=s, actor=w.office)
    frozen = "考核方案“落地金额”（第 1 版）已发布，不能修改；如需调整，请复制为新版本。"
    indicator = s.indicators.get()
    for attempt in (
        lambda: services.scheme_update(scheme=s, changes={"name": "改名"}),
        lambda: services.scheme_unit_set(scheme=s, unit=w.office_unit),
        lambda: services.indicator_update(indicator=indicator, changes={"weight": "50"}),
        lambda: services.indicator_add(
            scheme=s, name="新指标", kind="manual", weight="5", config={}
        ),
    ):
        with pytest.raises(ValidationError) as info:
            attempt()
        assert info.value.messages == [frozen]
    copy = services.scheme_copy(scheme=s)
    assert (copy.version, copy.status, copy.copied_from) == (2, Scheme.Status.DRAFT, s)
    assert copy.units.count() == 4 and copy.indicators.count() == 1
    services.indicator_update(indicator=copy.indicators.get(), changes={"weight": "50"})
    assert s.indicators.get().weight == Decimal("100")


def test_it_refuses_shares_not_summing_to_one(w):
    with pytest.raises(ValidationError) as info:
        services.scheme_create(
            district=w.district,
            name="错误分成",
            period_kind="quarter",
            share_info="0.2",
            share_talks="0.3",
            share_landing="0.4",
        )
    assert info.value.messages == [
        "信息提供、洽谈推进、落地服务三方的接力分成之和必须等于 1（100%），当前为 90%。"
    ]
    assert not Scheme.objects.exists()


@pytest.mark.parametrize(
    ("kind", "config", "message"),
    [
        ("ratio", {"metric": "visits"}, "第 1 个分项的统计口径“visits”无效"),
        (
            "ratio",
            {"parts": [{"metric": "signed", "share": "0.5"}, {"metric": "landed", "share": "0.4"}]},
            "完成率指标的各项比例之和必须等于 1（100%）。",
        ),
        ("tiers", {"metric": "signed", "by": "each", "points": 0.5}, "不能是浮点数"),
        ("tiers", {"metric": "signed", "by": "amount"}, "按金额档次计分须列出档次（tiers）。"),
        ("deduction", {"metric": "not_started", "per": "2"}, "须以 days 写明"),
        ("efficacy", {"metric": "landed", "scope": "city"}, "比较范围只能是"),
        ("manual", {"combine": "weighted", "weights": {"园区": "0.7"}}, "人工评分的各项比例之和"),
        ("lottery", {}, "计分方式“lottery”无效。"),
    ],
)
def test_it_refuses_a_bad_indicator_config(w, kind, config, message):
    s = scheme(w, "校验", units={w.town: ""})
    with pytest.raises(ValidationError) as info:
        services.indicator_add(scheme=s, name="指标", kind=kind, weight="10", config=config)
    assert message in info.value.messages[0]
    assert not s.indicators.exists()


def test_it_requires_a_reason_for_a_manual_score(w):
    s = scheme(w, "人工", units={w.town: ""})
    indicator = services.indicator_add(scheme=s, name="打分", kind="manual", weight="15", config={})
    base = {"indicator": indicator, "unit": w.town, "period_start": Q1[0], "period_end": Q1[1]}
    with pytest.raises(ValidationError) as info:
        services.manual_score_set(**base, score="10", reason="  ", actor=w.office)
    assert info.value.message_dict == {"reason": ["人工评分必须填写评分理由。"]}
    with pytest.raises(ValidationError) as info:
        services.manual_score_set(**base, score="16", reason="超分", actor=w.office)
    assert info.value.message_dict == {"score": ["得分须在 0 到 15 分之间。"]}


def test_it_refuses_to_publish_an_incomplete_scheme(w):
    s = scheme(w, "不完整", units={w.town: ""})
    services.indicator_add(
        scheme=s, name="签约", kind="ratio", weight="50", config={"metric": "signed"}
    )
    with pytest.raises(ValidationError) as info:
        services.scheme_publish(scheme=s, actor=w.office)
    assert info.value.messages == ["考核方案不完整，不能发布：指标“签约”尚有单位未设目标任务。"]
    ranking = services.ranking_compute(scheme=s, period_start=Q1[0], period_end=Q1[1])
    with pytest.raises(ValidationError, match="考核方案尚未发布"):
        services.ranking_publish(ranking=ranking, actor=w.office)
    assert ranking.lines.get().scores[0]["formula"] == "(0÷未设目标)×50"
