"""The header's bell: the unread count, one indexed count per page."""

from django import template

from baton.notices.selectors import unread_count

register = template.Library()


@register.inclusion_tag("notices/_bell.html", takes_context=True)
def notice_bell(context) -> dict:
    # The three administrators are told nothing (三员分立: they see no business data).
    user = context.get("user")
    if user is None or not user.is_authenticated or user.is_admin_role:
        return {"show": False}
    return {"show": True, "unread": unread_count(user)}
