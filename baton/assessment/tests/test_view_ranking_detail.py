"""The ranking page: units ranked, each score with its formula, and the 红黑榜."""

import datetime as dt
from decimal import Decimal

import pytest

from baton.assessment import services
from baton.projects import services as project_services
from baton.projects.models import Project

from .helpers import noon, project
from .helpers_views import draft_scheme, login, published_scheme, ranking, signed_projects, url

pytestmark = pytest.mark.django_db


def body(response) -> str:
    """The page's main part: what it says about the ranking (no per-request token)."""
    page = response.content.decode()
    return page[page.index('<main class="content"') : page.index("</main>")]


def test_it_shows_ranks_totals_formulas_and_the_lists(client, w):
    scheme = published_scheme(w)
    signed_projects(w)
    result = ranking(w, scheme, publish=True)
    response = login(client, w.office).get(url("ranking", result.pk))
    page = response.content.decode()
    assert response.status_code == 200
    assert "季度招商考核 · 2024年第一季度" in page
    assert "(2÷2)×60" in page and "(1÷4)×60" in page and "未评分" in page
    assert [(line.unit.name, line.total) for line in response.context["lines"]] == [
        ("马巷街道", Decimal("60.00")),
        ("新店街道", Decimal("15.00")),
    ]
    assert [line.unit.name for line in response.context["red"]] == ["马巷街道"]
    assert [line.unit.name for line in response.context["black"]] == ["新店街道"]
    assert "为正式结果" in page and "发布排名" not in page


def test_a_published_ranking_stays_as_it_was_after_the_projects_change(client, w):
    scheme = published_scheme(w)
    signed_projects(w)
    result = ranking(w, scheme, publish=True)
    login(client, w.office)
    before = body(client.get(url("ranking", result.pk)))
    # Later: 新店's project is handed to 马巷 and grows; a project signed in Q1 is entered.
    p = Project.objects.filter(unit=w.other_town).get()
    project_services.project_handoff(
        project=p, to_unit=w.town, actor=w.office, reason="调整", at=noon(dt.date(2024, 4, 2))
    )
    project_services.project_update(
        project=p, actor=w.office, changes={"investment": Decimal("90000")}
    )
    project(w, w.town, "8000", admitted=dt.date(2024, 3, 1), signed=dt.date(2024, 3, 1))
    after = body(client.get(url("ranking", result.pk)))
    assert after == before
    fresh = ranking(w, scheme)
    assert fresh.lines.get(unit=w.town).scores[0]["formula"] == "(3÷2)×60"


def test_a_leader_and_a_promoter_of_the_district_read_the_published_ranking(client, w):
    scheme = published_scheme(w)
    published = ranking(w, scheme, publish=True)
    trial = ranking(w, scheme)
    for persona in ("leader", "promoter", "other_promoter", "reviewer"):
        login(client, getattr(w, persona))
        response = client.get(url("ranking", published.pk))
        assert response.status_code == 200, persona
        assert "发布排名" not in response.content.decode()
        assert client.get(url("ranking", trial.pk)).status_code == 404, persona


def test_it_shows_the_office_a_trial_with_what_it_may_do(client, w):
    scheme = draft_scheme(w)
    trial = ranking(w, scheme)
    page = login(client, w.office).get(url("ranking", trial.pk)).content.decode()
    assert "试算结果" in page and "考核方案尚未发布，试算结果只供核对，不能发布。" in page
    assert "放弃本次试算" in page and "发布排名" not in page


def test_it_denies_another_district(client, w):
    result = ranking(w, published_scheme(w), publish=True)
    assert login(client, w.tongan_office).get(url("ranking", result.pk)).status_code == 404
    assert login(client, w.sys_admin).get(url("ranking", result.pk)).status_code == 403


def test_it_rejects_the_wrong_method(client, w):
    result = ranking(w, published_scheme(w), publish=True)
    assert login(client, w.office).post(url("ranking", result.pk)).status_code == 405


def test_units_tied_at_the_bottom_are_on_the_black_list_together(client, w):
    scheme = draft_scheme(w)
    for unit in (w.department, w.headquarters):
        services.scheme_unit_set(scheme=scheme, unit=unit, group="部门")
        services.target_set(indicator=scheme.indicators.get(name="签约项目"), unit=unit, value="1")
    signed_projects(w)
    services.manual_score_set(
        indicator=scheme.indicators.get(name="工作评价"), unit=w.other_town,
        period_start=dt.date(2024, 1, 1), period_end=dt.date(2024, 3, 31),
        score="10", reason="有进展", actor=w.office,
    )  # fmt: skip
    trial = ranking(w, scheme)
    response = login(client, w.office).get(url("ranking", trial.pk))
    # 马巷 60, 新店 15 + 10 = 25, 区工信局 and 指挥部 0 (tied 3rd): two on each list.
    assert [line.unit.name for line in response.context["red"]] == ["马巷街道", "新店街道"]
    assert {line.unit.name for line in response.context["black"]} == {
        "区工信局",
        "新机场片区指挥部",
    }
