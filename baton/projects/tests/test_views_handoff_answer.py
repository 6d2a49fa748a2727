"""接收 / 拒绝 / 撤回 a handoff on the project page, and the day a move happened."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from baton.accounts.models import User
from baton.projects import permissions, services
from baton.projects.models import Handoff, ProjectEvent
from baton.testing import make_project, make_user, stage

from .helpers_library import action_url, assert_dialog, assert_plain_done, assert_refused
from .helpers_views import HTMX, login

Kind = ProjectEvent.Kind


@pytest.fixture
def project(w):
    created = timezone.now() - dt.timedelta(days=40)
    project = make_project(w, name="新能源电池项目", at=created)
    services.project_handoff(
        project=project, to_unit=w.headquarters, actor=w.promoter, reason="选址在新机场片区"
    )
    return project


@pytest.fixture
def receiver(w):
    return make_user(User.Role.UNIT_STAFF, username="hq_staff", unit=w.headquarters)


def test_the_receiving_unit_sees_the_buttons_and_the_giver_withdraws(client, w, project, receiver):
    login(client, receiver)
    page = client.get(reverse("projects:detail", args=[project.code])).text
    assert "待接收" in page and "接收期限" in page
    assert action_url("handoff_accept", project) in page
    assert action_url("handoff_decline", project) in page
    assert action_url("handoff_withdraw", project) not in page
    login(client, w.promoter)
    page = client.get(reverse("projects:detail", args=[project.code])).text
    assert action_url("handoff_withdraw", project) in page
    assert action_url("handoff_accept", project) not in page
    # The library shows it beside the holder.
    assert "待接收" in client.get(reverse("projects:list")).text


def test_the_receiving_unit_accepts(client, w, project, receiver):
    login(client, receiver)
    dialog = client.get(action_url("handoff_accept", project), **HTMX)
    assert_dialog(dialog)
    assert "马巷街道" in dialog.text and "选址在新机场片区" in dialog.text

    assert_plain_done(client, action_url("handoff_accept", project), {}, project)

    project.refresh_from_db()
    assert project.unit == w.headquarters
    assert Handoff.objects.get().state == "accepted"
    page = client.get(reverse("projects:detail", args=[project.code])).text
    assert "接收交接" in page and "已接收，自即日起为责任单位" in page


@pytest.mark.parametrize("persona", ["promoter", "office", "leader", "reviewer"])
def test_anyone_else_is_refused_with_403(client, w, project, persona):
    for name in ("handoff_accept", "handoff_decline"):
        assert_refused(
            client,
            getattr(w, persona),
            action_url(name, project),
            {"reason": "不接"},
            status=403,
            text=permissions.NOT_RECEIVER,
        )


def test_other_districts_and_admins_do_not_see_it(client, w, project):
    for user in (w.tongan_office, w.other_promoter):
        assert_refused(client, user, action_url("handoff_accept", project), {}, status=404)


def test_a_decline_needs_its_reason(client, w, project, receiver):
    login(client, receiver)
    url = action_url("handoff_decline", project)
    for headers in ({}, HTMX):
        response = client.post(url, {"reason": "  "}, **headers)
        assert response.status_code == 422
        assert "拒绝接收必须说明原因。" in response.text
    assert Handoff.objects.get().state == "pending"

    assert_plain_done(client, url, {"reason": "不属于本单位职能"}, project)

    assert Handoff.objects.get().state == "declined"
    login(client, w.promoter)
    page = client.get(reverse("projects:detail", args=[project.code])).text
    assert "拒绝接收交接" in page and "不属于本单位职能" in page


def test_the_receiver_cannot_withdraw_and_the_giver_can(client, w, project, receiver):
    assert_refused(
        client,
        receiver,
        action_url("handoff_withdraw", project),
        {},
        status=403,
        text=permissions.NOT_GIVER,
    )
    login(client, w.promoter)
    assert_plain_done(client, action_url("handoff_withdraw", project), {}, project)
    assert Handoff.objects.get().state == "withdrawn"


def test_a_move_takes_the_day_typed(client, w):
    project = make_project(w, name="氢能项目", at=timezone.now() - dt.timedelta(days=40))
    login(client, w.promoter)
    url = action_url("move", project)
    day = timezone.localdate() - dt.timedelta(days=35)
    data = {"version": 1, "stage": stage("intent").pk, "on": day.isoformat()}

    response = client.post(url, data, **HTMX)
    assert response.status_code == 422
    assert "发生日期早于今天 30 天以上，必须说明原因。" in response.text
    future = timezone.localdate() + dt.timedelta(days=1)
    response = client.post(url, {**data, "on": future.isoformat()}, **HTMX)
    assert "发生日期不能晚于今天。" in response.text

    assert_plain_done(client, url, {**data, "reason": "补录"}, project)
    event = project.events.get(kind=Kind.MOVED)
    assert timezone.localtime(event.at).date() == day
