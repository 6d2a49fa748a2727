"""投资信息 pages: the list (filters, counts, pages), registering a lead (a company of the
library or a new one), a lead's page with its deadlines, 撞车, 研判 and timeline, the
actions on it as dialogs (``core.views.run_dialog``), and the district's rules."""

import datetime as dt
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import trigger_client_event

from baton.accounts.areas import Level, area_of, units_in
from baton.companies import rules as company_rules
from baton.companies import services as companies
from baton.companies.models import Company
from baton.core.dates import local_date
from baton.core.views import add_errors, deny, go_to, run_dialog
from baton.org.models import Unit
from baton.projects.models import Industry, Project

from . import configure, rules, services
from .deadlines import is_provisional, settings_of
from .due import next_due, overdue_q, owed
from .forms import (
    LEAD_FIELDS,
    ArbitrateForm,
    AssessForm,
    ConvertForm,
    EditForm,
    FilterForm,
    ReassignForm,
    RegisterForm,
    RespondForm,
    SettingsForm,
    TextForm,
)
from .models import ASSESSMENT_POINTS, Kind, Lead, LeadEvent, Source, Status
from .values import AMOUNTS, QUANTITIES

app_name = "leads"
PER_PAGE = 20
#: Empty rows offered under the district's thresholds and exclusions.
SPARE_ROWS = 2


def _posted(request):
    return request.POST if request.method == "POST" else None


def _units(user):
    """The units the user may filter by or pick: a unit's own, else its area's."""
    area = area_of(user)
    units = units_in(area).promotion().filter(is_active=True).order_by("district", "order", "id")
    if area.level is Level.UNIT:
        units = units.filter(pk=area.unit_id)
    return units


def _lead(user, code) -> Lead:
    leads = rules.visible_leads(user).select_related(
        "unit", "first_unit", "company", "district", "industry", "reported_by", "project"
    )
    return get_object_or_404(leads, code=code)


# --- the list ---------------------------------------------------------------------------


def _filtered(request, today):
    user = request.user
    form = FilterForm(request.GET or None, units=_units(user))
    leads = rules.visible_leads(user).select_related("unit", "first_unit", "company")
    base = leads
    if form.is_bound and not form.is_valid():
        return form, leads.none(), base
    data = form.cleaned_data if form.is_bound else {}
    q = (data.get("q") or "").strip()
    if q:
        leads = leads.filter(
            Q(title__icontains=q) | Q(company__name__icontains=q) | Q(code__iexact=q)
        )
    if data.get("status"):
        leads = leads.filter(status=data["status"])
    if data.get("source"):
        leads = leads.filter(source=data["source"])
    if data.get("unit"):
        unit = data["unit"]
        leads = leads.filter(Q(unit=unit) | Q(first_unit=unit))
    if data.get("counted") == "counted":
        leads = leads.filter(is_reserve=False)
    elif data.get("counted") == "reserve":
        leads = leads.filter(is_reserve=True)
    if data.get("overdue"):
        leads = leads.filter(overdue_q(today))
    sort = data.get("sort") or "-reported_at"
    return form, leads.order_by(sort, "-id"), base


@require_GET
@login_required
def lead_list(request):
    user = request.user
    if getattr(user, "is_coordinating", False) or area_of(user).is_empty:
        return deny(request, "您的角色不查看投资信息。")
    today = timezone.localdate()
    form, leads, base = _filtered(request, today)
    page = Paginator(leads, PER_PAGE).get_page(request.GET.get("page"))
    for lead in page:
        lead.due = next_due(lead, today)
    counts = dict(base.values_list("status").annotate(n=Count("id")).order_by())
    sort = (form.cleaned_data.get("sort") if form.is_bound and form.is_valid() else "") or ""
    sort = sort or "-reported_at"
    context = {
        "form": form,
        "page": page,
        "numbers": _numbers(page),
        "counts": [(value, label, counts.get(value, 0)) for value, label in Status.choices],
        "total": sum(counts.values()),
        "overdue_count": base.filter(overdue_q(today)).count(),
        "reserve_count": base.filter(is_reserve=True).count(),
        "filtered": any(v for k, v in request.GET.items() if k not in ("page", "sort")),
        "heads": {key: _head(sort, key, first) for key, first in SORTABLE.items()},
        "can_register": rules.can_register(user),
        "is_office": user.role == user.Role.DISTRICT_OFFICE,
        "page_title": "投资信息",
    }
    template = "leads/_results.html" if request.htmx else "leads/list.html"
    return render(request, template, context)


#: The list's sortable columns and the way a first click sorts them.
SORTABLE = {"code": "code", "reported_at": "-reported_at", "investment": "-investment"}


def _head(sort: str, key: str, first: str) -> dict:
    """A sortable column's header: the sort a click asks for, and how it sorts now."""
    if sort.lstrip("-") != key:
        return {"sort": first, "now": "none"}
    now = "descending" if sort.startswith("-") else "ascending"
    return {"sort": key if sort.startswith("-") else f"-{key}", "now": now}


def _numbers(page) -> list[int | None]:
    """The first, the last and two either side of this page; None for a gap."""
    last, number = page.paginator.num_pages, page.number
    shown = sorted({1, last, *range(number - 2, number + 3)})
    out: list[int | None] = []
    for n in (n for n in shown if 1 <= n <= last):
        if out and n - (out[-1] or 0) > 1:
            out.append(None)
        out.append(n)
    return out


# --- registering ------------------------------------------------------------------------


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


def _deadline_rows(lead: Lead, today: dt.date) -> list[dict]:
    pending = {due.kind: due for due in owed(lead, today)}
    rows = []
    for kind, label, due, done in (
        ("respond", "响应时限", lead.respond_due, lead.responded_at),
        ("assess", "研判时限", lead.assess_due, lead.assessed_at),
        ("feedback", "反馈时限", lead.feedback_due, lead.feedback_at),
    ):
        if done is not None:
            state = "done"
            late = local_date(done) > due
            note = f"已于 {local_date(done):%Y-%m-%d} 完成" + ("（逾期完成）" if late else "")
        elif kind in pending:
            late = pending[kind].overdue
            state = "overdue" if late else "open"
            days = (due - today).days
            note = (
                f"已逾期 {-days} 天" if late else ("今天到期" if days == 0 else f"还有 {days} 天")
            )
        elif lead.status == Status.CONFLICT:
            state, note = "none", "撞车待裁决，裁决后办理"
        else:
            state, note = "none", "无需办理"
        rows.append({"kind": kind, "label": label, "due": due, "state": state, "note": note})
    return rows


_FIELD_LABELS = {
    "unit": "跟进单位",
    "first_unit": "首报单位",
    "company": "投资方",
    "merged_from": "并入信息",
    "decision": "裁决结果",
}
_DECISIONS = {"merge": "合并至先报信息", "assign": "由本信息的单位首谈", "reject": "退回"}
_HIDDEN = {"assessment", "version", "reserve_reason"}


def _label(field: str) -> str:
    if field in _FIELD_LABELS:
        return _FIELD_LABELS[field]
    try:
        return str(Lead._meta.get_field(field).verbose_name)
    except FieldDoesNotExist:
        return field


def _names(events) -> dict:
    """The names behind the ids the events keep: units, leads, industries, projects."""
    ids: dict[str, set] = {"unit": set(), "lead": set(), "industry": set(), "project": set()}
    kinds = {
        "unit": "unit",
        "first_unit": "unit",
        "conflict_with": "lead",
        "merged_into": "lead",
        "merged_from": "lead",
        "industry": "industry",
        "project": "project",
    }
    for event in events:
        for values in (event.old or {}, event.new or {}):
            for key, value in values.items():
                if key in kinds and isinstance(value, int):
                    ids[kinds[key]].add(value)
    return {
        "unit": dict(Unit.objects.filter(pk__in=ids["unit"]).values_list("pk", "name")),
        "lead": dict(Lead.objects.filter(pk__in=ids["lead"]).values_list("pk", "code")),
        "industry": dict(Industry.objects.filter(pk__in=ids["industry"]).values_list("pk", "name")),
        "project": dict(Project.objects.filter(pk__in=ids["project"]).values_list("pk", "code")),
        "kinds": kinds,
    }


def _shown(field: str, value, names: dict) -> str:
    if value is None or value == "":
        return "—"
    kind = names["kinds"].get(field)
    if kind:
        return str(names[kind].get(value, value))
    if isinstance(value, bool):
        return "是" if value else "否"
    if field == "status":
        return str(Status(value).label) if value in Status.values else str(value)
    if field == "source":
        return str(Source(value).label) if value in Source.values else str(value)
    if field == "kind":
        return str(Kind(value).label) if value in Kind.values else str(value)
    if field == "decision":
        return _DECISIONS.get(value, str(value))
    if field in AMOUNTS or field in QUANTITIES:
        try:
            number = Decimal(str(value))
        except ArithmeticError:
            return str(value)
        return f"{number:,.4f}".rstrip("0").rstrip(".")  # the label names the unit
    if field.endswith("_at") and isinstance(value, str):
        try:
            return f"{timezone.localtime(dt.datetime.fromisoformat(value)):%Y-%m-%d %H:%M}"
        except ValueError:
            return value
    text = str(value)
    return text if len(text) <= 80 else text[:80] + "…"


def _timeline(lead: Lead) -> list[dict]:
    events = list(
        LeadEvent.objects.filter(lead=lead).select_related("actor").order_by("-at", "-id")
    )
    names = _names(events)
    out = []
    for event in events:
        old, new = event.old or {}, event.new or {}
        lines = []
        if event.kind != LeadEvent.Kind.REGISTERED:
            for key, value in new.items():
                if key in _HIDDEN:
                    continue
                if key in old:
                    before = _shown(key, old[key], names)
                    lines.append(f"{_label(key)}：{before} → {_shown(key, value, names)}")
                else:
                    lines.append(f"{_label(key)}：{_shown(key, value, names)}")
        else:
            unit = names["unit"].get(new.get("unit"), "")
            lines.append(f"首报单位：{unit}" if unit else "")
            if new.get("is_reserve"):
                lines.append(f"储备信息：{lead.reserve_reason or '低于入库门槛'}")
        if event.kind == LeadEvent.Kind.ASSESSED:
            conclusion = (new.get("assessment") or {}).get("conclusion")
            lines.append("研判结论：" + ("继续跟进" if conclusion == "follow" else "不予跟进"))
        who = event.actor.display_name if event.actor_id else "系统"
        out.append(
            {
                "kind": event.kind,
                "title": event.get_kind_display(),
                "lines": [line for line in lines if line],
                "text": event.reason,
                "who": who,
                "at": event.at,
            }
        )
    return out


def _abilities(user, lead: Lead) -> dict:
    work = rules.can_work(user, lead)
    office = rules.is_office(user, lead)
    reassign_now = services.can_reassign_now(lead)
    return {
        "work": work,
        "respond": work and lead.responded_at is None,
        "assess": work,
        "reject": work,
        "note": work,
        "edit": work,
        "convert": work and lead.status == Status.ASSESSED,
        "feedback": rules.can_feedback(user, lead),
        "office": office,
        "arbitrate": office and lead.status == Status.CONFLICT,
        "reassign": office and reassign_now,
        "reassign_later": office
        and lead.is_active
        and lead.status != Status.CONFLICT
        and not reassign_now,
    }


def _parts(request, lead: Lead) -> dict:
    user = request.user
    today = timezone.localdate()
    rules_ = settings_of(lead.district)
    earlier = None
    if lead.conflict_with_id:
        earlier = Lead.objects.select_related("unit", "company").get(pk=lead.conflict_with_id)
        earlier.visible = rules.visible_leads(user).filter(pk=earlier.pk).exists()
    merged_into = None
    if lead.merged_into_id:
        merged_into = Lead.objects.get(pk=lead.merged_into_id)
        merged_into.visible = rules.visible_leads(user).filter(pk=merged_into.pk).exists()
    assessment = lead.assessment or {}
    project = lead.project
    return {
        "lead": lead,
        "page_title": lead.title,
        "deadlines": _deadline_rows(lead, today),
        "provisional": is_provisional(lead),
        "earlier": earlier,
        "merged_into": merged_into,
        "points": [(label, assessment.get(key, "")) for key, label in ASSESSMENT_POINTS],
        "conclusion": assessment.get("conclusion", ""),
        "assessment_note": assessment.get("note", ""),
        "timeline": _timeline(lead),
        "can": _abilities(user, lead),
        "idle": services.idle_days(lead, today),
        "idle_limit": rules_.idle_days,
        "company_visible": company_rules.visible_companies(user)
        .filter(pk=lead.company_id)
        .exists(),
        "project_visible": project is not None and Project.objects.filter(pk=project.pk).exists(),
    }


@require_GET
@login_required
def lead_detail(request, code):
    lead = _lead(request.user, code)
    return render(request, "leads/detail.html", _parts(request, lead))


def _in_place(lead: Lead):
    """Success of an action: through htmx, the dialog closes and the page's parts are
    swapped in place; without JavaScript, back to the lead's page."""

    def done(request, message: str) -> HttpResponse:
        url = reverse("leads:detail", args=[lead.code])
        if not request.htmx:
            return go_to(url)(request, message)
        try:
            fresh = _lead(request.user, lead.code)
        except Http404:
            return go_to(reverse("leads:list"))(request, message)
        response = render(request, "leads/_parts.html", {**_parts(request, fresh), "oob": True})
        trigger_client_event(response, "showMessage", {"text": message})
        return trigger_client_event(response, "closeDialog")

    return done


def _action(request, lead, form, *, template, title, perform, **extra):
    back = reverse("leads:detail", args=[lead.code])
    return run_dialog(
        request,
        form,
        template=template,
        perform=perform,
        done=extra.pop("done", None) or _in_place(lead),
        context={
            "page_title": title,
            "lead": lead,
            "subject": f"{lead.code} {lead.title}",
            "subject_url": back,
            "cancel_url": back,
            "crumbs": [("投资信息", reverse("leads:list")), (lead.code, back)],
            **extra,
        },
    )


def _refuse(request, lead, message):
    back = reverse("leads:detail", args=[lead.code])
    return deny(request, message, back_url=back, back_label="返回投资信息")


def _why_not(lead: Lead) -> str:
    if lead.status == Status.CONFLICT:
        return "该信息撞车，待区招商办裁决后才能办理。"
    if not lead.is_active:
        return rules.CLOSED_LEAD.format(status=lead.get_status_display())
    return rules.NOT_THE_HOLDER


@require_http_methods(["GET", "POST"])
@login_required
def lead_respond(request, code):
    user = request.user
    lead = _lead(user, code)
    if not _abilities(user, lead)["respond"]:
        return _refuse(request, lead, "该信息已响应。" if lead.responded_at else _why_not(lead))
    form = RespondForm(_posted(request), initial={"follower": lead.follower})

    def perform(data):
        services.lead_respond(lead=lead, actor=user, follower=data["follower"], note=data["note"])
        return "已响应，开始跟进。"

    return _action(
        request, lead, form, template="leads/action.html", title="响应", perform=perform,
        submit="确认响应",
    )  # fmt: skip


def _text_action(request, code, *, able, service, label, title, done_message, kw="text"):
    user = request.user
    lead = _lead(user, code)
    if not _abilities(user, lead)[able]:
        return _refuse(request, lead, _why_not(lead))
    form = TextForm(_posted(request), label=label)

    def perform(data):
        service(lead=lead, actor=user, **{kw: data["text"]})
        return done_message

    return _action(request, lead, form, template="leads/action.html", title=title, perform=perform)


@require_http_methods(["GET", "POST"])
@login_required
def lead_note(request, code):
    return _text_action(
        request, code, able="note", service=services.lead_note, label="跟进情况",
        title="跟进记录", done_message="已添加跟进记录。",
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@login_required
def lead_feedback(request, code):
    return _text_action(
        request, code, able="feedback", service=services.lead_feedback, label="反馈内容",
        title="反馈来源方", done_message="已记录向来源方的反馈。",
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@login_required
def lead_reject(request, code):
    return _text_action(
        request, code, able="reject", service=services.lead_reject, label="不予跟进的理由",
        title="不予跟进", done_message="已标记为不予跟进。", kw="reason",
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@login_required
def lead_assess(request, code):
    user = request.user
    lead = _lead(user, code)
    if not _abilities(user, lead)["assess"]:
        return _refuse(request, lead, _why_not(lead))
    initial = dict(lead.assessment or {})
    form = AssessForm(_posted(request), initial=initial)

    def perform(data):
        services.lead_assess(
            lead=lead,
            actor=user,
            points=form.points(),
            conclusion=data["conclusion"],
            note=data["note"],
        )
        return "已保存研判意见。" if data["conclusion"] == "follow" else "研判结论：不予跟进。"

    return _action(
        request, lead, form, template="leads/action.html", title="研判", perform=perform,
        submit="保存研判",
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@login_required
def lead_arbitrate(request, code):
    user = request.user
    lead = _lead(user, code)
    if not _abilities(user, lead)["arbitrate"]:
        message = (
            rules.NOT_THE_OFFICE if not rules.is_office(user, lead) else "该信息没有待裁决的撞车。"
        )
        return _refuse(request, lead, message)
    form = ArbitrateForm(_posted(request))
    earlier = Lead.objects.select_related("unit").get(pk=lead.conflict_with_id)

    def perform(data):
        services.lead_arbitrate(
            lead=lead, actor=user, decision=data["decision"], reason=data["reason"]
        )
        return {
            "merge": f"已裁决：本信息并入 {earlier.code}，由{earlier.unit.name}继续首谈。",
            "assign": f"已裁决：改由{lead.unit.name}首谈，{earlier.code} 并入本信息。",
            "reject": "已裁决：本信息退回，先报信息不变。",
        }[data["decision"]]

    return _action(
        request, lead, form, template="leads/action.html", title="撞车裁决", perform=perform,
        submit="确认裁决", earlier=earlier,
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@login_required
def lead_reassign(request, code):
    user = request.user
    lead = _lead(user, code)
    can = _abilities(user, lead)
    if not can["reassign"]:
        if not can["office"]:
            return _refuse(request, lead, rules.NOT_THE_OFFICE)
        limit = settings_of(lead.district).idle_days
        idle = services.idle_days(lead)
        if lead.is_active and lead.status != Status.CONFLICT:
            message = f"该信息 {idle} 天前还有进展；满 {limit} 天无进展方可改派。"
        else:
            message = f"该信息{lead.get_status_display()}，不能改派。"
        return _refuse(request, lead, message)
    units = Unit.objects.filter(district=lead.district, is_active=True).promotion()
    form = ReassignForm(_posted(request), units=units.exclude(pk=lead.unit_id))

    def perform(data):
        services.lead_reassign(lead=lead, actor=user, unit=data["unit"], reason=data["reason"])
        return f"已改派给{data['unit'].name}。"

    return _action(
        request, lead, form, template="leads/action.html", title="改派", perform=perform,
        submit="确认改派",
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@login_required
def lead_convert(request, code):
    user = request.user
    lead = _lead(user, code)
    if not _abilities(user, lead)["convert"]:
        message = _why_not(lead)
        if rules.can_work(user, lead):
            message = "研判结论为继续跟进的信息才能转化为项目。"
        return _refuse(request, lead, message)
    form = ConvertForm(_posted(request))
    made: list[Project] = []

    def perform(data):
        project = services.lead_convert(lead=lead, actor=user, stage=data["stage"])
        made.append(project)
        return f"已转化为项目 {project.code}。"

    def done(request, message):
        url = reverse("projects:detail", kwargs={"code": made[0].code})
        return go_to(url)(request, message)

    return _action(
        request, lead, form, template="leads/action.html", title="转化为项目", perform=perform,
        submit="确认转化", done=done,
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@login_required
def lead_edit(request, code):
    user = request.user
    lead = _lead(user, code)
    if not _abilities(user, lead)["edit"]:
        return _refuse(request, lead, _why_not(lead))
    initial = {name: getattr(lead, name) for name in LEAD_FIELDS}
    initial["version"] = lead.version
    form = EditForm(_posted(request), initial=initial)

    def perform(data):
        changed = services.lead_update(
            lead=lead,
            actor=user,
            changes=form.values(),
            expected_version=data["version"],
            reason=data["reason"],
        )
        return "已保存修改。" if changed else "没有修改任何内容。"

    back = reverse("leads:detail", args=[lead.code])
    return run_dialog(
        request,
        form,
        template="leads/edit.html",
        perform=perform,
        done=go_to(back),
        context={"page_title": "修改投资信息", "lead": lead, "cancel_url": back},
    )


# --- the district's rules ---------------------------------------------------------------


def _rows(request, prefix, fields, stored, *, saved=False):
    """The editable rows of thresholds or exclusions: posted, or (``saved``, or not a POST)
    the stored ones plus spare ones; None for a posted form without its row count."""
    if saved or request.method != "POST":
        rows = [dict(entry) for entry in stored]
        rows += [{} for _ in range(SPARE_ROWS)]
        for row in rows:
            row["industry_text"] = "、".join(row.get("industry") or [])
        return rows
    text = request.POST.get(f"{prefix}-count", "")
    if not text.isdigit() or int(text) > 50:
        return None  # a hand-made form: refused, the rules kept as they are
    count = int(text)
    rows = []
    for i in range(count):
        row = {f: request.POST.get(f"{prefix}-{i}-{f}", "").strip() for f in fields}
        row["kinds"] = request.POST.getlist(f"{prefix}-{i}-kinds")
        row["industry_text"] = request.POST.get(f"{prefix}-{i}-industry", "")
        rows.append(row)
    return rows


def _entries(rows, fields) -> list[dict]:
    out = []
    for row in rows:
        if not any(row.get(f) for f in fields) and not row.get("kinds"):
            continue  # a spare row left empty
        entry = {f: row.get(f, "") for f in fields if f != "industry"}
        text = row.get("industry_text", "").replace("，", ",").replace("、", ",")
        entry["industry"] = [
            code.strip() for code in text.replace(" ", ",").split(",") if code.strip()
        ]
        if "kinds" in row and "investment_min" not in fields:
            entry["kinds"] = row["kinds"]
        out.append(entry)
    return out


@require_http_methods(["GET", "POST"])
@login_required
def lead_settings(request):
    user = request.user
    if not configure.can_configure(user):
        return deny(request, configure.NOT_THE_OFFICE, back_url=reverse("leads:list"))
    district = user.district
    current = settings_of(district)
    initial = {f: getattr(current, f) for f in configure.NUMBERS}
    initial["major_wan"] = f"{Decimal(current.major_wan).normalize():f}"
    form = SettingsForm(_posted(request), initial=initial)
    t_fields = ("label", "industry", "investment_min", "fixed_min")
    e_fields = ("label", "industry")
    thresholds = _rows(request, "th", t_fields, current.thresholds or [])
    exclusions = _rows(request, "ex", e_fields, current.exclusions or [])
    rule_errors: dict[str, list[str]] = {}
    if thresholds is None or exclusions is None:
        rule_errors["thresholds"] = ["表单不完整，请刷新页面后重新填写。"]
        thresholds = _rows(request, "th", t_fields, current.thresholds or [], saved=True)
        exclusions = _rows(request, "ex", e_fields, current.exclusions or [], saved=True)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid() and not rule_errors:
            values = {
                **form.cleaned_data,
                "thresholds": _entries(thresholds, t_fields),
                "exclusions": _entries(exclusions, e_fields),
            }
            try:
                configure.settings_update(actor=user, district=district, values=values)
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    if field in form.fields:
                        form.add_error(field, errors)
                    else:
                        rule_errors.setdefault(field, []).extend(errors)
            else:
                return go_to(reverse("leads:settings"))(request, "已保存本区投资信息规则。")
    context = {
        "form": form,
        "thresholds": thresholds,
        "exclusions": exclusions,
        "rule_errors": rule_errors,
        "kinds": Kind.choices,
        "district": district,
        "page_title": "投资信息规则",
    }
    return render(request, "leads/settings.html", context, status=status)


urlpatterns = [
    path("", lead_list, name="list"),
    path("new/", lead_new, name="new"),
    path("new/companies/", company_search, name="company_search"),
    path("settings/", lead_settings, name="settings"),
    path("<str:code>/", lead_detail, name="detail"),
    path("<str:code>/edit/", lead_edit, name="edit"),
    path("<str:code>/respond/", lead_respond, name="respond"),
    path("<str:code>/note/", lead_note, name="note"),
    path("<str:code>/assess/", lead_assess, name="assess"),
    path("<str:code>/feedback/", lead_feedback, name="feedback"),
    path("<str:code>/reject/", lead_reject, name="reject"),
    path("<str:code>/arbitrate/", lead_arbitrate, name="arbitrate"),
    path("<str:code>/reassign/", lead_reassign, name="reassign"),
    path("<str:code>/convert/", lead_convert, name="convert"),
]
