"""The calculator's forms (政策测算): the facts of a what-if, the facts added to a project
or a lead, and the picker of a project or lead by its code. All are GET forms: they only
turn what was typed into the values the rule language takes."""

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django import forms

from baton.companies.models import Tag as CompanyTag
from baton.core import messages
from baton.core.forms import CHOICE_ERRORS, date_field
from baton.org import divisions
from baton.projects.models import Industry, Project, Stage

from .expr import DATE, FIELDS, LIST, NUM

#: The facts as the form shows them, in groups; ``district`` and ``on`` are the form's
#: own 地区 and 日期.
GROUPS = (
    (
        "投资与产出",
        (
            "investment",
            "fixed_investment",
            "registered_capital",
            "paid_in_capital",
            "foreign_paid_in_capital",
            "foreign_paid_in_usd",
            "annual_output",
            "annual_tax",
            "revenue_3y",
        ),
    ),
    (
        "企业与项目",
        ("tags", "industry_code", "industry", "project_type", "investor_region", "stage"),
    ),
    ("用地", ("land_mu", "intensity_per_mu", "land_use", "land_min_price_per_mu")),
    (
        "进度日期",
        (
            "signed_on",
            "registered_on",
            "land_supplied_on",
            "started_on",
            "in_production_on",
            "at_capacity_on",
        ),
    ),
    ("中介与协议", ("agreed_reward", "leads_given", "intermediary_filed_on")),
)
FACT_NAMES = tuple(name for _, names in GROUPS for name in names)
#: The largest number a fact takes (1 亿 of its unit: 1 万亿元 for an amount in 万元).
LARGEST = Decimal("100000000")
TEXT_LIMIT = 30
INDUSTRY_CODE = re.compile(r"^[A-T](\d{2}(\d{1,2})?)?$")
PLACE = re.compile(r"^\d{6}$")

BAD_PLACE = "地区应为 6 位行政区划代码，如 350213（翔安区）。"
BAD_INDUSTRY_CODE = "行业代码应为门类字母加 2 至 4 位数字（国民经济行业分类），如 C39 或 C3841。"
NO_CODE = "请填写项目编号或投资信息编号。"
NOT_FOUND = "没有找到编号为“{code}”的项目或投资信息，或您无权查看。"


def unknown_names(names) -> str:
    shown = [n[:20] for n in sorted(names)[:5]]
    more = "等" if len(names) > 5 else ""
    return f"不认识的字段：{'、'.join(shown)}{more}。可填的字段见表单。"


def _number(name: str) -> forms.CharField:
    spec = FIELDS[name]
    return forms.CharField(
        label=f"{spec.label}（{spec.unit}）" if spec.unit else spec.label,
        required=False,
        max_length=TEXT_LIMIT,
        error_messages={"max_length": messages.too_long(TEXT_LIMIT, spec.label)},
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )


def _text(name: str, limit: int = TEXT_LIMIT) -> forms.CharField:
    label = FIELDS[name].label
    return forms.CharField(
        label=label,
        required=False,
        max_length=limit,
        error_messages={"max_length": messages.too_long(limit, label)},
    )


def _choice(name: str, labels) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=FIELDS[name].label,
        required=False,
        choices=[("", "（不限）"), *((str(label), str(label)) for label in labels)],
        error_messages=CHOICE_ERRORS,
    )


def number_value(name: str, raw: str) -> Decimal:
    """Return the number typed for the fact ``name``, or raise ValidationError in Chinese."""
    spec = FIELDS[name]
    try:
        value = Decimal(raw.replace(",", "").replace("，", ""))
    except (InvalidOperation, ValueError):
        value = None
    if value is None or not value.is_finite():
        raise forms.ValidationError(f"{spec.label}应为数字（{spec.unit}），如 12000。")
    if value < 0:
        raise forms.ValidationError(f"{spec.label}不能为负数。")
    if value > LARGEST:
        raise forms.ValidationError(f"{spec.label}过大（不超过 1 亿{spec.unit}），请核对。")
    return value.quantize(Decimal("0.0001"))


class FactsForm(forms.Form):
    """The date whose clauses count, and facts given by hand (each may stay blank)."""

    on = date_field("按哪天的条款", required=False)
    #: Query keys the page itself sends besides the fields.
    ignored: frozenset = frozenset()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in FACT_NAMES:
            self.fields[name] = self._field(name)

    @staticmethod
    def _field(name: str) -> forms.Field:
        kind = FIELDS[name].type
        if kind == NUM:
            return _number(name)
        if kind == DATE:
            return date_field(FIELDS[name].label, required=False)
        if kind == LIST:
            return forms.MultipleChoiceField(
                label=FIELDS[name].label,
                required=False,
                choices=[(str(t.label), str(t.label)) for t in CompanyTag],
                widget=forms.CheckboxSelectMultiple,
                error_messages=CHOICE_ERRORS,
            )
        if name == "project_type":
            return _choice(name, Project.Type.labels)
        if name == "land_use":
            return _choice(name, Project.LandUse.labels)
        if name == "industry":
            return _choice(name, Industry.objects.values_list("name", flat=True))
        if name == "stage":
            return _choice(name, Stage.objects.order_by("order").values_list("name", flat=True))
        return _text(name)

    def groups(self):
        """Return [(title, [bound fields])] in the order of ``GROUPS``."""
        return [(title, [self[name] for name in names]) for title, names in GROUPS]

    def clean(self):
        data = super().clean()
        for name in FACT_NAMES:
            if FIELDS[name].type == NUM and data.get(name):
                try:
                    data[name] = number_value(name, data[name])
                except forms.ValidationError as exc:
                    self.add_error(name, exc)
        unknown = set(self.data) - set(self.fields) - self.ignored
        if unknown:
            raise forms.ValidationError(unknown_names(unknown))
        return data

    def clean_industry_code(self) -> str:
        code = self.cleaned_data["industry_code"].strip().upper()
        if code and not INDUSTRY_CODE.fullmatch(code):
            raise forms.ValidationError(BAD_INDUSTRY_CODE)
        return code

    def clean_investor_region(self) -> str:
        return divisions.clean_division(self.cleaned_data["investor_region"])

    def facts(self) -> dict:
        """Return the facts given (blank ones left out), typed as the rule language takes them."""
        given = {}
        for name in FACT_NAMES:
            value = self.cleaned_data.get(name)
            if value not in (None, "", []):
                given[name] = value
        return given

    def day(self, default: dt.date) -> dt.date:
        return getattr(self, "cleaned_data", {}).get("on") or default


class WhatIfForm(FactsForm):
    """手填假设: the place (a district's 行政区划代码) besides the date and the facts."""

    place = forms.CharField(
        label="地区（行政区划代码）",
        max_length=6,
        error_messages={"required": BAD_PLACE, "max_length": BAD_PLACE},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "list": "calc-places"}),
    )

    def clean_place(self) -> str:
        place = self.cleaned_data["place"].strip()
        if not PLACE.fullmatch(place):
            raise forms.ValidationError(BAD_PLACE)
        return place


class PickForm(forms.Form):
    """The picker: a project's code or a lead's code."""

    code = forms.CharField(
        label="项目编号或投资信息编号",
        max_length=32,
        error_messages={"required": NO_CODE, "max_length": messages.too_long(32, "编号")},
    )

    def clean_code(self) -> str:
        return self.cleaned_data["code"].strip()
