import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from baton.demo.generator import SCALES, generate
from baton.projects import search_keys
from baton.projects.periods import check_periods


class Command(BaseCommand):
    help = "生成可复现的模拟招商项目库（区、市、省、全国规模），用于性能测试；已生成则不重复。"

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=list(SCALES), required=True, help="数据规模")
        parser.add_argument("--seed", type=int, default=1, help="随机种子，同一种子生成相同数据")
        parser.add_argument(
            "--check", action="store_true", help="生成后按动态重放核对项目时段（大规模时较慢）"
        )

    def handle(self, *args, scale, seed, check=False, **options):
        def progress(projects, seconds):
            if options["verbosity"] > 1:
                self.stderr.write(f"  已写入 {projects:,} 个项目，{seconds:.0f} 秒")

        result = generate(scale=scale, seed=seed, progress=progress)
        self.stdout.write(result.summary())
        if result.created:
            call_command("refresh_snapshots", stdout=self.stdout)
            started = time.monotonic()
            keyed = search_keys.refresh_stale()  # written with SQL: no post_save
            if options["verbosity"] > 1:
                self.stderr.write(
                    f"  检索键：{keyed:,} 个项目，{time.monotonic() - started:.0f} 秒"
                )
        if check:
            started = time.monotonic()
            checked = check_periods()
            self.stdout.write(
                f"核对 {checked.projects:,} 个项目，差异 {checked.differences} 个，"
                f"用时 {time.monotonic() - started:.1f} 秒。"
            )
            if checked.differences:
                raise CommandError("项目时段与动态记录不一致。", returncode=1)
