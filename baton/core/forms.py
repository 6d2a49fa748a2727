"""What every form says the same way: dates, choices, areas in 亩, uploads and pages.

Forms only turn what was typed into values; these are the Chinese messages for input
that is not a value at all, written once for every app.
"""

from django import forms

from .messages import fill_in, too_long

NO_FILE = "没有收到文件，请重新选择。"
PAGE_INVALID = "分页参数无效，请回到第一页。"
_NOT_LISTED = "所选项不存在或不可选，请重新选择。"
_AREA_TOO_LONG = "面积过大，请核对。"
_AMOUNT_TOO_LONG = "金额过长。"

DATE_ERRORS = {
    "invalid": "日期格式不正确，应为 年-月-日，如 2024-03-01。",
    "required": "请填写日期。",
}
CHOICE_ERRORS = {
    "invalid_choice": _NOT_LISTED,
    "invalid_pk_value": _NOT_LISTED,
    "invalid_list": "请从列表中选择。",
}
#: An area in 亩, a DecimalField(max_digits=…, decimal_places=2, min_value=0).
AREA_ERRORS = {
    "invalid": "请输入数字（亩），如 12.5。",
    "min_value": "面积不能为负数。",
    "max_value": "面积不能超过 %(limit_value)s 亩。",
    "max_digits": _AREA_TOO_LONG,
    "max_whole_digits": _AREA_TOO_LONG,
    "max_decimal_places": "面积最多保留 2 位小数。",
}
#: A FileField's messages but "required", which names the file the page asks for.
UPLOAD_ERRORS = {"empty": "文件是空的，请重新选择。", "invalid": NO_FILE, "missing": NO_FILE}


#: Refused when an irreversible step (publish, 中止, delete) was not confirmed.
NOT_CONFIRMED = "请先勾选确认，再提交。"


def confirm_field(label: str) -> forms.BooleanField:
    """A box to tick before an irreversible step; the form is invalid without it, so the
    step is confirmed on the server whatever the page did."""
    return forms.BooleanField(label=label, error_messages={"required": NOT_CONFIRMED})


def megabytes(size: int) -> str:
    """Return a byte count as people read it: ``20 MB``, ``0.5 MB``."""
    return f"{size / 1048576:g} MB"


def too_large(limit: int, size: int | None = None, *, advice: str = "请分批导入。") -> str:
    """Return the refusal of a file over ``limit`` bytes (``size`` when it is known), with
    what to do instead (an import is split; an attachment is compressed)."""
    actual = f"（{megabytes(size)}）" if size is not None else ""
    return f"文件过大{actual}，单个文件不能超过 {megabytes(limit)}，{advice}"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def date_field(field_label: str, *, required: bool = True, **kwargs) -> forms.DateField:
    """A date typed in the browser's date picker, with the Chinese messages."""
    kwargs.setdefault("error_messages", DATE_ERRORS)
    return forms.DateField(label=field_label, required=required, widget=DateInput(), **kwargs)


def text_field(
    label: str,
    *,
    max_length: int | None = None,
    rows: int | None = None,
    required: bool = False,
    help_text: str = "",
) -> forms.CharField:
    """A line of text (or a box of ``rows`` lines), stripped, with the Chinese messages."""
    messages = {"required": fill_in(label)}
    if max_length:
        messages["max_length"] = too_long(max_length, label)
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        widget=forms.Textarea(attrs={"rows": rows}) if rows else None,
        help_text=help_text,
        strip=True,
        error_messages=messages,
    )


def amount_field(label: str, *, required: bool = False, help_text: str = "") -> forms.CharField:
    """An amount typed as text (万元, with separators); the form's clean turns it into a
    ``Decimal`` (``core.money``), so that a wrong one is refused in words."""
    return forms.CharField(
        label=label,
        required=required,
        max_length=30,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        error_messages={"required": fill_in(label), "max_length": _AMOUNT_TOO_LONG},
    )
