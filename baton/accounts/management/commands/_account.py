"""The account a command names, or the command stops (exit 2) saying it is not there."""

from django.core.management.base import CommandError

from baton.accounts.models import User


def named_account(username: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"找不到账号 {username}。", returncode=2)
    return user
