"""The chain pages' forms: they only clean input; ``services`` checks and writes."""

from django import forms

from baton.core.forms import CHOICE_ERRORS, confirm_field

from .models import Position, Priority, Tier

ORDER_ERRORS = {
    "invalid": "排序应为整数。",
    "min_value": "排序不能小于 0。",
    "max_value": "排序不能大于 9999。",
}


def _order() -> forms.IntegerField:
    return forms.IntegerField(
        label="排序",
        min_value=0,
        max_value=9999,
        initial=0,
        required=False,
        error_messages=ORDER_ERRORS,
        help_text="数字小的排在前面。",
    )


class ChainForm(forms.Form):
    name = forms.CharField(label="产业链名称", max_length=60)
    description = forms.CharField(
        label="说明", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    order = _order()


class NodeForm(forms.Form):
    name = forms.CharField(label="环节名称", max_length=60)
    parent = forms.ModelChoiceField(
        label="上级环节",
        queryset=None,
        required=False,
        empty_label="（无，作为上游/中游/下游的一级环节）",
        error_messages=CHOICE_ERRORS,
    )
    position = forms.ChoiceField(
        label="位置",
        choices=Position.choices,
        required=False,
        error_messages=CHOICE_ERRORS,
        help_text="有上级环节时随上级环节。",
    )
    codes = forms.CharField(
        label="行业代码",
        max_length=300,
        required=False,
        help_text="国民经济行业分类（GB/T 4754）代码，多个用逗号或空格分开，如 C3841, C3849；"
        "填大类（如 C38）即包含其下所有小类。",
    )
    order = _order()

    def __init__(self, *args, nodes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = nodes
        self.fields["parent"].label_from_instance = lambda n: (
            f"{n.get_position_display()} › {n.name}"
        )


class TargetForm(forms.Form):
    company = forms.ModelChoiceField(
        label="客商库中的企业",
        queryset=None,
        required=False,
        empty_label="（不在客商库中，填写名称）",
        error_messages=CHOICE_ERRORS,
    )
    name = forms.CharField(
        label="企业名称", max_length=120, required=False, help_text="企业尚未登记在客商库时填写。"
    )
    priority = forms.ChoiceField(
        label="优先级",
        choices=Priority.choices,
        initial=Priority.NORMAL,
        error_messages=CHOICE_ERRORS,
    )
    note = forms.CharField(label="备注", max_length=200, required=False)

    def __init__(self, *args, companies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["company"].queryset = companies


class SupplierForm(forms.Form):
    leader = forms.ModelChoiceField(label="链主企业", queryset=None, error_messages=CHOICE_ERRORS)
    supplier = forms.ModelChoiceField(label="配套企业", queryset=None, error_messages=CHOICE_ERRORS)
    tier = forms.ChoiceField(label="配套层级", choices=Tier.choices, error_messages=CHOICE_ERRORS)
    node = forms.ModelChoiceField(
        label="所在环节",
        queryset=None,
        required=False,
        empty_label="（不指定）",
        error_messages=CHOICE_ERRORS,
    )

    def __init__(self, *args, companies, nodes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = companies
        self.fields["supplier"].queryset = companies
        self.fields["node"].queryset = nodes


class DeleteForm(forms.Form):
    confirm = confirm_field("确认删除")
