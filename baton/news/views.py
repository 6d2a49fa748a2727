"""读新闻 pages: read a text and see it marked up and reconciled; the review queue of
draft leads and the office's decisions on each."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from baton.accounts.areas import area_of, units_in
from baton.core.money import plain, yi_exact
from baton.core.views import add_errors, deny
from baton.leads.matching import library_project
from baton.leads.models import ACTIVE
from baton.leads.rules import visible_leads
from baton.leads.services import DuplicateLead
from baton.org.models import District
from baton.reports.selectors import Scope, user_covers

from . import rules, services
from .extract import extract
from .forms import AcceptForm, DiscardForm, DraftForm, MergeForm, ReadForm
from .markup import marked
from .models import Draft
from .reconcile import describe, reconcile
from .selectors import library_places
from .services import MAX_TEXT

PER_PAGE = 20
NO_NEWS_FOR_ROLE = "您的角色不使用读新闻。"
INCOMPLETE = "提交的内容不完整，请重新读取报道后再提交。"


def _reader(user) -> bool:
    return not getattr(user, "is_coordinating", False) and not area_of(user).is_empty


def _district(user) -> District | None:
    area = area_of(user)
    if area.district_id is None:
        return None
    return District.objects.filter(pk=area.district_id).select_related("city").first()


@require_http_methods(["GET", "POST"])
@login_required
def read(request):
    user = request.user
    if not _reader(user):
        return deny(request, NO_NEWS_FOR_ROLE)
    posted = request.method == "POST"
    form = ReadForm(request.POST if posted else None, request.FILES if posted else None)
    context = {"form": form, "page_title": "读新闻", "can_draft": rules.can_read(user)}
    if posted and form.is_valid():
        data = form.cleaned_data
        reading = extract(data["text"], places=library_places())
        district = _district(user)
        check = (
            reconcile(reading=reading, district=district, user=user)
            if district is not None and reading.groups and reading.as_of
            else None
        )
        context |= {
            "reading": reading,
            "marked": marked(reading),
            # One form for the list: the text once, a button per company (its name).
            "draft_form": DraftForm(
                initial={k: data.get(k) or "" for k in ("text", "title", "source_url")}
            ),
            "too_long": len(data["text"]) > MAX_TEXT,
            "max_text": MAX_TEXT,
            "district": district,
            "check": check,
            "narrowed": district is not None and not user_covers(user, Scope(district=district)),
            "group_rows": [
                (g, yi_exact(g.investment_wan) if g.investment_wan is not None else "")
                for g in reading.groups
            ],
            "check_rows": [(c, describe(c)) for c in check.checks] if check else [],
        }
    return render(request, "news/read.html", context, status=422 if form.errors else 200)


@require_POST
@login_required
def draft_new(request):
    user = request.user
    if not rules.can_read(user):
        return deny(request, rules.NOT_A_READER)
    form = DraftForm(request.POST)
    if not form.is_valid():
        return _refused(request, INCOMPLETE, status=400)
    try:
        draft = services.draft_create(actor=user, **form.cleaned_data)
    except ValidationError as exc:
        return _refused(request, "；".join(exc.messages), status=422)
    messages.success(request, f"已将「{draft.name}」提交到新闻线索待审队列。")
    return redirect("news:draft", pk=draft.pk)


def _refused(request, message: str, *, status: int):
    """The reading page again, with why the company was not put in the queue."""
    context = {
        "form": ReadForm(initial={"text": request.POST.get("text", "")}),
        "page_title": "读新闻",
        "can_draft": rules.can_read(request.user),
        "refusal": message,
    }
    return render(request, "news/read.html", context, status=status)


@require_GET
@login_required
def draft_list(request):
    user = request.user
    if not _reader(user):
        return deny(request, NO_NEWS_FOR_ROLE)
    status = request.GET.get("status", Draft.Status.PENDING)
    rows = rules.visible_drafts(user).select_related("article", "company", "created_by")
    if status in Draft.Status.values:
        rows = rows.filter(status=status)
    page = Paginator(rows.order_by("-created_at", "-id"), PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {
        "page": page,
        "status": status,
        "statuses": [("all", "全部"), *Draft.Status.choices],
        "page_title": "新闻线索",
    }
    return render(request, "news/draft_list.html", context)


def _draft_of(user, pk) -> Draft:
    rows = rules.visible_drafts(user).select_related("article", "company", "lead", "created_by")
    return get_object_or_404(rows, pk=pk)


def _forms(user, draft: Draft, data=None, which: str = "") -> dict:
    units = (
        units_in(area_of(user)).promotion().filter(district_id=draft.district_id, is_active=True)
    )
    leads = (
        visible_leads(user)
        .filter(district_id=draft.district_id, status__in=ACTIVE)
        .select_related("company")
        .order_by("-reported_at")
    )
    amount = plain(draft.amount) if draft.amount is not None else ""
    initial = {"title": f"{draft.name}投资项目"[:200], "investment": amount}
    if draft.open_leads:
        leads = leads.order_by("-id")
    return {
        "accept": AcceptForm(data if which == "accept" else None, units=units, initial=initial),
        "merge": MergeForm(
            data if which == "merge" else None,
            leads=leads,
            initial={"lead": draft.open_leads[0] if draft.open_leads else None},
        ),
        "discard": DiscardForm(data if which == "discard" else None),
    }


def _detail(request, draft, forms, status=200):
    in_library = (
        library_project(draft.company, f"{draft.name}投资项目", draft.amount)
        if draft.company is not None and draft.is_pending
        else None
    )
    context = {
        "draft": draft,
        "in_library": in_library,
        "forms": forms,
        "can_decide": rules.can_decide(request.user, draft),
        "events": draft.events.select_related("actor"),
        "page_title": f"新闻线索：{draft.name}",
    }
    return render(request, "news/draft_detail.html", context, status=status)


@require_GET
@login_required
def draft_detail(request, pk):
    draft = _draft_of(request.user, pk)
    return _detail(request, draft, _forms(request.user, draft))


@require_POST
@login_required
def draft_decide(request, pk, action):
    user = request.user
    draft = _draft_of(user, pk)
    if not rules.can_decide(user, draft):
        message = (
            rules.NOT_THE_OFFICE
            if draft.is_pending
            else rules.DECIDED.format(status=draft.get_status_display())
        )
        return deny(request, message, back_url=draft_url(draft), back_label="返回新闻线索")
    forms = _forms(user, draft, request.POST, action)
    form = forms[action]
    if form.is_valid():
        try:
            done = _perform(action, draft, user, form.cleaned_data)
        except DuplicateLead as exc:
            form.add_error("confirmed", exc.messages)
        except (ValidationError, PermissionDenied) as exc:
            if isinstance(exc, PermissionDenied):
                return deny(request, str(exc), back_url=draft_url(draft))
            add_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("news:draft", pk=draft.pk)
    return _detail(request, draft, forms, status=422)


def _perform(action: str, draft: Draft, user, data: dict) -> str:
    if action == "accept":
        lead = services.draft_accept(draft=draft, actor=user, **data)
        return f"已转为投资信息 {lead.code}「{lead.title}」。"
    if action == "merge":
        services.draft_merge(draft=draft, actor=user, lead=data["lead"])
        return f"已并入投资信息 {data['lead'].code}，作为一条跟进记录。"
    services.draft_discard(draft=draft, actor=user, reason=data["reason"])
    return "已舍弃该新闻线索。"


def draft_url(draft: Draft) -> str:
    return reverse("news:draft", args=[draft.pk])
