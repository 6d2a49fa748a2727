from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.validators import MaxLengthValidator

from baton.org.models import City, District, Unit

from .models import User
from .services import BUSINESS_ROLES, username_taken


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码不正确。",
        "inactive": "该账号已停用，请联系系统管理员。",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
        self.error_messages = {
            **self.error_messages,
            "invalid_login": f"用户名或密码不正确。连续输错 {settings.AXES_FAILURE_LIMIT} 次，"
            f"账号或来源地址将被锁定 {minutes} 分钟。",
        }
        self.fields["username"].label = "用户名"
        self.fields["password"].label = "密码"
        self.fields["username"].widget.attrs.update(autocomplete="username")
        # AuthenticationForm sets the field's max_length after the field is built, so no
        # validator checks it: a longer name reached axes' varchar(255) (a 500 on PostgreSQL).
        longest = self.fields["username"].max_length
        self.fields["username"].validators.append(
            MaxLengthValidator(longest, f"用户名不能超过 {longest} 个字符。")
        )


_SIX_DIGITS = "动态口令为 6 位数字。"


class TokenForm(forms.Form):
    token = forms.CharField(
        label="动态口令",
        min_length=6,
        max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
        error_messages={
            "required": "请输入动态口令。",
            "min_length": _SIX_DIGITS,
            "max_length": _SIX_DIGITS,
        },
    )

    def clean_token(self):
        token = self.cleaned_data["token"].strip()
        if not token.isdigit():
            raise forms.ValidationError(_SIX_DIGITS)
        return token


class EnrolmentCodeForm(forms.Form):
    code = forms.CharField(
        label="绑定码",
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
        error_messages={"required": "请输入绑定码。", "max_length": "绑定码为 16 位字母和数字。"},
    )


class ChangePasswordForm(PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = "原密码"
        self.fields["new_password1"].label = "新密码"
        self.fields["new_password2"].label = "确认新密码"


# --- the system and security administrators' pages ------------------------------------


class UserFilterForm(forms.Form):
    q = forms.CharField(label="用户名或姓名", required=False, max_length=150)
    role = forms.ChoiceField(label="角色", required=False)
    active = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部"), ("1", "在用"), ("0", "已停用")]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", "全部"), *User.Role.choices]

    def filters(self) -> dict:
        data = self.cleaned_data
        active = {"1": True, "0": False}.get(data.get("active") or "")
        return {"q": data.get("q") or "", "role": data.get("role") or "", "active": active}


class _UnitChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.district.name} · {obj.name}"


class AreaForm(forms.Form):
    """A business role and the area it covers (unit, district or city)."""

    role = forms.ChoiceField(label="角色")
    city = forms.ModelChoiceField(
        label="所属市", required=False, queryset=City.objects.order_by("code"), empty_label="—"
    )
    district = forms.ModelChoiceField(
        label="所属区", required=False, queryset=District.objects.order_by("code"), empty_label="—"
    )
    unit = _UnitChoice(
        label="所属单位",
        required=False,
        queryset=Unit.objects.filter(is_active=True)
        .select_related("district")
        .order_by("district__code", "order", "name"),
        empty_label="—",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [
            (role.value, role.label) for role in User.Role if role in BUSINESS_ROLES
        ]

    def area(self) -> dict:
        return {k: self.cleaned_data.get(k) for k in ("role", "city", "district", "unit")}


class UserCreateForm(AreaForm):
    username = forms.RegexField(
        label="用户名",
        regex=r"^[A-Za-z0-9_.@+-]{3,150}$",
        max_length=150,
        error_messages={"invalid": "用户名为 3 到 150 位字母、数字或 _ . @ + -。"},
    )
    name = forms.CharField(label="姓名", max_length=50)

    field_order = ["username", "name", "role", "unit", "district", "city"]

    def clean_username(self):
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(username_taken(username))
        return username


class RoleChangeForm(AreaForm):
    field_order = ["role", "unit", "district", "city"]


class ActiveForm(forms.Form):
    active = forms.ChoiceField(
        choices=[("1", "启用"), ("0", "停用")], error_messages={"required": "请说明启用还是停用。"}
    )


class ConfirmForm(forms.Form):
    confirm = forms.ChoiceField(
        choices=[("yes", "确认")],
        error_messages=dict.fromkeys(("required", "invalid_choice"), "请确认这项操作。"),
    )


class UnlockForm(forms.Form):
    username = forms.CharField(label="用户名", required=False, max_length=150)
    ip = forms.GenericIPAddressField(
        label="来源地址",
        required=False,
        error_messages={"invalid": "来源地址不是有效的 IP 地址。"},
    )

    def clean(self):
        data = super().clean()
        if not self.errors and not (data.get("username") or "").strip() and not data.get("ip"):
            raise forms.ValidationError("请填写要解除锁定的用户名或来源地址。")
        return data
