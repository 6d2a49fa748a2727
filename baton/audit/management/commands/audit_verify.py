from django.core.management.base import BaseCommand, CommandError

from baton.audit.anchor import anchor_path
from baton.audit.services import CheckpointRefused, audit_checkpoint, audit_verify


class Command(BaseCommand):
    help = (
        "校验审计日志：逐条重算 HMAC-SM3 链，核对链尾登记和数据库之外的审计锚点，"
        "指出第一条被篡改或缺失的记录；完整时写入一个检查点。"
    )

    def handle(self, *args, **options):
        verdict = audit_verify()
        if verdict.ok:
            try:
                audit_checkpoint(kind="verify")
                note = f"，已记入审计锚点 {anchor_path()}"
            except (OSError, CheckpointRefused) as exc:  # a writer changed the head meanwhile
                note = ""
                self.stderr.write(f"未能写入审计锚点：{exc}")
            self.stdout.write(f"{verdict.count} 条审计记录，链完整{note}")
            return
        for problem in verdict.problems:
            self.stderr.write(problem)
        where = (
            f"首个问题在第 {verdict.first_bad_seq} 条"
            if verdict.first_bad_seq is not None
            else "审计锚点不符"
        )
        more = (
            f"（另有 {len(verdict.problems) - 1} 个问题，见上）"
            if len(verdict.problems) > 1
            else ""
        )
        raise CommandError(
            f"审计链校验失败：{where}（共 {verdict.count} 条）：{verdict.problems[0]}{more}",
            returncode=1,
        )
