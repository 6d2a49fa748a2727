from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from baton.audit.services import Event, Outcome, audit_write
from baton.ops.backup import BackupError, backup, describe, key_id, signing_key


class Command(BaseCommand):
    help = (
        "把整个数据库和附件记录所指的全部附件文件备份到一个文件（SQLite 用在线备份接口，"
        "PostgreSQL 用 pg_dump），附每张表的行数和校验和、每个文件的 SHA-256 和 SM3 清单，"
        "用审计密钥派生的密钥签名（HMAC-SM3）；附件文件缺失或内容不符时不写出备份。"
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="备份文件（新文件，如 /备份/baton-20240101.tar）")
        parser.add_argument("--force", action="store_true", help="覆盖已有的同名文件")

    def handle(self, path, *args, force, **options):
        target = Path(path).expanduser().resolve()
        # Recorded before the copy is taken, so the backup holds its own record.
        audit_write(event=Event.BACKUP, object_type="backup", object_label=str(target)[:200])
        try:
            outcome = backup(target, force=force)
        except BackupError as exc:
            audit_write(
                event=Event.BACKUP,
                outcome=Outcome.FAILURE,
                object_type="backup",
                object_label=str(target)[:200],
                detail=str(exc)[:500],
            )
            raise CommandError(str(exc), returncode=1) from None
        sm3 = outcome.manifest["member_sm3"]
        self.stdout.write(
            f"已备份到 {target}：{describe(outcome.manifest)}，SM3 {sm3[:16]}…，"
            f"已签名（HMAC-SM3，密钥标识 {key_id(signing_key())}）"
        )
