"""The counting rule of signings (签约项目统计口径), as real cities write it.

A project (or, when the signed list names only a company, that company) is credited to the
first activity where it was signed; a later ceremony that signs it again is shown on its
list but not counted twice (不重复统计). A later signing of a stronger document (意向 →
协议 → 合同) counts as an upgrade only (升级签约), not as a new project; a later signing
of a larger amount counts only its increase (增资: 只计新增部分), whatever the document.

Signings are ordered by the activity's start date, then the activity and the line as
entered; the function below is pure, so that the pages, the figures and the tests read
one rule.
"""

import dataclasses
from collections.abc import Iterable
from decimal import Decimal

from .models import RANK

FIRST = "first"
UPGRADE = "upgrade"
INCREASE = "increase"
REPEAT = "repeat"

LABELS = {
    FIRST: "首次签约（计入）",
    UPGRADE: "升级签约（只计升级）",
    INCREASE: "增资签约（只计新增）",
    REPEAT: "重复签约（不重复统计）",
}


@dataclasses.dataclass(frozen=True, slots=True)
class Credit:
    """How one signing counts."""

    status: str
    #: The project counts here (its first signing).
    counted: bool
    #: An upgrade of the document counts here.
    upgraded: bool
    #: The amount that counts here (万元): all of it the first time, else the increase.
    amount: Decimal
    #: The activity that the project is credited to (its first signing's).
    credited_to: int

    @property
    def label(self) -> str:
        return LABELS[self.status]


def credits(signings: Iterable) -> dict[int, Credit]:
    """Return each signing's ``Credit`` by its id.

    ``signings``: objects with ``pk``, ``subject``, ``kind``, ``amount``, ``activity_id``
    and ``activity.start_on`` — all the signings of the subjects in question, of every
    activity (the rule looks back to the first one).
    """
    ordered = sorted(signings, key=lambda s: (s.activity.start_on, s.activity_id, s.pk))
    seen: dict[tuple, tuple[int, Decimal, int]] = {}
    result: dict[int, Credit] = {}
    for signing in ordered:
        rank = RANK[signing.kind]
        amount = signing.amount
        before = seen.get(signing.subject)
        if before is None:
            seen[signing.subject] = (rank, amount, signing.activity_id)
            result[signing.pk] = Credit(FIRST, True, False, amount, signing.activity_id)
            continue
        best_rank, best_amount, first = before
        increase = max(amount - best_amount, Decimal(0))
        upgraded = rank > best_rank
        status = UPGRADE if upgraded else INCREASE if increase else REPEAT
        seen[signing.subject] = (max(rank, best_rank), max(amount, best_amount), first)
        result[signing.pk] = Credit(status, False, upgraded, increase, first)
    return result
