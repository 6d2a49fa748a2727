"""政策梳理和分析：承诺与兑付。

One page and its workbook, for the user's area (``analysis.area_of_user``): a district
office and a district's leader their district, the city reviewer and a city's leader the
city, a unit's staff its projects; anyone else is refused (the administrators with the
三员分立 rule). ``?as_of=`` is the date (default: the last month end), ``?year=`` narrows
to one year, ``?by=&key=`` opens the rows behind a line.
"""

import datetime as dt
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from baton.accounts.middleware import ADMINS_SEE_NO_BUSINESS_DATA
from baton.audit.hooks import audit_export
from baton.core.dates import last_month_end
from baton.core.http import XLSX, attachment
from baton.core.views import deny

from .analysis import BREAKDOWNS, Analysis, analysis_build, area_of_user, rows_behind
from .export_analysis import analysis_xlsx
from .forms_analysis import AnalysisForm

#: Anyone with no area to analyse (a 协调部门 is stopped before, by the middleware).
NO_AREA = "您的账号没有可分析的政策兑现范围。"


def _area_or_refusal(request):
    """Return (the user's area, None) or (None, the refusal)."""
    user = request.user
    if user.is_admin_role:
        return None, deny(request, ADMINS_SEE_NO_BUSINESS_DATA)
    area = area_of_user(user)
    if area is None:
        return None, deny(request, NO_AREA)
    return area, None


def dates(data: dict) -> tuple[dt.date, dt.date | None]:
    """Return (D, since): the date asked for, else the last month end; with a year, D is
    at most the year's 31 December and ``since`` its 1 January (a year not over yet
    without a date: today)."""
    year, as_of = data.get("year"), data.get("as_of")
    if year is None:
        return as_of or last_month_end(), None
    since, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    day = min(as_of or last_month_end(), end)
    if day < since:
        day = min(timezone.localdate(), end)
    return day, since


def _query(result: Analysis, **extra) -> str:
    params: dict = {"as_of": result.as_of.isoformat()}
    if result.year is not None:
        params["year"] = result.year
    return urlencode({**params, **extra})


def _chart(result: Analysis) -> dict:
    """The bar chart's data: promised and paid by policy, each bar opening its rows."""
    url = reverse("policies:analysis")
    lines = result.breakdowns["policy"].lines
    return {
        "names": [line.detail or line.label for line in lines],
        "titles": [line.label for line in lines],
        "promised": [
            {
                "value": str(line.promised),
                "url": f"{url}?{_query(result, by='policy', key=line.key)}#rows",
            }
            for line in lines
        ],
        "paid": [
            {
                "value": str(line.paid),
                "url": f"{url}?{_query(result, by='policy', key=line.key)}#rows",
            }
            for line in lines
        ],
    }


@require_GET
@login_required
def analysis(request):
    """梳理分析: promised vs paid by policy, clause, industry, unit and year; the policies
    never used; the promises over a cap; the share of landed projects that applied."""
    area, refusal = _area_or_refusal(request)
    if refusal is not None:
        return refusal
    form = AnalysisForm(request.GET or None)
    context = {"form": form, "page_title": "政策梳理分析", "area": area}
    if form.is_bound and not form.is_valid():
        return render(request, "policies/analysis.html", context, status=400)
    data = form.cleaned_data if form.is_bound else {}
    as_of, since = dates(data)
    result = analysis_build(area=area, as_of=as_of, since=since)
    context.update(result=result, chart=_chart(result), query=_query(result))
    landed = {**area.project_filters(), "as_of": as_of.isoformat(), "landed": 1}
    context["landed_query"] = urlencode(landed)
    if data.get("by") and data.get("key"):
        promised, paid = rows_behind(data["by"], data["key"], result.promised, result.paid)
        line = next((x for x in result.breakdowns[data["by"]].lines if x.key == data["key"]), None)
        context["drill"] = {
            "title": BREAKDOWNS[data["by"]][0],
            "line": line,
            "promised": promised,
            "paid": paid,
        }
    if not form.is_bound:
        context["form"] = AnalysisForm(initial={"as_of": as_of})
    return render(request, "policies/analysis.html", context)


@require_GET
@login_required
def analysis_export(request):
    """The page's tables and the rows behind them as an Excel workbook (audited)."""
    area, refusal = _area_or_refusal(request)
    if refusal is not None:
        return refusal
    form = AnalysisForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return deny(request, "；".join(m for ms in form.errors.values() for m in ms))
    as_of, since = dates(form.cleaned_data if form.is_bound else {})
    result = analysis_build(area=area, as_of=as_of, since=since)
    data = analysis_xlsx(result)
    rows = len(result.promised) + len(result.paid)
    audit_export(request=request, what="policy_analysis", rows=rows, query=request.GET.dict())
    name = f"{area.name}政策兑现分析-{as_of:%Y%m%d}.xlsx"
    response = HttpResponse(data, content_type=XLSX)
    return attachment(response, name, fallback="policy-analysis.xlsx")


urlpatterns = [
    path("analysis/", analysis, name="analysis"),
    path("analysis/xlsx/", analysis_export, name="analysis_export"),
]
