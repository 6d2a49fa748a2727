"""Intermediaries in the to-do list (``todo.selectors.provider``), imported from ``ready()``.

The district office gets the claims waiting for its 认定 and the rewards whose 公示 is
over with an instalment due and unpaid.
"""

import datetime as dt
from collections.abc import Iterable

from django.urls import reverse

from baton.accounts.models import User
from baton.policies.models import Application
from baton.todo.selectors import Item, item, provider

from . import rules
from .models import Claim, Reward


def _office_district(user: User) -> int | None:
    if user.role != User.Role.DISTRICT_OFFICE or getattr(user, "is_coordinating", False):
        return None
    return user.district_id


@provider("intermediary_claim", "中介认定待认定")
def claims_waiting(user: User, today: dt.date) -> Iterable[Item]:
    district = _office_district(user)
    if district is None:
        return
    rows = rules.visible_claims(user).filter(district_id=district, status=Claim.Status.FILED)
    for claim in rows.select_related("intermediary", "project").order_by("filed_on", "id"):
        yield item(
            "intermediary_claim", f"中介认定：{claim.intermediary.name}（{claim.project.name}）",
            url=reverse("intermediaries:claim", args=[claim.code]), today=today,
            project=claim.project.code,
        )  # fmt: skip


@provider("intermediary_reward", "中介奖励公示期满待支付")
def rewards_payable(user: User, today: dt.date) -> Iterable[Item]:
    district = _office_district(user)
    if district is None:
        return
    rows = Reward.objects.filter(
        district_id=district,
        application__status=Application.Status.APPROVED,
        publicity_to__lte=today,
        application__instalments__paid_on__isnull=True,
        application__instalments__due_on__isnull=False,
        application__instalments__held=False,
    ).distinct()
    for reward in rows.select_related("application", "project").order_by("publicity_to", "id"):
        yield item(
            "intermediary_reward", f"支付中介奖励：{reward.application.beneficiary_name}",
            url=reverse("intermediaries:reward", args=[reward.application.code]), today=today,
            project=reward.project.code, due=reward.publicity_to,
        )  # fmt: skip
