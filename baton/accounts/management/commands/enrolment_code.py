from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

from baton.accounts.services import enrolment_code_issue, enrolment_code_notice, user_otp_reset

from ._account import named_account


class Command(BaseCommand):
    help = (
        "为管理员账号重新签发首次绑定动态口令所需的一次性绑定码（旧码作废）；"
        "已绑定的账号须加 --reset（删除其动态口令设备，结束其会话）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--reset", action="store_true", help="删除已绑定的动态口令设备（如手机丢失）"
        )

    def handle(self, username, *args, reset=False, **options):
        user = named_account(username)
        if not user.is_admin_role:
            raise CommandError(f"{username} 不是管理员账号，不使用动态口令。", returncode=2)
        enrolled = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        if enrolled and not reset:
            raise CommandError(
                f"{username} 已绑定动态口令；如需更换（如手机丢失），加 --reset 删除原设备后重新签发。",
                returncode=2,
            )
        try:
            if reset:
                code = user_otp_reset(user=user, actor=None)
            else:
                code = enrolment_code_issue(user=user, actor=None)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages), returncode=2) from None
        self.stdout.write(f"已为 {username} 签发新的绑定码，此前未使用的绑定码作废。")
        self.stdout.write(enrolment_code_notice(code))
