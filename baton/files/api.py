"""附件 in the API: a project's list, the multipart upload, and the download.

The same scope and rules as the pages: the project is looked up in the token user's
scope (outside it, 404), uploading is editing the project (403 otherwise), and the file
is checked by its content by the same service (422 with the reason).
"""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from ninja import Router, Schema, Status

from baton.core.api import Error
from baton.projects.api import project_in_scope
from baton.projects.models import Milestone

from . import permissions, services
from .download import download
from .models import Attachment
from .selectors import attachment_get, attachment_list

router = Router(tags=["附件"])
_READ_ERRORS = {401: Error, 404: Error}
_WRITE_ERRORS = {400: Error, 401: Error, 403: Error, 404: Error, 422: Error}


class AttachmentOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    label: str
    milestone: str | None
    content_type: str
    size: int
    sha256: str
    uploaded_by: str
    uploaded_at: dt.datetime
    url: str


def _out(found: Attachment) -> dict:
    return {
        "id": found.pk,
        "name": found.name,
        "kind": found.kind,
        "kind_label": str(found.get_kind_display()),
        "label": found.label,
        "milestone": found.milestone.kind if found.milestone_id else None,
        "content_type": found.content_type,
        "size": found.size,
        "sha256": found.sha256,
        "uploaded_by": found.uploaded_by.display_name,
        "uploaded_at": found.uploaded_at,
        "url": f"/api/v1/attachments/{found.pk}",
    }


@router.get(
    "/projects/{code}/attachments",
    response={200: list[AttachmentOut], **_READ_ERRORS},
    summary="项目附件列表",
)
def project_attachments(request, code: str):
    """项目的附件（含里程碑附件和督办办理材料），新上传的在前。"""
    project = project_in_scope(request.auth, code)
    return [_out(found) for found in attachment_list(project=project)]


_UPLOAD_BODY = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["file", "kind"],
                "properties": {
                    "file": {"type": "string", "format": "binary", "description": "文件"},
                    "kind": {
                        "type": "string",
                        "enum": list(services.CHOOSABLE),
                        "description": "类别：agreement 签约协议、photo 现场照片、document 文件资料",
                    },
                    "label": {"type": "string", "maxLength": services.LABEL_LIMIT},
                    "milestone": {
                        "type": "string",
                        "enum": list(Milestone.Kind.values),
                        "description": "所属里程碑（该项目已记录的），如 signed",
                    },
                },
            }
        }
    },
}


@router.post(
    "/projects/{code}/attachments",
    response={201: AttachmentOut, **_WRITE_ERRORS},
    summary="上传附件",
    openapi_extra={"requestBody": _UPLOAD_BODY},
)
def project_attachment_add(request, code: str):
    """multipart/form-data 上传。按内容识别类型，限 PDF、JPG、PNG、DOCX、XLSX、OFD，每个
    不超过 10 MB；项目须在您的范围内（否则 404），且您可以编辑该项目（否则 403）。"""
    user = request.auth
    project = project_in_scope(user, code)
    if not permissions.can_add(user, project):
        raise PermissionDenied(permissions.ADD_REFUSED)
    form = request.POST
    files = request.FILES.getlist("file")
    if len(files) != 1:
        raise ValidationError({"file": "请用 multipart/form-data 上传一个 file 文件。"})
    chosen = None
    if milestone := form.get("milestone", ""):
        chosen = Milestone.objects.filter(project=project, kind=milestone).first()
        if chosen is None:
            raise ValidationError({"milestone": "该项目没有记录这个里程碑。"})
    found = services.attachment_add(
        project=project,
        actor=user,
        file=files[0],
        kind=form.get("kind", ""),
        label=form.get("label", ""),
        milestone=chosen,
    )
    return Status(201, _out(found))


@router.get(
    "/attachments/{attachment_id}",
    response={200: None, **_READ_ERRORS, 422: Error},
    summary="下载附件",
    openapi_extra={
        "responses": {
            "200": {
                "description": "附件内容，作为下载文件返回（不在浏览器中打开）",
                "content": {
                    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
                },
            }
        }
    },
)
def attachment_download(request, attachment_id: int):
    """下载附件：仅限能查看该项目的用户。"""
    return download(attachment_get(user=request.auth, pk=attachment_id))
