"""How far an intermediary is on its 定向招商协议: the valid leads it brought and the
fixed investment of the projects it claims, within the agreement's term.

A lead counts as the intermediary's when its source is 引荐人 or 中介机构 and its 来源说明
names the intermediary exactly (the leads keep the source as text); it is valid unless it
was rejected or merged or is a 储备 lead. A project counts when the intermediary's claim on
it, filed within the term, is filed or confirmed.
"""

import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal

from baton.core.dates import end_of_day, start_of_day
from baton.leads.models import Lead, Source
from baton.leads.models import Status as LeadStatus

from .models import Agreement, Claim, Intermediary

LEAD_SOURCES = (Source.REFERRER, Source.INTERMEDIARY)
COUNTED_CLAIMS = (Claim.Status.FILED, Claim.Status.CONFIRMED)


@dataclass
class Progress:
    agreement: Agreement
    leads: int
    leads_target: int | None  # over the whole term (a year's target × its years)
    fixed_wan: Decimal
    projects: int

    @property
    def leads_percent(self) -> int | None:
        if not self.leads_target:
            return None
        return min(100, round(100 * self.leads / self.leads_target))

    @property
    def fixed_percent(self) -> int | None:
        target = self.agreement.target_fixed_wan
        if not target:
            return None
        return min(100, round(100 * self.fixed_wan / Decimal(target)))


def intermediary_leads(intermediary: Intermediary, start: dt.date, end: dt.date):
    return Lead.objects.filter(
        district_id=intermediary.district_id,
        source__in=LEAD_SOURCES,
        source_detail=intermediary.name,
        reported_at__gte=start_of_day(start),
        reported_at__lte=end_of_day(end),
        is_reserve=False,
    ).exclude(status__in=(LeadStatus.REJECTED, LeadStatus.MERGED))


def progress(agreement: Agreement) -> Progress:
    row = agreement.intermediary
    years = max(1, math.ceil(((agreement.end_on - agreement.start_on).days + 1) / 366))
    claims = Claim.objects.filter(
        intermediary=row,
        status__in=COUNTED_CLAIMS,
        filed_on__gte=agreement.start_on,
        filed_on__lte=agreement.end_on,
    ).select_related("project")
    projects = {c.project_id: c.project for c in claims}
    fixed = sum((Decimal(p.fixed_investment or 0) for p in projects.values()), Decimal(0))
    return Progress(
        agreement=agreement,
        leads=intermediary_leads(row, agreement.start_on, agreement.end_on).count(),
        leads_target=agreement.target_leads * years if agreement.target_leads else None,
        fixed_wan=fixed,
        projects=len(projects),
    )
