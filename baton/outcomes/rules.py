"""Who sees and records promises and results, and the refusals said the same on every
path (the pages, the API, the import, the command).

Seeing follows the project (``projects.selectors.project_scope``): whoever sees a project
sees its promises and results — its units, the district's office and leaders, the city.
Recording is for the project's district office and the promoters of the unit holding it
(``projects.permissions``); the server itself (a command, the demo: no user) too.
Promises are recorded on a signed project (签约 recorded), results on a landed one.
"""

from django.db.models import QuerySet

from baton.accounts.areas import area_of
from baton.accounts.models import User
from baton.projects.models import Milestone, Project
from baton.projects.permissions import district_office, holding_promoter
from baton.projects.selectors import project_list

from .models import Promise, Result

NOT_A_RECORDER = "只有项目所属区的区招商办和项目责任单位的招商员可以登记履约承诺和效益数据。"
NO_FIGURES_FOR_ROLE = "您的角色不查看履约与效益数据。"
NOT_SIGNED = "项目尚未签约（未记录签约日期），不能登记合同承诺。"
NOT_LANDED = "项目尚未落地，不能登记效益数据。"
STALE = "承诺或效益数据已被他人修改，请刷新后重试。"
NOT_FOUND = "记录不存在或您无权查看。"
NOT_THE_OFFICE = "只有本区的区招商办可以运行履约核查。"


def reads(user: User) -> bool:
    """Anyone with an area and not a 协调部门 (who sees only the problems given to it)."""
    return not getattr(user, "is_coordinating", False) and not area_of(user).is_empty


def can_record(user: User | None, project: Project) -> bool:
    return district_office(user, project.district_id) or holding_promoter(user, project)


def is_office(user: User | None, district_id: int) -> bool:
    return district_office(user, district_id)


CHECK_IN_FUTURE = "核查日期不能晚于今天：尚未到期的承诺不能提前判定。"


def signed_on(project: Project):
    row = project.milestones.filter(kind=Milestone.Kind.SIGNED).first()
    return row.date if row else None


def is_landed(project: Project) -> bool:
    return bool(project.stage.allows_milestones)


def visible_projects(user: User) -> QuerySet[Project]:
    if not reads(user):
        return Project.objects.none()
    return project_list(user=user)


def visible_promises(user: User) -> QuerySet[Promise]:
    return Promise.objects.filter(project__in=visible_projects(user).values("pk"))


def visible_results(user: User) -> QuerySet[Result]:
    return Result.objects.filter(project__in=visible_projects(user).values("pk"))
