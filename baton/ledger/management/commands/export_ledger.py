import datetime as dt
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from baton.accounts.models import User
from baton.audit.hooks import audit_export
from baton.core.dates import command_date
from baton.ledger.exporter import LAYOUTS, ledger_export
from baton.org.lookup import command_district
from baton.org.models import District


class Command(BaseCommand):
    help = "导出项目台账（.xlsx）：contract 为可回导的标准格式，official 为带标题、两级表头和合计行的报送格式。"

    def add_arguments(self, parser):
        parser.add_argument("--district", help="区划代码或名称；只有一个区时可省略")
        parser.add_argument("--user", help="按该用户可见范围导出（用户名）")
        parser.add_argument("--as-of", dest="as_of", help="导出截至该日（YYYY-MM-DD）的在库项目")
        parser.add_argument("--layout", choices=LAYOUTS, default="contract")
        parser.add_argument("-o", "--output", help="输出文件，缺省写到标准输出")

    def handle(
        self, *args, district=None, user=None, as_of=None, layout="contract", output=None, **options
    ):
        scope_district = _district(district) if district else None
        scope_user = None
        if user:
            scope_user = User.objects.filter(username=user, is_active=True).first()
            if scope_user is None:
                raise CommandError(f"找不到用户：{user}", returncode=2)
        elif scope_district is None:
            districts = list(District.objects.all()[:2])
            if len(districts) != 1:
                raise CommandError(
                    "请用 --district 指定要导出的区（或 --user 按用户范围导出）。", returncode=2
                )
            scope_district = districts[0]
        day = _day(as_of) if as_of else None
        out = output or sys.stdout.buffer
        n = ledger_export(
            out=out, district=scope_district, user=scope_user, as_of=day, layout=layout
        )
        audit_export(
            what="ledger",
            rows=n,
            layout=layout,
            as_of=day,
            district=getattr(scope_district, "name", None),
            scope_user=user,
            output=output or "-",
        )
        if output:
            self.stdout.write(f"已导出 {n} 个项目到 {output}。")


def _district(text: str) -> District:
    return command_district(text)


def _day(text: str) -> dt.date:
    day = command_date(text)
    if day > timezone.localdate():
        raise CommandError(f"日期 {text} 晚于今天。", returncode=2)
    return day
