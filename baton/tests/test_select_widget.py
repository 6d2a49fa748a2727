"""Our select template (baton/templates/django/forms/widgets/select.html) renders as Django's."""

from django import forms
from django.forms.renderers import DjangoTemplates, TemplatesSetting


class CustomOption(forms.Select):
    option_template_name = "django/forms/widgets/radio_option.html"


class Sample(forms.Form):
    plain = forms.ChoiceField(choices=[("", "全部"), ("1", "马巷街道"), ("2", "新店<街道>")])
    grouped = forms.MultipleChoiceField(
        choices=[("厦门", [("a", "翔安区"), ("b", "同安区")]), ("c", "其他")],
        widget=forms.SelectMultiple(attrs={"class": "wide", "data-x": "1"}),
    )
    custom = forms.ChoiceField(choices=[("x", "甲"), ("y", "乙")], widget=CustomOption)


def test_it_renders_exactly_as_django_does():
    data = {"plain": "2", "grouped": ["a", "c"], "custom": "y"}
    ours, django = Sample(data), Sample(data, renderer=DjangoTemplates())
    assert isinstance(ours.renderer, TemplatesSetting)
    for name in ("plain", "grouped", "custom"):
        assert ours[name].as_widget() == django[name].as_widget()
    assert "<optgroup" in ours["grouped"].as_widget()
    assert "selected>新店&lt;街道&gt;</option>" in ours["plain"].as_widget()
