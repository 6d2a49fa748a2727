"""存在问题与督办, and 领导活动: lists in the user's scope and the small dialogs that write.

Every action is a dialog when htmx asks for it (the fragment goes into ``#dialog``; on
success the dialog closes and the lists refresh on ``problemsChanged``) and a plain
page with a form otherwise (redirect after POST): ``baton.core.views.run_dialog``. A
refusal is ``baton.core.views.deny``.
"""

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import render
from django.urls import path, re_path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods

from baton.accounts.models import User
from baton.core.views import close_dialog, deny, run_dialog
from baton.files.download import download
from baton.org.models import LEADER_ORDER
from baton.projects.forms_review import posted
from baton.projects.models import CODE_PATTERN, Project
from baton.projects.selectors import project_get

from . import permissions, services
from . import rules as sign_off
from .forms import (
    LeaderActFilterForm,
    LeaderActForm,
    ProblemFilterForm,
    ProblemForm,
    ProblemUpdateForm,
    SupervisionCloseForm,
    SupervisionForm,
    SupervisionReportForm,
    SupervisionReturnForm,
)
from .models import LeaderAct, Problem, Supervision
from .project_page import mark_supervision, problem_section
from .selectors import (
    leader_act_list,
    leader_choices,
    leaders_in_scope,
    problem_get,
    problem_list,
    supervision_file_get,
    supervision_get,
    supervision_list,
    units_in_scope,
    visible_projects,
)

Role = User.Role
PER_PAGE = 20
CODE = rf"(?P<code>{CODE_PATTERN})"


# --- helpers ---------------------------------------------------------------------------


def _next(request, default: str) -> str:
    """Return the safe local ``next`` address of the request, else ``default``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _back(request, default: str) -> str:
    """Return where to go after the action: ``next``, the page that asked, or ``default``."""
    if request.htmx and request.htmx.current_url_abs_path:
        default = request.htmx.current_url_abs_path
    return _next(request, default)


def _here(request) -> str:
    """Return the page the user is looking at (for htmx, the page that asked)."""
    if request.htmx and request.htmx.current_url_abs_path:
        return request.htmx.current_url_abs_path
    return request.get_full_path()


def _way_back() -> dict:
    """A refusal's way back: the 存在问题 list."""
    return {"back_url": reverse("supervision:problems"), "back_label": "返回存在问题"}


def _dialog(request, form, *, template: str, perform, back: str, context: dict):
    """Run one action's dialog: a refused or invalid form comes back (for htmx with 200 in
    the dialog, as a page with 400); success closes the dialog and refreshes the lists on
    ``problemsChanged`` (without htmx: the message, and back to ``back``)."""
    return run_dialog(
        request,
        form,
        template=template,
        perform=perform,
        done=close_dialog("problemsChanged", url=back),
        context={"dialog_url": request.path, "next": back, "cancel_url": back, **context},
        invalid_status=200 if request.htmx else 400,
    )


def _leaders(user: User, project: Project):
    """Return the leaders to choose from, or None when the leader acts in person."""
    return None if user.role == Role.LEADER else leader_choices(project=project)


def _mark_rows(items, user: User, today: dt.date) -> None:
    """Set what a list row shows: days overdue, whether the user may act on it or open
    its project."""
    visible = visible_projects(user=user, ids=[item.project_id for item in items])
    for item in items:
        item.project_visible = item.project_id in visible
        item.days_overdue = (today - item.deadline).days if item.is_overdue else 0
        if isinstance(item, Problem):
            item.can_update = permissions.can_update_problem(user, item)
            item.can_supervise = item.is_open and permissions.can_supervise(user, item.project)
        else:
            mark_supervision(user, item)


# --- lists -----------------------------------------------------------------------------


@require_GET
@login_required
def problems(request):
    """存在问题: open problems and active 督办 in the user's scope, by deadline."""
    user, today = request.user, timezone.localdate()
    form = ProblemFilterForm(request.GET or None, units=units_in_scope(user))
    valid = form.is_valid() if form.is_bound else True
    found = problem_list(user=user, filters=form.problem_filters())
    page = Paginator(found, PER_PAGE).get_page(request.GET.get("page"))
    overdue = getattr(form, "cleaned_data", {}).get("overdue")
    supervisions = supervision_list(
        user=user,
        filters={
            "status__in": Supervision.OPEN_STATUSES,
            **({"deadline__lt": today} if overdue else {}),
        },
    )
    spage = Paginator(supervisions, PER_PAGE).get_page(request.GET.get("spage"))
    _mark_rows(page.object_list, user, today)
    _mark_rows(spage.object_list, user, today)
    context = {
        "form": form,
        "page": page,
        "spage": spage,
        "here": request.get_full_path(),
        "page_title": "存在问题",
    }
    if request.htmx:
        return render(request, "supervision/_problem_results.html", context)
    return render(request, "supervision/problem_list.html", context, status=200 if valid else 400)


@require_GET
@login_required
def problem_detail(request, pk):
    """A problem's page: what it is, whose, the 督办 on it and what the user may do.

    Of its project it names only the name, code, stage and holder (a 协调部门 assigned
    the problem sees no more of the project); the project's page links from here for
    those who may open it.
    """
    user, today = request.user, timezone.localdate()
    problem = problem_get(user=user, pk=pk)
    supervisions = list(supervision_list(user=user, filters={"problem": problem}))
    _mark_rows([problem, *supervisions], user, today)
    context = {
        "problem": problem,
        "project": problem.project,
        "supervisions": supervisions,
        "here": _here(request),
        "page_title": f"存在问题：{problem.get_category_display()}",
    }
    if request.htmx:
        return render(request, "supervision/_problem_page.html", context)
    return render(request, "supervision/problem_detail.html", context)


@require_GET
@login_required
def project_problems_view(request, code):
    """A project's problems, 督办 and leaders' acts: the project page's section."""
    project = project_get(user=request.user, code=code)
    context = {
        "project": project,
        "problem_section": problem_section(user=request.user, project=project),
        "here": _here(request),
        "page_title": f"存在问题与督办：{project.name}",
    }
    if request.htmx:
        return render(request, "supervision/_project_problems.html", context)
    return render(request, "supervision/problem_project.html", context)


@require_GET
@login_required
def leader_acts(request):
    """领导活动: leaders' acts on the projects in scope, by leader, project and month."""
    user = request.user
    form = LeaderActFilterForm(request.GET or None, leaders=leaders_in_scope(user))
    valid = form.is_valid() if form.is_bound else True
    acts = leader_act_list(user=user).filter(form.act_filters())
    page = Paginator(acts, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "summary": _act_summary(acts),
        "kinds": LeaderAct.Kind.choices,
        "page_title": "领导活动",
    }
    template = (
        "supervision/_leader_act_results.html" if request.htmx else "supervision/leader_acts.html"
    )
    return render(request, template, context, status=200 if valid or request.htmx else 400)


def _act_summary(acts) -> list[dict]:
    """Return one row per leader: the count of each kind of act, and the total."""
    rows: dict = {}
    order = [f"leader__{key}" for key in LEADER_ORDER]
    counts = acts.order_by().values("leader_id", "leader__title", *order, "kind")
    for line in counts.annotate(n=Count("id")).order_by(*order):
        row = rows.setdefault(
            line["leader_id"],
            {"name": line["leader__name"], "title": line["leader__title"], "kinds": {}, "total": 0},
        )
        row["kinds"][line["kind"]] = line["n"]
        row["total"] += line["n"]
    for row in rows.values():
        row["cells"] = [row["kinds"].get(kind, 0) for kind in LeaderAct.Kind.values]
    return list(rows.values())  # in protocol order, never by count


# --- problem dialogs -------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def problem_new(request, code):
    user = request.user
    project = project_get(user=user, code=code)
    if not permissions.can_open_problem(user, project):
        return deny(request, "您无权为该项目登记存在问题。", **_way_back())
    form = ProblemForm(posted(request), district=project.district)

    def perform(data):
        services.problem_open(project=project, actor=user, **data)
        return "已登记存在问题。"

    return _dialog(
        request,
        form,
        template="supervision/_problem_form.html",
        perform=perform,
        back=_back(request, _section_url(project)),
        context={"project": project, "page_title": "登记存在问题"},
    )


@require_http_methods(["GET", "POST"])
@login_required
def problem_update(request, pk):
    user = request.user
    problem = problem_get(user=user, pk=pk)
    if not permissions.can_update_problem(user, problem):
        return deny(request, "只有责任单位或区招商办可以办理该问题。", **_way_back())
    form = ProblemUpdateForm(posted(request), problem=problem)

    def perform(data):
        services.problem_update(
            problem=problem, actor=user, status=data["status"], note=data["note"]
        )
        return f"问题已改为“{Problem.Status(problem.status).label}”。"

    return _dialog(
        request,
        form,
        template="supervision/_problem_update.html",
        perform=perform,
        back=_back(request, reverse("supervision:problems")),
        context={"problem": problem, "page_title": "办理问题"},
    )


# --- supervision dialogs ---------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def supervision_new(request, code):
    user = request.user
    project = project_get(user=user, code=code)
    if not permissions.can_supervise(user, project):
        return deny(request, "只有领导本人或区招商办可以登记督办。", **_way_back())
    form = SupervisionForm(
        posted(request),
        leaders=_leaders(user, project),
        problems=project.problems.filter(status__in=Problem.OPEN_STATUSES),
        initial={"problem": request.GET.get("problem")},
    )

    def perform(data):
        services.supervision_issue(
            project=project,
            actor=user,
            leader=data.get("leader") or user.person,
            problem=data["problem"],
            instruction=data["instruction"],
            deadline=data["deadline"],
        )
        return "已登记督办事项。"

    return _dialog(
        request,
        form,
        template="supervision/_supervision_form.html",
        perform=perform,
        back=_back(request, _section_url(project)),
        context={"project": project, "page_title": "领导督办"},
    )


def _sign_off_dialog(request, pk, *, form_class, template, perform, title):
    user = request.user
    supervision = supervision_get(user=user, pk=pk)
    if not permissions.can_sign_off(user, supervision):
        return deny(request, sign_off.SIGN_OFF_REFUSED, **_way_back())
    return _dialog(
        request,
        form_class(posted(request)),
        template=template,
        perform=lambda data: perform(supervision, data),
        back=_back(request, reverse("supervision:problems")),
        context={"supervision": supervision, "page_title": title},
    )


@require_http_methods(["GET", "POST"])
@login_required
def supervision_report(request, pk):
    """The unit the 督办 is issued to reports its 办理情况, with files."""
    user = request.user
    supervision = supervision_get(user=user, pk=pk)
    if not permissions.can_report_supervision(user, supervision):
        return deny(request, sign_off.REPORT_REFUSED, **_way_back())
    form = SupervisionReportForm(posted(request), request.FILES or None)

    def perform(data):
        services.supervision_report(
            supervision=supervision,
            actor=user,
            response=data["response"],
            files=data["files"],
        )
        return "已报送办理情况，等待督办领导确认办结。"

    return _dialog(
        request,
        form,
        template="supervision/_supervision_report.html",
        perform=perform,
        back=_back(request, reverse("supervision:problems")),
        context={"supervision": supervision, "page_title": "报送办理情况"},
    )


@require_http_methods(["GET", "POST"])
@login_required
def supervision_close(request, pk):
    """办结: the issuing leader or their office accepts the report, for good."""

    def perform(supervision, data):
        services.supervision_close(supervision=supervision, actor=request.user, note=data["note"])
        return "督办事项已办结。"

    return _sign_off_dialog(
        request,
        pk,
        form_class=SupervisionCloseForm,
        template="supervision/_supervision_close.html",
        perform=perform,
        title="确认办结",
    )


@require_http_methods(["GET", "POST"])
@login_required
def supervision_return(request, pk):
    """退回: the issuing leader or their office sends the report back with a reason."""

    def perform(supervision, data):
        services.supervision_return(
            supervision=supervision, actor=request.user, reason=data["reason"]
        )
        return "已退回，交办单位将继续办理。"

    return _sign_off_dialog(
        request,
        pk,
        form_class=SupervisionReturnForm,
        template="supervision/_supervision_return.html",
        perform=perform,
        title="退回督办",
    )


@require_GET
@login_required
def supervision_file(request, pk, file_pk):
    """A file of a 督办's report, as a download, to those who see the 督办."""
    return download(supervision_file_get(user=request.user, pk=pk, file_pk=file_pk))


# --- leaders' acts -------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def leader_act_new(request, code):
    user = request.user
    project = project_get(user=user, code=code)
    if not permissions.can_log_leader_act(user, project):
        return deny(request, "只有领导本人或区招商办可以记录领导活动。", **_way_back())
    form = LeaderActForm(
        posted(request),
        leaders=_leaders(user, project),
        initial={"date": timezone.localdate()},
    )

    def perform(data):
        services.leader_act_record(
            project=project,
            actor=user,
            leader=data.get("leader") or user.person,
            kind=data["kind"],
            date=data["date"],
            note=data["note"],
        )
        return "已记录领导活动。"

    return _dialog(
        request,
        form,
        template="supervision/_leader_act_form.html",
        perform=perform,
        back=_back(request, _section_url(project)),
        context={"project": project, "page_title": "记录领导活动"},
    )


def _section_url(project: Project) -> str:
    return reverse("supervision:project_problems", args=[project.code])


urls = [
    path("problems/", problems, name="problems"),
    path("problems/<int:pk>/", problem_detail, name="problem"),
    path("problems/<int:pk>/update/", problem_update, name="problem_update"),
    path("supervisions/<int:pk>/report/", supervision_report, name="supervision_report"),
    path("supervisions/<int:pk>/close/", supervision_close, name="supervision_close"),
    path("supervisions/<int:pk>/return/", supervision_return, name="supervision_return"),
    path("supervisions/<int:pk>/files/<int:file_pk>/", supervision_file, name="supervision_file"),
    path("leader-acts/", leader_acts, name="leader_acts"),
    re_path(rf"^{CODE}/problems/$", project_problems_view, name="project_problems"),
    re_path(rf"^{CODE}/problems/new/$", problem_new, name="problem_new"),
    re_path(rf"^{CODE}/supervisions/new/$", supervision_new, name="supervision_new"),
    re_path(rf"^{CODE}/leader-acts/new/$", leader_act_new, name="leader_act_new"),
]
