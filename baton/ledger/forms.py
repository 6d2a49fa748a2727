from django import forms
from django.utils import timezone

from baton.core.forms import UPLOAD_ERRORS, megabytes, too_large

from .exporter import LAYOUTS
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
