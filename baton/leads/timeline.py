"""A company's leads on its timeline in 客商库 (``companies.timeline``), imported from
``ready()``: each lead of the company (or of a record merged into it) the user may see,
on the day it was first reported."""

from django.db.models import Q
from django.urls import reverse

from baton.companies.timeline import Entry, timeline_provider

from . import rules


@timeline_provider("leads")
def company_leads(user, company):
    rows = rules.visible_leads(user).filter(Q(company=company) | Q(company__merged_into=company))
    for lead in rows.select_related("first_unit", "unit").order_by("reported_at", "id"):
        holder = "" if lead.unit_id == lead.first_unit_id else f"，{lead.unit.name}跟进"
        yield Entry(
            at=lead.reported_at,
            kind="投资信息",
            title=f"{lead.title}（{lead.get_status_display()}，{lead.first_unit.name}首报{holder}）",
            url=reverse("leads:detail", args=[lead.code]),
            detail=f"{lead.code} · {lead.get_source_display()}",
        )
