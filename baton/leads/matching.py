"""Collisions (撞车) of a new lead with earlier leads and with the project library.

- **An earlier lead** of the district for the same company — the same record, the same
  统一社会信用代码, or else a name alike (``companies.names``) with the same industry
  division (GB/T 4754 大类) and an amount within a third — is a collision: another
  unit's lead is flagged for the office to arbitrate; the unit's own is refused as a
  duplicate unless confirmed.
- **A project already 在谈 or signed** in the library for the same investor and project
  (a name alike, or an amount within a fifth) means the lead is not new: it is refused
  (宣城: "已经在谈和已签约项目不得作为…项目线索报送").
"""

from decimal import Decimal

from django.db.models import Q

from baton.companies.models import Company
from baton.companies.names import SIMILAR, similarity
from baton.projects.duplicates import investor_key
from baton.projects.duplicates import name_key as project_name_key
from baton.projects.models import Milestone, Project

from .models import ACTIVE, Lead

#: Two amounts this close (the smaller at least this share of the larger) are alike.
NEAR_LEAD = Decimal("0.67")
NEAR_PROJECT = Decimal("0.8")
#: A project name this alike to a lead's title names the same project.
SAME_PROJECT = 60
#: The stage order from which a project is 在谈 (the default ladder's 30).
NEGOTIATING_ORDER = 30


def _near(a, b, share: Decimal) -> bool:
    if not a or not b:
        return False
    small, large = sorted((Decimal(a), Decimal(b)))
    return large > 0 and small / large >= share


def _division(code: str) -> str:
    return (code or "")[:3]


def earlier_leads(
    company: Company, industry_code: str, investment, *, exclude: int | None = None
) -> list[Lead]:
    """The district's active leads (oldest first) that collide with a lead for ``company``."""
    leads = (
        Lead.objects.filter(district_id=company.district_id, status__in=ACTIVE)
        .select_related("company", "unit")
        .order_by("reported_at", "id")
    )
    if exclude is not None:
        leads = leads.exclude(pk=exclude)
    found = []
    keys = company.name_keys or []
    for lead in leads:
        other = lead.company
        same = company.pk in (other.pk, other.merged_into_id) or other.pk == company.merged_into_id
        if same or (company.uscc and other.uscc == company.uscc):
            found.append(lead)
            continue
        if company.uscc and other.uscc:
            continue  # two different credit codes are two companies
        alike = max((similarity(k, o) for k in keys for o in other.name_keys or []), default=0)
        if (
            alike >= SIMILAR
            and _division(industry_code)
            and _division(industry_code) == _division(lead.industry_code)
            and _near(investment, lead.investment, NEAR_LEAD)
        ):
            found.append(lead)
    return found


def library_project(company: Company, title: str, investment) -> Project | None:
    """A project of the library already 在谈 or signed for this investor and project."""
    signed = Milestone.objects.filter(kind=Milestone.Kind.SIGNED).values("project_id")
    projects = (
        Project.objects.filter(district_id=company.district_id)
        .filter(Q(stage__order__gte=NEGOTIATING_ORDER, stage__is_terminal=False) | Q(pk__in=signed))
        .select_related("stage")
    )
    keys = {investor_key(name) for name in [company.name, *(company.former_names or [])]}
    keys.discard("")
    wanted = project_name_key(title)
    candidates = projects.filter(
        Q(investor_key__in=keys) | (Q(investor_uscc=company.uscc) & ~Q(investor_uscc=""))
    )
    for project in candidates.order_by("id"):
        if similarity(wanted, project.name_key) >= SAME_PROJECT or _near(
            investment, project.investment, NEAR_PROJECT
        ):
            return project
    return None
