"""baton remind: today's reminders of what is due (run once a day; twice sends once)."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from baton.notices.remind import remind


class Command(BaseCommand):
    help = "提醒每个人明天到期、已逾期的督办、问题、交接和待审核事项（每项每天只提醒一次）。"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="按哪一天提醒（YYYY-MM-DD），默认今天")

    def handle(self, *args, date=None, **options):
        if date:
            try:
                today = dt.date.fromisoformat(date)
            except ValueError:
                raise CommandError(f"日期格式应为 YYYY-MM-DD：{date}", returncode=2) from None
        else:
            today = timezone.localdate()
        outcome = remind(today)
        self.stdout.write(f"{today:%Y-%m-%d}：已提醒 {outcome.people} 人、{outcome.items} 项待办。")
