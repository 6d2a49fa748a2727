"""``baton chains load FILE.json --district CODE`` | ``list`` | ``dump NAME --district CODE``."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from baton.org.lookup import command_district
from baton.org.models import District

from ...exchange import LoadError, chain_dump, chain_load
from ...models import Chain

#: The largest file read.
MAX_BYTES = 2 * 1024 * 1024


def _district(code: str) -> District:
    return command_district(code)


class Command(BaseCommand):
    help = (
        "产业链图谱：load 导入 JSON 文件（同名产业链整条替换，可重复执行），list 列出，dump 导出。"
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="导入 JSON 文件中的产业链")
        load.add_argument("file")
        load.add_argument("--district", required=True, help="区的行政区划代码或名称")
        listing = sub.add_parser("list", help="列出产业链")
        listing.add_argument("--district", help="区的行政区划代码或名称")
        dump = sub.add_parser("dump", help="以 JSON 导出一条产业链")
        dump.add_argument("name")
        dump.add_argument("--district", required=True, help="区的行政区划代码或名称")

    def handle(self, *args, action, **options):
        getattr(self, f"_{action}")(**options)

    def _load(self, *, file, district, **_):
        place = _district(district)
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件 {file}。")
        if path.stat().st_size > MAX_BYTES:
            raise CommandError("文件过大，产业链文件不能超过 2 MB。")
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CommandError(f"文件不是有效的 JSON（UTF-8）：{exc}") from None
        try:
            result = chain_load(district=place, data=data)
        except LoadError as exc:
            raise CommandError("未导入任何内容：\n" + "\n".join(exc.messages)) from None
        self.stdout.write(result.summary)

    def _list(self, *, district=None, **_):
        chains = Chain.objects.select_related("district")
        if district:
            chains = chains.filter(district=_district(district))
        for chain in chains:
            self.stdout.write(f"{chain.district.code}\t{chain.name}\t{chain.nodes.count()} 个环节")

    def _dump(self, *, name, district, **_):
        chain = Chain.objects.filter(district=_district(district), name=name).first()
        if chain is None:
            raise CommandError(f"该区没有名为「{name}」的产业链。")
        self.stdout.write(json.dumps(chain_dump(chain), ensure_ascii=False, indent=2))
