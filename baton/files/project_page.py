"""The 附件 card of a project's page (registered in ``baton.projects.hooks``)."""

from django.http import HttpRequest
from django.template.loader import render_to_string

from baton.accounts.models import User
from baton.projects.models import Project

from . import permissions
from .selectors import attachment_list


def attachment_section(*, user: User, project: Project) -> dict:
    """Return what ``files/_project_attachments.html`` shows, with the user's permissions."""
    files = list(attachment_list(project=project))
    for one in files:
        one.project = project
        one.can_delete = permissions.can_delete(user, one)
    return {"files": files, "can_add": permissions.can_add(user, project)}


def attachments_card(request: HttpRequest, project: Project) -> str:
    context = {
        "project": project,
        "section": attachment_section(user=request.user, project=project),
    }
    return render_to_string("files/_project_attachments.html", context, request)
