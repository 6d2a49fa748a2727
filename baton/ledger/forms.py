from django import forms
from django.utils import timezone

from baton.core.forms import UPLOAD_ERRORS, megabytes, too_large
from baton.org.models import Unit

from .exporter import LAYOUTS
from .mapping import ADDABLE, UNIT_KINDS
from .reading import Limits

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class LedgerUploadForm(forms.Form):
    """The ledger workbook to check; ``cleaned_data["file"]`` is its bytes."""

    file = forms.FileField(
        label="台账文件（.xlsx）",
        error_messages={
            "required": "请选择要导入的台账文件。",
            **UPLOAD_ERRORS,
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_bytes = Limits().max_bytes
        self.fields["file"].help_text = (
            f"Excel 2007 及以上格式（.xlsx），不超过 {megabytes(self.max_bytes)}；"
            "工作表“项目台账”，可选“阶段记录”。"
        )
        self.fields["file"].widget.attrs.update(
            {"accept": f".xlsx,{XLSX}", "data-max-bytes": self.max_bytes}
        )

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(
                "只能导入 .xlsx 文件；.xls 或 .csv 请先在 Excel 中另存为 .xlsx。"
            )
        if upload.size > self.max_bytes:
            raise forms.ValidationError(too_large(self.max_bytes, upload.size))
        return upload.read()


class LedgerExportForm(forms.Form):
    """The export's own options; the rows are chosen by the project list's filters."""

    layout = forms.ChoiceField(
        label="格式",
        required=False,
        choices=list(zip(LAYOUTS, ("标准格式（可再导入）", "正式报表"), strict=True)),
        error_messages={"invalid_choice": "导出格式无效。"},
    )
    as_of = forms.DateField(
        label="截至日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "截至日期格式不正确（应为 YYYY-MM-DD）。"},
    )

    def clean_layout(self) -> str:
        return self.cleaned_data["layout"] or LAYOUTS[0]

    def clean_as_of(self):
        day = self.cleaned_data["as_of"]
        if day is not None and day > timezone.localdate():
            raise forms.ValidationError("截至日期不能晚于今天。")
        return day


ADD = "__add__"


def _add_choices(item: dict) -> list[tuple[str, str]]:
    """The preview's ways to add an unknown value: a 责任单位 once for each kind it may be
    (never a 协调部门), a 行业 or a 挂钩领导 once."""
    if item["key"] != "unit":
        return [(ADD, f"加入目录：新增{item['column']}“{item['value']}”")]
    kinds = dict(Unit.Kind.choices)
    return [
        (f"{ADD}{kind}", f"加入目录：新增{kinds[kind]}“{item['value']}”") for kind in UNIT_KINDS
    ]


class UnknownValuesForm(forms.Form):
    """What each value outside the catalogues stands for: a catalogue value, or (for a
    user who may add to the catalogue) a new one. A field left empty is left unknown."""

    def __init__(self, *args, unknown: list[dict], may_add: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.unknown = unknown
        self.may_add = may_add and any(item["addable"] for item in unknown)
        self.map_only = any(item["key"] not in ADDABLE for item in unknown)
        for index, item in enumerate(unknown):
            choices = [("", "暂不处理")]
            if item["addable"] and may_add:
                choices += _add_choices(item)
            choices += [(name, name) for name in item["choices"]]
            label = f"{item['column']}“{item['value']}”对应到"
            self.fields[f"v{index}"] = forms.ChoiceField(
                label=label,
                choices=choices,
                widget=forms.Select(attrs={"aria-label": label}),
                required=False,
                error_messages={"invalid_choice": "请从列表中选择目录中已有的值。"},
            )

    def rows(self):
        """Yield each unknown value with its field, as the preview lists them."""
        for index, item in enumerate(self.unknown):
            yield item, self[f"v{index}"]

    def mapping(self, mapping):
        """Return ``mapping`` with the choices made here added to it: each value added
        is added alone (a value left 暂不处理 stays unknown)."""
        for index, item in enumerate(self.unknown):
            choice = self.cleaned_data.get(f"v{index}")
            value = (item["key"], item["value"])
            if choice and choice.startswith(ADD):
                mapping.new[value] = choice.removeprefix(ADD)
                mapping.targets.pop(value, None)
            elif choice:
                mapping.targets[value] = choice
                mapping.new.pop(value, None)
        return mapping


class LeadLedgerForm(forms.Form):
    file = forms.FileField(label="招商线索台账（.xlsx）", error_messages=UPLOAD_ERRORS)
    dry_run = forms.BooleanField(label="试导入（只校验，不写入）", required=False)
