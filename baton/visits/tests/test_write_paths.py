"""The actor × change × path write matrix of trips and receptions (as the leads' one).

Every way in that writes a trip or a reception — the pages and, for recording one, the
ledger import page — applies the one rule to the same actor:

- **record** (a trip, a reception): a district's promoters (for their own unit) and its
  office (naming the unit); by import, rows naming 马巷街道: its promoters and the office;
- **edit, report, lead** on 马巷街道's trip or reception: its promoters and the office.

Another unit of the district, another district's office, the city reviewer, a leader,
the administrators and a 协调部门's staff write nothing. A cell is *allowed* (the change
happened) or *refused* (the path said no and nothing changed); *n/a* where a path cannot
express the change. ``POLICY`` states the rule again on purpose rather than importing
``rules``. The world is built once; each cell runs in a savepoint rolled back afterwards.
"""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from baton.leads.models import Lead
from baton.projects.tests.helpers_views import login
from baton.supervision.models import LeaderAct
from baton.testing import add_coordinating, make_world
from baton.tests.write_matrix import run_matrix, try_cell

from .. import services
from ..models import Reception, Trip, VisitEvent
from .helpers import days_ago, people, trip, two_companies

ACTORS = (
    "promoter",  # 马巷街道: holds the records
    "other_promoter",  # 新店街道
    "office",  # 翔安区招商办
    "tongan_office",
    "reviewer",
    "leader",
    "sys_admin",
    "coordinator",
)
CHANGES = (
    "trip_new",
    "trip_edit",
    "trip_report",
    "trip_lead",
    "reception_new",
    "reception_edit",
    "reception_lead",
)
PATHS = ("web", "import")
DISTRICT_WRITERS = frozenset({"promoter", "other_promoter", "office"})
HOLDER_OR_OFFICE = frozenset({"promoter", "office"})
POLICY: dict[str, tuple[frozenset, frozenset | None]] = {
    "trip_new": (DISTRICT_WRITERS, HOLDER_OR_OFFICE),
    "trip_edit": (HOLDER_OR_OFFICE, None),
    "trip_report": (HOLDER_OR_OFFICE, None),
    "trip_lead": (HOLDER_OR_OFFICE, None),
    "reception_new": (DISTRICT_WRITERS, HOLDER_OR_OFFICE),
    "reception_edit": (HOLDER_OR_OFFICE, None),
    "reception_lead": (HOLDER_OR_OFFICE, None),
}
TITLE = "矩阵写入的外出"


def expected(actor: str, change: str, path: str) -> str:
    on_pages, by_import = POLICY[change]
    if path == "import":
        return "n/a" if by_import is None else ("allowed" if actor in by_import else "refused")
    return "allowed" if actor in on_pages else "refused"


def db_state() -> tuple:
    return (
        list(Trip.objects.order_by("pk").values()),
        list(Reception.objects.order_by("pk").values()),
        VisitEvent.objects.count(),
        Lead.objects.count(),
        LeaderAct.objects.count(),
    )


def build_world():
    w = two_companies(people(add_coordinating(make_world())))
    w.trip = trip(w, members=[w.zhang], leaders=[], companies=[w.catl])
    w.reception = services.reception_create(
        actor=w.promoter, date=days_ago(3), visitors="客商", companies=[w.catl]
    )
    w.trips, w.receptions = Trip.objects.count(), Reception.objects.count()
    w.clients = {
        name: login(Client(raise_request_exception=False), getattr(w, name)) for name in ACTORS
    }
    return w


def done(w, change: str) -> bool:
    t = Trip.objects.get(pk=w.trip.pk)
    r = Reception.objects.get(pk=w.reception.pk)
    return {
        "trip_new": lambda: Trip.objects.count() > w.trips,
        "trip_edit": lambda: t.title == TITLE,
        "trip_report": lambda: t.reported_at is not None,
        "trip_lead": lambda: t.leads.exists(),
        "reception_new": lambda: Reception.objects.count() > w.receptions,
        "reception_edit": lambda: r.visitors == TITLE,
        "reception_lead": lambda: r.leads.exists(),
    }[change]()


def web_request(w, actor: str, change: str) -> tuple[str, dict]:
    unit = {"unit": w.town.pk} if actor == "office" else {}
    trip = {
        "title": TITLE, "start": days_ago(4).isoformat(), "end": days_ago(3).isoformat(),
        "destinations": "深圳", "companies": [w.catl.pk], "members": [w.zhang.pk],
        "version": w.trip.version,
    }  # fmt: skip
    reception = {
        "date": days_ago(3).isoformat(), "visitors": TITLE, "companies": [w.catl.pk],
        "version": w.reception.version,
    }  # fmt: skip
    lead = {"company": w.catl.pk, "title": "矩阵线索", "investment": "20000"}
    t, r = w.trip.pk, w.reception.pk
    return {
        "trip_new": (reverse("visits:trip_new"), {**trip, **unit}),
        "trip_edit": (reverse("visits:trip_edit", args=[t]), trip),
        "trip_report": (reverse("visits:trip_report", args=[t]), {"report": "矩阵报送"}),
        "trip_lead": (reverse("visits:trip_lead", args=[t]), lead),
        "reception_new": (reverse("visits:reception_new"), {**reception, **unit}),
        "reception_edit": (reverse("visits:reception_edit", args=[r]), reception),
        "reception_lead": (reverse("visits:reception_lead", args=[r]), lead),
    }[change]


def via_web(w, actor: str, change: str) -> bool:
    url, data = web_request(w, actor, change)
    return w.clients[actor].post(url, data).status_code >= 400


def ledger(w, change: str) -> bytes:
    book = Workbook()
    if change == "trip_new":
        book.active.append(("出发日期", "返回日期", "组织单位", "出访事由", "目的地", "拜访企业"))
        book.active.append((days_ago(4), days_ago(3), "马巷街道", TITLE, "深圳", w.catl.name))
    else:
        book.active.append(("来访日期", "接待单位", "来访人员", "来访企业"))
        book.active.append((days_ago(3), "马巷街道", TITLE, w.catl.name))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def via_import(w, actor: str, change: str) -> bool:
    name = "visits:trip_import" if change == "trip_new" else "visits:reception_import"
    upload = SimpleUploadedFile("台账.xlsx", ledger(w, change))
    return w.clients[actor].post(reverse(name), {"file": upload}).status_code >= 400


RUNNERS = {"web": via_web, "import": via_import}


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
        db_state,
    )


@pytest.fixture
def world(db, caplog):
    caplog.set_level("ERROR", logger="django.request")
    return build_world()


def test_the_table_has_a_line_for_every_change():
    assert set(POLICY) == set(CHANGES)


def test_one_rule_on_every_path(world, capsys):
    cells = [(world, a, c, p) for a in ACTORS for c in CHANGES for p in PATHS]
    assert run_matrix(cells, run_cell, capsys) == []


def test_the_matrix_catches_a_rule_gone_wrong(world, monkeypatch):
    from .. import rules

    monkeypatch.setattr(rules, "can_write", lambda user, record: True)
    assert run_cell(world, "leader", "trip_report", "web") == (
        "leader × trip_report × web: expected refused, got allowed"
    )
