"""The form renderer: Django's, with plain ``<select>`` elements written in Python.

A select's options go through the template language one by one: the 项目库's filter
form, with its units, industries, leaders and stages, spent ~5 ms of every list page
there. ``FormRenderer`` writes a select whose options all use Django's own option
template in one pass, character for character what Django's templates write
(``baton/tests/test_select_widget.py`` holds it to that); a widget with an option
template of its own, and every other widget, still render through the templates.
"""

from django.forms.renderers import TemplatesSetting
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"


class FormRenderer(TemplatesSetting):
    def render(self, template_name, context, request=None):
        if template_name == SELECT:
            html = select_html(context["widget"])
            if html is not None:
                return html
        return super().render(template_name, context, request)


def select_html(widget: dict) -> str | None:
    """Return Django's select.html for ``widget``, or None when an option has its own template."""
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in options:
            if option["template_name"] != OPTION:
                return None
            parts.append(
                f'\n  <option value="{_text(option["value"])}"{_attrs(option["attrs"])}>'
                f"{conditional_escape(option['label'])}</option>\n"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _text(value) -> str:
    """``{{ value|stringformat:'s' }}`` under autoescape."""
    text = "%s" % (value,)  # noqa: UP031 — exactly the filter's formatting
    return text if isinstance(value, SafeData) else conditional_escape(text)


def _attrs(attrs: dict) -> str:
    """Django's attrs.html: ``name="value"``, a bare ``name`` for True, nothing for False."""
    return "".join(
        f" {conditional_escape(name)}"
        if value is True
        else f' {conditional_escape(name)}="{_text(value)}"'
        for name, value in attrs.items()
        if value is not False
    )
