"""删除草稿: a draft scheme and its trial rankings; a published one stays."""

import pytest

from baton.assessment.models import Ranking, Scheme

from .helpers_views import draft_scheme, login, ranking, state, url

pytestmark = pytest.mark.django_db


def test_it_deletes_a_draft_with_its_trial_rankings(client, w):
    scheme = draft_scheme(w)
    ranking(w, scheme)
    response = login(client, w.office).post(url("scheme_delete", scheme.pk), {"confirm": "on"})
    assert response.status_code == 302 and response.url == url("index")
    assert not Scheme.objects.exists() and not Ranking.objects.exists()


def test_it_wants_the_button(client, w):
    scheme = draft_scheme(w)
    before = state()
    assert login(client, w.office).post(url("scheme_delete", scheme.pk)).status_code == 400
    assert state() == before


def test_it_denies_another_district(client, w):
    scheme = draft_scheme(w)
    response = login(client, w.tongan_office).post(
        url("scheme_delete", scheme.pk), {"confirm": "on"}
    )
    assert response.status_code == 404
    assert Scheme.objects.exists()


def test_it_rejects_the_wrong_method(client, w):
    scheme = draft_scheme(w)
    assert login(client, w.office).get(url("scheme_delete", scheme.pk)).status_code == 405
