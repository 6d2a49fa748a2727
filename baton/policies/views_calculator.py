"""政策测算：项目、投资信息或手填假设的可享受条款。

Three pages share one result: the what-if (手填假设: a place, a date and facts typed by
hand), a project's estimate and a lead's. A project or lead is found in the user's scope
exactly as its own page finds it (404 outside it). Estimates read published policies only
and write nothing; the business roles use them (the three administrators do not, 三员分立).
"""

import datetime as dt
from decimal import Decimal
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from baton.accounts.areas import area_of, districts_in
from baton.accounts.middleware import ADMINS_SEE_NO_BUSINESS_DATA
from baton.accounts.services import BUSINESS_ROLES
from baton.core.money import plain
from baton.core.views import deny
from baton.leads.rules import visible_leads
from baton.org import divisions
from baton.org.models import District
from baton.projects.selectors import project_get, project_list

from .calculator import (
    Estimate,
    estimate,
    estimate_facts,
    estimate_lead,
    lead_facts,
    project_facts,
    signed_on,
    what_if_facts,
)
from .evaluate import fmt
from .expr import FIELDS
from .forms_calculator import FACT_NAMES, GROUPS, NOT_FOUND, FactsForm, PickForm, WhatIfForm
from .models import Payable

#: The facts listed as the record's known data (the rest show in the form when given).
SHOWN = (
    "investment",
    "fixed_investment",
    "land_mu",
    "intensity_per_mu",
    "annual_output",
    "annual_tax",
    "industry_code",
    "industry",
    "project_type",
    "land_use",
    "tags",
    "investor_region",
    "stage",
    "signed_on",
    "registered_on",
    "land_supplied_on",
    "started_on",
    "in_production_on",
    "at_capacity_on",
)
RECENT = 8


def _refused(request):
    """The three administrators see no business data (三员分立)."""
    if request.user.role not in BUSINESS_ROLES:
        return deny(request, ADMINS_SEE_NO_BUSINESS_DATA)
    return None


def _home_place(user) -> str:
    """The user's district (a city's user: its first district)."""
    district = districts_in(area_of(user)).order_by("code").first()
    return district.code if district else ""


def place_name(code: str) -> str:
    district = District.objects.filter(code=code).first()
    if district:
        return district.name
    for prefix in (code, code[:4].ljust(6, "0"), code[:2].ljust(6, "0")):
        if prefix in divisions.by_code():
            return divisions.name_of(prefix) + ("" if prefix == code else "（下辖）")
    return "未知地区"


def _value(name: str, value) -> str:
    unit = FIELDS[name].unit
    return f"{fmt(value)} {unit}".rstrip() if isinstance(value, Decimal) else fmt(value)


def _known(facts: dict, given: dict) -> list[dict]:
    """The record's facts the rules read, with those typed on the page marked."""
    names = [n for n in SHOWN if facts.get(n) not in (None, [], "")]
    names += [n for n in FACT_NAMES if n in given and n not in names]
    return [
        {"label": FIELDS[n].label, "value": _value(n, facts[n]), "given": n in given} for n in names
    ]


def _share(share) -> str:
    return f"{fmt(Decimal(str(share)) * 100)}%"


def _item(item) -> dict:
    return {
        "clause": item.clause,
        "amount": fmt(item.amount),
        "formula": item.formula,
        "explanation": item.explanation,
        "steps": item.steps,
        "excluded": item.excluded,
        "payments": [
            {
                "milestone": Payable(p["milestone"]).label,
                "share": _share(p["share"]),
                "amount": fmt(p["amount"]),
            }
            for p in item.payments
        ],
    }


def _miss(miss) -> dict:
    return {
        "clause": miss.clause,
        "reason": miss.reason,
        "explanation": miss.explanation,
        "fields": [(n, FIELDS[n].label) for n in miss.fields if n in FACT_NAMES],
    }


def result_context(result: Estimate, place: str) -> dict:
    """The result as the partial shows it: the applying clauses grouped by policy."""
    policies: dict = {}
    for item in result.items:
        policy = item.clause.policy
        group = policies.setdefault(policy.pk, {"policy": policy, "items": [], "total": 0})
        group["items"].append(_item(item))
        group["total"] += item.amount
    for group in policies.values():
        group["total"] = fmt(group["total"])
    return {
        "result": result,
        "place": place,
        "place_name": place_name(place),
        "groups": list(policies.values()),
        "excluded": [_item(i) for i in result.excluded],
        "near": [_miss(m) for m in result.near],
        "missing": [_miss(m) for m in result.missing],
        "total": fmt(result.total),
        "unmet": [_miss(m) for m in result.unmet],
        "library": reverse("policies:list"),
    }


def _open_groups(form, result: Estimate | None, *, first: bool) -> set[str]:
    """The form's groups shown open: those with a value typed, an error or a fact a clause
    lacks (and the first, on the what-if)."""
    wanted = {n for miss in (result.missing + result.near if result else []) for n in miss.fields}
    if form.is_bound:
        wanted |= {n for n in FACT_NAMES if form.data.get(n) or form.errors.get(n)}
    opened = {title for title, names in GROUPS if wanted & set(names)}
    return opened | {GROUPS[0][0]} if first else opened


def _page(request, template: str, form, result: Estimate | None, place: str, **context):
    opened = _open_groups(form, result, first=isinstance(form, WhatIfForm))
    context.update(form=form, open_groups=opened, page_title="政策测算")
    if result is not None:
        context.update(result_context(result, place))
    return render(request, template, context)


@require_GET
@login_required
def estimate_page(request):
    refused = _refused(request)
    if refused:
        return refused
    user, today = request.user, timezone.localdate()
    pick = PickForm(request.GET if "code" in request.GET else None)
    if pick.is_bound and pick.is_valid():
        found = _find(user, pick.cleaned_data["code"])
        if found:
            return redirect(found)
        pick.add_error("code", NOT_FOUND.format(code=pick.cleaned_data["code"][:32]))
    bound = request.GET if request.GET and not pick.is_bound else None
    form = WhatIfForm(bound, initial={"place": _home_place(user), "on": today})
    result, place = None, ""
    if form.is_bound and form.is_valid():
        place, on = form.cleaned_data["place"], form.day(today)
        result = estimate_facts(place=place, on=on, facts=what_if_facts(form.facts(), on=on))
    recent = project_list(user=user).order_by("-updated_at", "-id")[:RECENT]
    context = {
        "pick": pick,
        "recent": recent,
        "places": District.objects.order_by("code"),
    }
    return _page(request, "policies/calculator.html", form, result, place, **context)


def _find(user, code: str) -> str | None:
    """The calculator's address for the project or lead ``code`` in the user's scope."""
    try:
        project = project_get(user=user, code=code)
    except Http404:
        project = None
    if project:
        return reverse("policies:estimate_project", args=[project.code])
    if visible_leads(user).filter(code=code).exists():
        return reverse("policies:estimate_lead", args=[code])
    return None


@require_GET
@login_required
def estimate_project(request, code):
    refused = _refused(request)
    if refused:
        return refused
    project = project_get(user=request.user, code=code)
    default = signed_on(project) or timezone.localdate()
    form = FactsForm(request.GET or None, initial={"on": default})
    given = form.facts() if form.is_bound and form.is_valid() else {}
    result = None
    if not form.is_bound or form.is_valid():
        result = estimate(project=project, on=form.day(default), facts=given)
    why = "签约日期" if signed_on(project) else "今天（项目尚未签约）"
    facts = project_facts(project, on=default)
    context = _subject(project, "项目", facts, given, default, why, form.day(default))
    context["back"] = reverse("projects:detail", args=[project.code])
    return _page(
        request, "policies/calculator_subject.html", form, result, project.district.code, **context
    )


def _subject(
    subject, kind: str, facts: dict, given: dict, default: dt.date, why: str, on: dt.date
) -> dict:
    """What the page of a project or a lead shows besides the result: its known facts, the
    default date and why, and the what-if that starts from its facts."""
    values = {**facts, **given}
    query: dict = {"place": values["district"], "on": on.isoformat()}
    for name in FACT_NAMES:
        value = values.get(name)
        if name == "intensity_per_mu" or value in (None, "", []):
            continue
        query[name] = value if isinstance(value, list) else fmt_plain(value)
    return {
        "subject": subject,
        "kind": kind,
        "default_on": default,
        "default_why": why,
        "known": _known(values, given),
        "what_if": reverse("policies:estimate") + "?" + urlencode(query, doseq=True),
    }


def fmt_plain(value) -> str:
    """A fact as a form field takes it back: 120000, 2024-05-01, 外资."""
    if isinstance(value, Decimal):
        return plain(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


@require_GET
@login_required
def estimate_lead_page(request, code):
    refused = _refused(request)
    if refused:
        return refused
    leads = visible_leads(request.user).select_related("company", "district", "industry")
    lead = get_object_or_404(leads, code=code)
    today = timezone.localdate()
    form = FactsForm(request.GET or None, initial={"on": today})
    given = form.facts() if form.is_bound and form.is_valid() else {}
    result = None
    if not form.is_bound or form.is_valid():
        result = estimate_lead(lead=lead, on=form.day(today), facts=given)
    facts = lead_facts(lead, on=today)
    context = _subject(lead, "投资信息", facts, given, today, "今天", form.day(today))
    context["back"] = reverse("leads:detail", args=[lead.code])
    return _page(
        request, "policies/calculator_subject.html", form, result, lead.district.code, **context
    )


urlpatterns = [
    path("estimate/", estimate_page, name="estimate"),
    path("estimate/project/<str:code>/", estimate_project, name="estimate_project"),
    path("estimate/lead/<str:code>/", estimate_lead_page, name="estimate_lead"),
]
