"""Forms of 录入数据: a unit's entered figure typed in, or a file of them imported."""

from django import forms

from .forms import NAME_REQUIRED, _decimal
from .models import EnteredFact
from .periods import parse_period
from .services import ENTERED_NAME, ENTERED_SOURCE


class EnteredFactForm(forms.Form):
    """录入数据: a unit's figure of a period, with its source and reason."""

    unit = forms.TypedChoiceField(label="被考核对象", coerce=int)
    name = forms.CharField(
        label="指标",
        max_length=40,
        help_text="如 实际利用外资、到位资金、弄虚作假；考核指标以同一名称引用",
        error_messages={"required": NAME_REQUIRED, "max_length": ENTERED_NAME},
    )
    period = forms.CharField(
        label="期间",
        max_length=20,
        help_text="如 2024、2024-Q1、2024-03、2024-01~08",
        error_messages={"required": "请填写期间。"},
    )
    value = _decimal("数值", places=4, digits=16)
    source = forms.ChoiceField(label="来源", choices=EnteredFact.Source.choices)
    reason = forms.CharField(
        label="说明",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="数据的出处或口径，如“市统计局2024年快报”；排名页和导出文件中显示",
        error_messages={"max_length": "说明不能超过 2000 个字。"},
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.units = {u.pk: u for u in units}
        self.fields["unit"].choices = [(pk, u.name) for pk, u in self.units.items()]
        self.fields["unit"].error_messages.update(
            required="请选择。", invalid_choice="不是本区的单位，请刷新页面后重试。"
        )
        self.fields["source"].error_messages.update(
            required="请选择。", invalid_choice=ENTERED_SOURCE
        )

    def clean_period(self):
        try:
            return parse_period(self.cleaned_data["period"])
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "unit": self.units[data["unit"]],
            "name": data["name"].strip(),
            "period_start": data["period"].start,
            "period_end": data["period"].end,
            "value": data["value"],
            "source": data["source"],
            "reason": data["reason"].strip(),
        }


class EnteredUploadForm(forms.Form):
    """导入录入数据: a workbook or CSV file."""

    file = forms.FileField(
        label="文件",
        help_text="xlsx 或 csv，第 1 行为表头：被考核对象、期间、指标、数值、来源（可加 说明）",
        error_messages={"required": "请选择录入数据文件。", "empty": "所选文件是空的。"},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError("只能导入 .xlsx 或 .csv 文件。")
        if upload.size > 10 * 1024 * 1024:
            raise forms.ValidationError("文件不能超过 10 MB。")
        return upload
