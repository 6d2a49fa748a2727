"""登记投资信息: a company of the library (searched in place) or a new one, then the lead."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from baton.companies import rules as company_rules
from baton.companies import services as companies
from baton.companies.models import Company
from baton.core.views import add_errors, deny, go_to

from .. import rules, services
from ..forms import (
    RegisterForm,
)
from ..models import Kind, Status
from .common import _posted, _units


def _search(user, q: str, district_id) -> list[Company]:
    if not q:
        return []
    rows = company_rules.visible_companies(user).filter(district_id=district_id)
    rows = rows.filter(Q(name__icontains=q) | Q(uscc__iexact=q) | Q(former_names__icontains=q))
    return list(rows.order_by("name")[:10])


def _picked(user, value, district_id) -> Company | None:
    value = str(value or "").strip()
    if not value.isdigit():
        return None
    rows = company_rules.visible_companies(user).filter(district_id=district_id)
    return rows.filter(pk=int(value)).first()


@require_GET
@login_required
def company_search(request):
    """The library's companies matching the register page's search box (htmx)."""
    user = request.user
    district = company_rules.writable_district(user)
    if not rules.can_register(user) or district is None:
        return deny(request, rules.NOT_A_WRITER, back_url=reverse("leads:list"))
    q = (request.GET.get("company_q") or "").strip()[:100]
    context = {
        "found": _search(user, q, district.pk),
        "q": q,
        "chosen": _picked(user, request.GET.get("company"), district.pk),
    }
    return render(request, "leads/_companies.html", context)


def _company_for(user, data, district, form, found) -> Company:
    """The company picked from the library, or the new one registered now."""
    if data.get("company"):
        company = (
            company_rules.visible_companies(user)
            .filter(pk=data["company"], district=district)
            .first()
        )
        if company is None:
            raise ValidationError({"company_q": ["所选企业不在本区客商库中，请重新选择。"]})
        return company
    values = {
        "name": data["new_name"],
        "uscc": data.get("new_uscc", ""),
        "industry_code": data.get("new_industry_code") or data.get("industry_code", ""),
        "contact_name": data.get("new_contact_name", ""),
        "contact_phone": data.get("new_contact_phone", ""),
    }
    try:
        return companies.company_create(
            actor=user, district=district, confirmed=data.get("company_confirmed"), **values
        )
    except companies.DuplicateName as exc:
        found["companies"] = exc.matches
        raise ValidationError({"new_name": exc.messages}) from None
    except companies.CodeTaken as exc:
        found["taken"] = exc
        raise ValidationError({"new_uscc": exc.messages}) from None


@require_http_methods(["GET", "POST"])
@login_required
def lead_new(request):
    user = request.user
    back = reverse("leads:list")
    if not rules.can_register(user):
        return deny(request, rules.NOT_A_WRITER, back_url=back, back_label="返回投资信息")
    district = company_rules.writable_district(user)
    if district is None:
        return deny(request, rules.NOT_A_WRITER, back_url=back, back_label="返回投资信息")
    office = user.role == user.Role.DISTRICT_OFFICE
    units = _units(user) if office else None
    initial = {"kind": Kind.NEW, "follower": user.display_name}
    if request.GET.get("company"):
        initial["company"] = request.GET["company"]
    form = RegisterForm(_posted(request), units=units, initial=initial)
    found: dict = {"companies": [], "taken": None, "duplicates": [], "library": ""}
    picked = form.data.get("company") if form.is_bound else initial.get("company")
    chosen = _picked(user, picked, district.pk)
    q = (form.data.get("company_q") or "").strip()[:100] if form.is_bound else ""
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    company = _company_for(user, data, district, form, found)
                    lead = services.lead_register(
                        actor=user,
                        company=company,
                        unit=data.get("unit"),
                        confirmed=data["confirmed"],
                        **form.values(),
                    )
            except services.DuplicateLead as exc:
                found["duplicates"] = exc.leads
                form.add_error(None, exc.messages)
            except ValidationError as exc:
                if not hasattr(exc, "error_dict"):
                    found["library"] = " ".join(exc.messages)
                add_errors(form, exc)
            else:
                if lead.status == Status.CONFLICT:
                    message = f"已登记 {lead.code}。该企业已有其他单位登记的投资信息（撞车），已提交区招商办裁决。"
                elif lead.is_reserve:
                    message = (
                        f"已登记 {lead.code}，作为储备信息（{lead.reserve_reason}），不计入统计。"
                    )
                else:
                    message = f"已登记 {lead.code}。"
                return go_to(reverse("leads:detail", args=[lead.code]))(request, message)
    context = {
        "form": form,
        "found": found,
        "chosen": chosen,
        "found_companies": _search(user, q, district.pk),
        "office": office,
        "unit_name": user.unit.name if user.unit_id else "",
        "page_title": "登记投资信息",
    }
    return render(request, "leads/form.html", context, status=status)


# --- a lead's page ----------------------------------------------------------------------
