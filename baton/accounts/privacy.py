"""Contacts' phone numbers: the one masking rule and who may see a number in full.

等保 2.0 (personal information seen only by those who need it). Who sees what:

- ``FULL``: the unit holding the project (单位招商员 of the baton holder) and the office
  of its district (区招商办) work the project and see its contact's number in full,
  on every page, in the API and in their exports;
- ``ON_REQUEST``: a leader and the city reviewer read everything in their scope but see
  the number masked until they press 显示号码 (or ask the API's ``contact-phone``:
  ``full_phone``); each such view writes an audit record (``contact_unmasked``; the
  object is the project, never the number);
- ``NONE``: everyone else who can see the project (a co-unit, an earlier leg of the
  relay) sees it masked; the three administrators never see projects at all.
"""

import re

from django.core.exceptions import PermissionDenied
from django.db import transaction

from baton.audit.services import Event, audit_write

from .models import User

Role = User.Role

FULL, ON_REQUEST, NONE = "full", "on_request", "none"

PHONE_KEY = "contact_phone"
MASK = "****"
_MOBILE = re.compile(r"(?:0086|86)?(1\d{10})")
_LANDLINE = re.compile(r"\(?(0\d{2,3})\)?[-\s]?(\d{7,8})(?!\d)")


def is_masked(value) -> bool:
    return isinstance(value, str) and "*" in value


def mask_phone(value) -> str:
    """Return the number with its middle hidden, in one shape for every page and export.

    A mobile number keeps its first three and last four digits (138****1234, with or
    without +86); a landline its area code and last four (0592-***4567); anything else
    with at least seven digits its last four; shorter or odd values are all hidden.
    """
    text = str(value or "").strip()
    if not text or is_masked(text):
        return text
    digits = re.sub(r"\D", "", text)
    mobile = _MOBILE.fullmatch(digits)
    if mobile:
        number = mobile[1]
        return f"{number[:3]}{MASK}{number[-4:]}"
    landline = _LANDLINE.match(text)
    if landline:
        area, local = landline.groups()
        return f"{area}-{'*' * (len(local) - 4)}{local[-4:]}"
    if len(digits) >= 7:
        return f"{'*' * (len(digits) - 4)}{digits[-4:]}"
    return MASK


def contact_access(user, project) -> str:
    """How ``user`` (who can see ``project``) may see its contact's number."""
    role = getattr(user, "role", None)
    if role == Role.UNIT_STAFF and user.unit_id == project.unit_id:
        return FULL
    if role == Role.DISTRICT_OFFICE and user.district_id == project.district_id:
        return FULL
    if role in (Role.LEADER, Role.CITY_REVIEWER):
        return ON_REQUEST
    return NONE


def may_see_unmasked(user, project) -> bool:
    """The permission "may see contacts unmasked" (at once, or by asking)."""
    return contact_access(user, project) in (FULL, ON_REQUEST)


def can_reveal(user, project) -> bool:
    """Whether ``user`` may ask for the number: those who otherwise see it masked."""
    return contact_access(user, project) == ON_REQUEST


def shown_phone(user, project) -> str:
    """The contact's number as ``user`` sees it on a page, in the API or an export."""
    phone = project.contact_phone or ""
    return phone if contact_access(user, project) == FULL else mask_phone(phone)


def masked_values(values: dict) -> dict:
    """``values`` (an event's old or new) with a contact phone masked."""
    if not isinstance(values, dict) or not values.get(PHONE_KEY):
        return values
    return {**values, PHONE_KEY: mask_phone(values[PHONE_KEY])}


def shown_values(user, project, values: dict) -> dict:
    """An event's values as ``user`` sees them on the project's timeline."""
    if contact_access(user, project) == FULL:
        return values
    return masked_values(values)


def imported_phone_unchanged(imported: str, current: str, *, masked_view: bool = False) -> bool:
    """Whether an imported number leaves the stored one as it is.

    An exported masked number read back is the same as the stored one, not a change. An
    importer who sees the number masked (``masked_view``) has any number compared as they
    see it, by its mask: otherwise "unchanged" or "refused" would tell them whether a
    number they guessed is the stored one.
    """
    if masked_view:
        return mask_phone(imported) == mask_phone(current)
    return is_masked(imported) and bool(current) and imported == mask_phone(current)


def full_phone(*, user, project, request=None) -> str:
    """Return the contact's number in full (显示号码, on a page or through the API).

    ``user`` can see ``project`` (the caller has looked it up in their scope). ``FULL``
    gets the number it sees everywhere anyway, without an audit record; ``ON_REQUEST``
    gets it with a ``contact_unmasked`` record (none for a blank number: nothing was
    shown); ``NONE`` is refused with ``PermissionDenied``.
    """
    access = contact_access(user, project)
    if access == NONE:
        raise PermissionDenied("您无权查看该项目联系人的完整电话。")
    if access == ON_REQUEST and project.contact_phone:
        return contact_reveal(user=user, project=project, request=request)
    return project.contact_phone or ""


@transaction.atomic
def contact_reveal(*, user, project, request=None) -> str:
    """Return the number in full to a leader or the city reviewer, and audit the view.

    The caller has checked ``can_reveal`` (``full_phone`` does). The audit record names
    the project, never the number; if it cannot be written, no number is returned.
    """
    audit_write(
        request=request,
        user=user,
        event=Event.CONTACT_UNMASKED,
        obj=project,
        object_label=f"{project.code} {project.name}",
        detail="查看项目联系人的完整电话",
    )
    return project.contact_phone
