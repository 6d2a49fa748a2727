"""中介机构与引荐人 pages: the register (list, filters, pages, export and import), an
intermediary's page (its agreements with their progress, its claims, its history), the
office's forms (备案, 修改, 协议, 注销) and the district's rules."""

import tempfile

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from baton.accounts.privacy import mask_phone
from baton.audit.hooks import audit_export
from baton.core.forms import too_large
from baton.core.http import XLSX, attachment
from baton.core.views import deny, go_to, run_dialog
from baton.org.models import District
from baton.projects.services import ConflictError

from . import rules, services
from .exchange import export_register, import_register
from .forms import AgreementForm, FilterForm, ImportForm, IntermediaryForm, ReasonForm, SettingsForm
from .models import Intermediary
from .progress import progress
from .selectors import intermediary_get

PER_PAGE = 20
MAX_UPLOAD = 5 * 1024 * 1024


def _refuse_reader(request):
    if not rules.reads_register(request.user):
        return deny(request, rules.NO_REGISTER_FOR_ROLE)
    return None


def _office_district(request) -> District | None:
    user = request.user
    if rules.manages(user) and user.district_id:
        return District.objects.get(pk=user.district_id)
    return None


def _filtered(request):
    form = FilterForm(request.GET or None)
    rows = rules.visible_intermediaries(request.user).select_related("district")
    if form.is_bound and not form.is_valid():
        return form, rows.none()
    data = form.cleaned_data if form.is_bound else {}
    if q := (data.get("q") or "").strip():
        rows = rows.filter(Q(name__icontains=q) | Q(uscc__iexact=q) | Q(code__iexact=q))
    if data.get("kind"):
        rows = rows.filter(kind=data["kind"])
    if data.get("status"):
        rows = rows.filter(status=data["status"])
    return form, rows


@require_GET
@login_required
def intermediary_list(request):
    if refusal := _refuse_reader(request):
        return refusal
    form, rows = _filtered(request)
    rows = rows.annotate(
        open_claims=Count("claims", filter=Q(claims__status__in=services.OPEN_CLAIMS))
    )
    page = Paginator(rows.order_by("-filed_on", "-id"), PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "is_office": rules.manages(request.user),
        "files_claims": rules.files_claims(request.user),
        "filtered": any(v for k, v in request.GET.items() if k != "page"),
        "page_title": "中介机构与引荐人",
    }
    template = "intermediaries/_results.html" if request.htmx else "intermediaries/list.html"
    return render(request, template, context)


@require_GET
@login_required
def intermediary_export(request):
    """导出 Excel: the register in the user's scope (phones masked but for the office)."""
    if refusal := _refuse_reader(request):
        return refusal
    _form, rows = _filtered(request)
    out = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
    count = export_register(out=out, user=request.user, rows=rows.order_by("code"))
    audit_export(request=request, what="intermediaries", rows=count, query=request.GET.dict())
    out.seek(0)
    name = f"中介备案表-{timezone.localdate():%Y%m%d}.xlsx"
    return attachment(FileResponse(out, content_type=XLSX), name, fallback="intermediaries.xlsx")


@require_http_methods(["GET", "POST"])
@login_required
def intermediary_import(request):
    district = _office_district(request)
    if district is None:
        return deny(request, rules.NOT_THE_OFFICE, back_url=reverse("intermediaries:list"))
    form = ImportForm(request.POST or None, request.FILES or None)
    result, status = None, 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > MAX_UPLOAD:
                form.add_error("file", too_large(MAX_UPLOAD, upload.size))
            else:
                result = import_register(
                    data=upload.read(),
                    actor=request.user,
                    district=district,
                    dry_run=form.cleaned_data["dry_run"],
                )
                status = 200 if result.ok else 422
    context = {"form": form, "result": result, "page_title": "导入中介备案表"}
    return render(request, "intermediaries/import.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def intermediary_new(request):
    district = _office_district(request)
    if district is None:
        return deny(request, rules.NOT_THE_OFFICE, back_url=reverse("intermediaries:list"))
    form = IntermediaryForm(request.POST or None, initial={"filed_on": timezone.localdate()})

    def perform(data):
        row = services.intermediary_register(
            actor=request.user, district=district, values=form.values()
        )
        request.created = row
        return f"已备案：{row.name}（{row.code}）。"

    def done(req, message):
        return go_to(reverse("intermediaries:detail", args=[req.created.code]))(req, message)

    return run_dialog(
        request, form, template="intermediaries/form.html", perform=perform, done=done,
        context={"page_title": "中介备案登记"},
    )  # fmt: skip


@require_GET
@login_required
def intermediary_detail(request, code):
    if refusal := _refuse_reader(request):
        return refusal
    row = intermediary_get(user=request.user, code=code)
    office = rules.is_office(request.user, row.district_id)
    claims = rules.visible_claims(request.user).filter(intermediary=row).select_related("project")
    context = {
        "row": row,
        "phone": row.contact_phone if office else mask_phone(row.contact_phone),
        "is_office": office,
        "progress": [progress(a) for a in row.agreements.all()],
        "claims": claims.order_by("-filed_on", "-id")[:50],
        "events": row.events.select_related("actor", "claim").order_by("-at", "-id")[:50],
        "page_title": row.name,
    }
    return render(request, "intermediaries/detail.html", context)


def _office_row(request, code) -> Intermediary:
    row = intermediary_get(user=request.user, code=code)
    if not rules.is_office(request.user, row.district_id):
        raise PermissionDenied(rules.NOT_THE_OFFICE)
    return row


@require_http_methods(["GET", "POST"])
@login_required
def intermediary_edit(request, code):
    row = _office_row(request, code)
    initial = IntermediaryForm.initial_for(row)
    form = IntermediaryForm(request.POST or None, initial=initial)
    version = request.POST.get("version") or row.version

    def perform(data):
        try:
            expected = int(version)
        except (TypeError, ValueError):
            expected = -1
        services.intermediary_update(
            actor=request.user, intermediary=row, values=form.values(), expected_version=expected
        )
        return "已保存。"

    return run_dialog(
        request, form, template="intermediaries/form.html", perform=perform,
        done=go_to(reverse("intermediaries:detail", args=[row.code])),
        context={"page_title": f"修改：{row.name}", "row": row, "version": version,
                 },
        conflict=ConflictError,
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@login_required
def intermediary_agreement(request, code):
    row = _office_row(request, code)
    form = AgreementForm(request.POST or None)

    def perform(data):
        services.agreement_sign(actor=request.user, intermediary=row, **data)
        return "已登记定向招商协议。"

    return run_dialog(
        request, form, template="intermediaries/action.html", perform=perform,
        done=go_to(reverse("intermediaries:detail", args=[row.code])),
        context={"page_title": "签订定向招商协议", "subject": row.name},
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@login_required
def intermediary_revoke(request, code):
    row = _office_row(request, code)
    form = ReasonForm(request.POST or None)

    def perform(data):
        services.intermediary_revoke(actor=request.user, intermediary=row, reason=data["reason"])
        return f"已注销：{row.name}。"

    return run_dialog(
        request, form, template="intermediaries/action.html", perform=perform,
        done=go_to(reverse("intermediaries:detail", args=[row.code])),
        context={"page_title": "注销备案", "subject": row.name},
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@login_required
def intermediary_settings(request):
    district = _office_district(request)
    if district is None:
        return deny(request, rules.NOT_THE_OFFICE, back_url=reverse("intermediaries:list"))
    now = services.settings_for(district)
    initial = {"claim_rule": now.claim_rule, "publicity_days": now.publicity_days}
    form = SettingsForm(request.POST or None, initial=initial)

    def perform(data):
        services.settings_update(actor=request.user, district=district, **data)
        return "已保存本区的中介规则。"

    return run_dialog(
        request, form, template="intermediaries/action.html", perform=perform,
        done=go_to(reverse("intermediaries:list")),
        context={"page_title": "中介规则设置", "subject": district.name},
    )  # fmt: skip
