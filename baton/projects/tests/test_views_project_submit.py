"""上报 (projects:submit): a dialog with the possible duplicates, then the service."""

import pytest

from baton.projects import services
from baton.projects.models import ReviewState
from baton.projects.tests.helpers import db_state
from baton.testing import admit, make_project

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
    return make_project(w, name="新能源电池项目", investor="宁德时代", investment="10000")


def url(project):
    return action_url("submit", project)


def test_it_rejects_the_wrong_method(client, w, project):
    login(client, w.promoter)
    assert client.put(url(project)).status_code == 405
    assert client.delete(url(project), **HTMX).status_code == 405


def test_it_denies_another_unit(client, w, project):
    assert_refused(client, w.other_promoter, url(project), {"version": 1}, status=404)


def test_it_is_refused_to_those_who_do_not_hold_the_project(client, w, project):
    for user in (w.office, w.leader, w.reviewer):
        assert_refused(
            client,
            user,
            url(project),
            {"version": 1},
            status=403,
            text="只有责任单位（马巷街道）可以上报草稿或已退回的项目",
        )


def test_it_shows_the_dialog_with_the_possible_duplicates(client, w, project):
    other = make_project(
        w,
        name="新能源电池生产基地项目",
        investor="宁德时代",
        unit=w.other_town,
        actor=w.other_promoter,
    )
    services.project_submit(project=other, actor=w.other_promoter)
    login(client, w.promoter)

    dialog = client.get(url(project), **HTMX)
    page = client.get(url(project))

    assert dialog.status_code == page.status_code == 200
    assert_dialog(dialog)
    assert_page(page)
    for response in (dialog, page):
        assert "发现 1 个疑似重复项目（项目撞车）" in response.text
        assert other.code in response.text
        assert "投资方相同" in response.text
        # 新店街道's project is not the promoter's to open: no link to it, no name, only
        # its code and unit so that the two units can talk.
        assert f'href="/projects/{other.code}/"' not in response.text
        assert "新能源电池生产基地" not in response.text
        assert f"{other.code}（新店街道的项目）" in response.text
        assert 'name="version" value="1"' in response.text
    assert 'hx-post="' in dialog.text and 'hx-post="' not in page.text


def test_it_submits_with_a_plain_post(client, w, project):
    login(client, w.promoter)
    response = assert_plain_done(client, url(project), {"version": 1}, project)
    project.refresh_from_db()
    assert project.review_state == ReviewState.SUBMITTED
    assert "已上报“新能源电池项目”，等待审核。" in [str(m) for m in response.wsgi_request._messages]


def test_it_submits_through_htmx(client, w, project):
    login(client, w.promoter)
    assert_htmx_done(client, url(project), {"version": 1}, project)
    project.refresh_from_db()
    assert project.review_state == ReviewState.SUBMITTED


def test_it_explains_an_incomplete_project(client, w):
    project = make_project(w, investment="0")
    login(client, w.promoter)
    before = db_state()
    for headers in ({}, HTMX):
        response = client.post(url(project), {"version": 1}, **headers)
        assert response.status_code == 422
        assert "项目信息不完整，不能上报：总投资必须大于 0。" in response.text
    assert_dialog(response)
    assert db_state() == before


def test_it_tells_of_a_conflict(client, w, project):
    services.project_update(project=project, actor=w.office, changes={"name": "改名项目"})
    login(client, w.promoter)
    for headers in ({}, HTMX):
        response = client.post(url(project), {"version": 1}, **headers)
        assert response.status_code == 409
        assert "已被他人修改" in response.text
        assert "刷新项目页面" in response.text
    project.refresh_from_db()
    assert project.review_state == ReviewState.DRAFT


@pytest.mark.parametrize("version", ["", "abc", "0", "1.5", "99999999999999999999999"])
def test_it_refuses_a_garbage_version(client, w, project, version):
    login(client, w.promoter)
    before = db_state()
    response = client.post(url(project), {"version": version}, **HTMX)
    assert response.status_code in (409, 422)
    assert "刷新" in response.text
    assert db_state() == before


def test_it_is_refused_once_submitted(client, w, project):
    admit(w, project)
    assert_refused(
        client,
        w.promoter,
        url(project),
        {"version": project.version},
        status=403,
        text="该项目当前为“已入库”",
    )
