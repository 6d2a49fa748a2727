from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from baton.org.models import Unit

LEADER_NEEDS_AREA = _("领导账号必须指定所属区或市。")


class User(AbstractUser):
    """A person who logs in, with exactly one role and the area that role covers."""

    class Role(models.TextChoices):
        UNIT_STAFF = "unit_staff", _("单位招商员")
        DISTRICT_OFFICE = "district_office", _("区招商办")
        CITY_REVIEWER = "city_reviewer", _("市招商办")
        LEADER = "leader", _("领导")
        SYS_ADMIN = "sys_admin", _("系统管理员")
        SEC_ADMIN = "sec_admin", _("安全管理员")
        AUDIT_ADMIN = "audit_admin", _("审计管理员")

    ADMIN_ROLES = frozenset({Role.SYS_ADMIN, Role.SEC_ADMIN, Role.AUDIT_ADMIN})

    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    city = models.ForeignKey(
        "org.City",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("市"),
    )
    district = models.ForeignKey(
        "org.District",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("区"),
    )
    unit = models.ForeignKey(
        "org.Unit",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("单位"),
    )
    person = models.OneToOneField(
        "org.Person",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="user",
        verbose_name=_("对应人员"),
        help_text=_("领导账号对应的领导"),
    )
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        full = f"{self.last_name}{self.first_name}".strip()
        return full or self.username

    def clean(self) -> None:
        super().clean()
        needs = {
            self.Role.UNIT_STAFF: ("unit",),
            self.Role.DISTRICT_OFFICE: ("district",),
            self.Role.CITY_REVIEWER: ("city",),
        }.get(self.role, ())
        for field in needs:
            if getattr(self, f"{field}_id") is None:
                raise ValidationError(
                    {
                        field: _("该角色必须指定%(f)s。")
                        % {"f": self._meta.get_field(field).verbose_name}
                    }
                )
        if self.role == self.Role.LEADER and not (self.district_id or self.city_id):
            raise ValidationError({"district": LEADER_NEEDS_AREA})

    def save(self, *args, **kwargs):
        # Keep the area fields consistent downwards: a unit implies its district and city.
        if self.unit_id and not self.district_id:
            self.district_id = self.unit.district_id
        if self.district_id and not self.city_id:
            self.city_id = self.district.city_id
        super().save(*args, **kwargs)

    def set_password(self, raw_password):
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    @property
    def is_admin_role(self) -> bool:
        return self.role in self.ADMIN_ROLES

    @property
    def display_name(self) -> str:
        return str(self)

    @property
    def role_label(self) -> str:
        """The role as the page header names it: a 协调部门's staff are not promoters."""
        return (
            str(Unit.Kind.COORDINATING.label) if self.is_coordinating else self.get_role_display()
        )

    @property
    def is_coordinating(self) -> bool:
        """A 协调部门's staff: they see and answer only the problems assigned to their
        unit (``baton.accounts.coordinating``)."""
        return (
            self.role == self.Role.UNIT_STAFF
            and self.unit_id is not None
            and self.unit.kind == Unit.Kind.COORDINATING
        )


class LoginSession(models.Model):
    """A live login: lets an administrator end every session of a disabled account."""

    user = models.ForeignKey(User, models.CASCADE, related_name="login_sessions")
    session_key = models.CharField(max_length=64, unique=True)
    ip = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)
    user_agent = models.CharField(_("浏览器"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("登录时间"), default=timezone.now)

    class Meta:
        verbose_name = _("登录会话")
        verbose_name_plural = _("登录会话")

    def __str__(self) -> str:
        return f"{self.user} {self.created_at:%Y-%m-%d %H:%M}"


class ApiToken(models.Model):
    """A bearer token for the HTTP API.

    Only the SHA-256 hash of the secret is stored; the secret is shown once, when the
    token is created. ``prefix`` (the secret's first characters) names it in lists.
    """

    user = models.ForeignKey(
        User, models.CASCADE, related_name="api_tokens", verbose_name=_("用户")
    )
    name = models.CharField(_("名称"), max_length=100, blank=True)
    prefix = models.CharField(_("令牌前缀"), max_length=16, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    last_used_at = models.DateTimeField(_("最近使用时间"), null=True, blank=True)
    expires_at = models.DateTimeField(_("过期时间"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.prefix}… {self.name}".strip()

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def is_expired(self, now=None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())


class EnrolmentCode(models.Model):
    """A one-time code an administrator enters before enrolling a TOTP device.

    Issued out of band (``baton create-user``, ``baton enrolment-code``, or the security
    administrator resetting a second factor): the password alone does not enrol the
    second factor. Only the SHA-256 hash of the code is stored; a new code replaces the
    account's unused one; it expires and serves once.
    """

    user = models.ForeignKey(
        User, models.CASCADE, related_name="enrolment_codes", verbose_name=_("用户")
    )
    code_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("签发时间"), default=timezone.now)
    created_by = models.ForeignKey(
        User,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("签发人"),
        help_text=_("空：服务器上的命令"),
    )
    expires_at = models.DateTimeField(_("过期时间"))
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("动态口令绑定码")
        verbose_name_plural = _("动态口令绑定码")

    def __str__(self) -> str:
        return f"{self.user} {self.created_at:%Y-%m-%d %H:%M}"
