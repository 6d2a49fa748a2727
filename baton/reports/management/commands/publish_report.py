from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from baton.core.dates import chinese_date, command_date
from baton.reports.publish import report_publish

from .report import _scope


class Command(BaseCommand):
    help = "发布某月的月报数字（冻结为快照）；已发布的月份不能重复发布。"

    def add_arguments(self, parser):
        parser.add_argument("--district", help="区划代码或名称，如 350213；缺省为全市")
        parser.add_argument("--city", help="市的区划代码或名称；只有一个市时可省略")
        parser.add_argument(
            "--as-of", dest="as_of", required=True, help="月末日期 YYYY-MM-DD，如 2019-08-31"
        )

    def handle(self, *args, district=None, city=None, as_of=None, **options):
        day = command_date(as_of)
        scope = _scope(district, city)
        try:
            report = report_publish(scope=scope, as_of=day, actor=None)
        except ValidationError as exc:
            raise CommandError(exc.messages[0], returncode=1) from None
        total = report.figures["total"]
        self.stdout.write(
            f"已发布{scope.name}截至{chinese_date(day)}的月报：入库项目{total['count']}个，"
            f"总投资{total['investment_wan']}万元。"
        )
