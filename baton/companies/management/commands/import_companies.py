from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from baton.accounts.models import User
from baton.companies.importing import audit_import, import_companies
from baton.companies.rules import NOT_A_WRITER, writable_district
from baton.core.messages import DISTRICT_OR_USER
from baton.org.lookup import command_district


class Command(BaseCommand):
    help = (
        "导入企业名单（.xlsx，第一个工作表，首行为表头）到客商库：全部通过才写入；"
        "已有企业只补充空白信息，不覆盖；名称相近的行报告为疑似重复，不导入。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="企业名单 .xlsx")
        parser.add_argument("--district", help="导入到此区（区划代码或名称）")
        parser.add_argument("--user", help="以该用户的身份导入（用户名），导入到其所在区")
        parser.add_argument(
            "--dry-run", action="store_true", help="只校验并报告将发生的变化，不写入"
        )

    def handle(self, *args, file, district=None, user=None, dry_run=False, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件：{file}", returncode=2)
        actor, target = None, None
        if user:
            actor = User.objects.filter(username=user, is_active=True).first()
            if actor is None:
                raise CommandError(f"找不到用户或已停用：{user}", returncode=2)
            target = writable_district(actor)
            if target is None:
                raise CommandError(NOT_A_WRITER, returncode=2)
        elif district:
            target = command_district(district)
        else:
            raise CommandError(DISTRICT_OR_USER, returncode=2)
        result = import_companies(
            data=path.read_bytes(), actor=actor, district=target, dry_run=dry_run
        )
        if not dry_run:
            audit_import(result, file_name=str(path), district=target, user=actor)
        for line in result.duplicates:
            self.stdout.write(f"疑似重复：{line}")
        if result.ok:
            self.stdout.write(result.summary())
            return
        for error in result.errors:
            self.stderr.write(error)
        raise CommandError(f"名单有 {len(result.errors)} 处错误，未写入任何数据。", returncode=1)
