"""The demo's accounts, one per role, with new random passwords at every start, and the
administrators' one-time enrolment codes."""

import secrets
import string

from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from baton.accounts.models import User
from baton.accounts.services import enrolment_code_issue
from baton.org.models import City, District, Person, Unit

from .org import XIANGAN


def random_password() -> str:
    """Return a strong random password: upper, lower, digits and a symbol, 14 characters."""
    rng = secrets.SystemRandom()
    chars = (
        [rng.choice(string.ascii_uppercase) for _ in range(4)]
        + [rng.choice(string.ascii_lowercase) for _ in range(5)]
        + [rng.choice(string.digits) for _ in range(4)]
        + [rng.choice("#%+-=@")]
    )
    rng.shuffle(chars)
    return "".join(chars)


DEMO_ACCOUNTS = [
    # username, role, (area), name
    ("mx_promoter", User.Role.UNIT_STAFF, ("unit", "马巷街道"), "马巷街道招商员"),
    ("xd_promoter", User.Role.UNIT_STAFF, ("unit", "新店街道"), "新店街道招商员"),
    ("hq_promoter", User.Role.UNIT_STAFF, ("unit", "新机场片区指挥部"), "新机场片区指挥部招商员"),
    ("group_promoter", User.Role.UNIT_STAFF, ("unit", "翔安区招商集团"), "招商集团招商员"),
    (
        "zr_coordinator",
        User.Role.UNIT_STAFF,
        ("unit", "自然资源和规划局翔安分局"),
        "自然资源局联络员",
    ),
    ("sthj_coordinator", User.Role.UNIT_STAFF, ("unit", "生态环境局翔安分局"), "生态环境局联络员"),
    ("gd_coordinator", User.Role.UNIT_STAFF, ("unit", "国网翔安供电公司"), "供电公司联络员"),
    ("xa_office", User.Role.DISTRICT_OFFICE, ("district", XIANGAN), "翔安区招商办"),
    ("xm_reviewer", User.Role.CITY_REVIEWER, ("city", "3502"), "厦门市招商办"),
    ("xa_leader", User.Role.LEADER, ("leader", "陈志明"), "陈志明区长"),
    ("sysadmin", User.Role.SYS_ADMIN, (None, None), "系统管理员"),
    ("secadmin", User.Role.SEC_ADMIN, (None, None), "安全管理员"),
    ("auditadmin", User.Role.AUDIT_ADMIN, (None, None), "审计管理员"),
]


def config_group():
    """The system administrator's permissions: configuration, never business data."""
    group, created = Group.objects.get_or_create(name="系统配置")
    if created:
        group.permissions.set(
            Permission.objects.filter(
                content_type__app_label__in=["org"], codename__regex=r"^(add|change|view)_"
            )
            | Permission.objects.filter(
                content_type__app_label="accounts",
                content_type__model="user",
                codename__regex=r"^(add|change|view)_",
            )
            | Permission.objects.filter(
                content_type__app_label="projects",
                content_type__model__in=["stage", "industry"],
                codename__regex=r"^(add|change|view)_",
            )
        )
    return group


def demo_accounts(*, reset_passwords: bool = True) -> list[tuple[str, str, str, str]]:
    """Create the demo accounts if needed and give each a new random password.

    Return (username, role, area, password) rows for printing.
    """
    rows = []
    for username, role, (area_kind, area_key), name in DEMO_ACCOUNTS:
        area: dict = {}
        if area_kind == "unit":
            area["unit"] = Unit.objects.get(district__code=XIANGAN, name=area_key)
        elif area_kind == "district":
            area["district"] = District.objects.get(code=area_key)
        elif area_kind == "city":
            area["city"] = City.objects.get(code=area_key)
        elif area_kind == "leader":
            person = Person.objects.get(name=area_key, district__code=XIANGAN)
            area.update(district=person.district, person=person)
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"role": role, "first_name": name, **area},
        )
        if role == User.Role.SYS_ADMIN and created:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
            user.groups.add(config_group())
        password = ""
        if created and not reset_passwords:
            user.set_unusable_password()
            user.save()
        if reset_passwords:
            password = random_password()
            validate_password(password, user)
            user.set_password(password)
            user.password_changed_at = timezone.now()
            user.save()
        where = user.unit or user.district or user.city or "—"
        rows.append((username, user.role_label, str(where), password))
    return rows


def demo_enrolment_codes() -> list[tuple[str, str]]:
    """Give each demo administrator without a second factor a new enrolment code.

    Return (username, code) rows for printing: the first login enrols the TOTP device
    with it (the password alone does not).
    """
    admins = User.objects.filter(
        username__in=[
            name for name, role, _area, _name in DEMO_ACCOUNTS if role in User.ADMIN_ROLES
        ]
    ).exclude(pk__in=TOTPDevice.objects.filter(confirmed=True).values("user_id"))
    return [
        (user.username, enrolment_code_issue(user=user, actor=None))
        for user in admins.order_by("pk")
    ]
