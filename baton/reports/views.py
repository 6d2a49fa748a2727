import datetime as dt

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from baton.accounts.models import User
from baton.projects.models import ReviewState
from baton.projects.selectors import project_list
from baton.projects.selectors_problems import problem_queue

from .forms import MonthlyForm, last_month_end
from .scopes import scope_choices, scope_for
from .selectors import figures_as_of
from .summary import summary_paragraph

Role = User.Role
IDLE_DAYS = 30


@require_GET
@login_required
def home(request):
    """工作台: what waits for me, and my figures as of today."""
    user = request.user
    context = {"page_title": "工作台", "today": timezone.localdate()}
    scope = scope_for(user, None)
    if scope is not None:
        context["figures"] = figures_as_of(as_of=context["today"], scope=scope, user=user)
        context["tasks"] = _tasks(user)
        context["problem_queue"] = problem_queue(user=user)
        idle = project_list(user=user).filter(
            review_state=ReviewState.ADMITTED,
            stage__is_terminal=False,
            updated_at__lt=timezone.now() - dt.timedelta(days=IDLE_DAYS),
        )
        context["idle_count"] = idle.count()
        context["idle"] = idle.order_by("updated_at", "id")[:8]
        context["idle_days"] = IDLE_DAYS
    return render(request, "reports/home.html", context)


def _tasks(user) -> list[dict]:
    """Return the queues that wait for this user, each with a count and a link."""
    projects = project_list(user=user)
    tasks = []
    if user.role == Role.DISTRICT_OFFICE:
        waiting = projects.filter(review_state=ReviewState.SUBMITTED)
        tasks.append({"label": "待区招商办审核", "queryset": waiting, "state": "submitted"})
    if user.role == Role.CITY_REVIEWER:
        waiting = projects.filter(review_state=ReviewState.DISTRICT_APPROVED)
        tasks.append(
            {"label": "待市招商办审核入库", "queryset": waiting, "state": "district_approved"}
        )
    if user.role == Role.UNIT_STAFF:
        own = projects.filter(unit_id=user.unit_id)
        tasks.append(
            {
                "label": "被退回待修改",
                "queryset": own.filter(review_state=ReviewState.RETURNED),
                "state": "returned",
            }
        )
        tasks.append(
            {
                "label": "草稿待上报",
                "queryset": own.filter(review_state=ReviewState.DRAFT),
                "state": "draft",
            }
        )
    desk = reverse("projects:review_desk")
    for task in tasks:
        reviewing = task["state"] in (ReviewState.SUBMITTED, ReviewState.DISTRICT_APPROVED)
        task["url"] = (
            desk if reviewing else f"{reverse('projects:list')}?review_state={task['state']}"
        )
        task["count"] = task["queryset"].count()
        task["items"] = task["queryset"].order_by("-updated_at", "-id")[:5]
    return tasks


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
    if not form.is_bound:
        context["form"] = MonthlyForm(
            initial={"as_of": as_of, "scope": choices[0][0]},
            choices=[(key, label) for key, label, _ in choices],
        )
    return render(request, "reports/monthly.html", context)
