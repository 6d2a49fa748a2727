import datetime as dt
from importlib import import_module

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from baton.org.models import City, District, Unit

from .models import LoginSession, User


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
) -> User:
    """Create an account with one role and its area; the password must pass every rule."""
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
    user.full_clean(exclude=["password"])
    validate_password(password, user)
    user.set_password(password)
    user.password_changed_at = timezone.now()
    user.save()
    return user


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
def user_set_active(*, user: User, active: bool) -> User:
    """Enable or disable an account; disabling ends its live sessions at once."""
    user.is_active = active
    user.save(update_fields=["is_active"])
    if not active:
        sessions_end(user=user)
    return user


def password_expired(user: User) -> bool:
    days = settings.BATON_PASSWORD_MAX_AGE_DAYS
    if not days or not user.has_usable_password():
        return False
    changed = user.password_changed_at
    return changed is None or timezone.now() - changed > dt.timedelta(days=days)
