"""试算排名: the scheme run over a chosen period into a draft ranking."""

import datetime as dt
from decimal import Decimal

import pytest

from baton.assessment import services
from baton.assessment.models import Ranking
from baton.jobs.models import Job

from .helpers_views import draft_scheme, login, published_scheme, signed_projects, state, url

pytestmark = pytest.mark.django_db


def test_it_runs_a_quarter_and_shows_the_trial(client, w):
    scheme = published_scheme(w)
    signed_projects(w)
    manual = scheme.indicators.get(name="工作评价")
    services.manual_score_set(
        indicator=manual, unit=w.other_town, period_start=dt.date(2024, 1, 1),
        period_end=dt.date(2024, 3, 31), score="38", reason="工作扎实", actor=w.office,
    )  # fmt: skip
    response = login(client, w.office).post(
        url("scheme_rank", scheme.pk), {"year": "2024", "part": "1"}
    )
    result = Ranking.objects.get()
    # The run's page (the worker ran it at once here) opens the trial ranking.
    job = Job.objects.get(kind=Job.Kind.RANKING)
    assert response.status_code == 302 and response.url == url("rank_job", scheme.pk, job.pk)
    opened = client.get(response.url)
    assert opened.status_code == 302 and opened.url == url("ranking", result.pk)
    page = client.get(opened.url).content.decode()
    assert "已试算2024年第一季度排名，核对无误后可发布。" in page
    assert (result.period_start, result.period_end, result.status) == (
        dt.date(2024, 1, 1),
        dt.date(2024, 3, 31),
        "draft",
    )
    # 马巷 (2÷2)×60 = 60; 新店 (1÷4)×60 + 38 = 53.
    totals = {line.unit.name: (line.rank, line.total) for line in result.lines.all()}
    assert totals == {"马巷街道": (1, Decimal("60.00")), "新店街道": (2, Decimal("53.00"))}


def test_it_runs_from_the_start_of_the_year(client, w):
    scheme = draft_scheme(w)
    scheme.period_kind = "month"
    scheme.save()
    data = {"year": "2024", "part": "5", "cumulative": "on"}
    login(client, w.office).post(url("scheme_rank", scheme.pk), data)
    result = Ranking.objects.get()
    assert (result.period_start, result.period_end) == (dt.date(2024, 1, 1), dt.date(2024, 5, 31))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "请填写年度。"),
        ({"year": "2024", "part": "5"}, "考核期无效。"),
        ({"year": "1999", "part": "1"}, "年度不能早于 2000 年。"),
        ({"year": "2100", "part": "4"}, "结束后才能计算排名"),
    ],
)
def test_it_refuses_a_bad_period_and_writes_nothing(client, w, data, message):
    scheme = draft_scheme(w)
    before = state()
    response = login(client, w.office).post(url("scheme_rank", scheme.pk), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert state() == before


@pytest.mark.parametrize(("persona", "status"), [("leader", 403), ("tongan_office", 404)])
def test_it_denies_the_others(client, w, persona, status):
    scheme = published_scheme(w)
    response = login(client, getattr(w, persona)).post(
        url("scheme_rank", scheme.pk), {"year": "2024", "part": "1"}
    )
    assert response.status_code == status
    assert not Ranking.objects.exists()


def test_it_rejects_the_wrong_method(client, w):
    scheme = draft_scheme(w)
    assert login(client, w.office).get(url("scheme_rank", scheme.pk)).status_code == 405
