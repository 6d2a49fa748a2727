"""The dialogs of a handoff waiting for its receiving unit: accept, decline, withdraw."""

from django import forms

from .forms import TEXT_ERRORS, date_field
from .rules import BACKDATE_FREE_DAYS, DECLINE_NEEDS_REASON


def _reason(label: str, *, required: bool, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=help_text,
        error_messages={"required": DECLINE_NEEDS_REASON, **TEXT_ERRORS},
    )


class HandoffAcceptForm(forms.Form):
    on = date_field(
        "接收日期",
        required=False,
        help_text=f"不填为今天；自接收之日起由本单位负责，早于今天 {BACKDATE_FREE_DAYS} 天以上须说明原因",
    )
    reason = _reason("说明", required=False)


class HandoffDeclineForm(forms.Form):
    reason = _reason("拒绝原因", required=True, help_text="原因会记入项目动态，交出单位可见")


class HandoffWithdrawForm(forms.Form):
    reason = _reason("撤回说明", required=False)
