import getpass
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from baton.accounts.models import User
from baton.accounts.services import enrolment_code_issue, enrolment_code_notice, user_create
from baton.org.models import City, District, Unit


class Command(BaseCommand):
    help = (
        "创建一个有角色和范围的账号（代替 createsuperuser：日常工作中没有超级用户）；"
        "管理员账号同时打印首次绑定动态口令所需的一次性绑定码。"
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=User.Role.values, help="角色")
        parser.add_argument("--name", default="", help="姓名或显示名")
        parser.add_argument("--city", help="市的区划代码（市招商办、市领导）")
        parser.add_argument("--district", help="区的区划代码（区招商办、区领导、单位所在区）")
        parser.add_argument("--unit", help="单位名称（单位招商员），须同时给出 --district")
        parser.add_argument(
            "--password-stdin", action="store_true", help="从标准输入读取密码（脚本用）"
        )

    def handle(self, username, *args, role, name, city, district, unit, password_stdin, **opts):
        area = {}
        try:
            if city:
                area["city"] = City.objects.get(code=city)
            if district:
                area["district"] = District.objects.get(code=district)
            if unit:
                if not district:
                    raise CommandError("指定 --unit 时必须同时给出 --district。", returncode=2)
                area["unit"] = Unit.objects.get(district=area["district"], name=unit)
        except (City.DoesNotExist, District.DoesNotExist, Unit.DoesNotExist):
            raise CommandError("找不到指定的市、区或单位。", returncode=2) from None
        password = _read_password(password_stdin)
        try:
            with transaction.atomic():
                user = user_create(
                    username=username, role=role, password=password, name=name, **area
                )
                code = enrolment_code_issue(user=user, actor=None) if user.is_admin_role else ""
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages), returncode=2) from None
        where = user.unit or user.district or user.city or "—"
        self.stdout.write(f"已创建账号 {user.username}：{user.get_role_display()}（{where}）。")
        if code:
            self.stdout.write(enrolment_code_notice(code))


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("密码：")
    if first != getpass.getpass("再次输入密码："):
        raise CommandError("两次输入的密码不一致。", returncode=2)
    return first
