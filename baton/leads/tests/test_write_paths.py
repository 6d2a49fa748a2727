"""The actor × change × path write matrix of leads (as the projects' one,
``baton/tests/test_write_path_matrix.py``, and the companies').

Every way in that writes a lead — the pages, the API and, for registering, the lead
ledger import (``baton import-leads --user``) — applies the one rule to the same actor:

- **register**: a district's promoters (for their own unit) and its office (naming the
  unit), for a company of their district's library; by import, only the district office
  (a back-dated 首报时间 decides who holds a lead: the office's call);
- **edit, respond, assess, note, feedback, reject, convert**: the holder unit's
  promoters and the district office;
- **arbitrate** a 撞车 and **reassign** an idle lead: the district office alone.

Another unit of the district, another district's office, the city reviewer, a leader,
the administrators and a 协调部门's staff write nothing on any path. A cell is *allowed*
(the change happened) or *refused* (the path said no and leads, their events and the
projects are exactly as before); *n/a* where a path cannot express the change (an import
only registers). ``POLICY`` states the rule again on purpose rather than importing
``rules``. The world is built once; each cell runs in a savepoint rolled back afterwards.
"""

import datetime as dt
import io
import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from baton.accounts.api_auth import token_create
from baton.leads import services
from baton.leads.models import Lead, LeadEvent, Status
from baton.projects.models import Project, ProjectEvent
from baton.projects.tests.helpers_views import login
from baton.testing import add_coordinating, make_world
from baton.tests.write_matrix import command_refused, run_matrix, try_cell

from .helpers import POINTS, byd, company, register

ACTORS = (
    "promoter",  # 马巷街道: holds the leads
    "other_promoter",  # 新店街道: same district, holds none of them (but the 撞车 one)
    "office",  # 翔安区招商办
    "tongan_office",  # 同安区招商办: the leads and companies are 翔安's
    "reviewer",  # 厦门市招商办: reads the city's
    "leader",
    "sys_admin",
    "coordinator",  # 自然资源局, a 协调部门: sees no lead
)
CHANGES = (
    "register",
    "edit",
    "respond",
    "assess",
    "note",
    "feedback",
    "reject",
    "arbitrate",
    "reassign",
    "convert",
)
PATHS = ("web", "api", "import_cmd")
HOLDER_OR_OFFICE = frozenset({"promoter", "office"})
# change → (who on the pages and the API, who by import; None: the import cannot)
POLICY: dict[str, tuple[frozenset, frozenset | None]] = {
    "register": (frozenset({"promoter", "other_promoter", "office"}), frozenset({"office"})),
    "edit": (HOLDER_OR_OFFICE, None),
    "respond": (HOLDER_OR_OFFICE, None),
    "assess": (HOLDER_OR_OFFICE, None),
    "note": (HOLDER_OR_OFFICE, None),
    "feedback": (HOLDER_OR_OFFICE, None),
    "reject": (HOLDER_OR_OFFICE, None),
    "arbitrate": (frozenset({"office"}), None),
    "reassign": (frozenset({"office"}), None),
    "convert": (HOLDER_OR_OFFICE, None),
}
TITLE = "矩阵登记的投资信息"
TEXT = "矩阵写入路径"


def expected(actor: str, change: str, path: str) -> str:
    on_pages, by_import = POLICY[change]
    if path == "import_cmd":
        return "n/a" if by_import is None else ("allowed" if actor in by_import else "refused")
    return "allowed" if actor in on_pages else "refused"


def db_state() -> tuple:
    return (
        list(Lead.objects.order_by("pk").values()),
        list(LeadEvent.objects.order_by("pk").values()),
        Project.objects.count(),
        ProjectEvent.objects.count(),
    )


# --- the world ---------------------------------------------------------------------------


def build_world(tmp_path):
    w = make_world()
    add_coordinating(w)
    catl = company(w)
    w.lead = register(w, comp=catl)  # 马巷's, 待响应
    w.conflict = register(w, actor=w.other_promoter, comp=catl, title="储能电池项目")
    w.assessed = register(w, comp=byd(w))
    services.lead_assess(lead=w.assessed, actor=w.promoter, points=POINTS, conclusion="follow")
    w.idle = register(w, comp=company(w, name="厦门钨业股份有限公司", uscc=""), title="硬质合金")
    Lead.objects.filter(pk=w.idle.pk).update(
        last_progress_at=timezone.now() - dt.timedelta(days=40)
    )
    w.new_company = company(w, name="写入路径测试科技有限公司", uscc="")
    w.tmp = tmp_path
    w.users = {name: getattr(w, name) for name in ACTORS}
    w.clients, w.tokens = {}, {}
    w.api = Client(raise_request_exception=False)
    for name, user in w.users.items():
        w.clients[name] = login(Client(raise_request_exception=False), user)
        w.tokens[name] = token_create(user=user, name="matrix")[1]
    return w


def _lead(lead: Lead) -> Lead:
    return Lead.objects.get(pk=lead.pk)


def done(w, change: str) -> bool:
    return {
        "register": lambda: Lead.objects.filter(title=TITLE).exists(),
        "edit": lambda: _lead(w.lead).summary == TEXT,
        "respond": lambda: _lead(w.lead).responded_at is not None,
        "assess": lambda: _lead(w.lead).status == Status.ASSESSED,
        "note": lambda: w.lead.events.filter(kind="note", reason=TEXT).exists(),
        "feedback": lambda: _lead(w.lead).feedback_at is not None,
        "reject": lambda: _lead(w.lead).status == Status.REJECTED,
        "arbitrate": lambda: _lead(w.conflict).status == Status.MERGED,
        "reassign": lambda: _lead(w.idle).unit_id == w.other_town.pk,
        "convert": lambda: _lead(w.assessed).status == Status.CONVERTED,
    }[change]()


def target(w, change: str) -> Lead:
    return {"arbitrate": w.conflict, "reassign": w.idle, "convert": w.assessed}.get(change, w.lead)


def _office(w, actor: str) -> bool:
    return w.users[actor].role == w.users[actor].Role.DISTRICT_OFFICE


# --- the paths: each tries a change as an actor and says whether it was refused ----------


def web_data(w, actor: str, change: str) -> dict:
    lead = _lead(target(w, change))
    if change == "register":
        data = {
            "company": w.new_company.pk,
            "title": TITLE,
            "source": "referrer",
            "kind": "new",
            "investment": "20000",
        }
        return {**data, "unit": w.town.pk} if _office(w, actor) else data
    if change == "edit":
        return {
            "version": lead.version,
            "title": lead.title,
            "source": lead.source,
            "kind": lead.kind,
            "investment": str(lead.investment),
            "fixed_investment": str(lead.fixed_investment or ""),
            "industry_code": lead.industry_code,
            "summary": TEXT,
        }
    return {
        "respond": {"follower": "张三"},
        "assess": {**POINTS, "conclusion": "follow"},
        "note": {"text": TEXT},
        "feedback": {"text": TEXT},
        "reject": {"text": TEXT},
        "arbitrate": {"decision": "merge", "reason": TEXT},
        "reassign": {"unit": w.other_town.pk, "reason": TEXT},
        "convert": {"stage": "planning"},
    }[change]


def via_web(w, actor: str, change: str) -> bool:
    data = web_data(w, actor, change)
    if change == "register":
        url = reverse("leads:new")
    else:
        url = reverse(f"leads:{change}", args=[target(w, change).code])
    return w.clients[actor].post(url, data).status_code >= 400


def api_request(w, actor: str, change: str) -> tuple[str, str, dict]:
    lead = _lead(target(w, change))
    path = f"/api/v1/leads/{lead.code}"
    if change == "register":
        body = {
            "company": w.new_company.pk,
            "title": TITLE,
            "source": "referrer",
            "investment_wan": "20000",
        }
        return "POST", "/api/v1/leads", {**body, "unit": w.town.pk} if _office(w, actor) else body
    if change == "edit":
        return "PATCH", path, {"version": lead.version, "summary": TEXT}
    body = {
        "respond": {"follower": "张三"},
        "assess": {"points": POINTS, "conclusion": "follow"},
        "note": {"text": TEXT},
        "feedback": {"text": TEXT},
        "reject": {"reason": TEXT},
        "arbitrate": {"decision": "merge", "reason": TEXT},
        "reassign": {"unit": w.other_town.pk, "reason": TEXT},
        "convert": {"stage": "planning"},
    }[change]
    return "POST", f"{path}/{'notes' if change == 'note' else change}", body


def via_api(w, actor: str, change: str) -> bool:
    method, path, body = api_request(w, actor, change)
    response = w.api.generic(
        method,
        path,
        json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {w.tokens[actor]}"},
    )
    return response.status_code >= 400


def workbook(w) -> bytes:
    book = Workbook()
    book.active.append(("项目名称", "投资方", "信息来源", "首报单位", "总投资（万元）"))
    book.active.append((TITLE, w.new_company.name, "引荐人", w.town.name, 20000))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def via_import_command(w, actor: str, change: str) -> bool:
    path = w.tmp / "线索台账.xlsx"
    path.write_bytes(workbook(w))
    return command_refused("import_leads", str(path), user=w.users[actor].username)


RUNNERS = {"web": via_web, "api": via_api, "import_cmd": via_import_command}


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
        lambda: done(w, change),
        db_state,
    )


@pytest.fixture
def world(db, settings, tmp_path, caplog):
    settings.VAR_DIR = tmp_path
    caplog.set_level("ERROR", logger="django.request")  # the refusals: errors only
    return build_world(tmp_path)


def test_the_table_has_a_line_for_every_change():
    assert set(POLICY) == set(CHANGES)
    assert all(a in ACTORS for rule in POLICY.values() for side in rule if side for a in side)


def test_one_rule_on_every_path(world, capsys):
    cells = [(world, a, c, p) for a in ACTORS for c in CHANGES for p in PATHS]
    assert run_matrix(cells, run_cell, capsys) == []


def test_the_matrix_catches_a_rule_gone_wrong(world, monkeypatch):
    from baton.leads import rules

    monkeypatch.setattr(rules, "is_office", lambda user, lead: True)
    found = [run_cell(world, "promoter", "reassign", p) for p in ("web", "api")]
    assert found == [
        f"promoter × reassign × {p}: expected refused, got allowed" for p in ("web", "api")
    ]
