"""接力交接 (projects:handoff): pass the baton to another unit of the district."""

import pytest

from baton.org.models import Unit
from baton.projects import services
from baton.projects.models import Handoff, ProjectEvent
from baton.projects.tests.helpers import db_state
from baton.testing import make_project

from .helpers_library import (
    action_url,
    assert_dialog,
    assert_htmx_done,
    assert_page,
    assert_plain_done,
    assert_refused,
)
from .helpers_views import HTMX, login

REASON = "项目选址新机场片区，移交指挥部推进"


@pytest.fixture
def project(w):
    return make_project(w, name="新能源电池项目")


def url(project):
    return action_url("handoff", project)


def data(w, **changes):
    return {"version": 1, "to_unit": w.headquarters.pk, "reason": REASON, **changes}


def test_it_rejects_the_wrong_method(client, w, project):
    login(client, w.promoter)
    assert client.put(url(project), **HTMX).status_code == 405


def test_it_denies_another_unit(client, w, project):
    assert_refused(client, w.other_promoter, url(project), data(w), status=404)


def test_it_is_refused_to_a_leader(client, w, project):
    assert_refused(
        client,
        w.leader,
        url(project),
        data(w),
        status=403,
        text="只有责任单位（马巷街道）或区招商办可以交接项目。",
    )


def test_it_offers_the_other_active_units_of_the_district(client, w, project):
    Unit.objects.create(
        district=w.district, name="已撤销单位", kind=Unit.Kind.TOWN, is_active=False
    )
    login(client, w.promoter)
    dialog = client.get(url(project), **HTMX)
    assert_dialog(dialog)
    assert set(dialog.context["form"].fields["to_unit"].queryset) == {
        w.other_town,
        w.department,
        w.headquarters,
        w.office_unit,
    }
    for text in (
        "当前持棒",
        "马巷街道",
        "交接原因",
        "洽谈推进",
        "落地服务",
        "本单位继续作为协同单位",
        "交接日期",
    ):
        assert text in dialog.text
    assert_page(client.get(url(project)))


def test_a_units_handoff_waits_for_the_receiving_unit(client, w, project):
    login(client, w.promoter)
    response = assert_plain_done(
        client,
        url(project),
        data(w, relay_role="talks", keep_as_co_unit="on"),
        project,
    )
    project.refresh_from_db()
    assert project.unit == w.town and project.talks_unit is None
    handoff = Handoff.objects.get()
    assert (handoff.to_unit, handoff.relay_role, handoff.keep_as_co_unit) == (
        w.headquarters,
        "talks",
        True,
    )
    event = project.events.get(kind=ProjectEvent.Kind.HANDOFF_REQUESTED)
    assert event.reason == REASON
    messages = [str(m) for m in response.wsgi_request._messages]
    assert "已交给新机场片区指挥部，待对方接收；接收前仍由本单位负责。" in messages
    page = client.get(response["Location"]).text
    assert "待接收" in page and "新机场片区指挥部" in page and REASON in page
    assert "撤回交接" in page and ">接力交接<" not in page


def test_the_offices_handoff_takes_effect_with_a_plain_post(client, w, project):
    login(client, w.office)
    response = assert_plain_done(
        client, url(project), data(w, relay_role="talks", keep_as_co_unit="on"), project
    )
    project.refresh_from_db()
    assert project.unit == w.headquarters
    assert project.talks_unit == w.headquarters
    assert set(project.co_units.all()) == {w.town}
    event = project.events.get(kind=ProjectEvent.Kind.HANDED_OFF)
    assert event.reason == REASON
    assert "接力棒已交给新机场片区指挥部。" in [str(m) for m in response.wsgi_request._messages]
    page = client.get(response["Location"]).text
    assert "马巷街道" in page and "新机场片区指挥部" in page and REASON in page


def test_it_hands_off_through_htmx(client, w, project):
    login(client, w.office)
    assert_htmx_done(client, url(project), data(w, to_unit=w.department.pk), project)
    project.refresh_from_db()
    assert project.unit == w.department
    assert project.talks_unit is None


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"reason": ""}, "reason", "请说明交接原因。"),
        ({"reason": "   "}, "reason", "请说明交接原因。"),
        ({"to_unit": ""}, "to_unit", "请选择接棒单位。"),
        ({"to_unit": "999999"}, "to_unit", "所选项不存在或不可选，请重新选择。"),
        ({"to_unit": "马巷"}, "to_unit", "所选项不存在或不可选，请重新选择。"),
        ({"relay_role": "boss"}, "relay_role", "所选项不存在或不可选，请重新选择。"),
    ],
)
def test_it_explains_bad_input_in_chinese(client, w, project, changes, field, message):
    login(client, w.promoter)
    before = db_state()
    for headers in ({}, HTMX):
        response = client.post(url(project), data(w, **changes), **headers)
        assert response.status_code == 422
        assert response.context["form"].errors[field] == [message]
        assert message in response.text
    assert db_state() == before


def test_it_refuses_the_holder_itself_and_other_districts(client, w, project):
    login(client, w.promoter)
    for unit in (w.town, w.tongan_unit):
        response = client.post(url(project), data(w, to_unit=unit.pk), **HTMX)
        assert response.status_code == 422
        assert "所选项不存在或不可选" in response.text
    assert Unit.objects.get(pk=w.town.pk).projects.get() == project


def test_it_tells_of_a_conflict(client, w, project):
    services.project_update(project=project, actor=w.office, changes={"name": "改名项目"})
    login(client, w.promoter)
    for headers in ({}, HTMX):
        response = client.post(url(project), data(w), **headers)
        assert response.status_code == 409
        assert "您编辑的是第 1 版，当前是第 2 版" in response.text
    project.refresh_from_db()
    assert project.unit == w.town
