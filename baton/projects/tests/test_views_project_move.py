"""阶段变更 (projects:move): the target's required fields asked for in the dialog."""

import datetime as dt

import pytest

from baton.projects import services
from baton.projects.models import Milestone, ProjectEvent
from baton.projects.tests.helpers import db_state
from baton.testing import make_project, stage

from .helpers_library import (
    action_url,
    assert_dialog,
    assert_htmx_done,
    assert_page,
    assert_plain_done,
    assert_refused,
)
from .helpers_views import HTMX, login


@pytest.fixture
def project(w):
    return make_project(w, name="新能源电池项目", stage=stage("intent"))


def url(project):
    return action_url("move", project)


def test_it_rejects_the_wrong_method(client, w, project):
    login(client, w.promoter)
    assert client.put(url(project)).status_code == 405


def test_it_denies_another_unit(client, w, project):
    data = {"version": 1, "stage": stage("negotiating").pk, "investor": "某公司"}
    assert_refused(client, w.other_promoter, url(project), data, status=404)


def test_it_is_refused_to_a_leader(client, w, project):
    data = {"version": 1, "stage": stage("planning").pk, "reason": "退回"}
    assert_refused(
        client,
        w.leader,
        url(project),
        data,
        status=403,
        text="只有责任单位（马巷街道）或区招商办可以变更阶段。",
    )


def test_it_offers_the_other_stages(client, w, project):
    login(client, w.promoter)
    dialog = client.get(url(project), **HTMX)
    assert_dialog(dialog)
    assert set(dialog.context["form"].fields["stage"].queryset) == {
        stage("planning"),
        stage("negotiating"),
        stage("landed"),
        stage("stopped"),
    }
    assert "当前阶段" in dialog.text and "意向" in dialog.text
    assert 'hx-get="' in dialog.text  # choosing a stage fetches its required fields
    assert_page(client.get(url(project)))


def test_it_asks_for_the_fields_the_target_stage_requires(client, w, project):
    login(client, w.promoter)
    dialog = client.get(url(project), {"stage": stage("landed").pk}, **HTMX)
    assert "进入“落地”阶段前须填写：投资方、签约日期。" in dialog.text
    assert 'name="investor"' in dialog.text and 'name="signed_on"' in dialog.text
    dialog = client.get(url(project), {"stage": stage("negotiating").pk}, **HTMX)
    assert 'name="investor"' in dialog.text and 'name="signed_on"' not in dialog.text
    dialog = client.get(url(project), {"stage": "garbage"}, **HTMX)
    assert dialog.status_code == 200 and 'name="investor"' not in dialog.text


def test_it_lands_a_project_with_a_plain_post(client, w, project):
    login(client, w.promoter)
    data = {
        "version": 1,
        "stage": stage("landed").pk,
        "investor": "宁德时代",
        "signed_on": "2024-03-01",
    }
    assert_plain_done(client, url(project), data, project)
    project.refresh_from_db()
    assert project.stage == stage("landed")
    assert project.investor == "宁德时代"
    assert project.milestones.get().date == dt.date(2024, 3, 1)
    event = project.events.get(kind=ProjectEvent.Kind.MOVED)
    assert event.new == {"stage": stage("landed").pk, "investor": "宁德时代"}


def test_it_moves_through_htmx(client, w, project):
    login(client, w.office)
    data = {"version": 1, "stage": stage("negotiating").pk, "investor": "宁德时代"}
    assert_htmx_done(client, url(project), data, project)
    project.refresh_from_db()
    assert project.stage == stage("negotiating")


def test_it_requires_the_target_stages_fields(client, w, project):
    login(client, w.promoter)
    before = db_state()
    data = {"version": 1, "stage": stage("landed").pk, "investor": "", "signed_on": ""}
    for headers in ({}, HTMX):
        response = client.post(url(project), data, **headers)
        assert response.status_code == 422
        errors = response.context["form"].errors
        assert errors["investor"] == ["进入“落地”阶段须填写投资方。"]
        assert errors["signed_on"] == ["进入“落地”阶段须填写签约日期。"]
    assert_dialog(response)
    assert db_state() == before


def test_it_does_not_ask_again_for_a_recorded_signing_date(client, w):
    project = make_project(w, investor="宁德时代", stage=stage("negotiating"))
    services.milestone_record(
        project=project, kind=Milestone.Kind.SIGNED, date=dt.date(2024, 1, 5), actor=w.promoter
    )
    login(client, w.promoter)
    data = {"version": 1, "stage": stage("landed").pk, "investor": "宁德时代", "signed_on": ""}
    assert_plain_done(client, url(project), data, project)
    project.refresh_from_db()
    assert project.stage == stage("landed")


@pytest.mark.parametrize("target", ["planning", "stopped"])
def test_it_requires_a_reason_to_go_back_or_stop(client, w, project, target):
    login(client, w.promoter)
    before = db_state()
    data = {"version": 1, "stage": stage(target).pk, "reason": "  "}
    response = client.post(url(project), data, **HTMX)
    assert response.status_code == 422
    assert response.context["form"].errors["reason"] == ["请说明原因。"]
    assert db_state() == before
    confirmed = {**data, "reason": "投资方暂缓", "confirm": "on"}
    response = client.post(url(project), confirmed, **HTMX)
    assert response.status_code == 200
    project.refresh_from_db()
    assert project.stage == stage(target)


def test_stopping_a_project_must_be_confirmed(client, w, project):
    login(client, w.promoter)
    dialog = client.get(url(project), {"stage": stage("stopped").pk}, **HTMX)
    assert 'name="confirm"' in dialog.text and "我确认将项目转为“中止”" in dialog.text
    assert 'name="confirm"' not in client.get(url(project), {"stage": stage("planning").pk}).text
    before = db_state()
    data = {"version": 1, "stage": stage("stopped").pk, "reason": "投资方暂缓"}
    response = client.post(url(project), data, **HTMX)
    assert response.status_code == 422
    assert response.context["form"].errors["confirm"] == ["请先勾选确认，再提交。"]
    assert db_state() == before
    response = client.post(url(project), {**data, "confirm": "on"})
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.stage == stage("stopped")
    assert "已将项目转入“中止”阶段。" in client.get(response.url).text


def test_it_requires_a_reason_to_resume_a_stopped_project(client, w, project):
    services.project_move(project=project, stage=stage("stopped"), actor=w.promoter, reason="暂停")
    login(client, w.promoter)
    data = {"version": project.version, "stage": stage("intent").pk}
    response = client.post(url(project), data)
    assert response.status_code == 422
    assert "请说明原因。" in response.text


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"stage": "999999"}, "stage", "所选项不存在或不可选，请重新选择。"),
        ({"stage": "abc"}, "stage", "所选项不存在或不可选，请重新选择。"),
        ({"stage": ""}, "stage", "请选择目标阶段。"),
        ({"stage": "INTENT"}, "stage", "所选项不存在或不可选，请重新选择。"),
        (
            {"stage": "LANDED", "investor": "某公司", "signed_on": "2019-13-45"},
            "signed_on",
            "日期格式不正确，应为 年-月-日，如 2024-03-01。",
        ),
    ],
)
def test_it_explains_garbage_in_chinese(client, w, project, data, field, message):
    data = {
        key: (stage(value.lower()).pk if value in ("INTENT", "LANDED") else value)
        for key, value in data.items()
    }
    login(client, w.promoter)
    before = db_state()
    response = client.post(url(project), {"version": 1, **data}, **HTMX)
    assert response.status_code == 422
    assert response.context["form"].errors[field] == [message]
    assert db_state() == before


def test_it_refuses_a_future_signing_date(client, w, project):
    login(client, w.promoter)
    future = dt.date.today() + dt.timedelta(days=30)
    data = {"version": 1, "stage": stage("landed").pk, "investor": "某公司", "signed_on": future}
    response = client.post(url(project), data)
    assert response.status_code == 422
    assert "日期不能晚于今天。" in response.text


def test_it_tells_of_a_conflict(client, w, project):
    services.project_update(project=project, actor=w.office, changes={"name": "改名项目"})
    login(client, w.promoter)
    data = {"version": 1, "stage": stage("negotiating").pk, "investor": "某公司"}
    response = client.post(url(project), data, **HTMX)
    assert response.status_code == 409
    assert "已被他人修改" in response.text
    project.refresh_from_db()
    assert project.stage == stage("intent")


def test_landing_keeps_the_note_of_the_signing_date_the_dialog_prefills(client, w):
    project = make_project(w, investor="宁德时代", stage=stage("negotiating"))
    signed_on = dt.date(2024, 1, 5)
    services.milestone_record(
        project=project,
        kind=Milestone.Kind.SIGNED,
        date=signed_on,
        note="合同已签",
        actor=w.promoter,
    )
    events = project.events.count()
    login(client, w.promoter)
    dialog = client.get(url(project), {"stage": stage("landed").pk}, **HTMX)
    prefilled = dialog.context["form"]["signed_on"].value()
    assert prefilled == signed_on and 'value="2024-01-05"' in dialog.text
    data = {"version": project.version, "stage": stage("landed").pk, "investor": "宁德时代"}
    assert_plain_done(client, url(project), {**data, "signed_on": "2024-01-05"}, project)
    project.refresh_from_db()
    assert project.stage == stage("landed")
    assert project.milestones.values_list("date", "note").get() == (signed_on, "合同已签")
    kinds = project.events.order_by("id").values_list("kind", flat=True)[events:]
    assert list(kinds) == [ProjectEvent.Kind.MOVED]
