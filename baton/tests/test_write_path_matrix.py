"""The actor × transition × path write matrix (issue 13, point 4).

Every way in that writes a project — the web pages, the API, the ledger import on its
page and with ``baton import-ledger --user``, the importer called from code (which
writes through the bulk writer, ``baton/projects/bulk/``) and the configuration site
(``/admin/``) — must apply the same rules to the same actor. ``POLICY`` states them
again on purpose rather than importing ``permissions``: the matrix checks the paths
against one independent statement.

A cell is

- **allowed**: the transition happened (the project is in the state it leads to);
- **refused**: the path said no (a 4xx, an import error, a failed command) and the
  database is exactly as before (``helpers.db_state``, as ``refused()`` compares it);
- **n/a**: the path cannot express the transition (a project is not in the
  configuration site): trying it is answered with no success and changes nothing.

Two paths differ on purpose, and the table says where: a district office records its
units' projects from the district ledger (a new row is a draft; the unit submits it),
which the 新建项目 page leaves to the units; and the city office reviews on the review
desk, not by import (the import is for units and district offices).

The world is built once; each cell runs in a savepoint rolled back afterwards.
"""

import datetime as dt
import json
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from baton.accounts.api_auth import token_create
from baton.demo.people import config_group
from baton.ledger import importer
from baton.ledger.importer import ledger_import
from baton.ledger.tests.helpers import xlsx
from baton.projects import services
from baton.projects.models import Handoff, Industry, Milestone, Project, ReviewState, Stage
from baton.projects.tests.helpers import db_state
from baton.projects.tests.helpers_views import login
from baton.testing import add_coordinating, make_project, make_world, stage
from baton.tests.write_matrix import command_refused, run_matrix, try_cell

ACTORS = (
    "promoter",  # 马巷街道, holds the 翔安 projects
    "other_promoter",  # 新店街道, same district
    "office",  # 翔安区招商办: two-level review, reviews first
    "reviewer",  # 厦门市招商办: admits in 翔安区
    "leader",
    "sys_admin",
    "tongan_office",  # 同安区招商办: one-level review, admits itself
    "coordinator",  # 自然资源局, a 协调部门: never writes a project
)
TRANSITIONS = (
    "create",
    "edit",
    "edit_under_review",
    "submit",
    "district_pass",
    "district_return",
    "city_admit",
    "city_return",
    "one_level_admit",
    "move",
    "handoff",
    "handoff_to_coordinating",  # to a 协调部门: never, by anyone, on any path
    "milestone",
)
PATHS = ("web", "api", "import_web", "import_cmd", "bulk", "admin")
IMPORTS = ("import_web", "import_cmd", "bulk")
HOLDER_OR_OFFICE = frozenset({"promoter", "office"})

# transition → (who on the web and the API, who through a ledger import)
POLICY: dict[str, tuple[frozenset, frozenset]] = {
    "create": (
        frozenset({"promoter", "other_promoter"}),  # each for its own unit
        frozenset({"promoter", "other_promoter", "office", "tongan_office"}),  # offices: drafts
    ),
    "edit": (HOLDER_OR_OFFICE, HOLDER_OR_OFFICE),
    "edit_under_review": (frozenset(), frozenset()),
    "submit": (frozenset({"promoter"}), frozenset({"promoter"})),
    "district_pass": (frozenset({"office"}), frozenset({"office"})),
    "district_return": (frozenset({"office"}), frozenset({"office"})),
    "city_admit": (frozenset({"reviewer"}), frozenset()),
    "city_return": (frozenset({"reviewer"}), frozenset()),
    "one_level_admit": (frozenset({"tongan_office"}), frozenset({"tongan_office"})),
    "move": (HOLDER_OR_OFFICE, HOLDER_OR_OFFICE),
    "handoff": (HOLDER_OR_OFFICE, HOLDER_OR_OFFICE),
    "handoff_to_coordinating": (frozenset(), frozenset()),
    "milestone": (HOLDER_OR_OFFICE, HOLDER_OR_OFFICE),
}


def expected(actor: str, transition: str, path: str) -> str:
    if path == "admin":
        return "n/a"  # projects are not in the configuration site (三员分立)
    on_pages, by_import = POLICY[transition]
    return "allowed" if actor in (by_import if path in IMPORTS else on_pages) else "refused"


# --- the world ---------------------------------------------------------------------------

CREATED = "矩阵新建项目"
TODAY = dt.date.today()
STARTED = TODAY - dt.timedelta(days=2)
REASON = "材料不全，请补充"


def build_world():
    w = make_world()
    w.draft = make_project(w, name="氢能装备产业园", investor="甲氢能公司")
    w.submitted = make_project(w, name="光伏组件智能工厂", investor="乙光伏公司")
    services.project_submit(project=w.submitted, actor=w.promoter)
    w.approved = make_project(w, name="跨境电商物流中心", investor="丙物流公司")
    services.project_submit(project=w.approved, actor=w.promoter)
    services.project_review(project=w.approved, actor=w.office, approve=True, not_duplicate=True)
    w.landed = make_project(
        w,
        name="半导体封测基地",
        investor="丁半导体公司",
        stage=stage("landed"),
        signed_on=TODAY - dt.timedelta(days=30),
    )
    w.tongan = make_project(w, unit=w.tongan_unit, actor=w.tongan_office, name="同安食品加工园")
    services.project_submit(project=w.tongan, actor=w.tongan_office)
    configurator(w.sys_admin)
    add_coordinating(w)
    w.users = {name: getattr(w, name) for name in ACTORS}
    return w


def configurator(user):
    """Make the system administrator what ``baton create-user`` and the demo make it: staff
    of the configuration site, with its configuration permissions."""
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.groups.add(config_group())


@dataclass
class Target:
    project: Project | None
    done: callable  # the transition happened


def targets(w) -> dict[str, Target]:
    def state(project, review_state):
        return lambda: Project.objects.get(pk=project.pk).review_state == review_state

    return {
        "create": Target(None, lambda: Project.objects.filter(name=CREATED).exists()),
        "edit": Target(w.draft, lambda: _investment(w.draft) == 20000),
        "edit_under_review": Target(w.submitted, lambda: _investment(w.submitted) == 20000),
        "submit": Target(w.draft, state(w.draft, ReviewState.SUBMITTED)),
        "district_pass": Target(w.submitted, state(w.submitted, ReviewState.DISTRICT_APPROVED)),
        "district_return": Target(w.submitted, state(w.submitted, ReviewState.RETURNED)),
        "city_admit": Target(w.approved, state(w.approved, ReviewState.ADMITTED)),
        "city_return": Target(w.approved, state(w.approved, ReviewState.RETURNED)),
        "one_level_admit": Target(w.tongan, state(w.tongan, ReviewState.ADMITTED)),
        "move": Target(w.draft, lambda: Project.objects.get(pk=w.draft.pk).stage.code == "intent"),
        "handoff": Target(w.draft, lambda: _handed_to(w.draft, w.department)),
        "handoff_to_coordinating": Target(w.draft, lambda: _handed_to(w.draft, w.coord_unit)),
        "milestone": Target(
            w.landed,
            lambda: w.landed.milestones.filter(kind=Milestone.Kind.STARTED).exists(),
        ),
    }


def form_data(project, **changes) -> dict:
    """Return the edit form as the browser posts it, with ``changes`` typed in."""
    data = {
        "version": project.version,
        "name": project.name,
        "investor": project.investor,
        "investment": str(project.investment),
        "industry": project.industry_id or "",
        "leader": project.leader_id or "",
        "info_unit": project.info_unit_id or "",
        "reason": "",
    }
    return {**data, **changes}


def _handed_to(project, unit) -> bool:
    """The handoff happened: the district office's at once, a unit's waiting (待接收)."""
    if Project.objects.get(pk=project.pk).unit == unit:
        return True
    return Handoff.objects.filter(project=project, to_unit=unit, state="pending").exists()


def _investment(project) -> int:
    return Project.objects.get(pk=project.pk).investment


def _version(project) -> int:
    return Project.objects.get(pk=project.pk).version


# --- the paths: each tries a transition as an actor and says whether it was refused ------


def via_web(w, actor: str, transition: str, target: Target) -> bool:
    client = w.clients[actor]
    project = target.project
    if transition == "create":
        data = {"name": CREATED, "investment": "100", "stage": stage("planning").pk}
        response = client.post(reverse("projects:create"), data)
    elif transition in ("edit", "edit_under_review"):
        data = form_data(Project.objects.get(pk=project.pk), investment="20000")
        response = client.post(reverse("projects:edit", args=[project.code]), data)
    else:
        name, data = _web_action(w, transition, project)
        response = client.post(reverse(f"projects:{name}", args=[project.code]), data)
    return response.status_code >= 400


def _web_action(w, transition: str, project) -> tuple[str, dict]:
    version = {"version": _version(project)}
    if transition == "submit":
        return "submit", version
    if transition in ("district_pass", "city_admit", "one_level_admit"):
        return "review", {**version, "decision": "approve", "not_duplicate": "on"}
    if transition in ("district_return", "city_return"):
        return "review", {**version, "decision": "return", "reason": REASON}
    if transition == "move":
        return "move", {**version, "stage": stage("intent").pk}
    if transition == "handoff":
        return "handoff", {**version, "to_unit": w.department.pk, "reason": "交由区工信局跟进"}
    if transition == "handoff_to_coordinating":
        return "handoff", {**version, "to_unit": w.coord_unit.pk, "reason": "交由自然资源局跟进"}
    return "milestone", {"kind": "started", "date": STARTED.isoformat()}


def via_api(w, actor: str, transition: str, target: Target) -> bool:
    base = reverse("api-1.0.0:api-root").rstrip("/")
    project = target.project
    if transition == "create":
        method, path, body = "POST", "/projects", {"name": CREATED, "investment_wan": "100"}
    elif transition in ("edit", "edit_under_review"):
        body = {"version": _version(project), "investment_wan": "20000"}
        method, path = "PATCH", f"/projects/{project.code}"
    else:
        name, data = _web_action(w, transition, project)
        body = {k: v for k, v in data.items() if k != "not_duplicate"}
        if name == "review":
            body["not_duplicate"] = True
        if name == "move":
            body["stage"] = "intent"
        suffix = {"milestone": "milestones"}.get(name, name)
        method, path = "POST", f"/projects/{project.code}/{suffix}"
    response = w.api.generic(
        method,
        base + path,
        json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {w.tokens[actor]}"},
    )
    return response.status_code >= 400


def ledger_row(w, actor: str, transition: str, target: Target) -> dict:
    """Return the ledger row that asks for the transition (only the columns it needs)."""
    if transition == "create":
        user = w.users[actor]
        unit = user.unit or (w.tongan_unit if user.district == w.other_district else w.town)
        return {
            "项目编号": "MATRIX-0001",
            "项目名称": CREATED,
            "所属区": unit.district.code,
            "责任单位": unit.name,
            "项目阶段": "策划",
            "入库状态": "草稿",
            "总投资(万元)": 100,
        }
    project = Project.objects.get(pk=target.project.pk)
    row = {
        "项目编号": project.code,
        "项目名称": project.name,
        "所属区": project.district.code,
        "总投资(万元)": float(project.investment),
    }
    change = {
        "edit": {"总投资(万元)": 20000},
        "edit_under_review": {"总投资(万元)": 20000},
        "submit": {"入库状态": "已上报"},
        "district_pass": {"入库状态": "区已审核"},
        "district_return": {"入库状态": "已退回"},
        "city_admit": {"入库状态": "已入库"},
        "city_return": {"入库状态": "已退回"},
        "one_level_admit": {"入库状态": "已入库"},
        "move": {"项目阶段": "意向"},
        "handoff": {"责任单位": w.department.name},
        "handoff_to_coordinating": {"责任单位": w.coord_unit.name},
        "milestone": {"开工日期": STARTED.isoformat()},
    }[transition]
    return {**row, **change}


def workbook(w, actor: str, transition: str, target: Target) -> bytes:
    row = ledger_row(w, actor, transition, target)
    key = json.dumps(row, ensure_ascii=False)
    if key not in w.workbooks:  # one file a row: the cells roll back, the rows stay the same
        w.workbooks[key] = xlsx([row], headers=list(row))
    return w.workbooks[key]


def via_import_page(w, actor: str, transition: str, target: Target) -> bool:
    client = w.clients[actor]
    data = workbook(w, actor, transition, target)
    upload = SimpleUploadedFile("台账.xlsx", data)
    response = client.post(reverse("ledger:import"), {"file": upload})
    if response.status_code != 302:
        return response.status_code >= 400
    token = response["Location"].rstrip("/").rsplit("/", 1)[1]  # (the preview: a dry run)
    confirmed = client.post(reverse("ledger:import_confirm", args=[token]))
    return confirmed.status_code >= 400


def via_import_command(w, actor: str, transition: str, target: Target) -> bool:
    path = w.tmp / "台账.xlsx"
    path.write_bytes(workbook(w, actor, transition, target))
    return command_refused("import_ledger", str(path), "--user", w.users[actor].username)


def via_bulk(w, actor: str, transition: str, target: Target) -> bool:
    """The importer from code, written by the bulk writer (``baton/projects/bulk/``)."""
    user = w.users[actor]
    district = user.unit.district if user.unit_id else user.district
    result = ledger_import(
        data=workbook(w, actor, transition, target), actor=user, district=district
    )
    return not result.ok


def via_admin(w, actor: str, transition: str, target: Target) -> bool:
    """The configuration site has no page for a project: every try is refused."""
    project = target.project
    url = f"/admin/projects/project/{project.pk}/change/" if project else PROJECT_ADD
    data = {"review_state": ReviewState.ADMITTED, "stage": stage("intent").pk, "name": CREATED}
    return w.clients[actor].post(url, data).status_code in (302, 403, 404)


PROJECT_ADD = "/admin/projects/project/add/"

PATH_RUNNERS = {
    "web": via_web,
    "api": via_api,
    "import_web": via_import_page,
    "import_cmd": via_import_command,
    "bulk": via_bulk,
    "admin": via_admin,
}


# --- the matrix --------------------------------------------------------------------------


def sessions(w, tmp_path):
    w.tmp = tmp_path
    w.clients, w.tokens, w.workbooks = {}, {}, {}
    w.api = Client(raise_request_exception=False)
    for name, user in w.users.items():
        w.clients[name] = login(Client(raise_request_exception=False), user)
        w.tokens[name] = token_create(user=user, name="matrix")[1]


def run_cell(w, actor: str, transition: str, path: str) -> str | None:
    """Try one cell in a savepoint rolled back; return the mismatch, or None."""
    target = targets(w)[transition]
    return try_cell(
        f"{actor} × {transition} × {path}",
        expected(actor, transition, path),
        w.clients[actor],
        lambda: PATH_RUNNERS[path](w, actor, transition, target),
        target.done,
        db_state,
    )


def run(w, cells) -> list[str]:
    return [problem for cell in cells if (problem := run_cell(w, *cell))]


def all_cells():
    return [(a, t, p) for a in ACTORS for t in TRANSITIONS for p in PATHS]


@pytest.fixture
def world(db, settings, tmp_path, caplog):
    settings.VAR_DIR = tmp_path
    caplog.set_level("ERROR", logger="django.request")  # thousands of refusals: errors only
    w = build_world()
    sessions(w, tmp_path)
    return w


def test_the_table_has_a_line_for_every_transition():
    assert set(POLICY) == set(TRANSITIONS)
    assert all(a in ACTORS for rule in POLICY.values() for side in rule for a in side)


def test_write_path_matrix(world, capsys):
    cells = [(world, *cell) for cell in all_cells()]
    assert run_matrix(cells, run_cell, capsys) == []


def test_the_matrix_catches_an_import_that_skips_the_review_rules(world, monkeypatch):
    # The importer before issue 13: no rule checked step by step.
    monkeypatch.setattr(importer.write, "_refusal", lambda kind, user, project: None)
    cells = [("office", t, p) for t in ("submit", "city_admit") for p in IMPORTS]
    assert run(world, cells) == [
        f"office × {t} × {p}: expected refused, got allowed" for _a, t, p in cells
    ]
    assert run(world, [("office", "city_admit", "web"), ("office", "city_admit", "api")]) == []


def test_the_configuration_site_has_no_page_that_writes_project_state():
    from django.apps import apps
    from django.contrib import admin

    business = set(apps.get_app_config("projects").get_models()) - {Stage, Industry}
    assert business and not business & set(admin.site._registry)


@pytest.mark.django_db
def test_the_configuration_site_does_not_move_a_unit_to_another_district(client):
    w = make_world()
    make_project(w)  # 马巷街道 holds a 翔安 project
    configurator(w.sys_admin)
    login(client, w.sys_admin)
    url = reverse("admin:org_unit_change", args=[w.town.pk])
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(district=w.other_district.pk, name="马巷街道（改）")
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    w.town.refresh_from_db()
    assert w.town.name == "马巷街道（改）" and w.town.district == w.district


@pytest.mark.django_db
def test_the_configuration_site_does_not_make_a_district_admit_alone(client):
    # Switched to one level, 翔安区's office would admit without the city.
    w = make_world()
    configurator(w.sys_admin)
    login(client, w.sys_admin)
    url = reverse("admin:org_district_change", args=[w.district.pk])
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(review_levels=1, name="翔安区（改）")
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    w.district.refresh_from_db()
    assert w.district.name == "翔安区（改）" and w.district.review_levels == 2
