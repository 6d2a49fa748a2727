"""The company's form (register and edit) and the list's search."""

from django import forms

from baton.core.forms import CHOICE_ERRORS, UPLOAD_ERRORS, confirm_field
from baton.org import divisions

from .models import Size, Tag


class CompanyForm(forms.Form):
    name = forms.CharField(label="企业名称", max_length=120)
    former_names = forms.CharField(
        label="曾用名",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="每行一个。",
    )
    uscc = forms.CharField(label="统一社会信用代码", max_length=30, required=False)
    region = forms.ChoiceField(label="企业所在地", required=False, error_messages=CHOICE_ERRORS)
    industry_code = forms.CharField(
        label="行业代码",
        max_length=10,
        required=False,
        help_text="国民经济行业分类（GB/T 4754）代码，如 C3841。",
    )
    tags = forms.MultipleChoiceField(
        label="企业标签",
        choices=Tag.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages=CHOICE_ERRORS,
    )
    size = forms.ChoiceField(
        label="企业规模",
        choices=[("", "（未填写）"), *Size.choices],
        required=False,
        error_messages=CHOICE_ERRORS,
    )
    contact_name = forms.CharField(label="联系人", max_length=50, required=False)
    contact_phone = forms.CharField(label="联系电话", max_length=30, required=False)
    note = forms.CharField(label="备注", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    confirmed = forms.BooleanField(
        label="已核对，确认不是同一家企业", required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", "（未填写）"), *divisions.choices()]

    def show_confirm(self) -> None:
        """Offer the box that confirms a name alike to another company's."""
        self.fields["confirmed"].widget = forms.CheckboxInput()

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("confirmed", None)
        return data


class SearchForm(forms.Form):
    q = forms.CharField(label="搜索", required=False, max_length=100)
    tag = forms.ChoiceField(
        label="企业标签",
        choices=[("", "全部"), *Tag.choices],
        required=False,
        error_messages=CHOICE_ERRORS,
    )


class MergeForm(forms.Form):
    drop = forms.ModelChoiceField(
        label="并入本企业的重复记录", queryset=None, error_messages=CHOICE_ERRORS
    )
    confirm = confirm_field("确认合并（被并入的记录不再单独列出，其时间线并入本企业）")

    def __init__(self, *args, companies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["drop"].queryset = companies


class ImportForm(forms.Form):
    file = forms.FileField(label="企业名单（.xlsx）", error_messages=UPLOAD_ERRORS)
    dry_run = forms.BooleanField(label="试导入（只校验，不写入）", required=False)
