"""The actor × change × path write matrix of the register and the claims (as the leads').

Every way in that writes — the pages and the API — applies the one rule to the same actor:

- **register** an intermediary: a district office (翔安 or 同安), for its own district;
- **file** a claim on a project: the project's unit (马巷街道) and its district's office;
- **confirm** and **refuse** a claim: the district office alone;
- **withdraw** a claim: the project's unit and the office (the pages only).

Another unit, another district's office, the city reviewer, a leader, an administrator
and a 协调部门's staff write nothing on any path. ``POLICY`` states the rule again rather
than importing ``rules``. The world is built once; each cell runs in a savepoint rolled
back afterwards.
"""

import json

import pytest
from django.test import Client
from django.urls import reverse

from baton.accounts.api_auth import token_create
from baton.intermediaries import services
from baton.intermediaries.models import Claim, Intermediary
from baton.projects.tests.helpers_views import login
from baton.testing import add_coordinating
from baton.tests.write_matrix import run_matrix, try_cell

from .helpers import moment, person, project, register, state

ACTORS = (
    "promoter", "other_promoter", "office", "tongan_office", "reviewer", "leader", "sys_admin",
    "coordinator",
)  # fmt: skip
CHANGES = ("register", "file", "confirm", "refuse", "withdraw")
PATHS = ("web", "api")
POLICY = {
    "register": {"office", "tongan_office"},  # each for its own district
    "file": {"promoter", "office"},
    "confirm": {"office"},
    "refuse": {"office"},
    "withdraw": {"promoter", "office"},
}
NAME = "矩阵引荐人"


def expected(actor: str, change: str, path: str) -> str:
    if change == "withdraw" and path == "api":
        return "n/a"
    return "allowed" if actor in POLICY[change] else "refused"


def build(w):
    add_coordinating(w)
    w.users = {a: getattr(w, a) for a in ACTORS}
    w.clients, w.tokens = {}, {}
    for actor, user in w.users.items():
        client = Client()
        login(client, user)
        w.clients[actor] = client
        w.tokens[actor] = token_create(user=user)[1]
    w.agent = register(w)
    w.other_agent = person(w)
    w.project = project(w)
    w.claim = services.claim_file(
        actor=w.promoter, intermediary=w.agent, project=w.project, account="甲", at=moment(2)
    )
    return w


def done(w, change: str) -> bool:
    if change == "register":
        return Intermediary.objects.filter(name=NAME).exists()
    if change == "file":
        return Claim.objects.filter(intermediary=w.other_agent).exists()
    status = {"confirm": "confirmed", "refuse": "refused", "withdraw": "withdrawn"}[change]
    return Claim.objects.get(pk=w.claim.pk).status == status


def via_web(w, actor: str, change: str) -> bool:
    client = w.clients[actor]
    day = moment(1).date().isoformat()
    if change == "register":
        data = {
            "kind": "person", "name": NAME, "filed_on": day, "declared_on": day,
            "official": "no", "relative": "no", "state_owned": "no",
        }  # fmt: skip
        response = client.post(reverse("intermediaries:new"), data)
    elif change == "file":
        response = client.post(
            reverse("intermediaries:claim_new", args=[w.project.code]),
            {"intermediary": w.other_agent.pk, "account": "乙"},
        )
    else:
        name = {"confirm": "claim_confirm", "refuse": "claim_refuse", "withdraw": "claim_withdraw"}
        response = client.post(
            reverse(f"intermediaries:{name[change]}", args=[w.claim.code]),
            {"version": "1", "reason": "理由"},
        )
    return response.status_code != 302


def via_api(w, actor: str, change: str) -> bool:
    day = moment(1).date().isoformat()
    body: dict[str, object]
    if change == "register":
        path, body = "/api/v1/intermediaries", {
            "kind": "person", "name": NAME, "filed_on": day, "declared_on": day,
        }  # fmt: skip
    elif change == "file":
        path = "/api/v1/intermediaries/claims"
        body = {"intermediary": w.other_agent.code, "project": w.project.code, "account": "乙"}
    else:
        path = f"/api/v1/intermediaries/claims/{w.claim.code}/{change}"
        body = {"version": 1, "reason": "理由"}
    response = w.clients[actor].post(
        path, json.dumps(body), content_type="application/json",
        headers={"Authorization": f"Bearer {w.tokens[actor]}"},
    )  # fmt: skip
    return response.status_code >= 400


RUNNERS = {"web": via_web, "api": via_api}


def run_cell(w, actor: str, change: str, path: str) -> str | None:
    want = expected(actor, change, path)
    if want == "n/a":
        return None
    return try_cell(
        f"{actor} × {change} × {path}",
        want,
        w.clients[actor],
        lambda: RUNNERS[path](w, actor, change),
        lambda: done(w, change),
        state,
    )


@pytest.fixture
def world(w, caplog):
    caplog.set_level("ERROR", logger="django.request")
    return build(w)


def test_the_table_has_a_line_for_every_change():
    assert set(POLICY) == set(CHANGES)
    assert all(a in ACTORS for side in POLICY.values() for a in side)


def test_one_rule_on_every_path(world, capsys):
    cells = [(world, a, c, p) for a in ACTORS for c in CHANGES for p in PATHS]
    assert run_matrix(cells, run_cell, capsys) == []


def test_the_matrix_catches_a_rule_gone_wrong(world, monkeypatch):
    from baton.intermediaries import rules

    monkeypatch.setattr(rules, "is_office", lambda user, district_id: True)
    found = [run_cell(world, "leader", "refuse", p) for p in PATHS]
    assert found == [f"leader × refuse × {p}: expected refused, got allowed" for p in PATHS]
