"""外出招商 pages: the list, a trip's page, recording and editing a trip, filing its report
and registering a lead it produced (dialogs through ``core.views.run_dialog``)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from baton.core.messages import SAVED
from baton.core.views import add_errors, deny, go_to, run_dialog
from baton.projects.services import ConflictError

from .. import rules, services
from ..forms import FilterForm, LeadForm, ReportForm, TripForm
from ..selectors import month_bounds
from .common import PER_PAGE, initial_of, numbers, office_units, posted, trip_of, units_for, values

TRIP_FIELDS = (
    "group", "title", "start", "end", "destinations", "members", "leaders", "companies",
    "projects", "talks",
)  # fmt: skip


def _back(label="返回外出招商"):
    return {"back_url": reverse("visits:list"), "back_label": label}


@require_GET
@login_required
def trip_list(request):
    user = request.user
    if not rules.reads(user):
        return deny(request, rules.NO_VISITS_FOR_ROLE)
    form = FilterForm(request.GET or None, units=units_for(user))
    trips = rules.visible_trips(user).select_related("unit")
    if form.is_bound and not form.is_valid():
        trips = trips.none()
    elif form.is_bound:
        data = form.cleaned_data
        q = (data.get("q") or "").strip()
        if q:
            trips = trips.filter(
                Q(title__icontains=q) | Q(destinations__icontains=q) | Q(group__icontains=q)
            )
        if data.get("unit"):
            trips = trips.filter(unit=data["unit"])
        if data.get("month"):
            first, last = month_bounds(*data["month"])
            trips = trips.filter(start__gte=first, start__lte=last)
    trips = trips.annotate(
        n_companies=Count("companies", distinct=True), n_leads=Count("leads", distinct=True)
    ).order_by("-start", "-id")
    page = Paginator(trips, PER_PAGE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for trip in page:
        trip.overdue = services.is_report_overdue(trip, today)
    context = {
        "form": form,
        "page": page,
        "numbers": numbers(page),
        "filtered": any(v for k, v in request.GET.items() if k != "page"),
        "can_register": rules.can_register(user),
        "is_office": user.role == user.Role.DISTRICT_OFFICE,
        "page_title": "外出招商",
    }
    template = "visits/_trip_results.html" if request.htmx else "visits/trip_list.html"
    return render(request, template, context)


def _trip_form_page(request, form, *, trip=None, status=200):
    context = {
        "form": form,
        "trip": trip,
        "office": request.user.role == request.user.Role.DISTRICT_OFFICE,
        "page_title": "编辑外出招商" if trip else "登记外出招商",
    }
    return render(request, "visits/trip_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def trip_new(request):
    user = request.user
    if not rules.can_register(user):
        return deny(request, rules.NOT_A_WRITER, **_back())
    form = TripForm(posted(request), district=user.district, units=office_units(user))
    if request.method == "GET" or not form.is_valid():
        return _trip_form_page(request, form, status=200 if request.method == "GET" else 422)
    try:
        trip = services.trip_create(actor=user, unit=form.cleaned_data.get("unit"), **values(form))
    except ValidationError as exc:
        add_errors(form, exc)
        return _trip_form_page(request, form, status=422)
    message = f"已登记外出招商，出访信息请于 {trip.report_due:%Y-%m-%d} 前报送。"
    return go_to(reverse("visits:trip_detail", args=[trip.pk]))(request, message)


@require_http_methods(["GET", "POST"])
@login_required
def trip_edit(request, pk):
    user = request.user
    trip = trip_of(user, pk)
    back = reverse("visits:trip_detail", args=[trip.pk])
    if not rules.can_write(user, trip):
        return deny(request, rules.NOT_YOURS, back_url=back, back_label="返回外出招商")
    initial = {**initial_of(trip, TRIP_FIELDS), "version": trip.version}
    form = TripForm(posted(request), district=trip.district, initial=initial)
    if request.method == "GET" or not form.is_valid():
        return _trip_form_page(
            request, form, trip=trip, status=200 if request.method == "GET" else 422
        )
    try:
        changed = services.trip_update(
            trip=trip, actor=user, expected_version=form.cleaned_data.get("version"),
            **values(form),
        )  # fmt: skip
    except ConflictError as exc:
        form.add_error(None, exc.messages)
        return _trip_form_page(request, form, trip=trip, status=409)
    except ValidationError as exc:
        add_errors(form, exc)
        return _trip_form_page(request, form, trip=trip, status=422)
    return go_to(back)(request, SAVED if changed else services.NOTHING_CHANGED)


@require_GET
@login_required
def trip_detail(request, pk):
    user = request.user
    trip = trip_of(user, pk)
    today = timezone.localdate()
    context = {
        "trip": trip,
        "members": trip.members.select_related("unit"),
        "leaders": trip.leaders.all(),
        "companies": trip.companies.all(),
        "projects": trip.projects.all(),
        "leads": trip.leads.select_related("unit"),
        "events": trip.events.select_related("actor"),
        "overdue": services.is_report_overdue(trip, today),
        "back_home": trip.end <= today,
        "can_write": rules.can_write(user, trip),
        "page_title": trip.title,
    }
    return render(request, "visits/trip_detail.html", context)


def _dialog(request, trip, form, *, title, perform, submit="保存"):
    back = reverse("visits:trip_detail", args=[trip.pk])
    return run_dialog(
        request,
        form,
        template="visits/action.html",
        perform=perform,
        done=go_to(back),
        context={
            "page_title": title,
            "subject": trip.title,
            "subject_url": back,
            "cancel_url": back,
            "submit": submit,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def trip_report(request, pk):
    """出访信息报送: filed once the trip is back, corrected later."""
    user = request.user
    trip = trip_of(user, pk)
    back = reverse("visits:trip_detail", args=[trip.pk])
    if not rules.can_write(user, trip):
        return deny(request, rules.NOT_YOURS, back_url=back, back_label="返回外出招商")
    form = ReportForm(posted(request), initial={"report": trip.report})

    def perform(data):
        services.trip_report(trip=trip, actor=user, report=data["report"])
        return "已报送出访信息。"

    return _dialog(request, trip, form, title="报送出访信息", perform=perform, submit="报送")


@require_http_methods(["GET", "POST"])
@login_required
def trip_lead(request, pk):
    """登记线索: a company the trip met, registered as a lead of the trip's unit."""
    user = request.user
    trip = trip_of(user, pk)
    return lead_dialog(request, trip, reverse("visits:trip_detail", args=[trip.pk]))


def lead_dialog(request, record, back):
    user = request.user
    if not rules.can_write(user, record):
        return deny(request, rules.NOT_YOURS, back_url=back, back_label="返回")
    form = LeadForm(posted(request), companies=record.companies.all())

    def perform(data):
        data = dict(data)
        lead = services.lead_produce(
            record=record, actor=user, company=data.pop("company"),
            confirmed=data.pop("confirmed"), **data,
        )  # fmt: skip
        return f"已登记投资信息 {lead.code}。"

    return run_dialog(
        request,
        form,
        template="visits/action.html",
        perform=perform,
        done=go_to(back),
        context={"page_title": "登记线索", "subject_url": back, "cancel_url": back},
    )
