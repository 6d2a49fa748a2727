"""A 翔安 delivery world: a test policy of 厦门 with staged payments, caps per project and
per year, a time limit and a 免申即享 clause, and projects that qualify."""

import datetime as dt
from decimal import Decimal as D

from baton.policies import services_delivery as delivery
from baton.policies.models import Clause
from baton.policies.services import policy_load
from baton.projects.models import Milestone
from baton.testing import make_project

NUMBER = "厦兑〔2025〕1号"
POLICY = {
    "number": NUMBER,
    "title": "测试用政策兑现办法",
    "level": "市",
    "department": "厦门市测试局",
    "region": "3502",
    "kind": "N",
    "topic": "兑现",
    "effective_on": "2024-01-01",
    "expires_on": None,
    "status": "现行",
    "successor": None,
    "source": "",
    "text": "仅供测试。",
    "clauses": [
        {
            "number": "第一条",
            "title": "固定资产投资奖励",
            "condition": "fixed_investment >= 5000",
            "amount": "fixed_investment * 1%",
            "cap_project_wan": "150",
            "cap_year_wan": "180",
            "payments": [
                {"milestone": "started", "share": "0.3"},
                {"milestone": "in_production", "share": "0.7"},
            ],
            "time_limit": {"days": 365, "from": "started"},
        },
        {
            "number": "第二条",
            "title": "注册资本奖励",
            "condition": "registered_capital > 0",
            "amount": "registered_capital * 1‰",
        },
        {
            "number": "第三条",
            "title": "三期兑付奖励",
            "condition": "investment >= 1000",
            "amount": "10",
            "payments": [
                {"milestone": "approved", "share": "0.333333"},
                {"milestone": "signed", "share": "0.333333"},
                {"milestone": "at_capacity", "share": "0.333334"},
            ],
        },
        {
            "number": "第四条",
            "title": "投产即享奖励",
            "condition": "in_production_on <= on",
            "amount": "20",
        },
    ],
}
SIGNED = dt.date(2025, 3, 3)
STARTED = dt.date(2025, 4, 1)


def load_policy(*, automatic=True):
    policy_load(items=[POLICY])
    if automatic:
        Clause.objects.filter(policy__number=NUMBER, number="第四条").update(no_application=True)


def clause(number: str) -> Clause:
    return Clause.objects.get(policy__number=NUMBER, number=number)


def project(w, *, fixed="12000", started=STARTED, unit=None, **fields):
    """A 翔安 project of 马巷 (unless ``unit``), signed 2025-03-03, started 2025-04-01."""
    row = make_project(
        w, investment="30000", fixed_investment=fixed, unit=unit, investor="宁德时代", **fields
    )
    Milestone.objects.create(project=row, kind="signed", date=SIGNED)
    if started:
        Milestone.objects.create(project=row, kind="started", date=started)
    return row


def receive(w, row, number="第一条", *, actor=None, on=dt.date(2025, 5, 6), **kw):
    kw.setdefault("beneficiary_name", "宁德时代")
    return delivery.receive(actor or w.office, row, clause(number), received_on=on, **kw)


def approved(w, row, number="第一条", *, amount=None, on=dt.date(2025, 5, 20), **kw):
    app = receive(w, row, number, **kw)
    delivery.complete(w.office, app, on=dt.date(2025, 5, 7))
    delivery.approve(w.office, app, amount=amount or app.estimate_amount, on=on)
    return app


D0 = D(0)
