"""客商库 pages: the list (search, pages) and its Excel export, a company's card with its
timeline, and the register / edit / merge dialogs (the page kit: ``core.views.run_dialog``)."""

import tempfile
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from baton.audit.hooks import audit_export
from baton.core.forms import too_large
from baton.core.http import attachment
from baton.core.views import deny, go_to, run_dialog
from baton.org import divisions

from . import industry, rules, services
from .exporting import export_companies
from .forms import CompanyForm, ImportForm, MergeForm, SearchForm
from .importing import audit_import, import_companies
from .models import Company
from .search import matching
from .timeline import timeline

app_name = "companies"
PER_PAGE = 20
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: The largest list accepted from the page.
MAX_UPLOAD = 5 * 1024 * 1024


def _posted(request):
    return request.POST if request.method == "POST" else None


def _listed(request):
    """The search form and the companies it lists (the user's area, filtered)."""
    form = SearchForm(request.GET or None)
    rows = rules.visible_companies(request.user).select_related("district")
    if form.is_bound and form.is_valid():
        rows = matching(rows, form.cleaned_data["q"], industry=True)
        if form.cleaned_data["tag"]:
            # The JSON list as text: ``contains`` on a JSON field is not there on SQLite.
            rows = rows.filter(tags__icontains=f'"{form.cleaned_data["tag"]}"')
    return form, rows


def _search_query(form) -> str:
    """The list's filters as a query string (for the export link), without the page."""
    if not (form.is_bound and form.is_valid()):
        return ""
    return urlencode({k: v for k, v in form.cleaned_data.items() if v})


@require_GET
@login_required
def company_list(request):
    """The companies in the user's area, searched by name, former name, code or tag."""
    form, rows = _listed(request)
    template = "companies/_results.html" if request.htmx else "companies/list.html"
    return _render_list(request, template, form, rows)


def _render_list(request, template, form, rows, status=200):
    user = request.user
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    for company in page:
        company.shown_phone = rules.shown_phone(user, company)
    context = {
        "form": form,
        "page": page,
        "can_write": rules.can_write(user),
        "searched": bool(request.GET.get("q") or request.GET.get("tag")),
        "export_query": _search_query(form),
        "page_title": "客商库",
    }
    return render(request, template, context, status=status)


@require_GET
@login_required
def company_export(request):
    """导出 Excel: the list as filtered by the same query string, in the import's columns
    (phones as the list shows them); every export is audited."""
    user = request.user
    form, rows = _listed(request)
    if form.is_bound and not form.is_valid():  # the list again, with the filters' errors
        return _render_list(request, "companies/list.html", form, rows.none(), status=400)
    out = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
    count = export_companies(out=out, user=user, companies=rows.iterator(chunk_size=500))
    audit_export(request=request, what="companies", rows=count, query=request.GET.dict())
    out.seek(0)
    scope = user.unit.name if user.unit_id else (user.district or user.city or "")
    name = f"{scope}客商库-{timezone.localdate():%Y%m%d}.xlsx"
    return attachment(FileResponse(out, content_type=XLSX), name, fallback="companies.xlsx")


def _company(user, pk) -> Company:
    return get_object_or_404(rules.visible_companies(user).select_related("district"), pk=pk)


@require_GET
@login_required
def company_detail(request, pk):
    user = request.user
    company = _company(user, pk)
    context = {
        "company": company,
        "phone": rules.shown_phone(user, company),
        "region": divisions.name_of(company.region),
        "section": industry.section_of(company.industry_code),
        "entries": timeline(user, company),
        "can_write": rules.can_write(user, company),
        "can_merge": rules.can_merge(user, company),
        "page_title": company.name,
    }
    return render(request, "companies/detail.html", context)


def _form_dialog(request, form, *, perform, title, back, subject="", done=None):
    """Run the company form; a duplicate credit code links to the record kept, a name
    alike to another company's shows them and asks to confirm."""
    found: dict = {"matches": [], "taken": None}

    def attempt(data):
        try:
            return perform(data)
        except services.DuplicateName as exc:
            found["matches"][:] = exc.matches
            form.show_confirm()
            raise
        except services.CodeTaken as exc:
            found["taken"] = exc
            raise

    return run_dialog(
        request,
        form,
        template="companies/_form.html",
        perform=attempt,
        done=done or go_to(back),
        context={
            "page_title": title,
            "subject": subject,
            "found": found,
            "cancel_url": back,
            "crumbs": [("客商库", reverse("companies:list"))],
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def company_new(request):
    user = request.user
    district = rules.writable_district(user)
    if district is None:
        return deny(request, rules.NOT_A_WRITER, back_url=reverse("companies:list"))
    form = CompanyForm(_posted(request))
    created: list[Company] = []

    def perform(data):
        confirmed = data["confirmed"]
        company = services.company_create(
            actor=user, district=district, confirmed=confirmed, **form.values()
        )
        created.append(company)
        return f"已登记企业「{company.name}」。"

    def done(request, message):
        return go_to(reverse("companies:detail", args=[created[0].pk]))(request, message)

    return _form_dialog(
        request, form, perform=perform, title="登记企业", back=reverse("companies:list"), done=done
    )


@require_http_methods(["GET", "POST"])
@login_required
def company_edit(request, pk):
    user = request.user
    company = _company(user, pk)
    back = reverse("companies:detail", args=[company.pk])
    if not rules.can_write(user, company):
        return deny(request, rules.NOT_A_WRITER, back_url=back, back_label="返回企业")
    initial = {
        **{field: getattr(company, field) for field in services.FIELDS},
        "former_names": "\n".join(company.former_names),
    }
    form = CompanyForm(_posted(request), initial=initial)

    def perform(data):
        services.company_update(
            company=company, actor=user, confirmed=data["confirmed"], **form.values()
        )
        return "已保存企业信息。"

    return _form_dialog(
        request, form, perform=perform, title="修改企业信息", back=back, subject=company.name
    )


@require_http_methods(["GET", "POST"])
@login_required
def company_merge(request, pk):
    """The office merges a duplicate into this company; both timelines are kept."""
    user = request.user
    company = _company(user, pk)
    back = reverse("companies:detail", args=[company.pk])
    if not rules.can_merge(user, company):
        return deny(request, rules.NOT_THE_OFFICE, back_url=back, back_label="返回企业")
    others = rules.visible_companies(user).filter(district=company.district).exclude(pk=company.pk)
    form = MergeForm(_posted(request), companies=others)

    def perform(data):
        services.company_merge(keep=company, drop=data["drop"], actor=user)
        return f"已将「{data['drop'].name}」并入本企业。"

    return run_dialog(
        request,
        form,
        template="companies/_merge.html",
        perform=perform,
        done=go_to(back),
        context={"page_title": "合并重复企业", "subject": company.name, "cancel_url": back},
    )


@require_http_methods(["GET", "POST"])
@login_required
def company_import(request):
    """导入企业名单: upload a list; the result (or the rows' errors) on the same page."""
    user = request.user
    district = rules.writable_district(user)
    if district is None:
        return deny(request, rules.NOT_A_WRITER, back_url=reverse("companies:list"))
    form = ImportForm(request.POST or None, request.FILES or None)
    result, status = None, 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > MAX_UPLOAD:
                form.add_error("file", too_large(MAX_UPLOAD, upload.size))
            else:
                result = import_companies(
                    data=upload.read(),
                    actor=user,
                    district=district,
                    dry_run=form.cleaned_data["dry_run"],
                )
                if not result.dry_run:
                    audit_import(result, file_name=upload.name, district=district, request=request)
                status = 200 if result.ok else 422
    context = {"form": form, "result": result, "page_title": "导入企业名单"}
    return render(request, "companies/import.html", context, status=status)


urlpatterns = [
    path("", company_list, name="list"),
    path("new/", company_new, name="new"),
    path("import/", company_import, name="import"),
    path("export/", company_export, name="export"),
    path("<int:pk>/", company_detail, name="detail"),
    path("<int:pk>/edit/", company_edit, name="edit"),
    path("<int:pk>/merge/", company_merge, name="merge"),
]
