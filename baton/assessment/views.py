"""考核排名: schemes (draft → published, frozen), manual scores, rankings and their exports.

Every object is read through the scoped selectors (outside the user's scope: 404); only
the district office of the scheme's district changes anything (else 403); a change to a
published scheme or ranking is refused with the reason (409). Bad input re-renders the
form with Chinese messages (400) and changes nothing.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from baton.audit.hooks import audit_export
from baton.audit.services import Event, audit_write
from baton.core.http import attachment
from baton.core.views import add_errors
from baton.jobs.models import Job
from baton.jobs.selectors import job_for
from baton.jobs.views import progress_context
from baton.org.models import District, Unit

from . import services
from .describe import describe
from .drill import item_links
from .engine import num, pct
from .entered_import import ImportRefused, import_entered
from .exports import FORMATS, bounded_text, file_name, ranking_export, scheme_title
from .forms import ConfirmForm, IndicatorForm, SchemeForm, UnitsForm, rearranged
from .forms_figures import EnteredFactForm, EnteredUploadForm
from .forms_rankings import ManualScoreForm, PeriodForm, RankForm
from .forms_targets import TargetsForm
from .models import EnteredFact, Indicator, ManualScore, Ranking, Scheme
from .periods import period_label, period_parts
from .selectors import (
    honor_roll,
    indicator_get,
    manages,
    may_manage_any,
    ranking_get,
    ranking_lines,
    ranking_list,
    scheme_get,
    scheme_list,
)
from .tasks import start_ranking

ONLY_OFFICE = services.ONLY_OFFICE
NO_SUCH_RUN = "没有这次排名试算，或它不属于这个考核方案。"
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


# --- manual scores and rankings -----------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def scheme_scores(request, pk):
    """人工评分 for one period: the scores entered, and a form to enter one more."""
    scheme = _manageable(request, pk)
    period_form, period = _chosen_period(request, scheme)
    form = ManualScoreForm(_posted(request), scheme=scheme, initial=_score_initial(request, scheme))
    if request.method == "POST" and _score_saved(request, form, period):
        return redirect(f"{request.path}?{period_form.query()}")
    context = {
        "scheme": scheme,
        "page_title": "人工评分",
        "period_form": period_form,
        "period": period,
        "form": form,
        "query": period_form.query() if period else "",
        "tables": _score_tables(scheme, period) if period else [],
    }
    status = 400 if form.errors or (period_form.is_bound and period_form.errors) else 200
    return render(request, "assessment/scheme_scores.html", context, status=status)


def _chosen_period(request, scheme: Scheme):
    """Return the period picker and its period: the one asked (?year=…), else the last."""
    if "year" in request.GET:
        form = PeriodForm(request.GET, scheme=scheme)
        return form, form.period() if form.is_valid() else None
    form = PeriodForm(PeriodForm(scheme=scheme).initial, scheme=scheme)
    form.is_valid()
    return form, form.period()


def _score_saved(request, form: ManualScoreForm, period) -> bool:
    """Record the score (and its audit record); on a refusal, put the reason on the form."""
    if period is None:
        form.add_error(None, "请先选择考核期。")
        return False
    if not form.is_valid():
        return False
    values = form.values()
    before = _score_of(values, period)
    try:
        entry = services.manual_score_set(
            **values, period_start=period.start, period_end=period.end, actor=request.user
        )
    except ValidationError as exc:
        add_errors(form, exc)
        return False
    after = {"score": f"{entry.score:.2f}", "reason": entry.reason, "rater": entry.rater}
    audit_write(
        request=request,
        event=Event.CONFIG_CHANGED,
        obj=entry,
        detail=f"人工评分（{period.label}）",
        before=before,
        after=after,
    )
    messages.success(
        request, f"已记录{entry.party_name}“{entry.indicator.name}”得分 {entry.score}。"
    )
    return True


def _score_initial(request, scheme: Scheme) -> dict:
    """Prefill the form from a table cell's link (?indicator=&unit=&rater=)."""
    return {key: request.GET[key] for key in ("indicator", "unit", "rater") if key in request.GET}


def _score_of(values: dict, period) -> dict:
    entry = ManualScore.objects.filter(
        indicator=values["indicator"],
        **services.party_fields(values["unit"]),
        rater=values["rater"],
        period_start=period.start,
        period_end=period.end,
    ).first()
    return {"score": f"{entry.score:.2f}", "reason": entry.reason} if entry else {}


def _score_tables(scheme: Scheme, period) -> list[dict]:
    """Per manual indicator: its raters, and per unit the score and reason of each."""
    members = list(scheme.units.select_related("unit", "district"))
    tables = []
    for indicator in scheme.indicators.filter(kind=Indicator.Kind.MANUAL).order_by("order", "id"):
        entries = {
            (m.party_id, m.rater): m
            for m in ManualScore.objects.filter(
                indicator=indicator, period_start=period.start, period_end=period.end
            ).select_related("entered_by")
        }
        combine = indicator.config.get("combine", "single")
        if combine == "weighted":
            weights = indicator.config.get("weights", {}).items()
            raters = [k for k, v in sorted(weights, key=lambda kv: (-Decimal(kv[1]), kv[0]))]
        elif combine == "mean":
            raters = sorted({rater for _unit, rater in entries}) or []
        else:
            raters = [""]
        rows = [
            {
                "unit": m.party,
                "cells": [(rater, entries.get((m.party_id, rater))) for rater in raters],
            }
            for m in members
        ]
        tables.append({"indicator": indicator, "raters": raters, "rows": rows, "combine": combine})
    return tables


@require_POST
@login_required
def scheme_rank(request, pk):
    """试算: queue the run of the scheme over a period; its page shows the progress, then
    the draft ranking to look at."""
    scheme = _manageable(request, pk)
    form = RankForm(request.POST, scheme=scheme)
    if not form.is_valid():
        context = _scheme_context(request, scheme, rank_form=form)
        return render(request, "assessment/scheme_detail.html", context, status=400)
    job = start_ranking(user=request.user, scheme=scheme, period=form.period())
    return redirect("assessment:rank_job", scheme.pk, job.pk)


@require_GET
@login_required
def rank_job(request, pk, job_id):
    """A ranking run: its progress while the worker computes it, then its ranking (or why
    it was not computed)."""
    scheme = _manageable(request, pk)
    job = job_for(request.user, job_id, kind=Job.Kind.RANKING)
    if job.params.get("scheme") != scheme.pk:
        raise Http404(NO_SUCH_RUN)
    ranking = job.result.get("ranking") if job.status == Job.Status.DONE else None
    if ranking is not None and ranking_list(user=request.user).filter(pk=ranking).exists():
        messages.success(request, job.message)
        return redirect("assessment:ranking", ranking)
    context = {
        **progress_context(job, reload=True),
        "scheme": scheme,
        "page_title": job.title,
    }
    return render(request, "assessment/rank_job.html", context)


@require_GET
@login_required
def ranking_detail(request, pk):
    ranking = ranking_get(user=request.user, pk=pk)
    lines = ranking_lines(ranking=ranking)
    scheme = ranking.scheme
    indicators = {i.pk: i for i in scheme.indicators.all()}
    columns = [
        {
            "name": s["name"],
            "weight": getattr(indicators.get(s["indicator"]), "weight", None),
            "bonus": getattr(indicators.get(s["indicator"]), "is_bonus", False),
        }
        for s in (lines[0].scores if lines else [])
    ]
    for line in lines:  # each item score counted from projects opens the list behind it
        for score in line.scores:
            indicator = indicators.get(score.get("indicator"))
            score["links"] = item_links(ranking, indicator, line.party_id) if indicator else []
            score["bounded"] = bounded_text(score)
    roll = honor_roll(lines)
    managed = manages(request.user, scheme)
    published_twin = None
    if managed and ranking.status == Ranking.Status.DRAFT:
        published_twin = (
            ranking_list(user=request.user, scheme=scheme)
            .filter(
                period_start=ranking.period_start,
                period_end=ranking.period_end,
                status=Ranking.Status.PUBLISHED,
            )
            .first()
        )
    context = {
        "ranking": ranking,
        "scheme": scheme,
        "label": period_label(ranking.period_start, ranking.period_end),
        "title": f"{scheme_title(scheme)} · {period_label(ranking.period_start, ranking.period_end)}",
        "lines": lines,
        "columns": columns,
        "red": roll.red,
        "black": roll.black,
        "red_ids": {line.pk for line in roll.red},
        "black_ids": {line.pk for line in roll.black},
        "managed": managed,
        "published_twin": published_twin,
        "scores_query": _period_query(ranking),
        "page_title": f"考核排名 · {scheme.name}",
    }
    return render(request, "assessment/ranking_detail.html", context)


def _period_query(ranking: Ranking) -> str:
    parts = period_parts(ranking.period_start, ranking.period_end, ranking.scheme.period_kind)
    bits = [f"year={parts['year']}"] if parts else []
    if parts.get("part"):
        bits.append(f"part={parts['part']}")
    if parts.get("cumulative"):
        bits.append("cumulative=on")
    return "&".join(bits)


def _manageable_ranking(request, pk) -> Ranking:
    ranking = ranking_get(user=request.user, pk=pk)
    if not manages(request.user, ranking.scheme):
        raise PermissionDenied(ONLY_OFFICE)
    return ranking


@require_POST
@login_required
def ranking_publish(request, pk):
    ranking = _manageable_ranking(request, pk)
    back = reverse("assessment:ranking", args=[ranking.pk])
    if ranking.status == Ranking.Status.PUBLISHED:
        return _conflict(request, "该排名已发布，内容已冻结。", back)
    if _unconfirmed(request):
        return _conflict_form(request, "请勾选“我已核对排名结果”后再发布。", back)
    try:
        services.ranking_publish(ranking=ranking, actor=request.user)
    except ValidationError as exc:
        return _conflict(request, exc.messages[0], back)
    label = period_label(ranking.period_start, ranking.period_end)
    audit_write(
        request=request, event=Event.CONFIG_CHANGED, obj=ranking, detail=f"发布{label}考核排名"
    )
    messages.success(request, f"{label}考核排名已发布，结果已冻结。")
    return redirect(back)


def _conflict_form(request, message: str, back: str):
    context = {"message": message, "back": back, "page_title": "未能提交"}
    return render(request, "assessment/assessment_conflict.html", context, status=400)


@require_POST
@login_required
def ranking_discard(request, pk):
    ranking = _manageable_ranking(request, pk)
    back = reverse("assessment:ranking", args=[ranking.pk])
    if ranking.status == Ranking.Status.PUBLISHED:
        return _conflict(request, services.PUBLISHED_RANKING_KEPT, back)
    if _unconfirmed(request):
        return _conflict_form(request, "请通过“放弃本次试算”按钮提交。", back)
    scheme = ranking.scheme
    services.ranking_discard(ranking=ranking)
    messages.success(request, "已放弃本次试算。")
    return redirect("assessment:scheme", scheme.pk)


def _download(request, pk, fmt: str):
    ranking = ranking_get(user=request.user, pk=pk)
    data = ranking_export(ranking, fmt)
    audit_export(
        request=request,
        what="ranking",
        rows=ranking.lines.count(),
        ranking=ranking.pk,
        format=fmt,
        status=ranking.status,
    )
    response = HttpResponse(data, content_type=FORMATS[fmt])
    return attachment(response, file_name(ranking, fmt), fallback=f"ranking.{fmt}")


@require_GET
@login_required
def ranking_xlsx(request, pk):
    return _download(request, pk, "xlsx")


@require_GET
@login_required
def ranking_docx(request, pk):
    return _download(request, pk, "docx")


# --- entered figures ---------------------------------------------------------------------

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
