"""考核排名: the index and the schemes (draft → published, frozen) with their units,
targets and indicators. Manual scores and rankings are in ``views_rankings``, entered
figures in ``views_figures``, an item score's records in ``views_records``; they share
the helpers here.

Every object is read through the scoped selectors (outside the user's scope: 404); only
the district office of the scheme's district changes anything (else 403); a change to a
published scheme or ranking is refused with the reason (409). Bad input re-renders the
form with Chinese messages (400) and changes nothing.
"""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from baton.audit.services import Event, audit_write
from baton.core.views import add_errors
from baton.org.models import District

from . import services
from .describe import describe
from .engine import num, pct
from .forms import ConfirmForm, IndicatorForm, SchemeForm, UnitsForm, rearranged
from .forms_rankings import PeriodForm
from .forms_targets import TargetsForm
from .models import Indicator, Scheme
from .periods import period_label
from .selectors import indicator_get, manages, may_manage_any, ranking_list, scheme_get, scheme_list

ONLY_OFFICE = services.ONLY_OFFICE
PUBLISH_CONFIRM = "我已核对指标、目标任务和分成，发布后不能再修改"


def _manageable(request, pk) -> Scheme:
    scheme = scheme_get(user=request.user, pk=pk)
    if not manages(request.user, scheme):
        raise PermissionDenied(ONLY_OFFICE)
    return scheme


def _owner(user) -> dict:
    """The owner of a scheme the user creates: a city office's city (a city scheme
    ranking its districts), else the district office's district."""
    if user.role == user.Role.CITY_REVIEWER:
        return {"city": user.city}
    return {"district": user.district}


def _conflict(request, message: str, back: str):
    context = {"message": message, "back": back, "page_title": "不能修改"}
    return render(request, "assessment/assessment_conflict.html", context, status=409)


def _conflict_form(request, message: str, back: str):
    context = {"message": message, "back": back, "page_title": "未能提交"}
    return render(request, "assessment/assessment_conflict.html", context, status=400)


def _frozen(request, scheme: Scheme):
    message = services.FROZEN.format(name=scheme.name, version=scheme.version)
    return _conflict(request, message, reverse("assessment:scheme", args=[scheme.pk]))


def _posted(request):
    """The form data of a POST (even an empty one, which must fail validation), else None."""
    return request.POST if request.method == "POST" else None


# --- the list ---------------------------------------------------------------------------


@require_GET
@login_required
def index(request):
    """考核排名: rankings by period and the schemes behind them (not for the administrators:
    ``BusinessDataMiddleware``)."""
    user = request.user
    kind = request.GET.get("period_kind", "")
    kind = kind if kind in Scheme.PeriodKind.values else ""
    rankings = list(ranking_list(user=user, period_kind=kind or None)[:100])
    schemes = list(scheme_list(user=user, period_kind=kind or None))
    for ranking in rankings:
        ranking.label = period_label(ranking.period_start, ranking.period_end)
    context = {
        "page_title": "考核排名",
        "schemes": schemes,
        "rankings": rankings,
        "kinds": Scheme.PeriodKind.choices,
        "kind": kind,
        "may_create": may_manage_any(user),
        "many_districts": not user.district_id or any(s.is_city for s in schemes),
    }
    return render(request, "assessment/assessment_index.html", context)


# --- schemes ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def scheme_create(request):
    if not may_manage_any(request.user):
        raise PermissionDenied(
            "只有区招商办（本区方案）或市招商办（考核各区的市级方案）可以新建考核方案。"
        )
    form = SchemeForm(_posted(request), initial={"period_kind": "month"})
    if form.is_bound and form.is_valid():
        try:
            scheme = services.scheme_create(**_owner(request.user), **form.values())
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"已新建考核方案“{scheme}”，请设置被考核单位和指标。")
            return redirect("assessment:scheme", scheme.pk)
    context = {"form": form, "page_title": "新建考核方案"}
    return render(
        request, "assessment/scheme_form.html", context, status=400 if form.errors else 200
    )


@require_GET
@login_required
def scheme_detail(request, pk):
    scheme = scheme_get(user=request.user, pk=pk)
    return render(request, "assessment/scheme_detail.html", _scheme_context(request, scheme))


def _scheme_context(request, scheme: Scheme, **extra) -> dict:
    managed = manages(request.user, scheme)
    indicators = list(scheme.indicators.order_by("order", "id"))
    for indicator in indicators:
        indicator.rule = describe(indicator)
    members = list(scheme.units.select_related("unit", "district"))
    groups: dict[str, list] = {}
    for member in members:
        groups.setdefault(member.group or "未分组", []).append(member.party)
    rankings = list(ranking_list(user=request.user, scheme=scheme))
    for ranking in rankings:
        ranking.label = period_label(ranking.period_start, ranking.period_end)
    context = {
        "scheme": scheme,
        "page_title": str(scheme),
        "managed": managed,
        "editable": managed and not scheme.is_frozen,
        "indicators": indicators,
        "groups": groups,
        "members": members,
        "rankings": rankings,
        "shares": [
            ("信息提供单位", pct(scheme.share_info)),
            ("洽谈推进单位", pct(scheme.share_talks)),
            ("落地服务单位", pct(scheme.share_landing)),
        ],
        "total_weight": num(sum((i.weight for i in indicators if not i.is_bonus), Decimal(0))),
        "bonus_weight": num(sum((i.weight for i in indicators if i.is_bonus), Decimal(0))),
        "has_manual": any(i.kind == Indicator.Kind.MANUAL for i in indicators),
    }
    if managed:
        filled, slots = TargetsForm(scheme=scheme).counts()
        context.update(
            target_slots=slots,
            targets_filled=filled,
            problems=[] if scheme.is_frozen else services.scheme_problems(scheme),
            rank_form=extra.pop("rank_form", None) or PeriodForm(scheme=scheme),
            publish_form=extra.pop("publish_form", None) or ConfirmForm(label=PUBLISH_CONFIRM),
            next_year_name=services.next_year_name(scheme.name),
            other_districts=[]
            if scheme.is_city
            else list(
                District.objects.filter(city=scheme.city_id)
                .exclude(pk=scheme.district_id)
                .order_by("code")
            ),
        )
    context.update(extra)
    return context


@require_http_methods(["GET", "POST"])
@login_required
def scheme_edit(request, pk):
    scheme = _manageable(request, pk)
    if scheme.is_frozen:
        return _frozen(request, scheme)
    form = SchemeForm(_posted(request), initial=SchemeForm.initial_of(scheme))
    if form.is_bound and form.is_valid():
        try:
            services.scheme_update(scheme=scheme, changes=form.values())
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "已保存方案的基本信息。")
            return redirect("assessment:scheme", scheme.pk)
    context = {"form": form, "scheme": scheme, "page_title": "修改考核方案"}
    return render(
        request, "assessment/scheme_form.html", context, status=400 if form.errors else 200
    )


@require_http_methods(["GET", "POST"])
@login_required
def scheme_units(request, pk):
    scheme = _manageable(request, pk)
    if scheme.is_frozen:
        return _frozen(request, scheme)
    form = UnitsForm(_posted(request), scheme=scheme)
    if form.is_bound and form.is_valid():
        try:
            services.scheme_units_set(scheme=scheme, members=form.members())
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"已设置被考核单位 {len(form.members())} 个。")
            return redirect("assessment:scheme", scheme.pk)
    groups = sorted({g for g in scheme.units.values_list("group", flat=True) if g})
    context = {"form": form, "scheme": scheme, "groups": groups, "page_title": "被考核单位"}
    return render(
        request, "assessment/scheme_units.html", context, status=400 if form.errors else 200
    )


@require_http_methods(["GET", "POST"])
@login_required
def scheme_targets(request, pk):
    scheme = _manageable(request, pk)
    if scheme.is_frozen and request.method == "POST":
        return _frozen(request, scheme)
    form = TargetsForm(_posted(request), scheme=scheme)
    if form.is_bound and form.is_valid():
        try:
            count = services.targets_set(scheme=scheme, values=form.values())
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"已保存目标任务，共 {count} 项。")
            return redirect("assessment:scheme", scheme.pk)
    context = {"form": form, "scheme": scheme, "page_title": "目标任务"}
    return render(
        request, "assessment/scheme_targets.html", context, status=400 if form.errors else 200
    )


def _unconfirmed(request) -> bool:
    return not ConfirmForm(request.POST).is_valid()


def _scheme_refusal(request, scheme: Scheme, message: str):
    """The scheme page again, saying why a step was not taken (400)."""
    messages.error(request, message)
    context = _scheme_context(request, scheme)
    return render(request, "assessment/scheme_detail.html", context, status=400)


@require_POST
@login_required
def scheme_publish(request, pk):
    scheme = _manageable(request, pk)
    if scheme.is_frozen:
        return _frozen(request, scheme)
    form = ConfirmForm(request.POST, label=PUBLISH_CONFIRM)
    if form.is_valid():
        try:
            services.scheme_publish(scheme=scheme, actor=request.user)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            audit_write(
                request=request, event=Event.CONFIG_CHANGED, obj=scheme, detail="发布考核方案"
            )
            messages.success(request, f"考核方案“{scheme}”已发布，内容已冻结。")
            return redirect("assessment:scheme", scheme.pk)
    context = _scheme_context(request, scheme, publish_form=form)
    return render(request, "assessment/scheme_detail.html", context, status=400)


@require_POST
@login_required
def scheme_copy(request, pk):
    scheme = _manageable(request, pk)
    if _unconfirmed(request):
        return _scheme_refusal(request, scheme, "请通过“复制为新版本”按钮提交。")
    to = request.POST.get("to", "version")
    if to == "next_year":
        copy = services.scheme_copy(scheme=scheme, next_year=True)
    elif to.startswith("district:") and not scheme.is_city:
        district = (
            District.objects.filter(city=scheme.city, pk=to.partition(":")[2] or 0)
            .exclude(pk=scheme.district_id)
            .first()
            if to.partition(":")[2].isdigit()
            else None
        )
        if district is None:
            return _scheme_refusal(request, scheme, "请选择本市的另一个区。")
        copy = services.scheme_copy(scheme=scheme, district=district)
        messages.success(
            request,
            f"已复制到{district.name}：“{copy}”（草稿，含目标任务；按名称对应的单位 "
            f"{copy.units.count()} 个），由{district.name}招商办修改后发布。",
        )
        return redirect("assessment:index")
    elif to == "version" and scheme.is_frozen:
        copy = services.scheme_copy(scheme=scheme)
    else:
        return _scheme_refusal(request, scheme, "请选择复制为新版本、下一年度或本市的另一个区。")
    messages.success(
        request, f"已复制为“{copy.name}”（第 {copy.version} 版，草稿，含目标任务），可修改后发布。"
    )
    return redirect("assessment:scheme", copy.pk)


@require_POST
@login_required
def scheme_delete(request, pk):
    scheme = _manageable(request, pk)
    if scheme.is_frozen:
        return _frozen(request, scheme)
    if _unconfirmed(request):
        return _scheme_refusal(request, scheme, "请通过“删除草稿”按钮提交。")
    name = str(scheme)
    services.scheme_delete(scheme=scheme)
    messages.success(request, f"已删除草稿“{name}”。")
    return redirect("assessment:index")


# --- indicators ------------------------------------------------------------------------


def _indicator_page(request, scheme: Scheme, indicator: Indicator | None):
    """New and edit: the same form; ``_add``/``_remove``/``_refresh`` only re-render it."""
    initial = IndicatorForm.initial_of(indicator) if indicator else None
    data = request.POST if request.method == "POST" else None
    action = data and (data.get("_add") or data.get("_remove") or data.get("_refresh"))
    if action:
        # Re-render with what was typed, as initial values: no errors before saving.
        op = data.get("_add") or data.get("_remove") or ""
        typed = rearranged(data, op) if op else data
        form = IndicatorForm(initial=IndicatorForm.initial_from_data(typed))
    else:
        form = IndicatorForm(data, initial=initial)
    form.live(request.path)
    if form.is_bound and not action and form.is_valid():
        try:
            if indicator is None:
                indicator = services.indicator_add(scheme=scheme, **form.values())
                messages.success(request, f"已添加指标“{indicator.name}”。")
            else:
                services.indicator_update(indicator=indicator, changes=form.values())
                messages.success(request, f"已保存指标“{indicator.name}”。")
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            return redirect(f"{reverse('assessment:scheme', args=[scheme.pk])}#indicators")
    context = {
        "form": form,
        "scheme": scheme,
        "indicator": indicator,
        "page_title": "修改指标" if indicator else "添加指标",
        "action_url": request.path,
    }
    template = (
        "assessment/_indicator_form.html" if request.htmx else "assessment/indicator_form.html"
    )
    status = 400 if form.is_bound and not action and form.errors else 200
    return render(request, template, context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def indicator_new(request, pk):
    scheme = _manageable(request, pk)
    if scheme.is_frozen:
        return _frozen(request, scheme)
    return _indicator_page(request, scheme, None)


@require_http_methods(["GET", "POST"])
@login_required
def indicator_edit(request, pk):
    indicator = indicator_get(user=request.user, pk=pk)
    scheme = _manageable(request, indicator.scheme_id)
    if scheme.is_frozen:
        return _frozen(request, scheme)
    return _indicator_page(request, scheme, indicator)


@require_POST
@login_required
def indicator_delete(request, pk):
    indicator = indicator_get(user=request.user, pk=pk)
    scheme = _manageable(request, indicator.scheme_id)
    if scheme.is_frozen:
        return _frozen(request, scheme)
    if _unconfirmed(request):
        return _scheme_refusal(request, scheme, "请通过指标旁的“删除”按钮提交。")
    services.indicator_remove(indicator=indicator)
    messages.success(request, f"已删除指标“{indicator.name}”及其目标任务。")
    return redirect(f"{reverse('assessment:scheme', args=[scheme.pk])}#indicators")
