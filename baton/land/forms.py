"""Forms of the land pages: they only clean and convert input for the services."""

from decimal import Decimal

from django import forms
from django.utils import timezone

from baton.accounts.areas import Level, area_of, units_in
from baton.core.forms import AREA_ERRORS, UPLOAD_ERRORS, too_large
from baton.org.models import Unit
from baton.projects.models import Industry, Project

from .importer import MAX_BYTES
from .matching import DEFAULT_TOLERANCE
from .models import LandUse, Parcel
from .selectors import ParcelFilters
from .services import NOTE_TOO_LONG, REASON_TOO_LONG, STATUS_INVALID, UNTIL_PAST

_LAND_USE_INVALID = "用地性质无效。"
TOLERANCES = [("0.1", "±10%"), ("0.2", "±20%"), ("0.3", "±30%"), ("0.5", "±50%")]


class ParcelFilterForm(forms.Form):
    """The map's filters; ``filters()`` turns them into the selector's ParcelFilters."""

    status = forms.MultipleChoiceField(
        label="供应状态",
        required=False,
        choices=Parcel.Status.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": STATUS_INVALID},
    )
    land_use = forms.ChoiceField(
        label="用地性质",
        required=False,
        choices=[("", "全部"), *LandUse.choices],
        error_messages={"invalid_choice": _LAND_USE_INVALID},
    )
    area_min = forms.DecimalField(
        label="面积不少于（亩）",
        required=False,
        min_value=0,
        max_value=100000,
        decimal_places=2,
        max_digits=8,
        error_messages=AREA_ERRORS,
    )
    area_max = forms.DecimalField(
        label="面积不超过（亩）",
        required=False,
        min_value=0,
        max_value=100000,
        decimal_places=2,
        max_digits=8,
        error_messages=AREA_ERRORS,
    )
    industry = forms.ModelChoiceField(
        label="招商方向",
        required=False,
        queryset=Industry.objects.all(),
        empty_label="全部",
        error_messages={"invalid_choice": "招商方向无效。"},
    )
    town = forms.ModelChoiceField(
        label="镇街",
        required=False,
        queryset=Unit.objects.none(),
        empty_label="全部",
        error_messages={"invalid_choice": "镇街无效。"},
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            area = area_of(user)
            towns = units_in(area).filter(kind=Unit.Kind.TOWN)
            if area.level is Level.CITY:
                towns = towns.select_related("district")
            self.fields["town"].queryset = towns
        for name in ("area_min", "area_max"):
            self.fields[name].widget.attrs.update({"min": 0, "step": "any", "inputmode": "decimal"})

    def clean(self):
        data = super().clean()
        low, high = data.get("area_min"), data.get("area_max")
        if low is not None and high is not None and low > high:
            self.add_error("area_max", "面积上限不能小于下限。")
        return data

    def filters(self) -> ParcelFilters:
        data = self.cleaned_data
        town = data.get("town")
        return ParcelFilters(
            statuses=tuple(data.get("status") or ()),
            land_uses=_uses(data.get("land_use")),
            area_min=data.get("area_min"),
            area_max=data.get("area_max"),
            industry=data.get("industry"),
            town_id=town.pk if town else None,
        )

    def is_filtered(self) -> bool:
        return any(self.cleaned_data.get(name) for name in self.fields)


def _uses(use: str | None) -> tuple[str, ...]:
    """A major class (M) also finds its classes (M1, M2, M3)."""
    if not use:
        return ()
    if len(use) == 1:
        return tuple(value for value in LandUse.values if value.startswith(use))
    return (use,)


class ProjectChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, project: Project) -> str:
        area = f"，拟用地 {project.land_area_mu} 亩" if project.land_area_mu else ""
        mark = "【推荐】" if getattr(project, "land_recommended", False) else ""
        return f"{mark}{project.name}（{project.stage.name}{area}）"


class ReserveForm(forms.Form):
    project = ProjectChoiceField(
        label="预留给项目",
        queryset=Project.objects.none(),
        to_field_name="code",
        empty_label="请选择项目",
        error_messages={
            "required": "请选择要预留地块的项目。",
            "invalid_choice": "该项目不能预留此地块（须为您有权操作、本区意向或在谈等阶段的项目）。",
        },
    )
    until = forms.DateField(
        label="预留期限",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="可不填；到期后由区招商办视情况释放。",
        error_messages={"invalid": "预留期限格式不正确（应为 YYYY-MM-DD）。"},
    )
    note = forms.CharField(
        label="说明",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": NOTE_TOO_LONG},
    )

    def __init__(self, *args, projects=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = (
            projects if projects is not None else Project.objects.none()
        )

    def clean_until(self):
        until = self.cleaned_data["until"]
        if until is not None and until < timezone.localdate():
            raise forms.ValidationError(UNTIL_PAST)
        return until


class ReleaseForm(forms.Form):
    reason = forms.CharField(
        label="释放原因",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请说明释放原因。", "max_length": REASON_TOO_LONG},
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label="改为",
        choices=(),
        error_messages={"required": "请选择新的供应状态。", "invalid_choice": "不能改为该状态。"},
    )
    on = forms.DateField(
        label="日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="可供日期或出让日期，不填为今天。",
        error_messages={"invalid": "日期格式不正确（应为 YYYY-MM-DD）。"},
    )
    reason = forms.CharField(
        label="说明",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": NOTE_TOO_LONG},
    )

    def __init__(self, *args, moves=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [(s, Parcel.Status(s).label) for s in moves]


class MatchForm(forms.Form):
    project = ProjectChoiceField(
        label="项目",
        required=False,
        queryset=Project.objects.none(),
        to_field_name="code",
        empty_label="（不选项目，按下列条件找地）",
        error_messages={"invalid_choice": "找不到该项目，或您无权查看。"},
    )
    area_mu = forms.DecimalField(
        label="用地需求（亩）",
        required=False,
        min_value=Decimal("0.01"),
        max_value=100000,
        decimal_places=2,
        max_digits=8,
        error_messages={**AREA_ERRORS, "min_value": "用地需求须大于 0。"},
    )
    land_use = forms.ChoiceField(
        label="用地性质",
        required=False,
        choices=[("", "不限（按行业推断）"), *LandUse.choices],
        error_messages={"invalid_choice": _LAND_USE_INVALID},
    )
    industry = forms.ModelChoiceField(
        label="行业",
        required=False,
        queryset=Industry.objects.all(),
        empty_label="不限",
        error_messages={"invalid_choice": "行业无效。"},
    )
    tolerance = forms.TypedChoiceField(
        label="面积容差",
        required=False,
        choices=TOLERANCES,
        coerce=Decimal,
        empty_value=DEFAULT_TOLERANCE,
        error_messages={"invalid_choice": "面积容差无效。"},
    )

    def __init__(self, *args, projects=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = (
            projects if projects is not None else Project.objects.none()
        )
        self.fields["area_mu"].widget.attrs.update(
            {"min": 0, "step": "any", "inputmode": "decimal", "placeholder": "不填按项目"}
        )

    def clean(self):
        data = super().clean()
        asked = ("project", "area_mu", "land_use", "industry")
        if not self.errors and not any(data.get(name) for name in asked):
            raise forms.ValidationError("请选择项目，或至少填写用地需求、用地性质、行业中的一项。")
        return data


class ImportForm(forms.Form):
    file = forms.FileField(
        label="地块文件",
        error_messages={
            "required": "请选择要导入的文件。",
            **UPLOAD_ERRORS,
        },
        help_text="GeoJSON（.geojson/.json，WGS84 经纬度）或国土部门的界址点坐标文本（.txt，2000国家大地坐标系），不超过 20 MB。",
    )
    dry_run = forms.BooleanField(
        label="只校验，不写入（试导入）",
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs.update({"accept": ".geojson,.json,.txt"})

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not name.endswith((".geojson", ".json", ".txt")):
            raise forms.ValidationError("只能导入 .geojson、.json 或 .txt 文件。")
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(too_large(MAX_BYTES, upload.size))
        return upload.read()
