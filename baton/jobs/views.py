"""A job's page, its progress fragment (polled by htmx while the job runs) and its file."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from baton.core.http import attachment

from . import selectors, services
from .models import Job

#: What a job counts, by its kind: "已处理 12,000 / 100,000 行", "已处理 3 / 8 项指标".
UNITS = {
    Job.Kind.LEDGER_CHECK: "行",
    Job.Kind.LEDGER_IMPORT: "行",
    Job.Kind.REPORT_PACK: "项",
    Job.Kind.RANKING: "项指标",
}


def progress_context(job: Job, *, reload: bool = False) -> dict:
    """The progress fragment's context (``jobs/_progress.html``), for any page that
    shows a job; ``reload``: the page reloads itself when the job finishes."""
    done, total, phase = services.progress_of(job)
    return {
        "job": job,
        "done": f"{done:,}",
        "total": f"{total:,}",
        "percent": min(100, done * 100 // total) if total else 0,
        "counted": total > 0,
        "phase": phase,
        "unit": UNITS.get(job.kind, "项"),
        "reload": reload,
        "download": services.file_path(job) is not None,
    }


@require_GET
@login_required
def job_list(request):
    jobs = selectors.jobs_of(request.user)[:50]
    return render(request, "jobs/job_list.html", {"jobs": jobs, "page_title": "后台任务"})


@require_GET
@login_required
def job_detail(request, job_id: int):
    job = selectors.job_for(request.user, job_id)
    context = {**progress_context(job), "page_title": f"后台任务：{job.title}"}
    return render(request, "jobs/job_detail.html", context)


@require_GET
@login_required
def job_progress(request, job_id: int):
    job = selectors.job_for(request.user, job_id)
    # A poll is not the user's activity and writes nothing, not even the session's touch
    # (accounts.middleware.SessionIdleMiddleware): on SQLite a long import holds the one
    # write lock, and the touch would wait for it and fail the poll.
    request.session.modified = False
    reload = request.GET.get("reload") == "1"
    if reload and job.is_finished:
        response = HttpResponse(status=200)
        response["HX-Refresh"] = "true"  # the page shows the outcome its own way
        return response
    return render(request, "jobs/_progress.html", progress_context(job, reload=reload))


@require_GET
@login_required
def job_download(request, job_id: int):
    job = selectors.job_for(request.user, job_id)
    path = services.file_path(job)
    if path is None:
        raise Http404("这项任务没有可下载的文件，或文件已过期。")
    response = FileResponse(path.open("rb"))
    return attachment(response, job.file_name or path.name)
