"""What the staff of a 协调部门 may open: one allow-list for the pages, the API and the menu.

A 协调部门 (自然资源局, 生态环境局, 供电公司…) is outside the promotion team: its staff
(role ``unit_staff``, a unit of kind ``coordinating``) see and answer only the problems
assigned to their unit and the 督办 on them — the problems list, a problem's page and
its dialogs, a 督办's report and files, their 工作台 and 待办 (``/api/v1/todo`` too),
their notices and their own account. Every other page answers the 403 page, every other
API route a JSON 403: ``CoordinatingStaffMiddleware`` for the pages, ``TokenAuth`` for
the API, and the side menu leaves out what it would refuse.
"""

from .models import User

#: Why a 协调部门's staff get no other page.
COORDINATING_ONLY = "协调部门的账号只能查看和办理交办给本单位的问题及督办事项。"

#: The url names a 协调部门's staff may open (the API's under ``api-1.0.0:``).
COORDINATING_VIEWS = frozenset(
    {
        "accounts:login",
        "accounts:logout",
        "accounts:password_change",
        "accounts:otp",
        "reports:home",
        "todo:list",
        "notices:list",
        "notices:open",
        "notices:read_all",
        "supervision:problems",
        "supervision:problem",
        "supervision:problem_update",
        "supervision:supervision_report",
        "supervision:supervision_file",
        "api-1.0.0:todo",
    }
)


def may_open(user: User, view_name: str) -> bool:
    """Return whether ``user`` may open the page or API route named ``view_name``: the
    allow-list for a 协调部门's staff, anything (as the views decide) for everyone else."""
    return not user.is_coordinating or view_name in COORDINATING_VIEWS
