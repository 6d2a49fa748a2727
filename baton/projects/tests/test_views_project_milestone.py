"""里程碑 (projects:milestone): record or correct a dated fact of a project."""

import datetime as dt

import pytest

from baton.projects import services
from baton.projects.models import Milestone
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

TODAY = dt.date.today()
SIGNED = TODAY - dt.timedelta(days=30)


@pytest.fixture
def landed(w):
    return make_project(w, investor="宁德时代", stage=stage("landed"), signed_on=SIGNED)


def url(project):
    return action_url("milestone", project)


def data(**changes):
    return {"kind": "started", "date": (TODAY - dt.timedelta(days=2)).isoformat(), **changes}


def test_it_rejects_the_wrong_method(client, w, landed):
    login(client, w.promoter)
    assert client.patch(url(landed)).status_code == 405


def test_it_denies_another_unit(client, w, landed):
    assert_refused(client, w.other_promoter, url(landed), data(), status=404)


def test_it_is_refused_to_a_leader(client, w, landed):
    assert_refused(
        client,
        w.leader,
        url(landed),
        data(),
        status=403,
        text="只有责任单位（马巷街道）或区招商办可以记录里程碑。",
    )


def test_it_is_refused_for_a_stopped_project(client, w):
    project = make_project(w)
    services.project_move(project=project, stage=stage("stopped"), actor=w.promoter, reason="撤资")
    assert_refused(
        client, w.promoter, url(project), data(), status=403, text="“中止”的项目不能记录里程碑"
    )
    assert "只有责任单位" not in client.get(url(project)).text


def test_it_offers_only_signing_before_landing(client, w, landed):
    login(client, w.promoter)
    dialog = client.get(url(landed), **HTMX)
    assert_dialog(dialog)
    assert [k for k, _ in dialog.context["form"].fields["kind"].choices] == Milestone.Kind.values
    assert_page(client.get(url(landed)))

    early = make_project(w, stage=stage("intent"))
    dialog = client.get(url(early), **HTMX)
    assert [k for k, _ in dialog.context["form"].fields["kind"].choices] == ["signed"]
    assert "落地前只能记录签约" in dialog.text


def test_it_records_with_a_plain_post(client, w, landed):
    login(client, w.promoter)
    response = assert_plain_done(client, url(landed), data(note="举行开工仪式"), landed)
    started = landed.milestones.get(kind="started")
    assert started.date == TODAY - dt.timedelta(days=2) and started.note == "举行开工仪式"
    assert "已记录开工日期。" in [str(m) for m in response.wsgi_request._messages]


def test_it_corrects_through_htmx(client, w, landed):
    login(client, w.office)
    assert_htmx_done(client, url(landed), data(kind="signed", date=TODAY.isoformat()), landed)
    assert landed.milestones.get(kind="signed").date == TODAY


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"date": "2019-13-45"}, "date", "日期格式不正确，应为 年-月-日，如 2024-03-01。"),
        ({"date": "昨天"}, "date", "日期格式不正确，应为 年-月-日，如 2024-03-01。"),
        ({"date": ""}, "date", "请填写日期。"),
        ({"kind": "party"}, "kind", "所选项不存在或不可选，请重新选择。"),
        ({"note": "长" * 201}, "note", "不能超过 200 个字（现有 201 个）。"),
    ],
)
def test_it_explains_bad_input_in_chinese(client, w, landed, changes, field, message):
    login(client, w.promoter)
    before = db_state()
    for headers in ({}, HTMX):
        response = client.post(url(landed), data(**changes), **headers)
        assert response.status_code == 422
        assert response.context["form"].errors[field] == [message]
    assert db_state() == before


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"date": (TODAY + dt.timedelta(days=3)).isoformat()}, "日期不能晚于今天。"),
        ({"date": "1980-01-01"}, "日期不能早于 1990 年。"),
        (
            {"kind": "in_production", "date": (SIGNED - dt.timedelta(days=400)).isoformat()},
            None,
        ),
    ],
)
def test_it_shows_the_services_refusals(client, w, landed, changes, message):
    services.milestone_record(project=landed, kind="started", date=SIGNED, actor=w.promoter)
    login(client, w.promoter)
    before = db_state()
    response = client.post(url(landed), data(**changes), **HTMX)
    assert response.status_code == 422
    assert_dialog(response)
    assert (message or "不能早于开工日期") in response.text
    assert db_state() == before
