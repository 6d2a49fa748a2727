from django.core.management.base import BaseCommand, CommandError

from baton.audit.services import audit_verify


class Command(BaseCommand):
    help = "校验审计日志：逐条重算 HMAC-SM3 链，指出第一条被篡改或缺失的记录。"

    def handle(self, *args, **options):
        verdict = audit_verify()
        if verdict.ok:
            self.stdout.write(f"{verdict.count} 条审计记录，链完整")
            return
        for problem in verdict.problems:
            self.stderr.write(problem)
        raise CommandError(
            f"审计链校验失败：首个问题在第 {verdict.first_bad_seq} 条（共 {verdict.count} 条）。",
            returncode=1,
        )
