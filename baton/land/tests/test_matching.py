"""Matching on hand-made cases: parcels for a demand, projects for a parcel, with reasons."""

from decimal import Decimal

import pytest

from baton.land import services
from baton.land.matching import Demand, area_points, land_use_points, parcels_for, projects_for
from baton.projects.models import Industry
from baton.testing import make_project, stage

from .helpers import make_parcel

pytestmark = pytest.mark.django_db


def industry(name: str) -> Industry:
    return Industry.objects.get(name=name)


@pytest.mark.parametrize(
    ("demand", "offered", "points"),
    [
        ("M1", "M1", 30),
        ("M1", "M", 20),  # the major class offered: fits
        ("M", "M2", 20),  # a major class asked for: any of its classes
        ("M1", "M2", 15),  # heavier industrial land takes a lighter plant
        ("M2", "M1", None),  # not the other way round
        ("W1", "M1", None),  # logistics is not industry
        ("B2", "B1", None),
        (None, "W1", 0),
    ],
)
def test_land_use_compatibility(demand, offered, points):
    result = land_use_points(demand, offered)
    assert (None if result is None else result[0]) == points


@pytest.mark.parametrize(
    ("demand", "offered", "points"),
    [
        ("100", "100", 40),
        ("100", "110", 20),
        ("100", "90", 20),
        ("100", "120", 10),
        ("100", "121", None),
        ("100", "79", None),
    ],
)
def test_area_within_the_tolerance_scores_by_closeness(demand, offered, points):
    result = area_points(Decimal(demand), Decimal(offered), Decimal("0.2"))
    assert (None if result is None else result[0]) == points


def test_parcels_are_ranked_for_a_demand_with_reasons(w):
    energy = industry("新能源")
    exact = make_parcel(w, "XA-T-01", mu=100, land_use="M1", industries=[energy])
    near = make_parcel(w, "XA-T-02", mu=112, land_use="M1", industries=[energy])
    heavier = make_parcel(w, "XA-T-03", mu=100, land_use="M2", industries=[])
    other_industry = make_parcel(
        w, "XA-T-04", mu=100, land_use="M1", industries=[industry("生物医药")]
    )
    make_parcel(w, "XA-T-05", mu=150, land_use="M1", industries=[energy])  # too big
    make_parcel(w, "XA-T-06", mu=100, land_use="W1", industries=[energy])  # wrong use
    make_parcel(w, "XA-T-07", mu=100, land_use="M1", industries=[energy], status="reserve")
    tongan = make_parcel(
        w, "TA-T-01", mu=100, land_use="M1", industries=[energy], district=w.other_district
    )

    demand = Demand(area_mu=Decimal(100), land_use="M1", industry=energy, district_id=w.district.pk)
    matches = parcels_for(user=w.reviewer, demand=demand)  # the city sees both districts
    # 40 area + 30 use + 20 industry + 10 district; same district first, then by score
    assert [m.parcel for m in matches] == [exact, other_industry, near, heavier, tongan]
    scores = {m.parcel.code: m.fit.score for m in matches}
    assert scores["XA-T-01"] == 100 and scores["XA-T-04"] == 80 and scores["XA-T-03"] == 70
    assert scores["TA-T-01"] == 90 and 70 < scores["XA-T-02"] < 80  # 112 亩: area points 15–16
    first = matches[0].fit
    assert first.reasons[0].startswith("面积 ") and "在 ±20% 以内" in first.reasons[0]
    assert "与所需的 M1 一类工业用地一致" in first.reasons[1]
    assert first.reasons[2] == "招商方向含“新能源”" and first.reasons[3] == "位于项目所在的翔安区"
    assert "不含“新能源”" in matches[1].fit.cautions[0]
    assert matches[-1].fit.cautions == ["位于同安区，不在项目所在区"]


def test_same_district_comes_first_whatever_the_score(w):
    energy = industry("新能源")
    weak = make_parcel(w, "XA-T-01", mu=119, land_use="M2")
    strong = make_parcel(
        w, "TA-T-01", mu=100, land_use="M1", industries=[energy], district=w.other_district
    )
    demand = Demand(area_mu=Decimal(100), land_use="M1", industry=energy, district_id=w.district.pk)
    matches = parcels_for(user=w.reviewer, demand=demand)
    assert [m.parcel for m in matches] == [weak, strong]
    assert matches[0].fit.score < matches[1].fit.score


def test_a_wider_tolerance_finds_more(w):
    make_parcel(w, "XA-T-01", mu=140)
    narrow = Demand(area_mu=Decimal(100), district_id=w.district.pk)
    wide = Demand(area_mu=Decimal(100), district_id=w.district.pk, tolerance=Decimal("0.5"))
    assert parcels_for(user=w.office, demand=narrow) == []
    assert [m.parcel.code for m in parcels_for(user=w.office, demand=wide)] == ["XA-T-01"]


def test_a_project_demand_infers_land_use_from_its_industry(w):
    logistics = make_project(
        w,
        name="冷链物流园",
        industry=industry("现代物流"),
        land_area_mu=Decimal(80),
        stage=stage("intent"),
    )
    demand = Demand.of(logistics)
    assert (demand.land_use, demand.inferred_use, demand.area_mu) == ("W", True, Decimal(80))
    make_parcel(w, "XA-T-01", mu=80, land_use="M1")
    w1 = make_parcel(w, "XA-T-02", mu=80, land_use="W1", industries=[industry("现代物流")])
    (match,) = parcels_for(user=w.office, demand=demand)
    assert match.parcel == w1 and "（按行业推断）" in match.fit.reasons[1]


def test_projects_in_talks_are_ranked_for_a_parcel(w):
    energy = industry("新能源")
    parcel = make_parcel(w, "XA-T-01", mu=100, land_use="M1", industries=[energy])
    talks = make_project(
        w,
        name="氢能装备",
        industry=energy,
        land_area_mu=Decimal(100),
        stage=stage("negotiating"),
        investor="氢能集团",
    )
    intent = make_project(
        w, name="储能电池", industry=energy, land_area_mu=Decimal(95), stage=stage("intent")
    )
    vague = make_project(w, name="新材料中试", industry=industry("新材料"), stage=stage("intent"))
    make_project(
        w, name="只是策划", industry=energy, land_area_mu=Decimal(100)
    )  # 策划: not a candidate
    make_project(
        w, name="太大了", industry=energy, land_area_mu=Decimal(300), stage=stage("intent")
    )
    make_project(
        w,
        name="物流",
        industry=industry("现代物流"),
        land_area_mu=Decimal(100),
        stage=stage("intent"),
    )
    matches = projects_for(user=w.office, parcel=parcel)
    assert [m.project for m in matches] == [talks, intent, vague]
    # 40 area + 20 (M1 land for the M an energy plant needs) + 20 industry + 10 district + 5 talks
    assert matches[0].fit.score == 95 and "在谈项目，用地需求较明确" in matches[0].fit.reasons
    assert "未提出用地面积，面积未参与比较" in matches[2].fit.cautions


def test_a_project_holding_land_is_flagged_and_the_holder_is_not_its_own_candidate(w):
    energy = industry("新能源")
    first = make_parcel(w, "XA-T-01", mu=100, industries=[energy])
    second = make_parcel(w, "XA-T-02", mu=100, industries=[energy], where=(118.26, 24.65))
    talks = make_project(
        w,
        name="氢能装备",
        industry=energy,
        land_area_mu=Decimal(100),
        stage=stage("negotiating"),
        investor="氢能集团",
    )
    services.parcel_reserve(parcel=first, project=talks, actor=w.office)
    (match,) = projects_for(user=w.office, parcel=second)
    assert match.holds == ["XA-T-01"] and "已预留地块 XA-T-01" in match.fit.cautions
    assert match.fit.score == 95 - 15


def test_a_promoter_sees_only_its_own_projects_as_candidates(w):
    energy = industry("新能源")
    parcel = make_parcel(w, "XA-T-01", mu=100, industries=[energy])
    mine = make_project(
        w, name="马巷的", industry=energy, land_area_mu=Decimal(100), stage=stage("intent")
    )
    make_project(
        w,
        unit=w.other_town,
        actor=w.other_promoter,
        name="新店的",
        industry=energy,
        land_area_mu=Decimal(100),
        stage=stage("intent"),
    )
    assert [m.project for m in projects_for(user=w.promoter, parcel=parcel)] == [mine]
    assert len(projects_for(user=w.office, parcel=parcel)) == 2
