from django.core.management.base import BaseCommand, CommandError

from baton.accounts.api_auth import token_revoke
from baton.accounts.models import ApiToken


class Command(BaseCommand):
    help = "吊销接口访问令牌：按令牌前缀吊销一个，或用 --user 吊销某账号的全部令牌。"

    def add_arguments(self, parser):
        parser.add_argument(
            "prefix", nargs="?", help="令牌前缀（创建时显示的 baton_ 开头的 12 位）"
        )
        parser.add_argument("--user", dest="username", help="吊销该账号的全部令牌")

    def handle(self, *args, prefix=None, username=None, **options):
        if bool(prefix) == bool(username):
            raise CommandError("请给出令牌前缀或 --user 之一。", returncode=2)
        tokens = ApiToken.objects.filter(revoked_at__isnull=True)
        tokens = tokens.filter(prefix=prefix) if prefix else tokens.filter(user__username=username)
        tokens = list(tokens)
        if prefix and len(tokens) > 1:
            raise CommandError(f"前缀 {prefix} 对应多个令牌，请用 --user 吊销。", returncode=2)
        revoked = sum(token_revoke(token=token) for token in tokens)
        self.stdout.write(f"已吊销 {revoked} 个令牌。")
