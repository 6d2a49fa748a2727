"""The forms of the delivery pages (政策兑现): the list's filters, receiving an application,
and the steps on one. The services check every value again."""

from django import forms
from django.core.exceptions import ValidationError

from baton.core.forms import CHOICE_ERRORS, amount_field, date_field, text_field
from baton.core.messages import INCOMPLETE_FORM, fill_in
from baton.core.templatetags.baton import wan

from .calculator import parse_fact
from .models import Application, Clause, Policy

Status = Application.Status

VERSION_ERRORS = {"required": INCOMPLETE_FORM, "invalid": INCOMPLETE_FORM}


def _text(label, *, max_length=2000, rows=None, required=True, help_text=""):
    return text_field(
        label, max_length=max_length, rows=rows, required=required, help_text=help_text
    )


def _amount(label, *, required=True, help_text=""):
    return amount_field(label, required=required, help_text=help_text)


def _version():
    return forms.IntegerField(
        widget=forms.HiddenInput, min_value=1, max_value=2**31, error_messages=VERSION_ERRORS
    )


class _NoNul(forms.Form):
    """Refuse the NUL character anywhere (PostgreSQL would refuse it later)."""

    def clean(self):
        data = super().clean()
        for name, value in (data or {}).items():
            if isinstance(value, str) and "\x00" in value:
                self.add_error(name, "含有不可见的非法字符，请删除后重新填写。")
        return data


class FilterForm(forms.Form):
    status = forms.ChoiceField(
        label="状态",
        required=False,
        choices=[("", "全部"), *Status.choices],
        error_messages=CHOICE_ERRORS,
    )
    policy = forms.ModelChoiceField(
        label="政策",
        required=False,
        queryset=Policy.objects.order_by("number"),
        empty_label="全部",
        error_messages=CHOICE_ERRORS,
    )
    overdue = forms.BooleanField(label="只看逾期", required=False)


class ReceiveForm(_NoNul):
    clause = forms.ModelChoiceField(
        label="政策条款",
        queryset=Clause.objects.none(),
        error_messages={**CHOICE_ERRORS, "required": "请选择政策条款。"},
    )
    received_on = date_field("受理日期")
    beneficiary_name = _text(
        "受益人",
        max_length=200,
        required=False,
        help_text="企业条款默认为投资方；中介条款填中介名称",
    )
    requested_amount = _amount("申请金额（万元）", required=False)
    facts = _text(
        "补充数据",
        rows=3,
        required=False,
        help_text="系统不记录的数据，每行一项，如 注册资本=30000、实际到位资金=52000",
    )
    note = _text("说明", rows=2, required=False)

    def __init__(self, *args, clauses=None, **kwargs):
        super().__init__(*args, **kwargs)
        if clauses is not None:
            self.fields["clause"].queryset = clauses
        self.fields["clause"].label_from_instance = lambda c: (
            f"{c.policy.number} {c.number} {c.title}".strip()
        )

    def clean_facts(self):
        facts = {}
        for line in (self.cleaned_data.get("facts") or "").splitlines():
            if not line.strip():
                continue
            try:
                name, value = parse_fact(line)
            except ValueError as exc:
                raise ValidationError(str(exc)) from None
            facts[name] = value
        return facts


class DayForm(_NoNul):
    version = _version()
    on = date_field("材料齐全日期")


class ApproveForm(_NoNul):
    version = _version()
    amount = _amount("核定金额（万元）")
    on = date_field("核定日期")
    reason = _text("核定说明", rows=2, required=False, help_text="核定金额高于测算金额时必填")


class ReasonForm(_NoNul):
    version = _version()
    reason = _text("理由", rows=3)

    def __init__(self, *args, label="理由", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = label
        self.fields["reason"].error_messages["required"] = fill_in(label)


class TextForm(_NoNul):
    text = _text("备注", rows=3)


def _instalment_field():
    return forms.TypedChoiceField(
        label="期次",
        coerce=int,
        choices=[],
        error_messages={**CHOICE_ERRORS, "required": "请选择期次。"},
    )


class PayForm(_NoNul):
    version = _version()
    instalment = _instalment_field()
    on = date_field("支付日期")
    amount = _amount("实付金额（万元）")
    voucher = _text("支付凭证号", max_length=100)

    def __init__(self, *args, instalments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instalment"].choices = [(i.order, _choice(i)) for i in instalments]


class InstalmentReasonForm(_NoNul):
    version = _version()
    instalment = _instalment_field()
    reason = _text("理由", rows=3)

    def __init__(self, *args, instalments=(), label="理由", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instalment"].choices = [(i.order, _choice(i)) for i in instalments]
        self.fields["reason"].label = label
        self.fields["reason"].error_messages["required"] = fill_in(label)


class DeliverForm(forms.Form):
    on = date_field("办理日期", required=False)


def _choice(instalment) -> str:
    return f"第 {instalment.order} 期 {instalment.get_milestone_display()} {wan(instalment.amount)} 万元"
