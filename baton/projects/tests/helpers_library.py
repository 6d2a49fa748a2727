"""Shared checks of the project action views (submit, move, handoff, milestone, note)."""

import json

from django.urls import reverse

from baton.projects.tests.helpers import db_state

from .helpers_views import HTMX, login


def action_url(name: str, project) -> str:
    return reverse(f"projects:{name}", args=[project.code])


def detail_url(project) -> str:
    return reverse("projects:detail", args=[project.code])


def assert_dialog(response):
    """The htmx answer is the dialog's fragment, not a page."""
    assert "<html" not in response.text
    assert 'class="dialog-head"' in response.text


def assert_page(response):
    assert "<html" in response.text
    assert 'class="dialog-head"' not in response.text


def assert_refused(client, user, url, data, *, status: int, text: str | None = None):
    """``user`` gets ``status`` for GET and POST, plain and htmx, and nothing is written."""
    login(client, user)
    before = db_state()
    for headers in ({}, HTMX):
        for response in (client.get(url, **headers), client.post(url, data, **headers)):
            assert response.status_code == status
            if text:
                assert text in response.text
    assert db_state() == before


def assert_plain_done(client, url, data, project):
    """A POST without htmx redirects to the project page (redirect after POST)."""
    response = client.post(url, data)
    assert response.status_code == 302
    assert response["Location"] == detail_url(project)
    return response


#: The parts of the project page an action's answer swaps in place.
PARTS = ("project-head", "handoff-area", "project-fields", "project-relay", "project-milestones")


def assert_htmx_done(client, url, data, project, *, message: str | None = None):
    """Through htmx, the answer closes the dialog, says what was done, and swaps the
    project page's heading, 待接收, fields, relay, milestones and timeline in place: no
    reload, and no message left waiting for the next page."""
    response = client.post(url, data, **HTMX)
    assert response.status_code == 200, response.text[:500]
    assert "HX-Redirect" not in response
    assert "<html" not in response.text
    triggers = json.loads(response["HX-Trigger"])
    assert "closeDialog" in triggers and "projectChanged" in triggers
    assert triggers["showMessage"]["text"]
    if message is not None:
        assert triggers["showMessage"] == {"text": message}
    for part in (*PARTS, "timeline"):
        assert f'id="{part}" hx-swap-oob="true"' in response.text, part
    page = client.get(detail_url(project))
    if page.status_code == 200:
        assert triggers["showMessage"]["text"] not in page.text
    return response
