"""来访接待 pages: the list, a reception's page, recording and editing one, and registering
a lead it produced."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from baton.core.messages import SAVED
from baton.core.views import add_errors, deny, go_to
from baton.projects.services import ConflictError

from .. import rules, services
from ..forms import FilterForm, ReceptionForm
from ..selectors import month_bounds
from .common import (
    PER_PAGE,
    initial_of,
    numbers,
    office_units,
    posted,
    reception_of,
    units_for,
    values,
)
from .trips import lead_dialog

RECEPTION_FIELDS = (
    "date", "visitors", "companies", "leaders", "hosts", "parcels", "buildings", "projects",
    "talks",
)  # fmt: skip


@require_GET
@login_required
def reception_list(request):
    user = request.user
    if not rules.reads(user):
        return deny(request, rules.NO_VISITS_FOR_ROLE)
    form = FilterForm(request.GET or None, units=units_for(user))
    rows = rules.visible_receptions(user).select_related("unit")
    if form.is_bound and not form.is_valid():
        rows = rows.none()
    elif form.is_bound:
        data = form.cleaned_data
        q = (data.get("q") or "").strip()
        if q:
            rows = rows.filter(Q(visitors__icontains=q) | Q(companies__name__icontains=q))
        if data.get("unit"):
            rows = rows.filter(unit=data["unit"])
        if data.get("month"):
            first, last = month_bounds(*data["month"])
            rows = rows.filter(date__gte=first, date__lte=last)
    rows = rows.annotate(
        n_parcels=Count("parcels", distinct=True),
        n_buildings=Count("buildings", distinct=True),
        n_leads=Count("leads", distinct=True),
    ).order_by("-date", "-id")
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "numbers": numbers(page),
        "filtered": any(v for k, v in request.GET.items() if k != "page"),
        "can_register": rules.can_register(user),
        "page_title": "来访接待",
    }
    template = "visits/_reception_results.html" if request.htmx else "visits/reception_list.html"
    return render(request, template, context)


def _form_page(request, form, *, reception=None, status=200):
    context = {
        "form": form,
        "reception": reception,
        "office": request.user.role == request.user.Role.DISTRICT_OFFICE,
        "page_title": "编辑来访接待" if reception else "登记来访接待",
    }
    return render(request, "visits/reception_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def reception_new(request):
    user = request.user
    if not rules.can_register(user):
        return deny(
            request, rules.NOT_A_WRITER, back_url=reverse("visits:receptions"),
            back_label="返回来访接待",
        )  # fmt: skip
    form = ReceptionForm(posted(request), district=user.district, units=office_units(user))
    if request.method == "GET" or not form.is_valid():
        return _form_page(request, form, status=200 if request.method == "GET" else 422)
    try:
        reception = services.reception_create(
            actor=user, unit=form.cleaned_data.get("unit"), **values(form)
        )
    except ValidationError as exc:
        add_errors(form, exc)
        return _form_page(request, form, status=422)
    url = reverse("visits:reception_detail", args=[reception.pk])
    return go_to(url)(request, "已登记来访接待。")


@require_http_methods(["GET", "POST"])
@login_required
def reception_edit(request, pk):
    user = request.user
    reception = reception_of(user, pk)
    back = reverse("visits:reception_detail", args=[reception.pk])
    if not rules.can_write(user, reception):
        return deny(request, rules.NOT_YOURS, back_url=back, back_label="返回来访接待")
    initial = {**initial_of(reception, RECEPTION_FIELDS), "version": reception.version}
    form = ReceptionForm(posted(request), district=reception.district, initial=initial)
    if request.method == "GET" or not form.is_valid():
        status = 200 if request.method == "GET" else 422
        return _form_page(request, form, reception=reception, status=status)
    try:
        changed = services.reception_update(
            reception=reception, actor=user, expected_version=form.cleaned_data.get("version"),
            **values(form),
        )  # fmt: skip
    except ConflictError as exc:
        form.add_error(None, exc.messages)
        return _form_page(request, form, reception=reception, status=409)
    except ValidationError as exc:
        add_errors(form, exc)
        return _form_page(request, form, reception=reception, status=422)
    return go_to(back)(request, SAVED if changed else services.NOTHING_CHANGED)


@require_GET
@login_required
def reception_detail(request, pk):
    user = request.user
    reception = reception_of(user, pk)
    context = {
        "reception": reception,
        "companies": reception.companies.all(),
        "leaders": reception.leaders.all(),
        "parcels": reception.parcels.all(),
        "buildings": reception.buildings.all(),
        "projects": reception.projects.all(),
        "leads": reception.leads.select_related("unit"),
        "events": reception.events.select_related("actor"),
        "can_write": rules.can_write(user, reception),
        "page_title": f"来访接待 {reception.date:%Y-%m-%d}",
    }
    return render(request, "visits/reception_detail.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def reception_lead(request, pk):
    reception = reception_of(request.user, pk)
    return lead_dialog(request, reception, reverse("visits:reception_detail", args=[reception.pk]))
