from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from baton.accounts.models import User
from baton.core.dates import last_month_end
from baton.core.http import attachment
from baton.projects.asof import IDLE_DAYS, last_activity
from baton.projects.selectors import project_get
from baton.supervision.selectors import problem_queue
from baton.todo.selectors import request_items

from .card import project_card_pdf
from .charts import ChartFontError
from .docx import pack_docx
from .forms import MonthlyForm, NotesForm, PackForm, PublishForm, WorkForm
from .pack import pack_build
from .publish import (
    MONTH_NOT_CLOSED,
    can_publish,
    notes_get,
    notes_save,
    published_get,
    publisher,
    report_differences,
    report_publish,
)
from .scopes import scope_choices, scope_for
from .selectors import figures_as_of, idle_as_of
from .snapshots import is_closed_month_end
from .summary import summary_paragraph
from .tasks import start_pack
from .views_cockpit import milestone_links, stage_links
from .work import work_figures, year_start
from .xlsx import pack_xlsx

Role = User.Role
#: The to-do items the 工作台 shows; the rest are on the to-do page.
TODO_SHOWN = 10
IDLE_SHOWN = 8
NO_SCOPE = "您的账号没有可统计的范围。"
PUBLISHERS_ONLY = "只有区招商办或市招商办可以发布月报。"
NOT_YOUR_SCOPE = "您无权发布该范围的月报。"


@require_GET
@login_required
def home(request):
    """工作台: what waits for me, and my figures as of today."""
    user = request.user
    today = timezone.localdate()
    context = {"page_title": "工作台", "today": today}
    scope = scope_for(user, None)
    if scope is not None:
        items = request_items(request, today)
        context["todo"] = items[:TODO_SHOWN]
        context["todo_count"] = len(items)
        context["todo_overdue"] = sum(entry.overdue for entry in items)
        context["problem_queue"] = problem_queue(user=user)
    if scope is not None and user.is_coordinating:
        # A 协调部门's own short version: its to-do and its problems, no figures.
        context["coordinating"] = True
    elif scope is not None:
        context["figures"] = figures_as_of(as_of=today, scope=scope, user=user)
        idle = idle_as_of(as_of=today, scope=scope, user=user)
        context["idle_count"] = idle.count()
        context["idle"] = (
            idle.annotate(last=last_activity(as_of=today))
            .select_related("project", "unit", "stage")
            .order_by("last", "project_id")[:IDLE_SHOWN]
        )
        context["idle_days"] = IDLE_DAYS
    return render(request, "reports/home.html", context)


@require_GET
@login_required
def monthly(request):
    """月度统计: the report paragraph and the stage table for a scope and a date."""
    choices = scope_choices(request.user)
    form = MonthlyForm(request.GET or None, choices=[(key, label) for key, label, _ in choices])
    context = {"form": form, "page_title": "月度统计"}
    if not choices:
        return render(request, "reports/monthly.html", context)
    if form.is_bound and not form.is_valid():
        return render(request, "reports/monthly.html", context, status=400)
    data = form.cleaned_data if form.is_bound else {}
    as_of = data.get("as_of") or last_month_end()
    scope = scope_for(request.user, data.get("scope"))
    figures = figures_as_of(as_of=as_of, scope=scope, user=request.user)
    context.update(figures=figures, paragraph=summary_paragraph(figures), as_of=as_of)
    context["stage_rows"], context["total_url"] = stage_links(scope, as_of, figures)
    context["milestone_rows"] = milestone_links(scope, as_of, figures)
    context.update(_publication(request.user, scope, as_of, figures, choices))
    if not form.is_bound:
        context["form"] = MonthlyForm(
            initial={"as_of": as_of, "scope": choices[0][0]},
            choices=[(key, label) for key, label, _ in choices],
        )
    return render(request, "reports/monthly.html", context)


@require_GET
@login_required
def work(request):
    """招商工作: each unit's activities, trips, receptions, leads and intermediaries' claims
    in the month of a day (or the year to it), as recorded by the end of that day."""
    choices = scope_choices(request.user)
    keys = [(key, label) for key, label, _ in choices]
    form = WorkForm(request.GET or None, choices=keys)
    context = {"form": form, "page_title": "招商工作统计"}
    if not choices:
        return render(request, "reports/work.html", context)
    if form.is_bound and not form.is_valid():
        return render(request, "reports/work.html", context, status=400)
    data = form.cleaned_data if form.is_bound else {}
    as_of = data.get("as_of") or last_month_end()
    yearly = data.get("period") == "year"
    since = year_start(as_of) if yearly else as_of.replace(day=1)
    context["work"] = work_figures(
        scope=scope_for(request.user, data.get("scope")), since=since, as_of=as_of
    )
    if not form.is_bound:
        context["form"] = WorkForm(initial={"as_of": as_of, "scope": keys[0][0]}, choices=keys)
    return render(request, "reports/work.html", context)


def _publication(user, scope, as_of, figures, choices) -> dict:
    """Return the page's publishing part: the published report and its differences."""
    key = next((k for k, _label, s in choices if s == scope), choices[0][0])
    query = urlencode({"scope": key, "as_of": as_of.isoformat()})
    published = published_get(scope=scope, as_of=as_of)
    may_publish = not published and can_publish(user, scope) and is_closed_month_end(as_of)
    highlights, next_steps = notes_get(scope=scope, as_of=as_of)
    return {
        "query": query,
        "scope_key": key,
        "published": published,
        "publisher": publisher(published) if published else "",
        "differences": report_differences(report=published, figures=figures) if published else [],
        "may_publish": may_publish,
        "publish_form": PublishForm(),
        "highlights": highlights,
        "next_steps": next_steps,
        "notes_form": NotesForm(
            initial={"highlights": highlights, "next_steps": next_steps}, auto_id="notes_%s"
        )
        if may_publish
        else None,
    }


def _pack_download(request, fmt: str):
    choices = scope_choices(request.user)
    if not choices:
        raise PermissionDenied(NO_SCOPE)
    form = MonthlyForm(request.GET, choices=[(key, label) for key, label, _ in choices])
    if not form.is_valid():
        return HttpResponse(
            " ".join(form.errors.get("as_of", form.errors.get("scope", []))),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    as_of = form.cleaned_data["as_of"]
    scope = scope_for(request.user, form.cleaned_data.get("scope"))
    pack = pack_build(scope=scope, as_of=as_of, user=request.user)
    try:
        data = pack_docx(pack) if fmt == "docx" else pack_xlsx(pack)
    except ChartFontError as exc:
        return HttpResponse(str(exc), status=503, content_type="text/plain; charset=utf-8")
    types = {
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
    return attachment(HttpResponse(data, content_type=types[fmt]), f"{pack.title}.{fmt}")


@require_POST
@login_required
def monthly_pack(request):
    """Queue 月报材料 for the scope and date of the 月度统计 page; its job's page shows the
    progress, then the download."""
    choices = scope_choices(request.user)
    if not choices:
        raise PermissionDenied(NO_SCOPE)
    form = PackForm(request.POST, choices=[(key, label) for key, label, _ in choices])
    if not form.is_valid():
        errors = [e for field in ("format", "as_of", "scope") for e in form.errors.get(field, [])]
        return HttpResponse(" ".join(errors), status=400, content_type="text/plain; charset=utf-8")
    key = form.cleaned_data["scope"] or choices[0][0]
    label = next(label for k, label, _ in choices if k == key)
    job = start_pack(
        user=request.user,
        scope=key,
        as_of=form.cleaned_data["as_of"],
        fmt=form.cleaned_data["format"],
        label=label,
    )
    return redirect("jobs:detail", job.pk)


@require_GET
@login_required
def monthly_docx(request):
    """月报材料（Word）for the scope and date of the 月度统计 page."""
    return _pack_download(request, "docx")


@require_GET
@login_required
def monthly_xlsx(request):
    """月报材料（Excel）for the scope and date of the 月度统计 page."""
    return _pack_download(request, "xlsx")


@require_POST
@login_required
def monthly_publish(request):
    """发布月报: the district office its district's month, the city reviewer the city's."""
    if request.user.role not in (Role.DISTRICT_OFFICE, Role.CITY_REVIEWER):
        raise PermissionDenied(PUBLISHERS_ONLY)
    choices = scope_choices(request.user)
    form = PublishForm(request.POST, choices=[(key, label) for key, label, _ in choices])
    if list(form.errors) == ["confirm"]:  # back to the page, which says what is missing
        messages.error(request, form.errors["confirm"][0])
        data = form.cleaned_data
        query = urlencode({"scope": data["scope"], "as_of": data["as_of"]})
        return redirect(f"{reverse('reports:monthly')}?{query}")
    if not form.is_valid():
        errors = [e for field in form.errors.values() for e in field]
        return HttpResponse(" ".join(errors), status=400, content_type="text/plain; charset=utf-8")
    scope = scope_for(request.user, form.cleaned_data["scope"])
    if not can_publish(request.user, scope):
        raise PermissionDenied(NOT_YOUR_SCOPE)
    as_of = form.cleaned_data["as_of"]
    try:
        report_publish(scope=scope, as_of=as_of, actor=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, f"已发布{scope.name}截至{as_of:%Y-%m-%d}的月报，数字已冻结。")
    query = urlencode({"scope": form.cleaned_data["scope"], "as_of": as_of.isoformat()})
    return redirect(f"{reverse('reports:monthly')}?{query}")


@require_POST
@login_required
def monthly_notes(request):
    """工作亮点 and 下步工作 of the month: who may publish it writes them, until it is."""
    if request.user.role not in (Role.DISTRICT_OFFICE, Role.CITY_REVIEWER):
        raise PermissionDenied(PUBLISHERS_ONLY)
    choices = scope_choices(request.user)
    form = NotesForm(request.POST, choices=[(key, label) for key, label, _ in choices])
    if not form.is_valid():
        errors = [e for field in form.errors.values() for e in field]
        return HttpResponse(" ".join(errors), status=400, content_type="text/plain; charset=utf-8")
    data = form.cleaned_data
    scope = scope_for(request.user, data["scope"])
    if not can_publish(request.user, scope):
        raise PermissionDenied(NOT_YOUR_SCOPE)
    as_of = data["as_of"]
    try:
        if not is_closed_month_end(as_of):
            raise ValidationError(MONTH_NOT_CLOSED)
        notes_save(
            scope=scope,
            as_of=as_of,
            highlights=data["highlights"],
            next_steps=data["next_steps"],
            actor=request.user,
        )
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, "已保存本月的工作亮点和下步工作，生成 Word 月报时写入。")
    query = urlencode({"scope": data["scope"], "as_of": as_of.isoformat()})
    return redirect(f"{reverse('reports:monthly')}?{query}#notes")


@require_GET
@login_required
def project_card(request, code):
    """打印项目卡片: the project's one-page card as a PDF, for whoever sees the project."""
    project = project_get(user=request.user, code=code)
    response = HttpResponse(project_card_pdf(project, request.user), content_type="application/pdf")
    return attachment(response, f"{project.code} {project.name} 项目卡片.pdf")
