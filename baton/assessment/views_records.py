"""计分记录: the records behind an item score counting the relay's everyday work."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .drill_work import RECORDS_PER_PAGE, record_rows, scored_records
from .exports import scheme_title
from .periods import period_label
from .selectors import ranking_get


@require_GET
@login_required
def ranking_records(request, pk):
    ranking = ranking_get(user=request.user, pk=pk)
    context = {
        "ranking": ranking,
        "scheme": ranking.scheme,
        "title": f"{scheme_title(ranking.scheme)} · "
        f"{period_label(ranking.period_start, ranking.period_end)}",
        "page_title": f"计分记录 · {ranking.scheme.name}",
    }
    try:
        scored = scored_records(ranking=ranking, query=request.GET)
    except ValidationError as exc:
        context["error"] = exc.messages[0]
        return render(request, "assessment/ranking_records.html", context, status=400)
    page = Paginator(scored.records, RECORDS_PER_PAGE).get_page(request.GET.get("page"))
    context |= {
        "scored": scored,
        "page": page,
        "rows": record_rows(user=request.user, records=list(page.object_list)),
    }
    return render(request, "assessment/ranking_records.html", context)
