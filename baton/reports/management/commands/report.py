import datetime as dt
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from baton.core.dates import command_date, future_refusal
from baton.org.models import City, District
from baton.reports.charts import ChartFontError
from baton.reports.docx import pack_docx
from baton.reports.pack import pack_build
from baton.reports.selectors import Scope, figures_as_of
from baton.reports.summary import figures_json, summary_paragraph
from baton.reports.xlsx import pack_xlsx


class Command(BaseCommand):
    help = "打印截至某日的入库招商项目统计（按阶段的个数与投资额）。"

    def add_arguments(self, parser):
        parser.add_argument("--district", help="区划代码或名称，如 350213 或 翔安区；缺省为全市")
        parser.add_argument("--city", help="市的区划代码或名称；只有一个市时可省略")
        parser.add_argument("--as-of", dest="as_of", help="统计截止日期 YYYY-MM-DD，缺省为今天")
        parser.add_argument(
            "--format",
            dest="fmt",
            choices=["text", "json", "docx", "xlsx"],
            default="text",
            help="text：报告段落；json：机器可读；docx、xlsx：月报材料（Word、Excel）",
        )
        parser.add_argument(
            "-o",
            "--output",
            dest="output",
            help="docx、xlsx 写入的文件；缺省写到标准输出",
        )

    def handle(
        self, *args, district=None, city=None, as_of=None, fmt="text", output=None, **options
    ):
        if "org_city" not in connection.introspection.table_names():
            raise CommandError(
                "数据库尚未初始化：请先运行 baton migrate（或 baton demo 载入演示数据）。",
                returncode=2,
            )
        scope = _scope(district, city)
        day = _day(as_of)
        figures = figures_as_of(as_of=day, scope=scope)
        if fmt in ("docx", "xlsx"):
            self._pack(scope, day, fmt, output)
        elif fmt == "json":
            self.stdout.write(json.dumps(figures_json(figures), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(summary_paragraph(figures))

    def _pack(self, scope: Scope, day: dt.date, fmt: str, output: str | None) -> None:
        pack = pack_build(scope=scope, as_of=day)
        try:
            data = pack_docx(pack) if fmt == "docx" else pack_xlsx(pack)
        except ChartFontError as exc:
            raise CommandError(str(exc), returncode=2) from None
        if output:
            try:
                Path(output).write_bytes(data)
            except OSError as exc:
                raise CommandError(f"无法写入 {output}：{exc.strerror}", returncode=2) from None
            self.stderr.write(f"已生成 {output}：{pack.title}")
            return
        stream = getattr(self.stdout._out, "buffer", None)
        if stream is None:
            raise CommandError("二进制格式请用 -o 指定输出文件。", returncode=2)
        stream.write(data)
        stream.flush()


def _scope(district: str | None, city: str | None) -> Scope:
    if district:
        match = District.objects.select_related("city").filter(code=district).first() or (
            District.objects.select_related("city").filter(name=district).first()
        )
        if match is None:
            raise CommandError(f"找不到区：{district}", returncode=2)
        return Scope(district=match)
    if city:
        match = City.objects.filter(code=city).first() or City.objects.filter(name=city).first()
        if match is None:
            raise CommandError(f"找不到市：{city}", returncode=2)
        return Scope(city=match)
    cities = list(City.objects.all()[:2])
    if len(cities) == 1:
        return Scope(city=cities[0])
    if not cities:
        raise CommandError("还没有任何市、区数据，请先运行 baton demo 或导入台账。", returncode=2)
    raise CommandError("有多个市，请用 --city 或 --district 指定范围。", returncode=2)


def _day(text: str | None) -> dt.date:
    today = timezone.localdate()
    if not text:
        return today
    day = command_date(text)
    if refusal := future_refusal(day, text):
        raise CommandError(refusal, returncode=2)
    return day
