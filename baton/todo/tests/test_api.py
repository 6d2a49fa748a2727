import datetime as dt

import pytest

from baton.accounts.api_auth import token_create
from baton.accounts.models import User
from baton.todo.selectors import ADMINS_HAVE_NO_TODO

from .helpers import TODAY, make_todo_world

#: What each persona finds in its list, as (kind, project attribute of the world).
EXPECTED = {
    "promoter": [
        ("idle", "idle"),
        ("handoff", "handed"),
        ("supervision", "idle"),
        ("returned", "returned"),
        ("draft", "draft"),
    ],
    "other_promoter": [("problem", "idle"), ("draft", "handed")],
    "office": [("idle", "idle"), ("handoff_overdue", "handed"), ("review", "submitted")],
    "tongan_office": [],
    "reviewer": [("review", "approved")],
    "leader": [("idle", "idle"), ("supervision", "idle")],
}
ADMINS = {"sys_admin", "sec_admin", "audit_admin"}


@pytest.fixture
def t(w, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *args: TODAY)
    return make_todo_world(w)


def get(client, user, path="/api/v1/todo", **headers):
    secret = token_create(user=user)[1]
    return client.get(path, headers={"Authorization": f"Bearer {secret}", **headers})


def test_every_role_is_covered():
    roles = {persona_role for persona_role in User.Role.values}
    assert roles == {"unit_staff", "district_office", "city_reviewer", "leader"} | ADMINS


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_it_lists_each_business_roles_items(client, w, t, persona):
    response = get(client, getattr(w, persona))
    assert response.status_code == 200, response.content.decode()
    body = response.json()
    expected = [(kind, getattr(t, attr).code) for kind, attr in EXPECTED[persona]]
    assert [(item["kind"], item["project"]) for item in body["items"]] == expected
    assert body["count"] == len(expected)
    assert body["overdue"] == sum(item["overdue"] for item in body["items"])
    for item in body["items"]:
        assert set(item) == {"kind", "title", "project", "due", "url", "overdue"}
        assert item["url"].startswith("/") and item["title"]
        if item["due"] is not None:
            assert item["overdue"] == (dt.date.fromisoformat(item["due"]) < TODAY)


def test_the_roles_of_the_world_are_all_tried(w):
    tried = {getattr(w, persona).role for persona in [*EXPECTED, *ADMINS]}
    assert tried == set(User.Role.values)


@pytest.mark.parametrize("persona", sorted(ADMINS))
def test_the_administrators_get_the_rule(client, w, t, persona):
    response = get(client, getattr(w, persona))
    assert response.status_code == 403
    assert response.json() == {"detail": ADMINS_HAVE_NO_TODO}


def test_it_gives_due_dates_as_iso_dates(client, w, t):
    body = get(client, w.promoter).json()
    assert [item["due"] for item in body["items"]] == [
        "2024-04-02",
        "2024-06-25",
        "2024-07-15",
        None,
        None,
    ]
    assert [item["overdue"] for item in body["items"]] == [True, True, False, False, False]


def test_it_refuses_without_a_token(client, w):
    response = client.get("/api/v1/todo")
    assert response.status_code == 401 and "令牌" in response.json()["detail"]


def test_it_rejects_the_wrong_method(client, w):
    secret = token_create(user=w.promoter)[1]
    response = client.post("/api/v1/todo", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 405


def test_it_is_in_the_openapi_document(client, w):
    document = get(client, w.office, "/api/v1/openapi.json").json()
    operation = document["paths"]["/api/v1/todo"]["get"]
    assert operation["summary"] == "我的待办事项"
    assert set(operation["responses"]) >= {"200", "401", "403"}
