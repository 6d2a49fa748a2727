"""``baton assessment load FILE.json`` | ``list`` | ``dump NAME`` | ``facts FILE.xlsx|csv``
| ``run --scheme NAME --period 2024 --format json`` (``docs/assessment.md``)."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Max, Q

from baton.org.models import District

from ... import engine
from ...entered_import import ImportRefused, districts_named, import_entered
from ...exchange import SchemeFileError, scheme_dump, scheme_load
from ...models import Scheme
from ...periods import parse_period, period_label

#: The largest file read.
MAX_BYTES = 2 * 1024 * 1024


def missing(path: Path) -> CommandError:
    return CommandError(f"文件 {path} 不存在。")


def read_json(path: Path):
    if not path.is_file():
        raise missing(path)
    if path.stat().st_size > MAX_BYTES:
        raise CommandError(f"{path} 过大，考核方案文件不能超过 2 MB。")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CommandError(f"{path} 不是有效的 JSON（UTF-8）：{exc}") from None


def find_scheme(name: str, district: str | None = None) -> Scheme:
    """The latest version of the scheme ``name`` (of ``district``, by code or name)."""
    schemes = Scheme.objects.filter(name=name).select_related("district")
    if district:
        schemes = schemes.filter(district__code=district) | schemes.filter(district__name=district)
    owners = set(schemes.values_list("district__name", flat=True))
    if not owners:
        raise CommandError(f"没有名为“{name}”的考核方案。")
    if len(owners) > 1:
        raise CommandError(
            f"有多个区都有名为“{name}”的考核方案（{'、'.join(sorted(owners))}），"
            "请用 --district 指定。"
        )
    return schemes.order_by("-version").first()


class Command(BaseCommand):
    help = (
        "考核方案：load 导入方案文件（JSON），list 列出方案名称，dump 导出为 JSON，"
        "facts 导入录入数据，run 按方案计算某一期的得分与排名（不保存）。"
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="导入 JSON 考核方案文件（全部成功或全部不导入）")
        load.add_argument("files", nargs="+")
        sub.add_parser("list", help="每行一个方案名称")
        dump = sub.add_parser("dump", help="以 JSON 导出一个方案（最新版本）")
        dump.add_argument("name")
        dump.add_argument("--district", help="区划代码或名称（多个区有同名方案时）")
        facts = sub.add_parser(
            "facts", help="导入录入数据（.xlsx 或 .csv：被考核对象、期间、指标、数值、来源、说明）"
        )
        facts.add_argument("file")
        facts.add_argument("--district", help="区划代码或名称（单位名称在多个区重名时）")
        facts.add_argument(
            "--city", help="市的区划代码或名称：被考核对象为本市各区（整体），供市级方案使用"
        )
        run = sub.add_parser("run", help="计算一期的得分与排名（试算，不保存）")
        run.add_argument("--scheme", required=True, help="方案名称（最新版本）")
        run.add_argument("--district", help="区划代码或名称（多个区有同名方案时）")
        run.add_argument("--period", required=True, help="如 2024、2024-Q1、2024-03、2024-01~08")
        run.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, action, **options):
        getattr(self, f"_{action}")(**options)

    def _load(self, *, files, **_):
        items = [read_json(Path(f)) for f in files]
        results, errors = [], []
        for path, data in zip(files, items, strict=True):
            try:
                results.append(scheme_load(data))
            except SchemeFileError as exc:
                errors += [f"{path}：{message}" for message in exc.messages]
        if errors:
            # Each file is loaded in its own transaction: say which were, and why not the rest.
            loaded = "".join(f"\n已导入：{r.scheme.name}" for r in results)
            raise CommandError("以下文件未导入：\n" + "\n".join(errors) + loaded)
        for result in results:
            self.stdout.write(result.scheme.name)
            self.stderr.write(result.summary)

    def _facts(self, *, file, district=None, city=None, **_):
        path = Path(file)
        if not path.is_file():
            raise missing(path)
        if path.stat().st_size > 20 * MAX_BYTES:
            raise CommandError(f"{path} 过大，不能超过 40 MB。")
        if city:
            districts = District.objects.filter(Q(city__code=city) | Q(city__name=city))
            if not districts.exists():
                raise CommandError(f"没有区划代码或名称为“{city}”的市。")
        else:
            districts = districts_named(district)
            if district and not districts.exists():
                raise CommandError(f"没有区划代码或名称为“{district}”的区。")
        try:
            result = import_entered(
                data=path.read_bytes(),
                filename=path.name,
                districts=list(districts),
                actor=None,
                by_district=bool(city),
            )
        except ImportRefused as exc:
            raise CommandError("未导入任何数据：\n" + "\n".join(exc.messages)) from None
        self.stdout.write(result.summary)

    def _list(self, **_):
        names = Scheme.objects.values("name").annotate(v=Max("version")).order_by("name")
        for row in names:
            self.stdout.write(row["name"])

    def _dump(self, *, name, district=None, **_):
        scheme = find_scheme(name, district)
        self.stdout.write(json.dumps(scheme_dump(scheme), ensure_ascii=False, indent=2))

    def _run(self, *, scheme, period, district=None, format="text", **_):
        found = find_scheme(scheme, district)
        try:
            span = parse_period(period)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        lines = engine.compute(scheme=found, period_start=span.start, period_end=span.end)
        names = {m.party_id: m.party_name for m in found.units.select_related("unit", "district")}
        rows = [
            {
                "party": names[line.unit_id],
                "total": str(line.total),
                "rank": line.rank,
                "items": [
                    {
                        "item": s.indicator.name,
                        "raw": str(s.raw),
                        "score": str(s.score),
                        "formula": s.formula,
                    }
                    for s in line.scores
                ],
            }
            for line in lines
        ]
        if format == "json":
            out = {"scheme": found.name, "period": period_label(span.start, span.end), "rows": rows}
            self.stdout.write(json.dumps(out, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{found}　{period_label(span.start, span.end)}（试算，未保存）")
        for row in rows:
            self.stdout.write(f"{row['rank']}. {row['party']}　{row['total']}")
            for item in row["items"]:
                self.stdout.write(f"    {item['item']}：{item['score']}　{item['formula']}")
