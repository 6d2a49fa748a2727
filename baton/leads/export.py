"""The leads' ledger (投资信息台账) as an Excel workbook: one lead a row, Chinese headers.

Every export goes through a scope: a district (the command line), a user (the leads
``rules.visible_leads`` lets them see), or both. Amounts are numbers in 万元, dates and
times real date cells (local time); every text cell is neutralised against formula
injection (``baton.core.xlsx``). The investor's contact number is shown as for
projects: in full to the unit holding the lead and the district office, masked to
everyone else who sees the lead (``accounts.privacy.mask_phone``); an export of a
district from the command line (an operator, no user) shows it in full, as the projects'
ledger does.

As of a date D the rows are the leads registered by the end of D and not merged then,
with what the figures read as it stood then (``asof``: status, 跟进单位, 首报单位, source,
industry, 总投资, 储备, the deadlines and the moments of the work); the other columns
(texts, quantities) are as they are now.
"""

import datetime as dt
from collections.abc import Iterator

from django.db.models import Q, QuerySet
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from baton.accounts.models import User
from baton.accounts.privacy import mask_phone
from baton.companies.industry import section_of
from baton.core.xlsx import BOLD, column_widths, neutralize
from baton.org.models import District, Unit
from baton.projects.models import Industry

from . import rules
from .asof import LeadState, states_at
from .models import Kind, Lead, Source, Status

SHEET = "投资信息台账"
WAN, QUANTITY, DATE, MOMENT = "wan", "quantity", "date", "moment"
FORMATS = {
    WAN: "#,##0.####",
    QUANTITY: "#,##0.##",
    DATE: "yyyy-mm-dd",
    MOMENT: "yyyy-mm-dd hh:mm",
}
#: (key, header, kind, width): the columns in order.
COLUMNS = (
    ("code", "信息编号", None, 18),
    ("title", "项目名称", None, 30),
    ("status", "状态", None, 10),
    ("reserve", "储备信息", None, 8),
    ("reserve_reason", "储备原因", None, 24),
    ("source", "信息来源", None, 10),
    ("source_detail", "来源说明", None, 20),
    ("company", "投资方", None, 30),
    ("uscc", "统一社会信用代码", None, 20),
    ("contact_name", "联系人", None, 10),
    ("contact_phone", "联系电话", None, 14),
    ("kind", "项目性质", None, 10),
    ("industry_code", "行业代码", None, 10),
    ("section", "行业门类", None, 16),
    ("industry", "行业", None, 12),
    ("investment", "总投资（万元）", WAN, 14),
    ("fixed_investment", "固定资产投资（万元）", WAN, 14),
    ("land_mu", "用地需求（亩）", QUANTITY, 12),
    ("energy_tce", "用能需求（吨标准煤/年）", QUANTITY, 14),
    ("environment", "环境容量需求", None, 20),
    ("annual_output", "预计年产值（万元）", WAN, 14),
    ("annual_tax", "预计年税收（万元）", WAN, 14),
    ("summary", "项目概况", None, 40),
    ("products", "工艺/产品", None, 24),
    ("coordination", "需协调事项", None, 30),
    ("first_unit", "首报单位", None, 14),
    ("reported_by", "首报人", None, 10),
    ("reported_at", "首报时间", MOMENT, 17),
    ("unit", "跟进单位", None, 14),
    ("follower", "跟进人", None, 10),
    ("hold_until", "首谈期至", DATE, 12),
    ("respond_due", "响应时限", DATE, 12),
    ("responded_at", "响应时间", MOMENT, 17),
    ("assess_due", "研判时限", DATE, 12),
    ("assessed_at", "研判时间", MOMENT, 17),
    ("conclusion", "研判结论", None, 10),
    ("feedback_due", "反馈时限", DATE, 12),
    ("feedback_at", "反馈时间", MOMENT, 17),
    ("project", "转化项目", None, 18),
    ("converted_at", "转化时间", MOMENT, 17),
    ("last_progress_at", "最近进展", MOMENT, 17),
)
HEADERS = [header for _, header, _, _ in COLUMNS]
_STATUS = dict(Status.choices)
_SOURCE = dict(Source.choices)
_KIND = dict(Kind.choices)
_CONCLUSION = {"follow": "继续跟进", "drop": "不予跟进"}


def export_leads_scope(*, district: District | None = None, user: User | None = None) -> QuerySet:
    """The leads of the export: the user's visible ones, the district's, or both."""
    if district is None and user is None:
        raise ValueError("an export of leads needs a district or a user")
    leads = rules.visible_leads(user) if user is not None else Lead.objects.all()
    if district is not None:
        leads = leads.filter(district=district)
    return leads


def shown_phone(user: User | None, lead: Lead) -> str:
    """The investor's number as ``user`` sees it on this lead (as for projects)."""
    phone = lead.company.contact_phone or ""
    if user is None or rules.is_holder(user, lead) or rules.is_office(user, lead):
        return phone
    return mask_phone(phone)


def _local(moment: dt.datetime | None) -> dt.datetime | None:
    return None if moment is None else timezone.localtime(moment).replace(tzinfo=None)


def lead_rows(
    *,
    district: District | None = None,
    user: User | None = None,
    as_of: dt.date | None = None,
    leads: QuerySet | None = None,
) -> Iterator[dict]:
    """Yield each lead of the scope as {column key: value}, in the order of its code;
    only those of ``leads`` too when given (the list's filters)."""
    scope = export_leads_scope(district=district, user=user)
    leads = scope if leads is None else scope.filter(pk__in=leads.values("pk"))
    states: dict[int, LeadState] | None = None
    if as_of is not None:
        states = states_at(as_of=as_of, where=Q(pk__in=leads.values("pk")))
        leads = leads.filter(pk__in=[pk for pk, s in states.items() if s.status != Status.MERGED])
    leads = leads.select_related(
        "company", "unit", "first_unit", "reported_by", "industry", "project"
    ).order_by("reported_at", "id")
    units = dict(Unit.objects.values_list("pk", "name")) if states else {}
    industries = dict(Industry.objects.values_list("pk", "name")) if states else {}
    for lead in leads.iterator(chunk_size=500):
        row = {
            "code": lead.code,
            "title": lead.title,
            "reserve_reason": lead.reserve_reason,
            "source_detail": lead.source_detail,
            "company": lead.company.name,
            "uscc": lead.company.uscc,
            "contact_name": lead.company.contact_name,
            "contact_phone": shown_phone(user, lead),
            "kind": str(_KIND.get(lead.kind, lead.kind)),
            "fixed_investment": lead.fixed_investment,
            "land_mu": lead.land_mu,
            "energy_tce": lead.energy_tce,
            "environment": lead.environment,
            "annual_output": lead.annual_output,
            "annual_tax": lead.annual_tax,
            "summary": lead.summary,
            "products": lead.products,
            "coordination": lead.coordination,
            "reported_by": lead.reported_by.display_name if lead.reported_by else "",
            "reported_at": _local(lead.reported_at),
            "follower": lead.follower,
            "hold_until": lead.hold_until,
            "conclusion": _CONCLUSION.get((lead.assessment or {}).get("conclusion"), ""),
            "project": lead.project.code if lead.project else "",
            "last_progress_at": _local(lead.last_progress_at),
        }
        state = states.get(lead.pk) if states else None
        if state is None:
            row.update(
                status=lead.status,
                reserve=lead.is_reserve,
                source=lead.source,
                industry_code=lead.industry_code,
                industry=lead.industry.name if lead.industry else "",
                investment=lead.investment,
                first_unit=lead.first_unit.name,
                unit=lead.unit.name,
                respond_due=lead.respond_due,
                assess_due=lead.assess_due,
                feedback_due=lead.feedback_due,
                responded_at=lead.responded_at,
                assessed_at=lead.assessed_at,
                feedback_at=lead.feedback_at,
                converted_at=lead.converted_at,
            )
        else:
            row.update(
                status=state.status,
                reserve=state.is_reserve,
                source=state.source,
                industry_code=state.industry_code,
                industry=industries.get(state.industry, ""),
                investment=state.investment,
                first_unit=units.get(state.first_unit, ""),
                unit=units.get(state.unit, ""),
                respond_due=state.respond_due,
                assess_due=state.assess_due,
                feedback_due=state.feedback_due,
                responded_at=state.responded_at,
                assessed_at=state.assessed_at,
                feedback_at=state.feedback_at,
                converted_at=state.converted_at,
            )
            if state.status != Status.CONVERTED:
                row.update(project="", converted_at=None)
        row["status"] = str(_STATUS.get(row["status"], row["status"]))
        row["reserve"] = "是" if row["reserve"] else ""
        row["source"] = str(_SOURCE.get(row["source"], row["source"]))
        row["section"] = section_of(row["industry_code"])
        for key in ("responded_at", "assessed_at", "feedback_at", "converted_at"):
            row[key] = _local(row[key])
        yield row


def _cell(sheet, value, kind: str | None = None, **style) -> WriteOnlyCell:
    if isinstance(value, str):
        value = neutralize(value) if value else None
    cell = WriteOnlyCell(sheet, value=value)
    if kind is not None and value is not None:
        cell.number_format = FORMATS[kind]
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def export_leads(
    *,
    out,
    district: District | None = None,
    user: User | None = None,
    as_of: dt.date | None = None,
    leads: QuerySet | None = None,
) -> int:
    """Write the leads' ledger to ``out`` (a path or a binary file); return the row count.
    ``leads`` narrows the scope (the list's filters)."""
    rows = lead_rows(district=district, user=user, as_of=as_of, leads=leads)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(SHEET)
    sheet.freeze_panes = "C2"
    column_widths(sheet, [width for *_, width in COLUMNS])
    sheet.append([_cell(sheet, header, font=BOLD) for header in HEADERS])
    n = 0
    for n, row in enumerate(rows, start=1):  # noqa: B007 (n is the count)
        sheet.append([_cell(sheet, row[key], kind) for key, _, kind, _ in COLUMNS])
    book.save(out)
    return n
