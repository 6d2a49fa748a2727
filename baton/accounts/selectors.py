"""Reads for the system and security administrators' pages (三员分立).

Accounts, login lockouts, live sessions and API tokens: what the administrators manage.
No business data is read here.
"""

import datetime as dt

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db.models import Exists, F, Max, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from .models import ApiToken, LoginSession, User


def user_list(*, q: str = "", role: str = "", active: bool | None = None) -> QuerySet[User]:
    # Grouped as the organisation is: city, district, unit (accounts without one first).
    users = User.objects.select_related("city", "district", "unit").order_by(
        F("city__code").asc(nulls_first=True),
        F("district__code").asc(nulls_first=True),
        F("unit__order").asc(nulls_first=True),
        "role",
        "username",
    )
    q = (q or "").strip()
    if q:
        users = users.filter(
            Q(username__icontains=q) | Q(first_name__icontains=q) | Q(last_name__icontains=q)
        )
    if role:
        users = users.filter(role=role)
    if active is not None:
        users = users.filter(is_active=active)
    return users


def lockouts(now: dt.datetime | None = None) -> dict:
    """The accounts and source addresses locked now (as django-axes counts them)."""
    now = now or timezone.now()
    cool_off = settings.AXES_COOLOFF_TIME
    limit = settings.AXES_FAILURE_LIMIT
    recent = AccessAttempt.objects.filter(attempt_time__gte=now - cool_off)

    def locked(field: str, known: Q) -> list[dict]:
        rows = (
            recent.filter(known)
            .values(field)
            .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
            .filter(failures__gte=limit)
            .order_by("-last")
        )
        return [
            {"key": row[field], "failures": row["failures"], "until": row["last"] + cool_off}
            for row in rows
        ]

    # (An IP field prepares "" as NULL, so its blank test is IS NOT NULL alone.)
    return {
        "accounts": locked("username", Q(username__isnull=False) & ~Q(username="")),
        "addresses": locked("ip_address", Q(ip_address__isnull=False)),
    }


def live_sessions(now: dt.datetime | None = None) -> QuerySet[LoginSession]:
    """Login sessions whose session has not expired, newest first."""
    now = now or timezone.now()
    alive = Session.objects.filter(session_key=OuterRef("session_key"), expire_date__gt=now)
    return (
        LoginSession.objects.filter(Exists(alive))
        .select_related("user")
        .order_by("-created_at", "-id")
    )


def api_tokens() -> QuerySet[ApiToken]:
    """Tokens in use first (not revoked), newest first."""
    return ApiToken.objects.select_related("user").order_by("revoked_at", "-created_at", "-id")


def password_policy() -> list[tuple[str, str]]:
    """The password, lockout and session rules in force (set in the environment)."""
    min_length = 8
    for validator in settings.AUTH_PASSWORD_VALIDATORS:
        if not isinstance(validator, dict):
            continue
        if validator["NAME"].endswith("MinimumLengthValidator"):
            min_length = validator.get("OPTIONS", {}).get("min_length", min_length)
    days = settings.BATON_PASSWORD_MAX_AGE_DAYS
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    idle = settings.SESSION_COOKIE_AGE // 60
    return [
        ("密码长度", f"至少 {min_length} 位"),
        ("密码复杂度", "大写字母、小写字母、数字、符号中至少 3 类；不得是常见密码或与用户名相近"),
        (
            "密码有效期",
            f"{days} 天，到期须修改" if days else "不限（BATON_PASSWORD_MAX_AGE_DAYS=0）",
        ),
        (
            "登录失败锁定",
            f"连续失败 {settings.AXES_FAILURE_LIMIT} 次，账号和来源地址各锁定 {minutes} 分钟",
        ),
        ("会话空闲超时", f"{idle} 分钟无操作自动退出"),
        ("管理员双因素", "系统、安全、审计管理员登录须输入动态口令（TOTP）"),
        (
            "联系电话加密存储",
            "已启用（SM4-GCM）" if settings.BATON_FIELD_KEY else "未启用（明文存储，显示时脱敏）",
        ),
    ]
