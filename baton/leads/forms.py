"""The forms of the leads' pages: the list's filters, the lead (register, edit), the
actions on a lead and the district's rules. The services check the values again."""

from django import forms

from baton.core.dates import future_refusal
from baton.core.forms import CHOICE_ERRORS, amount_field, text_field
from baton.core.messages import fill_in
from baton.projects.models import Industry

from . import rules
from .models import ASSESSMENT_POINTS, Kind, Source, Status

SORTS = [
    ("-reported_at", "首报时间（新→旧）"),
    ("reported_at", "首报时间（旧→新）"),
    ("-investment", "总投资（大→小）"),
    ("investment", "总投资（小→大）"),
    ("respond_due", "响应时限（早→晚）"),
    ("code", "信息编号（小→大）"),
    ("-code", "信息编号（大→小）"),
]


class FilterForm(forms.Form):
    q = forms.CharField(label="搜索", required=False, max_length=100)
    status = forms.ChoiceField(
        label="状态",
        required=False,
        choices=[("", "全部"), *Status.choices],
        error_messages=CHOICE_ERRORS,
    )
    source = forms.ChoiceField(
        label="信息来源",
        required=False,
        choices=[("", "全部"), *Source.choices],
        error_messages=CHOICE_ERRORS,
    )
    unit = forms.ModelChoiceField(
        label="单位",
        required=False,
        queryset=None,
        empty_label="全部",
        error_messages=CHOICE_ERRORS,
    )
    counted = forms.ChoiceField(
        label="入库口径",
        required=False,
        choices=[("", "全部"), ("counted", "计入统计"), ("reserve", "储备信息")],
        error_messages=CHOICE_ERRORS,
    )
    overdue = forms.BooleanField(label="只看逾期", required=False)
    sort = forms.ChoiceField(
        label="排序", required=False, choices=SORTS, error_messages=CHOICE_ERRORS
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class LeadForm(forms.Form):
    """Every field of a lead a user gives (``values.FIELDS``)."""

    title = text_field("项目名称", max_length=200, required=True)
    source = forms.ChoiceField(
        label="信息来源",
        choices=[("", "（请选择）"), *Source.choices],
        error_messages=CHOICE_ERRORS,
    )
    source_detail = text_field(
        "来源说明", max_length=200, help_text="引荐人、中介机构或活动的名称。"
    )
    summary = text_field("项目概况", max_length=5000, rows=3)
    products = text_field("工艺/产品", max_length=2000, rows=2)
    industry_code = forms.CharField(
        label="行业代码",
        max_length=10,
        required=False,
        help_text="国民经济行业分类（GB/T 4754），如 C3841；住宅房地产 K7010 不纳入统计。",
    )
    industry = forms.ModelChoiceField(
        label="产业类别",
        queryset=Industry.objects.all(),
        required=False,
        empty_label="（未选择）",
        error_messages=CHOICE_ERRORS,
    )
    kind = forms.ChoiceField(
        label="项目性质", choices=Kind.choices, initial=Kind.NEW, error_messages=CHOICE_ERRORS
    )
    investment = amount_field("总投资（万元）", required=True)
    fixed_investment = amount_field("固定资产投资（万元）")
    land_mu = amount_field("用地需求（亩）")
    energy_tce = amount_field("用能需求（吨标准煤/年）")
    environment = text_field("环境容量需求", max_length=200)
    annual_output = amount_field("预计年产值（万元）")
    annual_tax = amount_field("预计年税收（万元）")
    coordination = text_field("需协调事项", max_length=2000, rows=2)
    follower = text_field("跟进人", max_length=50)

    def values(self) -> dict:
        data = {name: self.cleaned_data.get(name) for name in LEAD_FIELDS}
        if data.get("industry") is not None:
            data["industry"] = data["industry"].pk
        return data


LEAD_FIELDS = (
    "title", "source", "source_detail", "summary", "products", "industry_code", "industry",
    "kind", "investment", "fixed_investment", "land_mu", "energy_tce", "environment",
    "annual_output", "annual_tax", "coordination", "follower",
)  # fmt: skip


class RegisterForm(LeadForm):
    """A lead with its company: one of the library, or a new one registered with it."""

    company = forms.IntegerField(required=False, widget=forms.HiddenInput)
    company_q = forms.CharField(label="在客商库中查找企业", required=False, max_length=100)
    new_name = forms.CharField(label="新企业名称", required=False, max_length=120)
    new_uscc = forms.CharField(label="统一社会信用代码", required=False, max_length=30)
    new_industry_code = forms.CharField(label="企业行业代码", required=False, max_length=10)
    new_contact_name = forms.CharField(label="联系人", required=False, max_length=50)
    new_contact_phone = forms.CharField(label="联系电话", required=False, max_length=30)
    company_confirmed = forms.BooleanField(
        label="已核对，确认不是客商库中的同一家企业", required=False
    )
    unit = forms.ModelChoiceField(
        label="首报单位",
        queryset=None,
        required=False,
        empty_label="（请选择）",
        error_messages=CHOICE_ERRORS,
    )
    confirmed = forms.BooleanField(
        label="已核对，确认是本单位登记过的企业的另一个项目", required=False
    )

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is None:
            del self.fields["unit"]
        else:
            self.fields["unit"].queryset = units
            self.fields["unit"].required = True
            self.fields["unit"].error_messages["required"] = rules.NO_UNIT

    def clean(self):
        data = super().clean()
        if not data.get("company") and not (data.get("new_name") or "").strip():
            self.add_error("company_q", "请从客商库中选择企业，或登记一家新企业。")
        return data


class EditForm(LeadForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = text_field("修改说明", max_length=2000)


class TextForm(forms.Form):
    text = text_field("内容", max_length=2000, rows=4, required=True)

    def __init__(self, *args, label="内容", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].label = label
        self.fields["text"].error_messages["required"] = fill_in(label)


class RespondForm(forms.Form):
    follower = text_field("跟进人", max_length=50, help_text="留空则为您本人。")
    note = text_field("响应情况", max_length=2000, rows=3)


class AssessForm(forms.Form):
    conclusion = forms.ChoiceField(
        label="研判结论",
        choices=[("follow", "继续跟进"), ("drop", "不予跟进")],
        widget=forms.RadioSelect,
        error_messages={**CHOICE_ERRORS, "required": "请选择研判结论。"},
    )
    note = text_field("研判说明", max_length=2000, rows=2, help_text="不予跟进时必填。")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in ASSESSMENT_POINTS:
            self.fields[key] = text_field(label, max_length=1000, rows=2, required=True)
            self.fields[key].error_messages["required"] = rules.point_missing(label)
        # the points first, the conclusion last
        self.order_fields([key for key, _ in ASSESSMENT_POINTS] + ["conclusion", "note"])

    def points(self) -> dict:
        return {key: self.cleaned_data[key] for key, _ in ASSESSMENT_POINTS}


class ArbitrateForm(forms.Form):
    decision = forms.ChoiceField(
        label="裁决结果",
        choices=[
            ("merge", "合并至先报信息（先报单位继续首谈）"),
            ("assign", "改由本信息的单位首谈（先报信息并入本信息）"),
            ("reject", "退回本信息（先报信息不变）"),
        ],
        widget=forms.RadioSelect,
        error_messages={**CHOICE_ERRORS, "required": "请选择裁决结果。"},
    )
    reason = text_field("裁决理由", max_length=2000, rows=3, required=True)


class ReassignForm(forms.Form):
    unit = forms.ModelChoiceField(
        label="改派给",
        queryset=None,
        empty_label="（请选择）",
        error_messages={**CHOICE_ERRORS, "required": "请选择改派的单位。"},
    )
    reason = text_field("改派理由", max_length=2000, rows=3, required=True)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class ConvertForm(forms.Form):
    stage = forms.ChoiceField(
        label="转化为",
        choices=[("planning", "策划项目"), ("intent", "意向项目")],
        widget=forms.RadioSelect,
        initial="planning",
        error_messages={**CHOICE_ERRORS, "required": "请选择项目阶段。"},
    )


class SettingsForm(forms.Form):
    hold_days = forms.IntegerField(label="首谈期（天）", min_value=1, max_value=3650)
    respond_days = forms.IntegerField(label="响应时限（工作日）", min_value=1, max_value=60)
    assess_days = forms.IntegerField(label="研判时限（工作日）", min_value=1, max_value=120)
    major_assess_days = forms.IntegerField(
        label="重大项目研判时限（工作日）", min_value=1, max_value=120
    )
    major_wan = amount_field("重大项目标准（万元）", required=True)
    feedback_days = forms.IntegerField(label="反馈时限（工作日）", min_value=1, max_value=120)
    idle_days = forms.IntegerField(label="无进展可改派（天）", min_value=1, max_value=3650)


#: The flows of the figures a count may stand for (``figures.FLOWS``).
FLOW_CHOICES = [
    ("registered", "登记"),
    ("assessed", "研判"),
    ("converted", "转化"),
    ("rejected", "不予跟进"),
]


class FigureForm(forms.Form):
    """A count of the lead figures (the cockpit's, the monthly pack's) to list: the leads
    at the end of ``as_of`` in the scope (``in_*``), by status then, or a flow since
    ``since``, by source and by the unit holding them then."""

    as_of = forms.DateField(label="统计日期", required=False, input_formats=["%Y-%m-%d"])
    since = forms.DateField(label="起始日期", required=False, input_formats=["%Y-%m-%d"])
    flow = forms.ChoiceField(
        label="环节",
        required=False,
        choices=[("", ""), *FLOW_CHOICES],
        error_messages=CHOICE_ERRORS,
    )
    holder = forms.IntegerField(label="跟进单位", required=False, min_value=1)
    in_city = forms.IntegerField(required=False, min_value=1)
    in_district = forms.IntegerField(required=False, min_value=1)
    in_unit = forms.IntegerField(required=False, min_value=1)
    in_industry = forms.IntegerField(required=False, min_value=1)

    def clean(self):
        data = super().clean()
        as_of = data.get("as_of")
        if as_of is not None:
            refusal = future_refusal(as_of)
            if refusal:
                self.add_error("as_of", refusal)
            since = data.get("since")
            if since is not None and since > as_of:
                self.add_error("since", "起始日期不能晚于统计日期。")
        return data
