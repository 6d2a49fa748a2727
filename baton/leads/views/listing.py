"""投资信息 list: filters, counts by status, sorting and numbered pages; and the leads
behind one count of the figures (the cockpit's, the monthly pack's), as of its date."""

import tempfile
from types import SimpleNamespace

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from baton.accounts.areas import Level, area_of
from baton.audit.hooks import audit_export
from baton.core.http import XLSX, attachment
from baton.core.views import deny
from baton.org.models import City, District, Unit
from baton.projects.models import Industry

from .. import rules
from ..due import next_due, overdue_q
from ..export import export_leads
from ..figures import figure_lead_ids
from ..forms import FLOW_CHOICES, FigureForm, FilterForm
from ..models import Status
from .common import _units

PER_PAGE = 20


def _scope(user, data: dict) -> SimpleNamespace:
    """The scope a count of the figures was taken in (``in_*``), by default the user's area."""

    def pick(model, key):
        pk = data.get(key)
        return model.objects.filter(pk=pk).first() if pk else None

    scope = SimpleNamespace(
        city=pick(City, "in_city"),
        district=pick(District, "in_district"),
        unit=pick(Unit, "in_unit"),
        industry=pick(Industry, "in_industry"),
    )
    if not any((scope.city, scope.district, scope.unit)):
        area = area_of(user)
        if area.level is Level.UNIT:
            scope.unit = Unit.objects.filter(pk=area.unit_id).first()
        elif area.level is Level.DISTRICT:
            scope.district = District.objects.filter(pk=area.district_id).first()
        elif area.level is Level.CITY:
            scope.city = City.objects.filter(pk=area.city_id).first()
    return scope


def _figure(request, filters: dict) -> tuple[FigureForm | None, dict | None]:
    """The count of the lead figures the list is asked to show (``?as_of=…``): its form
    and what it is (its leads' ids, its date and window), or (None, None) for none."""
    if not request.GET.get("as_of"):
        return None, None
    form = FigureForm(request.GET)
    if not form.is_valid():
        return form, {"ids": set()}
    data = form.cleaned_data
    ids = figure_lead_ids(
        scope=_scope(request.user, data),
        as_of=data["as_of"],
        since=data.get("since") if data.get("flow") else None,
        user=request.user,
        status=filters.get("status") or "",
        flow=data.get("flow") or "",
        source=filters.get("source") or "",
        holder=data.get("holder"),
    )
    flow = dict(FLOW_CHOICES).get(data.get("flow") or "")
    return form, {"ids": ids, "as_of": data["as_of"], "since": data.get("since"), "flow": flow}


def _filtered(request, today):
    user = request.user
    form = FilterForm(request.GET or None, units=_units(user))
    leads = rules.visible_leads(user).select_related("unit", "first_unit", "company")
    base = leads
    if form.is_bound and not form.is_valid():
        return form, leads.none(), base, (None, None)
    data = form.cleaned_data if form.is_bound else {}
    figure_form, figure = _figure(request, data)
    if figure is not None:
        # The count's own leads: its status, flow, source and holder are those at D.
        leads = leads.filter(pk__in=figure["ids"])
        data = {k: v for k, v in data.items() if k not in ("status", "source", "unit")}
    q = (data.get("q") or "").strip()
    if q:
        leads = leads.filter(
            Q(title__icontains=q) | Q(company__name__icontains=q) | Q(code__iexact=q)
        )
    if data.get("status"):
        leads = leads.filter(status=data["status"])
    if data.get("source"):
        leads = leads.filter(source=data["source"])
    if data.get("unit"):
        unit = data["unit"]
        leads = leads.filter(Q(unit=unit) | Q(first_unit=unit))
    if data.get("counted") == "counted":
        leads = leads.filter(is_reserve=False)
    elif data.get("counted") == "reserve":
        leads = leads.filter(is_reserve=True)
    if data.get("overdue"):
        leads = leads.filter(overdue_q(today))
    sort = data.get("sort") or "-reported_at"
    return form, leads.order_by(sort, "-id"), base, (figure_form, figure)


@require_GET
@login_required
def lead_list(request):
    user = request.user
    if getattr(user, "is_coordinating", False) or area_of(user).is_empty:
        return deny(request, rules.NO_LEADS_FOR_ROLE)
    today = timezone.localdate()
    form, leads, base, (figure_form, figure) = _filtered(request, today)
    page = Paginator(leads, PER_PAGE).get_page(request.GET.get("page"))
    for lead in page:
        lead.due = next_due(lead, today)
    counts = dict(base.values_list("status").annotate(n=Count("id")).order_by())
    sort = (form.cleaned_data.get("sort") if form.is_bound and form.is_valid() else "") or ""
    sort = sort or "-reported_at"
    context = {
        "figure": figure,
        "figure_form": figure_form,
        "form": form,
        "page": page,
        "numbers": _numbers(page),
        "counts": [(value, label, counts.get(value, 0)) for value, label in Status.choices],
        "total": sum(counts.values()),
        "overdue_count": base.filter(overdue_q(today)).count(),
        "reserve_count": base.filter(is_reserve=True).count(),
        "filtered": any(v for k, v in request.GET.items() if k not in ("page", "sort")),
        "export_query": _without(request.GET, "page"),
        "heads": {key: _head(sort, key, first) for key, first in SORTABLE.items()},
        "can_register": rules.can_register(user),
        "is_office": user.role == user.Role.DISTRICT_OFFICE,
        "page_title": "投资信息",
    }
    template = "leads/_results.html" if request.htmx else "leads/list.html"
    return render(request, template, context)


def _without(query, *names: str) -> str:
    """The query string without ``names`` (the export takes the list's filters, not its page)."""
    kept = query.copy()
    for name in names:
        kept.pop(name, None)
    return kept.urlencode()


#: The list's sortable columns and the way a first click sorts them.
SORTABLE = {"code": "code", "reported_at": "-reported_at", "investment": "-investment"}


def _head(sort: str, key: str, first: str) -> dict:
    """A sortable column's header: the sort a click asks for, and how it sorts now."""
    if sort.lstrip("-") != key:
        return {"sort": first, "now": "none"}
    now = "descending" if sort.startswith("-") else "ascending"
    return {"sort": key if sort.startswith("-") else f"-{key}", "now": now}


def _numbers(page) -> list[int | None]:
    """The first, the last and two either side of this page; None for a gap."""
    last, number = page.paginator.num_pages, page.number
    shown = sorted({1, last, *range(number - 2, number + 3)})
    out: list[int | None] = []
    for n in (n for n in shown if 1 <= n <= last):
        if out and n - (out[-1] or 0) > 1:
            out.append(None)
        out.append(n)
    return out


# --- registering ------------------------------------------------------------------------


@require_GET
@login_required
def lead_export(request):
    """导出 Excel: the leads the list shows with the same filters (all the user sees when
    none is set), with every field (phones as for projects), as they stand today or, with
    ``?as_of=``, their tracked fields as of that day; every export is audited."""
    user = request.user
    if getattr(user, "is_coordinating", False) or area_of(user).is_empty:
        return deny(request, rules.NO_LEADS_FOR_ROLE)
    form = FigureForm(request.GET)
    as_of = form.cleaned_data.get("as_of") if form.is_valid() else None
    if not form.is_valid():
        return deny(request, "；".join(m for ms in form.errors.values() for m in ms))
    filters, leads, *_ = _filtered(request, timezone.localdate())
    if filters.is_bound and not filters.is_valid():
        return deny(request, "；".join(m for ms in filters.errors.values() for m in ms))
    out = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
    count = export_leads(out=out, user=user, as_of=as_of, leads=leads)
    audit_export(request=request, what="leads", rows=count, query=request.GET.dict())
    out.seek(0)
    scope = user.unit.name if user.unit_id else (user.district or user.city or "")
    name = f"{scope}投资信息台账-{(as_of or timezone.localdate()):%Y%m%d}.xlsx"
    return attachment(FileResponse(out, content_type=XLSX), name, fallback="leads.xlsx")
