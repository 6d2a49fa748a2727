import time

from django.core.management.base import BaseCommand

from baton.projects import search_keys


class Command(BaseCommand):
    help = (
        "更新项目检索键（项目名称和投资方的拼音首字母、联系人、联系电话摘要）："
        "默认只算有变化的项目；--all 全部重算（更换 BATON_SECRET_KEY 后须执行）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="全部重算")

    def handle(self, *args, all=False, **options):
        started = time.monotonic()
        count = search_keys.refresh_all() if all else search_keys.refresh_stale()
        self.stdout.write(
            f"已更新 {count:,} 个项目的检索键，用时 {time.monotonic() - started:.1f} 秒。"
        )
