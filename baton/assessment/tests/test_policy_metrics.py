"""Policy applications as counted facts: applied, approved and paid, each in its window."""

import datetime as dt
from decimal import Decimal

from baton.assessment import services
from baton.policies import services_delivery as delivery
from baton.policies import services_payment as payment
from baton.policies.tests.helpers_delivery import clause, load_policy

from .helpers import project, run, scheme, scores

YEAR = (dt.date(2025, 1, 1), dt.date(2025, 12, 31))


def apply(w, row, on):
    return delivery.receive(
        w.office,
        row,
        clause("第二条"),
        received_on=on,
        beneficiary_name="宁德时代",
        facts={"registered_capital": "5000"},
    )


def approve(w, app, on):
    delivery.complete(w.office, app, on=on)
    return delivery.approve(w.office, app, amount=app.estimate_amount, on=on)


def test_applications_count_in_their_window_to_the_projects_holder(w):
    load_policy(automatic=False)
    s = scheme(w, "政策兑现考核", units={w.town: "", w.other_town: ""}, period_kind="year")
    services.indicator_add(
        scheme=s,
        name="政策兑现服务",
        kind="weighted_sum",
        weight="1",
        config={
            "terms": [
                {"metric": "policy_applied", "points": "0.1"},
                {"metric": "policy_approved", "points": "0.2"},
                {"metric": "policy_paid", "points": "0.3"},
            ]
        },
    )
    # 马巷街道 holds four projects (their info from 新店街道: credit goes to the holder).
    rows = [
        project(w, w.town, "30000", admitted=dt.date(2024, 6, 3), info_unit=w.other_town)
        for _ in range(4)
    ]
    # 2024: received (outside the year); 2025: received, approved and paid.
    old = apply(w, rows[0], dt.date(2024, 12, 2))
    approve(w, old, dt.date(2025, 2, 3))  # received in 2024, approved in 2025
    paid = approve(w, apply(w, rows[1], dt.date(2025, 3, 3)), dt.date(2025, 3, 10))
    instalment = paid.instalments.get()
    payment.pay(
        w.office, instalment, on=dt.date(2025, 4, 1), amount=instalment.amount, voucher="凭证1"
    )
    apply(w, rows[2], dt.date(2025, 5, 6))
    withdrawn = apply(w, rows[3], dt.date(2025, 5, 7))
    delivery.withdraw(w.office, withdrawn, on=dt.date(2025, 5, 8), reason="企业撤回")

    lines = run(s, YEAR)
    # applied in 2025: rows[1] and rows[2] (the withdrawn one not) = 2; approved in 2025:
    # old and paid = 2; paid off in 2025: 1.  2×0.1 + 2×0.2 + 1×0.3 = 0.9.
    assert scores(lines["马巷街道"]) == [(Decimal("0.90"), "2×0.1+2×0.2+1×0.3")]
    assert scores(lines["新店街道"]) == [(Decimal("0.00"), "0×0.1+0×0.2+0×0.3")]
