"""考核排名 list: schemes and rankings in the user's scope, drafts only to the office."""

import pytest

from baton.assessment.models import Scheme

from .helpers_views import draft_scheme, login, published_scheme, ranking, signed_projects, url

pytestmark = pytest.mark.django_db


def names(response) -> set[str]:
    return {s.name for s in response.context["schemes"]}


def test_it_lists_drafts_published_schemes_and_trial_rankings_to_the_office(client, w):
    draft_scheme(w, name="草稿方案")
    published = published_scheme(w, name="已发布方案")
    signed_projects(w)
    ranking(w, published, publish=True)
    ranking(w, published)
    response = login(client, w.office).get(url("index"))
    assert response.status_code == 200
    assert names(response) == {"草稿方案", "已发布方案"}
    assert [r.status for r in response.context["rankings"]] == ["published", "draft"]
    assert "2024年第一季度" in response.content.decode()
    assert "新建考核方案" in response.content.decode()


@pytest.mark.parametrize("persona", ["leader", "promoter", "other_promoter", "reviewer"])
def test_it_shows_the_others_only_what_is_published(client, w, persona):
    draft_scheme(w, name="草稿方案")
    published = published_scheme(w, name="已发布方案")
    ranking(w, published, publish=True)
    ranking(w, published)
    response = login(client, getattr(w, persona)).get(url("index"))
    assert names(response) == {"已发布方案"}
    assert [r.status for r in response.context["rankings"]] == ["published"]
    # The city office creates city schemes (ranking the districts), not the district's.
    assert ("新建考核方案" in response.content.decode()) == (persona == "reviewer")


def test_it_denies_another_district(client, w):
    published = published_scheme(w)
    ranking(w, published, publish=True)
    response = login(client, w.tongan_office).get(url("index"))
    assert names(response) == set() and response.context["rankings"] == []


def test_it_filters_by_period_kind(client, w):
    published_scheme(w, name="季度方案")
    monthly = draft_scheme(w, name="月度方案")
    monthly.period_kind = Scheme.PeriodKind.MONTH
    monthly.save()
    response = login(client, w.office).get(url("index"), {"period_kind": "month"})
    assert names(response) == {"月度方案"}
    response = login(client, w.office).get(url("index"), {"period_kind": "nonsense"})
    assert names(response) == {"季度方案", "月度方案"}


def test_it_refuses_the_administrators(client, w):
    response = login(client, w.sys_admin).get(url("index"))
    assert response.status_code == 403
    assert "三员分立" in response.content.decode()


def test_it_rejects_the_wrong_method(client, w):
    assert login(client, w.office).post(url("index")).status_code == 405
