import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from baton.audit.services import PurgeRefused, audit_purge


class Command(BaseCommand):
    help = "清理过期审计记录：只删除早于给定日期且超过保存期（至少 180 天）的记录，链仍可校验。"

    def add_arguments(self, parser):
        parser.add_argument("--before", required=True, help="删除该日（YYYY-MM-DD）之前的记录")

    def handle(self, *args, before, **options):
        try:
            day = dt.date.fromisoformat(before)
        except ValueError:
            raise CommandError(
                f"日期格式不正确：{before}（应为 YYYY-MM-DD）", returncode=2
            ) from None
        try:
            count = audit_purge(before=day, actor_name="baton audit-purge")
        except PurgeRefused as exc:
            raise CommandError(str(exc), returncode=2) from None
        self.stdout.write(f"已清理 {day:%Y-%m-%d} 之前的审计记录 {count} 条。")
