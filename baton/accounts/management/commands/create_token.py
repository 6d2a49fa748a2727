from django.core.management.base import BaseCommand, CommandError

from baton.accounts.api_auth import token_create

from ._account import named_account

MAX_DAYS = 3660


class Command(BaseCommand):
    help = "为账号创建一个接口访问令牌（HTTP API），令牌只显示这一次。"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="令牌用途，如“市大数据平台对接”")
        parser.add_argument("--days", type=int, help="有效天数；缺省为长期有效，直到吊销")

    def handle(self, username, *args, name="", days=None, **options):
        user = named_account(username)
        if not user.is_active:
            raise CommandError(f"账号 {username} 已停用，不能创建令牌。", returncode=2)
        if days is not None and not 1 <= days <= MAX_DAYS:
            raise CommandError(f"--days 必须在 1 到 {MAX_DAYS} 之间。", returncode=2)
        token, secret = token_create(user=user, name=name, days=days)
        until = f"有效期至 {token.expires_at:%Y-%m-%d %H:%M %Z}" if token.expires_at else "长期有效"
        self.stdout.write(secret)
        self.stderr.write(
            f"已为 {user.username}（{user.get_role_display()}）创建令牌 {token.prefix}…，{until}。"
            "令牌只显示这一次，请妥善保存。"
        )
