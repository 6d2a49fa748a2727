"""The actor × change × path write matrix of 招商活动 (as the leads' one).

Every way in that writes an activity — the pages, the API and the workbook import — applies
the one rule to the same actor: 马巷街道's activity is written by 马巷's promoters and
翔安's office; registering one for 马巷 likewise; the annual plan's item for 马巷 and a
signed line too. Another unit of the district, another district's office, the city
reviewer, a leader, the administrators and a 协调部门's staff write nothing on any path.
A cell is *allowed* (the change happened) or *refused* (the path said no and the
activities, their lines, events, plan, the leaders' acts and the projects' events are as
before); *n/a* where a path cannot express the change. ``POLICY`` states the rule again on
purpose rather than importing ``rules``. Each cell runs in a savepoint rolled back.
"""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from baton.accounts.api_auth import token_create
from baton.projects.tests.helpers_views import login
from baton.testing import add_coordinating, make_world
from baton.tests.write_matrix import run_matrix, try_cell

from .. import services
from ..models import Activity, PlanItem, Signing
from .helpers import activity, byd, company, state

ACTORS = (
    "promoter",
    "other_promoter",
    "office",
    "tongan_office",
    "reviewer",
    "leader",
    "sys_admin",
    "coordinator",
)
CHANGES = ("create", "edit", "sign", "unsign", "plan")
PATHS = ("web", "api", "import")
WRITERS = frozenset({"promoter", "office"})
#: change → the paths that can express it (all by the same writers).
POLICY = {
    "create": ("web", "api", "import"),
    "edit": ("web", "api"),
    "sign": ("web", "api"),
    "unsign": ("web",),
    "plan": ("web",),
}
TITLE = "矩阵登记的推介会"


def expected(actor: str, change: str, path: str) -> str:
    if path not in POLICY[change]:
        return "n/a"
    return "allowed" if actor in WRITERS else "refused"


def build_world():
    w = make_world()
    add_coordinating(w)
    w.firm, w.other_firm = company(w), byd(w)
    w.activity = activity(w)
    w.line = services.signing_add(
        activity=w.activity, actor=w.promoter, company=w.firm, kind="intent", amount="10"
    )
    w.users = {name: getattr(w, name) for name in ACTORS}
    w.clients, w.tokens = {}, {}
    w.api = Client(raise_request_exception=False)
    for name, user in w.users.items():
        w.clients[name] = login(Client(raise_request_exception=False), user)
        w.tokens[name] = token_create(user=user, name="matrix")[1]
    return w


def done(w, change: str) -> bool:
    a = Activity.objects.get(pk=w.activity.pk)
    return {
        "create": lambda: Activity.objects.filter(title=TITLE).exists(),
        "edit": lambda: a.place == "矩阵地点",
        "sign": lambda: Signing.objects.filter(activity=a, kind="contract").exists(),
        "unsign": lambda: not Signing.objects.filter(pk=w.line.pk).exists(),
        "plan": lambda: PlanItem.objects.filter(title=TITLE).exists(),
    }[change]()


FIELDS = {
    "kind": "promotion",
    "title": TITLE,
    "organizer": "区政府",
    "place": "深圳",
    "start_on": "2026-04-01",
    "budget": "10",
}


def via_web(w, actor: str, change: str) -> bool:
    c, a = w.clients[actor], Activity.objects.get(pk=w.activity.pk)
    if change == "create":
        response = c.post(reverse("activities:new"), {**FIELDS, "unit": w.town.pk})
    elif change == "edit":
        data = {**FIELDS, "title": a.title, "start_on": "2026-03-10", "budget": "20"}
        data.update(unit=w.town.pk, kind=a.kind, place="矩阵地点", version=a.version)
        response = c.post(reverse("activities:edit", args=[a.code]), data)
    elif change == "sign":
        data = {"company": w.other_firm.pk, "kind": "contract", "amount": "20"}
        response = c.post(reverse("activities:sign", args=[a.code]), data)
    elif change == "unsign":
        response = c.post(reverse("activities:unsign", args=[a.code]), {"signing": w.line.pk})
    else:
        data = {"unit": w.town.pk, "kind": "promotion", "title": TITLE, "month": "5"}
        response = c.post(reverse("activities:plan") + "?year=2027", data)
    return response.status_code >= 400


def via_api(w, actor: str, change: str) -> bool:
    a = Activity.objects.get(pk=w.activity.pk)
    if change == "create":
        body = {**FIELDS, "unit": w.town.pk, "budget_wan": "10"}
        body.pop("budget")
        method, path = "POST", "/api/v1/activities"
    elif change == "edit":
        method, path = "PATCH", f"/api/v1/activities/{a.code}"
        body = {"version": a.version, "place": "矩阵地点"}
    else:
        method, path = "POST", f"/api/v1/activities/{a.code}/signings"
        body = {"company": w.other_firm.pk, "kind": "contract", "amount_wan": "20"}
    response = w.api.generic(
        method,
        path,
        json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {w.tokens[actor]}"},
    )
    return response.status_code >= 400


def via_import(w, actor: str, change: str) -> bool:
    book = Workbook()
    sheet = book.active
    sheet.title = "招商活动"
    sheet.append(("活动名称", "活动类型", "责任单位", "主办单位", "开始日期", "地点"))
    sheet.append((TITLE, "推介会", w.town.name, "区政府", "2026-04-01", "深圳"))
    out = io.BytesIO()
    book.save(out)
    upload = SimpleUploadedFile("activities.xlsx", out.getvalue())
    response = w.clients[actor].post(reverse("activities:import"), {"file": upload})
    return response.status_code >= 400


RUNNERS = {"web": via_web, "api": via_api, "import": via_import}


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
def world(db, caplog):
    caplog.set_level("ERROR", logger="django.request")
    return build_world()


def test_one_rule_on_every_path(world, capsys):
    cells = [(world, a, c, p) for a in ACTORS for c in CHANGES for p in PATHS]
    assert run_matrix(cells, run_cell, capsys) == []


def test_the_matrix_catches_a_rule_gone_wrong(world, monkeypatch):
    from .. import rules

    monkeypatch.setattr(rules, "can_edit", lambda user, activity: True)
    assert run_cell(world, "leader", "edit", "api") == (
        "leader × edit × api: expected refused, got allowed"
    )
