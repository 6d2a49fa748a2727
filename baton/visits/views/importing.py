"""导入外出招商台账: upload the ledger; the result (or the rows' errors) on the same page."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from baton.audit.services import Event, audit_write
from baton.core.forms import too_large
from baton.core.views import deny

from .. import rules
from ..forms import ImportForm
from ..importing import import_trips

MAX_UPLOAD = 5 * 1024 * 1024


@require_http_methods(["GET", "POST"])
@login_required
def trip_import(request):
    user = request.user
    if not rules.can_register(user):
        return deny(
            request, rules.NOT_A_WRITER, back_url=reverse("visits:list"),
            back_label="返回外出招商",
        )  # fmt: skip
    form = ImportForm(request.POST or None, request.FILES or None)
    result, status = None, 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > MAX_UPLOAD:
                form.add_error("file", too_large(MAX_UPLOAD, upload.size))
            else:
                result = import_trips(
                    data=upload.read(), actor=user, dry_run=form.cleaned_data["dry_run"]
                )
                if not result.dry_run and result.ok:
                    audit_write(
                        request=request, event=Event.IMPORT, object_type="trips",
                        detail=result.summary(), after={"rows": result.created},
                    )  # fmt: skip
                status = 200 if result.ok else 422
    context = {"form": form, "result": result, "page_title": "导入外出招商台账"}
    return render(request, "visits/import.html", context, status=status)
