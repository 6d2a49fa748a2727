from django.core.management.base import BaseCommand, CommandError

from baton.files.selectors import store_check


class Command(BaseCommand):
    help = (
        "核对附件：每个附件的文件都在存储中且与登记的 SHA-256 一致，并列出存储中没有登记的文件；"
        "只读，可反复运行（恢复备份后与附件目录一起核对）。"
    )

    def handle(self, *args, **options):
        report = store_check()
        for name in report.missing:
            self.stderr.write(f"缺失：{name}")
        for name in report.damaged:
            self.stderr.write(f"内容不符：{name}")
        for name in report.stray:
            self.stdout.write(f"未登记：{name}")
        summary = (
            f"附件 {report.total} 个：完好 {report.total - len(report.missing) - len(report.damaged)}，"
            f"缺失 {len(report.missing)}，内容不符 {len(report.damaged)}；"
            f"存储中未登记的文件 {len(report.stray)} 个。"
        )
        if report.missing or report.damaged:
            raise CommandError(summary, returncode=1)
        self.stdout.write(summary)
