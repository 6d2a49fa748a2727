from collections.abc import Callable
from functools import partial

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from .coordinating import may_open
from .models import User

Role = User.Role

#: A menu entry's count: (request) → (number, whether any is overdue), or None for none.
Count = Callable[[HttpRequest], tuple[int, bool] | None]

#: The counts shown on menu entries, by url name, registered by the apps above accounts
#: from their ``AppConfig.ready()`` (the to-do list counts on 工作台).
_counts: dict[str, Count] = {}


def register_count(name: str, count: Count) -> None:
    """Show ``count(request)`` on the menu entry of url ``name`` (again: replaces it).

    ``count`` is asked only when a page shows the menu; it caches per request itself."""
    _counts[name] = count


def _counted(count: Count, request: HttpRequest, part: int) -> int | bool:
    counted = count(request)
    return counted[part] if counted else 0


#: (url name, label, roles that see it); the order is the order of the side menu.
_MENU = [
    ("reports:home", "工作台", None),
    (
        "projects:list",
        "项目库",
        {Role.UNIT_STAFF, Role.DISTRICT_OFFICE, Role.CITY_REVIEWER, Role.LEADER},
    ),
    (
        "leads:list",
        "投资信息",
        {Role.UNIT_STAFF, Role.DISTRICT_OFFICE, Role.CITY_REVIEWER, Role.LEADER},
    ),
    (
        "activities:list",
        "招商活动",
        {Role.UNIT_STAFF, Role.DISTRICT_OFFICE, Role.CITY_REVIEWER, Role.LEADER},
    ),
    (
        "visits:list",
        "外出招商",
        {Role.UNIT_STAFF, Role.DISTRICT_OFFICE, Role.CITY_REVIEWER, Role.LEADER},
    ),
    (
        "news:read",
        "读新闻",
        {Role.UNIT_STAFF, Role.DISTRICT_OFFICE, Role.CITY_REVIEWER, Role.LEADER},
    ),
    (
        "companies:list",
        "客商库",
        {Role.UNIT_STAFF, Role.DISTRICT_OFFICE, Role.CITY_REVIEWER, Role.LEADER},
    ),
    (
        "intermediaries:list",
        "中介机构",
        {Role.UNIT_STAFF, Role.DISTRICT_OFFICE, Role.CITY_REVIEWER, Role.LEADER},
    ),
    (
        "chains:list",
        "产业链图谱",
        {Role.UNIT_STAFF, Role.DISTRICT_OFFICE, Role.CITY_REVIEWER, Role.LEADER},
    ),
    (
        "policies:list",
        "政策库",
        {Role.UNIT_STAFF, Role.DISTRICT_OFFICE, Role.CITY_REVIEWER, Role.LEADER},
    ),
    ("ledger:import", "台账导入", {Role.UNIT_STAFF, Role.DISTRICT_OFFICE}),
    (
        "land:map",
        "招商地图",
        {Role.UNIT_STAFF, Role.DISTRICT_OFFICE, Role.CITY_REVIEWER, Role.LEADER},
    ),
    ("projects:review_desk", "审核台", {Role.DISTRICT_OFFICE, Role.CITY_REVIEWER}),
    (
        "supervision:problems",
        "存在问题",
        {Role.UNIT_STAFF, Role.DISTRICT_OFFICE, Role.CITY_REVIEWER, Role.LEADER},
    ),
    (
        "supervision:leader_acts",
        "领导活动",
        {Role.DISTRICT_OFFICE, Role.CITY_REVIEWER, Role.LEADER},
    ),
    (
        "meetings:list",
        "月例会",
        {Role.UNIT_STAFF, Role.DISTRICT_OFFICE, Role.CITY_REVIEWER, Role.LEADER},
    ),
    (
        "reports:cockpit",
        "领导驾驶舱",
        {Role.UNIT_STAFF, Role.DISTRICT_OFFICE, Role.CITY_REVIEWER, Role.LEADER},
    ),
    (
        "reports:monthly",
        "月度统计",
        {Role.UNIT_STAFF, Role.DISTRICT_OFFICE, Role.CITY_REVIEWER, Role.LEADER},
    ),
    (
        "reports:work",
        "招商工作统计",
        {Role.UNIT_STAFF, Role.DISTRICT_OFFICE, Role.CITY_REVIEWER, Role.LEADER},
    ),
    (
        "outcomes:figures",
        "履约与效益",
        {Role.UNIT_STAFF, Role.DISTRICT_OFFICE, Role.CITY_REVIEWER, Role.LEADER},
    ),
    (
        "assessment:index",
        "考核排名",
        {Role.UNIT_STAFF, Role.DISTRICT_OFFICE, Role.CITY_REVIEWER, Role.LEADER},
    ),
    (
        "api-1.0.0:openapi-view",
        "接口文档",
        {Role.DISTRICT_OFFICE, Role.CITY_REVIEWER, Role.SYS_ADMIN},
    ),
    ("audit:log", "审计日志", {Role.AUDIT_ADMIN}),
    ("accounts:users", "用户管理", {Role.SYS_ADMIN}),
    ("accounts:security", "安全管理", {Role.SEC_ADMIN}),
]


#: Pages under a menu entry other than their app's first one.
_UNDER = {
    "projects:review": "projects:review_desk",
    "projects:review_history": "projects:review_desk",
    "supervision:problem_update": "supervision:problems",
    "supervision:supervision_close": "supervision:problems",
    "supervision:leader_act_new": "supervision:leader_acts",
    # A project's own problems and their dialogs belong to the project, under 项目库.
    "supervision:project_problems": "projects:list",
    "supervision:problem_new": "projects:list",
    "supervision:supervision_new": "projects:list",
}


#: Apps whose pages all belong under their first entry unless named otherwise (not the
#: accounts pages: a password change is nobody's 用户管理).
_BUSINESS_APPS = {
    "intermediaries",
    "outcomes",
    "projects",
    "leads",
    "supervision",
    "land",
    "assessment",
    "ledger",
    "reports",
    "companies",
    "chains",
    "meetings",
    "news",
}


def navigation(request) -> dict:
    """Return the side menu for the signed-in user: only what the role may open (a
    协调部门's staff: only what ``coordinating.may_open``).

    The entry of the page is marked: the page itself, a page named after it
    (``ledger:import_preview`` under ``ledger:import``), one of ``_UNDER``, or else the
    first entry of the page's app (a parcel's card under 招商地图, a project's edit form
    under 项目库).
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    current = request.resolver_match.view_name if request.resolver_match else ""
    nav, names = [], []
    for name, label, roles in _MENU:
        if (roles is not None and user.role not in roles) or not may_open(user, name):
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue  # a page of a later part of the product
        entry: dict = {"url": url, "label": label, "active": False}
        if name in _counts:
            # Callables: the template reads them only where it shows the menu (not in an
            # htmx fragment), and the count is read once a request.
            entry["count"] = partial(_counted, _counts[name], request, 0)
            entry["overdue"] = partial(_counted, _counts[name], request, 1)
        nav.append(entry)
        names.append(name)
    section = _UNDER.get(current) or next(
        (n for n in names if current == n or current.startswith(f"{n}_")), None
    )
    app = current.split(":")[0]
    if section is None and app in _BUSINESS_APPS:
        section = next((n for n in names if n.split(":")[0] == app), None)
    if section in names:
        nav[names.index(section)]["active"] = True
    return {"nav": nav}
