"""Forms of the scheme pages (the scheme, its units, its indicators) and the confirmation
every irreversible step asks for: they clean and convert input, the services decide.
Targets, rankings and entered figures have their forms in ``forms_targets``,
``forms_rankings`` and ``forms_figures``.

Shares are typed as percentages (20, 30, 50) and handed on as fractions ("0.2");
amounts are 万元; every number in an indicator's config becomes a decimal string.
"""

import json
from decimal import Decimal

from django import forms
from django.http import QueryDict

from baton.core.forms import confirm_field
from baton.org.models import District, Unit
from baton.projects.models import Industry

from .config import (
    COMBINES,
    CREDITS,
    HOLDER_METRICS,
    MEASURES,
    METRICS,
    SCOPES,
    TIER_BY,
    number,
    ratio_parts,
)
from .models import Indicator, Scheme
from .services import NO_MEMBERS

Kind = Indicator.Kind
#: The metrics the form offers (an entered figure is named in the JSON config).
FORM_METRICS = [(k, v) for k, v in METRICS.items() if k != "entered"]
#: Kinds set up by their JSON config alone (docs/assessment.md).
JSON_KINDS = (Kind.WEIGHTED_SUM, Kind.BRACKET_SHORTFALL)
HUNDRED = Decimal(100)
MAX_ROWS = 12
_RATER_TOO_LONG = "评分方名称不能超过 40 个字。"
NAME_REQUIRED = "请填写指标名称。"


def _windowed(config: dict) -> bool:
    return (
        any(
            "window" in spec or "window_days" in spec or spec.get("metric") == "entered"
            for spec in ratio_parts(config)
            if isinstance(spec, dict)
        )
        if "metric" in config or "parts" in config
        else False
    )


def text(value: Decimal) -> str:
    """Return a Decimal as a config number: "0.5", "100000"."""
    return format(value.normalize(), "f")


def _decimal(label: str, *, places: int = 2, digits: int = 12, **kwargs) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        max_digits=digits,
        decimal_places=places,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        error_messages={
            "invalid": "请输入数字。",
            "max_decimal_places": f"最多 {places} 位小数。",
            "max_digits": "数字位数过多。",
            "max_whole_digits": "数字过大。",
            "required": "请填写。",
            "min_value": "不能小于 %(limit_value)s。",
            "max_value": "不能大于 %(limit_value)s。",
        },
        **kwargs,
    )


def _percent(label: str, **kwargs) -> forms.DecimalField:
    return _decimal(label, min_value=0, max_value=100, **kwargs)


class SchemeForm(forms.Form):
    """方案名称、考核周期和接力分成 (percent)."""

    name = forms.CharField(
        label="方案名称",
        max_length=100,
        error_messages={
            "required": "请填写方案名称。",
            "max_length": "方案名称不能超过 100 个字。",
        },
        help_text="如：翔安区产业招商绩效评价",
    )
    period_kind = forms.ChoiceField(label="考核周期", choices=Scheme.PeriodKind.choices)
    share_info = _percent("信息提供单位分成（%）", initial=20)
    share_talks = _percent("洽谈推进单位分成（%）", initial=30)
    share_landing = _percent(
        "落地服务单位分成（%）", initial=50, help_text="三方之和为 100%；未记录的一方归责任单位。"
    )

    SHARES = ("share_info", "share_talks", "share_landing")

    @classmethod
    def initial_of(cls, scheme: Scheme) -> dict:
        initial = {"name": scheme.name, "period_kind": scheme.period_kind}
        for key in cls.SHARES:
            initial[key] = text(getattr(scheme, key) * HUNDRED)
        return initial

    def clean(self):
        data = super().clean()
        shares = [data.get(key) for key in self.SHARES]
        if all(s is not None for s in shares) and sum(shares) != HUNDRED:
            self.add_error(
                "share_landing", f"三方分成之和必须等于 100%，当前为 {text(sum(shares))}%。"
            )
        return data

    def values(self) -> dict:
        data = self.cleaned_data
        values = {"name": data["name"].strip(), "period_kind": data["period_kind"]}
        values.update({key: text(data[key] / HUNDRED) for key in self.SHARES})
        return values


class UnitsForm(forms.Form):
    """被考核单位: one checkbox and one group name per unit of the district."""

    def __init__(self, *args, scheme: Scheme, **kwargs):
        self.scheme = scheme
        self.units: list = (
            list(District.objects.filter(city=scheme.city).order_by("code"))
            if scheme.is_city
            else list(Unit.objects.promotion().filter(district=scheme.district, is_active=True))
        )
        members = {m.party_id: m.group for m in scheme.units.all()}
        initial = {}
        for unit in self.units:
            initial[f"unit_{unit.pk}"] = unit.pk in members
            if scheme.is_city or unit.kind == Unit.Kind.OFFICE:
                default = ""
            else:
                default = unit.get_kind_display()
            initial[f"group_{unit.pk}"] = members.get(unit.pk, default)
        super().__init__(*args, initial=initial, **kwargs)
        for unit in self.units:
            self.fields[f"unit_{unit.pk}"] = forms.BooleanField(
                label=unit.name,
                required=False,
                widget=forms.CheckboxInput(attrs={"aria-label": f"纳入考核：{unit.name}"}),
            )
            self.fields[f"group_{unit.pk}"] = forms.CharField(
                label="分组",
                required=False,
                max_length=20,
                error_messages={"max_length": "分组名称不能超过 20 个字。"},
            )

    def rows(self):
        for unit in self.units:
            yield unit, self[f"unit_{unit.pk}"], self[f"group_{unit.pk}"]

    def clean(self):
        data = super().clean()
        if not any(data.get(f"unit_{unit.pk}") for unit in self.units):
            raise forms.ValidationError(NO_MEMBERS)
        return data

    def members(self) -> dict:
        data = self.cleaned_data
        return {
            unit: (data.get(f"group_{unit.pk}") or "").strip()
            for unit in self.units
            if data.get(f"unit_{unit.pk}")
        }


# --- indicators ---------------------------------------------------------------------------

#: The part fields each kind shows (a ratio has several parts; the others one).
PART_FIELDS = {
    Kind.RATIO: ("metric", "measure", "share", "over", "over_measure"),
    Kind.TIERS: ("metric",),
    Kind.DEDUCTION: ("metric",),
    Kind.EFFICACY: ("metric", "measure"),
    Kind.GROUP_SHARE: ("metric", "measure"),
}
FILTER_FIELDS = ("min_amount", "max_amount", "industries", "days", "credit")


class IndicatorForm(forms.Form):
    """One indicator of any kind. Repeated rows (a ratio's parts, amount tiers, raters)
    are numbered fields; ``parts``, ``tiers`` and ``raters`` say how many are shown."""

    name = forms.CharField(
        label="指标名称",
        max_length=100,
        error_messages={
            "required": NAME_REQUIRED,
            "max_length": "指标名称不能超过 100 个字。",
        },
    )
    kind = forms.ChoiceField(label="计分方式", choices=Kind.choices)
    weight = _decimal("分值", min_value=0, help_text="加分项可填 0，以“最高得分”封顶")
    order = forms.IntegerField(
        label="序号",
        required=False,
        min_value=0,
        max_value=999,
        error_messages={"invalid": "请输入整数。", "min_value": "序号不能为负。"},
    )
    cap = _decimal("最高得分（封顶）", required=False, min_value=0)
    floor = _decimal("最低得分（保底）", required=False)
    is_bonus = forms.BooleanField(label="加分项（分值不计入方案总分值）", required=False)
    config_json = forms.CharField(
        label="计分配置（JSON）",
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8, "class": "as-json", "spellcheck": "false"}),
        help_text=(
            "加权计数、分档数量须在此写明；其他计分方式填写后即以此为准"
            "（如多种扣分情形、时间范围 window），格式见 docs/assessment.md"
        ),
        error_messages={"max_length": "计分配置过长。"},
    )
    parts = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=MAX_ROWS)
    tiers = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=MAX_ROWS)
    raters = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=MAX_ROWS)
    # tiers
    tier_by = forms.ChoiceField(label="计分依据", choices=TIER_BY.items(), required=False)
    each_points = _decimal("每个项目得分", required=False, min_value=0)
    beyond_target = forms.BooleanField(
        label="只计超出目标任务的个数（目标任务在“目标任务”表中按单位填写）", required=False
    )
    default_points = _decimal("其他行业得分", required=False, min_value=0)
    # deduction
    per = _decimal("每个扣分", required=False, min_value=0)
    # efficacy, group share
    scope = forms.ChoiceField(label="比较范围", choices=SCOPES.items(), required=False)
    # manual
    combine = forms.ChoiceField(label="汇总方式", choices=COMBINES.items(), required=False)

    def __init__(self, data=None, *, initial=None, **kwargs):
        initial = initial or {"kind": Kind.RATIO, "parts": 1, "tiers": 2, "raters": 2}
        super().__init__(data, initial=initial, **kwargs)
        self.industries = list(Industry.objects.values_list("name", flat=True))
        self.kind_value = self._raw("kind") or Kind.RATIO
        self.counts = {key: self._count(key) for key in ("parts", "tiers", "raters")}
        for i in range(self.counts["parts"]):
            self._part_fields(i)
        for i in range(self.counts["tiers"]):
            self.fields[f"t{i}_min"] = _decimal(
                "总投资不低于（万元）", required=False, min_value=0, places=4, digits=16
            )
            self.fields[f"t{i}_points"] = _decimal("得分", required=False, min_value=0)
        for name in self.industries:
            self.fields[f"ind_{name}"] = _decimal(name, required=False, min_value=0)
        for i in range(self.counts["raters"]):
            self.fields[f"r{i}_name"] = forms.CharField(
                label="评分方", required=False, max_length=40,
                error_messages={"max_length": _RATER_TOO_LONG},
            )  # fmt: skip
            self.fields[f"r{i}_share"] = _percent("比例（%）", required=False)

    def _raw(self, key: str):
        if self.is_bound:
            return self.data.get(key)
        return self.initial.get(key)

    def _count(self, key: str) -> int:
        try:
            return max(1, min(MAX_ROWS, int(self._raw(key) or 1)))
        except (TypeError, ValueError):
            return 1

    def _part_fields(self, i: int) -> None:
        p = f"p{i}_"
        self.fields[p + "metric"] = forms.ChoiceField(
            label="统计口径", choices=FORM_METRICS, required=False
        )
        self.fields[p + "measure"] = forms.ChoiceField(
            label="计量", choices=MEASURES.items(), required=False
        )
        self.fields[p + "credit"] = forms.ChoiceField(
            label="得分归属", choices=CREDITS.items(), required=False
        )
        self.fields[p + "min_amount"] = _decimal(
            "总投资不低于（万元）", required=False, min_value=0, places=4, digits=16
        )
        self.fields[p + "max_amount"] = _decimal(
            "总投资低于（万元）", required=False, min_value=0, places=4, digits=16
        )
        self.fields[p + "industries"] = forms.MultipleChoiceField(
            label="只计这些行业（不选为全部行业）",
            choices=[(name, name) for name in self.industries],
            required=False,
            widget=forms.CheckboxSelectMultiple(attrs={"class": "checks"}),
        )
        self.fields[p + "days"] = forms.IntegerField(
            label="签约后超过多少天未开工算逾期",
            required=False,
            min_value=0,
            max_value=3650,
            error_messages={"invalid": "请输入整数天数。"},
        )
        self.fields[p + "share"] = _percent("本分项占比（%）", required=False)
        self.fields[p + "over"] = forms.ChoiceField(
            label="除以",
            choices=[("", "目标任务（按单位填写）")]
            + [(key, f"同期{label}") for key, label in FORM_METRICS],
            required=False,
        )
        self.fields[p + "over_measure"] = forms.ChoiceField(
            label="分母计量", choices=MEASURES.items(), required=False
        )

    def live(self, url: str) -> None:
        """Make the selects that change the form's shape re-render it (htmx, no eval)."""
        attrs = {
            "hx-post": url,
            "hx-trigger": "change",
            "hx-target": "#indicator-form",
            "hx-swap": "outerHTML settle:0ms",  # listeners on the new form at once
            "hx-vals": '{"_refresh": "1"}',
        }
        names = ["kind", "tier_by", "combine"]
        names += [f"p{i}_{key}" for i in range(self.counts["parts"]) for key in ("metric", "over")]
        for name in names:
            self.fields[name].widget.attrs.update(attrs)

    # --- what the template shows -----------------------------------------------------------

    def part_rows(self) -> list[dict]:
        """Return each part's bound fields, those the kind uses, for the template."""
        shown = PART_FIELDS.get(self.kind_value, ())
        rows = []
        for i in range(self.counts["parts"] if self.kind_value == Kind.RATIO else 1):
            p = f"p{i}_"
            metric = self._raw(p + "metric") or "admitted"
            row = {"index": i, "number": i + 1}
            for key in (*shown, *FILTER_FIELDS):
                row[key] = self[p + key]
            row["show"] = set(shown)
            row["needs_days"] = metric == "not_started"
            row["over_metric"] = bool(self._raw(p + "over"))
            row["info"] = metric == "info_provided"
            rows.append(row)
        if self._raw("config_json"):
            return []
        return rows if self.kind_value in PART_FIELDS else []

    def tier_rows(self):
        return [(i, self[f"t{i}_min"], self[f"t{i}_points"]) for i in range(self.counts["tiers"])]

    def industry_fields(self):
        return [self[f"ind_{name}"] for name in self.industries]

    def rater_rows(self):
        return [(i, self[f"r{i}_name"], self[f"r{i}_share"]) for i in range(self.counts["raters"])]

    @property
    def tier_by_value(self) -> str:
        return self._raw("tier_by") or "amount"

    @property
    def combine_value(self) -> str:
        return self._raw("combine") or "single"

    # --- from an indicator and back --------------------------------------------------------

    @classmethod
    def initial_of(cls, indicator: Indicator) -> dict:
        config = indicator.config or {}
        initial = {
            "name": indicator.name,
            "kind": indicator.kind,
            "weight": text(indicator.weight),
            "order": indicator.order,
            "cap": None if indicator.cap is None else text(indicator.cap),
            "floor": None if indicator.floor is None else text(indicator.floor),
            "tiers": 2,
            "raters": 2,
            "is_bonus": indicator.is_bonus,
        }
        if indicator.kind in JSON_KINDS or "cases" in config or _windowed(config):
            initial["config_json"] = json.dumps(config, ensure_ascii=False, indent=2)
        specs = ratio_parts(config) if indicator.kind == Kind.RATIO else [config]
        if indicator.kind == Kind.MANUAL:
            specs = []
        initial["parts"] = max(1, len(specs))
        for i, spec in enumerate(specs):
            p = f"p{i}_"
            initial[p + "metric"] = spec.get("metric")
            initial[p + "measure"] = spec.get("measure", "count")
            initial[p + "credit"] = spec.get(
                "credit", "holder" if spec.get("metric") in HOLDER_METRICS else "relay"
            )
            for key in ("min_amount", "max_amount"):
                if key in spec:
                    initial[p + key] = spec[key]
            initial[p + "industries"] = spec.get("industries", [])
            initial[p + "days"] = spec.get("days")
            if indicator.kind == Kind.RATIO:
                initial[p + "share"] = text(number(spec.get("share", "1"), "") * HUNDRED)
                if "over" in spec:
                    initial[p + "over"] = spec["over"].get("metric")
                    initial[p + "over_measure"] = spec["over"].get("measure", "count")
        if indicator.kind == Kind.TIERS:
            initial["tier_by"] = config.get("by")
            tiers = config.get("tiers", [])
            initial["tiers"] = max(1, len(tiers))
            for i, tier in enumerate(tiers):
                initial[f"t{i}_min"], initial[f"t{i}_points"] = tier["min"], tier["points"]
            if config.get("by") == "industry":
                for name, points in config.get("points", {}).items():
                    initial[f"ind_{name}"] = points
                initial["default_points"] = config.get("default", "0")
            elif config.get("by") == "each":
                initial["each_points"] = config.get("points")
                initial["beyond_target"] = bool(config.get("beyond_target"))
        initial["per"] = config.get("per")
        initial["scope"] = config.get("scope")
        initial["combine"] = config.get("combine", "single")
        weights = sorted(
            config.get("weights", {}).items(), key=lambda kv: (-number(kv[1], ""), kv[0])
        )
        if weights:
            initial["raters"] = len(weights)
        for i, (rater, share) in enumerate(weights):
            initial[f"r{i}_name"] = rater
            initial[f"r{i}_share"] = text(number(share, "") * HUNDRED)
        return initial

    @staticmethod
    def initial_from_data(data: QueryDict) -> dict:
        """Return posted values as initial ones (lists only for the industry checkboxes)."""
        return {
            key: values if key.endswith("_industries") else values[-1]
            for key, values in data.lists()
            if not key.startswith("_") and key != "csrfmiddlewaretoken"
        }

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        text_config = (data.get("config_json") or "").strip()
        if kind and text_config:
            try:
                data["config"] = json.loads(text_config)
            except ValueError as exc:
                self.add_error("config_json", f"不是有效的 JSON：{exc}")
        elif kind in JSON_KINDS:
            self.add_error("config_json", "请填写计分配置（JSON）。")
        elif kind and not self.errors:
            data["config"] = self._config(kind, data)
        return data

    def _need(self, data, key: str, message: str):
        value = data.get(key)
        if value in (None, "", []):
            self.add_error(key, message)
        return value

    def _spec(self, data, i: int, *, kind: str) -> dict:
        p = f"p{i}_"
        metric = self._need(data, p + "metric", "请选择统计口径。")
        spec = {"metric": metric}
        if "measure" in PART_FIELDS[kind]:
            spec["measure"] = data.get(p + "measure") or "count"
        spec["credit"] = data.get(p + "credit") or "relay"
        for key in ("min_amount", "max_amount"):
            if data.get(p + key) is not None:
                spec[key] = text(data[p + key])
        low, high = data.get(p + "min_amount"), data.get(p + "max_amount")
        if low is not None and high is not None and high <= low:
            self.add_error(p + "max_amount", "金额上限须大于下限。")
        if data.get(p + "industries"):
            chosen = set(data[p + "industries"])
            spec["industries"] = [name for name in self.industries if name in chosen]
        if metric == "not_started":
            spec["days"] = self._need(data, p + "days", "请填写签约后多少天未开工算逾期。")
        return spec

    def _config(self, kind: str, data) -> dict:
        if kind == Kind.RATIO:
            parts = []
            for i in range(self.counts["parts"]):
                spec = self._spec(data, i, kind=kind)
                over = data.get(f"p{i}_over")
                if over:
                    spec["over"] = {
                        "metric": over,
                        "measure": data.get(f"p{i}_over_measure") or "count",
                    }
                if self.counts["parts"] > 1:
                    share = self._need(data, f"p{i}_share", "请填写本分项占比。")
                    spec["share"] = text(share / HUNDRED) if share is not None else "0"
                parts.append(spec)
            return parts[0] if len(parts) == 1 else {"parts": parts}
        if kind == Kind.MANUAL:
            config = {"combine": data.get("combine") or "single"}
            if config["combine"] == "weighted":
                weights = {}
                for i in range(self.counts["raters"]):
                    name = (data.get(f"r{i}_name") or "").strip()
                    share = data.get(f"r{i}_share")
                    if not name and share is None:
                        continue
                    if not name:
                        self.add_error(f"r{i}_name", "请填写评分方，如“园区”。")
                    elif name in weights:
                        self.add_error(f"r{i}_name", f"评分方“{name}”重复。")
                    elif share is None:
                        self.add_error(f"r{i}_share", "请填写该评分方的比例。")
                    else:
                        weights[name] = text(share / HUNDRED)
                config["weights"] = weights
            return config
        config = self._spec(data, 0, kind=kind)
        if kind == Kind.TIERS:
            by = config["by"] = data.get("tier_by") or "amount"
            if by == "amount":
                tiers = []
                for i in range(self.counts["tiers"]):
                    low, points = data.get(f"t{i}_min"), data.get(f"t{i}_points")
                    if low is None and points is None:
                        continue
                    if low is None or points is None:
                        self.add_error(
                            f"t{i}_points" if low is not None else f"t{i}_min",
                            "每一档都要填写金额下限和得分。",
                        )
                        continue
                    tiers.append({"min": text(low), "points": text(points)})
                tiers.sort(key=lambda t: -Decimal(t["min"]))
                config["tiers"] = tiers
            elif by == "industry":
                config["points"] = {
                    name: text(data[f"ind_{name}"])
                    for name in self.industries
                    if data.get(f"ind_{name}") is not None
                }
                config["default"] = text(data.get("default_points") or Decimal(0))
            else:
                points = self._need(data, "each_points", "请填写每个项目的得分。")
                config["points"] = text(points) if points is not None else "0"
                if data.get("beyond_target"):
                    config["beyond_target"] = True
        elif kind == Kind.DEDUCTION:
            per = self._need(data, "per", "请填写每个扣多少分。")
            config["per"] = text(per) if per is not None else "0"
        else:
            config["scope"] = data.get("scope") or ("all" if kind == Kind.EFFICACY else "group")
        return config

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"].strip(),
            "kind": data["kind"],
            "weight": data["weight"],
            "config": data["config"],
            "order": data.get("order"),
            "cap": data.get("cap"),
            "floor": data.get("floor"),
            "is_bonus": bool(data.get("is_bonus")),
        }


def rearranged(data: QueryDict, action: str) -> QueryDict:
    """Return the form's data with a row added (``part``, ``tier``, ``rater``) or removed
    (``part:1``): the rows after a removed one move up."""
    data = data.copy()
    kind, _, index = action.partition(":")
    prefixes = {"part": ("parts", "p"), "tier": ("tiers", "t"), "rater": ("raters", "r")}
    if kind not in prefixes:
        return data
    count_key, letter = prefixes[kind]
    try:
        count = max(1, min(MAX_ROWS, int(data.get(count_key) or 1)))
    except ValueError:
        count = 1
    if not index:
        data[count_key] = str(min(MAX_ROWS, count + 1))
        return data
    try:
        gone = int(index)
    except ValueError:
        return data
    if count <= 1 or not 0 <= gone < count:
        return data
    for i in range(gone, count):
        src, dst = f"{letter}{i + 1}_", f"{letter}{i}_"
        for key in [k for k in data if k.startswith(dst)]:
            del data[key]
        for key in [k for k in data if k.startswith(src)]:
            data.setlist(dst + key[len(src) :], data.getlist(key))
            del data[key]
    data[count_key] = str(count - 1)
    return data


class ConfirmForm(forms.Form):
    """An irreversible step (publish, delete, discard) is taken only when confirmed."""

    confirm = confirm_field("我已核对无误")

    def __init__(self, *args, label: str = "我已核对无误", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["confirm"].label = label
