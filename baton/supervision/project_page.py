"""The 存在问题与督办 card of a project's page (registered in ``baton.projects.hooks``)."""

from django.http import HttpRequest
from django.template.loader import render_to_string

from baton.accounts.models import User
from baton.projects.models import Project

from . import permissions
from .models import Supervision
from .selectors import project_problems


def problem_section(*, user: User, project: Project) -> dict:
    """Return what ``supervision/_project_problems.html`` shows, with the user's permissions.

    The project page's card and this app's own page of a project pass it as
    ``problem_section``; without it the fragment loads itself from
    ``supervision:project_problems``.
    """
    section = project_problems(project=project)
    can_supervise = permissions.can_supervise(user, project)
    for problem in section["problems"]:
        problem.can_update = permissions.can_update_problem(user, problem)
        problem.can_supervise = can_supervise and problem.is_open
    for supervision in section["supervisions"]:
        supervision.project = project
        mark_supervision(user, supervision)
    return {
        **section,
        "can_open": permissions.can_open_problem(user, project),
        "can_supervise": can_supervise,
        "can_log_act": permissions.can_log_leader_act(user, project),
    }


def mark_supervision(user: User, supervision: Supervision) -> None:
    """Set which of report, close and send back the user may do on the 督办 now."""
    status = supervision.status
    supervision.can_report = status == Supervision.Status.ACTIVE and (
        permissions.can_report_supervision(user, supervision)
    )
    supervision.can_sign_off = status == Supervision.Status.REPORTED and (
        permissions.can_sign_off(user, supervision)
    )


def problems_card(request: HttpRequest, project: Project) -> str:
    section = problem_section(user=request.user, project=project)
    context = {"project": project, "problem_section": section}
    return render_to_string("supervision/_project_problems.html", context, request)
