"""Login lockout (django-axes): what a success clears, and what a lockout locked.

Failed logins count against the username typed and, separately, against the source
address (``AXES_LOCKOUT_PARAMETERS``); either reaching the limit locks for the cool-off.
Axes' own reset on success deletes the failures matching *every* lockout parameter of
the request, its address included: one login of an attacker's own account wiped the
failures counted against that address for other accounts, so guessing another's
password never locked. Here a success clears its own account's failures only.

The administrators' second factor (TOTP) has its own count, kept on the device, which a
correct password does not clear: after the limit of wrong codes in a row the device
refuses every code, the right one too, for the cool-off. Below the limit a wrong code
costs no waiting, so the current code is taken right after a mistyped one.
"""

import datetime as dt

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


#: Why the second factor refuses a code now; the time it opens again is filled in.
OTP_LOCKED = "动态口令连续输入错误 {limit} 次，已锁定至 {until:%H:%M}，请届时再试。"


def otp_locked_until(device, now: dt.datetime | None = None) -> dt.datetime | None:
    """When ``device`` takes codes again after the limit of wrong ones in a row, or None."""
    if device.throttling_failure_count < settings.AXES_FAILURE_LIMIT:
        return None
    until = device.throttling_failure_timestamp + settings.AXES_COOLOFF_TIME
    return until if until > (now or timezone.now()) else None


def otp_verify(device, token: str) -> tuple[bool, str | None]:
    """Check a TOTP code: (passed, why it is refused while locked).

    A wrong code adds one to the device's count of failures in a row and a right one
    clears it; a code already used, or the one before it, never passes again (the
    device keeps the last time step used). The window is one 30-second step either way,
    for a phone clock a little off. Once the cool-off after a lockout has passed the
    count starts again.
    """
    until = otp_locked_until(device)
    if until is not None:
        local = timezone.localtime(until)
        return False, OTP_LOCKED.format(limit=settings.AXES_FAILURE_LIMIT, until=local)
    if device.throttling_failure_count >= settings.AXES_FAILURE_LIMIT:
        device.throttle_reset()
    return device.verify_token(token), None
