"""Reads of the policy library for the pages: each policy with its clauses explained.

Policies are public documents: every signed-in user reads the whole library."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, IntegerField, QuerySet, Value, When

from baton.core.money import plain

from .evaluate import explain_rule
from .expr import ExprError, compile_rule
from .models import Clause, Payable, Policy, Status


@dataclass
class ClauseView:
    clause: Clause
    condition: str  # in plain Chinese
    amount: str
    payments: list[str]  # "开工 30%"
    error: str = ""


def policy_rows() -> QuerySet[Policy]:
    """Return the library: 现行 first, then 已修订 and 已废止; the "1" before the "N"."""
    rank = Case(
        When(status=Status.CURRENT, then=Value(0)),
        When(status=Status.REVISED, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return (
        Policy.objects.select_related("successor")
        .prefetch_related("clauses")
        .annotate(rank=rank)
        .order_by("rank", "kind", "-effective_on", "number")
    )


def _share(share: str) -> str:
    return f"{plain(Decimal(share) * 100)}%"


def clause_view(clause: Clause) -> ClauseView:
    payments = [f"{Payable(p['milestone']).label} {_share(p['share'])}" for p in clause.payments]
    try:
        rule = compile_rule(
            condition=clause.condition, amount=clause.amount, variables=clause.variables
        )
    except ExprError as exc:  # stored before a change of the language: say so, not crash
        return ClauseView(clause, "", "", payments, error=str(exc))
    text = explain_rule(rule)
    return ClauseView(clause, text["condition"], text["amount"], payments)
