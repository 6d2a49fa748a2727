from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from baton.org.models import City, District, Unit

from .models import User


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
        username=username, role=role, first_name=name, city=city, district=district, unit=unit
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
