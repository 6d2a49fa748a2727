from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from baton.audit.hooks import audit_import
from baton.audit.services import audit_batch
from baton.ledger.annotate import error_workbook
from baton.ledger.importer import ledger_import
from baton.ledger.reading import Limits
from baton.org.models import District


class Command(BaseCommand):
    help = "导入项目台账（.xlsx，工作表“项目台账”，可选“阶段记录”）：全部通过才写入，重复导入不产生变化。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="台账文件 .xlsx")
        parser.add_argument("--district", help="所属区为空的行归入此区（区划代码或名称）")
        parser.add_argument(
            "--dry-run", action="store_true", help="只校验并报告将发生的变化，不写入"
        )
        parser.add_argument(
            "--errors-to", dest="errors_to", help="有错误时，另存标注了错误单元格的工作簿"
        )

    def handle(self, *args, file, district=None, dry_run=False, errors_to=None, **options):
        path = Path(file)
        limits = Limits()
        if not path.is_file():
            raise CommandError(f"找不到文件：{file}", returncode=2)
        if path.stat().st_size > limits.max_bytes:
            raise CommandError(
                f"文件过大，单个台账文件不能超过 {limits.max_bytes // 1048576} MB，请分批导入。",
                returncode=1,
            )
        default = None
        if district:
            default = District.objects.filter(code=district).first() or (
                District.objects.filter(name=district).first()
            )
            if default is None:
                raise CommandError(f"找不到区：{district}", returncode=2)
        with audit_batch():
            result = ledger_import(
                data=path.read_bytes(), district=default, dry_run=dry_run, limits=limits
            )
        if not dry_run:
            audit_import(result, file_name=str(path), district=default)
        if result.ok:
            self.stdout.write(result.summary())
            return
        for error in result.errors:
            self.stderr.write(error.line())
        if errors_to:
            error_workbook(result, errors_to)
            self.stderr.write(f"已将标注错误的工作簿保存到 {errors_to}")
        raise CommandError(f"台账有 {len(result.errors)} 处错误，未写入任何数据。", returncode=1)
