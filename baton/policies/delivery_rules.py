"""Who sees and does what in policy delivery (兑现), and the refusals said the same on
every path (the pages, the command).

An application belongs to its project's district. The district office of that district
does every step; the promoters of the unit holding the project (its 责任单位) apply on the
company's behalf (受理登记) and add notes to its applications; the district's leaders and
the city (reviewer, city leaders) read; the administrators and a 协调部门's staff see none.
"""

from django.db.models import QuerySet

from baton.accounts.areas import Level, area_of
from baton.accounts.models import User
from baton.projects.models import Project
from baton.projects.permissions import district_office as is_office
from baton.projects.permissions import holding_promoter as is_holder

from .models import Application

Role = User.Role

NOT_THE_OFFICE = "只有项目所属区的区招商办可以办理政策兑现。"
NOT_A_RECEIVER = "只有项目的责任单位和所属区的区招商办可以申报政策兑现。"
NOT_A_NOTER = "只有项目的责任单位和所属区的区招商办可以为该兑现添加备注。"
STALE = "该兑现已被他人修改，请刷新后重试。"
NOT_FOUND = "政策兑现不存在或您无权查看。"


def _coordinating(user: User) -> bool:
    return bool(getattr(user, "is_coordinating", False))


def visible_applications(user: User) -> QuerySet[Application]:
    """The applications ``user`` may see: a unit's promoters those of the projects their
    unit holds; a district's office and leaders the district's; the city its districts'."""
    if _coordinating(user):
        return Application.objects.none()
    area = area_of(user)
    rows = Application.objects.filter(area.district_q())
    if area.level is Level.UNIT:
        rows = rows.filter(project__unit_id=area.unit_id)
    return rows


def can_receive(user: User | None, project: Project) -> bool:
    return is_office(user, project.district_id) or is_holder(user, project)


def can_note(user: User | None, application: Application) -> bool:
    return is_office(user, application.district_id) or is_holder(user, application.project)
