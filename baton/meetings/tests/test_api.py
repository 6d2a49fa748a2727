"""/api/v1/meetings: the pages' rules over the API."""

import pytest

from baton.projects.tests.test_api import Api
from baton.supervision.services import supervision_report

from .. import rules, services, services_decisions
from ..models import Decision, Meeting
from .helpers import in_days, last_month


@pytest.fixture
def api(client):
    return Api(client)


def test_the_office_opens_a_meeting_records_and_closes_decisions(w, api):
    created = api.post(w.office, "/meetings", {})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["month"] == f"{last_month():%Y-%m}"
    assert body["agenda"][0]["kind"] == "figures" and "在库项目 2 个" in body["agenda"][0]["text"]
    pk = body["id"]
    bad = api.post(
        w.office, f"/meetings/{pk}/decisions",
        {"text": "推进签约", "deadline": in_days(9).isoformat(), "project": w.p1.pk},
    )  # fmt: skip
    assert bad.status_code == 422 and services_decisions.LEADER_NEEDED in str(bad.json())
    ok = api.post(
        w.office, f"/meetings/{pk}/decisions",
        {"text": "推进签约", "deadline": in_days(9).isoformat(), "project": w.p1.pk,
         "owner_person": w.leader_person.pk, "version": body["version"]},
    )  # fmt: skip
    assert ok.status_code == 201, ok.content
    decision = ok.json()
    assert (
        decision["supervision"]
        and decision["open"]
        and decision["owner_unit"]["name"] == "马巷街道"
    )
    stale = api.post(
        w.office, f"/meetings/{pk}/decisions",
        {"text": "再一项", "deadline": in_days(9).isoformat(), "owner_unit": w.town.pk,
         "version": body["version"]},
    )  # fmt: skip
    assert stale.status_code == 409
    close = f"/meetings/decisions/{decision['id']}/close"
    refused = api.post(w.office, close, {"note": "完成"})
    assert refused.status_code == 422 and services_decisions.NOT_REPORTED in str(refused.json())
    supervision_report(
        supervision=Decision.objects.get(pk=decision["id"]).supervision,
        actor=w.promoter,
        response="已签约",
    )
    assert api.post(w.promoter, close, {"note": "完成"}).status_code == 403
    done = api.post(w.office, close, {"note": "确认办结"})
    assert done.status_code == 200 and done.json()["open"] is False
    detail = api.get(w.office, f"/meetings/{pk}").json()
    assert [d["number"] for d in detail["decisions"]] == [1]


def test_the_api_is_scoped_like_the_pages(w, api):
    meeting = services.meeting_create(actor=w.office)
    services_decisions.decision_record(
        meeting=meeting, actor=w.office, text="梳理", deadline=in_days(3), owner_unit=w.town
    )
    assert api.get(w.office, "/meetings").json()["count"] == 1
    assert api.get(w.reviewer, "/meetings").json()["count"] == 1
    assert api.get(w.tongan_office, "/meetings").json()["count"] == 0
    assert api.get(w.tongan_office, f"/meetings/{meeting.pk}").status_code == 404
    unit = api.get(w.promoter, f"/meetings/{meeting.pk}").json()
    assert unit["agenda"] == [] and unit["minutes"] == "" and len(unit["decisions"]) == 1
    assert api.get(w.other_promoter, f"/meetings/{meeting.pk}").status_code == 404
    response = api.post(w.leader, "/meetings", {})
    assert response.status_code == 403 and rules.NOT_THE_OFFICE in response.json()["detail"]
    assert api.post(w.office, "/meetings", {"month": "2026-13"}).status_code == 422
    assert api.get(w.office, "/meetings", bogus=1).status_code in (400, 422)
    assert Meeting.objects.count() == 1
