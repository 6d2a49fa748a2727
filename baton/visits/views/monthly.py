"""The monthly 考勤 page and workbook, and the trips' and receptions' exports (scoped,
audited)."""

import tempfile

from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from baton.audit.hooks import audit_export
from baton.core.http import XLSX, attachment
from baton.core.views import deny

from .. import rules
from ..exporting import monthly_workbook, receptions_workbook, trips_workbook
from ..forms import FilterForm, MonthForm
from ..selectors import month_bounds, monthly_totals
from .common import units_for


def _month(request):
    """The month asked for (this month by default), the unit, and the form."""
    form = MonthForm(request.GET or None, units=units_for(request.user))
    today = timezone.localdate()
    month, unit = (today.year, today.month), None
    if form.is_bound and form.is_valid():
        month = form.cleaned_data.get("month") or month
        unit = form.cleaned_data.get("unit")
    return form, month, unit


def _scope_name(user, unit) -> str:
    if unit is not None:
        return unit.name
    return str(user.unit or user.district or user.city or "")


def _trips(user, unit):
    trips = rules.visible_trips(user)
    return trips.filter(unit=unit) if unit is not None else trips


@require_GET
@login_required
def monthly(request):
    user = request.user
    if not rules.reads(user):
        return deny(request, rules.NO_VISITS_FOR_ROLE)
    form, (year, month), unit = _month(request)
    if form.is_bound and not form.is_valid():
        table = None
    else:
        table = monthly_totals(_trips(user, unit), year, month)
    context = {
        "form": form,
        "table": table,
        "year": year,
        "month": month,
        "month_value": f"{year:04d}-{month:02d}",
        "scope_name": _scope_name(user, unit),
        "page_title": "外出招商考勤",
    }
    return render(request, "visits/monthly.html", context, status=200 if table else 400)


def _send(request, write, *, what, name, rows_of=None):
    out = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
    count = write(out)
    audit_export(request=request, what=what, rows=count, query=request.GET.dict())
    out.seek(0)
    return attachment(FileResponse(out, content_type=XLSX), name, fallback=f"{what}.xlsx")


@require_GET
@login_required
def monthly_xlsx(request):
    user = request.user
    if not rules.reads(user):
        return deny(request, rules.NO_VISITS_FOR_ROLE)
    form, (year, month), unit = _month(request)
    if form.is_bound and not form.is_valid():
        return deny(request, "；".join(m for ms in form.errors.values() for m in ms))
    table = monthly_totals(_trips(user, unit), year, month)
    scope = _scope_name(user, unit)

    def write(out):
        monthly_workbook(out, table, scope)
        return len(table.groups) + len(table.people)

    name = f"{scope}外出招商考勤-{year:04d}{month:02d}.xlsx"
    return _send(request, write, what="visit_monthly", name=name)


def _filtered(request, rows, date_field):
    form = FilterForm(request.GET or None, units=units_for(request.user))
    if form.is_bound and not form.is_valid():
        return form, rows.none()
    data = form.cleaned_data if form.is_bound else {}
    if data.get("unit"):
        rows = rows.filter(unit=data["unit"])
    if data.get("month"):
        first, last = month_bounds(*data["month"])
        rows = rows.filter(**{f"{date_field}__gte": first, f"{date_field}__lte": last})
    return form, rows


@require_GET
@login_required
def trip_export(request):
    user = request.user
    if not rules.reads(user):
        return deny(request, rules.NO_VISITS_FOR_ROLE)
    form, trips = _filtered(request, rules.visible_trips(user), "start")
    if form.errors:
        return deny(request, "；".join(m for ms in form.errors.values() for m in ms))
    name = f"{_scope_name(user, None)}外出招商台账-{timezone.localdate():%Y%m%d}.xlsx"
    return _send(request, lambda out: trips_workbook(out, trips), what="trips", name=name)


@require_GET
@login_required
def reception_export(request):
    user = request.user
    if not rules.reads(user):
        return deny(request, rules.NO_VISITS_FOR_ROLE)
    form, rows = _filtered(request, rules.visible_receptions(user), "date")
    if form.errors:
        return deny(request, "；".join(m for ms in form.errors.values() for m in ms))
    name = f"{_scope_name(user, None)}来访接待台账-{timezone.localdate():%Y%m%d}.xlsx"
    return _send(request, lambda out: receptions_workbook(out, rows), what="receptions", name=name)
