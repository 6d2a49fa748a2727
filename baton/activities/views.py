"""招商活动 pages: the list (filters, pages), registering and editing an activity, its page
with the signed list and how each line counts, the signed list's dialogs, the annual plan
against what was held, the month calendar, and the workbook export and import."""

import datetime as dt
import tempfile

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from baton.accounts.areas import Level, area_of, units_in
from baton.audit.hooks import audit_export
from baton.companies.rules import visible_companies
from baton.core.forms import PAGE_INVALID, too_large
from baton.core.http import XLSX, attachment
from baton.core.money import plain
from baton.core.views import add_errors, deny, go_to, run_dialog
from baton.org.models import District, Person
from baton.projects.models import Project
from baton.projects.selectors import project_scope

from . import rules, services
from .forms import (
    ActivityForm,
    FilterForm,
    ImportForm,
    PlanItemForm,
    RemoveForm,
    SettingsForm,
    SigningForm,
)
from .models import Activity
from .selectors import month_calendar, plan_compare, signed_list
from .workbook import export_activities, import_activities

PER_PAGE = 20


def _posted(request):
    return request.POST if request.method == "POST" else None


def _refuse_role(request):
    if not rules.sees_any(request.user):
        return deny(request, rules.NO_ACTIVITIES_FOR_ROLE)
    return None


def _units(user, *, writable=False):
    area = area_of(user)
    units = units_in(area).promotion().filter(is_active=True).order_by("district", "order", "id")
    if area.level is Level.UNIT:
        units = units.filter(pk=area.unit_id)
    elif writable and area.level is not Level.DISTRICT:
        units = units.none()
    return units


def _activity(user, code) -> Activity:
    activities = rules.visible_activities(user).select_related("unit", "district", "created_by")
    return get_object_or_404(activities, code=code)


def _leaders(district: District):
    return (
        Person.objects.filter(
            Q(district=district) | Q(district__isnull=True),
            city_id=district.city_id,
            is_active=True,
        )
        .exclude(level=Person.Level.STAFF)
        .order_by("rank", "id")
    )


def _companies(user, district: District):
    return visible_companies(user).filter(district=district).order_by("name", "id")


def _form(user, district: District, data=None, initial=None) -> ActivityForm:
    return ActivityForm(
        data,
        initial=initial,
        units=_units(user, writable=True),
        companies=_companies(user, district),
        leaders=_leaders(district),
    )


# --- the list ---------------------------------------------------------------------------


@require_GET
@login_required
def activity_list(request):
    if refusal := _refuse_role(request):
        return refusal
    user = request.user
    form = FilterForm(request.GET or None, units=_units(user))
    activities = rules.visible_activities(user).select_related("unit", "district")
    if form.is_bound and not form.is_valid():
        activities = activities.none()
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    if q := (data.get("q") or "").strip():
        activities = activities.filter(
            Q(title__icontains=q) | Q(code__iexact=q) | Q(place__icontains=q)
        )
    if data.get("kind"):
        activities = activities.filter(kind=data["kind"])
    if data.get("unit"):
        activities = activities.filter(unit=data["unit"])
    if data.get("year"):
        activities = activities.filter(start_on__year=data["year"])
    activities = activities.annotate(
        n_signed=Count("signings", distinct=True), n_invited=Count("companies", distinct=True)
    ).order_by("-start_on", "-id")
    paginator = Paginator(activities, PER_PAGE)
    try:
        page = paginator.page(request.GET.get("page") or 1)
    except Exception:
        return deny(request, PAGE_INVALID, back_url=reverse("activities:list"))
    context = {
        "form": form,
        "page": page,
        "can_create": rules.can_create(user),
        "is_office": user.role == user.Role.DISTRICT_OFFICE,
        "page_title": "招商活动",
    }
    if request.htmx and request.htmx.target == "activity-results":
        return render(request, "activities/_results.html", context)
    return render(request, "activities/list.html", context)


@require_GET
@login_required
def activity_export(request):
    """导出 Excel: the activities the user sees, with their signed lists (audited)."""
    if refusal := _refuse_role(request):
        return refusal
    out = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
    count = export_activities(out=out, activities=rules.visible_activities(request.user))
    audit_export(request=request, what="activities", rows=count)
    out.seek(0)
    name = f"招商活动台账-{timezone.localdate():%Y%m%d}.xlsx"
    return attachment(FileResponse(out, content_type=XLSX), name, fallback="activities.xlsx")


MAX_UPLOAD = 5 * 1024 * 1024


@require_http_methods(["GET", "POST"])
@login_required
def activity_import(request):
    """导入招商活动台账: the unit's own activities, or the office's for its district."""
    user = request.user
    if not rules.can_create(user):
        return deny(request, rules.NOT_A_WRITER, back_url=reverse("activities:list"))
    form = ImportForm(request.POST or None, request.FILES or None)
    result, status = None, 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > MAX_UPLOAD:
                form.add_error("file", too_large(MAX_UPLOAD, upload.size))
            else:
                result = import_activities(
                    data=upload.read(),
                    actor=user,
                    district=District.objects.get(pk=user.district_id),
                    dry_run=form.cleaned_data["dry_run"],
                )
                status = 200 if result.ok else 422
    context = {"form": form, "result": result, "page_title": "导入招商活动台账"}
    return render(request, "activities/import.html", context, status=status)


# --- one activity -----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def activity_new(request):
    user = request.user
    if not rules.can_create(user):
        return deny(request, rules.NOT_A_WRITER, back_url=reverse("activities:list"))
    district = District.objects.get(pk=user.district_id)
    form = _form(user, district, _posted(request))
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            activity = services.activity_create(actor=user, **data)
        except ValidationError as exc:
            add_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            return go_to(reverse("activities:detail", args=[activity.code]))(
                request, f"已登记招商活动 {activity.code}。"
            )
    status = 422 if request.method == "POST" else 200
    context = {"form": form, "page_title": "登记招商活动"}
    return render(request, "activities/form.html", context, status=status)


@require_GET
@login_required
def activity_detail(request, code):
    user = request.user
    activity = _activity(user, code)
    context = {
        "activity": activity,
        "signed": signed_list(activity, user),
        "companies": activity.companies.order_by("name"),
        "leaders": activity.leaders.order_by("rank", "id"),
        "events": activity.events.select_related("actor").order_by("-at", "-id")[:20],
        "can_edit": rules.can_edit(user, activity),
        "page_title": activity.title,
    }
    return render(request, "activities/detail.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def activity_edit(request, code):
    user = request.user
    activity = _activity(user, code)
    if not rules.can_edit(user, activity):
        return deny(request, rules.NOT_A_WRITER, back_url=activity_url(activity))
    initial = {
        **{f: getattr(activity, f) for f in services.TEXTS},
        "unit": activity.unit,
        "kind": activity.kind,
        "start_on": activity.start_on,
        "end_on": activity.end_on,
        "budget": plain(activity.budget),
        "cost": "" if activity.cost is None else plain(activity.cost),
        "companies": list(activity.companies.all()),
        "leaders": list(activity.leaders.all()),
        "version": activity.version,
    }
    form = _form(user, activity.district, _posted(request), initial)
    form.fields["unit"].disabled = True

    def perform(data):
        changes = {k: v for k, v in data.items() if k in services.EDITABLE}
        changes["end_on"] = changes.get("end_on") or changes["start_on"]
        services.activity_update(
            activity=activity, actor=user, version=data.get("version"), **changes
        )
        return "已保存。"

    return run_dialog(
        request,
        form,
        template="activities/form.html",
        perform=perform,
        done=go_to(activity_url(activity)),
        context={"activity": activity, "page_title": "修改招商活动"},
        conflict=services.ConflictError,
    )


def activity_url(activity: Activity) -> str:
    return reverse("activities:detail", args=[activity.code])


@require_http_methods(["GET", "POST"])
@login_required
def signing_add(request, code):
    user = request.user
    activity = _activity(user, code)
    if not rules.can_edit(user, activity):
        return deny(request, rules.NOT_A_WRITER, back_url=activity_url(activity))
    projects = Project.objects.filter(project_scope(user), district=activity.district_id)
    form = SigningForm(
        _posted(request),
        projects=projects.order_by("-id"),
        companies=_companies(user, activity.district),
    )

    def perform(data):
        signing = services.signing_add(activity=activity, actor=user, **data)
        return f"已录入签约：{signing.title}。"

    return run_dialog(
        request,
        form,
        template="activities/action.html",
        perform=perform,
        done=go_to(activity_url(activity)),
        context={"activity": activity, "page_title": "录入签约项目", "title": "录入签约项目"},
    )


@require_POST
@login_required
def signing_remove(request, code):
    user = request.user
    activity = _activity(user, code)
    if not rules.can_edit(user, activity):
        return deny(request, rules.NOT_A_WRITER, back_url=activity_url(activity))
    form = RemoveForm(request.POST)
    signing = (
        activity.signings.filter(pk=form.cleaned_data["signing"]).first()
        if form.is_valid()
        else None
    )
    if signing is None:
        raise Http404(rules.NOT_ON_LIST)
    services.signing_remove(activity=activity, actor=user, signing=signing)
    return go_to(activity_url(activity))(request, f"已删除签约：{signing.title}。")


@require_GET
@login_required
def signing_list(request, code):
    """The signed list alone (htmx, after a line is added)."""
    activity = _activity(request.user, code)
    context = {
        "activity": activity,
        "signed": signed_list(activity, request.user),
        "can_edit": rules.can_edit(request.user, activity),
    }
    return render(request, "activities/_signings.html", context)


# --- the plan and the calendar ----------------------------------------------------------


def _district_of(request) -> District | None:
    """The district the plan page shows: the user's, or for the city ``?district=``."""
    area = area_of(request.user)
    if area.district_id:
        return District.objects.filter(pk=area.district_id).first()
    districts = District.objects.filter(city_id=area.city_id).order_by("code")
    wanted = request.GET.get("district", "")
    return districts.filter(code=wanted).first() or districts.first()


def _year(request, default: int) -> int:
    try:
        year = int(request.GET.get("year") or default)
    except ValueError:
        year = default
    return year if 2000 <= year <= 2100 else default


@require_http_methods(["GET", "POST"])
@login_required
def plan(request):
    if refusal := _refuse_role(request):
        return refusal
    user = request.user
    district = _district_of(request)
    if district is None:
        return deny(request, rules.NO_ACTIVITIES_FOR_ROLE)
    if request.method == "POST" and not rules.can_create(user):
        return deny(request, rules.NOT_A_WRITER, back_url=reverse("activities:plan"))
    year = _year(request, timezone.localdate().year + 1)
    writable = _units(user, writable=True).filter(district=district)
    form = PlanItemForm(_posted(request), units=writable)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                services.plan_item_add(actor=user, year=year, **form.cleaned_data)
            except ValidationError as exc:
                add_errors(form, exc)
            except PermissionDenied as exc:
                return deny(request, str(exc), back_url=reverse("activities:plan"))
            else:
                return go_to(f"{reverse('activities:plan')}?year={year}")(
                    request, "已加入年度计划。"
                )
    context = {
        "form": form,
        "district": district,
        "year": year,
        "deadline": services.plan_deadline(district, year),
        "compare": plan_compare(user=user, district_id=district.pk, year=year),
        "can_plan": writable.exists(),
        "is_office": rules.is_office_of(user, district.pk),
        "page_title": f"{year}年招商活动计划",
    }
    return render(request, "activities/plan.html", context, status=status)


@require_POST
@login_required
def plan_remove(request, pk):
    item = get_object_or_404(rules.visible_plan(request.user), pk=pk)
    try:
        services.plan_item_remove(actor=request.user, item=item)
    except PermissionDenied as exc:
        return deny(request, str(exc), back_url=reverse("activities:plan"))
    except ValidationError as exc:
        return deny(request, exc.messages[0], back_url=reverse("activities:plan"))
    return go_to(f"{reverse('activities:plan')}?year={item.year}")(request, "已从计划中删除。")


@require_http_methods(["GET", "POST"])
@login_required
def plan_settings(request):
    user = request.user
    if user.role != user.Role.DISTRICT_OFFICE or not user.district_id:
        return deny(request, rules.NOT_THE_OFFICE, back_url=reverse("activities:plan"))
    district = District.objects.get(pk=user.district_id)
    conf = services.settings_of(district)
    form = SettingsForm(
        _posted(request), initial={"plan_month": conf.plan_month, "plan_day": conf.plan_day}
    )

    def perform(data):
        services.settings_update(actor=user, district=district, **data)
        return "已保存年度计划报送截止日。"

    return run_dialog(
        request,
        form,
        template="activities/action.html",
        perform=perform,
        done=go_to(reverse("activities:plan")),
        context={"page_title": "年度计划报送截止日", "title": "年度计划报送截止日"},
    )


@require_GET
@login_required
def calendar(request):
    if refusal := _refuse_role(request):
        return refusal
    today = timezone.localdate()
    first = _month(request.GET.get("month", "")) or today.replace(day=1)
    before = (first - dt.timedelta(days=1)).replace(day=1)
    after = (first + dt.timedelta(days=32)).replace(day=1)
    weeks = month_calendar(user=request.user, year=first.year, month=first.month)
    context = {
        "weeks": weeks,
        "has_entries": any(day["entries"] for week in weeks for day in week),
        "first": first,
        "before": before,
        "after": after,
        "today": today,
        "page_title": f"活动日历 {first.year}年{first.month}月",
    }
    return render(request, "activities/calendar.html", context)


def _month(text: str) -> dt.date | None:
    """The first day of the month written YYYY-MM, or None."""
    try:
        first = dt.date.fromisoformat(f"{text[:7]}-01") if len(text) == 7 else None
    except ValueError:
        return None
    return first if first and 2000 <= first.year <= 2100 else None
