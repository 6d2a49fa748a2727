"""Every write of an attachment, each with its project event in the same transaction.

As the other apps' services: the caller has checked the actor's permission
(``permissions``, through the selectors' scope); a file that is not allowed raises
``ValidationError`` with a Chinese message and nothing is written, neither the row nor
the bytes. The bytes go to the store last, once every row is written, and are removed
again if that fails; a removed file's bytes leave the store only once its row's removal
is committed.
"""

import datetime as dt
import hashlib
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import transaction

from baton.accounts.models import User
from baton.core.forms import NO_FILE
from baton.projects.models import Milestone, Project
from baton.projects.services import project_check_time, project_lock_for_change, project_record

from . import content, events, store
from .models import Attachment

LABEL_LIMIT = 100
LABEL_TOO_LONG = f"说明不能超过 {LABEL_LIMIT} 个字。"
NO_KIND = "请选择附件类别。"
#: How many files one 督办 report carries at most.
MAX_REPORT_FILES = 5
CHOOSABLE = tuple(k for k in Attachment.Kind.values if k != Attachment.Kind.REPORT)


def _checked(files: Iterable) -> list[tuple[content.Checked, bytes]]:
    """Check each file by its content, reading at most one byte more than the limit."""
    clean = []
    for file in files:
        if file is None:
            raise ValidationError(NO_FILE)
        if hasattr(file, "seek"):
            file.seek(0)
        data = file.read(content.MAX_BYTES + 1)
        name = str(getattr(file, "name", "") or "")
        clean.append((content.check(name, data, getattr(file, "size", None)), data))
    return clean


def _create(
    *,
    project: Project,
    actor: User,
    checked: content.Checked,
    data: bytes,
    kind: str,
    at: dt.datetime,
    label: str = "",
    milestone: Milestone | None = None,
    supervision: Any = None,  # a 督办 (its app sits above this one)
) -> Attachment:
    return Attachment.objects.create(
        project=project,
        district_id=project.district_id,
        milestone=milestone,
        supervision=supervision,
        kind=kind,
        label=label,
        name=checked.name or f"附件{checked.suffix}",
        storage_name=store.new_name(project.district.code, checked.suffix),
        content_type=checked.content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=actor,
        uploaded_at=at,
    )


def _put_all(pairs: list[tuple[Attachment, bytes]]) -> None:
    """Write the bytes of the rows just created; on any failure remove what was written
    and raise (the transaction then drops the rows)."""
    written = []
    try:
        for attachment, data in pairs:
            kept = store.put(attachment.storage_name, data)
            written.append(kept)
            if kept != attachment.storage_name:
                raise OSError(f"附件存储改用了另一个名称：{kept}")
    except BaseException:
        for name in written:
            store.remove(name)
        raise


def _clean_label(label: str | None) -> str:
    label = (label or "").strip()
    if len(label) > LABEL_LIMIT:
        raise ValidationError({"label": LABEL_TOO_LONG})
    return label


@transaction.atomic
def attachment_add(
    *,
    project: Project,
    actor: User,
    file: File,
    kind: str,
    label: str = "",
    milestone: Milestone | None = None,
    at: dt.datetime | None = None,
) -> Attachment:
    """Keep a file for the project (or one of its milestones), with its event."""
    at = project_lock_for_change(project, at)
    if kind not in CHOOSABLE:
        raise ValidationError({"kind": NO_KIND})
    if milestone is not None and milestone.project_id != project.pk:
        raise ValidationError({"milestone": "所选里程碑不属于该项目。"})
    label = _clean_label(label)
    try:
        [(checked, data)] = _checked([file])
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from None
    project_check_time(project, at)
    attachment = _create(
        project=project,
        actor=actor,
        checked=checked,
        data=data,
        kind=kind,
        label=label,
        milestone=milestone,
        at=at,
    )
    entry = events.added(attachment)
    project_record(project, entry.kind, actor, at, old=entry.old, new=entry.new)
    _put_all([(attachment, data)])
    return attachment


@transaction.atomic
def attachment_delete(
    *, attachment: Attachment, actor: User, reason: str = "", at: dt.datetime | None = None
) -> None:
    """Remove a file of the project, with its event; its bytes go once that commits."""
    project = attachment.project
    at = project_lock_for_change(project, at)
    if attachment.supervision_id is not None:
        raise ValidationError("督办办理材料是办理情况的一部分，不能删除。")
    project_check_time(project, at)
    entry = events.removed(attachment, reason.strip()[:200])
    name = attachment.storage_name
    attachment.delete()
    project_record(
        project, entry.kind, actor, at, old=entry.old, new=entry.new, reason=entry.reason
    )
    transaction.on_commit(lambda: store.remove(name))


def report_files_check(files: Iterable) -> list[tuple[content.Checked, bytes]]:
    """Read and check the files of a 督办 report before anything is written."""
    files = list(files or [])
    if len(files) > MAX_REPORT_FILES:
        raise ValidationError({"files": f"附件最多 {MAX_REPORT_FILES} 个。"})
    try:
        return _checked(files)
    except ValidationError as exc:
        raise ValidationError({"files": exc.messages}) from None


def report_files_keep(
    *, supervision: Any, actor: User, checked: list[tuple[content.Checked, bytes]], at: dt.datetime
) -> list[Attachment]:
    """Keep the checked files of a 督办 report; the report's own event names them.

    Called inside the report's transaction, after its rows and event are written."""
    project = supervision.project
    pairs = [
        (
            _create(
                project=project,
                actor=actor,
                checked=one,
                data=data,
                kind=Attachment.Kind.REPORT,
                supervision=supervision,
                at=at,
            ),
            data,
        )
        for one, data in checked
    ]
    _put_all(pairs)
    return [attachment for attachment, _ in pairs]
