"""项目库: milestone date ranges and the amount band (≥ / <), in the address; hostile input
answers a Chinese error or the default, never a 500."""

import datetime as dt

import pytest
from django.urls import reverse

from baton.projects import services
from baton.testing import make_project

from .helpers import make_landed
from .helpers_views import HTMX, login

URL = reverse("projects:list")


def codes(response) -> list[str]:
    return [p.code for p in response.context["page"].rows]


def test_it_lists_the_projects_signed_in_a_range_both_days_included(client, w):
    early = make_landed(w, signed_on=dt.date(2024, 1, 1))
    late = make_landed(w, signed_on=dt.date(2024, 6, 30))
    make_landed(w, signed_on=dt.date(2024, 7, 1))
    make_project(w)  # never signed
    login(client, w.promoter)

    response = client.get(URL, {"signed_from": "2024-01-01", "signed_to": "2024-06-30"})

    assert response.status_code == 200
    assert sorted(codes(response)) == sorted([early.code, late.code])
    assert response.context["page"].total == 2
    assert "签约日期 2024-01-01 至 2024-06-30" in response.text
    open_ended = client.get(URL, {"signed_from": "2024-06-30"})
    assert open_ended.context["page"].total == 2
    assert "签约日期 2024-06-30 至 不限" in open_ended.text


def test_it_reads_every_milestone_kind(client, w):
    project = make_landed(w, signed_on=dt.date(2024, 3, 1))
    services.milestone_record(
        project=project, kind="started", date=dt.date(2024, 5, 5), actor=w.promoter, note=""
    )
    login(client, w.promoter)
    assert codes(client.get(URL, {"started_from": "2024-05-01"})) == [project.code]
    assert codes(client.get(URL, {"started_to": "2024-05-04"})) == []
    assert codes(client.get(URL, {"in_production_from": "2000-01-01"})) == []


def test_the_amount_band_states_its_bounds_and_keeps_the_upper_bound_out(client, w):
    at_low = make_project(w, investment="10000")
    inside = make_project(w, investment="49999.99")
    make_project(w, investment="50000")  # the upper bound itself is not in the band
    make_project(w, investment="9999")
    login(client, w.promoter)

    response = client.get(URL, {"amount_min": "10000", "amount_below": "50000"})

    assert sorted(codes(response)) == sorted([at_low.code, inside.code])
    assert "10,000 万元 ≤ 总投资 &lt; 50,000 万元" in response.text


def test_an_old_link_with_an_upper_bound_included_still_works(client, w):
    at_high = make_project(w, investment="50000")
    make_project(w, investment="50001")
    login(client, w.promoter)
    response = client.get(URL, {"amount_max": "50000"})
    assert codes(response) == [at_high.code]
    assert 'name="amount_max"' in response.text  # rides along when the form is sent again


def test_a_page_past_the_last_shows_the_last(client, w):
    for _ in range(21):
        make_project(w)
    login(client, w.promoter)
    response = client.get(URL, {"page": "99"})
    assert response.status_code == 200
    assert response.context["page"].number == 2 and len(codes(response)) == 1


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"sort": "password"}, "选择"),
        ({"page": "-1"}, "页码必须是正整数。"),
        ({"page": "0"}, "页码必须是正整数。"),
        ({"page": "abc"}, "页码必须是正整数。"),
        ({"page": "9" * 40}, "分页参数无效"),
        ({"size": "1000000"}, "选择"),
        ({"size": "-5"}, "选择"),
        ({"signed_from": "2024-02-30"}, "日期格式不正确"),
        ({"signed_from": "'; DROP TABLE x"}, "日期格式不正确"),
        (
            {"signed_from": "2024-06-01", "signed_to": "2024-01-01"},
            "签约日期的截止日不能早于起始日。",
        ),
        ({"amount_min": "5", "amount_below": "5"}, "总投资“低于”须大于“不低于”"),
        ({"amount_below": "很多"}, "总投资低于"),
        ({"page": "2", "cursor": "W10"}, "分页"),
    ],
)
def test_hostile_input_gets_a_chinese_error_never_a_500(client, w, params, message):
    make_project(w)
    login(client, w.promoter)
    for headers in ({}, HTMX):
        response = client.get(URL, params, **headers)
        assert response.status_code == 400, params
        assert message in response.text, params
