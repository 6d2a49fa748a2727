"""What a lead owes next and by when: 响应, 研判, 反馈 — for the list, the page and 待办.

- 响应 is owed by a lead not yet responded, still 待响应;
- 研判 by a lead not yet assessed that is worked on (not 撞车待裁决, not closed);
- 反馈 (to the source) by a lead without feedback, unless merged or waiting for the
  office's ruling on a 撞车.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q

from .models import Lead, Status

#: The statuses in which a lead is worked on (研判 is owed).
WORKED = (Status.REGISTERED, Status.FOLLOWING, Status.ASSESSED)


@dataclass(frozen=True, slots=True)
class Due:
    kind: str  # respond | assess | feedback
    label: str
    date: dt.date
    overdue: bool


LABELS = {"respond": "响应", "assess": "研判", "feedback": "反馈"}


def respond_owed() -> Q:
    return Q(status=Status.REGISTERED, responded_at__isnull=True)


def assess_owed() -> Q:
    return Q(status__in=WORKED, assessed_at__isnull=True)


def feedback_owed() -> Q:
    return Q(feedback_at__isnull=True) & ~Q(status__in=(Status.MERGED, Status.CONFLICT))


def overdue_q(today: dt.date) -> Q:
    """The leads with a deadline passed and its step not done."""
    return (
        (respond_owed() & Q(respond_due__lt=today))
        | (assess_owed() & Q(assess_due__lt=today))
        | (feedback_owed() & Q(feedback_due__lt=today))
    )


def owed(lead: Lead, today: dt.date) -> list[Due]:
    """Every step ``lead`` still owes, earliest due first."""
    out = []
    if lead.status == Status.REGISTERED and lead.responded_at is None:
        out.append(("respond", lead.respond_due))
    if lead.status in WORKED and lead.assessed_at is None:
        out.append(("assess", lead.assess_due))
    if lead.feedback_at is None and lead.status not in (Status.MERGED, Status.CONFLICT):
        out.append(("feedback", lead.feedback_due))
    out.sort(key=lambda pair: pair[1])
    return [Due(kind, LABELS[kind], day, day < today) for kind, day in out]


def next_due(lead: Lead, today: dt.date) -> Due | None:
    steps = owed(lead, today)
    return steps[0] if steps else None
