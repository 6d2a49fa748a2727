"""baton deliver_notices: send the e-mails and robot messages whose attempt is due.

The task worker sends each after its commit and queues its retries; this sends what a
queue that was down, or a backend that cannot defer (the immediate one), left waiting.
Run it every few minutes beside the worker.
"""

from django.core.management.base import BaseCommand

from baton.notices.delivery import send_due


class Command(BaseCommand):
    help = "发送到期待发（含待重试）的通知邮件和群机器人消息。"

    def handle(self, *args, **options):
        self.stdout.write(f"已尝试发送 {send_due()} 条通知。")
