"""中介奖励: the reward of a project's confirmed claims, computed and delivered by the
policies app — a 政策兑现 (``policies.Application``) under a 中介 clause — with the one
step the delivery lacks, 公示.

    apply (受理, the clause's estimate and formula) → approve (材料齐全 + 核定, caps, the
    instalments) → publicize (公示, the district's working days) → pay (each instalment,
    once the 公示 is over)

The delivery's own events (``ApplicationEvent``) are written by its services; each step
here also writes an ``IntermediaryEvent`` on every claim it rewards, in the same
transaction. The reward is split among the claims by their shares (the last takes the
remainder). A refusal raises and writes nothing.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from baton.accounts.models import User
from baton.core.dates import add_working_days, local_date
from baton.core.money import plain
from baton.policies import services_delivery as delivery
from baton.policies import services_payment as payment
from baton.policies.calculator import Item
from baton.policies.models import Application, Beneficiary, Clause, Instalment, clauses_in_force
from baton.projects.models import Project
from baton.projects.rules import event_time

from . import rules
from .models import Claim, IntermediaryEvent, Reward
from .services import HUNDRED, _event, settings_for


def _wan(value: object) -> Decimal | None:
    """A money field's value (a Decimal; the stubs type MoneyField as an integer)."""
    return None if value is None else Decimal(str(value))


def _plain(value: object) -> str | None:
    amount = _wan(value)
    return None if amount is None else plain(amount)


Kind = IntermediaryEvent.Kind
YUAN = Decimal("0.0001")
NO_CLAIM = "本项目没有已认定的中介，不能申请中介奖励。"


@dataclass
class Option:
    """A 中介 clause for the project: its estimate (``item``) or why it does not apply."""

    clause: Clause
    item: Item | None
    refusal: str = ""


def confirmed(project: Project) -> list[Claim]:
    return list(
        Claim.objects.filter(project=project, status=Claim.Status.CONFIRMED)
        .select_related("intermediary")
        .order_by("id")
    )


def check_shares(claims: list[Claim]) -> None:
    if not claims:
        raise ValidationError(NO_CLAIM)
    total = sum((c.share or Decimal(0) for c in claims), Decimal(0))
    if total != HUNDRED:
        raise ValidationError(
            rules.refused(rules.RULE_SHARES, f"已认定的份额合计 {plain(total)}%。")
        )


def options(project: Project, on: dt.date, facts: dict | None = None) -> list[Option]:
    """The 中介 clauses in force on the project's basis day (its 签约, else ``on``) of
    policies covering its district, each with its estimate as of ``on`` or the refusal."""
    basis = delivery.basis_date(project, on)
    kept = delivery.clean_facts(facts)
    out = []
    rows = clauses_in_force(basis).filter(beneficiary=Beneficiary.INTERMEDIARY)
    for clause in rows.order_by("policy__number", "order", "id"):
        if not project.district.code.startswith(clause.policy.region):
            continue
        try:
            out.append(Option(clause, delivery.evaluate_for(project, clause, on, kept)))
        except ValidationError as exc:
            out.append(Option(clause, None, exc.messages[0]))
    return out


def _split(claims: list[Claim], amount: Decimal | None) -> list[dict]:
    out, given = [], Decimal(0)
    for index, claim in enumerate(claims):
        share = claim.share or Decimal(0)
        part = None
        if amount is not None:
            if index == len(claims) - 1:
                part = amount - given
            else:
                part = (amount * share / HUNDRED).quantize(YUAN, rounding=ROUND_HALF_UP)
            given += part
        out.append(
            {
                "claim": claim.pk,
                "code": claim.code,
                "name": claim.intermediary.name,
                "share": plain(share),
                "amount": plain(part) if part is not None else None,
            }
        )
    return out


def _events(reward: Reward, kind: str, actor, at, *, new: dict, reason: str = "") -> None:
    claims = Claim.objects.filter(pk__in=[row["claim"] for row in reward.split]).select_related(
        "intermediary"
    )
    for claim in claims.order_by("id"):
        _event(claim.intermediary, kind, actor, at, claim=claim, new=new, reason=reason)


def _check_office(actor: User | None, district_id: int) -> None:
    if not rules.is_office(actor, district_id):
        raise PermissionDenied(rules.NOT_THE_OFFICE)


@transaction.atomic
def reward_apply(
    *,
    actor: User | None,
    project: Project,
    clause: Clause,
    facts: dict | None = None,
    note: str = "",
    at: dt.datetime | None = None,
) -> Reward:
    """申请奖励: a 政策兑现 under ``clause`` for the project's confirmed claims (shares
    adding up to 100%), the intermediaries its beneficiaries."""
    _check_office(actor, project.district_id)
    if clause.beneficiary != Beneficiary.INTERMEDIARY:
        raise ValidationError({"clause": ["请选择奖励中介的政策条款。"]})
    claims = confirmed(project)
    check_shares(claims)
    at = event_time(at)
    name = "、".join(c.intermediary.name for c in claims)[:200]
    application = delivery.receive(
        actor, project, clause, received_on=local_date(at), beneficiary_name=name,
        facts=facts, note=note, at=at,
    )  # fmt: skip
    reward = Reward.objects.create(
        application=application,
        district_id=project.district_id,
        project=project,
        split=_split(claims, None),
        created_at=at,
    )
    new = {
        "application": application.code,
        "clause": f"{clause.policy.number} {clause.number}",
        "estimate_amount": _plain(application.estimate_amount),
        "formula": application.estimate_formula,
    }
    _events(reward, Kind.REWARD_APPLIED, actor, at, new=new)
    return reward


def _lock(reward: Reward) -> Reward:
    return Reward.objects.select_for_update().select_related("application").get(pk=reward.pk)


@transaction.atomic
def reward_approve(
    *,
    actor: User | None,
    reward: Reward,
    amount: Any,
    reason: str = "",
    at: dt.datetime | None = None,
) -> Reward:
    """核定: the delivery's 材料齐全 (if not yet) and 核定 (caps, instalments), then the
    split among the claims."""
    reward = _lock(reward)
    application = reward.application
    _check_office(actor, reward.district_id)
    at = event_time(at)
    day = local_date(at)
    if application.status == Application.Status.RECEIVED:
        delivery.complete(actor, application, on=day, at=at)
    delivery.approve(actor, application, amount=amount, on=day, reason=reason, at=at)
    claims = list(
        Claim.objects.filter(pk__in=[r["claim"] for r in reward.split])
        .select_related("intermediary")
        .order_by("id")
    )
    reward.split = _split(claims, _wan(application.approved_amount))
    reward.save(update_fields=["split"])
    new = {
        "approved_amount": _plain(application.approved_amount),
        "formula": application.approved_formula,
        "split": reward.split,
    }
    _events(reward, Kind.REWARD_APPROVED, actor, at, new=new, reason=reason)
    return reward


@transaction.atomic
def reward_publicize(
    *, actor: User | None, reward: Reward, at: dt.datetime | None = None
) -> Reward:
    """公示: the approved reward is published for the district's working days; it can be
    paid once they are over."""
    reward = _lock(reward)
    _check_office(actor, reward.district_id)
    if reward.application.status != Application.Status.APPROVED:
        raise ValidationError("奖励核定后才能公示。")
    if reward.publicity_from is not None:
        raise ValidationError(f"该奖励已于 {reward.publicity_from:%Y-%m-%d} 公示。")
    at = event_time(at)
    day = local_date(at)
    days = settings_for(reward.district_id).publicity_days
    reward.publicity_from, reward.publicity_to = day, add_working_days(day, days)
    reward.save(update_fields=["publicity_from", "publicity_to"])
    new = {
        "publicity_from": day.isoformat(),
        "publicity_to": reward.publicity_to.isoformat(),
        "days": days,
    }
    _events(reward, Kind.PUBLICIZED, actor, at, new=new)
    return reward


def publicity_guard(application: Application, on: dt.date) -> None:
    """``services_payment.PAY_GUARDS``: an intermediary's reward is paid only after its
    公示 is over, on whatever path the payment comes."""
    reward = Reward.objects.filter(application_id=application.pk).first()
    if reward is None:
        return
    if reward.publicity_to is None:
        raise ValidationError("中介奖励须经公示，公示期满后才能支付。")
    if on < reward.publicity_to:
        raise ValidationError(
            f"中介奖励公示至 {reward.publicity_to:%Y-%m-%d}，公示期满后才能支付。"
        )


@transaction.atomic
def reward_pay(
    *,
    actor: User | None,
    reward: Reward,
    instalment: Instalment,
    amount: Any,
    voucher: str,
    at: dt.datetime | None = None,
) -> Reward:
    """支付 one instalment (the delivery's payment; refused during the 公示)."""
    reward = _lock(reward)
    _check_office(actor, reward.district_id)
    if instalment.application_id != reward.application_id:
        raise ValidationError("该分期不属于本奖励。")
    at = event_time(at)
    day = local_date(at)
    payment.pay(actor, instalment, on=day, amount=amount, voucher=voucher, at=at)
    instalment.refresh_from_db()
    new = {
        "instalment": instalment.order,
        "paid_on": day.isoformat(),
        "paid_amount": _plain(instalment.paid_amount),
        "voucher": instalment.voucher,
    }
    _events(reward, Kind.PAID, actor, at, new=new)
    return reward
