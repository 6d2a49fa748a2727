"""附件 of a project: its card, the upload and removal dialogs, and the download.

Every address looks the project (or the file's project) up in the user's scope first:
outside it, 404. The dialogs run ``baton.core.views.run_dialog``; on success, through
htmx, the dialog closes, the page says what was done and fires ``attachmentsChanged``,
on which the card and the timeline fetch themselves again (without JavaScript: back to
the project page).
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path, re_path, reverse
from django.views.decorators.http import require_GET, require_http_methods

from baton.core.views import close_dialog, deny, run_dialog
from baton.projects.forms_review import posted
from baton.projects.models import CODE_PATTERN
from baton.projects.selectors import project_get

from . import permissions, services
from .download import download
from .forms import AttachmentDeleteForm, AttachmentForm
from .project_page import attachment_section
from .selectors import attachment_get

CODE = rf"(?P<code>{CODE_PATTERN})"
#: What a successful dialog fires: the 附件 card and the timeline fetch themselves again.
CHANGED = "attachmentsChanged"


def _project_url(project) -> str:
    return reverse("projects:detail", args=[project.code])


def _dialog(request, form, *, project, template, perform, title, **extra):
    back = _project_url(project)
    return run_dialog(
        request,
        form,
        template=template,
        perform=perform,
        done=close_dialog(CHANGED, url=back),
        context={
            "project": project,
            "page_title": title,
            "subject": f"{project.code} {project.name}",
            "dialog_url": request.path,
            "cancel_url": back,
            **extra,
        },
        invalid_status=200 if request.htmx else 422,
    )


@require_GET
@login_required
def attachments(request, code):
    """The 附件 card of a project, as the project page shows it (htmx refreshes it)."""
    project = project_get(user=request.user, code=code)
    section = attachment_section(user=request.user, project=project)
    return render(
        request, "files/_project_attachments.html", {"project": project, "section": section}
    )


@require_http_methods(["GET", "POST"])
@login_required
def attachment_new(request, code):
    user = request.user
    project = project_get(user=user, code=code)
    if not permissions.can_add(user, project):
        return deny(
            request, permissions.ADD_REFUSED, back_url=_project_url(project), back_label="返回项目"
        )
    form = AttachmentForm(posted(request), request.FILES or None, project=project)

    def perform(data):
        services.attachment_add(
            project=project,
            actor=user,
            file=data["file"],
            kind=data["kind"],
            label=data["label"],
            milestone=data["milestone"],
        )
        return "附件已上传。"

    return _dialog(
        request,
        form,
        project=project,
        template="files/attachment_new.html",
        perform=perform,
        title="上传附件",
    )


@require_http_methods(["GET", "POST"])
@login_required
def attachment_delete(request, pk):
    user = request.user
    found = attachment_get(user=user, pk=pk)
    project = found.project
    if not permissions.can_delete(user, found):
        return deny(
            request,
            permissions.DELETE_REFUSED,
            back_url=_project_url(project),
            back_label="返回项目",
        )

    def perform(data):
        services.attachment_delete(attachment=found, actor=user)
        return f"已删除附件“{found.name}”。"

    return _dialog(
        request,
        AttachmentDeleteForm(posted(request)),
        project=project,
        template="files/attachment_delete.html",
        perform=perform,
        title="删除附件",
        attachment=found,
    )


@require_GET
@login_required
def attachment_file(request, pk):
    """A file of a project, as a download, to those who see the project."""
    return download(attachment_get(user=request.user, pk=pk))


urls = [
    path("attachments/<int:pk>/", attachment_file, name="file"),
    path("attachments/<int:pk>/delete/", attachment_delete, name="delete"),
    re_path(rf"^{CODE}/attachments/$", attachments, name="project"),
    re_path(rf"^{CODE}/attachments/new/$", attachment_new, name="new"),
]
