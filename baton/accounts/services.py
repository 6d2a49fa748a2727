import datetime as dt
import secrets
from importlib import import_module

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from baton.audit.services import Event, audit_write
from baton.org.models import City, District, Unit

from .models import LoginSession, User

#: The roles the system administrator may give an account on the 用户管理 page; the three
#: administrators' accounts are made on the server (``baton create-user``).
BUSINESS_ROLES = (
    User.Role.UNIT_STAFF,
    User.Role.DISTRICT_OFFICE,
    User.Role.CITY_REVIEWER,
    User.Role.LEADER,
)


@transaction.atomic
def user_create(
    *,
    username: str,
    role: str,
    password: str,
    name: str = "",
    city: City | None = None,
    district: District | None = None,
    unit: Unit | None = None,
    actor: User | None = None,
    temporary: bool = False,
) -> User:
    """Create an account with one role and its area; the password must pass every rule.

    ``temporary``: a one-time password the user must change at the first login.
    ``actor`` is who creates it, for the audit log (None: an operator's command).
    """
    if role not in User.Role.values:
        raise ValidationError({"role": f"未知角色：{role}"})
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": f"用户名 {username} 已存在。"})
    user = User(
        username=username,
        role=role,
        first_name=name,
        city=city,
        district=district,
        unit=unit,
        # The system administrator configures the deployment in the admin site.
        is_staff=role == User.Role.SYS_ADMIN,
    )
    if unit and district and unit.district_id != district.pk:
        raise ValidationError({"unit": f"“{unit.name}”不属于{district.name}。"})
    if unit:
        user.district = unit.district
    if user.district:
        user.city = user.district.city
    _check_area(user)
    user.full_clean(exclude=["password"])
    validate_password(password, user)
    user.set_password(password)
    user.password_changed_at = None if temporary else timezone.now()
    user.save()
    audit_write(
        event=Event.USER_CREATED,
        user=actor,
        obj=user,
        after={"username": user.username, **_area_facts(user)},
    )
    return user


def _check_area(user: User) -> None:
    """The area fields must be the role's: a unit for its staff, a district for its
    office, a city for the reviewer, a district or a city for a leader; none for admins."""
    if user.role in User.ADMIN_ROLES:
        user.city = user.district = user.unit = None
    elif user.role == User.Role.UNIT_STAFF:
        if user.unit is None:
            raise ValidationError({"unit": "单位招商员必须指定所属单位。"})
        user.district, user.city = user.unit.district, user.unit.district.city
    elif user.role == User.Role.DISTRICT_OFFICE:
        if user.district is None:
            raise ValidationError({"district": "区招商办账号必须指定所属区。"})
        user.unit, user.city = None, user.district.city
    elif user.role == User.Role.CITY_REVIEWER:
        if user.city is None:
            raise ValidationError({"city": "市招商办账号必须指定所属市。"})
        user.unit = user.district = None
    elif user.role == User.Role.LEADER:
        user.unit = None
        if user.district is not None:
            user.city = user.district.city
        elif user.city is None:
            raise ValidationError({"district": "领导账号必须指定所属区或市。"})


def _area_facts(user: User) -> dict:
    return {
        "role": user.role,
        "city": user.city.name if user.city else None,
        "district": user.district.name if user.district else None,
        "unit": user.unit.name if user.unit else None,
    }


def one_time_password() -> str:
    """A random 14-character password with every character class (shown once)."""
    alphabet = {
        "upper": "ABCDEFGHJKLMNPQRSTUVWXYZ",
        "lower": "abcdefghijkmnpqrstuvwxyz",
        "digit": "23456789",
        "symbol": "@#%+=?!",
    }
    chars = [secrets.choice(group) for group in alphabet.values()]
    pool = "".join(alphabet.values())
    chars += [secrets.choice(pool) for _ in range(10)]
    secrets.SystemRandom().shuffle(chars)
    return "".join(chars)


@transaction.atomic
def user_password_reset(*, user: User, actor: User | None) -> str:
    """Give an account a one-time password (returned, never stored in clear) that must be
    changed at the next login; its live sessions end."""
    password = one_time_password()
    validate_password(password, user)
    user.set_password(password)
    user.password_changed_at = None  # the next login goes to 修改密码 first
    user.save(update_fields=["password", "password_changed_at"])
    ended = sessions_end(user=user)
    audit_write(
        event=Event.PASSWORD_RESET,
        user=actor,
        obj=user,
        detail=f"重置为一次性密码，结束会话 {ended} 个",
    )
    return password


@transaction.atomic
def user_role_change(
    *,
    user: User,
    actor: User | None,
    role: str,
    city: City | None = None,
    district: District | None = None,
    unit: Unit | None = None,
) -> bool:
    """Give an account another role or area; its live sessions end. False: no change."""
    if role not in User.Role.values:
        raise ValidationError({"role": f"未知角色：{role}"})
    before = _area_facts(user)
    user.role, user.city, user.district, user.unit = role, city, district, unit
    _check_area(user)
    user.full_clean(exclude=["password"])
    after = _area_facts(user)
    if after == before:
        return False
    user.save(update_fields=["role", "city", "district", "unit"])
    sessions_end(user=user)
    audit_write(event=Event.ROLE_CHANGED, user=actor, obj=user, before=before, after=after)
    return True


def session_record(*, request, user: User) -> LoginSession:
    """Remember the session a login opened (call right after ``django.contrib.auth.login``)."""
    if not request.session.session_key:
        request.session.save()
    LoginSession.objects.filter(session_key=request.session.session_key).delete()
    return LoginSession.objects.create(
        user=user,
        session_key=request.session.session_key,
        ip=request.META.get("REMOTE_ADDR") or None,
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
    )


def sessions_end(*, user: User) -> int:
    """End every live session of a user; return how many were ended."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    keys = list(LoginSession.objects.filter(user=user).values_list("session_key", flat=True))
    for key in keys:
        store(session_key=key).delete()
    LoginSession.objects.filter(user=user).delete()
    return len(keys)


@transaction.atomic
def user_set_active(*, user: User, active: bool, actor: User | None = None) -> User:
    """Enable or disable an account; disabling ends its live sessions at once.

    With ``actor`` (the 用户管理 page) the change is audited here; the configuration
    site audits its own.
    """
    changed = user.is_active != active
    user.is_active = active
    user.save(update_fields=["is_active"])
    if not active:
        sessions_end(user=user)
    if changed and actor is not None:
        audit_write(
            event=Event.USER_ENABLED if active else Event.USER_DISABLED,
            user=actor,
            obj=user,
            before={"is_active": not active},
            after={"is_active": active},
        )
    return user


@transaction.atomic
def session_end(*, session: LoginSession, actor: User | None) -> None:
    """End one live login session (the security administrator's 结束会话)."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    store(session_key=session.session_key).delete()
    LoginSession.objects.filter(pk=session.pk).delete()
    audit_write(
        event=Event.SESSION_ENDED,
        user=actor,
        obj=session.user,
        detail=f"结束 {timezone.localtime(session.created_at):%Y-%m-%d %H:%M} 从 {session.ip or '未知地址'} 登录的会话",
    )


@transaction.atomic
def account_unlock(*, actor: User | None, username: str = "", ip: str = "") -> int:
    """Clear the failed logins that lock an account or a source address; return how many."""
    username, ip = (username or "").strip(), (ip or "").strip()
    if not username and not ip:
        raise ValidationError("请指定要解除锁定的用户名或来源地址。")
    count = axes_reset(username=username or None, ip=ip or None)
    audit_write(
        event=Event.ACCOUNT_UNLOCKED,
        user=actor,
        object_type="lockout",
        object_label=username or ip,
        detail=f"解除{'账号 ' + username if username else '来源地址 ' + ip}的登录锁定（清除失败记录 {count} 条）",
        after={"username": username, "ip": ip, "cleared": count},
    )
    return count


@transaction.atomic
def user_otp_reset(*, user: User, actor: User | None) -> int:
    """Remove an administrator's TOTP devices: the next login enrols a new one."""
    count, _ = TOTPDevice.objects.filter(user=user).delete()
    sessions_end(user=user)
    audit_write(event=Event.OTP_RESET, user=actor, obj=user, detail=f"删除动态口令设备 {count} 个")
    return count


def password_expired(user: User) -> bool:
    """Whether the user must change the password now: too old, or a one-time password
    set by an administrator (no change recorded)."""
    if not user.has_usable_password():
        return False
    changed = user.password_changed_at
    if changed is None:
        return True
    days = settings.BATON_PASSWORD_MAX_AGE_DAYS
    return bool(days) and timezone.now() - changed > dt.timedelta(days=days)
