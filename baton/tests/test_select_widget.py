"""Our form renderer (config/renderers.py) writes selects exactly as Django's templates do."""

from unittest import mock

from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from config import renderers


class CustomOption(forms.Select):
    option_template_name = "django/forms/widgets/radio_option.html"


class Sample(forms.Form):
    plain = forms.ChoiceField(choices=[("", "全部"), ("1", "马巷街道"), ("2", "新店<街道>")])
    grouped = forms.MultipleChoiceField(
        choices=[("厦门", [("a", "翔安区"), ("b", "同安区")]), ("c", "其他")],
        widget=forms.SelectMultiple(attrs={"class": "wide", "data-x": "1"}),
    )
    custom = forms.ChoiceField(choices=[("x", "甲"), ("y", "乙")], widget=CustomOption)
    numbers = forms.TypedChoiceField(
        coerce=int,
        choices=[(1, mark_safe("<b>一</b>")), (2, "二 & 三"), (3, '"引号"')],
        widget=forms.Select(attrs={"disabled": True, "hidden": False, "title": 'a"b'}),
    )


def test_it_renders_exactly_as_django_does():
    data = {"plain": "2", "grouped": ["a", "c"], "custom": "y", "numbers": "3"}
    ours, django = Sample(data), Sample(data, renderer=DjangoTemplates())
    assert isinstance(ours.renderer, renderers.FormRenderer)
    for name in ours.fields:
        assert ours[name].as_widget() == django[name].as_widget(), name
    assert "<optgroup" in ours["grouped"].as_widget()
    assert "selected>新店&lt;街道&gt;</option>" in ours["plain"].as_widget()
    assert "<b>一</b>" in ours["numbers"].as_widget()
    assert ' disabled title="a&quot;b"' in ours["numbers"].as_widget()
    assert "hidden" not in ours["numbers"].as_widget()


def test_plain_selects_skip_the_templates_and_custom_options_keep_them():
    form = Sample()
    with mock.patch.object(
        renderers.TemplatesSetting, "render", side_effect=AssertionError("template used")
    ):
        assert form["plain"].as_widget().startswith('<select name="plain"')
    with mock.patch.object(renderers.TemplatesSetting, "render", return_value="T") as render:
        assert form["custom"].as_widget() == "T"
    render.assert_called_once()
