"""The demo's 客商库: the investors of 翔安区's projects that have a 统一社会信用代码."""

from baton.accounts.models import User
from baton.companies import services
from baton.companies.models import Company, Size, Tag
from baton.org.models import District
from baton.projects.models import Project

#: How many companies the demo registers.
COUNT = 8
_TAGS = ([Tag.LISTED], [Tag.SPECIALISED], [Tag.CHINA_500, Tag.LISTED], [], [Tag.CHAIN_LEADER])
_SIZES = (Size.LARGE, Size.MEDIUM, Size.LARGE, Size.SMALL)


def load_companies(district: District) -> int:
    """Register up to ``COUNT`` investors of ``district``'s projects, by their office."""
    if Company.objects.filter(district=district).exists():
        return 0
    office = User.objects.filter(role=User.Role.DISTRICT_OFFICE, district=district).first()
    projects = (
        Project.objects.filter(district=district)
        .exclude(investor_uscc="")
        .exclude(investor="")
        .order_by("code")
    )
    seen: set[str] = set()
    for project in projects:
        if len(seen) >= COUNT:
            break
        if project.investor_uscc in seen:
            continue
        index = len(seen)
        services.company_create(
            actor=office,
            district=district,
            confirmed=True,
            name=project.investor,
            uscc=project.investor_uscc,
            region=project.investor_region,
            tags=_TAGS[index % len(_TAGS)],
            size=_SIZES[index % len(_SIZES)],
            contact_name=project.contact_name,
            contact_phone=project.contact_phone,
        )
        seen.add(project.investor_uscc)
    return len(seen)
