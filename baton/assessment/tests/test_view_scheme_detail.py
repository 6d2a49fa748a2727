"""The scheme page: rules in words, units by group, what keeps a draft from publishing."""

import pytest

from .helpers_views import draft_scheme, login, published_scheme, url

pytestmark = pytest.mark.django_db


def test_it_shows_a_draft_to_its_office_with_what_is_missing(client, w):
    scheme = draft_scheme(w)
    response = login(client, w.office).get(url("scheme", scheme.pk))
    page = response.content.decode()
    assert response.status_code == 200
    assert "本期签约项目个数 ÷ 目标任务 × 60分；按接力分成" in page
    assert "人工评分，满分40分，单一评分；须写明评分理由" in page
    assert "马巷街道、新店街道" in page
    assert response.context["problems"] == []  # targets set for both units
    assert response.context["targets_filled"] == 2 and response.context["target_slots"] == 2
    assert "发布方案" in page and "试算排名" in page


def test_it_names_what_keeps_a_draft_from_being_published(client, w):
    scheme = draft_scheme(w)
    scheme.indicators.get(name="签约项目").targets.filter(unit=w.other_town).delete()
    response = login(client, w.office).get(url("scheme", scheme.pk))
    assert response.context["problems"] == ["指标“签约项目”尚有单位未设目标任务"]


def test_it_shows_a_published_scheme_read_only_to_a_leader(client, w):
    scheme = published_scheme(w)
    response = login(client, w.leader).get(url("scheme", scheme.pk))
    page = response.content.decode()
    assert response.status_code == 200
    assert "内容已冻结" in page
    for action in ("修改基本信息", "添加指标", "复制为新版本", "计算排名"):
        assert action not in page
    assert url("scheme_scores", scheme.pk) not in page


@pytest.mark.parametrize("persona", ["leader", "promoter", "reviewer"])
def test_it_hides_a_draft_from_everyone_but_the_office(client, w, persona):
    scheme = draft_scheme(w)
    assert login(client, getattr(w, persona)).get(url("scheme", scheme.pk)).status_code == 404


def test_it_denies_another_district(client, w):
    scheme = published_scheme(w)
    assert login(client, w.tongan_office).get(url("scheme", scheme.pk)).status_code == 404


def test_it_rejects_the_wrong_method(client, w):
    scheme = draft_scheme(w)
    assert login(client, w.office).post(url("scheme", scheme.pk)).status_code == 405
