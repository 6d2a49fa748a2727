"""The forms of the register, the claims and the rewards: they only clean what was typed;
the services decide (eligibility, before signing, shares, the 公示)."""

from django import forms

from baton.core.forms import (
    CHOICE_ERRORS,
    UPLOAD_ERRORS,
    amount_field,
    confirm_field,
    date_field,
    text_field,
)
from baton.core.money import to_wan

from . import rules
from .models import Claim, ClaimRule, Intermediary

YES_NO = [("no", "否"), ("yes", "是")]
DECLARATIONS = (
    ("official", "本人（或本机构负责人）是否为公职人员"),
    ("relative", "是否为公职人员的直系亲属"),
    ("state_owned", "是否为国有企业（含国有控股）"),
)


def _errors(label: str) -> dict:
    return {**CHOICE_ERRORS, "required": f"请选择{label}。"}


def _choice(label: str, choices, *, required: bool = True) -> forms.ChoiceField:
    messages = _errors(label)
    return forms.ChoiceField(
        label=label, choices=choices, required=required, error_messages=messages
    )


def _pick(label: str, queryset, *, required: bool = True) -> forms.ModelChoiceField:
    messages = _errors(label)
    return forms.ModelChoiceField(
        label=label, queryset=queryset, required=required, error_messages=messages
    )


class IntermediaryForm(forms.Form):
    kind = _choice("类型", Intermediary.Kind.choices)
    name = text_field("名称或姓名", max_length=200, required=True)
    uscc = text_field("统一社会信用代码", max_length=30, help_text="中介机构必填")
    contact_name = text_field("联系人", max_length=50)
    contact_phone = text_field("联系电话", max_length=30)
    address = text_field("地址", max_length=200)
    filed_on = date_field("备案日期")
    documents = text_field(
        "备案材料", max_length=3000, rows=3, help_text="每行一项，如：营业执照复印件"
    )
    declared_on = date_field("声明日期")
    official = _choice(DECLARATIONS[0][1], YES_NO)
    relative = _choice(DECLARATIONS[1][1], YES_NO)
    state_owned = _choice(DECLARATIONS[2][1], YES_NO)
    affiliates = text_field(
        "关联方", max_length=4000, rows=3, help_text="每行一家：名称 统一社会信用代码"
    )
    declaration = text_field("利益冲突声明", max_length=2000, rows=3)
    note = text_field("备注", max_length=2000, rows=2)

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        for key, _label in DECLARATIONS:
            data[key] = data.get(key) == "yes"
        return data

    @classmethod
    def initial_for(cls, row: Intermediary) -> dict:
        return {
            "kind": row.kind,
            "name": row.name,
            "uscc": row.uscc,
            "contact_name": row.contact_name,
            "contact_phone": row.contact_phone,
            "address": row.address,
            "filed_on": row.filed_on,
            "documents": "\n".join(row.documents or []),
            "declared_on": row.declared_on,
            "official": "no",
            "relative": "no",
            "state_owned": "no",
            "affiliates": "\n".join(
                f"{a['name']} {a.get('uscc', '')}".strip() for a in row.affiliates or []
            ),
            "declaration": row.declaration,
            "note": row.note,
        }


class AgreementForm(forms.Form):
    number = text_field("协议编号", max_length=60)
    start_on = date_field("协议起始日")
    end_on = date_field("协议截止日")
    target_leads = forms.IntegerField(
        label="每年有效信息目标（条）",
        required=False,
        min_value=1,
        max_value=10000,
        error_messages=dict.fromkeys(("invalid", "min_value", "max_value"), rules.TARGET_RANGE),
    )
    target_fixed_wan = amount_field("固定资产投资目标（万元）", help_text="如 40000（4亿元）")
    scope = text_field("招商方向", max_length=200)

    def clean_target_fixed_wan(self):
        value = self.cleaned_data.get("target_fixed_wan")
        return to_wan(value) if value else None


class ReasonForm(forms.Form):
    reason = text_field("理由", max_length=2000, rows=3, required=True)


class ClaimForm(forms.Form):
    intermediary = _pick("中介", Intermediary.objects.none())
    account = text_field("引荐经过", max_length=2000, rows=4, required=True)
    share = forms.DecimalField(
        label="申请份额（%）",
        required=False,
        min_value=0.01,
        max_value=100,
        max_digits=5,
        decimal_places=2,
        help_text="本区按份额分享奖励时填写",
        error_messages={
            "invalid": rules.SHARE_INVALID,
            **dict.fromkeys(
                ("min_value", "max_value", "max_digits", "max_decimal_places", "max_whole_digits"),
                rules.SHARE_RANGE,
            ),
        },
    )

    def __init__(self, *args, intermediaries=None, **kwargs):
        super().__init__(*args, **kwargs)
        if intermediaries is not None:
            self.fields["intermediary"].queryset = intermediaries


class ConfirmForm(forms.Form):
    #: The claim's version the page showed: a decision on a stale page is refused.
    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        error_messages=dict.fromkeys(("required", "invalid", "min_value"), rules.STALE_FORM),
    )
    share = forms.DecimalField(
        label="认定份额（%）",
        required=False,
        min_value=0.01,
        max_value=100,
        max_digits=5,
        decimal_places=2,
        help_text="只认定1个中介人的区不必填写（按100%）",
        error_messages=ClaimForm.base_fields["share"].error_messages,
    )
    reason = text_field("认定意见", max_length=2000, rows=3)


class RewardForm(forms.Form):
    clause = _pick("奖励条款", Claim.objects.none())
    facts = text_field(
        "补充数据",
        max_length=2000,
        rows=3,
        help_text="系统中没有的数据，每行一项，如：实际到位资金=30000（万元）",
    )
    note = text_field("说明", max_length=2000, rows=2)

    def __init__(self, *args, clauses=None, **kwargs):
        super().__init__(*args, **kwargs)
        if clauses is not None:
            self.fields["clause"].queryset = clauses

    def clean_facts(self) -> dict:
        out = {}
        for line in (self.cleaned_data.get("facts") or "").splitlines():
            line = line.strip()
            if not line:
                continue
            name, sep, value = line.replace("＝", "=").partition("=")
            if not sep or not name.strip() or not value.strip():
                raise forms.ValidationError(
                    f"“{line[:30]}”应写成 名称=数值，如 实际到位资金=30000。"
                )
            out[name.strip()] = value.strip()
        return out


class ApproveForm(forms.Form):
    amount = amount_field("核定金额（万元）", required=True)
    reason = text_field("核定说明", max_length=2000, rows=2, help_text="高于测算金额时须说明理由")

    def clean_amount(self):
        return to_wan(self.cleaned_data["amount"])


class PublicizeForm(forms.Form):
    confirm = confirm_field("确认公示核定的奖励金额和受益中介")


class PayForm(forms.Form):
    instalment = _pick("分期", Claim.objects.none())
    amount = amount_field("实付金额（万元）", required=True)
    voucher = text_field("支付凭证号", max_length=100, required=True)

    def __init__(self, *args, instalments=None, **kwargs):
        super().__init__(*args, **kwargs)
        if instalments is not None:
            self.fields["instalment"].queryset = instalments

    def clean_amount(self):
        return to_wan(self.cleaned_data["amount"])


class SettingsForm(forms.Form):
    claim_rule = _choice("同一项目多个中介", ClaimRule.choices)
    publicity_days = forms.IntegerField(
        label="奖励公示期（工作日）",
        min_value=1,
        max_value=60,
        error_messages={
            "required": "请填写公示期。",
            **dict.fromkeys(("invalid", "min_value", "max_value"), rules.PUBLICITY_RANGE),
        },
    )


class FilterForm(forms.Form):
    q = text_field("名称或统一社会信用代码", max_length=100)
    kind = _choice("类型", [("", "全部类型"), *Intermediary.Kind.choices], required=False)
    status = _choice("状态", [("", "全部状态"), *Intermediary.Status.choices], required=False)


class ClaimFilterForm(forms.Form):
    q = text_field("项目或中介", max_length=100)
    status = _choice("状态", [("", "全部状态"), *Claim.Status.choices], required=False)


class ImportForm(forms.Form):
    file = forms.FileField(
        label="中介备案表（.xlsx）", error_messages={**UPLOAD_ERRORS, "required": "请选择文件。"}
    )
    dry_run = forms.BooleanField(label="只检查，不导入", required=False)
