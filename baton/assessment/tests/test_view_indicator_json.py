"""添加指标 with its JSON config: the new kinds, several deductions, a 加分项."""

import json

import pytest

from .helpers_views import draft_scheme, login, url

pytestmark = pytest.mark.django_db
BASE = {"parts": "1", "tiers": "2", "raters": "2", "order": ""}
BRACKETS = {
    "metric": "signed",
    "per": "0.1",
    "brackets": [
        {"min": "30000", "max": "100000", "required": 7},
        {"min": "200000", "required": 1},
    ],
}


def post(client, scheme, data):
    return client.post(url("indicator_new", scheme.pk), {**BASE, **data})


def test_a_bracket_item_and_a_bonus_are_added_with_their_json(client, w):
    scheme = draft_scheme(w)
    login(client, w.office)
    response = post(
        client,
        scheme,
        {
            "name": "重大项目",
            "kind": "bracket_shortfall",
            "weight": "0.5",
            "config_json": json.dumps(BRACKETS, ensure_ascii=False),
        },
    )
    assert response.status_code == 302, response.content.decode()
    response = post(
        client,
        scheme,
        {
            "name": "提请领导走访",
            "kind": "weighted_sum",
            "weight": "3",
            "cap": "3",
            "is_bonus": "on",
            "config_json": '{"terms": [{"metric": "leader_acts", "points": "0.5"}]}',
        },
    )
    assert response.status_code == 302, response.content.decode()
    bracket, bonus = scheme.indicators.order_by("pk").reverse()[:2][::-1]
    assert bracket.config == BRACKETS and not bracket.is_bonus
    assert bonus.is_bonus and bonus.kind == "weighted_sum"
    page = client.get(url("scheme", scheme.pk)).content.decode()
    # 签约项目 60 + 工作评价 40 from the draft, the bonus outside the total.
    assert "总分值 100.5 分，另有加分项 3 分" in page
    assert "3–10亿元 ≥ 7个、≥20亿元 ≥ 1个" in page
    edit = client.get(url("indicator_edit", bracket.pk)).content.decode()
    assert "&quot;brackets&quot;" in edit


def test_bad_json_is_refused_in_chinese(client, w):
    scheme = draft_scheme(w)
    login(client, w.office)
    before = scheme.indicators.count()
    for config, message in (
        ("", "请填写计分配置（JSON）。"),
        ("{oops", "不是有效的 JSON"),
        ('{"terms": [{"metric": "signed", "points": 0.2}]}', "不能是浮点数"),
    ):
        response = post(
            client,
            scheme,
            {"name": "x", "kind": "weighted_sum", "weight": "1", "config_json": config},
        )
        assert response.status_code == 400 and message in response.content.decode()
    assert scheme.indicators.count() == before
