"""录入数据: the figures a district office (its units') or a city office (its districts')
enters or imports, which a scheme's indicator counts by name."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from baton.core.views import add_errors
from baton.org.models import District, Unit

from . import services
from .engine import num
from .entered_import import ImportRefused, import_entered
from .forms import ConfirmForm
from .forms_figures import EnteredFactForm, EnteredUploadForm
from .models import EnteredFact
from .periods import period_label
from .views import _conflict_form, _posted

ONLY_OFFICE_FIGURES = (
    "只有区招商办（本区单位的数据）或市招商办（各区整体的数据）可以录入和导入考核数据。"
)
FIGURES_PER_PAGE = 50


@dataclass
class FiguresOwner:
    """Whose figures a page shows: a district office's units', or a city office's
    districts' (each as a whole, for its city schemes)."""

    districts: list
    parties: list
    by_district: bool

    def rows(self):
        return EnteredFact.objects.filter(
            district__in=self.districts, unit__isnull=self.by_district
        )


def _figures_office(request) -> FiguresOwner:
    user = request.user
    if user.role == user.Role.CITY_REVIEWER and user.city_id:
        districts = list(District.objects.filter(city_id=user.city_id).order_by("code"))
        return FiguresOwner(districts, districts, True)
    if user.role != user.Role.DISTRICT_OFFICE or not user.district_id:
        raise PermissionDenied(ONLY_OFFICE_FIGURES)
    units = list(Unit.objects.filter(district_id=user.district_id).order_by("order", "pk"))
    return FiguresOwner([user.district], units, False)


@require_http_methods(["GET", "POST"])
@login_required
def figures(request):
    """录入数据: the entered figures (统计局、商务局、文件…) of the district's units — or, for
    the city office, of its districts as a whole — one entered here or a file imported; a
    scheme's indicator counts them by name."""
    owner = _figures_office(request)
    initial = {"source": EnteredFact.Source.STATS}
    form = EnteredFactForm(_posted(request), units=owner.parties, initial=initial)
    if form.is_bound and form.is_valid():
        values = form.values()
        party = values.pop("unit")
        try:
            entry = services.entered_fact_set(
                **services.party_fields(party), **values, actor=request.user
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"已录入{entry.party_name}“{entry.name}”{num(entry.value)}。")
            return redirect("assessment:figures")
    return _figures_page(request, owner, form, EnteredUploadForm())


def _figures_page(request, owner: FiguresOwner, form, upload, *, errors=(), status=None):
    rows = owner.rows().select_related("unit", "district", "entered_by")
    name = request.GET.get("name", "").strip()
    if name:
        rows = rows.filter(name=name)
    rows = rows.order_by("-period_end", "name", "district__code", "unit__order", "unit_id", "pk")
    page = Paginator(rows, FIGURES_PER_PAGE).get_page(request.GET.get("page"))
    for entry in page:
        entry.label = period_label(entry.period_start, entry.period_end)
    names = owner.rows().order_by("name").values_list("name", flat=True).distinct()
    context = {
        "page_title": "录入数据",
        "form": form,
        "upload": upload,
        "page": page,
        "names": list(names),
        "name": name,
        "import_errors": list(errors),
        "by_district": owner.by_district,
    }
    bad = form.errors or upload.errors or errors
    return render(
        request, "assessment/figures.html", context, status=status or (400 if bad else 200)
    )


@require_POST
@login_required
def figures_upload(request):
    """导入: the whole file or nothing; each error names its row and column."""
    owner = _figures_office(request)
    form = EnteredFactForm(initial={"source": EnteredFact.Source.STATS}, units=owner.parties)
    upload = EnteredUploadForm(request.POST, request.FILES)
    if not upload.is_valid():
        return _figures_page(request, owner, form, upload)
    file = upload.cleaned_data["file"]
    try:
        result = import_entered(
            data=file.read(),
            filename=file.name,
            districts=owner.districts,
            actor=request.user,
            by_district=owner.by_district,
        )
    except ImportRefused as exc:
        return _figures_page(request, owner, form, upload, errors=exc.messages)
    messages.success(request, result.summary)
    return redirect("assessment:figures")


@require_POST
@login_required
def figure_delete(request, pk):
    """Delete an entered figure (confirmed); the rankings published keep their record."""
    entry = _figures_office(request).rows().filter(pk=pk).first()
    if entry is None:
        raise Http404("录入数据不存在或您无权查看。")
    if not ConfirmForm(request.POST).is_valid():
        return _conflict_form(request, "请确认删除这条录入数据。", reverse("assessment:figures"))
    services.entered_fact_remove(entry=entry, actor=request.user)
    messages.success(request, f"已删除{entry.party_name}“{entry.name}”的录入数据。")
    return redirect("assessment:figures")
