"""A lead's deadlines in working days, on the Chinese calendar (``core.dates``).

Counted from the local day the lead was registered (首报时间): respond within
``respond_days`` working days, assess (研判) within ``assess_days`` — ``major_assess_days``
for a lead of ``major_wan`` or more — and give feedback to the source within
``feedback_days``. A day of a year whose official schedule the calendar package does not
know yet is counted Monday to Friday; ``provisional`` says so, for the page to tell.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from baton.core.dates import add_working_days, has_official_schedule, local_date

from .models import LeadSettings


def settings_of(district) -> LeadSettings:
    """The district's rules for leads: its own row, or the defaults (not saved)."""
    try:
        return district.lead_settings
    except LeadSettings.DoesNotExist:
        return LeadSettings(district=district)


@dataclass(frozen=True, slots=True)
class Deadlines:
    respond: dt.date
    assess: dt.date
    feedback: dt.date
    hold_until: dt.date
    #: Whether a deadline lies in a year without an announced schedule (weekdays only).
    provisional: bool


def is_major(rules: LeadSettings, investment: Decimal) -> bool:
    return rules.major_wan is not None and investment >= rules.major_wan


def deadlines(rules: LeadSettings, reported_at: dt.datetime, investment: Decimal) -> Deadlines:
    day = local_date(reported_at)
    assess_days = rules.major_assess_days if is_major(rules, investment) else rules.assess_days
    respond = add_working_days(day, rules.respond_days)
    assess = add_working_days(day, assess_days)
    feedback = add_working_days(day, rules.feedback_days)
    last = max(respond, assess, feedback)
    provisional = not (has_official_schedule(day) and has_official_schedule(last))
    return Deadlines(
        respond=respond,
        assess=assess,
        feedback=feedback,
        hold_until=day + dt.timedelta(days=rules.hold_days),
        provisional=provisional,
    )


def is_provisional(lead) -> bool:
    """Whether ``lead``'s deadlines were counted on weekdays only (no official schedule)."""
    day = local_date(lead.reported_at)
    last = max(lead.respond_due, lead.assess_due, lead.feedback_due)
    return not (has_official_schedule(day) and has_official_schedule(last))
