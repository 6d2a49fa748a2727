"""人工评分 and 考核排名: the manual scores of a period, a ranking's run, its page, its
publication or discarding, and its exports."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
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

from . import services
from .drill import item_links
from .exports import FORMATS, bounded_text, file_name, ranking_export, scheme_title
from .forms_rankings import ManualScoreForm, PeriodForm, RankForm
from .models import Indicator, ManualScore, Ranking, Scheme
from .periods import period_label, period_parts
from .selectors import honor_roll, manages, ranking_get, ranking_lines, ranking_list
from .tasks import start_ranking
from .views import (
    ONLY_OFFICE,
    _conflict,
    _conflict_form,
    _manageable,
    _posted,
    _scheme_context,
    _unconfirmed,
)

NO_SUCH_RUN = "没有这次排名试算，或它不属于这个考核方案。"


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
