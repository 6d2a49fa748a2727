"""Login lockout (django-axes): what a success clears, and what a lockout locked.

Failed logins count against the username typed and, separately, against the source
address (``AXES_LOCKOUT_PARAMETERS``); either reaching the limit locks for the cool-off.
Axes' own reset on success deletes the failures matching *every* lockout parameter of
the request, its address included: one login of an attacker's own account wiped the
failures counted against that address for other accounts, so guessing another's
password never locked. Here a success clears its own account's failures only.
"""

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone


class LockoutHandler(AxesDatabaseHandler):
    """Axes' database handler, but a successful login resets its own account only."""

    def reset_user_attempts(self, request, credentials=None) -> int:
        username = get_client_username(request, credentials)
        if not username:
            return 0
        # Its failures from every address: each counted against this account, which its
        # owner has just proved to hold; other accounts' failures stay on the address.
        count, _ = AccessAttempt.objects.filter(username=username).delete()
        return count


def _failures(**match) -> int:
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    recent = AccessAttempt.objects.filter(attempt_time__gte=since, **match)
    return recent.aggregate(n=Sum("failures_since_start"))["n"] or 0


def lockout_facts(*, username: str, ip: str) -> dict:
    """What a lockout locked, for its audit record: the account, the source address or
    both. A username merely typed from a locked address is not named as locked."""
    limit = settings.AXES_FAILURE_LIMIT
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    account = bool(username) and _failures(username=username) >= limit
    address = bool(ip) and _failures(ip_address=ip) >= limit
    if account and address:
        what = f"账号 {username} 和来源地址 {ip}"
    elif account:
        what = f"账号 {username}"
    else:
        what = f"来源地址 {ip or '未知'}"
    return {
        "username": username if account else "",
        "object_type": "lockout",
        "object_label": username if account else ip,
        "detail": f"连续登录失败，{what}被锁定 {minutes} 分钟",
    }
