from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from baton.accounts.models import User
from baton.core.messages import DISTRICT_OR_USER, file_errors
from baton.ledger.lead_import import import_leads
from baton.org.lookup import command_district


class Command(BaseCommand):
    help = (
        "导入招商线索台账（.xlsx，第一个工作表，首行为表头）为投资信息：逐行校验，全部通过才写入；"
        "按首报时间先后登记，撞车的信息待区招商办裁决，低于门槛的保留为储备。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="招商线索台账 .xlsx")
        parser.add_argument("--district", help="导入到此区（区划代码或名称）")
        parser.add_argument("--user", help="以该区招商办用户的身份导入（用户名）")
        parser.add_argument(
            "--dry-run", action="store_true", help="只校验并报告将发生的变化，不写入"
        )

    def handle(self, *args, file, district=None, user=None, dry_run=False, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件：{file}", returncode=2)
        actor = None
        if user:
            actor = User.objects.filter(username=user, is_active=True).first()
            if actor is None:
                raise CommandError(f"找不到用户或已停用：{user}", returncode=2)
            if actor.role != User.Role.DISTRICT_OFFICE or not actor.district_id:
                raise CommandError("只有区招商办的用户可以导入投资信息台账。", returncode=2)
            target = actor.district
        elif district:
            target = command_district(district)
        else:
            raise CommandError(DISTRICT_OR_USER, returncode=2)
        result = import_leads(data=path.read_bytes(), actor=actor, district=target, dry_run=dry_run)
        if result.ok:
            for line in result.conflicts:
                self.stdout.write(f"撞车待裁决：{line}")
            for line in result.reserves:
                self.stdout.write(f"储备：{line}")
            self.stdout.write(result.summary())
            return
        for error in result.errors:
            self.stderr.write(error)
        raise CommandError(file_errors(len(result.errors)), returncode=1)
