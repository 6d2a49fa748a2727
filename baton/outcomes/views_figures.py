"""The figures page (/outcomes/): the five batches as of a date, the outcomes after 投产,
亩均 rankings by industry and unit, and promise compliance by unit; each number opens
the rows it counts."""

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from baton.core.views import deny
from baton.org.models import Unit
from baton.projects.models import Industry

from . import batches, rules
from .forms import AsOfForm

PER_PAGE = 30


def _as_of(request) -> tuple[AsOfForm, dt.date]:
    form = AsOfForm(request.GET or None)
    return form, form.day() or timezone.localdate()


@require_GET
@login_required
def figures(request):
    user = request.user
    if not rules.reads(user):
        return deny(request, rules.NO_FIGURES_FOR_ROLE)
    form, as_of = _as_of(request)
    sets = batches.batch_sets(as_of=as_of, where=batches.user_where(user))
    produce, figs = batches.produce(sets["producing"], as_of)
    industries = dict(Industry.objects.values_list("pk", "name"))
    units = dict(Unit.objects.filter(pk__in={f.unit_id for f in figs}).values_list("pk", "name"))
    context = {
        "form": form,
        "as_of": as_of,
        "batches": batches.batches(sets),
        "produce": produce,
        "by_industry": batches.rankings(figs, "industry", industries),
        "by_unit": batches.rankings(figs, "unit", units),
        "compliance": batches.compliance(rules.visible_promises(user)),
        "can_import": user.role in (user.Role.DISTRICT_OFFICE, user.Role.UNIT_STAFF),
        "page_title": "履约与效益",
    }
    return render(request, "outcomes/figures.html", context)


@require_GET
@login_required
def batch_rows(request):
    """The projects a figure counts: a batch as of the date, narrowed to an industry or a
    unit for a ranking's line."""
    user = request.user
    if not rules.reads(user):
        return deny(request, rules.NO_FIGURES_FOR_ROLE)
    form, as_of = _as_of(request)
    key = request.GET.get("batch", "producing")
    if key not in batches.BATCHES:
        key = "producing"
    periods = batches.batch_sets(as_of=as_of, where=batches.user_where(user))[key]
    narrowed = ""
    for name in ("industry", "unit"):
        value = request.GET.get(name, "")
        if value.isdigit():
            periods = periods.filter(**{f"{name}_id": int(value)})
            narrowed = name
    _total, figs = batches.produce(periods, as_of)
    if narrowed:  # a ranking's line counts the projects with output and land only
        figs = [f for f in figs if f.land.mu and f.output is not None]
    page = Paginator(figs, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "as_of": as_of,
        "key": key,
        "label": batches.BATCHES[key],
        "page": page,
        "count": len(figs),
        "year": batches.measure.last_full_year(as_of),
        "page_title": f"{batches.BATCHES[key]}（截至 {as_of:%Y-%m-%d}）",
    }
    return render(request, "outcomes/batch_rows.html", context)
