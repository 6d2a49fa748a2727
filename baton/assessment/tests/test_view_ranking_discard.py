"""放弃本次试算: a trial ranking is deleted; a published one never."""

import pytest

from baton.assessment.models import Ranking

from .helpers_views import login, published_scheme, ranking, url

pytestmark = pytest.mark.django_db


def test_it_discards_a_trial(client, w):
    scheme = published_scheme(w)
    trial = ranking(w, scheme)
    response = login(client, w.office).post(url("ranking_discard", trial.pk), {"confirm": "on"})
    assert response.status_code == 302 and response.url == url("scheme", scheme.pk)
    assert not Ranking.objects.exists()


def test_it_keeps_a_published_ranking(client, w):
    published = ranking(w, published_scheme(w), publish=True)
    response = login(client, w.office).post(url("ranking_discard", published.pk), {"confirm": "on"})
    assert response.status_code == 409
    assert "已发布的排名不能删除。" in response.content.decode()
    assert Ranking.objects.filter(pk=published.pk).exists()


def test_it_wants_the_button(client, w):
    trial = ranking(w, published_scheme(w))
    assert login(client, w.office).post(url("ranking_discard", trial.pk)).status_code == 400
    assert Ranking.objects.exists()


def test_it_denies_another_district(client, w):
    trial = ranking(w, published_scheme(w))
    response = login(client, w.tongan_office).post(
        url("ranking_discard", trial.pk), {"confirm": "on"}
    )
    assert response.status_code == 404
    assert Ranking.objects.exists()


def test_it_rejects_the_wrong_method(client, w):
    trial = ranking(w, published_scheme(w))
    assert login(client, w.office).get(url("ranking_discard", trial.pk)).status_code == 405
