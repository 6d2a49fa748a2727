"""The audit admin's page: search the audit log and export what was found."""

import json
import tempfile

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET
from openpyxl import Workbook

from baton.core.http import attachment
from baton.core.xlsx import neutralize

from .forms import AuditSearchForm
from .hooks import audit_export
from .readable import changes, object_type_label, role_label

PER_PAGE = 50
EXPORT_LIMIT = 100_000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _audit_admin_only(request) -> None:
    # 三员分立: the audit log is the audit administrator's, and only theirs.
    if request.user.role != get_user_model().Role.AUDIT_ADMIN:
        raise PermissionDenied("审计日志仅审计管理员可以查看。")


@require_GET
@login_required
def audit_log(request):
    _audit_admin_only(request)
    form = AuditSearchForm(request.GET or None)
    page = None
    if not request.GET or form.is_valid():
        if not request.GET:
            form = AuditSearchForm({})
            form.is_valid()
        page = Paginator(form.records(), PER_PAGE).get_page(request.GET.get("page"))
        for record in page:
            record.changes = changes(record)
            record.role_name = role_label(record.role) if record.role else ""
            record.type_label = object_type_label(record.object_type)
    context = {"form": form, "page": page, "page_title": "审计日志"}
    return render(request, "audit/audit_log.html", context, status=200 if page else 400)


_HEADERS = [
    "序号",
    "时间",
    "用户名",
    "角色",
    "事件",
    "结果",
    "来源地址",
    "对象类型",
    "对象标识",
    "对象",
    "说明",
    "变更内容",
    "变更前（原始记录）",
    "变更后（原始记录）",
    "哈希",
]


def _cell(value) -> str:
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return neutralize(str(value if value is not None else ""))


@require_GET
@login_required
def audit_export_view(request):
    _audit_admin_only(request)
    form = AuditSearchForm(request.GET)
    if not form.is_valid():
        return render(
            request,
            "audit/audit_log.html",
            {"form": form, "page": None, "page_title": "审计日志"},
            status=400,
        )
    book = Workbook(write_only=True)
    sheet = book.create_sheet("审计日志")
    sheet.append(_HEADERS)
    rows = 0
    for record in form.records()[:EXPORT_LIMIT].iterator(chunk_size=2000):
        sheet.append(
            [
                record.seq,
                _cell(f"{timezone.localtime(record.time):%Y-%m-%d %H:%M:%S %z}"),
                _cell(record.username),
                _cell(role_label(record.role) if record.role else ""),
                _cell(record.get_event_display()),
                _cell(record.get_outcome_display()),
                _cell(record.ip),
                _cell(object_type_label(record.object_type)),
                _cell(record.object_id),
                _cell(record.object_label),
                _cell(record.detail),
                _cell("\n".join(str(change) for change in changes(record))),
                _cell(record.before),
                _cell(record.after),
                record.hash,
            ]
        )
        rows += 1
    out = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
    book.save(out)
    out.seek(0)
    audit_export(request=request, what="audit", rows=rows, query=request.GET.dict())
    name = f"审计日志-{timezone.localdate():%Y%m%d}.xlsx"
    return attachment(FileResponse(out, content_type=XLSX), name, fallback="audit.xlsx")
