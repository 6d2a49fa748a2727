"""The forms of attachments: clean input only (the service checks the file itself)."""

from django import forms

from baton.core.forms import CHOICE_ERRORS, UPLOAD_ERRORS, confirm_field
from baton.projects.models import Milestone

from . import content
from .models import Attachment
from .services import CHOOSABLE, LABEL_LIMIT, LABEL_TOO_LONG, NO_KIND


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(
        label="类别",
        choices=[(k, label) for k, label in Attachment.Kind.choices if k in CHOOSABLE],
        error_messages={**CHOICE_ERRORS, "required": NO_KIND},
    )
    milestone = forms.ModelChoiceField(
        label="所属里程碑",
        queryset=Milestone.objects.none(),
        required=False,
        empty_label="（不属于某个里程碑）",
        error_messages=CHOICE_ERRORS,
        help_text="如签约协议，可选“签约”。",
    )
    label = forms.CharField(
        label="说明",
        required=False,
        max_length=LABEL_LIMIT,
        error_messages={"max_length": LABEL_TOO_LONG},
    )
    file = forms.FileField(
        label="文件",
        allow_empty_file=True,  # the service says an empty file is empty, by its name
        widget=forms.ClearableFileInput(attrs={"accept": content.ACCEPT}),
        error_messages={**UPLOAD_ERRORS, "required": "请选择要上传的文件。"},
        help_text=content.HELP,
    )

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["milestone"].queryset = Milestone.objects.filter(project=project)


class AttachmentDeleteForm(forms.Form):
    confirm = confirm_field("确认删除该附件。删除后不能恢复，项目动态中保留删除记录。")
