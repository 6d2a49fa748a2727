"""Who reads texts and works the review queue of draft leads.

Those who may register leads (a district's unit promoters and its office,
``leads.rules.can_register``) read texts and put the companies found in the queue; the
district office of the draft's district accepts, merges or discards. The queue is seen
as leads are: a unit's promoters see the drafts they put in it, the district office and
the district's leaders the district's, the city its districts'. A 协调部门 sees none.
"""

from django.db.models import QuerySet

from baton.accounts.areas import Level, area_of
from baton.accounts.models import User
from baton.leads import rules as leads

from .models import Draft

NOT_A_READER = "只有本区的单位招商员和区招商办可以把新闻中的企业提交为线索。"
NOT_THE_OFFICE = "只有该线索所属区的区招商办可以审核新闻线索。"
DECIDED = "该线索已{status}，不能再审核。"
NO_DISTRICT = "您的账号没有所属区，无法与项目库核对。"
BAD_URL = "请填写有效的网址（以 http:// 或 https:// 开头）。"


def can_read(user: User) -> bool:
    return leads.can_register(user)


def visible_drafts(user: User) -> QuerySet[Draft]:
    if getattr(user, "is_coordinating", False):
        return Draft.objects.none()
    area = area_of(user)
    drafts = Draft.objects.filter(area.district_q())
    if area.level is Level.UNIT:
        drafts = drafts.filter(created_by=user)
    return drafts


def is_office(user: User, draft: Draft) -> bool:
    return user.role == User.Role.DISTRICT_OFFICE and user.district_id == draft.district_id


def can_decide(user: User, draft: Draft) -> bool:
    return draft.is_pending and is_office(user, draft)
