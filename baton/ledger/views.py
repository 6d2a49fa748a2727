"""台账导入 (upload → preview → confirm) and the project list's 导出台账.

The import calls the same service as ``baton import-ledger``: a dry run for the preview,
then the real import on confirm, in the background worker (``tasks.py``), whose progress
the done page shows. Between the two steps the uploaded bytes wait in a file under
``VAR_DIR`` named by a random token; the token is only honoured in the session of the
user who uploaded it, and the file is deleted after the import or once it is older than
``UPLOAD_TTL``. No path ever comes from the client.
"""

import datetime as dt
import os
import secrets
import tempfile
import time
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from baton.audit.hooks import audit_export
from baton.core.http import attachment
from baton.core.views import deny
from baton.jobs import selectors as jobs
from baton.jobs.models import Job
from baton.jobs.views import progress_context
from baton.projects.forms import ProjectFilterForm
from baton.projects.permissions import can_add_catalogue, can_remember_alias

from .annotate import error_workbook
from .exporter import ledger_export
from .forms import XLSX, LedgerExportForm, LedgerUploadForm, UnknownValuesForm, too_large
from .importer import IMPORT_REFUSED, ImportResult, ledger_import
from .mapping import MAP_ONLY, Mapping
from .reading import Limits
from .tasks import import_district as _import_district
from .tasks import preview_data, queued_file, start_check, start_import, uploads

UPLOAD_TTL = dt.timedelta(hours=1)
_UPLOADS = "ledger_uploads"


# --- the uploaded file, between preview and confirm -----------------------------------


def _folder() -> Path:
    return uploads()


def _sweep() -> None:
    """Delete uploads left behind (never confirmed) for longer than ``UPLOAD_TTL``."""
    cutoff = time.time() - UPLOAD_TTL.total_seconds()
    for path in _folder().glob("*.xlsx"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except FileNotFoundError:
            pass


def _keep(request, data: bytes, name: str) -> str:
    _sweep()
    token = secrets.token_urlsafe(24)
    folder = _folder()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(folder / f"{token}.xlsx", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    uploads = request.session.get(_UPLOADS, {})
    uploads[token] = {"user": request.user.pk, "name": name[:200], "at": time.time()}
    request.session[_UPLOADS] = uploads
    return token


def _upload(request, token: str) -> tuple[dict, bytes]:
    """Return the upload's record and bytes, or 404: not this session's, used, expired."""
    entry = request.session.get(_UPLOADS, {}).get(token)
    if entry is None or entry.get("user") != request.user.pk:
        raise Http404("上传的台账不存在或已处理，请重新上传。")
    try:
        if time.time() - entry["at"] > UPLOAD_TTL.total_seconds():
            raise FileNotFoundError
        data = (_folder() / f"{token}.xlsx").read_bytes()
    except FileNotFoundError:
        _discard(request, token)
        raise Http404("上传的台账已过期，请重新上传。") from None
    return entry, data


def _discard(request, token: str) -> None:
    (_folder() / f"{token}.xlsx").unlink(missing_ok=True)
    uploads = request.session.get(_UPLOADS, {})
    if uploads.pop(token, None) is not None:
        request.session[_UPLOADS] = uploads


def _dry_run(request, data: bytes, entry: dict) -> ImportResult:
    user = request.user
    return ledger_import(
        data=data,
        actor=user,
        district=_import_district(user),
        dry_run=True,
        mapping=Mapping.from_data(entry.get("mapping")),
    )


# --- import -------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def ledger_import_view(request):
    if _import_district(request.user) is None:
        return deny(request, IMPORT_REFUSED)
    status = 200
    form = LedgerUploadForm()
    if request.method == "POST":
        status = 422
        limit = Limits().max_bytes
        if int(request.META.get("CONTENT_LENGTH") or 0) > limit + 65536:
            # Refuse before Django spools the whole body to disk.
            form.errors["file"] = form.error_class([too_large(limit)])
            status = 413
        else:
            form = LedgerUploadForm(request.POST, request.FILES)
            if form.is_valid():
                token = _keep(request, form.cleaned_data["file"], request.FILES["file"].name)
                _check(request, token)
                return redirect("ledger:import_preview", token)
    context = {"form": form, "page_title": "台账导入", "district": _import_district(request.user)}
    return render(request, "ledger/ledger_import.html", context, status=status)


@require_GET
@login_required
def ledger_import_preview(request, token):
    if _import_district(request.user) is None:
        return deny(request, IMPORT_REFUSED)
    entry, _data = _upload(request, token)
    job = jobs.jobs_of(request.user).filter(pk=entry.get("job")).first()
    if job is None:  # uploaded before the check was a task
        job = _check(request, token)
    if job.status == Job.Status.DONE and job.result["ok"] != entry.get("ok"):
        entry["ok"] = job.result["ok"]  # what the confirm needs to know
        request.session.modified = True
    return _preview(request, token, entry, job=job)


def _check(request, token: str) -> Job:
    """Queue the check (dry run) of an upload and remember its job in the session."""
    uploads = request.session.get(_UPLOADS, {})
    entry = uploads[token]
    mapping = Mapping.from_data(entry.get("mapping"))
    job = start_check(user=request.user, token=token, name=entry["name"], mapping=mapping)
    entry["job"] = job.pk
    request.session[_UPLOADS] = uploads
    return job


def _preview(
    request, token, entry, *, job=None, result: ImportResult | None = None, status=200, form=None
):
    """The preview: the check's progress while it runs, then what it found."""
    context = {"page_title": "台账导入：预览", "token": token, "name": entry["name"]}
    if result is not None:
        context["p"] = preview_data(result)
    elif job.status == Job.Status.DONE:
        context["p"] = job.result
    else:
        context.update(progress_context(job, reload=True))
    if context.get("p") and context["p"].get("unknown"):
        may_add = can_add_catalogue(request.user)
        district = _import_district(request.user)
        context["may_remember"] = district is not None and can_remember_alias(
            request.user, district.pk
        )
        context["map_only"] = MAP_ONLY
        context["map_form"] = form or UnknownValuesForm(
            unknown=context["p"]["unknown"], may_add=may_add
        )
    return render(request, "ledger/ledger_preview.html", context, status=status)


@require_POST
@login_required
def ledger_import_map(request, token):
    """Read the upload's values outside the catalogues as the office chose, and check
    it again: the choices are written (aliases remembered, values added) on confirm."""
    if _import_district(request.user) is None:
        return deny(request, IMPORT_REFUSED)
    entry, _data = _upload(request, token)
    job = jobs.jobs_of(request.user).filter(pk=entry.get("job")).first()
    if job is None or job.status != Job.Status.DONE or not job.result.get("unknown"):
        return redirect("ledger:import_preview", token)
    may_add = can_add_catalogue(request.user)
    form = UnknownValuesForm(request.POST, unknown=job.result["unknown"], may_add=may_add)
    if not form.is_valid():
        return _preview(request, token, entry, job=job, status=422, form=form)
    entry["mapping"] = form.mapping(Mapping.from_data(entry.get("mapping"))).as_data()
    entry["ok"] = False
    request.session.modified = True
    _check(request, token)
    return redirect("ledger:import_preview", token)


@require_POST
@login_required
def ledger_import_confirm(request, token):
    user = request.user
    district = _import_district(user)
    if district is None:
        return deny(request, IMPORT_REFUSED)
    entry, data = _upload(request, token)
    if not entry.get("ok"):  # not previewed, or the preview found errors
        result = _dry_run(request, data, entry)
        if not result.ok:
            return _preview(request, token, entry, result=result, status=422)
    # The import runs in the worker: the upload is the job's from now on.
    os.replace(_folder() / f"{token}.xlsx", queued_file(token))
    _discard(request, token)
    ip = request.META.get("REMOTE_ADDR", "")
    mapping = Mapping.from_data(entry.get("mapping"))
    job = start_import(user=user, token=token, name=entry["name"], ip=ip, mapping=mapping)
    return redirect("ledger:import_done", job.pk)


@require_GET
@login_required
def ledger_import_done(request, job_id: int):
    """The import's progress while the worker runs it, then its outcome."""
    if _import_district(request.user) is None:
        return deny(request, IMPORT_REFUSED)
    job = jobs.job_for(request.user, job_id, kind=Job.Kind.LEDGER_IMPORT)
    context = {
        **progress_context(job, reload=True),
        "page_title": "台账导入：完成" if job.status == Job.Status.DONE else "台账导入：导入中",
        "name": job.params.get("name", ""),
    }
    if job.status == Job.Status.DONE:
        created, updated, unchanged = job.result["counts"]
        context.update(done=job.result, created=created, updated=updated, unchanged=unchanged)
    return render(request, "ledger/ledger_done.html", context)


@require_GET
@login_required
def ledger_import_errors(request, token):
    """Return the uploaded workbook with its bad cells marked (错误清单 first)."""
    if _import_district(request.user) is None:
        return deny(request, IMPORT_REFUSED)
    entry, data = _upload(request, token)
    result = _dry_run(request, data, entry)
    if result.ok:
        raise Http404("这份台账没有错误。")
    out = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
    error_workbook(result, out)
    out.seek(0)
    stem = Path(entry["name"]).stem or "台账"
    response = FileResponse(out, content_type=XLSX)
    return attachment(response, f"{stem}-错误标注.xlsx", fallback="ledger.xlsx")


# --- export -------------------------------------------------------------------------------


@require_GET
@login_required
def ledger_export_view(request):
    """Export the project list as filtered by the same query string, as an .xlsx (not for
    the administrators: ``BusinessDataMiddleware``)."""
    user = request.user
    filters = ProjectFilterForm(request.GET, user=user)
    options = LedgerExportForm(request.GET)
    if filters.is_valid() and options.is_valid():
        out = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
        layout, as_of = options.cleaned_data["layout"], options.cleaned_data["as_of"]
        try:
            rows = ledger_export(
                out=out, user=user, filters=filters.filters(), layout=layout, as_of=as_of
            )
        except ValidationError as exc:
            options.add_error(None, exc.messages)
        else:
            audit_export(
                request=request,
                what="ledger",
                rows=rows,
                layout=layout,
                as_of=as_of,
                query=request.GET.dict(),
            )
            out.seek(0)
            response = FileResponse(out, content_type=XLSX)
            return attachment(response, _export_name(user, layout, as_of), fallback="ledger.xlsx")
    context = {"page_title": "导出台账", "forms": [filters, options]}
    return render(request, "ledger/ledger_export_error.html", context, status=400)


def _export_name(user, layout: str, as_of) -> str:
    scope = user.unit.name if user.unit_id else (user.district or user.city or "")
    day = as_of or timezone.localdate()
    if layout == "official":
        return f"{scope}招商项目台账（正式报表，截至{day:%Y-%m-%d}）.xlsx"
    return f"{scope}项目台账-{day:%Y%m%d}.xlsx"
