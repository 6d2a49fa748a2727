"""Reads of the register and the claims, scoped by ``rules`` in one place: a row outside
the user's scope is a 404, never a 403."""

from django.http import Http404

from baton.accounts.models import User

from . import rules
from .models import Claim, Intermediary, Reward


def intermediary_get(*, user: User, code: str) -> Intermediary:
    row = rules.visible_intermediaries(user).select_related("district").filter(code=code).first()
    if row is None:
        raise Http404(rules.NOT_FOUND)
    return row


def claim_get(*, user: User, code: str) -> Claim:
    row = (
        rules.visible_claims(user)
        .select_related("intermediary", "project", "project__unit", "project__district")
        .filter(code=code)
        .first()
    )
    if row is None:
        raise Http404("中介认定不存在或您无权查看。")
    return row


def reward_get(*, user: User, code: str) -> Reward:
    """A reward by its 政策兑现 code, seen by whoever sees the project's claims."""
    row = (
        Reward.objects.select_related("application", "application__clause", "project")
        .filter(application__code=code)
        .first()
    )
    if row is None or not rules.visible_claims(user).filter(project_id=row.project_id).exists():
        raise Http404("中介奖励不存在或您无权查看。")
    return row
