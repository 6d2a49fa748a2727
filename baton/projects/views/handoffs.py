"""A handoff waiting for its receiving unit (待接收): accept, decline, withdraw.

The receiving unit's staff accept or decline (anyone else who sees the project: 403);
the giving unit or the district office withdraw. Each is a small dialog like the
project's other actions (``library._action``).
"""

from django.contrib.auth.decorators import login_required
from django.urls import path
from django.views.decorators.http import require_http_methods

from baton.core.views import deny

from .. import permissions, services
from ..forms_handoff import HandoffAcceptForm, HandoffDeclineForm, HandoffWithdrawForm
from ..selectors import handoff_due, pending_handoff, project_get
from .library import _about, _action


def _posted(request):
    """The form's data on a POST, even an empty one: every field of these may be blank."""
    return request.POST if request.method == "POST" else None


def _answer_dialog(request, project, form, *, name: str, title: str, submit: str, perform):
    handoff = pending_handoff(project)
    return _action(
        request,
        project,
        form,
        template="projects/project_handoff_answer.html",
        title=title,
        perform=perform,
        handoff=handoff,
        due=handoff_due(handoff) if handoff else None,
        action_name=name,
        submit=submit,
    )


@require_http_methods(["GET", "POST"])
@login_required
def handoff_accept(request, code):
    user = request.user
    project = project_get(user=user, code=code)
    if not permissions.can_answer_handoff(user, project):
        return deny(request, permissions.NOT_RECEIVER, **_about(project))
    form = HandoffAcceptForm(_posted(request))

    def perform(data):
        services.handoff_accept(project=project, actor=user, reason=data["reason"], on=data["on"])
        return f"已接收“{project.name}”，自即日起由{user.unit.name}负责。"

    return _answer_dialog(
        request,
        project,
        form,
        name="projects:handoff_accept",
        title="接收交接",
        submit="确认接收",
        perform=perform,
    )


@require_http_methods(["GET", "POST"])
@login_required
def handoff_decline(request, code):
    user = request.user
    project = project_get(user=user, code=code)
    if not permissions.can_answer_handoff(user, project):
        return deny(request, permissions.NOT_RECEIVER, **_about(project))
    form = HandoffDeclineForm(_posted(request))

    def perform(data):
        services.handoff_decline(project=project, actor=user, reason=data["reason"])
        return f"已拒绝接收，项目仍由{project.unit.name}负责。"

    return _answer_dialog(
        request,
        project,
        form,
        name="projects:handoff_decline",
        title="拒绝接收",
        submit="确认拒绝",
        perform=perform,
    )


@require_http_methods(["GET", "POST"])
@login_required
def handoff_withdraw(request, code):
    user = request.user
    project = project_get(user=user, code=code)
    if not permissions.can_withdraw_handoff(user, project):
        return deny(request, permissions.NOT_GIVER, **_about(project))
    form = HandoffWithdrawForm(_posted(request))

    def perform(data):
        services.handoff_withdraw(project=project, actor=user, reason=data["reason"])
        return "已撤回交接，项目仍由本单位负责。"

    return _answer_dialog(
        request,
        project,
        form,
        name="projects:handoff_withdraw",
        title="撤回交接",
        submit="确认撤回",
        perform=perform,
    )


urls = [
    path("<project_code:code>/handoff/accept/", handoff_accept, name="handoff_accept"),
    path("<project_code:code>/handoff/decline/", handoff_decline, name="handoff_decline"),
    path("<project_code:code>/handoff/withdraw/", handoff_withdraw, name="handoff_withdraw"),
]
