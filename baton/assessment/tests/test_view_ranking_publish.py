"""发布排名: a confirmed trial of a published scheme becomes the record; once a period."""

import pytest

from baton.assessment.models import Ranking

from .helpers_views import draft_scheme, login, published_scheme, ranking, state, url

pytestmark = pytest.mark.django_db


def test_it_publishes_a_trial(client, w):
    trial = ranking(w, published_scheme(w))
    response = login(client, w.office).post(url("ranking_publish", trial.pk), {"confirm": "on"})
    assert response.status_code == 302 and response.url == url("ranking", trial.pk)
    trial.refresh_from_db()
    assert (trial.status, trial.published_by) == ("published", w.office)
    assert "为正式结果" in client.get(url("ranking", trial.pk)).content.decode()


def test_it_wants_the_confirmation(client, w):
    trial = ranking(w, published_scheme(w))
    response = login(client, w.office).post(url("ranking_publish", trial.pk), {})
    assert response.status_code == 400
    assert Ranking.objects.get().status == "draft"


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("draft_scheme", "考核方案尚未发布，其排名只能试算，不能发布。"),
        ("twice", "该方案本考核期已有发布的排名。"),
        ("published", "该排名已发布，内容已冻结。"),
    ],
)
def test_it_refuses_with_the_reason_and_changes_nothing(client, w, setup, message):
    if setup == "draft_scheme":
        target = ranking(w, draft_scheme(w))
    else:
        scheme = published_scheme(w)
        target = ranking(w, scheme, publish=True)
        if setup == "twice":
            target = ranking(w, scheme)
    before = state()
    response = login(client, w.office).post(url("ranking_publish", target.pk), {"confirm": "on"})
    assert response.status_code == 409
    assert message in response.content.decode()
    assert state() == before


@pytest.mark.parametrize(("persona", "status"), [("leader", 404), ("tongan_office", 404)])
def test_it_denies_the_others(client, w, persona, status):
    trial = ranking(w, published_scheme(w))
    response = login(client, getattr(w, persona)).post(
        url("ranking_publish", trial.pk), {"confirm": "on"}
    )
    assert response.status_code == status


def test_it_rejects_the_wrong_method(client, w):
    trial = ranking(w, published_scheme(w))
    assert login(client, w.office).get(url("ranking_publish", trial.pk)).status_code == 405
