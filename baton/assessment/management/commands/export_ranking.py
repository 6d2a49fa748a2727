from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from baton.assessment.exports import FORMATS, ranking_export, ranking_title
from baton.assessment.models import Ranking
from baton.audit.hooks import audit_export


class Command(BaseCommand):
    help = "导出一次考核排名（红黑榜、排名表与每项得分的计算过程）为 .xlsx 或 .docx。"

    def add_arguments(self, parser):
        parser.add_argument(
            "ranking", help="排名编号（排名页地址 /assessment/rankings/编号/ 中的数字）"
        )
        parser.add_argument("path", help="输出文件")
        parser.add_argument("--format", choices=sorted(FORMATS), help="缺省按文件扩展名")

    def handle(self, *args, ranking, path, format=None, **options):
        try:
            found = Ranking.objects.select_related("scheme", "scheme__district").get(
                pk=int(ranking)
            )
        except (ValueError, Ranking.DoesNotExist):
            raise CommandError(f"找不到考核排名：{ranking}", returncode=2) from None
        fmt = format or Path(path).suffix.lstrip(".").lower()
        if fmt not in FORMATS:
            raise CommandError("请用 --format xlsx 或 --format docx 指定格式。", returncode=2)
        data = ranking_export(found, fmt)
        try:
            Path(path).write_bytes(data)
        except OSError as exc:
            raise CommandError(f"无法写入 {path}：{exc.strerror}", returncode=2) from None
        rows = found.lines.count()
        audit_export(what="ranking", rows=rows, ranking=found.pk, format=fmt, output=path)
        status = "" if found.status == Ranking.Status.PUBLISHED else "（试算，未发布）"
        self.stdout.write(f"已导出“{ranking_title(found)}”{status}，{rows} 个单位，到 {path}。")
