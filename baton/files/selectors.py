"""Reads of attachments, scoped by the project: a file is seen by whoever sees its
project (``project_scope``), and by no one else (404, as the project)."""

import hashlib
from typing import NamedTuple

from django.db.models import QuerySet
from django.http import Http404

from baton.accounts.models import User
from baton.projects.models import Project
from baton.projects.selectors import project_scope

from . import store
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


class StoreReport(NamedTuple):
    total: int
    missing: list[str]  # "<id> <shown name> (<stored name>)"
    damaged: list[str]
    stray: list[str]  # stored names no attachment holds


def store_check() -> StoreReport:
    """Compare every attachment with its bytes in the store, and the store with the rows."""
    missing, damaged, known = [], [], set()
    rows = Attachment.objects.order_by("pk").values_list("pk", "name", "storage_name", "sha256")
    total = 0
    for pk, name, stored_as, digest in rows.iterator(chunk_size=500):
        total += 1
        known.add(stored_as)
        label = f"{pk} {name}（{stored_as}）"
        try:
            data = store.read(stored_as)
        except (FileNotFoundError, OSError):
            missing.append(label)
            continue
        if hashlib.sha256(data).hexdigest() != digest:
            damaged.append(label)
    stray = [name for name in store.names() if name not in known]
    return StoreReport(total, missing, damaged, stray)
