"""Forms of the review desk, and the helpers the dialogs' forms share: clean input only.

The services decide whether a step is allowed; these forms only turn what was typed
into values, with Chinese messages for anything that is not a value at all.
"""

from django import forms
from django.core.exceptions import ValidationError

from baton.core.messages import fill_in, too_long

from . import rules

#: A choice that is not among the offered ones.
INVALID_CHOICE = {"invalid_choice": "所选项无效，请重新选择。"}


def text_field(label: str, *, required: bool = True, max_length: int = 2000, rows: int = 3, **kw):
    """Return a text area whose errors name the field: 请填写…, …不能超过 N 个字."""
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={
            "required": fill_in(label),
            "max_length": too_long(max_length, label),
        },
        **kw,
    )


def posted(request):
    """Return the data of a POST, even an empty one (a form bound to it is checked), else None."""
    return request.POST if request.method == "POST" else None


def apply_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on its field when it names one."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            target = field if field in form.fields else None
            for message in messages:
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


# --- review ----------------------------------------------------------------------------


class ReviewForm(forms.Form):
    """审核: approve, or return with a reason; confirm a different project when asked."""

    decision = forms.ChoiceField(
        choices=[("approve", "通过"), ("return", "退回")],
        error_messages={"required": "请选择通过或退回。", **INVALID_CHOICE},
    )
    reason = text_field("审核意见", required=False, help_text="退回时必须填写原因。")
    not_duplicate = forms.BooleanField(
        label="已核对疑似重复项目，确认不是同一项目",
        required=False,
    )
    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        required=False,
        error_messages=dict.fromkeys(("invalid", "min_value"), "页面数据无效，请刷新页面后重试。"),
    )

    def __init__(self, *args, has_candidates: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.has_candidates = has_candidates
        if not has_candidates:
            del self.fields["not_duplicate"]

    def clean(self):
        data = super().clean()
        decision = data.get("decision")
        if decision == "return":
            try:
                rules.check_return_reason((data.get("reason") or "").strip())
            except ValidationError as exc:
                self.add_error(None, exc)
        if decision == "approve" and self.has_candidates and not data.get("not_duplicate"):
            self.add_error(
                "not_duplicate",
                "发现疑似重复项目：请逐一核对，确认不是同一项目后勾选再通过；如是同一项目，请退回。",
            )
        return data
