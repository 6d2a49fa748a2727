"""添加指标: one form for every kind; rows are added and removed without saving."""

import pytest

from baton.assessment.models import Indicator

from .helpers_views import HTMX, draft_scheme, login, published_scheme, state, url

pytestmark = pytest.mark.django_db
BASE = {"parts": "1", "tiers": "2", "raters": "2", "order": ""}


def post(client, scheme, data, **headers):
    return client.post(url("indicator_new", scheme.pk), {**BASE, **data}, **headers)


def test_it_adds_a_ratio_of_two_parts_with_filters(client, w):
    scheme = draft_scheme(w)
    login(client, w.office)
    response = post(
        client,
        scheme,
        {
            "name": "新引进亿元项目",
            "kind": "ratio",
            "weight": "30",
            "cap": "30",
            "parts": "2",
            "p0_metric": "admitted",
            "p0_measure": "count",
            "p0_credit": "relay",
            "p0_min_amount": "10000",
            "p0_industries": ["新能源", "先进制造"],
            "p0_share": "50",
            "p1_metric": "landed",
            "p1_measure": "amount_yi",
            "p1_credit": "holder",
            "p1_share": "50",
        },
    )
    assert response.status_code == 302, response.content.decode()
    indicator = scheme.indicators.get(name="新引进亿元项目")
    assert (indicator.kind, str(indicator.weight), str(indicator.cap), indicator.order) == (
        "ratio",
        "30.00",
        "30.00",
        3,
    )
    assert indicator.config == {
        "parts": [
            {
                "metric": "admitted",
                "measure": "count",
                "credit": "relay",
                "min_amount": "10000",
                "industries": ["先进制造", "新能源"],
                "share": "0.5",
            },
            {"metric": "landed", "measure": "amount_yi", "credit": "holder", "share": "0.5"},
        ]
    }


@pytest.mark.parametrize(
    ("data", "config"),
    [
        (
            {
                "kind": "tiers",
                "p0_metric": "admitted",
                "tier_by": "amount",
                "t0_min": "100000",
                "t0_points": "4",
                "t1_min": "500000",
                "t1_points": "8",
            },
            {
                "metric": "admitted",
                "credit": "relay",
                "by": "amount",
                "tiers": [{"min": "500000", "points": "8"}, {"min": "100000", "points": "4"}],
            },
        ),
        (
            {
                "kind": "tiers",
                "p0_metric": "signed",
                "tier_by": "industry",
                "ind_新能源": "15",
                "default_points": "3",
            },
            {
                "metric": "signed",
                "credit": "relay",
                "by": "industry",
                "points": {"新能源": "15"},
                "default": "3",
            },
        ),
        (
            {
                "kind": "tiers",
                "p0_metric": "admitted",
                "tier_by": "each",
                "each_points": "2",
                "beyond_target": "on",
                "p0_min_amount": "10000",
            },
            {
                "metric": "admitted",
                "credit": "relay",
                "min_amount": "10000",
                "by": "each",
                "points": "2",
                "beyond_target": True,
            },
        ),
        (
            {
                "kind": "deduction",
                "p0_metric": "not_started",
                "p0_credit": "holder",
                "p0_days": "180",
                "per": "2",
            },
            {"metric": "not_started", "credit": "holder", "days": 180, "per": "2"},
        ),
        (
            {"kind": "efficacy", "p0_metric": "landed", "p0_measure": "amount", "scope": "group"},
            {"metric": "landed", "measure": "amount", "credit": "relay", "scope": "group"},
        ),
        (
            {
                "kind": "group_share",
                "p0_metric": "leader_acts",
                "p0_measure": "count",
                "p0_credit": "holder",
            },
            {"metric": "leader_acts", "measure": "count", "credit": "holder", "scope": "group"},
        ),
        (
            {
                "kind": "manual",
                "combine": "weighted",
                "r0_name": "园区",
                "r0_share": "70",
                "r1_name": "乡镇",
                "r1_share": "30",
            },
            {"combine": "weighted", "weights": {"园区": "0.7", "乡镇": "0.3"}},
        ),
        ({"kind": "manual", "combine": "mean"}, {"combine": "mean"}),
    ],
)
def test_it_adds_every_kind(client, w, data, config):
    scheme = draft_scheme(w)
    response = post(login(client, w.office), scheme, {"name": "指标", "weight": "10", **data})
    assert response.status_code == 302, response.content.decode()
    assert scheme.indicators.get(name="指标").config == config


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {
                "kind": "ratio",
                "parts": "2",
                "p0_metric": "signed",
                "p0_share": "60",
                "p1_metric": "landed",
                "p1_share": "30",
            },
            "完成率指标的各项比例之和必须等于 1（100%）。",
        ),
        (
            {
                "kind": "ratio",
                "p0_metric": "signed",
                "p0_min_amount": "500",
                "p0_max_amount": "100",
            },
            "金额上限须大于下限。",
        ),
        (
            {"kind": "deduction", "p0_metric": "not_started", "per": "2"},
            "请填写签约后多少天未开工算逾期。",
        ),
        (
            {"kind": "tiers", "p0_metric": "admitted", "tier_by": "amount", "t0_min": "100000"},
            "每一档都要填写金额下限和得分。",
        ),
        (
            {"kind": "manual", "combine": "weighted", "r0_name": "园区", "r0_share": "70"},
            "人工评分的各项比例之和必须等于 1（100%）。",
        ),
        ({"kind": "ratio", "p0_metric": "visits"}, "选择一个有效的选项"),
        ({"kind": "ratio", "p0_metric": "signed", "weight": "-1"}, "不能小于 0。"),
        ({"kind": "ratio", "p0_metric": "signed", "name": ""}, "请填写指标名称。"),
    ],
)
def test_it_refuses_bad_input_and_writes_nothing(client, w, data, message):
    scheme = draft_scheme(w)
    before = state()
    response = post(login(client, w.office), scheme, {"name": "指标", "weight": "10", **data})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert state() == before


def test_it_adds_and_removes_rows_without_saving(client, w):
    scheme = draft_scheme(w)
    login(client, w.office)
    typed = {"name": "签约与落地", "kind": "ratio", "weight": "20", "p0_metric": "signed"}
    before = state()
    response = post(client, scheme, {**typed, "_add": "part"}, **HTMX)
    assert response.status_code == 200
    page = response.content.decode()
    assert page.lstrip().startswith("{#") or page.lstrip().startswith("<form")  # the fragment
    assert "分项 2" in page and 'value="签约与落地"' in page and "errorlist" not in page
    response = post(
        client,
        scheme,
        {**typed, "parts": "2", "p1_metric": "landed", "p0_share": "40", "_remove": "part:0"},
        **HTMX,
    )
    form = response.context["form"]
    assert form.counts["parts"] == 1
    assert form["p0_metric"].value() == "landed"  # the second part moved up
    response = post(client, scheme, {**typed, "kind": "manual", "_refresh": "1"}, **HTMX)
    assert "汇总方式" in response.content.decode() and "统计口径" not in response.content.decode()
    assert state() == before


def test_it_refuses_a_published_scheme(client, w):
    scheme = published_scheme(w)
    response = post(
        login(client, w.office), scheme, {"name": "新", "kind": "manual", "weight": "5"}
    )
    assert response.status_code == 409
    assert scheme.indicators.count() == 2


def test_it_denies_another_district_and_other_roles(client, w):
    scheme = draft_scheme(w)
    assert login(client, w.tongan_office).get(url("indicator_new", scheme.pk)).status_code == 404
    published = published_scheme(w, name="已发布")
    assert login(client, w.leader).get(url("indicator_new", published.pk)).status_code == 403


def test_it_rejects_the_wrong_method(client, w):
    scheme = draft_scheme(w)
    assert login(client, w.office).put(url("indicator_new", scheme.pk)).status_code == 405
    assert not Indicator.objects.filter(name="新").exists()
