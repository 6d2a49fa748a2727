import pytest

from baton.projects.tests.test_api import Api

from .. import services
from ..models import Trip
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


def test_recording_over_the_api_follows_the_pages_rules(w, api):
    from baton.land.tests.helpers import make_parcel

    body = {
        "title": "赴深圳", "start": days_ago(3).isoformat(), "end": days_ago(2).isoformat(),
        "destinations": "深圳", "members": [w.zhang.pk], "companies": [w.catl.pk, w.byd.pk],
    }  # fmt: skip
    created = api.post(w.promoter, "/visits", body)
    assert created.status_code == 201, created.content.decode()
    assert created.json()["unit"]["name"] == "马巷街道" and len(created.json()["companies"]) == 2
    pk = created.json()["id"]
    assert api.post(w.reviewer, "/visits", body).status_code == 403
    assert api.post(w.office, "/visits", body).status_code == 422  # no unit named
    office = api.post(w.office, "/visits", {**body, "unit": w.other_town.pk})
    assert office.status_code == 201 and office.json()["unit"]["name"] == "新店街道"
    bad = api.post(w.promoter, "/visits", {**body, "end": days_ago(5).isoformat()})
    assert bad.status_code == 422 and "end" in bad.json()["errors"]
    assert api.post(w.promoter, "/visits", {**body, "companies": [999999]}).status_code == 422
    assert Trip.objects.count() == 2
    report = f"/visits/{pk}/report"
    assert api.post(w.other_promoter, report, {"report": "报送"}).status_code == 404
    assert api.post(w.leader, report, {"report": "报送"}).status_code == 403
    assert api.post(w.promoter, report, {"report": "  "}).status_code == 422
    filed = api.post(w.promoter, report, {"report": "拜访两家"})
    assert filed.status_code == 200 and filed.json()["reported_at"]
    parcel = make_parcel(w, "XA-01")
    r = api.post(
        w.promoter,
        "/receptions",
        {"date": days_ago(1).isoformat(), "visitors": "王总", "companies": [w.catl.pk],
         "parcels": [parcel.pk]},
    )  # fmt: skip
    assert r.status_code == 201 and r.json()["parcels"] == ["XA-01"]
    assert api.post(w.promoter, "/receptions", {"date": days_ago(1).isoformat(),
                    "visitors": "王总"}).status_code == 422  # fmt: skip
