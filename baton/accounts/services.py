import datetime as dt
import hashlib
import secrets
from importlib import import_module

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from baton.audit.services import Event, audit_write
from baton.org.models import City, District, Unit

from .models import LEADER_NEEDS_AREA, EnrolmentCode, LoginSession, User


def username_taken(username: str) -> str:
    return f"用户名 {username} 已存在。"


#: Said after a change that ends an account's sessions (role change, disabling).
SESSIONS_ENDED = "其登录会话已全部结束。"

#: The roles the system administrator may give an account on the 用户管理 page; the three
#: administrators' accounts are made on the server (``baton create-user``).
BUSINESS_ROLES = (
    User.Role.UNIT_STAFF,
    User.Role.DISTRICT_OFFICE,
    User.Role.CITY_REVIEWER,
    User.Role.LEADER,
)

#: 三员分立: nobody gives an administrator's role or changes an administrator's account
#: through the web (the system administrator's pages, the configuration site, the
#: security administrator's role form); an operator does, on the server.
ADMIN_ROLE_BY_COMMAND = (
    "系统、安全、审计管理员的角色只能由服务器上的 baton create-user 命令授予（三员分立）。"
)
ADMIN_ACCOUNT_BY_COMMAND = "系统、安全、审计管理员的账号由服务器上的 baton create-user 命令管理，不能在此修改（三员分立）。"

#: How long an enrolment code for an administrator's second factor stays valid.
ENROLMENT_CODE_VALID = dt.timedelta(hours=72)


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
    ``actor`` is who creates it, for the audit log (None: an operator's command, the
    only one who may create an administrator; give it an enrolment code).
    """
    if role not in User.Role.values:
        raise ValidationError({"role": f"未知角色：{role}"})
    if role in User.ADMIN_ROLES and actor is not None:
        raise ValidationError({"role": ADMIN_ROLE_BY_COMMAND})
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": username_taken(username)})
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
            raise ValidationError({"district": LEADER_NEEDS_AREA})


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
    """Give a business account another business role or area; its live sessions end.
    False: no change."""
    if role not in User.Role.values:
        raise ValidationError({"role": f"未知角色：{role}"})
    if user.is_admin_role:
        raise ValidationError(ADMIN_ACCOUNT_BY_COMMAND)
    if role in User.ADMIN_ROLES:
        raise ValidationError({"role": ADMIN_ROLE_BY_COMMAND})
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


def session_record(*, request: HttpRequest, user: User) -> LoginSession:
    """Remember the session a login opened (call right after ``django.contrib.auth.login``)."""
    if not request.session.session_key:
        request.session.save()
    key = request.session.session_key or ""
    LoginSession.objects.filter(session_key=key).delete()
    return LoginSession.objects.create(
        user=user,
        session_key=key,
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
def user_otp_reset(*, user: User, actor: User | None) -> str:
    """Remove an administrator's TOTP devices and end its sessions: the next login enrols
    a new device with the enrolment code returned (shown once, handed over out of band)."""
    if not user.is_admin_role:
        raise ValidationError("只有管理员账号使用动态口令。")
    count, _ = TOTPDevice.objects.filter(user=user).delete()
    sessions_end(user=user)
    code = _enrolment_code_create(user=user, actor=actor)
    audit_write(
        event=Event.OTP_RESET,
        user=actor,
        obj=user,
        detail=f"删除动态口令设备 {count} 个；{_issued()}",
    )
    return code


_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"  # no 0/O, 1/I/L, U


def _code_hash(code: str) -> str:
    plain = "".join(code.split()).replace("-", "").upper()
    return hashlib.sha256(plain.encode("utf-8", "surrogatepass")).hexdigest()


@transaction.atomic
def enrolment_code_issue(*, user: User, actor: User | None) -> str:
    """Issue a one-time code with which an administrator enrols a TOTP device; return it
    (16 characters, ~78 bits, stored hashed). It replaces the account's unused code and
    expires after ``ENROLMENT_CODE_VALID``. ``actor``: None for an operator's command."""
    if not user.is_admin_role:
        raise ValidationError("只有管理员账号需要动态口令绑定码。")
    code = _enrolment_code_create(user=user, actor=actor)
    audit_write(event=Event.OTP_RESET, user=actor, obj=user, detail=_issued())
    return code


def _issued() -> str:
    return f"签发动态口令绑定码（{_valid_hours()} 小时内有效，仅可使用一次）"


def _valid_hours() -> int:
    return int(ENROLMENT_CODE_VALID.total_seconds() // 3600)


def enrolment_code_notice(code: str) -> str:
    """The line that hands an enrolment code to the operator or security administrator."""
    return (
        f"首次登录绑定动态口令须输入绑定码（{_valid_hours()} 小时内有效，仅可使用一次，"
        f"请另行交给本人，勿与密码一同传递）：{code}"
    )


def _enrolment_code_create(*, user: User, actor: User | None) -> str:
    plain = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(16))
    code = "-".join(plain[i : i + 4] for i in range(0, 16, 4))
    now = timezone.now()
    EnrolmentCode.objects.filter(user=user, used_at__isnull=True).delete()
    EnrolmentCode.objects.create(
        user=user,
        code_hash=_code_hash(code),
        created_by=actor,
        created_at=now,
        expires_at=now + ENROLMENT_CODE_VALID,
    )
    return code


def enrolment_code_redeem(*, user: User, code: str) -> bool:
    """Use up the account's enrolment code if ``code`` is it, unused and unexpired."""
    now = timezone.now()
    used = EnrolmentCode.objects.filter(
        user=user, code_hash=_code_hash(code or ""), used_at__isnull=True, expires_at__gt=now
    ).update(used_at=now)  # one UPDATE: two sessions racing cannot both use it
    return used == 1


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
