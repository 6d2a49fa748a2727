"""删除指标: a draft's indicator goes with its targets; confirmed, and never a published one."""

import pytest

from baton.assessment.models import Indicator, Target

from .helpers_views import draft_scheme, login, published_scheme, state, url

pytestmark = pytest.mark.django_db


def test_it_deletes_an_indicator_and_its_targets(client, w):
    scheme = draft_scheme(w)
    signed = scheme.indicators.get(name="签约项目")
    response = login(client, w.office).post(url("indicator_delete", signed.pk), {"confirm": "on"})
    assert response.status_code == 302
    assert list(scheme.indicators.values_list("name", flat=True)) == ["工作评价"]
    assert not Target.objects.exists()


def test_it_wants_the_confirmation(client, w):
    signed = draft_scheme(w).indicators.get(name="签约项目")
    before = state()
    assert login(client, w.office).post(url("indicator_delete", signed.pk)).status_code == 400
    assert state() == before


def test_it_refuses_a_published_scheme(client, w):
    signed = published_scheme(w).indicators.get(name="签约项目")
    response = login(client, w.office).post(url("indicator_delete", signed.pk), {"confirm": "on"})
    assert response.status_code == 409
    assert Indicator.objects.filter(pk=signed.pk).exists()


def test_it_denies_another_district(client, w):
    signed = draft_scheme(w).indicators.get(name="签约项目")
    response = login(client, w.tongan_office).post(
        url("indicator_delete", signed.pk), {"confirm": "on"}
    )
    assert response.status_code == 404


def test_it_rejects_the_wrong_method(client, w):
    signed = draft_scheme(w).indicators.get(name="签约项目")
    assert login(client, w.office).get(url("indicator_delete", signed.pk)).status_code == 405
