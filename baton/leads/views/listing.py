"""投资信息 list: filters, counts by status, sorting and numbered pages."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from baton.accounts.areas import area_of
from baton.core.views import deny

from .. import rules
from ..due import next_due, overdue_q
from ..forms import (
    FilterForm,
)
from ..models import Status
from .common import _units

PER_PAGE = 20


def _filtered(request, today):
    user = request.user
    form = FilterForm(request.GET or None, units=_units(user))
    leads = rules.visible_leads(user).select_related("unit", "first_unit", "company")
    base = leads
    if form.is_bound and not form.is_valid():
        return form, leads.none(), base
    data = form.cleaned_data if form.is_bound else {}
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
    return form, leads.order_by(sort, "-id"), base


@require_GET
@login_required
def lead_list(request):
    user = request.user
    if getattr(user, "is_coordinating", False) or area_of(user).is_empty:
        return deny(request, "您的角色不查看投资信息。")
    today = timezone.localdate()
    form, leads, base = _filtered(request, today)
    page = Paginator(leads, PER_PAGE).get_page(request.GET.get("page"))
    for lead in page:
        lead.due = next_due(lead, today)
    counts = dict(base.values_list("status").annotate(n=Count("id")).order_by())
    sort = (form.cleaned_data.get("sort") if form.is_bound and form.is_valid() else "") or ""
    sort = sort or "-reported_at"
    context = {
        "form": form,
        "page": page,
        "numbers": _numbers(page),
        "counts": [(value, label, counts.get(value, 0)) for value, label in Status.choices],
        "total": sum(counts.values()),
        "overdue_count": base.filter(overdue_q(today)).count(),
        "reserve_count": base.filter(is_reserve=True).count(),
        "filtered": any(v for k, v in request.GET.items() if k not in ("page", "sort")),
        "heads": {key: _head(sort, key, first) for key, first in SORTABLE.items()},
        "can_register": rules.can_register(user),
        "is_office": user.role == user.Role.DISTRICT_OFFICE,
        "page_title": "投资信息",
    }
    template = "leads/_results.html" if request.htmx else "leads/list.html"
    return render(request, template, context)


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
