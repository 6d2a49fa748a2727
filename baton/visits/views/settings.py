"""The district's rule for trip reports (规则设置): the days after return they are due."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from baton.core.messages import SAVED
from baton.core.views import add_errors, deny, go_to

from .. import rules, services
from ..forms import SettingsForm
from .common import posted


@require_http_methods(["GET", "POST"])
@login_required
def visit_settings(request):
    user = request.user
    back = reverse("visits:list")
    if not rules.can_configure(user):
        return deny(request, rules.NOT_THE_OFFICE, back_url=back, back_label="返回外出招商")
    current = services.settings_of(user.district)
    form = SettingsForm(posted(request), initial={"report_days": current.report_days})
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                changed = services.settings_update(
                    district=user.district, actor=user, **form.cleaned_data
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                return go_to(back)(request, SAVED if changed else services.NOTHING_CHANGED)
    context = {"form": form, "page_title": "外出招商规则设置"}
    return render(request, "visits/settings.html", context, status=status)
