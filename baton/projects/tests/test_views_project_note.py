"""跟进记录 (projects:note): anyone on the relay adds a note to the timeline."""

import json

import pytest

from baton.projects.models import ProjectEvent
from baton.projects.tests.helpers import db_state
from baton.testing import make_project

from .helpers_library import (
    action_url,
    assert_dialog,
    assert_page,
    assert_plain_done,
    assert_refused,
)
from .helpers_views import HTMX, login

TEXT = "今日与投资方洽谈用地需求，对方要求 200 亩"


@pytest.fixture
def project(w):
    return make_project(w, name="新能源电池项目")


def url(project):
    return action_url("note", project)


def test_it_rejects_the_wrong_method(client, w, project):
    login(client, w.promoter)
    assert client.put(url(project), {"text": TEXT}).status_code == 405


def test_it_denies_another_unit(client, w, project):
    assert_refused(client, w.other_promoter, url(project), {"text": TEXT}, status=404)


def test_it_shows_the_dialog_and_the_page(client, w, project):
    login(client, w.leader)
    assert_dialog(client.get(url(project), **HTMX))
    assert_page(client.get(url(project)))


def test_it_adds_a_note_with_a_plain_post(client, w, project):
    login(client, w.promoter)
    assert_plain_done(client, url(project), {"text": TEXT}, project)
    event = project.events.get(kind=ProjectEvent.Kind.NOTE)
    assert (event.reason, event.actor) == (TEXT, w.promoter)


def test_it_adds_a_note_through_htmx_and_refreshes_the_timeline(client, w, project):
    login(client, w.reviewer)
    response = client.post(url(project), {"text": TEXT}, **HTMX)
    assert response.status_code == 200
    triggers = json.loads(response["HX-Trigger"])
    assert "closeDialog" in triggers and triggers["showMessage"] == {"text": "已添加跟进记录。"}
    assert 'id="timeline" hx-swap-oob="true"' in response.text
    assert TEXT in response.text
    assert "<html" not in response.text
    assert project.events.filter(kind=ProjectEvent.Kind.NOTE).count() == 1
    # No message is left waiting for the next page: the dialog answered in place.
    page = client.get(f"/projects/{project.code}/")
    assert "已添加跟进记录" not in page.text


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "请填写跟进内容。"),
        ("   ", "请填写跟进内容。"),
        ("字" * 2001, "不能超过 2000 个字（现有 2001 个）。"),
    ],
)
def test_it_explains_bad_input_in_chinese(client, w, project, text, message):
    login(client, w.promoter)
    before = db_state()
    for headers in ({}, HTMX):
        response = client.post(url(project), {"text": text}, **headers)
        assert response.status_code == 422
        assert response.context["form"].errors["text"] == [message]
    assert_dialog(response)
    assert db_state() == before
