import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from baton.audit import anchor
from baton.audit.services import Event, Outcome, audit_verify, audit_write
from baton.ops.backup import BackupError, describe, pending_migrations, restore


class Command(BaseCommand):
    help = (
        "用 baton backup 的备份文件替换整个数据库和附件文件：先核对备份（签名、SM3、每张表的行数和"
        "校验和、每个附件文件的 SHA-256），恢复后再核对一次；不符则不恢复或整体回滚。"
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="baton backup 写出的备份文件")
        parser.add_argument(
            "--yes", action="store_true", help="不再询问，直接恢复（脚本用；当前数据将被替换）"
        )

    def handle(self, path, *args, yes, **options):
        source = Path(path).expanduser().resolve()
        if not yes:
            if not sys.stdin.isatty():
                raise CommandError("恢复会替换当前全部数据：请加 --yes 确认。", returncode=2)
            answer = input(f"用 {source} 替换当前全部数据？输入 yes 继续：")
            if answer.strip().lower() != "yes":
                raise CommandError("已取消，未做任何改动。", returncode=2)
        try:
            outcome = restore(source)
        except BackupError as exc:
            audit_write(
                event=Event.RESTORE,
                outcome=Outcome.FAILURE,
                object_type="backup",
                object_label=str(source)[:200],
                detail=str(exc)[:500],
            )
            raise CommandError(str(exc), returncode=1) from None
        manifest = outcome.manifest
        # The anchor outside the database knows records written after the backup: the
        # restored chain is checked on its own, then anchored anew (a "restore" line).
        verdict = audit_verify(anchored=False)
        # Appended to the restored chain: the log shows the restore itself.
        audit_write(
            event=Event.RESTORE,
            object_type="backup",
            object_label=str(source)[:200],
            detail=f"恢复{describe(manifest)}",
            after={
                "created_at": manifest["created_at"],
                "tables": outcome.tables,
                "rows": outcome.rows,
            },
        )
        try:
            anchor.checkpoint(kind="restore")
        except OSError as exc:
            self.stderr.write(f"未能写入审计锚点 {anchor.anchor_path()}：{exc}")
        self.stdout.write(
            f"已从 {source} 恢复：{describe(manifest)}，签名有效，行数与校验和全部一致。"
        )
        if "attachments" not in manifest:
            self.stdout.write(
                "这份备份早于附件文件进入备份，附件存储未改动：请运行 baton check-attachments 核对。"
            )
        if verdict.ok:
            self.stdout.write(f"审计日志：{verdict.count} 条审计记录，链完整。")
        else:
            problems = "；".join(p.rstrip("。") for p in verdict.problems[:5])
            self.stderr.write(
                f"审计日志校验未通过（恢复本身已完成）：{problems}。"
                "请确认 BATON_AUDIT_KEY 与备份时相同。"
            )
        pending = pending_migrations()
        if pending:
            self.stdout.write(
                f"备份早于当前程序，还有 {len(pending)} 个数据库迁移未执行：请运行 baton migrate。"
            )
