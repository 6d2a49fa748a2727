"""导入线索台账: the district office uploads its lead ledger; the result on the same page."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from baton.accounts.models import User
from baton.core.forms import too_large
from baton.core.views import deny

from .forms import LeadLedgerForm
from .lead_import import import_leads

MAX_UPLOAD = 5 * 1024 * 1024
NOT_THE_OFFICE = "只有区招商办可以导入投资信息台账。"


@require_http_methods(["GET", "POST"])
@login_required
def lead_ledger_import(request):
    user = request.user
    if user.role != User.Role.DISTRICT_OFFICE or not user.district_id:
        return deny(request, NOT_THE_OFFICE)
    form = LeadLedgerForm(request.POST or None, request.FILES or None)
    result, status = None, 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > MAX_UPLOAD:
                form.add_error("file", too_large(MAX_UPLOAD, upload.size))
            else:
                result = import_leads(
                    data=upload.read(),
                    actor=user,
                    district=user.district,
                    dry_run=form.cleaned_data["dry_run"],
                )
                status = 200 if result.ok else 422
    context = {"form": form, "result": result, "page_title": "导入线索台账"}
    return render(request, "ledger/lead_import.html", context, status=status)
