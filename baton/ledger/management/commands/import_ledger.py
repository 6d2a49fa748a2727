import shlex
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from baton.accounts.models import User
from baton.audit.hooks import audit_import
from baton.audit.services import audit_batch
from baton.core.forms import too_large
from baton.core.messages import file_errors
from baton.ledger.annotate import error_workbook
from baton.ledger.columns import BY_KEY
from baton.ledger.importer import IMPORT_REFUSED, ledger_import
from baton.ledger.mapping import (
    ADDABLE,
    UNIT_KINDS,
    Mapping,
    cli_hint,
    column_key,
    columns_named,
    parse_map,
)
from baton.ledger.reading import Limits
from baton.org.lookup import command_district
from baton.projects import permissions


class Command(BaseCommand):
    help = (
        "导入项目台账（.xlsx，工作表“项目台账”，可选“阶段记录”）：全部通过才写入，重复导入不产生变化。"
        "目录外的行业、责任单位、挂钩领导、项目阶段、入库状态用 --map 对应到目录中的值，"
        "或用 --add-missing 行业|责任单位|挂钩领导 加入目录（责任单位须给出 --unit-kind）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="台账文件 .xlsx")
        parser.add_argument("--district", help="所属区为空的行归入此区（区划代码或名称）")
        parser.add_argument(
            "--dry-run", action="store_true", help="只校验并报告将发生的变化，不写入"
        )
        parser.add_argument(
            "--errors-to", dest="errors_to", help="有错误时，另存标注了错误单元格的工作簿"
        )
        parser.add_argument(
            "--map",
            dest="maps",
            action="append",
            default=[],
            metavar="列:值=目录中的值",
            help="把台账中目录外的值按目录中的值导入，并记为该区的对应关系（可重复），"
            "如 --map 行业:集成电路=半导体与集成电路",
        )
        parser.add_argument(
            "--add-missing",
            dest="add_missing",
            action="append",
            default=[],
            metavar="列",
            help=f"把该列目录外的值加入目录（可重复；只限{columns_named(ADDABLE)}）",
        )
        parser.add_argument(
            "--unit-kind",
            dest="unit_kind",
            choices=UNIT_KINDS,
            help="--add-missing 责任单位 新增单位的类别：town 镇街、department 行业部门、"
            "headquarters 指挥部/管委会、group 国企招商集团（协调部门不能负责项目，不能这样新增）",
        )
        parser.add_argument(
            "--user",
            help="以该用户的身份导入（用户名）：与网页导入相同的权限和范围；"
            "不给出时以系统身份导入（服务器上的管理操作）",
        )

    def handle(
        self,
        *args,
        file,
        district=None,
        dry_run=False,
        errors_to=None,
        user=None,
        maps=(),
        add_missing=(),
        unit_kind=None,
        **options,
    ):
        path = Path(file)
        mapping = _mapping(maps, add_missing, unit_kind)
        actor = None
        if user:
            actor = User.objects.filter(username=user, is_active=True).first()
            if actor is None:
                raise CommandError(f"找不到用户或已停用：{user}", returncode=2)
            if not permissions.can_import(actor):
                raise CommandError(IMPORT_REFUSED, returncode=2)
        limits = Limits()
        if not path.is_file():
            raise CommandError(f"找不到文件：{file}", returncode=2)
        if path.stat().st_size > limits.max_bytes:
            raise CommandError(too_large(limits.max_bytes, path.stat().st_size), returncode=1)
        default = None
        if actor is not None and not district:
            default = actor.unit.district if actor.unit_id else actor.district
        if district:
            default = command_district(district)
        with audit_batch():
            result = ledger_import(
                data=path.read_bytes(),
                actor=actor,
                district=default,
                dry_run=dry_run,
                limits=limits,
                mapping=mapping,
            )
        if not dry_run:
            audit_import(result, file_name=str(path), district=default, user=actor)
        if result.ok:
            self.stdout.write(result.summary())
            return
        for error in result.errors:
            self.stderr.write(error.line())
        if errors_to:
            error_workbook(result, errors_to)
            self.stderr.write(f"已将标注错误的工作簿保存到 {errors_to}")
        if result.unknown:
            self.stderr.write("台账中有目录外的值：")
            for (key, value), count in result.unknown.items():
                self.stderr.write(f"  {BY_KEY[key].header}“{value}”（{count} 行）")
            for key, names in result.catalogue.items():
                self.stderr.write(f"目录中的{BY_KEY[key].header}：{'、'.join(names) or '（无）'}")
            self.stderr.write(cli_hint(result.unknown, shlex.quote(file)))
        raise CommandError(file_errors(len(result.errors)), returncode=1)


def _mapping(maps, add_missing, unit_kind=None) -> Mapping:
    mapping = Mapping(unit_kind=unit_kind or "")
    for text in maps:
        try:
            key, value, target = parse_map(text)
        except ValueError as exc:
            raise CommandError(str(exc), returncode=2) from None
        mapping.targets[key, value] = target
    for name in add_missing:
        key = column_key(name)
        if key not in ADDABLE:
            raise CommandError(
                f"--add-missing 只能用于{columns_named(ADDABLE)}；其他列请用 --map 对应到目录中的值。",
                returncode=2,
            )
        mapping.add.add(key)
    if "unit" in mapping.add and not unit_kind:
        raise CommandError(UNIT_KIND_NEEDED, returncode=2)
    if unit_kind and "unit" not in mapping.add:
        raise CommandError("--unit-kind 只与 --add-missing 责任单位 一起使用。", returncode=2)
    return mapping


UNIT_KIND_NEEDED = (
    "--add-missing 责任单位 须用 --unit-kind 指明新增单位的类别："
    "town（镇街）、department（行业部门）、headquarters（指挥部/管委会）、group（国企招商集团）。"
)
