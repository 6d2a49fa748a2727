"""审核台: the projects waiting for my decision, the review page, the history of decisions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path, re_path, reverse
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from baton.accounts.models import User
from baton.core.views import deny

from .. import permissions, services
from ..forms_review import ReviewForm, apply_errors, posted
from ..models import CODE_PATTERN, ProjectEvent, ReviewState
from ..selectors import project_get
from ..selectors_review import duplicate_rows, review_decisions, review_queue, review_trail

Role = User.Role
REVIEWERS = (Role.DISTRICT_OFFICE, Role.CITY_REVIEWER)
PENDING = (ReviewState.SUBMITTED, ReviewState.DISTRICT_APPROVED)
PER_PAGE = 20
#: A project code as services accept it; anything else (a NUL byte, say) is not looked up.
CODE = rf"(?P<code>{CODE_PATTERN})"

_DONE = {
    ProjectEvent.Kind.APPROVED: "已通过“{}”的区级审核，转市招商办审核入库。",
    ProjectEvent.Kind.ADMITTED: "“{}”已审核入库。",
    ProjectEvent.Kind.RETURNED: "已将“{}”退回责任单位修改。",
}


def _to_desk(request):
    if request.htmx:
        return HttpResponseClientRedirect(reverse("projects:review_desk"))
    return redirect("projects:review_desk")


@require_GET
@login_required
def desk(request):
    if request.user.role not in REVIEWERS:
        return deny(request, "审核台仅供区招商办和市招商办使用。")
    queue = review_queue(user=request.user)
    page = Paginator(queue, PER_PAGE).get_page(request.GET.get("page"))
    context = {"page": page, "page_title": "审核台"}
    return render(request, "projects/review_desk.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def review(request, code):
    user = request.user
    project = project_get(user=user, code=code)
    if not permissions.can_review(user, project):
        if user.role in REVIEWERS and project.review_state not in PENDING:
            messages.warning(
                request,
                f"项目“{project.name}”当前为“{project.get_review_state_display()}”，"
                "不在待审核状态，可能已由他人处理。",
            )
            return _to_desk(request)
        return deny(
            request,
            f"您无权审核项目“{project.name}”：该项目当前为“{project.get_review_state_display()}”。",
        )
    duplicates = duplicate_rows(user=user, project=project)
    form = ReviewForm(
        posted(request), has_candidates=bool(duplicates), initial={"version": project.version}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            event = services.project_review(
                project=project,
                actor=user,
                approve=data["decision"] == "approve",
                reason=data["reason"],
                not_duplicate=data.get("not_duplicate", False),
                expected_version=data.get("version"),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _DONE[event.kind].format(project.name))
            return _to_desk(request)
    context = {
        "project": project,
        "duplicates": duplicates,
        "trail": review_trail(project=project),
        "form": form,
        "page_title": f"审核：{project.name}",
    }
    status = 200 if request.method == "GET" or request.htmx else 400
    template = "projects/_review_form.html" if request.htmx else "projects/review_detail.html"
    return render(request, template, context, status=status)


@require_GET
@login_required
def history(request):
    if request.user.role not in REVIEWERS:
        return deny(request, "审核记录仅供区招商办和市招商办查看。")
    decisions = review_decisions(user=request.user)
    page = Paginator(decisions, PER_PAGE).get_page(request.GET.get("page"))
    context = {"page": page, "page_title": "审核记录"}
    return render(request, "projects/review_history.html", context)


urls = [
    path("review/", desk, name="review_desk"),
    path("review/history/", history, name="review_history"),
    re_path(rf"^{CODE}/review/$", review, name="review"),
]
