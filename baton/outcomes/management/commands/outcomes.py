"""``baton outcomes check [--as-of D] [--district CODE]`` (daily, idempotent) and
``baton outcomes import FILE.xlsx --district CODE [--source 统计局] [--dry-run]``."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from baton.core.dates import command_date
from baton.org.lookup import command_district
from baton.org.models import District

from ...importing import MAX_BYTES, SOURCE_INVALID, SOURCES, import_results
from ...services import check_summary, outcomes_check


class Command(BaseCommand):
    help = (
        "履约与效益：check 按核查日期评估投资协议承诺（未履约的向责任单位提出问题，可重复执行）；"
        "import 导入统计局等提供的效益数据工作簿（全部成功或全部不导入）。"
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        check = sub.add_parser("check", help="评估承诺（每日运行）")
        check.add_argument("--as-of", dest="as_of", help="评估日期 YYYY-MM-DD，默认今天")
        check.add_argument("--district", help="区的行政区划代码或名称，默认全部")
        load = sub.add_parser("import", help="导入效益数据工作簿")
        load.add_argument("file")
        load.add_argument("--district", required=True, help="区的行政区划代码或名称")
        load.add_argument("--source", default="统计局", help="数据来源（表中未填时），默认统计局")
        load.add_argument("--dry-run", action="store_true", help="只检查，不写入")

    def handle(self, *args, action, **options):
        getattr(self, f"_{action}")(**options)

    def _check(self, *, as_of=None, district=None, **_):
        from django.utils import timezone

        day = command_date(as_of) if as_of else timezone.localdate()
        place: District | None = command_district(district) if district else None
        try:
            counts = outcomes_check(as_of=day, district=place)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from None
        self.stdout.write(check_summary(*counts))

    def _import(self, *, file, district, source, dry_run=False, **_):
        place = command_district(district)
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"效益数据工作簿 {file} 不存在。")
        if path.stat().st_size > MAX_BYTES:
            raise CommandError("文件过大，效益数据工作簿不能超过 10 MB。")
        if source not in SOURCES:
            raise CommandError(SOURCE_INVALID)
        result = import_results(
            data=path.read_bytes(), actor=None, source=SOURCES[source], district_id=place.pk,
            dry_run=dry_run,
        )  # fmt: skip
        if not result.ok:
            raise CommandError("未导入任何内容：\n" + "\n".join(result.errors))
        self.stdout.write(result.summary())
