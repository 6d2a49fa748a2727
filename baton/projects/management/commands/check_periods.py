from django.core.management.base import BaseCommand, CommandError

from baton.projects.periods import check_periods


class Command(BaseCommand):
    help = "按项目动态重放，核对项目时段表（时点统计的依据）；--fix 重建有差异的项目。"

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="重建有差异的项目时段")

    def handle(self, *args, fix=False, **options):
        result = check_periods(fix=fix)
        self.stdout.write(
            f"核对 {result.projects} 个项目，差异 {result.differences} 个"
            + (f"，已重建 {result.fixed} 个" if fix else "")
            + "。"
        )
        if result.differences and not fix:
            raise CommandError("项目时段与动态记录不一致，可用 --fix 重建。", returncode=1)
