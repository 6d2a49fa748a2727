"""Who sees and does what with intermediaries, and the refusals said the same on every
path (the pages, the API, the import).

The register is the district's: its office registers, edits and revokes intermediaries,
signs their agreements, decides claims and handles rewards. The district's promoters see
the whole register read-only (an intermediary brings projects to any unit) and file
claims on the projects their unit holds; they see the claims on those projects. The
district's leaders and the city (reviewer, city leaders) read. A 协调部门's staff and the
administrators see none.

Eligibility (中介资格): a rule by name, refused with that name — 公职人员, 公职人员直系
亲属 and 国有企业 may not be registered; a claim on a project whose investor is the
intermediary itself or a declared 关联方 is refused.
"""

from django.db.models import QuerySet

from baton.accounts.areas import Level, area_of
from baton.accounts.models import User
from baton.projects.models import Project
from baton.projects.permissions import district_office as is_office
from baton.projects.permissions import holding_promoter as is_holder

from .models import Claim, Intermediary

Role = User.Role

NO_REGISTER_FOR_ROLE = "您的角色不查看中介机构和引荐人。"
NOT_THE_OFFICE = "只有本区的区招商办可以办理中介备案、认定和奖励。"
NOT_A_FILER = "只有项目的责任单位和所属区的区招商办可以为该项目申报中介认定。"
STALE = "该记录已被他人修改，请刷新后重试。"
NOT_FOUND = "中介机构不存在或您无权查看。"

#: 中介资格 rules by key: the name a refusal gives.
RULE_OFFICIAL = "公职人员不得作为中介人"
RULE_RELATIVE = "公职人员的直系亲属不得作为中介人"
RULE_STATE_OWNED = "国有企业不得作为中介机构"
RULE_AFFILIATE = "投资方本身及其关联方不得作为该项目的中介"
RULE_BEFORE_SIGNING = "中介需在引进项目签约前完成备案和认定申报"
RULE_ONE_PER_PROJECT = "同一项目只奖励1个中介人"
RULE_SHARES = "同一项目多个中介按份额分享，份额合计100%"


SHARE_INVALID = "份额应为百分数，如 60。"
SHARE_RANGE = "份额须大于 0、不超过 100，最多两位小数。"
STALE_FORM = "表单已过期，请刷新页面后重试。"
PUBLICITY_RANGE = "公示期须为 1 到 60 个工作日。"
TARGET_RANGE = "有效信息目标须为 1 到 10000 的整数。"


def not_now(status_label: str, what: str) -> str:
    """A claim whose state does not allow ``what``."""
    return f"该认定{status_label}，不能{what}。"


def refused(rule: str, detail: str = "") -> str:
    """The refusal of an eligibility rule, naming it."""
    return f"不符合规定（{rule}）" + (f"：{detail}" if detail else "。")


def _coordinating(user: User) -> bool:
    return bool(getattr(user, "is_coordinating", False))


def reads_register(user: User) -> bool:
    return not _coordinating(user) and not area_of(user).is_empty


def visible_intermediaries(user: User) -> QuerySet[Intermediary]:
    """The register ``user`` sees: a district's (its units included), or the city's."""
    if _coordinating(user):
        return Intermediary.objects.none()
    return Intermediary.objects.filter(area_of(user).district_q())


def visible_claims(user: User) -> QuerySet[Claim]:
    """The claims ``user`` sees: a unit's promoters those on the projects their unit holds;
    a district's office and leaders the district's; the city its districts'."""
    if _coordinating(user):
        return Claim.objects.none()
    area = area_of(user)
    rows = Claim.objects.filter(area.district_q())
    if area.level is Level.UNIT and area.unit_id is not None:
        rows = rows.filter(project__unit_id=area.unit_id)
    return rows


def can_file(user: User | None, project: Project) -> bool:
    return is_office(user, project.district_id) or is_holder(user, project)


def files_claims(user: User) -> bool:
    """Whether the user's role files claims at all (the pages' button)."""
    return not _coordinating(user) and user.role in (Role.UNIT_STAFF, Role.DISTRICT_OFFICE)


def manages(user: User) -> bool:
    """A district office (of its own district's register)."""
    return user.role == Role.DISTRICT_OFFICE and user.district_id is not None
