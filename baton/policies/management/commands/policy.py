"""``baton policy load FILE.json …`` | ``list`` | ``dump 文号`` | ``estimate --project CODE``."""

import json
from decimal import Decimal
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from baton.core.dates import parse_iso_date
from baton.projects.models import Project

from ...calculator import estimate, parse_fact
from ...exchange import policy_dump
from ...models import Policy
from ...services import PolicyError, policy_load

#: The largest file read.
MAX_BYTES = 2 * 1024 * 1024
SHIPPED = Path(__file__).resolve().parents[2] / "data"


def read_policy_file(path: Path):
    if not path.is_file():
        raise CommandError(f"找不到文件 {path}。")
    if path.stat().st_size > MAX_BYTES:
        raise CommandError(f"{path} 过大，政策文件不能超过 2 MB。")
    try:
        return json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CommandError(f"{path} 不是有效的 JSON（UTF-8）：{exc}") from None


class Command(BaseCommand):
    help = (
        "政策库：load 导入政策文件（同一文号整件替换，可重复执行），list 列出文号，"
        "dump 导出为 JSON，estimate 测算一个项目可享受的政策。"
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="导入 JSON 政策文件（全部成功或全部不导入）")
        load.add_argument("files", nargs="*")
        load.add_argument("--shipped", action="store_true", help="导入随系统提供的政策")
        sub.add_parser("list", help="每行一个文号")
        dump = sub.add_parser("dump", help="以 JSON 导出一件政策")
        dump.add_argument("number")
        est = sub.add_parser("estimate", help="测算项目可享受的政策")
        est.add_argument("--project", required=True, help="项目编号")
        est.add_argument("--on", help="按哪一天有效的条款计算（默认签约日期，未签约则今天）")
        est.add_argument(
            "--fact",
            action="append",
            default=[],
            help="补充数据，如 registered_capital=30000 或 注册资本=30000",
        )
        est.add_argument("--format", choices=["text", "json"], default="text")
        deliver = sub.add_parser(
            "deliver", help="政策兑现：为免申即享条款生成兑现，并把已达到节点的分期标为应付"
        )
        deliver.add_argument("--district", help="区划代码或名称")
        deliver.add_argument("--user", help="以该区招商办用户的身份办理（用户名）")
        deliver.add_argument("--on", help="办理日期（YYYY-MM-DD，默认今天）")

    def handle(self, *args, action, **options):
        getattr(self, f"_{action}")(**options)

    def _load(self, *, files, shipped=False, **_):
        paths = [Path(f) for f in files]
        if shipped:
            paths += sorted(SHIPPED.glob("*.json"))
        if not paths:
            raise CommandError("请给出政策文件，或使用 --shipped。")
        items = [read_policy_file(p) for p in paths]
        try:
            result = policy_load(items=items)
        except PolicyError as exc:
            raise CommandError("未导入任何内容：\n" + "\n".join(exc.messages)) from None
        for number in result.numbers:
            self.stdout.write(number)
        self.stderr.write(result.summary)
        for line in result.legacy:
            self.stderr.write(line)

    def _list(self, **_):
        for number in Policy.objects.order_by("number").values_list("number", flat=True):
            self.stdout.write(number)

    def _dump(self, *, number, **_):
        policy = Policy.objects.filter(number=number).first()
        if policy is None:
            raise CommandError(f"没有文号为“{number}”的政策。")
        self.stdout.write(json.dumps(policy_dump(policy), ensure_ascii=False, indent=2))

    def _estimate(self, *, project, on=None, fact=(), format="text", **_):
        row = Project.objects.filter(code=project).first()
        if row is None:
            raise CommandError(f"没有编号为 {project} 的项目。")
        try:
            day = parse_iso_date(on) if on else None
            facts = dict(parse_fact(f) for f in fact)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        result = estimate(project=row, on=day, facts=facts)
        if format == "json":
            self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{row.code} {row.name}（按 {result.on} 有效的政策）")
        for item in result.items:
            self.stdout.write(f"  {item.clause.policy.number} {item.clause.number}：{item.formula}")
        for miss in result.near:
            self.stdout.write(
                f"  差一点：{miss.clause.policy.number} {miss.clause.number}：{miss.reason}"
            )
        for miss in result.missing:
            self.stdout.write(f"  {miss.clause.policy.number} {miss.clause.number}：{miss.reason}")
        self.stdout.write(f"合计 {result.as_json()['total_wan']} 万元")

    def _deliver(self, *, district=None, user=None, on=None, **_):
        from ...delivery_command import run_deliver

        self.stdout.write(run_deliver(district=district, user=user, on=on))
