"""``baton policy deliver``: the district's 免申即享 run and the instalments now due, the
same service and the same rule as the office's button on the list page."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import CommandError
from django.utils import timezone

from baton.accounts.models import User
from baton.core.dates import command_date
from baton.core.messages import DISTRICT_OR_USER
from baton.org.lookup import command_district

from . import delivery_rules as rules
from .services_payment import deliver, deliver_summary


def run_deliver(*, district: str | None, user: str | None, on: str | None) -> str:
    """Run it for ``district`` (the operator) or as ``user`` (the rule applies); return
    the summary, or stop with the refusal."""
    day = command_date(on) if on else timezone.localdate()
    actor = None
    if user:
        actor = User.objects.filter(username=user, is_active=True).first()
        if actor is None:
            raise CommandError(f"找不到用户或已停用：{user}", returncode=2)
        target = actor.district
        if district:
            target = command_district(district)
        if target is None:
            raise CommandError(rules.NOT_THE_OFFICE, returncode=1)
    elif district:
        target = command_district(district)
    else:
        raise CommandError(DISTRICT_OR_USER, returncode=2)
    try:
        opened, due = deliver(target, day, actor=actor)
    except PermissionDenied as exc:
        raise CommandError(str(exc), returncode=1) from None
    except ValidationError as exc:
        raise CommandError("；".join(exc.messages), returncode=1) from None
    return deliver_summary(len(opened), len(due))
