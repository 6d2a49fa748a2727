"""The district's channel settings (the office's page and the configuration site)."""

import urllib.parse

from django import forms

from .models import ADDRESS_SCHEMES, BAD_ADDRESS, Channel

_URL_HELP = "企业微信/钉钉群机器人的 Webhook 地址，或本单位接收系统的地址。"
KEEP_HELP = "留空则保留原密钥。"


class ChannelForm(forms.ModelForm):
    secret = forms.CharField(
        label="签名密钥",
        required=False,
        max_length=200,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=KEEP_HELP,
    )
    clear_secret = forms.BooleanField(label="清除签名密钥", required=False)

    class Meta:
        model = Channel
        fields = ["email_enabled", "webhook_kind", "webhook_url"]
        widgets = {
            "webhook_url": forms.TextInput(attrs={"placeholder": "https://", "inputmode": "url"})
        }
        help_texts = {"webhook_url": _URL_HELP}

    def clean_webhook_url(self) -> str:
        url = (self.cleaned_data.get("webhook_url") or "").strip()
        if url and urllib.parse.urlsplit(url).scheme not in ADDRESS_SCHEMES:
            raise forms.ValidationError(BAD_ADDRESS)
        return url

    def clean(self):
        data = super().clean()
        kind = data.get("webhook_kind")
        if kind and kind != Channel.Webhook.NONE and not data.get("webhook_url"):
            self.add_error("webhook_url", "选择了群机器人，请填写推送地址。")
        return data

    def save(self, commit: bool = True) -> Channel:
        channel = super().save(commit=False)
        if self.cleaned_data.get("clear_secret"):
            channel.secret = ""
        elif self.cleaned_data.get("secret"):
            channel.secret = self.cleaned_data["secret"]
        if commit:
            channel.save()
        return channel
