"""导入外出招商台账 and 导入来访接待台账: upload a ledger; the result (or the rows' errors) on
the same page."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from baton.audit.services import Event, audit_write
from baton.core.forms import too_large
from baton.core.views import deny

from .. import rules
from ..forms import ImportForm
from ..importing import RECEPTION_COLUMNS, TRIP_COLUMNS, import_receptions, import_trips

MAX_UPLOAD = 5 * 1024 * 1024


def _import(request, *, run, what: str, columns: dict, back: str):
    user = request.user
    if not rules.can_register(user):
        return deny(request, rules.NOT_A_WRITER, back_url=back, back_label=f"返回{what}")
    form = ImportForm(request.POST or None, request.FILES or None)
    result, status = None, 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > MAX_UPLOAD:
                form.add_error("file", too_large(MAX_UPLOAD, upload.size))
            else:
                result = run(data=upload.read(), actor=user, dry_run=form.cleaned_data["dry_run"])
                if not result.dry_run and result.ok:
                    audit_write(
                        request=request, event=Event.IMPORT, object_type=what,
                        detail=result.summary(), after={"rows": result.created},
                    )  # fmt: skip
                status = 200 if result.ok else 422
    context = {
        "form": form,
        "result": result,
        "what": what,
        "columns": "、".join(columns.values()),
        "back": back,
        "page_title": f"导入{what}台账",
    }
    return render(request, "visits/import.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def trip_import(request):
    return _import(
        request, run=import_trips, what="外出招商", columns=TRIP_COLUMNS,
        back=reverse("visits:list"),
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@login_required
def reception_import(request):
    return _import(
        request, run=import_receptions, what="来访接待", columns=RECEPTION_COLUMNS,
        back=reverse("visits:receptions"),
    )  # fmt: skip
