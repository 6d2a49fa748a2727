"""Forms of the ranking pages: the period a ranking or a set of manual scores is for,
and a manual score with its reason."""

from django import forms
from django.http import QueryDict
from django.utils import timezone

from .config import number
from .forms import _RATER_TOO_LONG, Kind, _decimal
from .models import Scheme
from .periods import QUARTERS, last_closed, period_of
from .services import REASON_REQUIRED


class PeriodForm(forms.Form):
    """The period a ranking or a set of manual scores is for, by the scheme's kind."""

    year = forms.IntegerField(
        label="年度",
        min_value=2000,
        max_value=2100,
        error_messages={
            "required": "请填写年度。",
            "invalid": "年度须为四位数字。",
            "min_value": "年度不能早于 2000 年。",
            "max_value": "年度不能晚于 2100 年。",
        },
    )
    part = forms.TypedChoiceField(label="月份", coerce=int, required=False)
    cumulative = forms.BooleanField(label="自年初累计（如 1-8月）", required=False)

    def __init__(self, *args, scheme: Scheme, **kwargs):
        self.kind = scheme.period_kind
        year, part = last_closed(self.kind)
        kwargs.setdefault("initial", {"year": year, "part": part})
        super().__init__(*args, **kwargs)
        if self.kind == Scheme.PeriodKind.MONTH:
            self.fields["part"].choices = [(m, f"{m}月") for m in range(1, 13)]
        elif self.kind == Scheme.PeriodKind.QUARTER:
            self.fields["part"].label = "季度"
            self.fields["part"].choices = [(q, f"第{QUARTERS[q - 1]}季度") for q in range(1, 5)]
        else:
            del self.fields["part"]
            del self.fields["cumulative"]
        if "part" in self.fields:
            self.fields["part"].required = True
            self.fields["part"].error_messages.update(
                required="请选择考核期。", invalid_choice="考核期无效。"
            )
        self.fields["year"].widget.attrs.update(inputmode="numeric")

    def period(self):
        data = self.cleaned_data
        return period_of(
            self.kind, data["year"], data.get("part"), cumulative=data.get("cumulative", False)
        )

    def query(self) -> str:
        data = self.cleaned_data
        query = QueryDict(mutable=True)
        query["year"] = data["year"]
        if data.get("part"):
            query["part"] = data["part"]
        if data.get("cumulative"):
            query["cumulative"] = "on"
        return query.urlencode()


class RankForm(PeriodForm):
    def clean(self):
        data = super().clean()
        if not self.errors:
            end = self.period().end
            if end >= timezone.localdate():
                raise forms.ValidationError(
                    f"考核期到{end.year}年{end.month}月{end.day}日才结束，结束后才能计算排名。"
                )
        return data


class ManualScoreForm(forms.Form):
    """人工评分: one unit's score on a manual indicator, with the reason."""

    indicator = forms.TypedChoiceField(label="指标", coerce=int)
    unit = forms.TypedChoiceField(label="被考核单位", coerce=int)
    rater = forms.CharField(
        label="评分方",
        required=False,
        max_length=40,
        help_text="按评分方加权或取平均值的指标须写明评分方，如“园区”“一队”",
        error_messages={"max_length": _RATER_TOO_LONG},
    )
    score = _decimal("得分", min_value=0)
    reason = forms.CharField(
        label="评分理由",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": REASON_REQUIRED,
            "max_length": "评分理由不能超过 2000 个字。",
        },
    )

    def __init__(self, *args, scheme: Scheme, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = {
            i.pk: i for i in scheme.indicators.filter(kind=Kind.MANUAL).order_by("order", "id")
        }
        self.units = {m.party_id: m.party for m in scheme.units.select_related("unit", "district")}
        self.fields["indicator"].choices = [(pk, i.name) for pk, i in self.indicators.items()]
        self.fields["unit"].choices = [(pk, u.name) for pk, u in self.units.items()]
        for key in ("indicator", "unit"):
            self.fields[key].error_messages.update(
                required="请选择。", invalid_choice="不在本方案中，请刷新页面后重试。"
            )

    def clean(self):
        data = super().clean()
        indicator = self.indicators.get(data.get("indicator"))
        if indicator is None:
            return data
        combine = indicator.config.get("combine", "single")
        rater = (data.get("rater") or "").strip()
        if combine == "single":
            rater = ""
        elif not rater:
            self.add_error("rater", f"“{indicator.name}”按评分方汇总，请写明评分方。")
        elif combine == "weighted" and rater not in indicator.config.get("weights", {}):
            weights = indicator.config.get("weights", {}).items()
            names = "、".join(
                k for k, v in sorted(weights, key=lambda kv: (-number(kv[1], ""), kv[0]))
            )
            self.add_error("rater", f"评分方只能是：{names}。")
        data["rater"] = rater
        return data

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "indicator": self.indicators[data["indicator"]],
            "unit": self.units[data["unit"]],
            "rater": data["rater"],
            "score": data["score"],
            "reason": data["reason"].strip(),
        }
