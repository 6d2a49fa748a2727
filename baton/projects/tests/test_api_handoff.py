"""The API's back-dated move and handoff (``on``) and a handoff's acceptance, as a
hostile insider would try them."""

import datetime as dt

import pytest
from django.utils import timezone

from baton.accounts.models import User
from baton.projects import permissions
from baton.projects.models import Handoff, ProjectEvent
from baton.projects.tests.test_api import Api, refused
from baton.testing import make_project, make_user

Kind = ProjectEvent.Kind
TODAY = timezone.localdate
RECEIVER_ONLY = permissions.NOT_RECEIVER


@pytest.fixture
def api(client):
    return Api(client)


@pytest.fixture
def project(w):
    created = timezone.now() - dt.timedelta(days=60)
    return make_project(w, name="锂电池隔膜生产基地", investor="厦门示例科技", at=created)


@pytest.fixture
def receiver(w):
    return make_user(User.Role.UNIT_STAFF, username="hq_staff", unit=w.headquarters)


def offer(api, w, project, **body):
    values = {"version": project.version, "to_unit": w.headquarters.pk, "reason": "进入洽谈"}
    return api.post(w.promoter, f"/projects/{project.code}/handoff", {**values, **body})


def days_ago(n: int) -> str:
    return (TODAY() - dt.timedelta(days=n)).isoformat()


# --- on --------------------------------------------------------------------------------------


def test_a_move_takes_the_day_it_happened(api, w, project):
    body = {"version": 1, "stage": "intent", "on": days_ago(3)}
    response = api.post(w.promoter, f"/projects/{project.code}/move", body)

    assert response.status_code == 200, response.content.decode()
    event = project.events.latest("id")
    assert timezone.localtime(event.at).date() == TODAY() - dt.timedelta(days=3)
    assert timezone.localtime(event.at).time() == dt.time(0, 0)


@pytest.mark.parametrize(
    ("on", "reason", "message"),
    [
        (1, "", "发生日期不能晚于今天。"),
        (-31, "", "发生日期早于今天 30 天以上，必须说明原因。"),
        (-61, "补记", "只能补记最近一次动态当天或之后的事"),
        ("昨天", "", "YYYY-MM-DD"),
        ("2024-02-30", "", "不是有效的日期"),
    ],
)
def test_a_move_refuses_a_day_it_cannot_have_happened(api, w, project, on, reason, message):
    on = days_ago(-on) if isinstance(on, int) else on
    body = {"version": 1, "stage": "intent", "on": on, "reason": reason}

    refused(api.post(w.promoter, f"/projects/{project.code}/move", body), 422, message)
    refused(api.post(w.office, f"/projects/{project.code}/move", body), 422, message)
    assert list(project.events.values_list("kind", flat=True)) == [Kind.CREATED]


def test_a_move_more_than_30_days_back_says_why(api, w, project):
    body = {"version": 1, "stage": "intent", "on": days_ago(40), "reason": "补录去年台账"}
    response = api.post(w.office, f"/projects/{project.code}/move", body)

    assert response.status_code == 200, response.content.decode()
    assert project.events.latest("id").reason == "补录去年台账"


def test_a_handoff_takes_the_day_it_happened(api, w, project):
    refused(offer(api, w, project, on=days_ago(-1)), 422, "发生日期不能晚于今天。")
    response = offer(api, w, project, on=days_ago(2))

    assert response.status_code == 200, response.content.decode()
    handoff = Handoff.objects.get()
    assert timezone.localtime(handoff.requested_at).date() == TODAY() - dt.timedelta(days=2)


# --- acceptance ------------------------------------------------------------------------------


def test_a_units_handoff_is_pending_until_accepted(api, w, project, receiver):
    body = offer(api, w, project, relay_role="talks").json()

    assert body["unit"]["id"] == w.town.pk
    assert body["handoff_pending_to"] == {"id": w.headquarters.pk, "name": "新机场片区指挥部"}
    assert body["pending_handoff"]["from_unit"]["id"] == w.town.pk
    assert body["pending_handoff"]["relay_role"] == "talks"
    assert body["actions"]["hand_off"] is False and body["actions"]["withdraw_handoff"] is True
    rows = api.get(w.promoter, "/projects").json()["items"]
    assert [row["handoff_pending_to"]["id"] for row in rows] == [w.headquarters.pk]
    # The receiving unit sees it, with the buttons to answer.
    body = api.get(receiver, f"/projects/{project.code}").json()
    assert body["actions"]["accept_handoff"] is True
    assert body["actions"]["edit"] is False and body["actions"]["move"] is False

    response = api.post(receiver, f"/projects/{project.code}/handoff/accept", {})

    assert response.status_code == 200, response.content.decode()
    body = response.json()
    assert body["unit"]["id"] == w.headquarters.pk and body["talks_unit"]["id"] == w.headquarters.pk
    assert body["pending_handoff"] is None
    kinds = list(project.events.order_by("id").values_list("kind", flat=True))
    assert kinds == [Kind.CREATED, Kind.HANDOFF_REQUESTED, Kind.HANDOFF_ACCEPTED]
    refused(
        api.post(receiver, f"/projects/{project.code}/handoff/accept", {}),
        403,
        RECEIVER_ONLY,
    )


def test_only_the_receiving_unit_answers(api, w, project, receiver):
    offer(api, w, project)
    path = f"/projects/{project.code}/handoff"
    for persona in ("promoter", "office", "reviewer", "leader"):
        user = getattr(w, persona)
        refused(api.post(user, f"{path}/accept", {}), 403, RECEIVER_ONLY)
        refused(api.post(user, f"{path}/decline", {"reason": "不接"}), 403, RECEIVER_ONLY)
    for persona in ("other_promoter", "tongan_office", "sys_admin"):
        user = getattr(w, persona)
        refused(api.post(user, f"{path}/accept", {}), 404)
    assert Handoff.objects.get().state == "pending"
    refused(api.post(receiver, f"{path}/withdraw", {}), 403, permissions.NOT_GIVER)


def test_a_decline_says_why_and_the_project_stays(api, w, project, receiver):
    offer(api, w, project)
    path = f"/projects/{project.code}/handoff/decline"

    refused(api.post(receiver, path, {"reason": "  "}), 422, "拒绝接收必须说明原因。")
    refused(api.post(receiver, path, {}), 422, "必须填写")
    response = api.post(receiver, path, {"reason": "不属于本单位职能"})

    assert response.status_code == 200, response.content.decode()
    assert response.json()["unit"]["id"] == w.town.pk
    timeline = api.get(w.promoter, f"/projects/{project.code}/events").json()
    assert timeline[-1]["kind"] == "handoff_declined"
    assert timeline[-1]["reason"] == "不属于本单位职能"
    # Once declined, the receiving unit no longer sees the project.
    refused(api.get(receiver, f"/projects/{project.code}"), 404)


def test_the_giving_unit_withdraws(api, w, project, receiver):
    offer(api, w, project)

    response = api.post(w.promoter, f"/projects/{project.code}/handoff/withdraw", {})

    assert response.status_code == 200, response.content.decode()
    assert response.json()["actions"]["hand_off"] is True
    assert Handoff.objects.get().state == "withdrawn"
    refused(api.post(receiver, f"/projects/{project.code}/handoff/accept", {}), 404)


def test_an_acceptance_takes_its_day(api, w, project, receiver):
    offer(api, w, project, on=days_ago(5))
    path = f"/projects/{project.code}/handoff/accept"

    refused(api.post(receiver, path, {"on": days_ago(6)}), 422, "只能补记最近一次动态当天")
    response = api.post(receiver, path, {"on": days_ago(4)})

    assert response.status_code == 200, response.content.decode()
    event = project.events.latest("id")
    assert timezone.localtime(event.at).date() == TODAY() - dt.timedelta(days=4)
