"""Rewards: computed by the policy engine (formula and numbers), approved, published
(公示) for the district's period, then paid — each step an event; the 公示 holds the
payment on every path."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from baton.core.dates import add_working_days
from baton.intermediaries import rewards, rules, services
from baton.intermediaries.models import IntermediaryEvent
from baton.policies import services_payment as payment
from baton.policies.models import Clause

from .helpers import day, load_reward_policy, moment, person, project, refused, register

pytestmark = pytest.mark.django_db


def _clause(w, number):
    return Clause.objects.get(policy__number__startswith="演示-中介奖励办法", number=number)


def _confirmed(w, **kwargs):
    load_reward_policy(w)
    agency = register(w)
    p = project(w, **kwargs)
    claim = services.claim_file(
        actor=w.promoter, intermediary=agency, project=p, account="引荐", at=moment(60)
    )
    services.claim_confirm(actor=w.office, claim=claim, at=moment(59))
    return p, claim


def test_the_options_show_each_clause_with_its_formula_or_why_not(w):
    p, _ = _confirmed(w)
    found = {o.clause.number: o for o in rewards.options(p, day(0), {"实际到位资金": "30000"})}
    assert found["第一条"].item.amount == Decimal("15")
    assert "0.5‰" in found["第一条"].item.formula
    assert found["第二条"].item.amount == Decimal("80")  # 40000 × 2‰
    # 5000 × 2‰ + 25000 × 3‰ + 10000 × 1‰ = 10 + 75 + 10
    assert found["第三条"].item.amount == Decimal("95")
    bare = {o.clause.number: o for o in rewards.options(p, day(0))}
    assert bare["第一条"].item is None and "实际到位资金" in bare["第一条"].refusal


def test_a_world_500_investor_gets_the_uplift(w):
    p, _ = _confirmed(w, is_global500=True)
    found = {o.clause.number: o for o in rewards.options(p, day(0))}
    assert found["第三条"].item.amount == Decimal("104.5")
    assert "× 1.1" in found["第三条"].item.formula


def test_a_reward_is_applied_approved_publicized_and_paid_each_step_an_event(w):
    p, claim = _confirmed(w)
    reward = rewards.reward_apply(
        actor=w.office, project=p, clause=_clause(w, "第一条"),
        facts={"实际到位资金": "400000"}, at=moment(30),
    )  # fmt: skip
    app = reward.application
    assert app.estimate_amount == Decimal("150")  # 200 capped at 150
    assert app.beneficiary_name == "厦门鹭招企业管理咨询有限公司"
    reward = rewards.reward_approve(actor=w.office, reward=reward, amount="150", at=moment(29))
    assert reward.split[0]["amount"] == "150"
    instalment = reward.application.instalments.get()
    with refused("中介奖励须经公示，公示期满后才能支付。"):
        rewards.reward_pay(
            actor=w.office, reward=reward, instalment=instalment, amount="150", voucher="V1"
        )
    reward = rewards.reward_publicize(actor=w.office, reward=reward, at=moment(3))
    assert reward.publicity_to == add_working_days(day(3), 5)
    # the policies' own payment is held by the 公示 too
    if reward.publicity_to > day(0):
        with refused(f"中介奖励公示至 {reward.publicity_to:%Y-%m-%d}，公示期满后才能支付。"):
            payment.pay(w.office, instalment, on=day(0), amount="150", voucher="V1")
    reward.publicity_to = day(1)
    reward.save()
    rewards.reward_pay(
        actor=w.office, reward=reward, instalment=instalment, amount="150", voucher="V1"
    )
    reward.application.refresh_from_db()
    assert reward.application.status == "paid"
    kinds = list(IntermediaryEvent.objects.filter(claim=claim).values_list("kind", flat=True))
    assert kinds == ["filed", "confirmed", "applied", "approved", "publicized", "paid"]


def test_a_shared_reward_is_split_by_shares(w):
    services.settings_update(
        actor=w.office, district=w.district, claim_rule="shared", publicity_days=3
    )
    load_reward_policy(w)
    a, b = register(w), person(w)
    p = project(w)
    for who, share in ((a, "60"), (b, "40")):
        claim = services.claim_file(
            actor=w.office, intermediary=who, project=p, account="共同引荐", share=share,
            at=moment(50),
        )  # fmt: skip
        services.claim_confirm(actor=w.office, claim=claim, at=moment(49))
    reward = rewards.reward_apply(
        actor=w.office, project=p, clause=_clause(w, "第二条"), at=moment(20)
    )
    reward = rewards.reward_approve(actor=w.office, reward=reward, amount="80", at=moment(19))
    assert [(r["share"], r["amount"]) for r in reward.split] == [("60", "48"), ("40", "32")]
    assert reward.application.instalments.count() == 2  # half now, half at 投产


def test_a_reward_needs_confirmed_claims_whose_shares_make_100(w):
    services.settings_update(
        actor=w.office, district=w.district, claim_rule="shared", publicity_days=3
    )
    load_reward_policy(w)
    p = project(w)
    with refused(rewards.NO_CLAIM):
        rewards.reward_apply(actor=w.office, project=p, clause=_clause(w, "第二条"))
    claim = services.claim_file(
        actor=w.office, intermediary=register(w), project=p, account="x", share="60"
    )
    services.claim_confirm(actor=w.office, claim=claim)
    with refused(f"不符合规定（{rules.RULE_SHARES}）：已认定的份额合计 60%。"):
        rewards.reward_apply(actor=w.office, project=p, clause=_clause(w, "第二条"))


def test_only_the_office_applies_and_a_condition_unmet_is_refused(w):
    p, _ = _confirmed(w, fixed_investment="2000")
    with refused(rules.NOT_THE_OFFICE, error=PermissionDenied):
        rewards.reward_apply(actor=w.promoter, project=p, clause=_clause(w, "第二条"))
    with refused("该条款不适用于本项目：固定资产投资再增加 8,000 万元即可适用。"):
        rewards.reward_apply(actor=w.office, project=p, clause=_clause(w, "第二条"))


def test_publicity_comes_after_approval_and_once(w):
    p, _ = _confirmed(w)
    reward = rewards.reward_apply(
        actor=w.office, project=p, clause=_clause(w, "第三条"), at=moment(20)
    )
    with refused("奖励核定后才能公示。"):
        rewards.reward_publicize(actor=w.office, reward=reward)
    rewards.reward_approve(actor=w.office, reward=reward, amount="95", at=moment(19))
    rewards.reward_publicize(actor=w.office, reward=reward, at=moment(18))
    with refused(f"该奖励已于 {day(18):%Y-%m-%d} 公示。"):
        rewards.reward_publicize(actor=w.office, reward=reward)


def test_a_reward_past_its_publicity_is_in_the_offices_to_do(w):
    from baton.intermediaries.todo import rewards_payable

    p, _ = _confirmed(w)
    reward = rewards.reward_apply(
        actor=w.office, project=p, clause=_clause(w, "第三条"), at=moment(20)
    )
    rewards.reward_approve(actor=w.office, reward=reward, amount="95", at=moment(19))
    rewards.reward_publicize(actor=w.office, reward=reward, at=moment(18))
    items = list(rewards_payable(w.office, day(0)))
    assert [i.title for i in items] == ["支付中介奖励：厦门鹭招企业管理咨询有限公司"]
    assert list(rewards_payable(w.promoter, day(0))) == []
    assert list(rewards_payable(w.office, day(19))) == []
