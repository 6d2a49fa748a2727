"""A district named on a command line or in a query: by its 区划代码, else by its name."""

from django.core.management.base import CommandError

from .models import District


def find_district(text: str) -> District | None:
    """The district whose code, else whose name, is ``text``; None if there is none."""
    text = (text or "").strip()
    if not text:
        return None
    return District.objects.filter(code=text).first() or District.objects.filter(name=text).first()


def command_district(text: str) -> District:
    """The district a management command was given, or stop it (exit 2) with the reason."""
    district = find_district(text)
    if district is None:
        raise CommandError(f"找不到区：{text}", returncode=2)
    return district
