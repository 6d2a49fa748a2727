"""The role × URL × method access matrix (RELIABILITY item 5; issue 4, item 2).

Every URL pattern of the project is walked from the resolver, the API's routes and their
declared methods from its OpenAPI document. ``POLICY`` describes each one: which methods
it takes, which real objects of the world to address, and what each persona must get.
A pattern (or an API method) the table does not describe is itself a mismatch, so a new
URL cannot ship without its line here.

The expectations come from the intended policy (DESIGN §1, ``permissions`` and the scope
rules), written out again below on purpose rather than imported: the matrix checks the
views, the selectors and the permission module against one independent statement.

    wrong method                          405 (before anything else, for anyone)
    anonymous                             302 to the login page (web) / 401 (API)
    object outside the user's scope       404 (administrators see no business object)
    visible, action not permitted         403
    permitted GET                         200
    permitted POST with an empty body     the view's validation status (400 or 422),
                                          never a 2xx or a redirect (nothing written)
    API write with a stale version        409 (the service's lock, nothing written)

Each case runs in a savepoint that is rolled back, so nothing one case does reaches the
next; the world is built once for the whole matrix.
"""

import datetime as dt
import json
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from baton.accounts.api_auth import token_create
from baton.accounts.models import User
from baton.org.models import Unit
from baton.projects import services
from baton.projects.models import LeaderAct
from baton.projects.tests.helpers_views import login
from baton.projects.views.review import CODE
from baton.testing import make_project, make_user, make_world
from config.api import api

Role = User.Role
UNIT, OFFICE, CITY, LEADER = (
    Role.UNIT_STAFF,
    Role.DISTRICT_OFFICE,
    Role.CITY_REVIEWER,
    Role.LEADER,
)
BUSINESS = frozenset({UNIT, OFFICE, CITY, LEADER})
ADMINS = frozenset({Role.SYS_ADMIN, Role.SEC_ADMIN, Role.AUDIT_ADMIN})
WEB_METHODS = ("GET", "POST", "PUT", "DELETE")
STALE = 999_999  # a version no project has: a permitted write meets the lock, writes nothing

XIANGAN, TONGAN = "翔安区", "同安区"
MAXIANG, XINDIAN = "马巷街道", "新店街道"

# --- the personas and the objects, as the policy sees them -------------------------------


@dataclass(frozen=True)
class Persona:
    name: str
    role: str | None = None  # None: not signed in
    unit: str | None = None
    district: str | None = None
    person: bool = False  # a leader account linked to its Person

    @property
    def signed_in(self) -> bool:
        return self.role is not None


PERSONAS = (
    Persona("anonymous"),
    Persona("promoter", UNIT, unit=MAXIANG, district=XIANGAN),
    Persona("other_promoter", UNIT, unit=XINDIAN, district=XIANGAN),
    Persona("office", OFFICE, district=XIANGAN),
    Persona("tongan_office", OFFICE, district=TONGAN),
    Persona("reviewer", CITY),
    Persona("leader", LEADER, district=XIANGAN, person=True),
    Persona("sys_admin", Role.SYS_ADMIN),
    Persona("sec_admin", Role.SEC_ADMIN),
    Persona("audit_admin", Role.AUDIT_ADMIN),
)


@dataclass(frozen=True)
class Proj:
    key: str
    code: str
    district: str
    holder: str
    state: str


@dataclass(frozen=True)
class Prob:
    key: str
    pk: int
    project: Proj
    responsible: str


@dataclass(frozen=True)
class Sup:
    key: str
    pk: int
    project: Proj
    problem: Prob | None


EDITABLE = ("draft", "returned", "admitted")
PENDING = ("submitted", "district_approved")


def sees(p: Persona, proj: Proj) -> bool:
    """A unit its own projects, a district office or leader its district, the city all."""
    if p.role == UNIT:
        return proj.holder == p.unit
    if p.role in (OFFICE, LEADER):
        return proj.district == p.district
    return p.role == CITY  # the world has one city; administrators see nothing


def holds(p: Persona, proj: Proj) -> bool:
    return p.role == UNIT and proj.holder == p.unit


def office_of(p: Persona, proj: Proj) -> bool:
    return p.role == OFFICE and proj.district == p.district


def holder_or_office(p: Persona, proj: Proj) -> bool:
    return holds(p, proj) or office_of(p, proj)


def can_edit(p: Persona, proj: Proj) -> bool:
    return proj.state in EDITABLE and holder_or_office(p, proj)


def can_submit(p: Persona, proj: Proj) -> bool:
    return holds(p, proj) and proj.state in ("draft", "returned")


def can_review(p: Persona, proj: Proj) -> bool:
    """The district office decides first, the city reviewer admits."""
    if proj.state == "submitted":
        return office_of(p, proj)
    return proj.state == "district_approved" and p.role == CITY


def can_note(p: Persona, proj: Proj) -> bool:
    return p.role in BUSINESS


def can_open_problem(p: Persona, proj: Proj) -> bool:
    return p.role in (UNIT, OFFICE, LEADER)


def can_supervise(p: Persona, proj: Proj) -> bool:
    """督办 and leaders' acts: the leader in person, or the district office for one."""
    return (p.role == LEADER and p.person) or office_of(p, proj)


def responsible(p: Persona, problem: Prob | None) -> bool:
    return problem is not None and p.role == UNIT and problem.responsible == p.unit


def sees_problem(p: Persona, problem: Prob) -> bool:
    """A problem follows its project, and the unit that must solve it sees it too."""
    return sees(p, problem.project) or responsible(p, problem)


def can_update_problem(p: Persona, problem: Prob) -> bool:
    return office_of(p, problem.project) or responsible(p, problem)


def sees_supervision(p: Persona, sup: Sup) -> bool:
    return sees(p, sup.project) or responsible(p, sup.problem)


def can_close_supervision(p: Persona, sup: Sup) -> bool:
    return holder_or_office(p, sup.project) or responsible(p, sup.problem)


def visible(p: Persona, obj) -> bool:
    if isinstance(obj, Prob):
        return sees_problem(p, obj)
    if isinstance(obj, Sup):
        return sees_supervision(p, obj)
    return sees(p, obj)


# --- expectations ---------------------------------------------------------------------


@dataclass(frozen=True)
class Redirect:
    """A 302 to ``to`` (only its start, with ``prefix``)."""

    to: str
    prefix: bool = False

    def __str__(self) -> str:
        return f"302 → {self.to}{'…' if self.prefix else ''}"


HOME = Redirect("/")
Expect = int | Redirect


def login_page(path: str) -> Redirect:
    return Redirect(f"{reverse(settings.LOGIN_URL)}?next={quote(path)}")


def role_page(roles, invalid: int | None = None) -> Callable:
    """A page of its own (no object): the roles that use it, others 403."""

    def rule(p: Persona, method: str, obj) -> Expect:
        if p.role not in roles:
            return 403
        return 200 if method == "GET" else invalid

    return rule


def object_page(can: Callable, invalid: int | None = None) -> Callable:
    """A page about one object: 404 outside scope, 403 when not permitted."""

    def rule(p: Persona, method: str, obj) -> Expect:
        if not visible(p, obj):
            return 404
        if not can(p, obj):
            return 403
        return 200 if method == "GET" else invalid

    return rule


def review_page(p: Persona, method: str, proj: Proj) -> Expect:
    """A reviewer who opens a project with nothing to decide goes back to the desk."""
    if not sees(p, proj):
        return 404
    if can_review(p, proj):
        return 200 if method == "GET" else 400
    if p.role in (OFFICE, CITY) and proj.state not in PENDING:
        return Redirect(reverse("projects:review_desk"))
    return 403


def anyone_signed_in(p: Persona, method: str, obj) -> Expect:
    return 200


# The accounts' own pages re-render a refused form with 200 (the login-security tests
# rely on it); nothing is written by an empty POST.
def login_view(p: Persona, method: str, obj) -> Expect:
    return HOME if p.signed_in else 200


def logout_view(p: Persona, method: str, obj) -> Expect:
    return Redirect(reverse("accounts:login"))


def otp_view(p: Persona, method: str, obj) -> Expect:
    # Business roles have no second factor; the administrators here already passed it.
    return HOME


def admin_index(p: Persona, method: str, obj) -> Expect:
    """The Django admin is the system administrator's configuration tool."""
    if p.role == Role.SYS_ADMIN:
        return 200
    return Redirect(f"{reverse('admin:login')}?next={reverse('admin:index')}")


def admin_login(p: Persona, method: str, obj) -> Expect:
    """One door in: the admin's own login form would skip the session record (so that
    disabling the account ends the session) and the straight path to the second factor."""
    return Redirect(reverse("accounts:login"), prefix=True)


# API rules: ``(persona, obj) -> status`` for a signed-in token holder.


def api_read(p: Persona, obj) -> int:
    return 200 if visible(p, obj) else 404


def api_write(can: Callable, permitted: int = 409, service: Callable | None = None):
    """Outside scope 404; not permitted 403; permitted: the stale version's 409 (or the
    service's 422 where the body carries no version). ``service`` names who passes the
    view and hears the service's refusal instead of a 403."""

    def rule(p: Persona, proj: Proj) -> int:
        if not sees(p, proj):
            return 404
        if can(p, proj) or (service is not None and service(p, proj)):
            return permitted
        return 403

    return rule


def edit_under_review(p: Persona, proj: Proj) -> bool:
    # The holder and the office of a project under review pass; the service says why.
    return proj.state not in EDITABLE and holder_or_office(p, proj)


def review_not_pending(p: Persona, proj: Proj) -> bool:
    # A reviewer on a project that waits for no decision hears the service's reason.
    return p.role in (OFFICE, CITY) and proj.state not in PENDING


def report_scope(district: str | None) -> Callable:
    def rule(p: Persona, obj) -> int:
        if p.role not in BUSINESS:
            return 403
        if district is None or p.role == CITY:
            return 200
        return 200 if p.role in (OFFICE, LEADER) and p.district == district else 403

    return rule


def every_token(p: Persona, obj) -> int:
    return 200


def create_rule(p: Persona, obj) -> int:
    return 422 if p.role == UNIT else 403


# --- the policy table ---------------------------------------------------------------


@dataclass
class Web:
    """A server-rendered page: ``methods`` it takes; ``targets`` names the objects."""

    name: str
    methods: tuple[str, ...]
    rule: Callable
    targets: str = ""  # "", "states", "projects", "problems", "supervisions"
    open: bool = False  # reachable without signing in (the rule decides)


@dataclass
class Api:
    """An API route: its declared operations, each a rule and a body builder."""

    path: str  # with {code}
    ops: dict[str, tuple[Callable, Callable | None]]
    targets: str = ""
    query: tuple[str, ...] = ("",)
    auth: str = "token"  # "token", "docs" (token or session), "none"
    extra: dict = field(default_factory=dict)


def _stale(**values):
    return lambda w, obj: {"version": STALE, **values}


ALL = BUSINESS | ADMINS
POLICY: dict[str, Web | Api] = {
    # 工作台 and 月度统计
    "": Web("reports:home", ("GET",), role_page(ALL)),
    "reports/monthly/": Web("reports:monthly", ("GET",), role_page(BUSINESS)),
    # accounts
    "accounts/login/": Web("accounts:login", ("GET", "POST"), login_view, open=True),
    "accounts/logout/": Web("accounts:logout", ("POST",), logout_view, open=True),
    "accounts/password/": Web("accounts:password_change", ("GET", "POST"), anyone_signed_in),
    "accounts/otp/": Web("accounts:otp", ("GET", "POST"), otp_view),
    # 项目库
    "projects/": Web("projects:list", ("GET",), role_page(BUSINESS)),
    "projects/new/": Web("projects:create", ("GET", "POST"), role_page({UNIT}, 422)),
    "projects/<project_code:code>/": Web(
        "projects:detail", ("GET",), object_page(sees), "projects"
    ),
    "projects/<project_code:code>/edit/": Web(
        "projects:edit", ("GET", "POST"), object_page(can_edit, 422), "states"
    ),
    "projects/<project_code:code>/submit/": Web(
        "projects:submit", ("GET", "POST"), object_page(can_submit, 422), "states"
    ),
    "projects/<project_code:code>/move/": Web(
        "projects:move", ("GET", "POST"), object_page(holder_or_office, 422), "projects"
    ),
    "projects/<project_code:code>/handoff/": Web(
        "projects:handoff", ("GET", "POST"), object_page(holder_or_office, 422), "projects"
    ),
    "projects/<project_code:code>/milestone/": Web(
        "projects:milestone", ("GET", "POST"), object_page(holder_or_office, 422), "projects"
    ),
    "projects/<project_code:code>/note/": Web(
        "projects:note", ("GET", "POST"), object_page(can_note, 422), "projects"
    ),
    # 审核台
    "projects/review/": Web("projects:review_desk", ("GET",), role_page({OFFICE, CITY})),
    "projects/review/history/": Web("projects:review_history", ("GET",), role_page({OFFICE, CITY})),
    f"projects/^{CODE}/review/$": Web("projects:review", ("GET", "POST"), review_page, "states"),
    # 存在问题与督办, 领导活动
    "projects/problems/": Web("projects:problems", ("GET",), role_page(BUSINESS)),
    "projects/leader-acts/": Web("projects:leader_acts", ("GET",), role_page(BUSINESS)),
    "projects/problems/<int:pk>/update/": Web(
        "projects:problem_update",
        ("GET", "POST"),
        object_page(can_update_problem, 400),
        "problems",
    ),
    "projects/supervisions/<int:pk>/close/": Web(
        "projects:supervision_close",
        ("GET", "POST"),
        object_page(can_close_supervision, 400),
        "supervisions",
    ),
    f"projects/^{CODE}/problems/$": Web(
        "projects:project_problems", ("GET",), object_page(sees), "projects"
    ),
    f"projects/^{CODE}/problems/new/$": Web(
        "projects:problem_new", ("GET", "POST"), object_page(can_open_problem, 400), "projects"
    ),
    f"projects/^{CODE}/supervisions/new/$": Web(
        "projects:supervision_new", ("GET", "POST"), object_page(can_supervise, 400), "projects"
    ),
    f"projects/^{CODE}/leader-acts/new/$": Web(
        "projects:leader_act_new", ("GET", "POST"), object_page(can_supervise, 400), "projects"
    ),
    # the Django admin: its index and its login (the rest is the admin's own business)
    "admin/": Web("admin:index", WEB_METHODS, admin_index, open=True),
    "admin/login/": Web("admin:login", WEB_METHODS, admin_login, open=True),
    # the HTTP API
    "api/v1/openapi.json": Api("/openapi.json", {"GET": (every_token, None)}, auth="docs"),
    "api/v1/docs": Api("/docs", {"GET": (every_token, None)}, auth="docs"),
    "api/v1/": Api("/", {}, auth="none"),
    "api/v1/projects": Api(
        "/projects",
        {
            "GET": (every_token, None),
            "POST": (create_rule, lambda w, obj: {"name": "   ", "investment_wan": "1"}),
        },
    ),
    "api/v1/projects/<code>": Api(
        "/projects/{code}",
        {
            "GET": (api_read, None),
            "PATCH": (
                api_write(can_edit, service=edit_under_review),
                _stale(name="改名"),
            ),
        },
        "states",
    ),
    "api/v1/projects/<code>/submit": Api(
        "/projects/{code}/submit",
        # The holder passes whatever the state: the service says why it cannot submit.
        {"POST": (api_write(holds), _stale())},
        "states",
    ),
    "api/v1/projects/<code>/review": Api(
        "/projects/{code}/review",
        {
            "POST": (
                api_write(can_review, service=review_not_pending),
                _stale(decision="return", reason="请补充材料"),
            )
        },
        "states",
    ),
    "api/v1/projects/<code>/move": Api(
        "/projects/{code}/move",
        {"POST": (api_write(holder_or_office), _stale(stage="negotiating"))},
        "projects",
    ),
    "api/v1/projects/<code>/handoff": Api(
        "/projects/{code}/handoff",
        {
            "POST": (
                api_write(holder_or_office),
                lambda w, obj: {
                    "version": STALE,
                    "to_unit": w.handoff_to[obj.district].pk,
                    "reason": "交由片区推进",
                },
            )
        },
        "projects",
    ),
    "api/v1/projects/<code>/milestones": Api(
        "/projects/{code}/milestones",
        # 策划-stage projects: 开工 needs a landed project, the service refuses it (422).
        {
            "POST": (
                api_write(holder_or_office, permitted=422),
                lambda w, obj: {"kind": "started", "date": "2024-01-01"},
            )
        },
        "projects",
    ),
    "api/v1/projects/<code>/notes": Api(
        "/projects/{code}/notes",
        {"POST": (api_write(can_note, permitted=422), lambda w, obj: {"text": "   "})},
        "projects",
    ),
    "api/v1/projects/<code>/events": Api(
        "/projects/{code}/events", {"GET": (api_read, None)}, "projects"
    ),
    "api/v1/report": Api(
        "/report",
        {"GET": (None, None)},
        query=("", "?district=350213", "?district=350212"),
        extra={
            "": report_scope(None),
            "?district=350213": report_scope(XIANGAN),
            "?district=350212": report_scope(TONGAN),
        },
    ),
    "api/v1/stages": Api("/stages", {"GET": (every_token, None)}),
    "api/v1/units": Api("/units", {"GET": (every_token, None)}),
    "api/v1/industries": Api("/industries", {"GET": (every_token, None)}),
}
#: The Django admin's pages other than its index and login: the admin's own checks.
ADMIN_INTERNALS = "admin/"


# --- walking the URLs ---------------------------------------------------------------


def url_routes() -> list[str]:
    """Return every URL pattern of the project as its full route, in resolver order."""
    routes: list[str] = []

    def walk(patterns, prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern):
                routes.append(route)

    walk(get_resolver().url_patterns, "")
    static = settings.STATIC_URL.lstrip("/")
    return list(
        dict.fromkeys(
            route
            for route in routes
            if not route.startswith(static)
            and (not route.startswith(ADMIN_INTERNALS) or route in ("admin/", "admin/login/"))
        )
    )


def api_operations() -> dict[str, set[str]]:
    """Return the API's routes (as in POLICY) and their declared methods, from OpenAPI."""
    prefix = reverse("api-1.0.0:api-root")  # /api/v1/
    operations: dict[str, set[str]] = {}
    for path, methods in api.get_openapi_schema()["paths"].items():
        route = re.sub(r"\{(\w+)\}", r"<\1>", path).lstrip("/")
        operations[route] = {method.upper() for method in methods}
    assert all(route.startswith(prefix.lstrip("/")) for route in operations)
    return operations


def undescribed() -> list[str]:
    """Return what the policy table misses: routes, and API methods it does not declare."""
    routes = url_routes()
    missing = [f"no policy for URL {route!r}" for route in routes if route not in POLICY]
    missing += [f"policy for a URL that does not exist: {r!r}" for r in POLICY if r not in routes]
    for route, methods in api_operations().items():
        spec = POLICY.get(route)
        declared = set(spec.ops) if isinstance(spec, Api) else set()
        if declared != methods:
            missing.append(
                f"{route}: the API declares {sorted(methods)}, the policy {sorted(declared)}"
            )
    return missing


# --- the world ----------------------------------------------------------------------


def build_world():
    """The shared world plus a project at each review state and what hangs on them."""
    w = make_world()
    w.sys_admin.is_staff = True  # as `baton demo` sets up the system administrator
    w.sys_admin.save(update_fields=["is_staff"])
    datong = Unit.objects.create(district=w.other_district, name="大同街道", kind="town", order=2)
    ta_promoter = make_user(UNIT, username="ta_promoter", unit=datong)

    def mx(name: str):
        return make_project(w, name=name, investor=f"{name}投资有限公司")

    draft = mx("氢能装备产业园")
    submitted = mx("智能网联汽车零部件基地")
    services.project_submit(project=submitted, actor=w.promoter)
    approved = mx("光伏组件智能工厂")
    services.project_submit(project=approved, actor=w.promoter)
    services.project_review(project=approved, actor=w.office, approve=True)
    admitted = mx("生物医药创新中心")
    services.project_submit(project=admitted, actor=w.promoter)
    services.project_review(project=admitted, actor=w.office, approve=True)
    services.project_review(project=admitted, actor=w.reviewer, approve=True)

    def ta(name: str):
        return make_project(
            w, unit=datong, actor=ta_promoter, name=name, investor=f"{name}集团有限公司"
        )

    ta_submitted = ta("同安轻工食品园")
    services.project_submit(project=ta_submitted, actor=ta_promoter)
    ta_admitted = ta("同安智能家居产业园")
    services.project_submit(project=ta_admitted, actor=ta_promoter)
    services.project_review(project=ta_admitted, actor=w.tongan_office, approve=True)

    deadline = timezone.localdate() + dt.timedelta(days=30)
    own = services.problem_open(
        project=admitted,
        actor=w.promoter,
        category="land",
        description="用地指标未落实",
        responsible_unit=w.town,
        deadline=deadline,
    )
    other = services.problem_open(
        project=admitted,
        actor=w.office,
        category="land",
        description="道路配套需新店街道协调",
        responsible_unit=w.other_town,
        deadline=deadline,
    )
    sup = services.supervision_issue(
        project=admitted,
        actor=w.leader,
        leader=w.leader_person,
        instruction="月底前完成道路配套方案",
        deadline=deadline,
        problem=other,
    )
    services.leader_act_record(
        project=admitted,
        actor=w.leader,
        leader=w.leader_person,
        kind=LeaderAct.Kind.NEGOTIATE,
        date=timezone.localdate(),
    )

    def fact(key, project, district, holder):
        project.refresh_from_db()
        return Proj(key, project.code, district, holder, project.review_state)

    w.proj = {
        "mx_draft": fact("mx_draft", draft, XIANGAN, MAXIANG),
        "mx_submitted": fact("mx_submitted", submitted, XIANGAN, MAXIANG),
        "mx_district_approved": fact("mx_district_approved", approved, XIANGAN, MAXIANG),
        "mx_admitted": fact("mx_admitted", admitted, XIANGAN, MAXIANG),
        "ta_submitted": fact("ta_submitted", ta_submitted, TONGAN, "大同街道"),
        "ta_admitted": fact("ta_admitted", ta_admitted, TONGAN, "大同街道"),
    }
    p = w.proj
    assert [x.state for x in p.values()] == [
        "draft",
        "submitted",
        "district_approved",
        "admitted",
        "submitted",
        "admitted",
    ]
    w.targets = {
        "": [None],
        "states": [
            p["mx_draft"],
            p["mx_submitted"],
            p["mx_district_approved"],
            p["mx_admitted"],
            p["ta_submitted"],
        ],
        "projects": [p["mx_draft"], p["mx_admitted"], p["ta_admitted"]],
    }
    own_fact = Prob("problem_maxiang", own.pk, p["mx_admitted"], MAXIANG)
    other_fact = Prob("problem_xindian", other.pk, p["mx_admitted"], XINDIAN)
    w.targets["problems"] = [own_fact, other_fact]
    w.targets["supervisions"] = [Sup("supervision", sup.pk, p["mx_admitted"], other_fact)]
    w.handoff_to = {XIANGAN: w.other_town, TONGAN: w.tongan_unit}
    return w


def web_path(spec: Web, obj) -> str:
    if isinstance(obj, Proj):
        return reverse(spec.name, kwargs={"code": obj.code})
    if isinstance(obj, Prob | Sup):
        return reverse(spec.name, kwargs={"pk": obj.pk})
    return reverse(spec.name)


def undeclared(declared) -> str:
    return next(m for m in ("DELETE", "PUT", "PATCH") if m not in declared)


# --- the cases ----------------------------------------------------------------------


@dataclass
class Case:
    persona: Persona
    method: str
    path: str
    expect: Expect
    body: dict | None = None
    api: bool = False
    auth: str = ""


def web_cases(route: str, spec: Web, w) -> list[Case]:
    cases = []
    for obj in w.targets[spec.targets]:
        path = web_path(spec, obj)
        for p in PERSONAS:
            for method in WEB_METHODS:
                if method not in spec.methods:
                    expect: Expect = 405
                elif not p.signed_in and not spec.open:
                    expect = login_page(path)
                else:
                    expect = spec.rule(p, method, obj)
                cases.append(Case(p, method, path, expect))
    return cases


def api_cases(route: str, spec: Api, w) -> list[Case]:
    base = reverse("api-1.0.0:api-root").rstrip("/")
    declared = set(spec.ops)
    methods = sorted({"GET", "POST"} | declared | {undeclared(declared)})
    cases = []
    for obj in w.targets[spec.targets]:
        for query in spec.query:
            path = base + spec.path.format(code=getattr(obj, "code", "")) + query
            for p in PERSONAS:
                for method in methods:
                    body = None
                    if spec.auth == "none":
                        expect: Expect = 404
                    elif method not in declared:
                        expect = 405
                    elif not p.signed_in:
                        docs_page = spec.auth == "docs" and not path.endswith(".json")
                        expect = login_page(path) if docs_page else 401
                    else:
                        rule, make_body = spec.ops[method]
                        rule = rule or spec.extra[query]
                        expect = rule(p, obj)
                        body = make_body(w, obj) if make_body else None
                    if method != "GET" and body is None and method in declared:
                        body = {}
                    cases.append(Case(p, method, path, expect, body, api=True, auth=spec.auth))
    return cases


def all_cases(w) -> list[Case]:
    cases = []
    for route, spec in POLICY.items():
        if isinstance(spec, Web):
            cases += web_cases(route, spec, w)
        else:
            cases += api_cases(route, spec, w)
    return cases


class Sessions:
    """One signed-in web client and one API token per persona."""

    def __init__(self, w):
        self.clients: dict[str, Client] = {}
        self.tokens: dict[str, str] = {}
        self.bare = Client(raise_request_exception=False)
        for p in PERSONAS:
            client = Client(raise_request_exception=False)
            if p.signed_in:
                user = getattr(w, p.name)
                login(client, user)  # administrators: second factor verified
                self.tokens[p.name] = token_create(user=user, name="matrix")[1]
            self.clients[p.name] = client

    def send(self, case: Case):
        """Send the case's request; anything but a GET runs in a savepoint rolled back."""
        if case.method == "GET":
            return self._request(case)
        client = self.bare if case.api else self.clients[case.persona.name]
        cookies = {name: morsel.value for name, morsel in client.cookies.items()}
        try:
            with transaction.atomic():
                response = self._request(case)
                transaction.set_rollback(True)
        finally:  # a logout, say, must not sign the persona out of the next cases
            client.cookies.clear()
            for name, value in cookies.items():
                client.cookies[name] = value
        return response

    def _request(self, case: Case):
        if not case.api:
            client = self.clients[case.persona.name]
            if case.method == "POST":
                return client.post(case.path, {})
            return client.generic(case.method, case.path)
        token = self.tokens.get(case.persona.name)
        return self.bare.generic(
            case.method,
            case.path,
            "" if case.body is None else json.dumps(case.body),
            content_type="application/json",
            headers={"Authorization": f"Bearer {token}"} if token else {},
        )


def verdict(case: Case, response) -> str | None:
    """Return the mismatch, or None when the response is what the policy says."""
    status = response.status_code
    expect = case.expect
    if isinstance(expect, Redirect):
        location = response.get("Location", "")
        ok = status == 302 and (
            location.startswith(expect.to) if expect.prefix else location == expect.to
        )
    else:
        ok = status == expect
    if ok and case.api and status >= 400 and status != 405 and case.auth != "none":
        # Every API refusal is JSON with a Chinese reason.
        try:
            detail = response.json().get("detail", "")
        except ValueError:
            detail = ""
        if not re.search(r"[\u4e00-\u9fff]", str(detail)):
            return f"{case.method} {case.path} as {case.persona.name}: {status} without a Chinese JSON detail"
    if ok:
        return None
    got = str(status)
    if status in (301, 302):
        got += f" → {response.get('Location', '')}"
    return f"{case.method} {case.path} as {case.persona.name}: expected {expect}, got {got}"


@pytest.fixture
def quiet_requests():
    """The matrix sends thousands of refused requests: log only the server errors."""
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.ERROR)
    yield
    logger.setLevel(level)


# --- the tests ------------------------------------------------------------------------


def test_the_policy_table_describes_every_url():
    assert undescribed() == []


@pytest.mark.django_db
def test_access_matrix(capsys, quiet_requests):
    started = time.monotonic()
    w = build_world()
    sessions = Sessions(w)
    mismatches = list(undescribed())
    cases = all_cases(w)
    for case in cases:
        problem = verdict(case, sessions.send(case))
        if problem:
            mismatches.append(problem)
    with capsys.disabled():
        for line in mismatches:
            print(line)
        print(f"{len(cases)} cases, {len(mismatches)} mismatches")
        print(f"(access matrix: {time.monotonic() - started:.1f} s)")
    assert not mismatches
