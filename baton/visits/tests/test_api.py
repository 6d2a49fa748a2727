import pytest

from baton.projects.tests.test_api import Api

from .. import services
from .helpers import days_ago, trip


@pytest.fixture
def api(client):
    return Api(client)


def test_the_lists_and_records_are_scoped_like_the_pages(w, api):
    mine = trip(w)
    theirs = trip(w, actor=w.other_promoter, members=[w.wang], title="新店外出")
    r = services.reception_create(
        actor=w.promoter, date=days_ago(1), visitors="王总", companies=[w.catl]
    )
    body = api.get(w.promoter, "/visits").json()
    assert [row["id"] for row in body["items"]] == [mine.pk]
    assert body["items"][0]["companies"][0]["name"] in (w.catl.name, w.byd.name)
    assert {row["id"] for row in api.get(w.office, "/visits").json()["items"]} == {
        mine.pk,
        theirs.pk,
    }
    assert api.get(w.tongan_office, "/visits").json()["count"] == 0
    assert api.get(w.promoter, f"/visits/{theirs.pk}").status_code == 404
    one = api.get(w.promoter, f"/visits/{mine.pk}").json()
    assert one["days"] == 3 and one["report_due"] == mine.report_due.isoformat()
    assert api.get(w.promoter, "/receptions").json()["items"][0]["id"] == r.pk
    assert api.get(w.other_promoter, f"/receptions/{r.pk}").status_code == 404
    assert api.get(w.reviewer, f"/receptions/{r.pk}").status_code == 200


def test_filters_and_bad_parameters(w, api):
    t = trip(w)
    rows = api.get(w.office, "/visits", year=t.start.year, month=t.start.month).json()
    assert rows["count"] == 1
    assert api.get(w.office, "/visits", month=13).status_code == 422
    assert api.get(w.office, "/visits", colour="red").status_code == 422
    assert api.get(w.office, "/visits", unit=w.other_town.pk).json()["count"] == 0
