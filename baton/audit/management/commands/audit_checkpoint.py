from django.core.management.base import BaseCommand, CommandError

from baton.audit.anchor import anchor_path
from baton.audit.services import CheckpointRefused, audit_checkpoint


class Command(BaseCommand):
    help = (
        "把审计链当前的末尾（条数、首末序号、末条哈希，HMAC-SM3 签名）追加到数据库之外的"
        "审计锚点文件；不逐条校验，适合定时运行（如每小时）。"
    )

    def handle(self, *args, **options):
        try:
            entry = audit_checkpoint()
        except CheckpointRefused as exc:
            raise CommandError(str(exc), returncode=1) from None
        except OSError as exc:
            raise CommandError(f"无法写入审计锚点 {anchor_path()}：{exc}", returncode=1) from None
        self.stdout.write(
            f"审计检查点：{entry['count']} 条审计记录，至第 {entry['last_seq']} 条，"
            f"已记入 {anchor_path()}"
        )
