"""GET /api/v1/projects: the web list's sorts, numbered pages, milestone ranges, amount
band and search keys; hostile parameters answer a Chinese 4xx, never a 500."""

import datetime as dt

import pytest

from baton.projects.listing import SORTS
from baton.projects.models import Project
from baton.testing import make_project

from .helpers import make_landed
from .test_api import Api, refused


@pytest.fixture
def api(client):
    return Api(client)


def codes(response) -> list[str]:
    assert response.status_code == 200, response.content.decode()
    return [item["code"] for item in response.json()["items"]]


@pytest.mark.parametrize("sort", list(SORTS))
def test_numbered_pages_give_every_project_once_in_order(api, w, sort):
    projects = [make_project(w, investment=a) for a in ("300", "100", "300", "200", "100")]
    seen = []
    for number in (1, 2, 3):
        response = api.get(w.office, "/projects", sort=sort, size=2, page=number)
        body = response.json()
        assert body["page"] == number and body["pages"] == 3 and body["count"] == 5
        seen += codes(response)
    ordered = Project.objects.filter(pk__in=[p.pk for p in projects]).order_by(*SORTS[sort][1])
    assert seen == [p.code for p in ordered]
    past = api.get(w.office, "/projects", sort=sort, size=2, page=99).json()
    assert past["page"] == 3 and len(past["items"]) == 1


def test_cursor_paging_says_no_page_number(api, w):
    make_project(w)
    body = api.get(w.office, "/projects").json()
    assert body["page"] is None and body["pages"] == 1


def test_milestone_range_and_amount_band(api, w):
    signed = make_landed(w, signed_on=dt.date(2024, 3, 1), investment="20000")
    make_landed(w, signed_on=dt.date(2024, 9, 1), investment="20000")
    make_project(w, investment="50000")

    in_range = api.get(w.office, "/projects", signed_from="2024-01-01", signed_to="2024-06-30")
    assert codes(in_range) == [signed.code]
    band = api.get(w.office, "/projects", amount_min="10000", amount_below="50000")
    assert sorted(codes(band)) == sorted(
        Project.objects.filter(investment__lt=50000).values_list("code", flat=True)
    )
    assert len(codes(band)) == 2


def test_search_by_pinyin_initials(api, w):
    project = make_project(w, name="宁德时代锂电池基地")
    assert codes(api.get(w.office, "/projects", q="ndsd")) == [project.code]


@pytest.mark.parametrize(
    ("query", "status", "text"),
    [
        ({"sort": "password"}, 422, ""),
        ({"page": "-1"}, 422, ""),
        ({"page": "0"}, 422, ""),
        ({"size": "100000"}, 422, ""),
        ({"signed_from": "2024-13-01"}, 422, ""),
        ({"signed_from": "1900-01-01"}, 422, "签约日期起须在 2000 年到 2100 年之间。"),
        ({"signed_from": "2024-06-01", "signed_to": "2024-01-01"}, 422, "截止日不能早于起始日"),
        ({"amount_min": "5", "amount_below": "5"}, 422, "总投资“低于”须大于“不低于”"),
        ({"page": "2", "cursor": "W10"}, 422, "页码和游标不能同时使用。"),
    ],
)
def test_hostile_parameters_get_a_chinese_answer(api, w, query, status, text):
    make_project(w)
    refused(api.get(w.office, "/projects", **query), status, text)
