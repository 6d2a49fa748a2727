"""The district's rules for leads (规则设置): periods, deadlines, thresholds, exclusions."""

from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from baton.core.messages import INCOMPLETE_FORM
from baton.core.views import deny, go_to

from .. import configure
from ..deadlines import settings_of
from ..forms import (
    SettingsForm,
)
from ..models import Kind
from .common import _posted

#: Empty rows offered under the district's thresholds and exclusions.
SPARE_ROWS = 2


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
        rule_errors["thresholds"] = [INCOMPLETE_FORM]
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
