"""The header's bell: the unread count, one indexed count per page."""

from django import template

from baton.notices.selectors import unread_count

register = template.Library()


@register.inclusion_tag("notices/_bell.html", takes_context=True)
def notice_bell(context) -> dict:
    user = context.get("user")
    return {"unread": unread_count(user) if user is not None else 0}
