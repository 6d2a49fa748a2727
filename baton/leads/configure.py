"""The district office edits its district's rules for leads (``LeadSettings``).

Deadlines already counted are kept: the new rules apply to the leads registered after.
A refusal raises ``ValidationError`` by field and writes nothing.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from baton.accounts.models import User
from baton.core.money import to_wan
from baton.org.models import District

from .models import LeadSettings
from .thresholds import clean_rules

NOT_THE_OFFICE = "只有区招商办可以设置本区的投资信息规则。"
NUMBERS = (
    "hold_days",
    "respond_days",
    "assess_days",
    "major_assess_days",
    "feedback_days",
    "idle_days",
)


def can_configure(user: User, district: District | None = None) -> bool:
    return (
        user.role == User.Role.DISTRICT_OFFICE
        and user.district_id is not None
        and (district is None or district.pk == user.district_id)
    )


@transaction.atomic
def settings_update(*, actor: User, district: District, values: dict) -> LeadSettings:
    """Save ``values`` (the numbers, ``major_wan``, ``thresholds``, ``exclusions``)."""
    if not can_configure(actor, district):
        raise PermissionDenied(NOT_THE_OFFICE)
    errors: dict[str, list[str]] = {}
    try:
        major = to_wan(values.get("major_wan"))
    except ValidationError as exc:
        errors["major_wan"] = exc.messages
    try:
        thresholds, exclusions = clean_rules(values.get("thresholds"), values.get("exclusions"))
    except ValidationError as exc:
        errors.update(exc.message_dict)
    numbers = {}
    for field in NUMBERS:
        try:
            number = int(values.get(field))
        except (TypeError, ValueError):
            number = 0
        if number < 1:
            errors[field] = ["请填写不小于 1 的整数。"]
        numbers[field] = number
    if not errors and numbers["major_assess_days"] < numbers["assess_days"]:
        errors["major_assess_days"] = ["重大项目的研判时限不能短于一般项目。"]
    if errors:
        raise ValidationError(errors)
    row = LeadSettings.objects.select_for_update().filter(district=district).first()
    row = row or LeadSettings(district=district)
    for field, number in numbers.items():
        setattr(row, field, number)
    row.major_wan = major
    row.thresholds, row.exclusions = thresholds, exclusions
    row.save()
    return row
