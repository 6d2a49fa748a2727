import time

from django.core.management.base import BaseCommand
from django.db import connection

from baton.reports.snapshots import snapshot_refresh


class Command(BaseCommand):
    help = "计算已结束月份的月末统计快照（缺失或已过期的月份）；可每晚运行，重复运行无害。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--rebuild", action="store_true", help="全部重算（check-periods --fix 之后使用）"
        )

    def handle(self, *args, rebuild=False, **options):
        started = time.monotonic()
        result = snapshot_refresh(rebuild=rebuild)
        if result.computed and connection.vendor == "postgresql" and not connection.in_atomic_block:
            # Sets the visibility map, so month ends are read from the covering index alone.
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE reports_monthendline")
        self.stdout.write(
            f"月末快照：计算 {result.computed} 个月（{result.lines:,} 行），"
            f"{result.fresh} 个月无需更新，用时 {time.monotonic() - started:.1f} 秒。"
        )
