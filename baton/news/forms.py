"""The forms of the news pages: they clean input and hand it to the services."""

from django import forms
from django.core.exceptions import ValidationError

from baton.core.forms import amount_field, text_field, too_large
from baton.core.money import to_wan
from baton.leads.models import Lead
from baton.leads.rules import NO_UNIT
from baton.org.models import Unit

from .reading import MAX_BYTES, ReadError, read_bytes
from .rules import BAD_URL
from .services import MAX_TEXT

NOTHING = "请粘贴报道文字，或选择要上传的文件。"


class ReadForm(forms.Form):
    text = text_field(
        "报道文字", rows=10, help_text="粘贴新闻、政府报告或通报的文字（可为繁体、全角）"
    )
    file = forms.FileField(
        label="或上传文件",
        required=False,
        help_text="文本（.txt）、网页（.html）、Word（.docx）或文字版 PDF，不超过 20 MB",
    )
    title = text_field("标题或来源", max_length=200)
    source_url = forms.URLField(
        label="来源网址",
        required=False,
        max_length=500,
        assume_scheme="https",
        error_messages={"invalid": BAD_URL},
    )

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload:
            if upload.size > MAX_BYTES:
                raise ValidationError(
                    too_large(MAX_BYTES, upload.size, advice="请只保留相关报道。")
                )
            try:
                data["text"] = read_bytes(upload.read(), upload.name or "")
            except ReadError as exc:
                raise ValidationError({"file": [str(exc)]}) from None
        elif not data.get("text") and not self.errors:
            raise ValidationError({"text": [NOTHING]})
        return data


class DraftForm(forms.Form):
    text = forms.CharField(widget=forms.HiddenInput, max_length=MAX_TEXT, strip=True)
    name = forms.CharField(widget=forms.HiddenInput, max_length=200)
    title = forms.CharField(widget=forms.HiddenInput, required=False, max_length=200)
    # The reading form's web address carried on: checked again, a hand-made POST is possible.
    source_url = forms.URLField(
        widget=forms.HiddenInput,
        required=False,
        max_length=500,
        assume_scheme="https",
        error_messages={"invalid": BAD_URL},
    )


class AcceptForm(forms.Form):
    unit = forms.ModelChoiceField(
        Unit.objects.none(),
        label="首报单位",
        error_messages={"required": NO_UNIT, "invalid_choice": "请选择本区的单位。"},
    )
    title = text_field("项目名称", max_length=200, required=True)
    investment = amount_field("总投资（万元）", required=True)
    industry_code = text_field("行业代码", max_length=5, help_text="GB/T 4754，如 C3841，可不填")
    confirmed = forms.BooleanField(
        label="本单位已登记过该企业的信息，确认是另一个项目", required=False
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units

    def clean_investment(self):
        try:
            return to_wan(self.cleaned_data["investment"])
        except ValidationError as exc:
            raise ValidationError(exc.messages) from None


class MergeForm(forms.Form):
    lead = forms.ModelChoiceField(
        Lead.objects.none(),
        label="并入的投资信息",
        error_messages={
            "required": "请选择要并入的投资信息。",
            "invalid_choice": "请选择本区跟进中的投资信息。",
        },
    )

    def __init__(self, *args, leads, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = leads
        self.fields["lead"].label_from_instance = lambda lead: (
            f"{lead.code}「{lead.title}」{lead.company.name}"
        )


class DiscardForm(forms.Form):
    reason = text_field("舍弃原因", max_length=500, rows=3, required=True)
