"""No page of the library answers garbage with a 500."""

import pytest
from django.urls import reverse

from baton.projects.tests.helpers import db_state
from baton.testing import make_project

from .helpers_views import HTMX, login

GARBAGE = [
    {},
    {"version": "abc", "stage": "abc", "to_unit": "abc", "kind": "abc", "date": "2019-13-45"},
    {"version": "-1", "stage": "-1", "to_unit": "-1", "relay_role": "-1", "text": "\x00"},
    {"version": "1e9", "stage": "1.5", "investment": "NaN", "land_area_mu": "Infinity"},
    {"version": ["1", "2"], "stage": ["1", "2"], "co_units": ["a", "b"], "date": "0000-00-00"},
    {"investment": "9" * 400, "name": "x" * 10000, "signed_on": "99999-01-01"},
    {"cursor": "%%", "sort": "\u202e", "amount_min": "1e999999", "stage": "999999999999999999999"},
]
NAMES = ["list", "create", "detail", "edit", "submit", "move", "handoff", "milestone", "note"]


def url(name, project):
    if name in ("list", "create"):
        return reverse(f"projects:{name}")
    return reverse(f"projects:{name}", args=[project.code])


@pytest.mark.parametrize("name", NAMES)
def test_it_never_answers_garbage_with_a_500(client, w, name):
    project = make_project(w)
    login(client, w.promoter)
    before = db_state()
    for data in GARBAGE:
        for headers in ({}, HTMX):
            get = client.get(url(name, project), data, **headers)
            assert get.status_code < 500, (name, data)
            if name not in ("list", "detail"):
                post = client.post(url(name, project), data, **headers)
                assert post.status_code in (400, 403, 409, 422), (name, data, post.status_code)
    assert db_state() == before


def test_it_answers_404_for_codes_that_are_not_projects(client, w):
    login(client, w.promoter)
    for code in ("0", "350213-2019-0042", "1-%E4%B8%AD", "9" * 40):
        assert client.get(f"/projects/{code}/").status_code == 404
        assert client.post(f"/projects/{code}/note/", {"text": "x"}).status_code == 404
