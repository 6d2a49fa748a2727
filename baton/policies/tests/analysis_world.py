"""A small world of deliveries for the analysis, written with the ORM (not the services).

翔安区 (the office, 马巷 and 新店) and 同安区, D = 2025-06-30. Amounts in 万元:

=====  =======  ======  ==========  =======  ==========================================
app    project  clause  approved    amount   status, instalments
=====  =======  ======  ==========  =======  ==========================================
a1     A 马巷   P1 c1   2025-02-10  150      approved (estimate 140): 45 paid 03-01,
                                             105 paid 2025-08-01 (after D)
a2     A 马巷   P1 c1   2025-06-05  180      paid (estimate 200): 180 paid 06-20
a3     B 新店   P2 c2   2025-05-20   50      withdrawn 2025-07-10 (after D): 50 held
a4     B 新店   P2 c2   —            —       rejected 2025-03-01
a5     C 马巷   P1 c1   —            —       complete (under review)
a6     A 马巷   P2 c2   2025-03-15   60      withdrawn 2025-06-20 (before D)
a7     A 马巷   P1 c1   2025-07-05   20      approved after D
a8     A 马巷   P2 c2   2024-11-20   40      paid: 40 paid 2024-12-15
t1     T 同安   P1 c1   2025-03-01  500      approved: 200 paid 04-01 (paid_amount)
=====  =======  ======  ==========  =======  ==========================================

P1 (厦门, "3502") c1: caps 单项 200, 单个项目 300, 每年 250. P2 (翔安, "350213") c2: none.
P3 (厦门) and P4 (同安, "350212") have no application; P5 is a draft.
Landed at D: A, B, E (马巷, no application) in 翔安, T in 同安; C is 在谈.
"""

import datetime as dt
import itertools
from decimal import Decimal
from types import SimpleNamespace

from django.utils import timezone

from baton.policies.models import Application, ApplicationEvent, Clause, Instalment, Policy
from baton.projects import services
from baton.testing import admit, at, make_project, stage

D = dt.date(2025, 6, 30)
_codes = itertools.count(1)


def _policy(number, region, *, effective_on=dt.date(2024, 1, 1), draft=False, **caps):
    policy = Policy.objects.create(
        number=number,
        title=f"{number}测试政策",
        level="city" if len(region) == 4 else "district",
        region=region,
        kind="special",
        effective_on=effective_on,
        is_draft=draft,
    )
    clause = Clause.objects.create(
        policy=policy, number="第三条", title="奖励", amount="100", **caps
    )
    return policy, clause


def _landed(w, name, *, unit, actor, industry=None, landed_on=dt.date(2025, 1, 20)):
    project = make_project(
        w,
        unit=unit,
        actor=actor,
        name=name,
        investor=f"{name}公司",
        stage=stage("negotiating"),
        industry=industry,
        at=at(2025, 1, 5),
    )
    admit(w, project, when=at(2025, 1, 10))
    if landed_on is not None:
        services.project_move(
            project=project,
            stage=stage("landed"),
            actor=w.office,
            fields={"signed_on": landed_on},
            at=at(landed_on.year, landed_on.month, landed_on.day),
        )
    return project


def application(
    project,
    clause,
    *,
    approved=None,
    on=None,
    status="approved",
    estimate=None,
    beneficiary="甲公司",
    received=dt.date(2024, 10, 1),
):
    moment = timezone.make_aware(dt.datetime(2024, 10, 1, 9))
    return Application.objects.create(
        code=f"ZC{project.district.code}2025{next(_codes):04d}",
        district=project.district,
        project=project,
        policy=clause.policy,
        clause=clause,
        beneficiary_name=beneficiary,
        status=status,
        basis_on=received,
        received_on=received,
        decided_on=on,
        approved_amount=None if approved is None else Decimal(approved),
        estimate_amount=None if estimate is None else Decimal(estimate),
        created_at=moment,
        updated_at=moment,
    )


def instalment(app, order, amount, *, paid_on=None, paid_amount=None, held=False):
    return Instalment.objects.create(
        application=app,
        order=order,
        milestone="started" if order == 1 else "in_production",
        share=Decimal("0.5"),
        amount=Decimal(amount),
        paid_on=paid_on,
        paid_amount=None if paid_amount is None else Decimal(paid_amount),
        held=held,
    )


def ended(app, kind, day):
    ApplicationEvent.objects.create(
        application=app, district=app.district, kind=kind, at=at(day.year, day.month, day.day)
    )


def build(w) -> SimpleNamespace:
    n = SimpleNamespace()
    n.p1, n.c1 = _policy(
        "厦测〔2025〕1号",
        "3502",
        cap_item=Decimal(200),
        cap_project=Decimal(300),
        cap_year=Decimal(250),
    )
    n.p2, n.c2 = _policy("翔测〔2025〕2号", "350213")
    n.p3, _ = _policy("厦测〔2025〕3号", "3502", effective_on=dt.date(2023, 1, 1))
    n.p4, _ = _policy("同测〔2025〕4号", "350212")
    n.p5, _ = _policy("厦测〔2025〕5号", "3502", draft=True)

    n.A = _landed(w, "新能源电池", unit=w.town, actor=w.promoter, industry=w.industry)
    n.B = _landed(w, "物流中心", unit=w.other_town, actor=w.other_promoter)
    n.C = _landed(w, "在谈项目", unit=w.town, actor=w.promoter, landed_on=None)
    n.E = _landed(w, "未申报项目", unit=w.town, actor=w.promoter, industry=w.industry)
    n.T = _landed(w, "同安工厂", unit=w.tongan_unit, actor=w.tongan_office)

    n.a1 = application(n.A, n.c1, approved="150", on=dt.date(2025, 2, 10), estimate="140")
    instalment(n.a1, 1, "45", paid_on=dt.date(2025, 3, 1))
    instalment(n.a1, 2, "105", paid_on=dt.date(2025, 8, 1))
    n.a2 = application(
        n.A, n.c1, approved="180", on=dt.date(2025, 6, 5), status="paid", estimate="200"
    )
    instalment(n.a2, 1, "180", paid_on=dt.date(2025, 6, 20), paid_amount="180")
    n.a3 = application(
        n.B, n.c2, approved="50", on=dt.date(2025, 5, 20), status="withdrawn", beneficiary="乙公司"
    )
    instalment(n.a3, 1, "50", held=True)
    ended(n.a3, "withdrawn", dt.date(2025, 7, 10))
    n.a4 = application(n.B, n.c2, on=dt.date(2025, 3, 1), status="rejected", beneficiary="乙公司")
    ended(n.a4, "rejected", dt.date(2025, 3, 1))
    n.a5 = application(n.C, n.c1, status="complete", received=dt.date(2025, 6, 1))
    n.a6 = application(n.A, n.c2, approved="60", on=dt.date(2025, 3, 15), status="withdrawn")
    ended(n.a6, "withdrawn", dt.date(2025, 6, 20))
    n.a7 = application(n.A, n.c1, approved="20", on=dt.date(2025, 7, 5))
    n.a8 = application(n.A, n.c2, approved="40", on=dt.date(2024, 11, 20), status="paid")
    instalment(n.a8, 1, "40", paid_on=dt.date(2024, 12, 15))
    n.t1 = application(n.T, n.c1, approved="500", on=dt.date(2025, 3, 1), beneficiary="丙公司")
    instalment(n.t1, 1, "250", paid_on=dt.date(2025, 4, 1), paid_amount="200")
    return n
