"""The actor × change × path write matrix of the company library (as the projects' one,
``baton/tests/test_write_path_matrix.py``).

Every way in that writes a company — the pages, the API, the import page and
``baton import-companies --user`` — applies the one rule to the same actor:

- **create**: a district's promoters and office, into their district;
- **edit**: the company's district's promoters and office (by import: a row with its
  credit code fills an empty field; another district's import is refused);
- **merge**: the company's district office, on the page and the API (an import cannot
  merge: n/a).

The city reviewer, a leader, the administrators and a 协调部门's staff write nothing on
any path. A cell is *allowed* (the change happened) or *refused* (the path said no and
the library, events included, is exactly as before). ``POLICY`` states the rule again on
purpose rather than importing ``rules``. The world is built once; each cell runs in a
savepoint rolled back afterwards.
"""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from baton.accounts.api_auth import token_create
from baton.companies import services
from baton.companies.models import Company, CompanyEvent
from baton.projects.tests.helpers_views import login
from baton.testing import add_coordinating, make_world
from baton.tests.write_matrix import command_refused, run_matrix, try_cell

from .helpers import CATL

ACTORS = (
    "promoter",  # 马巷街道 (翔安区)
    "other_promoter",  # 新店街道 (翔安区)
    "office",  # 翔安区招商办
    "tongan_office",  # 同安区招商办: the companies are 翔安's
    "reviewer",  # 厦门市招商办: reads the city's, writes none
    "leader",
    "sys_admin",
    "coordinator",  # 自然资源局, a 协调部门: sees no company
)
CHANGES = ("create", "edit", "merge")
PATHS = ("web", "api", "import_web", "import_cmd")
IMPORTS = ("import_web", "import_cmd")
WRITERS = frozenset({"promoter", "other_promoter", "office", "tongan_office"})
XIANGAN_WRITERS = frozenset({"promoter", "other_promoter", "office"})
POLICY = {
    "create": WRITERS,
    "edit": XIANGAN_WRITERS,
    "merge": frozenset({"office"}),
}
NAME = "写入路径测试科技有限公司"
CONTACT = "王五"


def expected(actor: str, change: str, path: str) -> str:
    if change == "merge" and path in IMPORTS:
        return "n/a"
    return "allowed" if actor in POLICY[change] else "refused"


def db_state() -> tuple:
    return (
        list(Company.objects.order_by("pk").values()),
        list(CompanyEvent.objects.order_by("pk").values()),
    )


# --- the world ---------------------------------------------------------------------------


def build_world(tmp_path):
    w = make_world()
    add_coordinating(w)
    w.keep = services.company_create(
        actor=w.office, district=w.district, name="宁德时代新能源科技股份有限公司", uscc=CATL
    )
    w.drop = services.company_create(
        actor=w.promoter, district=w.district, name="宁德时代（厦门）", confirmed=True
    )
    w.tmp = tmp_path
    w.users = {name: getattr(w, name) for name in ACTORS}
    w.clients, w.tokens = {}, {}
    w.api = Client(raise_request_exception=False)
    for name, user in w.users.items():
        w.clients[name] = login(Client(raise_request_exception=False), user)
        w.tokens[name] = token_create(user=user, name="matrix")[1]
    return w


def done(w, actor: str, change: str) -> bool:
    if change == "create":
        user = w.users[actor]
        district = user.unit.district_id if user.unit_id else user.district_id
        return Company.objects.filter(name=NAME, district=district).exists()
    if change == "edit":
        return Company.objects.get(pk=w.keep.pk).contact_name == CONTACT
    return Company.objects.get(pk=w.drop.pk).merged_into_id == w.keep.pk


def workbook(change: str) -> bytes:
    book = Workbook()
    if change == "create":
        book.active.append(("企业名称",))
        book.active.append((NAME,))
    else:  # the company by its credit code, an empty field filled
        book.active.append(("企业名称", "统一社会信用代码", "联系人"))
        book.active.append(("宁德时代新能源科技股份有限公司", CATL, CONTACT))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- the paths: each tries a change as an actor and says whether it was refused ----------


def via_web(w, actor: str, change: str) -> bool:
    client = w.clients[actor]
    if change == "create":
        response = client.post(reverse("companies:new"), {"name": NAME})
    elif change == "edit":
        data = {"name": w.keep.name, "uscc": CATL, "contact_name": CONTACT}
        response = client.post(reverse("companies:edit", args=[w.keep.pk]), data)
    else:
        data = {"drop": w.drop.pk, "confirm": "on"}
        response = client.post(reverse("companies:merge", args=[w.keep.pk]), data)
    return response.status_code >= 400


def via_api(w, actor: str, change: str) -> bool:
    method, path, body = {
        "create": ("POST", "/api/v1/companies", {"name": NAME}),
        "edit": ("PATCH", f"/api/v1/companies/{w.keep.pk}", {"contact_name": CONTACT}),
        "merge": ("POST", f"/api/v1/companies/{w.keep.pk}/merge", {"drop": w.drop.pk}),
    }[change]
    response = w.api.generic(
        method,
        path,
        json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {w.tokens[actor]}"},
    )
    return response.status_code >= 400


def via_import_page(w, actor: str, change: str) -> bool:
    upload = SimpleUploadedFile("名单.xlsx", workbook(change))
    response = w.clients[actor].post(reverse("companies:import"), {"file": upload})
    return response.status_code >= 400


def via_import_command(w, actor: str, change: str) -> bool:
    path = w.tmp / "名单.xlsx"
    path.write_bytes(workbook(change))
    return command_refused("import_companies", str(path), user=w.users[actor].username)


RUNNERS = {
    "web": via_web,
    "api": via_api,
    "import_web": via_import_page,
    "import_cmd": via_import_command,
}


def run_cell(w, actor: str, change: str, path: str) -> str | None:
    """Try one cell in a savepoint rolled back; return the mismatch, or None."""
    want = expected(actor, change, path)
    if want == "n/a":
        return None
    return try_cell(
        f"{actor} × {change} × {path}",
        want,
        w.clients[actor],
        lambda: RUNNERS[path](w, actor, change),
        lambda: done(w, actor, change),
        db_state,
    )


@pytest.fixture
def world(db, settings, tmp_path, caplog):
    settings.VAR_DIR = tmp_path
    caplog.set_level("ERROR", logger="django.request")  # the refusals: errors only
    return build_world(tmp_path)


def test_the_table_has_a_line_for_every_change():
    assert set(POLICY) == set(CHANGES)
    assert all(actor in ACTORS for actors in POLICY.values() for actor in actors)


def test_one_rule_on_every_path(world, capsys):
    cells = [(world, a, c, p) for a in ACTORS for c in CHANGES for p in PATHS]
    assert run_matrix(cells, run_cell, capsys) == []


def test_the_matrix_catches_a_rule_gone_wrong(world, monkeypatch):
    from baton.companies import rules

    monkeypatch.setattr(rules, "can_merge", lambda user, company: True)
    found = [run_cell(world, "promoter", "merge", p) for p in ("web", "api")]
    assert found == [
        f"promoter × merge × {p}: expected refused, got allowed" for p in ("web", "api")
    ]
