"""Reads of attachments, scoped by the project: a file is seen by whoever sees its
project (``project_scope``), and by no one else (404, as the project)."""

from django.db.models import QuerySet
from django.http import Http404

from baton.accounts.models import User
from baton.projects.models import Project
from baton.projects.selectors import project_scope

from .models import Attachment

NOT_FOUND = "附件不存在或您无权查看。"


def attachment_list(*, project: Project) -> QuerySet[Attachment]:
    """Return the files of a project the caller already sees (``project_get``)."""
    return (
        Attachment.objects.filter(project=project)
        .select_related("uploaded_by", "milestone", "supervision")
        .order_by("-uploaded_at", "-id")
    )


def attachment_get(*, user: User, pk: int | str) -> Attachment:
    """Return an attachment of a project the user sees, or raise Http404."""
    try:
        return Attachment.objects.select_related("project", "project__district").get(
            project__in=Project.objects.filter(project_scope(user)), pk=pk
        )
    except (Attachment.DoesNotExist, ValueError, TypeError):
        raise Http404(NOT_FOUND) from None
