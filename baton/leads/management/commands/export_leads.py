from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from baton.accounts.models import User
from baton.audit.hooks import audit_export
from baton.core.dates import command_date
from baton.leads.export import export_leads
from baton.org.lookup import command_district
from baton.org.models import District


class Command(BaseCommand):
    help = (
        "导出投资信息台账（.xlsx）：一条信息一行，中文表头，金额为数值（万元）；"
        "--as-of 导出截至该日登记的信息及其当日的状态、单位、来源、行业和金额。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="输出文件 .xlsx")
        parser.add_argument("--district", help="区划代码或名称")
        parser.add_argument("--user", help="按该用户可见范围导出（用户名），联系电话按其权限显示")
        parser.add_argument("--as-of", dest="as_of", help="截至该日（YYYY-MM-DD）")

    def handle(self, *args, file, district=None, user=None, as_of=None, **options):
        scope_district = _district(district) if district else None
        scope_user = None
        if user:
            scope_user = User.objects.filter(username=user, is_active=True).first()
            if scope_user is None:
                raise CommandError(f"找不到用户或已停用：{user}", returncode=2)
        elif scope_district is None:
            raise CommandError("请用 --district 指定区，或用 --user 按用户范围导出。", returncode=2)
        day = None
        if as_of:
            day = command_date(as_of)
            if day > timezone.localdate():
                raise CommandError(f"日期 {as_of} 晚于今天。", returncode=2)
        path = Path(file)
        if path.suffix.lower() != ".xlsx":
            raise CommandError("输出文件应为 .xlsx。", returncode=2)
        n = export_leads(out=path, district=scope_district, user=scope_user, as_of=day)
        audit_export(
            what="leads",
            rows=n,
            as_of=day,
            district=getattr(scope_district, "name", None),
            scope_user=user,
            output=str(path),
        )
        self.stdout.write(f"已导出 {n} 条投资信息到 {path}。")


def _district(text: str) -> District:
    return command_district(text)
