"""履约与效益 pages: recording a project's promises and results (dialogs from the project's
card), the import of the statistics bureau's workbook, the office's check, and the list of
promises by unit and state."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from baton.audit.services import Event, audit_write
from baton.core.forms import too_large
from baton.core.views import deny, go_to, run_dialog
from baton.projects.selectors import project_get
from baton.projects.services import ConflictError

from . import rules, services
from .forms import CheckForm, ImportForm, PromiseForm, ResultForm
from .importing import COLUMNS, import_results
from .models import Promise, Result

MAX_UPLOAD = 5 * 1024 * 1024
PER_PAGE = 30


def _card(project) -> str:
    # No "#outcomes": htmx's redirect to the page it is on would only move to the anchor.
    return reverse("projects:detail", args=[project.code])


def _recorder(request, project):
    if not rules.can_record(request.user, project):
        return deny(request, rules.NOT_A_RECORDER, back_url=_card(project), back_label="返回项目")
    return None


@require_http_methods(["GET", "POST"])
@login_required
def promise_new(request, code):
    project = project_get(user=request.user, code=code)
    if refused := _recorder(request, project):
        return refused
    form = PromiseForm(request.POST or None)

    def perform(data):
        promise = services.promise_create(actor=request.user, project=project, values=data)
        return f"已登记承诺：{promise.get_kind_display()}。"

    return run_dialog(
        request, form, template="outcomes/promise_form.html", perform=perform,
        done=go_to(_card(project)), conflict=ConflictError,
        context={"page_title": "登记履约承诺", "project": project,
                 "signed": rules.signed_on(project)},
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@login_required
def promise_edit(request, pk):
    promise = get_object_or_404(
        rules.visible_promises(request.user).select_related("project"), pk=pk
    )
    project = promise.project
    if refused := _recorder(request, project):
        return refused
    initial = {f: getattr(promise, f) for f in services.PROMISE_FIELDS} | {
        "version": promise.version
    }
    if promise.target is not None:
        initial["target"] = format(promise.target.normalize(), "f")
    form = PromiseForm(request.POST or None, initial=initial, editing=True)

    def perform(data):
        version = data.pop("version", None)
        services.promise_update(
            actor=request.user, promise=promise, values=data, expected_version=version
        )
        return f"已修改承诺：{promise.get_kind_display()}。"

    return run_dialog(
        request, form, template="outcomes/promise_form.html", perform=perform,
        done=go_to(_card(project)), conflict=ConflictError,
        context={"page_title": "修改履约承诺", "project": project, "promise": promise,
                 "signed": rules.signed_on(project)},
    )  # fmt: skip


def _result_context(project, result=None) -> dict:
    title = "修改效益数据" if result else "登记效益数据"
    return {"page_title": title, "project": project, "result": result}


@require_http_methods(["GET", "POST"])
@login_required
def result_new(request, code):
    project = project_get(user=request.user, code=code)
    if refused := _recorder(request, project):
        return refused
    form = ResultForm(
        request.POST or None,
        initial={"year": timezone.localdate().year - 1, "quarter": 0, "source": "enterprise"},
    )

    def perform(data):
        data.pop("version", None)
        row, changed = services.result_record(actor=request.user, project=project, values=data)
        return f"已登记{row.period_label}效益数据。" if changed else "数据与已登记的相同，未修改。"

    return run_dialog(
        request, form, template="outcomes/result_form.html", perform=perform,
        done=go_to(_card(project)), conflict=ConflictError,
        context=_result_context(project),
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@login_required
def result_edit(request, pk):
    result = get_object_or_404(rules.visible_results(request.user).select_related("project"), pk=pk)
    project = result.project
    if refused := _recorder(request, project):
        return refused
    initial = {
        "year": result.year,
        "quarter": result.quarter,
        "jobs": "" if result.jobs is None else result.jobs,
        "source": result.source,
        "note": result.note,
        "version": result.version,
    }
    for name in ("investment", "output", "tax"):
        value = getattr(result, name)
        initial[name] = "" if value is None else format(value.normalize(), "f")
    form = ResultForm(request.POST or None, initial=initial)

    def perform(data):
        version = data.pop("version", None)
        data["year"], data["quarter"] = result.year, result.quarter  # the period stays
        row, changed = services.result_record(
            actor=request.user, project=project, values=data, expected_version=version
        )
        return f"已修改{row.period_label}效益数据。" if changed else "未作修改。"

    return run_dialog(
        request, form, template="outcomes/result_form.html", perform=perform,
        done=go_to(_card(project)), conflict=ConflictError,
        context=_result_context(project, result),
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@login_required
def results_import(request):
    user = request.user
    back = reverse("outcomes:figures")
    if user.role not in (user.Role.DISTRICT_OFFICE, user.Role.UNIT_STAFF) or not rules.reads(user):
        return deny(request, rules.NOT_A_RECORDER, back_url=back, back_label="返回履约与效益")
    form = ImportForm(request.POST or None, request.FILES or None)
    result, status = None, 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > MAX_UPLOAD:
                form.add_error("file", too_large(MAX_UPLOAD, upload.size))
            else:
                dry_run = form.cleaned_data["dry_run"]
                result = import_results(data=upload.read(), actor=user, dry_run=dry_run)
                if not dry_run and result.ok:
                    audit_write(
                        request=request, event=Event.IMPORT, object_type="效益数据",
                        detail=result.summary(),
                        after={"created": result.created, "changed": result.changed},
                    )  # fmt: skip
                status = 200 if result.ok else 422
    context = {
        "form": form,
        "result": result,
        "columns": "、".join(COLUMNS.values()),
        "back": back,
        "page_title": "导入效益数据",
    }
    return render(request, "outcomes/import.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def check_run(request):
    """The office runs the check of its district as of a date now (the daily command runs
    it for today); the same check, idempotent."""
    user = request.user
    back = reverse("outcomes:promises")
    if not user.district_id or not rules.is_office(user, user.district_id):
        return deny(request, rules.NOT_THE_OFFICE, back_url=back, back_label="返回履约情况")
    form = CheckForm(request.POST or None, initial={"as_of": timezone.localdate()})

    def perform(data):
        counts = services.outcomes_check(as_of=data["as_of"], district=user.district, actor=user)
        return services.check_summary(*counts)

    return run_dialog(
        request, form, template="outcomes/check_form.html", perform=perform, done=go_to(back),
        context={"page_title": "履约核查"},
    )  # fmt: skip


@require_GET
@login_required
def promise_list(request):
    user = request.user
    if not rules.reads(user):
        return deny(request, rules.NO_FIGURES_FOR_ROLE)
    rows = rules.visible_promises(user).select_related("project", "project__unit", "problem")
    status = request.GET.get("status", "")
    if status in Promise.Status.values:
        rows = rows.filter(status=status)
    unit = request.GET.get("unit", "")
    if unit.isdigit():
        rows = rows.filter(project__unit_id=int(unit))
    page = Paginator(rows.order_by("status", "check_on", "id"), PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {
        "page": page,
        "statuses": Promise.Status.choices,
        "status": status,
        "unit": unit,
        "can_check": bool(user.district_id) and rules.is_office(user, user.district_id),
        "sources": Result.Source.choices,
        "page_title": "履约情况",
    }
    return render(request, "outcomes/promise_list.html", context)
