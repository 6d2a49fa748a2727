"""A lead's deadlines in working days, on the Chinese calendar (``core.dates``).

Counted from the local day the lead was registered (首报时间): respond within
``respond_days`` working days and assess (研判) within ``assess_days`` —
``major_assess_days`` for a lead of ``major_wan`` or more. Feedback to the source is owed
within ``feedback_days`` of the assessment (江门: "作出研判意见后，1周内应反馈至线索引荐方或
投资方"): until the lead is assessed it is due that many days after the assessment's
deadline, and from the assessment on, that many days after the day it was made. A day of a year whose official schedule the calendar package does not
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
    feedback = add_working_days(assess, rules.feedback_days)
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


def feedback_after_assessment(rules: LeadSettings, assessed_at: dt.datetime) -> dt.date:
    """The feedback deadline once the lead is assessed on ``assessed_at``."""
    return add_working_days(local_date(assessed_at), rules.feedback_days)
