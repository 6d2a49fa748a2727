"""The actor × step × path write matrix of 政策兑现 (as ``leads/tests/test_write_paths``).

Every way in that writes a delivery — the pages and, for the district's run, the command
``baton policy deliver --user`` — applies the one rule to the same actor:

- **receive** (申报/受理): the district office of the project's district and the promoters
  of the project's unit; **note**: the same two;
- every other step (complete, return, approve, reject, withdraw, pay, hold, release) and
  the district's run (**deliver**: 免申即享 and instalments now due): the district office.

Another unit, another district's office, the city reviewer, a leader and an anonymous
visitor write nothing on any path. A cell is *allowed* (the change happened) or *refused*
(the path said no and the delivery tables are exactly as before); *n/a* where a path
cannot express the step. The world is built once; each cell runs in a savepoint rolled
back afterwards.
"""

import datetime as dt
import sys

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import reverse

from baton.policies import services_delivery as delivery
from baton.policies import services_payment as payment
from baton.policies.models import Application, ApplicationEvent, Instalment
from baton.projects.models import Milestone
from baton.projects.tests.helpers_views import login
from baton.testing import add_coordinating, make_world

from .helpers_delivery import approved, clause, load_policy, project, receive

ACTORS = (
    "office",  # 翔安区招商办
    "tongan_office",  # 同安区招商办
    "promoter",  # 马巷街道: holds the projects
    "other_promoter",  # 新店街道
    "reviewer",  # 厦门市招商办
    "leader",
    "coordinator",
    "anonymous",
)
STEPS = (
    "receive",
    "complete",
    "return",
    "approve",
    "reject",
    "withdraw",
    "note",
    "pay",
    "hold",
    "release",
    "deliver",
)
PATHS = ("web", "command")
OFFICE = frozenset({"office"})
POLICY = {step: OFFICE for step in STEPS} | {
    "receive": frozenset({"office", "promoter"}),
    "note": frozenset({"office", "promoter"}),
}
TEXT = "矩阵写入路径"


def expected(actor: str, step: str, path: str) -> str:
    if path == "command" and step != "deliver":
        return "n/a"
    if path == "command" and actor == "anonymous":
        return "n/a"  # the command runs as a named user or as the operator
    if (actor, step, path) == ("tongan_office", "deliver", "web"):
        return "no refusal, nothing done"  # the button runs the office's own district
    return "allowed" if actor in POLICY[step] else "refused"


def db_state() -> tuple:
    return (
        list(Application.objects.order_by("pk").values()),
        list(ApplicationEvent.objects.order_by("pk").values()),
        list(Instalment.objects.order_by("pk").values()),
    )


def build_world():
    w = make_world()
    add_coordinating(w)
    load_policy()
    w.fresh = project(w, started=None)
    w.received = receive(w, project(w, started=None))
    w.complete = receive(w, project(w, started=None))
    delivery.complete(w.office, w.complete, on=dt.date(2025, 5, 7))
    w.approved = approved(w, project(w, started=None), "第三条")
    w.held = approved(w, project(w, started=None), "第三条")
    payment.hold(w.office, w.held.instalments.get(order=1), reason="履约问题")
    automatic = project(w, started=None)
    Milestone.objects.create(project=automatic, kind="in_production", date=dt.date(2025, 8, 1))
    w.users = {name: getattr(w, name, None) for name in ACTORS}
    w.users["anonymous"] = AnonymousUser()
    w.clients = {
        name: login(Client(raise_request_exception=False), user) if user.is_authenticated
        else Client(raise_request_exception=False)
        for name, user in w.users.items()
    }  # fmt: skip
    return w


def target(w, step: str) -> Application:
    if step in ("approve",):
        return w.complete
    if step in ("pay", "hold"):
        return w.approved
    if step == "release":
        return w.held
    return w.received


def done(w, step: str) -> bool:
    app = Application.objects.get(pk=target(w, step).pk) if step != "receive" else None
    return {
        "receive": lambda: Application.objects.filter(project=w.fresh).exists(),
        "complete": lambda: app.status == "complete",
        "return": lambda: delivery.awaiting_materials(app),
        "approve": lambda: app.status == "approved",
        "reject": lambda: app.status == "rejected",
        "withdraw": lambda: app.status == "withdrawn",
        "note": lambda: app.events.filter(kind="note", reason=TEXT).exists(),
        "pay": lambda: app.instalments.get(order=1).paid_on is not None,
        "hold": lambda: app.instalments.get(order=1).held,
        "release": lambda: not app.instalments.get(order=1).held,
        "deliver": lambda: Application.objects.filter(mode="automatic").exists(),
    }[step]()


def web_request(w, step: str) -> tuple[str, dict]:
    if step == "receive":
        url = reverse("policies:application_new") + f"?project={w.fresh.code}"
        return url, {"clause": clause("第三条").pk, "received_on": "2025-05-06",
                     "beneficiary_name": "宁德时代"}  # fmt: skip
    if step == "deliver":
        return reverse("policies:application_deliver"), {"on": "2025-09-01"}
    app = Application.objects.get(pk=target(w, step).pk)
    data = {
        "complete": {"on": "2025-05-08"},
        "return": {"reason": TEXT},
        "approve": {"amount": "100", "on": "2025-05-20"},
        "reject": {"reason": TEXT},
        "withdraw": {"reason": TEXT},
        "note": {"text": TEXT},
        "pay": {"instalment": "1", "on": "2025-05-21", "amount": "3.3333", "voucher": "V1"},
        "hold": {"instalment": "1", "reason": TEXT},
        "release": {"instalment": "1", "reason": TEXT},
    }[step]
    return reverse(f"policies:application_{step}", args=[app.code]), {
        **data,
        "version": app.version,
    }


def via_web(w, actor: str, step: str) -> bool:
    url, data = web_request(w, step)
    response = w.clients[actor].post(url, data)
    if response.status_code == 302:
        return response.url.startswith(resolve_url(settings.LOGIN_URL))
    return response.status_code >= 400


def via_command(w, actor: str, step: str) -> bool:
    try:
        call_command(
            "policy", "deliver", "--district", "350213", "--on", "2025-09-01",
            "--user", w.users[actor].username,
        )  # fmt: skip
    except CommandError:
        return True
    return False


RUNNERS = {"web": via_web, "command": via_command}


def run_cell(w, actor: str, step: str, path: str) -> str | None:
    want = expected(actor, step, path)
    if want == "n/a":
        return None
    with transaction.atomic():
        before = db_state()
        try:
            said_no = RUNNERS[path](w, actor, step)
            happened = done(w, step)
            unchanged = db_state() == before
        finally:
            transaction.set_rollback(True)
    if happened and not said_no:
        got = "allowed"
    elif not unchanged:
        got = "changed something" if said_no else "changed something else"
    elif said_no:
        got = "refused"
    else:
        got = "no refusal, nothing done"
    return None if got == want else f"{actor} × {step} × {path}: expected {want}, got {got}"


@pytest.fixture
def world(db, caplog):
    caplog.set_level("ERROR", logger="django.request")
    return build_world()


def test_one_rule_on_every_path(world, capsys):
    cells = [(a, s, p) for a in ACTORS for s in STEPS for p in PATHS]
    mismatches = [problem for cell in cells if (problem := run_cell(world, *cell))]
    with capsys.disabled():
        for line in mismatches:
            print(line, file=sys.stderr)
    assert mismatches == []


def test_the_matrix_catches_a_rule_gone_wrong(world, monkeypatch):
    from baton.policies import delivery_rules

    monkeypatch.setattr(delivery_rules, "is_office", lambda user, district_id: True)
    assert run_cell(world, "promoter", "approve", "web") == (
        "promoter × approve × web: expected refused, got allowed"
    )
