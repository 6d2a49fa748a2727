"""``baton news extract FILE`` | ``baton news reconcile FILE --district CODE``."""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from baton.core.dates import command_date
from baton.org.lookup import command_district

from ...extract import extract
from ...numbers import plain_wan
from ...reading import MAX_BYTES, ReadError, read_bytes
from ...reconcile import reconcile
from ...selectors import library_places


def read_file(name: str) -> str:
    """Return the text of FILE (``-`` for standard input), or stop with the reason."""
    try:
        if name == "-":
            data = sys.stdin.buffer.read(MAX_BYTES + 1)
        else:
            path = Path(name)
            if not path.is_file():
                raise CommandError(f"找不到文件 {name}。", returncode=2)
            if path.stat().st_size > MAX_BYTES:
                raise CommandError(f"{name} 过大，不能超过 20 MB。", returncode=2)
            data = path.read_bytes()
        return read_bytes(data, name)
    except ReadError as exc:
        raise CommandError(f"{name}：{exc}", returncode=2) from None
    except OSError as exc:
        raise CommandError(f"无法读取 {name}：{exc.strerror}", returncode=2) from None


class Command(BaseCommand):
    help = (
        "读新闻：extract 从报道（文本、网页、.docx、PDF）中读出日期、地区、项目数与投资额、"
        "企业；reconcile 把报道中的数字与项目库核对（全部一致时退出码为 0）。"
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        ext = sub.add_parser("extract", help="读出报道中的数字与企业")
        ext.add_argument("file", help="文件路径；- 表示标准输入")
        ext.add_argument("--format", dest="fmt", choices=["text", "json"], default="text")
        rec = sub.add_parser("reconcile", help="与项目库核对报道中的数字")
        rec.add_argument("file", help="文件路径；- 表示标准输入")
        rec.add_argument("--district", required=True, help="区划代码或名称，如 350213")
        rec.add_argument("--as-of", dest="as_of", help="核对日期 YYYY-MM-DD，缺省按文中所述")
        rec.add_argument("--format", dest="fmt", choices=["text", "json"], default="text")

    def handle(self, *args, action, **options):
        getattr(self, f"_{action}")(**options)

    def _extract(self, *, file, fmt="text", **_):
        places = library_places() if _has_db() else ()
        reading = extract(read_file(file), places=places)
        if fmt == "json":
            self.stdout.write(json.dumps(reading.as_json(), ensure_ascii=False, indent=2))
            return
        data = reading.as_json()
        self.stdout.write(
            f"发布日期：{data['date'] or '未识别'}；统计截至：{data['as_of'] or '未识别'}"
        )
        self.stdout.write(f"地区：{data['place_name'] or '未识别'}（{data['place'] or '-'}）")
        for group in reading.groups:
            amount = (
                f"，{plain_wan(group.investment_wan)}万元"
                if group.investment_wan is not None
                else ""
            )
            of = f"（其中，属{group.of}）" if group.of else ""
            self.stdout.write(f"  {group.kind} {group.count}个{amount}{of}")
        for company in reading.companies:
            self.stdout.write(f"  企业：{company.name} {company.uscc}".rstrip())
        self.stderr.write(f"读出 {len(reading.groups)} 组数字、{len(reading.companies)} 家企业。")

    def _reconcile(self, *, file, district, as_of=None, fmt="text", **_):
        if not _has_db():
            raise CommandError(
                "还没有区划和项目数据，无法核对：请先运行 baton migrate 并导入台账（或 baton demo）。",
                returncode=2,
            )
        where = command_district(district)
        reading = extract(read_file(file), places=library_places())
        if not reading.groups:
            raise CommandError("文中没有读出项目数与投资额，无法核对。", returncode=2)
        try:
            day = command_date(as_of) if as_of else None
            result = reconcile(reading=reading, district=where, as_of=day)
        except ValueError as exc:
            raise CommandError(str(exc), returncode=2) from None
        if fmt == "json":
            self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False, indent=2))
        else:
            for line in result.lines():
                self.stdout.write(line)
        if not result.all_match:
            raise CommandError("与项目库不一致（或没有可核对的数字）。", returncode=1)


def _has_db() -> bool:
    try:
        return "org_district" in connection.introspection.table_names()
    except Exception:
        return False
