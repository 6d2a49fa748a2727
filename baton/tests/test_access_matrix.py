"""The role × URL × method access matrix (RELIABILITY item 5; issue 4, item 2).

Every URL pattern of the project is walked from the resolver, the API's routes and their
declared methods from its OpenAPI document. ``POLICY`` describes each one: which methods
it takes, which real objects of the world to address, and what each persona must get.
A pattern (or an API method) the table does not describe is itself a mismatch, so a new
URL cannot ship without its line here.

The expectations come from the intended policy (DESIGN §1, ``permissions`` and the scope
rules), written out again below on purpose rather than imported: the matrix checks the
views, the selectors and the permission module against one independent statement.

    wrong method                          405 (before anything else, for anyone but
                                          an administrator on a business page)
    anonymous                             302 to the login page (web) / 401 (API)
    an administrator on a business page   403 with the rule (三员分立), whatever the
                                          page, object or method
    object outside the user's scope       404
    visible, action not permitted         403
    permitted GET                         200
    permitted POST with an empty body     the view's validation status (400 or 422),
                                          never a 2xx or a redirect (nothing written)
    API write with a stale version        409 (the service's lock, nothing written)

Where the intended policy is more particular, the rule says so: the accounts' forms
re-render a refused POST with 200; a reviewer who opens a project with nothing to decide
is sent back to the review desk; the administrators, whose scope is empty, get the API's
lists with no row in them (every business page is a 403 for them); the API lets the
holder (or the reviewer) of a project in the wrong state through to the service, which
says why (here: 409).

The world is built once for the whole matrix; every case but a GET runs in a savepoint
that is rolled back, so nothing one case does reaches the next.
"""

import datetime as dt
import json
import logging
import re
import sys
import types
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, path, resolve, reverse
from django.utils import timezone

from baton.accounts.api_auth import token_create
from baton.accounts.models import User
from baton.org.models import Unit
from baton.projects import permissions, services
from baton.projects.tests.helpers_views import login
from baton.projects.views.review import CODE
from baton.supervision import services as supervision_services
from baton.supervision.models import LeaderAct
from baton.testing import add_coordinating, make_project, make_user, make_world
from config import urls as root_urls
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
ZIRAN = "自然资源局"  # a 协调部门 of 翔安 (baton.testing.add_coordinating)

#: 协调部门: its staff open only these pages (and the API's /todo); every other page, any
#: method, is the 403 with the rule, and every other API operation a JSON 403. On these
#: pages the rules below decide as for any unit: it holds no project, so it sees only the
#: problems assigned to it and their 督办.
COORDINATING_PAGES = frozenset(
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
    }
)
COORDINATING_API = frozenset({"/todo"})

# --- the personas and the objects, as the policy sees them -------------------------------


@dataclass(frozen=True)
class Persona:
    name: str
    role: str | None = None  # None: not signed in
    unit: str | None = None
    district: str | None = None
    person: bool = False  # a leader account linked to its Person
    coordinating: bool = False  # staff of a 协调部门 (a unit outside the promotion team)

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
    Persona("coordinator", UNIT, unit=ZIRAN, district=XIANGAN, coordinating=True),
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
    relay: frozenset[str] = frozenset()  # other units on the relay (co-unit, earlier legs)
    offered_to: str = ""  # the unit a pending handoff (待接收) waits for


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


@dataclass(frozen=True)
class SupFile:
    """A file of a 督办's report: its 督办 and its own id."""

    key: str
    supervision: Sup
    pk: int


@dataclass(frozen=True)
class AttFile:
    """An attachment of a project: who uploaded it, and whether a 督办 report holds it."""

    key: str
    pk: int
    project: Proj
    uploader: str  # the persona
    report: bool = False


EDITABLE = ("draft", "returned", "admitted")
PENDING = ("submitted", "district_approved")


def sees(p: Persona, proj: Proj) -> bool:
    """A unit the projects it holds or ran a leg of, a district office or leader its
    district, the city reviewer the city."""
    if p.role == UNIT:
        return p.unit in (proj.holder, proj.offered_to) or p.unit in proj.relay
    if p.role in (OFFICE, LEADER):
        return proj.district == p.district
    return p.role == CITY  # the world has one city; administrators see nothing


def holds(p: Persona, proj: Proj) -> bool:
    return p.role == UNIT and proj.holder == p.unit


def office_of(p: Persona, proj: Proj) -> bool:
    return p.role == OFFICE and proj.district == p.district


def holder_or_office(p: Persona, proj: Proj) -> bool:
    return holds(p, proj) or office_of(p, proj)


def answers_handoff(p: Persona, proj: Proj) -> int:
    """Accept or decline a pending handoff: the receiving unit's staff; 403 for anyone
    else who sees the project."""
    if not sees(p, proj):
        return 404
    return 200 if p.role == UNIT and p.unit == proj.offered_to else 403


def handoff_page(rule: Callable, posted: int | None) -> Callable:
    """The dialog of answering or withdrawing a pending handoff: as the API's ``rule``
    says; a POST done goes back to the project (``posted`` None), or is refused 422."""

    def page(p: Persona, method: str, proj: Proj) -> Expect:
        status = rule(p, proj)
        if status != 200 or method == "GET":
            return status
        if posted is not None:
            return posted
        return Redirect(reverse("projects:detail", kwargs={"code": proj.code}))

    return page


def withdraws_handoff(p: Persona, proj: Proj) -> int:
    """Take back a pending handoff: the giving unit (still the holder) or the office."""
    if not sees(p, proj):
        return 404
    return 200 if proj.offered_to and holder_or_office(p, proj) else 403


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


def reports_supervision(p: Persona, sup: Sup) -> bool:
    """The unit a 督办 is issued to: the problem's responsible unit, else the holder."""
    if sup.problem is not None:
        return responsible(p, sup.problem)
    return holds(p, sup.project)


def signs_off_supervision(p: Persona, sup: Sup) -> bool:
    """Close or send back: the issuing leader (the 翔安 leader persona) or the office of
    the leader's district; never the unit it is issued to."""
    return bool(p.role == LEADER and p.person) or (p.role == OFFICE and p.district == XIANGAN)


def sees_supervision_file(p: Persona, method: str, obj: SupFile) -> int:
    return 200 if sees_supervision(p, obj.supervision) else 404


def deletes_attachment(p: Persona, obj: AttFile) -> bool:
    """The uploader while it may edit the project, or the district office; never a file
    of a 督办 report."""
    if obj.report:
        return False
    return office_of(p, obj.project) or (p.name == obj.uploader and can_edit(p, obj.project))


def api_attachment(p: Persona, obj: AttFile) -> int:
    return 200 if sees(p, obj.project) else 404


def visible(p: Persona, obj) -> bool:
    if isinstance(obj, Outing):
        return sees_outing(p, obj)
    if isinstance(obj, Meet):
        return sees_meeting(p, obj)
    if isinstance(obj, Tip):
        return sees_tip(p, obj)
    if isinstance(obj, Clue):
        return sees_lead(p, obj)
    if isinstance(obj, Firm):
        return sees_company(p, obj)
    if isinstance(obj, Rope):
        return sees_chain(p, obj)
    if isinstance(obj, AttFile):
        return sees(p, obj.project)
    if isinstance(obj, Prob):
        return sees_problem(p, obj)
    if isinstance(obj, Sup):
        return sees_supervision(p, obj)
    if isinstance(obj, Act):
        return sees_activity(p, obj)
    return sees(p, obj)


# 客商库: a company is its district's. The district's promoters, office and leaders see
# it, the city reviewer the city's; the district's promoters and office register and
# edit; its office merges duplicates.


@dataclass(frozen=True)
class Firm:
    key: str
    pk: int
    district: str


def sees_company(p: Persona, firm: Firm) -> bool:
    if p.role in (UNIT, OFFICE, LEADER):
        return p.district == firm.district
    return p.role == CITY


def writes_company(p: Persona, firm: Firm) -> bool:
    return p.role in (UNIT, OFFICE) and p.district == firm.district


def merges_company(p: Persona, firm: Firm) -> bool:
    return p.role == OFFICE and p.district == firm.district


def company_api(can: Callable) -> Callable:
    """A company's API write: 404 outside the area, 403 when not permitted, and for who
    may the service's (or the body's) 422: the bodies below are refused, nothing written."""

    def rule(p: Persona, firm: Firm) -> int:
        if not sees_company(p, firm):
            return 404
        return 422 if can(p, firm) else 403

    return rule


def company_targets(w) -> dict:
    from baton.companies import services as company_services

    def add(actor, district, name):
        return company_services.company_create(actor=actor, district=district, name=name).pk

    return {
        "companies": [
            Firm("xa_company", add(w.office, w.district, "翔安某某科技有限公司"), XIANGAN),
            Firm("ta_company", add(w.tongan_office, w.other_district, "同安某某电子"), TONGAN),
        ]
    }


# 外出招商 and 来访接待 (issue 19): a trip or a reception is its unit's. The unit's promoters
# see theirs, the district office and leaders the district's, the city reviewer the city's;
# the unit's promoters and the district office record and edit them (and file the trip's
# report, register its leads); leaders and the city read.


@dataclass(frozen=True)
class Outing:
    key: str
    pk: int
    district: str
    unit: str


def sees_outing(p: Persona, o: Outing) -> bool:
    if p.role == UNIT:
        return p.unit == o.unit
    if p.role in (OFFICE, LEADER):
        return p.district == o.district
    return p.role == CITY


def writes_outing(p: Persona, o: Outing) -> bool:
    return (p.role == UNIT and p.unit == o.unit) or (p.role == OFFICE and p.district == o.district)


# 月例会 (issue 21): a meeting is its district's. The district office prepares and writes
# it; its leaders read it, the city reviewer the city's; a unit reads only the meetings
# with a decision assigned to it (and only those decisions: no agenda, no minutes).


@dataclass(frozen=True)
class Meet:
    key: str
    pk: int  # the meeting's, or (target "meeting_decisions") the decision's
    district: str
    units: frozenset[str]  # the units its decisions are assigned to
    item: int = 0  # an agenda item
    row: int = 0  # an attendance row


def sees_meeting(p: Persona, m: Meet) -> bool:
    if p.role == UNIT:
        return p.unit in m.units
    if p.role in (OFFICE, LEADER):
        return p.district == m.district
    return p.role == CITY


def writes_meeting(p: Persona, m: Meet) -> bool:
    return p.role == OFFICE and p.district == m.district


def meeting_step(p: Persona, method: str, m: Meet, anchor: str = "") -> "Expect":
    """A button on the meeting's page: posted without its page's version, it goes back to
    the meeting (at the part it is on) with the reason and changes nothing."""
    if not sees_meeting(p, m):
        return 404
    if not writes_meeting(p, m):
        return 403
    return Redirect(reverse("meetings:detail", kwargs={"pk": m.pk}) + anchor)


def meeting_minutes(p: Persona, method: str, m: Meet) -> "Expect":
    """The minutes' form: an empty post changes nothing and goes back to the meeting."""
    if method == "GET" and sees_meeting(p, m) and writes_meeting(p, m):
        return 200
    return meeting_step(p, method, m)


def meeting_docx(p: Persona, method: str, m: Meet) -> "Expect":
    if not sees_meeting(p, m):
        return 404
    return 403 if p.role == UNIT else 200


def meeting_api_write(p: Persona, m: Meet) -> int:
    if not sees_meeting(p, m):
        return 404
    return 422 if writes_meeting(p, m) else 403


def meeting_targets(w) -> dict:
    """翔安 and 同安: each office's meeting of last month, an agenda item, an attendance
    row, a decision assigned to a unit (马巷; 同安区招商办)."""
    from baton.meetings import services as meetings
    from baton.meetings.services_decisions import decision_record

    day = timezone.localdate() + dt.timedelta(days=10)
    out: dict[str, list] = {"meetings": [], "meeting_decisions": []}
    for key, office, district, unit, name in (
        ("xa", w.office, XIANGAN, w.town, MAXIANG),
        ("ta", w.tongan_office, TONGAN, w.tongan_unit, "同安区招商办"),
    ):
        meeting = meetings.meeting_create(actor=office)
        row = meetings.attendance_add(meeting=meeting, actor=office, unit=unit)
        decision = decision_record(
            meeting=meeting, actor=office, text="梳理闲置厂房清单", deadline=day, owner_unit=unit
        )
        units = frozenset({name})
        item = meeting.agenda.order_by("order").first().pk
        out["meetings"].append(Meet(f"{key}_meeting", meeting.pk, district, units, item, row.pk))
        out["meeting_decisions"].append(Meet(f"{key}_decision", decision.pk, district, units))
    return out


def visit_targets(w) -> dict:
    """翔安: a trip and a reception of 马巷; 同安: its office's own."""
    from baton.companies.models import Company
    from baton.visits import services as visits

    day = timezone.localdate() - dt.timedelta(days=20)
    xa, ta = (Company.objects.get(pk=firm.pk) for firm in w.targets["companies"])
    xa_trip = visits.trip_create(
        actor=w.promoter, title="赴深圳", start=day, end=day, destinations="深圳", companies=[xa]
    )
    ta_trip = visits.trip_create(
        actor=w.tongan_office, unit=w.tongan_unit, title="赴上海", start=day, end=day,
        destinations="上海",
    )  # fmt: skip
    xa_visit = visits.reception_create(actor=w.promoter, date=day, visitors="客商", companies=[xa])
    ta_visit = visits.reception_create(
        actor=w.tongan_office, unit=w.tongan_unit, date=day, visitors="客商", companies=[ta]
    )
    return {
        "trips": [
            Outing("xa_trip", xa_trip.pk, XIANGAN, MAXIANG),
            Outing("ta_trip", ta_trip.pk, TONGAN, "同安区招商办"),
        ],
        "receptions": [
            Outing("xa_reception", xa_visit.pk, XIANGAN, MAXIANG),
            Outing("ta_reception", ta_visit.pk, TONGAN, "同安区招商办"),
        ],
    }


# 读新闻 (issue 22): a draft lead from the news is its district's. The promoter who put it
# in the queue sees it, the district office and leaders the district's, the city reviewer
# the city's; only the district office accepts, merges or discards it.


@dataclass(frozen=True)
class Tip:
    key: str
    pk: int
    district: str
    author: str  # the persona who put it in the queue


def sees_tip(p: Persona, o: Tip) -> bool:
    if p.role == UNIT:
        return p.name == o.author
    if p.role in (OFFICE, LEADER):
        return p.district == o.district
    return p.role == CITY


def decides_tip(p: Persona, o: Tip) -> bool:
    return p.role == OFFICE and p.district == o.district


def news_targets(w) -> dict:
    """翔安: a draft 马巷's promoter put in the queue; 同安: its office's own."""
    from baton.news import services as news

    text = "翔安区与厦门天马微电子有限公司签约，总投资一百二十亿元。"
    name = "厦门天马微电子有限公司"
    xa = news.draft_create(actor=w.promoter, text=text, name=name)
    ta = news.draft_create(actor=w.tongan_office, text=text, name=name)
    return {
        "drafts": [
            Tip("xa_draft", xa.pk, XIANGAN, "promoter"),
            Tip("ta_draft", ta.pk, TONGAN, "tongan_office"),
        ]
    }


# 产业链图谱 (issue 17): a chain is its district's. Whoever sees the district's companies
# sees its chains (the district's promoters, office and leaders, the city reviewer);
# only the district office edits them; a 协调部门 and the administrators nothing.


@dataclass(frozen=True)
class Rope:
    key: str
    pk: int  # the chain
    node: int
    target: int
    supplier: int
    district: str


#: The objects each chain page addresses beyond the chain itself.
ROPE_ARGS = {
    "chains:node": ("node",),
    "chains:node_edit": ("node",),
    "chains:node_delete": ("node",),
    "chains:target_new": ("node",),
    "chains:target_delete": ("target",),
    "chains:supplier_delete": ("supplier",),
}


def sees_chain(p: Persona, rope: Rope) -> bool:
    if p.role in (UNIT, OFFICE, LEADER):
        return p.district == rope.district
    return p.role == CITY


def edits_chain(p: Persona, rope: Rope) -> bool:
    return p.role == OFFICE and p.district == rope.district


def chain_targets(w) -> dict:
    from baton.chains import services as chain_services
    from baton.companies import services as company_services

    def add(actor, district, key, name):
        chain = chain_services.chain_create(actor=actor, district=district, name="新能源")
        node = chain_services.node_create(
            chain=chain, actor=actor, name="动力电池", position="midstream", codes="C3841"
        )
        target = chain_services.target_add(node=node, actor=actor, name="某电池公司")
        leader, supplier = (
            company_services.company_create(actor=actor, district=district, name=f"{name}{i}")
            for i in ("电池", "材料")
        )
        # Companies of the library too: the company cases and lists count them.
        w.targets["companies"] += [
            Firm(f"{key}_{c.pk}", c.pk, district.name) for c in (leader, supplier)
        ]
        row = chain_services.supplier_add(
            chain=chain, actor=actor, leader=leader, supplier=supplier, tier="first"
        )
        return Rope(key, chain.pk, node.pk, target.pk, row.pk, district.name)

    return {
        "chains": [
            add(w.office, w.district, "xa_chain", "翔安链上"),
            add(w.tongan_office, w.other_district, "ta_chain", "同安链上"),
        ]
    }


# 投资信息 (issue 17): a lead is its unit's first-report right. A unit's promoters see the
# leads their unit holds or first reported (after a reassignment, both units), the
# district office and leaders the district's, the city reviewer the city's; the
# administrators and a 协调部门 none. The holder unit's promoters and the office work an
# open lead (not one waiting for a 撞车 ruling); feedback to the source is theirs on any
# lead not merged; only the office arbitrates a 撞车 and reassigns a lead idle for the
# district's days. The pages refuse a step the lead's state does not allow with the 403
# page and its reason; the API lets the holder and the office through to the service,
# which says why (422).


@dataclass(frozen=True)
class Clue:
    """A lead of the world, as the leads' policy sees it."""

    key: str
    code: str
    district: str
    holder: str  # the unit that holds it now
    first: str  # the unit that first reported it
    status: str = "registered"
    responded: bool = False
    idle: bool = False  # no progress for the district's days: the office may reassign


def sees_lead(p: Persona, clue: Clue) -> bool:
    if p.role == UNIT:
        return p.unit in (clue.holder, clue.first)
    if p.role in (OFFICE, LEADER):
        return p.district == clue.district
    return p.role == CITY


def works_lead(p: Persona, clue: Clue) -> bool:
    """The holder unit's promoters or the district office (whatever the lead's state)."""
    return (p.role == UNIT and p.unit == clue.holder) or (
        p.role == OFFICE and p.district == clue.district
    )


def lead_open(clue: Clue) -> bool:
    return clue.status in ("registered", "following", "assessed")


def lead_step(step: str) -> Callable:
    """Whether ``step`` is open to the persona on the lead now (the pages' buttons)."""

    def can(p: Persona, clue: Clue) -> bool:
        if step in ("arbitrate", "reassign"):
            office = p.role == OFFICE and p.district == clue.district
            if step == "arbitrate":
                return office and clue.status == "conflict"
            return office and lead_open(clue) and clue.idle
        if not works_lead(p, clue):
            return False
        if step == "feedback":
            return clue.status != "merged"
        if step == "respond":
            return lead_open(clue) and not clue.responded
        if step == "convert":
            return clue.status == "assessed"
        return lead_open(clue)

    return can


#: A lead's dialogs, by their URL names.
LEAD_STEPS = (
    "edit",
    "respond",
    "note",
    "assess",
    "feedback",
    "reject",
    "arbitrate",
    "reassign",
    "convert",
)


def lead_page(step: str, invalid: int = 422) -> Callable:
    """A lead's dialog: 404 unseen, 403 (with the reason) unless the step is open; an
    empty POST is the form's ``invalid`` — for 响应, whose fields are all optional, it
    responds and goes back to the lead."""
    can = lead_step(step)

    def rule(p: Persona, method: str, clue: Clue) -> Expect:
        if not sees_lead(p, clue):
            return 404
        if not can(p, clue):
            return 403
        if method == "GET":
            return 200
        if step == "respond":
            return Redirect(reverse("leads:detail", kwargs={"code": clue.code}))
        return invalid

    return rule


def lead_api(step: str) -> Callable:
    """A lead's step over the API: 404 unseen, 403 unless the holder's or the office's
    (the office's alone for arbitrate and reassign); for them the service's 422 on the
    bodies below (blank texts, an empty 研判, a lead whose state does not allow it), but
    the conversion of an assessed lead, which is done (201, rolled back)."""

    def rule(p: Persona, clue: Clue) -> int:
        if not sees_lead(p, clue):
            return 404
        office = p.role == OFFICE and p.district == clue.district
        if not (office if step in ("arbitrate", "reassign") else works_lead(p, clue)):
            return 403
        if step == "edit":
            return 409  # the stale version, before anything else
        if step == "convert" and clue.status == "assessed":
            return 201
        return 422

    return rule


def lead_targets(w) -> dict:
    """翔安, all for the company of ``company_targets`` (no other company, so that the
    library's lists stay as they are): 马巷's new lead; 马巷's assessed lead, idle for 40
    days; a lead 马巷 first reported that the office reassigned to 新店; 新店's own, a 撞车
    with 马巷's. 同安: a lead of its own unit, for 同安's company."""
    from baton.companies.models import Company
    from baton.leads import services as lead_services
    from baton.leads.models import Lead

    xa, ta = (Company.objects.get(pk=firm.pk) for firm in w.targets["companies"])

    def add(actor, comp, title, **values):
        values = {"source": "referrer", "investment": "20000", "industry_code": "C3841", **values}
        return lead_services.lead_register(
            actor=actor, company=comp, title=title, confirmed=True, **values
        )

    def idle(lead):
        Lead.objects.filter(pk=lead.pk).update(
            last_progress_at=timezone.now() - dt.timedelta(days=40)
        )

    new = add(w.promoter, xa, "动力电池生产基地")
    assessed = add(w.promoter, xa, "新能源汽车零部件")
    points = dict.fromkeys(("direction", "market", "technology", "environment", "energy"), "可")
    lead_services.lead_assess(
        lead=assessed, actor=w.promoter, points={**points, "benefit": "好"}, conclusion="follow"
    )
    idle(assessed)
    passed = add(w.promoter, xa, "硬质合金项目")
    idle(passed)
    lead_services.lead_reassign(lead=passed, actor=w.office, unit=w.other_town, reason="无进展")
    conflict = add(w.other_promoter, xa, "储能电池项目")
    tongan = add(w.tongan_office, ta, "食品加工", unit=w.tongan_unit)
    assert conflict.status == "conflict"
    return {
        "leads": [
            Clue("xa_new", new.code, XIANGAN, MAXIANG, MAXIANG),
            Clue("xa_conflict", conflict.code, XIANGAN, XINDIAN, XINDIAN, "conflict"),
            Clue("xa_passed", passed.code, XIANGAN, XINDIAN, MAXIANG),
            Clue("xa_assessed", assessed.code, XIANGAN, MAXIANG, MAXIANG, "assessed", True, True),
            Clue("ta_new", tongan.code, TONGAN, "同安区招商办", "同安区招商办"),
        ]
    }


# 招商活动 (issue 19): an activity, and an item of the annual plan, is its unit's. The
# unit's promoters see and write theirs, the district office the district's (and sets the
# plan's deadline), leaders read the district's, the city reviewer the city's. A plan item
# an activity was held for cannot be removed (403 with the reason, for its writers too).


@dataclass(frozen=True)
class Act:
    key: str
    code: str
    pk: int
    district: str
    unit: str


def sees_activity(p: Persona, a: Act) -> bool:
    if p.role == UNIT:
        return p.unit == a.unit
    if p.role in (OFFICE, LEADER):
        return p.district == a.district
    return p.role == CITY


def writes_activity(p: Persona, a: Act) -> bool:
    return (p.role == UNIT and p.unit == a.unit) or (p.role == OFFICE and p.district == a.district)


def activity_api(p: Persona, a: Act) -> int:
    """A write on an activity over the API: 404 unseen, 403 unless its writer, else the
    given answer (the body's refusal)."""
    if not sees_activity(p, a):
        return 404
    return 403 if not writes_activity(p, a) else 0


def plan_remove(p: Persona, method: str, a: Act) -> int:
    return 404 if not sees_activity(p, a) else 403


def new_activity_api(p: Persona, obj) -> int:
    """The body names 马巷's unit and a blank title: the service's 422 for 马巷's promoters
    and the district offices (同安's: not its unit, 422 too), 403 for everyone else."""
    if p.role == OFFICE or (p.role == UNIT and p.unit == MAXIANG):
        return 422
    return 403


def activity_targets(w) -> dict:
    """翔安: 马巷's activity, held for an item of its plan; 同安: its office's own."""
    from baton.activities import services as activities

    day = timezone.localdate() - dt.timedelta(days=10)

    def add(actor, unit, title):
        item = activities.plan_item_add(
            actor=actor, unit=unit, year=day.year, kind="signing", title=title, month=day.month
        )
        a = activities.activity_create(
            actor=actor, unit=unit, kind="signing", title=title, organizer="区政府",
            place="区行政中心", start_on=day, plan_item=item,
        )  # fmt: skip
        return a, item

    xa, xa_item = add(w.promoter, w.town, "翔安签约仪式")
    ta, ta_item = add(w.tongan_office, w.tongan_unit, "同安签约仪式")
    return {
        "activities": [
            Act("xa_activity", xa.code, xa.pk, XIANGAN, MAXIANG),
            Act("ta_activity", ta.code, ta.pk, TONGAN, "同安区招商办"),
        ],
        "plan_items": [
            Act("xa_plan", "", xa_item.pk, XIANGAN, MAXIANG),
            Act("ta_plan", "", ta_item.pk, TONGAN, "同安区招商办"),
        ],
    }


# --- expectations ---------------------------------------------------------------------


@dataclass(frozen=True)
class Redirect:
    """A 302 to exactly ``to``."""

    to: str

    def __str__(self) -> str:
        return f"302 → {self.to}"


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


def business_object_page(can: Callable) -> Callable:
    """An object page of an app the administrators otherwise open (the policy library):
    403 for them (三员分立), else as ``object_page``."""
    inner = object_page(can)

    def rule(p: Persona, method: str, obj) -> Expect:
        return 403 if p.role not in BUSINESS else inner(p, method, obj)

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


# 政策库 (issue 18): policies are public documents; a 区 policy's fair competition review
# and publication are its district office's, a 市 policy's the city office's; a 省 policy
# is the superuser's and the command line's (no persona here).


@dataclass(frozen=True)
class Pol:
    key: str
    pk: int
    clause: int  # a flagged clause, for the review page
    level: str  # "区", "市", "省"
    district: str = ""  # a 区 policy's district (its region)


def manages_policy(p: Persona, pol: Pol) -> bool:
    if pol.level == "区":
        return p.role == OFFICE and p.district == pol.district
    return pol.level == "市" and p.role == CITY


def policy_action(p: Persona, method: str, pol: Pol) -> Expect:
    """A review or publication: 403 for whoever does not manage it; an empty POST is 422."""
    if not manages_policy(p, pol):
        return 403
    return 200 if method == "GET" else 422


def policy_targets(w) -> dict:
    """Three drafts with a tax-linked clause: 翔安's, 厦门's and 福建省's."""
    from baton.policies.models import Policy
    from baton.policies.services import policy_load

    def draft(number, level, region, district=""):
        data = {
            "number": number, "title": "测试奖励办法", "level": level, "region": region,
            "kind": "N", "effective_on": "2025-01-01", "draft": True,
            "clauses": [{"number": "第一条", "amount": "annual_tax * 30%"}],
        }  # fmt: skip
        policy_load(items=[data])
        policy = Policy.objects.get(number=number)
        return Pol(number, policy.pk, policy.clauses.get().pk, level, district)

    return {
        "policies": [
            draft("翔测〔2025〕1号", "区", w.district.code, XIANGAN),
            draft("厦测〔2025〕1号", "市", w.city.code),
            draft("闽测〔2025〕1号", "省", "35"),
        ]
    }


# The accounts' own pages re-render a refused form with 200 (the login-security tests
# rely on it); nothing is written by an empty POST.
def anyone_at_all(p: Persona, method: str, obj) -> Expect:
    return 200


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
    return login_page(reverse("admin:index"))


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


def api_contact_phone(p: Persona, proj: Proj) -> int:
    """显示号码 through the API: as on the web, 200 to whom may see the number."""
    if not sees(p, proj):
        return 404
    return 200 if may_see_contact(p, proj) else 403


@dataclass(frozen=True)
class Scope:
    """A figure scope asked of /report: none (the user's default) or a district."""

    query: str
    district: str | None


def report_scope(p: Persona, scope: Scope) -> int:
    """Figures for the areas the role covers; the administrators have none."""
    if p.role not in BUSINESS:
        return 403
    if scope.district is None or p.role == CITY:
        return 200
    return 200 if p.role in (OFFICE, LEADER) and p.district == scope.district else 403


def every_token(p: Persona, obj) -> int:
    return 200


def business_token(p: Persona, obj) -> int:
    """One's own business list (待办): every business role; the administrators 403."""
    return 200 if p.role in BUSINESS else 403


def create_rule(p: Persona, obj) -> int:
    return 422 if p.role == UNIT else 403


@dataclass(frozen=True)
class Upload:
    """A ledger upload waiting for confirmation: its token is in nobody's session here."""

    token: str


def ledger_upload(p: Persona, method: str, upload: Upload) -> Expect:
    """Only units and district offices import; a token outside one's session is 404."""
    return 404 if p.role in (UNIT, OFFICE) else 403


# 招商地图 (issue 7): land is the district's, not a unit's — every unit of the district
# sees its parcels and buildings, the city reviewer the city's; administrators none.
# The district office reserves for any project of its district, a unit's promoter for a
# project it holds (the form offers only those), both only while the parcel is 可供;
# the office or the holding unit releases; the office alone changes the supply status.


@dataclass(frozen=True)
class Plot:
    """A parcel (or a building: ``status`` None) of the world, as the land policy sees it."""

    key: str
    code: str
    district: str
    status: str | None = None
    holder: str | None = None  # the unit holding the project the parcel is reserved for


def sees_land(p: Persona, plot: Plot) -> bool:
    if p.role in (UNIT, OFFICE, LEADER):
        return plot.district == p.district
    return p.role == CITY


def land_page(can: Callable, invalid: int | None = None) -> Callable:
    def rule(p: Persona, method: str, plot: Plot) -> Expect:
        if not sees_land(p, plot):
            return 404
        if not can(p, plot):
            return 403
        return 200 if method == "GET" else invalid

    return rule


def can_reserve_plot(p: Persona, plot: Plot) -> bool:
    return plot.status == "available" and p.role in (UNIT, OFFICE) and p.district == plot.district


def can_release_plot(p: Persona, plot: Plot) -> bool:
    if plot.status != "reserved":
        return False
    return (p.role == OFFICE and p.district == plot.district) or (
        p.role == UNIT and p.unit == plot.holder
    )


def can_change_plot(p: Persona, plot: Plot) -> bool:
    return p.role == OFFICE and p.district == plot.district


# The same rules over HTTP (/land/… of the API): the lists and the matching are refused to
# the administrators (403); a parcel or building outside the area is 404; an action not
# open 403; a permitted one meets the service's refusal of the body sent (422, nothing
# written).


@dataclass(frozen=True)
class LandDemand:
    """A query of 为项目找地 over the API."""

    query: str


def land_list(p: Persona, obj) -> int:
    return 200 if p.role in BUSINESS else 403


def land_read(p: Persona, plot: Plot) -> int:
    return 200 if sees_land(p, plot) else 404


def land_write(can: Callable) -> Callable:
    def rule(p: Persona, plot: Plot) -> int:
        if not sees_land(p, plot):
            return 404
        return 422 if can(p, plot) else 403

    return rule


def land_targets(w) -> dict:
    """Parcels 可供 and 已预留 in 翔安, one 可供 in 同安, a building in each district."""
    from baton.land import services as land_services
    from baton.land.models import ParcelReservation
    from baton.land.tests.helpers import make_parcel
    from baton.projects.models import Project

    xa_free = make_parcel(w, "XA-MX-01")
    xa_held = make_parcel(w, "XA-MX-02", where=(118.26, 24.66))
    make_parcel(w, "TA-MX-01", district=w.other_district, where=(118.15, 24.75))
    # Held by 马巷's admitted project, which is only 策划 (the service asks 意向 or later):
    # written as the service would leave it, without moving the shared world's project.
    project = Project.objects.get(code=w.proj["mx_admitted"].code)
    ParcelReservation.objects.create(
        parcel=xa_held, project=project, district=w.district, reserved_at=timezone.now()
    )
    xa_held.status = "reserved"
    xa_held.save(update_fields=["status"])
    for code, district in (("XA-MX-ZT", w.district), ("TA-MX-ZT", w.other_district)):
        land_services.building_save(
            code=code,
            district=district,
            values={
                "name": "标准厂房",
                "kind": "factory",
                "lon": 118.25,
                "lat": 24.64,
                "floor_area_m2": 9000,
            },
        )
    assert xa_free.status == "available"
    return {
        "parcels": [
            Plot("xa_available", "XA-MX-01", XIANGAN, "available"),
            Plot("xa_reserved", "XA-MX-02", XIANGAN, "reserved", holder=MAXIANG),
            Plot("ta_available", "TA-MX-01", TONGAN, "available"),
        ],
        "buildings": [
            Plot("xa_building", "XA-MX-ZT", XIANGAN),
            Plot("ta_building", "TA-MX-ZT", TONGAN),
        ],
        "land_demands": [LandDemand("?area_mu=100&land_use=M1")],
    }


# 隐私与三员分立 (issue 8, "trust"): 显示号码 on a project, the system administrator's
# 用户管理 and the security administrator's 安全管理. 显示号码 takes no input: a
# permitted POST answers 200 with the number (a leader or the city reviewer: audited);
# a unit that only ran a leg of the relay sees the number masked and may not ask (403).
# The administrators' own accounts are not managed on these pages (403), and an
# administrator's second factor is reset only by the security administrator.


@dataclass(frozen=True)
class AdminTarget:
    """An account, a login session or an API token, as the administrators' pages see it."""

    key: str
    pk: int
    admin_account: bool = False  # an account of one of the three administrators


def may_see_contact(p: Persona, proj: Proj) -> bool:
    return holder_or_office(p, proj) or p.role in (LEADER, CITY)


def contact_reveal(p: Persona, method: str, proj: Proj) -> Expect:
    if not sees(p, proj):
        return 404
    return 200 if may_see_contact(p, proj) else 403


def admin_action(role: str, *, on_admins: bool = False, invalid: int = 400) -> Callable:
    """An administrator's action on an account: the business accounts (or, with
    ``on_admins``, the administrators' accounts) only; an empty POST is refused."""

    def rule(p: Persona, method: str, target: AdminTarget) -> Expect:
        if p.role != role or target.admin_account != on_admins:
            return 403
        return 200 if method == "GET" else invalid

    return rule


def admin_targets(w) -> dict:
    from baton.accounts.models import LoginSession

    session = LoginSession.objects.create(user=w.promoter, session_key="matrix-session-1")
    token, _secret = token_create(user=w.promoter, name="matrix target")
    return {
        "accounts": [
            AdminTarget("promoter", w.promoter.pk),
            AdminTarget("audit_admin", w.audit_admin.pk, admin_account=True),
        ],
        "sessions": [AdminTarget("session", session.pk)],
        "tokens": [AdminTarget("token", token.pk)],
    }


# 通知: each signed-in account reads its own notices; another's is a 404 to everyone else
# (administrators included: they are told nothing). Marking all read is anyone's, for
# their own. The district office keeps its district's channels and reads their log.


@dataclass(frozen=True)
class NoticeTarget:
    """A notice: whose it is, and where opening it leads."""

    key: str
    pk: int
    owner: str  # the persona it was written for
    url: str


def notice_open(p: Persona, method: str, notice: NoticeTarget) -> Expect:
    return Redirect(notice.url) if p.name == notice.owner else 404


def notices_read_all(p: Persona, method: str, obj) -> Expect:
    return Redirect(reverse("notices:list"))


# 后台任务: a job (an import, a report pack) is its starter's alone: anyone else gets 404,
# as if it did not exist. A finished import's page is the importer's, among those who may
# import; a job without a file has nothing to download (404).


@dataclass(frozen=True)
class JobTarget:
    """A background job and the persona who started it."""

    key: str
    pk: int
    owner: str


def job_targets(w) -> list:
    from baton.jobs import services as job_services
    from baton.jobs.models import Job

    job = job_services.create(user=w.promoter, kind=Job.Kind.LEDGER_IMPORT, title="导入台账")
    job_services.finish(job, message="完成。", result={"counts": [0, 0, 0], "events": 0})
    return [JobTarget("promoter_import", job.pk, "promoter")]


def own_job(p: Persona, method: str, job: JobTarget) -> Expect:
    return 200 if p.name == job.owner else 404


def job_download(p: Persona, method: str, job: JobTarget) -> Expect:
    return 404  # its own job offers no file; anyone else's is not there


def import_job(p: Persona, method: str, job: JobTarget) -> Expect:
    if p.role not in (UNIT, OFFICE):
        return 403
    return own_job(p, method, job)


def notice_targets(w) -> dict:
    from baton.notices.models import Notice

    url = reverse("projects:review_desk")
    notice = Notice.objects.create(
        recipient=w.office, kind=Notice.Kind.SUBMITTED, title="项目待审核", url=url
    )
    return {"notices": [NoticeTarget("office_notice", notice.pk, "office", url)]}


# 考核排名 (issue 6, "assess"): a scheme, its indicators and rankings are the district's.
# The district office manages its district's (drafts and trial rankings included); the
# leaders and units' promoters of the district and the city reviewer read only what is
# published; administrators nothing. A change to a published scheme or ranking is
# refused with the reason (409); an empty POST fails validation (400).


@dataclass(frozen=True)
class Assessed:
    """A scheme, an indicator (of a scheme) or a ranking, as the assessment policy sees it."""

    key: str
    pk: int
    district: str
    published: bool


def sees_assessment(p: Persona, obj: Assessed) -> bool:
    if p.role == OFFICE:
        return p.district == obj.district
    if not obj.published:
        return False
    if p.role in (UNIT, LEADER):
        return p.district == obj.district
    return p.role == CITY


def assessment_page(*, frozen: dict[str, int] | None = None, manage: bool = True) -> Callable:
    """404 outside what one reads; 403 unless the district's office (``manage``); on a
    published object ``frozen`` gives the status per method (409: refused with reason)."""

    def rule(p: Persona, method: str, obj: Assessed) -> Expect:
        if not sees_assessment(p, obj):
            return 404
        if manage and p.role != OFFICE:
            return 403
        if obj.published and frozen and method in frozen:
            return frozen[method]
        return 200 if method == "GET" else 400

    return rule


DRAFT_ONLY = {"GET": 409, "POST": 409}


def ranking_records_page(p: Persona, method: str, obj: Assessed) -> Expect:
    """计分记录: 404 outside the rankings one reads; the bare address names no item (400)."""
    return 404 if not sees_assessment(p, obj) else 400


def assessment_targets(w) -> dict:
    """翔安: a draft scheme, a published one with a published and a trial ranking; 同安: a
    published scheme with its published ranking."""
    from baton.assessment import services as assessment

    def scheme(district, unit, name, publish):
        made = assessment.scheme_create(district=district, name=name, period_kind="quarter")
        assessment.scheme_unit_set(scheme=made, unit=unit, group="乡镇")
        indicator = assessment.indicator_add(
            scheme=made, name="工作评价", kind="manual", weight="100", config={}
        )
        if publish:
            assessment.scheme_publish(scheme=made, actor=w.office)
        return made, indicator

    def ranking(made, publish):
        run = assessment.ranking_compute(
            scheme=made, period_start=dt.date(2024, 1, 1), period_end=dt.date(2024, 3, 31)
        )
        if publish:
            assessment.ranking_publish(ranking=run, actor=w.office)
        return run

    xa_draft, xa_draft_i = scheme(w.district, w.town, "翔安草稿方案", False)
    xa_pub, xa_pub_i = scheme(w.district, w.town, "翔安考核方案", True)
    ta_pub, ta_pub_i = scheme(w.other_district, w.tongan_unit, "同安考核方案", True)
    xa_ranked, xa_trial, ta_ranked = (
        ranking(xa_pub, True),
        ranking(xa_pub, False),
        ranking(ta_pub, True),
    )
    return {
        "rank_jobs": [rank_job_target(w, xa_pub)],
        "schemes": [
            Assessed("xa_draft", xa_draft.pk, XIANGAN, False),
            Assessed("xa_published", xa_pub.pk, XIANGAN, True),
            Assessed("ta_published", ta_pub.pk, TONGAN, True),
        ],
        "indicators": [
            Assessed("xa_draft_indicator", xa_draft_i.pk, XIANGAN, False),
            Assessed("xa_published_indicator", xa_pub_i.pk, XIANGAN, True),
            Assessed("ta_published_indicator", ta_pub_i.pk, TONGAN, True),
        ],
        "rankings": [
            Assessed("xa_ranking", xa_ranked.pk, XIANGAN, True),
            Assessed("xa_trial", xa_trial.pk, XIANGAN, False),
            Assessed("ta_ranking", ta_ranked.pk, TONGAN, True),
        ],
    }


@dataclass(frozen=True)
class Figure:
    """An entered figure (录入数据) of a district's unit."""

    key: str
    pk: int
    district: str


def figure_page(p: Persona, method: str, obj: Figure) -> Expect:
    """A unit's figure: its district office's own (404 to another district's office and to
    the city office, whose figures are the districts' as a whole; 403 to other roles)."""
    if p.role == CITY:
        return 404
    if p.role != OFFICE:
        return 403
    if p.district != obj.district:
        return 404
    return 200 if method == "GET" else 400


def figure_targets(w) -> list[Figure]:
    from baton.assessment import services as assessment

    def enter(unit, district):
        entry = assessment.entered_fact_set(
            unit=unit,
            name="实际利用外资",
            period_start=dt.date(2024, 1, 1),
            period_end=dt.date(2024, 12, 31),
            value="100",
            source="stats",
            reason="统计快报",
            actor=w.office,
        )
        return Figure(f"{district}_figure", entry.pk, district)

    return [enter(w.town, XIANGAN), enter(w.tongan_unit, TONGAN)]


@dataclass(frozen=True)
class RankJob:
    """A ranking run (a background job) of a scheme, and the persona who started it."""

    key: str
    scheme: Assessed
    pk: int
    owner: str


def rank_job_target(w, scheme) -> RankJob:
    from baton.jobs import services as job_services
    from baton.jobs.models import Job

    job = job_services.create(
        user=w.office,
        kind=Job.Kind.RANKING,
        title="试算排名",
        params={"scheme": scheme.pk, "start": "2024-04-01", "end": "2024-06-30"},
    )  # still queued: its page shows the progress (a finished run opens its ranking)
    return RankJob("office_rank_job", Assessed("xa", scheme.pk, XIANGAN, True), job.pk, "office")


def rank_job_page(p: Persona, method: str, obj: RankJob) -> Expect:
    """The scheme's rule first (404 unseen, 403 unless its office), then the job's own."""
    if not sees_assessment(p, obj.scheme):
        return 404
    if p.role != OFFICE:
        return 403
    return 200 if p.name == obj.owner else 404


# 政策兑现 (issue 18): an application is its project's district's. The promoters of the
# project's unit see its applications; the district's office and leaders the district's;
# the city reviewer the city's; the administrators and a 协调部门 none (403). The office
# does every step the application's state allows; the unit receives (申报) and adds notes.


@dataclass(frozen=True)
class Deliv:
    """An application (政策兑现) of the world, as the delivery policy sees it."""

    key: str
    code: str
    district: str
    holder: str  # the unit holding its project
    status: str
    payable: bool = False  # an instalment due, unpaid and not held
    held: bool = False  # an instalment held


def sees_delivery(p: Persona, d: Deliv) -> bool:
    if p.role == UNIT:
        return p.unit == d.holder
    if p.role in (OFFICE, LEADER):
        return p.district == d.district
    return p.role == CITY


def delivery_step(step: str) -> Callable:
    def can(p: Persona, d: Deliv) -> bool:
        office = p.role == OFFICE and p.district == d.district
        if step == "note":
            return office or (p.role == UNIT and p.unit == d.holder)
        if step in ("complete", "return"):
            return office and d.status == "received"
        if step == "approve":
            return office and d.status == "complete"
        if step in ("reject", "withdraw"):
            return office and d.status in ("received", "complete")
        if step == "pay":
            return office and d.status == "approved" and d.payable
        if step == "hold":
            return office and d.status == "approved"
        return office and d.status == "approved" and d.held  # release

    return can


def delivery_page(can: Callable) -> Callable:
    """A delivery's page or step: 403 for the roles without delivery, 404 unseen, 403 when
    the step is not open; an empty POST is the form's 422."""

    def rule(p: Persona, method: str, d: Deliv) -> Expect:
        if p.role not in BUSINESS:
            return 403
        if not sees_delivery(p, d):
            return 404
        if not can(p, d):
            return 403
        return 200 if method == "GET" else 422

    return rule


DELIVERY_STEPS = (
    "complete", "return", "approve", "reject", "withdraw", "note", "pay", "hold", "release",
)  # fmt: skip


def delivery_targets(w) -> dict:
    """Applications under a test policy of 厦门 (第三条: 10 万元 in three shares, the first
    due on approval): on 马巷's draft (受理), submitted (材料齐全) and district-approved
    (核定) projects and on its admitted one (核定, 第一期 held); 新店's project (受理);
    同安's admitted project (受理)."""
    from baton.policies import services_delivery as delivery
    from baton.policies import services_payment as payment
    from baton.policies.models import Clause
    from baton.policies.services import policy_load
    from baton.policies.tests.helpers_delivery import NUMBER, POLICY
    from baton.projects.models import Project

    policy_load(items=[POLICY])
    third = Clause.objects.get(policy__number=NUMBER, number="第三条")
    day = dt.date(2025, 5, 6)
    p = w.proj

    def receive(key, actor):
        project = Project.objects.get(code=p[key].code)
        return delivery.receive(
            actor, project, third, received_on=day, beneficiary_name=f"{project.investor}"
        )

    def approve(key):
        app = receive(key, w.office)
        delivery.complete(w.office, app, on=day)
        delivery.approve(w.office, app, amount="10", on=day)
        return app

    received = receive("mx_draft", w.promoter)
    complete = receive("mx_submitted", w.office)
    delivery.complete(w.office, complete, on=day)
    approved = approve("mx_district_approved")
    held = approve("mx_admitted")
    payment.hold(w.office, held.instalments.get(order=1), reason="履约问题")
    handed = receive("xd_handed", w.office)
    tongan = receive("ta_admitted", w.tongan_office)
    return {
        "deliveries": [
            Deliv("xa_received", received.code, XIANGAN, MAXIANG, "received"),
            Deliv("xa_complete", complete.code, XIANGAN, MAXIANG, "complete"),
            Deliv("xa_approved", approved.code, XIANGAN, MAXIANG, "approved", payable=True),
            Deliv("xa_held", held.code, XIANGAN, MAXIANG, "approved", held=True),
            Deliv("xd_received", handed.code, XIANGAN, XINDIAN, "received"),
            Deliv("ta_received", tongan.code, TONGAN, "大同街道", "received"),
        ]
    }


# 中介机构与引荐人 (issue 19): the register is its district's — the district's promoters,
# office and leaders read it, the city reviewer the city's; the office registers, edits,
# signs agreements and revokes. A claim (中介认定) is seen by the unit holding its project
# and by the district (office, leaders) and the city; the project's unit and the office
# file and withdraw it, the office confirms or refuses it and handles its reward.


@dataclass(frozen=True)
class Agent:
    key: str
    code: str
    district: str


@dataclass(frozen=True)
class Pledge:
    """A claim, or (``reward``) a reward by its 政策兑现 code."""

    key: str
    code: str
    district: str
    holder: str
    status: str = "filed"


def sees_agent(p: Persona, a: Agent) -> bool:
    if p.role in (UNIT, OFFICE, LEADER):
        return p.district == a.district
    return p.role == CITY


def sees_pledge(p: Persona, c: Pledge) -> bool:
    if p.role == UNIT:
        return p.unit == c.holder
    if p.role in (OFFICE, LEADER):
        return p.district == c.district
    return p.role == CITY


def _office_of(p: Persona, district: str) -> bool:
    return p.role == OFFICE and p.district == district


def pledge_step(step: str) -> Callable:
    def can(p: Persona, c) -> bool:
        if isinstance(c, Agent):
            return step == "detail" or _office_of(p, c.district)
        office = _office_of(p, c.district)
        if step in ("detail", "reward"):
            return True
        if step in ("confirm", "refuse"):
            return office and c.status == "filed"
        if step == "withdraw":
            return c.status == "filed" and (office or (p.role == UNIT and p.unit == c.holder))
        if step == "reward_new":
            return office and c.status == "confirmed"
        if step == "approve":
            return office and c.status in ("received", "complete")
        return False  # publicize, pay: the reward is not approved yet

    return can


def intermediary_page(step: str) -> Callable:
    """A page of the register or of a claim: 404 unseen, 403 when the step is not open; an
    empty POST is the form's 422."""
    can = pledge_step(step)

    def rule(p: Persona, method: str, obj) -> Expect:
        seen = sees_agent(p, obj) if isinstance(obj, Agent) else sees_pledge(p, obj)
        if not seen:
            return 404
        if not can(p, obj):
            return 403
        return 200 if method == "GET" else 422

    return rule


def files_claim(p: Persona, method: str, proj: Proj) -> Expect:
    if not sees(p, proj):
        return 404
    if not (holds(p, proj) or office_of(p, proj)):
        return 403
    return 200 if method == "GET" else 422


def claim_api(p: Persona, c: Pledge) -> int:
    """A decision over the API: 404 unseen, 403 but for the office, then the stale version."""
    if not sees_pledge(p, c):
        return 404
    return 409 if _office_of(p, c.district) else 403


def claim_file_api(p: Persona, obj) -> int:
    """The body names 马巷's draft project and a blank account."""
    if p.role == UNIT:
        return 422 if p.unit == MAXIANG else 404
    if p.role == OFFICE:
        return 422 if p.district == XIANGAN else 404
    if p.role in (LEADER, CITY):
        return 403
    return 404


def intermediary_targets(w) -> dict:
    """翔安: an agency, 马巷's filed claim on its draft project and its confirmed claim on its
    admitted project, whose reward is received (测算); 同安: an agency and a filed claim."""
    from baton.intermediaries import rewards as intermediary_rewards
    from baton.intermediaries import services as intermediaries
    from baton.intermediaries.fixtures import reward_policy
    from baton.policies.models import Clause
    from baton.policies.services import policy_load
    from baton.projects.models import Project

    day = timezone.localdate() - dt.timedelta(days=30)

    def agent(actor, district, name):
        values = {"kind": "person", "name": name, "filed_on": day, "declared_on": day}
        return intermediaries.intermediary_register(actor=actor, district=district, values=values)

    def claim(actor, row, key):
        project = Project.objects.get(code=w.proj[key].code)
        return intermediaries.claim_file(
            actor=actor, intermediary=row, project=project, account="引荐"
        )

    xa = agent(w.office, w.district, "陈引荐")
    ta = agent(w.tongan_office, w.other_district, "王引荐")
    filed = claim(w.promoter, xa, "mx_draft")
    done = claim(w.promoter, xa, "mx_admitted")
    intermediaries.claim_confirm(actor=w.office, claim=done)
    policy_load(items=[reward_policy(w.district.code)])
    first = Clause.objects.get(policy__number__startswith="演示-中介奖励办法", number="第一条")
    reward = intermediary_rewards.reward_apply(
        actor=w.office, project=done.project, clause=first, facts={"实际到位资金": "30000"}
    )
    ta_claim = claim(w.tongan_office, ta, "ta_admitted")
    w.xa_agent = xa.code
    return {
        "agents": [Agent("xa_agent", xa.code, XIANGAN), Agent("ta_agent", ta.code, TONGAN)],
        "claims": [
            Pledge("xa_filed", filed.code, XIANGAN, MAXIANG),
            Pledge("xa_confirmed", done.code, XIANGAN, MAXIANG, "confirmed"),
            Pledge("ta_filed", ta_claim.code, TONGAN, "大同街道"),
        ],
        "rewards": [Pledge("xa_reward", reward.application.code, XIANGAN, MAXIANG, "received")],
    }


# 履约与效益 (issue 21): a landed project's promises and results are seen as the project;
# the district office and the unit holding it record them.


def records_outcome(p: Persona, method: str, proj: Proj) -> Expect:
    if not sees(p, proj):
        return 404
    if not holder_or_office(p, proj):
        return 403
    return 200 if method == "GET" else 422


def outcome_targets(w) -> dict:
    """翔安: a landed project of 马巷; 同安: one of its office's unit; each with a promise
    (checked after today: pending) and a year's results."""
    from decimal import Decimal

    from baton.outcomes import services as outcomes
    from baton.testing import stage

    made = []
    for key, unit, district, holder in (
        ("xa", w.town, XIANGAN, MAXIANG),
        ("ta", w.tongan_unit, TONGAN, "同安区招商办"),
    ):
        project = make_project(
            w, unit=unit, actor=None, name=f"{key}履约项目", investor="厦门示例有限公司",
            stage=stage("landed"), signed_on=dt.date(2025, 3, 3), land_area_mu=Decimal(30),
        )  # fmt: skip
        values = {"kind": "output", "target": "100", "due_on": dt.date(2030, 12, 31)}
        promise = outcomes.promise_create(actor=None, project=project, values=values)
        values = {"year": 2025, "output": "50", "source": "statistics"}
        result, _ = outcomes.result_record(actor=None, project=project, values=values)
        made.append((key, project, promise, result, district, holder))
    return {
        "outcome_projects": [
            Proj(f"{k}_outcome", p.code, d, h, "draft") for k, p, _, _, d, h in made
        ],
        "promises": [Outing(f"{k}_promise", pr.pk, d, h) for k, _, pr, _, d, h in made],
        "results": [Outing(f"{k}_result", r.pk, d, h) for k, _, _, r, d, h in made],
    }


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
    auth: str = "token"  # "token", "docs" (token or session), "none"


def _empty(w, obj) -> dict:
    return {}


def _stale(**values):
    return lambda w, obj: {"version": STALE, **values}


#: 三员分立: the apps whose pages show business data. An administrator gets the 403 with
#: the rule on every one of their pages (any method, an object that exists or not) but
#: the 工作台, where every account starts.
BUSINESS_APPS = (
    "intermediaries",
    "outcomes",
    "activities",
    "projects",
    "supervision",
    "files",
    "reports",
    "ledger",
    "land",
    "assessment",
    "companies",
    "leads",
    "chains",
    "visits",
    "news",
    "meetings",
)


def business_page(name: str) -> bool:
    return name.split(":")[0] in BUSINESS_APPS and name != "reports:home"


ALL = BUSINESS | ADMINS
POLICY: dict[str, Web | Api] = {
    # 工作台 and 月度统计
    "": Web("reports:home", ("GET",), role_page(ALL)),
    "reports/monthly/": Web("reports:monthly", ("GET",), role_page(BUSINESS)),
    "reports/work/": Web("reports:work", ("GET",), role_page(BUSINESS)),
    # The monthly report pack for the page's scope and date; publishing a month is the
    # district office's (its district) and the city reviewer's (the city).
    "reports/monthly/docx/": Web("reports:monthly_docx", ("GET",), role_page(BUSINESS)),
    "reports/monthly/xlsx/": Web("reports:monthly_xlsx", ("GET",), role_page(BUSINESS)),
    "reports/monthly/pack/": Web("reports:monthly_pack", ("POST",), role_page(BUSINESS, 400)),
    "reports/monthly/publish/": Web(
        "reports:monthly_publish", ("POST",), role_page({OFFICE, CITY}, invalid=400)
    ),
    "reports/monthly/notes/": Web(
        "reports:monthly_notes", ("POST",), role_page({OFFICE, CITY}, invalid=400)
    ),
    # 打印项目卡片: whoever sees the project, as its page.
    "reports/project/<str:code>/card/": Web(
        "reports:project_card", ("GET",), object_page(sees), "projects"
    ),
    # 领导驾驶舱 (issue 6): every business role for its own scope, as 月度统计.
    "cockpit/": Web("reports:cockpit", ("GET",), role_page(BUSINESS)),
    "todo/": Web("todo:list", ("GET",), role_page(BUSINESS)),
    # 政策梳理分析 (issue 18): every business role for its own area, the page and its
    # workbook; the administrators 403 (三员分立), as every business page.
    "policies/analysis/": Web("policies:analysis", ("GET",), role_page(BUSINESS)),
    "policies/analysis/xlsx/": Web("policies:analysis_export", ("GET",), role_page(BUSINESS)),
    # /healthz (issue 23): a load balancer's question, open to anyone, names no data.
    "healthz": Web("healthz", ("GET",), anyone_at_all, open=True),
    # /metrics: the monitoring servers' (by address: the loopback, as the test client is).
    "metrics": Web("metrics", ("GET",), anyone_at_all, open=True),
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
    # An empty POST accepts or withdraws; a decline needs its reason (422).
    "projects/<project_code:code>/handoff/accept/": Web(
        "projects:handoff_accept", ("GET", "POST"), handoff_page(answers_handoff, None), "offers"
    ),
    "projects/<project_code:code>/handoff/decline/": Web(
        "projects:handoff_decline", ("GET", "POST"), handoff_page(answers_handoff, 422), "offers"
    ),
    "projects/<project_code:code>/handoff/withdraw/": Web(
        "projects:handoff_withdraw",
        ("GET", "POST"),
        handoff_page(withdraws_handoff, None),
        "offers",
    ),
    "projects/<project_code:code>/milestone/": Web(
        "projects:milestone", ("GET", "POST"), object_page(holder_or_office, 422), "projects"
    ),
    "projects/<project_code:code>/note/": Web(
        "projects:note", ("GET", "POST"), object_page(can_note, 422), "projects"
    ),
    "projects/<project_code:code>/timeline/": Web(
        "projects:timeline", ("GET",), object_page(sees), "projects"
    ),
    # 审核台
    "projects/review/": Web("projects:review_desk", ("GET",), role_page({OFFICE, CITY})),
    "projects/review/history/": Web("projects:review_history", ("GET",), role_page({OFFICE, CITY})),
    f"projects/^{CODE}/review/$": Web("projects:review", ("GET", "POST"), review_page, "states"),
    # 存在问题与督办, 领导活动
    # Scoped lists: every business role, each its own scope.
    "projects/problems/": Web("supervision:problems", ("GET",), role_page(BUSINESS)),
    "projects/leader-acts/": Web("supervision:leader_acts", ("GET",), role_page(BUSINESS)),
    # A problem's own page: whoever sees the problem (a unit that must solve it included).
    "projects/problems/<int:pk>/": Web(
        "supervision:problem", ("GET",), object_page(lambda p, obj: True), "problems"
    ),
    "projects/problems/<int:pk>/update/": Web(
        "supervision:problem_update",
        ("GET", "POST"),
        object_page(can_update_problem, 400),
        "problems",
    ),
    "projects/supervisions/<int:pk>/report/": Web(
        "supervision:supervision_report",
        ("GET", "POST"),
        object_page(reports_supervision, 400),
        "supervisions",
    ),
    "projects/supervisions/<int:pk>/close/": Web(
        "supervision:supervision_close",
        ("GET", "POST"),
        object_page(signs_off_supervision, 400),
        "supervisions",
    ),
    "projects/supervisions/<int:pk>/return/": Web(
        "supervision:supervision_return",
        ("GET", "POST"),
        object_page(signs_off_supervision, 400),
        "supervisions",
    ),
    "projects/supervisions/<int:pk>/files/<int:file_pk>/": Web(
        "supervision:supervision_file", ("GET",), sees_supervision_file, "supervision_files"
    ),
    # 附件 of a project (its milestones, its 督办 reports): scoped like the project
    "projects/attachments/<int:pk>/": Web(
        "files:file", ("GET",), object_page(visible), "attachments"
    ),
    "projects/attachments/<int:pk>/delete/": Web(
        "files:delete", ("GET", "POST"), object_page(deletes_attachment, 422), "attachments"
    ),
    f"projects/^{CODE}/attachments/$": Web(
        "files:project", ("GET",), object_page(sees), "projects"
    ),
    f"projects/^{CODE}/attachments/new/$": Web(
        "files:new", ("GET", "POST"), object_page(can_edit, 422), "states"
    ),
    f"projects/^{CODE}/problems/$": Web(
        "supervision:project_problems", ("GET",), object_page(sees), "projects"
    ),
    f"projects/^{CODE}/problems/new/$": Web(
        "supervision:problem_new", ("GET", "POST"), object_page(can_open_problem, 400), "projects"
    ),
    f"projects/^{CODE}/supervisions/new/$": Web(
        "supervision:supervision_new", ("GET", "POST"), object_page(can_supervise, 400), "projects"
    ),
    f"projects/^{CODE}/leader-acts/new/$": Web(
        "supervision:leader_act_new", ("GET", "POST"), object_page(can_supervise, 400), "projects"
    ),
    # 台账导入与导出
    "ledger/import/": Web("ledger:import", ("GET", "POST"), role_page({UNIT, OFFICE}, 422)),
    "ledger/import/<upload_token:token>/": Web(
        "ledger:import_preview", ("GET",), ledger_upload, "uploads"
    ),
    "ledger/import/<upload_token:token>/map/": Web(
        "ledger:import_map", ("POST",), ledger_upload, "uploads"
    ),
    "ledger/import/<upload_token:token>/confirm/": Web(
        "ledger:import_confirm", ("POST",), ledger_upload, "uploads"
    ),
    "ledger/import/<upload_token:token>/errors/": Web(
        "ledger:import_errors", ("GET",), ledger_upload, "uploads"
    ),
    "ledger/import/jobs/<int:job_id>/": Web("ledger:import_done", ("GET",), import_job, "jobs"),
    # The export of the project list: every business role, in its own scope.
    "ledger/export/": Web("ledger:export", ("GET",), role_page(BUSINESS)),
    "ledger/leads/import/": Web("ledger:lead_import", ("GET", "POST"), role_page({OFFICE}, 422)),
    "jobs/": Web("jobs:list", ("GET",), anyone_signed_in),
    "policies/": Web("policies:list", ("GET",), anyone_signed_in),  # public documents
    # 政策测算: the business roles (not the administrators: 三员分立); a project's or a
    # lead's estimate finds it as its own page does (404 outside the user's scope).
    "policies/estimate/": Web("policies:estimate", ("GET",), role_page(BUSINESS)),
    "policies/estimate/project/<str:code>/": Web(
        "policies:estimate_project", ("GET",), business_object_page(sees), "projects"
    ),
    "policies/estimate/lead/<str:code>/": Web(
        "policies:estimate_lead", ("GET",), business_object_page(sees_lead), "leads"
    ),
    "jobs/<int:job_id>/": Web("jobs:detail", ("GET",), own_job, "jobs"),
    "jobs/<int:job_id>/progress/": Web("jobs:progress", ("GET",), own_job, "jobs"),
    "jobs/<int:job_id>/download/": Web("jobs:download", ("GET",), job_download, "jobs"),
    # 客商库: the list for every business role in its area; registering for the promoters
    # and the office; a company's card, edit and merge as the company rules say.
    # 外出招商 and 来访接待 (issue 19): the lists, the 考勤 table and the exports for every
    # business role in its scope; recording and importing for the promoters and the office
    # (an empty body: 422); a record, its edit, report and leads as ``sees_outing`` and
    # ``writes_outing`` say.
    "visits/": Web("visits:list", ("GET",), role_page(BUSINESS)),
    "visits/new/": Web("visits:trip_new", ("GET", "POST"), role_page({UNIT, OFFICE}, 422)),
    "visits/export/": Web("visits:trip_export", ("GET",), role_page(BUSINESS)),
    "visits/import/": Web("visits:trip_import", ("GET", "POST"), role_page({UNIT, OFFICE}, 422)),
    "visits/monthly/": Web("visits:monthly", ("GET",), role_page(BUSINESS)),
    "visits/monthly/xlsx/": Web("visits:monthly_xlsx", ("GET",), role_page(BUSINESS)),
    "visits/settings/": Web("visits:settings", ("GET", "POST"), role_page({OFFICE}, 422)),
    "visits/<int:pk>/": Web("visits:trip_detail", ("GET",), object_page(sees_outing), "trips"),
    **{
        f"visits/<int:pk>/{step}/": Web(
            f"visits:trip_{step}", ("GET", "POST"), object_page(writes_outing, 422), "trips"
        )
        for step in ("edit", "report", "lead")
    },
    "visits/receptions/": Web("visits:receptions", ("GET",), role_page(BUSINESS)),
    # 月例会
    "meetings/": Web("meetings:list", ("GET",), role_page(BUSINESS)),
    "meetings/new/": Web("meetings:new", ("POST",), role_page({OFFICE}, Redirect("/meetings/"))),
    "meetings/<int:pk>/": Web("meetings:detail", ("GET",), object_page(sees_meeting), "meetings"),
    **{
        f"meetings/<int:pk>/{path}": Web(
            f"meetings:{name}", ("GET", "POST"), object_page(writes_meeting, 422), "meetings"
        )
        for path, name in (
            ("edit/", "edit"),
            ("agenda/new/", "agenda_new"),
            ("agenda/<int:item>/edit/", "agenda_edit"),
            ("attendance/new/", "attendance_new"),
            ("decisions/new/", "decision_new"),
        )
    },
    "meetings/<int:pk>/minutes/": Web(
        "meetings:minutes", ("GET", "POST"), meeting_minutes, "meetings"
    ),
    **{
        f"meetings/<int:pk>/{path}": Web(
            f"meetings:{name}",
            ("POST",),
            lambda p, method, m, anchor=anchor: meeting_step(p, method, m, anchor),
            "meetings",
        )
        for path, name, anchor in (
            ("agenda/redraft/", "agenda_redraft", "#agenda"),
            ("agenda/<int:item>/remove/", "agenda_remove", "#agenda"),
            ("agenda/<int:item>/up/", "agenda_up", "#agenda"),
            ("agenda/<int:item>/down/", "agenda_down", "#agenda"),
            ("attendance/<int:row>/remove/", "attendance_remove", "#attendance"),
            ("hold/", "hold", ""),
            ("final/", "final", ""),
        )
    },
    "meetings/<int:pk>/docx/": Web("meetings:docx", ("GET",), meeting_docx, "meetings"),
    "meetings/decisions/<int:pk>/close/": Web(
        "meetings:decision_close",
        ("GET", "POST"),
        object_page(writes_meeting, 422),
        "meeting_decisions",
    ),
    "api/v1/meetings": Api(
        "/meetings",
        {
            "GET": (business_token, None),
            "POST": (
                lambda p, obj: 422 if p.role == OFFICE else 403,
                lambda w, obj: {"month": "1999-12"},
            ),
        },
    ),
    "api/v1/meetings/<pk>": Api(
        "/meetings/{pk}",
        {"GET": (lambda p, m: 200 if sees_meeting(p, m) else 404, None)},
        "meetings",
    ),
    "api/v1/meetings/<pk>/decisions": Api(
        "/meetings/{pk}/decisions",
        {
            "POST": (
                meeting_api_write,
                lambda w, obj: {"text": "  ", "deadline": "2030-01-01"},
            )
        },
        "meetings",
    ),
    "api/v1/meetings/decisions/<pk>/close": Api(
        "/meetings/decisions/{pk}/close",
        {"POST": (meeting_api_write, lambda w, obj: {"note": "  "})},
        "meeting_decisions",
    ),
    "visits/receptions/new/": Web(
        "visits:reception_new", ("GET", "POST"), role_page({UNIT, OFFICE}, 422)
    ),
    "visits/receptions/export/": Web("visits:reception_export", ("GET",), role_page(BUSINESS)),
    "visits/receptions/import/": Web(
        "visits:reception_import", ("GET", "POST"), role_page({UNIT, OFFICE}, 422)
    ),
    "visits/receptions/<int:pk>/": Web(
        "visits:reception_detail", ("GET",), object_page(sees_outing), "receptions"
    ),
    **{
        f"visits/receptions/<int:pk>/{step}/": Web(
            f"visits:reception_{step}",
            ("GET", "POST"),
            object_page(writes_outing, 422),
            "receptions",
        )
        for step in ("edit", "lead")
    },
    "news/": Web("news:read", ("GET", "POST"), role_page(BUSINESS, 422)),
    "news/drafts/": Web("news:drafts", ("GET",), role_page(BUSINESS)),
    "news/drafts/new/": Web("news:draft_new", ("POST",), role_page({UNIT, OFFICE}, 400)),
    "news/drafts/<int:pk>/": Web("news:draft", ("GET",), object_page(sees_tip), "drafts"),
    **{
        f"news/drafts/<int:pk>/{step}/": Web(
            f"news:{step}", ("POST",), object_page(decides_tip, 422), "drafts"
        )
        for step in ("accept", "merge", "discard")
    },
    "companies/": Web("companies:list", ("GET",), role_page(BUSINESS)),
    "outcomes/": Web("outcomes:figures", ("GET",), role_page(BUSINESS)),
    "outcomes/rows/": Web("outcomes:rows", ("GET",), role_page(BUSINESS)),
    "outcomes/promises/": Web("outcomes:promises", ("GET",), role_page(BUSINESS)),
    "outcomes/check/": Web("outcomes:check", ("GET", "POST"), role_page({OFFICE}, 422)),
    "outcomes/import/": Web("outcomes:import", ("GET", "POST"), role_page({UNIT, OFFICE}, 422)),
    "outcomes/project/<project_code:code>/promise/": Web(
        "outcomes:promise_new", ("GET", "POST"), records_outcome, "projects"
    ),
    "outcomes/project/<project_code:code>/result/": Web(
        "outcomes:result_new", ("GET", "POST"), records_outcome, "projects"
    ),
    "outcomes/promises/<int:pk>/": Web(
        "outcomes:promise_edit", ("GET", "POST"), object_page(writes_outing, 422), "promises"
    ),
    "outcomes/results/<int:pk>/": Web(
        "outcomes:result_edit", ("GET", "POST"), object_page(writes_outing, 422), "results"
    ),
    "companies/new/": Web("companies:new", ("GET", "POST"), role_page({UNIT, OFFICE}, 422)),
    "companies/import/": Web("companies:import", ("GET", "POST"), role_page({UNIT, OFFICE}, 422)),
    "companies/export/": Web("companies:export", ("GET",), role_page(BUSINESS)),
    "companies/<int:pk>/": Web(
        "companies:detail", ("GET",), object_page(lambda p, obj: True), "companies"
    ),
    "companies/<int:pk>/edit/": Web(
        "companies:edit", ("GET", "POST"), object_page(writes_company, 422), "companies"
    ),
    "companies/<int:pk>/merge/": Web(
        "companies:merge", ("GET", "POST"), object_page(merges_company, 422), "companies"
    ),
    # 产业链图谱: the list for every business role in its area; a chain's map and a
    # node's lists for whoever sees the chain; creating and every edit for the chain's
    # district office (an empty form: 422).
    # 政策库: a policy's page for everyone signed in; review and publish as policy_action.
    "policies/<int:pk>/": Web("policies:policy", ("GET",), anyone_signed_in, "policies"),
    "policies/<int:pk>/clauses/<int:clause_pk>/review/": Web(
        "policies:review", ("GET", "POST"), policy_action, "policies"
    ),
    "policies/<int:pk>/publish/": Web(
        "policies:publish", ("GET", "POST"), policy_action, "policies"
    ),
    "chains/": Web("chains:list", ("GET",), role_page(BUSINESS)),
    "chains/new/": Web("chains:new", ("GET", "POST"), role_page({OFFICE}, 422)),
    "chains/<int:pk>/": Web("chains:detail", ("GET",), object_page(sees_chain), "chains"),
    "chains/<int:pk>/nodes/<int:node>/": Web(
        "chains:node", ("GET",), object_page(sees_chain), "chains"
    ),
    "chains/<int:pk>/edit/": Web("chains:edit", ("GET",), object_page(edits_chain), "chains"),
    **{
        f"chains/<int:pk>/{route}": Web(
            f"chains:{name}", ("GET", "POST"), object_page(edits_chain, 422), "chains"
        )
        for route, name in (
            ("settings/", "settings"),
            ("nodes/new/", "node_new"),
            ("nodes/<int:node>/edit/", "node_edit"),
            ("nodes/<int:node>/delete/", "node_delete"),
            ("nodes/<int:node>/targets/new/", "target_new"),
            ("targets/<int:target>/delete/", "target_delete"),
            ("suppliers/new/", "supplier_new"),
            ("suppliers/<int:supplier>/delete/", "supplier_delete"),
        )
    },
    # 投资信息: the list for every business role in its area; registering (and its company
    # search) for the promoters and the office; the district's rules for its office; a
    # lead's page and dialogs as lead_page says.
    "leads/": Web("leads:list", ("GET",), role_page(BUSINESS)),
    "leads/export/": Web("leads:export", ("GET",), role_page(BUSINESS)),
    "leads/new/": Web("leads:new", ("GET", "POST"), role_page({UNIT, OFFICE}, 422)),
    "leads/new/companies/": Web("leads:company_search", ("GET",), role_page({UNIT, OFFICE})),
    "leads/settings/": Web("leads:settings", ("GET", "POST"), role_page({OFFICE}, 422)),
    "leads/<str:code>/": Web("leads:detail", ("GET",), object_page(sees_lead), "leads"),
    # 招商活动: the list, calendar, plan and export for every business role in its scope;
    # registering and importing for the promoters and the office (an empty form: 422); the
    # plan's deadline for the office; an activity and its signed list as ``sees_activity``
    # and ``writes_activity`` say (a line not on the list: 404).
    "activities/": Web("activities:list", ("GET",), role_page(BUSINESS)),
    "activities/new/": Web("activities:new", ("GET", "POST"), role_page({UNIT, OFFICE}, 422)),
    "activities/export/": Web("activities:export", ("GET",), role_page(BUSINESS)),
    "activities/import/": Web("activities:import", ("GET", "POST"), role_page({UNIT, OFFICE}, 422)),
    "activities/calendar/": Web("activities:calendar", ("GET",), role_page(BUSINESS)),
    "activities/plan/": Web(
        "activities:plan",
        ("GET", "POST"),
        lambda p, method, obj: 200 if method == "GET" else 422 if p.role in (UNIT, OFFICE) else 403,
    ),
    "activities/plan/settings/": Web(
        "activities:plan_settings", ("GET", "POST"), role_page({OFFICE}, 422)
    ),
    "activities/plan/<int:pk>/remove/": Web(
        "activities:plan_remove", ("POST",), plan_remove, "plan_items"
    ),
    "activities/<str:code>/": Web(
        "activities:detail", ("GET",), object_page(sees_activity), "activities"
    ),
    "activities/<str:code>/signings/": Web(
        "activities:signings", ("GET",), object_page(sees_activity), "activities"
    ),
    **{
        f"activities/<str:code>/{path}": Web(
            f"activities:{name}", ("GET", "POST"), object_page(writes_activity, 422), "activities"
        )
        for path, name in (("edit/", "edit"), ("signings/add/", "sign"))
    },
    "activities/<str:code>/signings/remove/": Web(
        "activities:unsign", ("POST",), object_page(writes_activity, 404), "activities"
    ),
    **{
        f"leads/<str:code>/{step}/": Web(f"leads:{step}", ("GET", "POST"), lead_page(step), "leads")
        for step in LEAD_STEPS
    },
    # 中介机构与引荐人 (issue 19): the register, the claims and the export for every business
    # role in its area; 备案, import and the district's rules for its office; filing a claim
    # on a project for its unit and the office; the rest as ``intermediary_page`` says.
    "intermediaries/": Web("intermediaries:list", ("GET",), role_page(BUSINESS)),
    "intermediaries/new/": Web("intermediaries:new", ("GET", "POST"), role_page({OFFICE}, 422)),
    "intermediaries/export/": Web("intermediaries:export", ("GET",), role_page(BUSINESS)),
    "intermediaries/import/": Web(
        "intermediaries:import", ("GET", "POST"), role_page({OFFICE}, 422)
    ),
    "intermediaries/settings/": Web(
        "intermediaries:settings", ("GET", "POST"), role_page({OFFICE}, 422)
    ),
    "intermediaries/claims/": Web("intermediaries:claims", ("GET",), role_page(BUSINESS)),
    "intermediaries/claims/new/<project_code:code>/": Web(
        "intermediaries:claim_new", ("GET", "POST"), files_claim, "projects"
    ),
    "intermediaries/claims/<str:code>/": Web(
        "intermediaries:claim", ("GET",), intermediary_page("detail"), "claims"
    ),
    **{
        f"intermediaries/claims/<str:code>/{route}/": Web(
            f"intermediaries:{name}", ("GET", "POST"), intermediary_page(step), "claims"
        )
        for route, name, step in (
            ("confirm", "claim_confirm", "confirm"),
            ("refuse", "claim_refuse", "refuse"),
            ("withdraw", "claim_withdraw", "withdraw"),
            ("reward", "reward_new", "reward_new"),
        )
    },
    "intermediaries/rewards/<str:code>/": Web(
        "intermediaries:reward", ("GET",), intermediary_page("reward"), "rewards"
    ),
    **{
        f"intermediaries/rewards/<str:code>/{step}/": Web(
            f"intermediaries:reward_{step}", ("GET", "POST"), intermediary_page(step), "rewards"
        )
        for step in ("approve", "publicize", "pay")
    },
    "intermediaries/<str:code>/": Web(
        "intermediaries:detail", ("GET",), intermediary_page("detail"), "agents"
    ),
    **{
        f"intermediaries/<str:code>/{step}/": Web(
            f"intermediaries:{step}", ("GET", "POST"), intermediary_page(step), "agents"
        )
        for step in ("edit", "agreement", "revoke")
    },
    # 政策兑现 (issue 18): the list for every business role in its area; receiving for a
    # project's unit and the district office; the office's run (免申即享, instalments due)
    # redirects back to the list; an application's page and its steps as ``delivery_page``.
    "policies/applications/": Web("policies:applications", ("GET",), role_page(BUSINESS)),
    "policies/applications/new/": Web(
        "policies:application_new", ("GET", "POST"), role_page({UNIT, OFFICE}, 400)
    ),
    "policies/applications/deliver/": Web(
        "policies:application_deliver",
        ("POST",),
        role_page({OFFICE}, Redirect("/policies/applications/")),
    ),
    "policies/applications/<str:code>/": Web(
        "policies:application", ("GET",), delivery_page(lambda p, d: True), "deliveries"
    ),
    **{
        f"policies/applications/<str:code>/{step}/": Web(
            f"policies:application_{step}",
            ("GET", "POST"),
            delivery_page(delivery_step(step)),
            "deliveries",
        )
        for step in DELIVERY_STEPS
    },
    # 招商地图 (issue 7): the map, its GeoJSON and 为项目找地 for every business role in its
    # own area; parcel and building cards by district; the actions as land_page says.
    "land/": Web("land:map", ("GET",), role_page(BUSINESS)),
    "land/parcels.geojson": Web("land:parcels_geojson", ("GET",), role_page(BUSINESS)),
    "land/boundary.geojson": Web("land:boundary", ("GET",), role_page(BUSINESS)),
    "land/match/": Web("land:match", ("GET",), role_page(BUSINESS)),
    "land/import/": Web("land:import", ("GET", "POST"), role_page({OFFICE}, 422)),
    "land/parcels/<land_code:code>/": Web("land:parcel", ("GET",), land_page(sees_land), "parcels"),
    "land/parcels/<land_code:code>/reserve/": Web(
        "land:reserve", ("GET", "POST"), land_page(can_reserve_plot, 422), "parcels"
    ),
    "land/parcels/<land_code:code>/release/": Web(
        "land:release", ("GET", "POST"), land_page(can_release_plot, 422), "parcels"
    ),
    "land/parcels/<land_code:code>/status/": Web(
        "land:status", ("GET", "POST"), land_page(can_change_plot, 422), "parcels"
    ),
    "land/buildings/<land_code:code>/": Web(
        "land:building", ("GET",), land_page(sees_land), "buildings"
    ),
    # 隐私与三员分立 (issue 8, "trust"): 显示号码; 用户管理 (system administrator);
    # 安全管理 (security administrator).
    f"projects/^{CODE}/contact/$": Web("projects:contact", ("POST",), contact_reveal, "projects"),
    "accounts/users/": Web("accounts:users", ("GET",), role_page({Role.SYS_ADMIN})),
    "accounts/users/new/": Web(
        "accounts:user_new", ("GET", "POST"), role_page({Role.SYS_ADMIN}, 400)
    ),
    "accounts/users/<int:pk>/active/": Web(
        "accounts:user_active", ("POST",), admin_action(Role.SYS_ADMIN), "accounts"
    ),
    "accounts/users/<int:pk>/password/": Web(
        "accounts:user_password", ("GET", "POST"), admin_action(Role.SYS_ADMIN), "accounts"
    ),
    "accounts/security/": Web("accounts:security", ("GET",), role_page({Role.SEC_ADMIN})),
    "accounts/security/unlock/": Web(
        "accounts:unlock", ("POST",), role_page({Role.SEC_ADMIN}, 400)
    ),
    "accounts/security/sessions/<int:pk>/end/": Web(
        "accounts:session_end", ("POST",), admin_action(Role.SEC_ADMIN), "sessions"
    ),
    "accounts/security/tokens/<int:pk>/revoke/": Web(
        "accounts:token_revoke", ("POST",), admin_action(Role.SEC_ADMIN), "tokens"
    ),
    "accounts/security/users/<int:pk>/role/": Web(
        "accounts:user_role", ("GET", "POST"), admin_action(Role.SEC_ADMIN), "accounts"
    ),
    "accounts/security/users/<int:pk>/otp/": Web(
        "accounts:user_otp", ("POST",), admin_action(Role.SEC_ADMIN, on_admins=True), "accounts"
    ),
    # 考核排名 (issue 6, "assess"): the list for every business role in its own district
    # or city; schemes, indicators and rankings as assessment_page says.
    "assessment/": Web("assessment:index", ("GET",), role_page(BUSINESS)),
    "assessment/schemes/new/": Web(
        "assessment:scheme_create", ("GET", "POST"), role_page({OFFICE, CITY}, 400)
    ),
    "assessment/schemes/<int:pk>/": Web(
        "assessment:scheme", ("GET",), assessment_page(manage=False), "schemes"
    ),
    "assessment/schemes/<int:pk>/edit/": Web(
        "assessment:scheme_edit", ("GET", "POST"), assessment_page(frozen=DRAFT_ONLY), "schemes"
    ),
    "assessment/schemes/<int:pk>/units/": Web(
        "assessment:scheme_units", ("GET", "POST"), assessment_page(frozen=DRAFT_ONLY), "schemes"
    ),
    "assessment/schemes/<int:pk>/targets/": Web(
        "assessment:scheme_targets",
        ("GET", "POST"),
        assessment_page(frozen={"POST": 409}),
        "schemes",
    ),
    "assessment/schemes/<int:pk>/indicators/new/": Web(
        "assessment:indicator_new", ("GET", "POST"), assessment_page(frozen=DRAFT_ONLY), "schemes"
    ),
    "assessment/schemes/<int:pk>/publish/": Web(
        "assessment:scheme_publish", ("POST",), assessment_page(frozen=DRAFT_ONLY), "schemes"
    ),
    "assessment/schemes/<int:pk>/copy/": Web(
        "assessment:scheme_copy", ("POST",), assessment_page(), "schemes"
    ),
    "assessment/schemes/<int:pk>/delete/": Web(
        "assessment:scheme_delete", ("POST",), assessment_page(frozen=DRAFT_ONLY), "schemes"
    ),
    "assessment/schemes/<int:pk>/scores/": Web(
        "assessment:scheme_scores", ("GET", "POST"), assessment_page(), "schemes"
    ),
    "assessment/schemes/<int:pk>/rank/": Web(
        "assessment:scheme_rank", ("POST",), assessment_page(), "schemes"
    ),
    "assessment/schemes/<int:pk>/rank/<int:job_id>/": Web(
        "assessment:rank_job", ("GET",), rank_job_page, "rank_jobs"
    ),
    "assessment/indicators/<int:pk>/edit/": Web(
        "assessment:indicator_edit",
        ("GET", "POST"),
        assessment_page(frozen=DRAFT_ONLY),
        "indicators",
    ),
    "assessment/indicators/<int:pk>/delete/": Web(
        "assessment:indicator_delete", ("POST",), assessment_page(frozen=DRAFT_ONLY), "indicators"
    ),
    "assessment/rankings/<int:pk>/": Web(
        "assessment:ranking", ("GET",), assessment_page(manage=False), "rankings"
    ),
    "assessment/rankings/<int:pk>/publish/": Web(
        "assessment:ranking_publish", ("POST",), assessment_page(frozen=DRAFT_ONLY), "rankings"
    ),
    "assessment/rankings/<int:pk>/discard/": Web(
        "assessment:ranking_discard", ("POST",), assessment_page(frozen=DRAFT_ONLY), "rankings"
    ),
    "assessment/rankings/<int:pk>/records/": Web(
        "assessment:ranking_records", ("GET",), ranking_records_page, "rankings"
    ),
    "assessment/rankings/<int:pk>/xlsx/": Web(
        "assessment:ranking_xlsx", ("GET",), assessment_page(manage=False), "rankings"
    ),
    "assessment/rankings/<int:pk>/docx/": Web(
        "assessment:ranking_docx", ("GET",), assessment_page(manage=False), "rankings"
    ),
    "assessment/figures/": Web(
        "assessment:figures", ("GET", "POST"), role_page({OFFICE, CITY}, 400)
    ),
    "assessment/figures/upload/": Web(
        "assessment:figures_upload", ("POST",), role_page({OFFICE, CITY}, 400)
    ),
    "assessment/figures/<int:pk>/delete/": Web(
        "assessment:figure_delete", ("POST",), figure_page, "figures"
    ),
    # 审计日志: the audit administrator's alone (三员分立)
    "audit/": Web("audit:log", ("GET",), role_page({Role.AUDIT_ADMIN})),
    "audit/export/": Web("audit:export", ("GET",), role_page({Role.AUDIT_ADMIN})),
    # 通知
    "notices/": Web("notices:list", ("GET",), anyone_signed_in),
    "notices/<int:pk>/": Web("notices:open", ("GET",), notice_open, "notices"),
    "notices/read-all/": Web("notices:read_all", ("POST",), notices_read_all),
    "notices/channel/": Web("notices:channel", ("GET", "POST"), role_page({OFFICE}, invalid=400)),
    "notices/deliveries/": Web("notices:deliveries", ("GET",), role_page({OFFICE})),
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
    "api/v1/projects/<code>/handoff/accept": Api(
        "/projects/{code}/handoff/accept", {"POST": (answers_handoff, _empty)}, "offers"
    ),
    "api/v1/projects/<code>/handoff/decline": Api(
        "/projects/{code}/handoff/decline",
        {"POST": (answers_handoff, lambda w, obj: {"reason": "不属于本单位职能"})},
        "offers",
    ),
    "api/v1/projects/<code>/handoff/withdraw": Api(
        "/projects/{code}/handoff/withdraw", {"POST": (withdraws_handoff, _empty)}, "offers"
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
    "api/v1/projects/<code>/contact-phone": Api(
        "/projects/{code}/contact-phone", {"POST": (api_contact_phone, None)}, "projects"
    ),
    "api/v1/report": Api("/report", {"GET": (report_scope, None)}, "scopes"),
    "api/v1/projects/<code>/attachments": Api(
        "/projects/{code}/attachments",
        {"GET": (api_read, None), "POST": (api_write(can_edit, permitted=422), _empty)},
        "states",
    ),
    "api/v1/attachments/<attachment_id>": Api(
        "/attachments/{pk}", {"GET": (api_attachment, None)}, "attachments"
    ),
    "api/v1/todo": Api("/todo", {"GET": (business_token, None)}),
    "api/v1/projects/<code>/promises": Api(
        "/projects/{code}/promises",
        {
            "GET": (api_read, None),
            # A second output promise: the service refuses it (one per kind), 422.
            "POST": (
                api_write(holder_or_office, permitted=422),
                lambda w, obj: {"kind": "output", "target": "1", "due_on": "2030-12-31"},
            ),
            "PATCH": (api_write(holder_or_office), _stale(kind="output", due_on="2030-12-31")),
        },
        "outcome_projects",
    ),
    "api/v1/projects/<code>/results": Api(
        "/projects/{code}/results",
        # A year to come: the service refuses it, 422.
        {
            "GET": (api_read, None),
            "POST": (
                api_write(holder_or_office, permitted=422),
                lambda w, obj: {"year": 2099, "output": "1", "source": "statistics"},
            ),
        },
        "outcome_projects",
    ),
    "api/v1/stages": Api("/stages", {"GET": (every_token, None)}),
    "api/v1/units": Api("/units", {"GET": (every_token, None)}),
    "api/v1/industries": Api("/industries", {"GET": (every_token, None)}),
    # 招商地图 over HTTP: a 策划 project may not hold land, a blank reason is refused, and
    # no parcel is sold on a future date.
    # 客商库: the list in the user's area (the administrators': empty); registering for a
    # district's promoters and office (an empty body: the name is missing, 422); one
    # company in the area, edited by its district's promoters and office (a bad credit
    # code: 422), merged by its office (with itself: 422).
    "api/v1/companies": Api(
        "/companies",
        {
            "GET": (lambda p, obj: 200, None),
            "POST": (lambda p, obj: 422 if p.role in (UNIT, OFFICE) else 403, _empty),
        },
    ),
    "api/v1/companies/<pk>": Api(
        "/companies/{pk}",
        {
            "GET": (lambda p, firm: 200 if sees_company(p, firm) else 404, None),
            "PATCH": (company_api(writes_company), lambda w, firm: {"uscc": "123"}),
        },
        "companies",
    ),
    "api/v1/companies/<pk>/merge": Api(
        "/companies/{pk}/merge",
        {"POST": (company_api(merges_company), lambda w, firm: {"drop": firm.pk})},
        "companies",
    ),
    # 投资信息: the list in the user's scope (the administrators': empty); registering for
    # the promoters and the office (a blank title: 422, nothing written); a lead and its
    # steps as lead_api says.
    "api/v1/leads": Api(
        "/leads",
        {
            "GET": (every_token, None),
            "POST": (
                lambda p, obj: 422 if p.role in (UNIT, OFFICE) else 403,
                lambda w, obj: {
                    "company": w.lead_company,
                    "title": "   ",
                    "source": "referrer",
                    "investment_wan": "1",
                },
            ),
        },
    ),
    "api/v1/leads/<code>": Api(
        "/leads/{code}",
        {
            "GET": (lambda p, clue: 200 if sees_lead(p, clue) else 404, None),
            "PATCH": (lead_api("edit"), _stale(title="改名")),
        },
        "leads",
    ),
    **{
        f"api/v1/leads/<code>/{route}": Api(
            f"/leads/{{code}}/{route}", {"POST": (lead_api(step), body)}, "leads"
        )
        for route, step, body in (
            ("respond", "respond", lambda w, obj: {"follower": "张" * 51}),
            ("assess", "assess", lambda w, obj: {"points": {}, "conclusion": "follow"}),
            ("feedback", "feedback", lambda w, obj: {"text": "  "}),
            ("notes", "note", lambda w, obj: {"text": "  "}),
            ("reject", "reject", lambda w, obj: {"reason": "  "}),
            ("arbitrate", "arbitrate", lambda w, obj: {"decision": "merge", "reason": "  "}),
            ("reassign", "reassign", lambda w, obj: {"unit": w.town.pk, "reason": "  "}),
            ("convert", "convert", lambda w, obj: {"stage": "planning"}),
        )
    },
    # 外出招商 and 来访接待, in the same scope as the pages: recording for the promoters and
    # the office (a blank title or visitors: 422, nothing written), the report for the
    # trip's unit and office (a blank report: 422).
    "api/v1/visits": Api(
        "/visits",
        {
            "GET": (every_token, None),
            "POST": (
                lambda p, obj: 422 if p.role in (UNIT, OFFICE) else 403,
                lambda w, obj: {
                    "title": "  ",
                    "start": "2026-01-05",
                    "end": "2026-01-06",
                    "destinations": "深圳",
                },
            ),
        },
    ),
    "api/v1/visits/<pk>/report": Api(
        "/visits/{pk}/report",
        {
            "POST": (
                lambda p, o: 404 if not sees_outing(p, o) else 422 if writes_outing(p, o) else 403,
                lambda w, obj: {"report": "  "},
            )
        },
        "trips",
    ),
    "api/v1/visits/<pk>": Api(
        "/visits/{pk}", {"GET": (lambda p, o: 200 if sees_outing(p, o) else 404, None)}, "trips"
    ),
    "api/v1/receptions": Api(
        "/receptions",
        {
            "GET": (every_token, None),
            "POST": (
                lambda p, obj: 422 if p.role in (UNIT, OFFICE) else 403,
                lambda w, obj: {"date": "2026-01-05", "visitors": "  "},
            ),
        },
    ),
    "api/v1/receptions/<pk>": Api(
        "/receptions/{pk}",
        {"GET": (lambda p, o: 200 if sees_outing(p, o) else 404, None)},
        "receptions",
    ),
    # 招商活动 over the API: as the pages.
    "api/v1/activities": Api(
        "/activities",
        {
            "GET": (every_token, None),
            "POST": (
                new_activity_api,
                lambda w, obj: {
                    "unit": w.town.pk,
                    "kind": "promotion",
                    "title": "  ",
                    "organizer": "区政府",
                    "place": "深圳",
                    "start_on": "2026-03-01",
                },
            ),
        },
    ),
    "api/v1/activities/<code>": Api(
        "/activities/{code}",
        {
            "GET": (lambda p, a: 200 if sees_activity(p, a) else 404, None),
            "PATCH": (lambda p, a: activity_api(p, a) or 409, _stale(title="改名")),
        },
        "activities",
    ),
    "api/v1/activities/<code>/signings": Api(
        "/activities/{code}/signings",
        {
            "POST": (
                lambda p, a: activity_api(p, a) or 422,
                lambda w, a: {"kind": "contract", "amount_wan": "1"},
            )
        },
        "activities",
    ),
    # 中介机构与引荐人: the lists in the user's scope (the administrators': empty); 备案 for
    # the district offices (a blank name: 422); filing for the project's unit and office
    # (a blank account: 422); the decisions for the office (a stale version: 409).
    "api/v1/intermediaries": Api(
        "/intermediaries",
        {
            "GET": (every_token, None),
            "POST": (
                lambda p, obj: 422 if p.role == OFFICE else 403,
                lambda w, obj: {
                    "kind": "agency",
                    "name": " ",
                    "filed_on": "2024-01-01",
                    "declared_on": "2024-01-01",
                },
            ),
        },
    ),
    "api/v1/intermediaries/<code>": Api(
        "/intermediaries/{code}",
        {"GET": (lambda p, a: 200 if sees_agent(p, a) else 404, None)},
        "agents",
    ),
    "api/v1/intermediaries/claims": Api(
        "/intermediaries/claims",
        {
            "GET": (every_token, None),
            "POST": (
                claim_file_api,
                lambda w, obj: {
                    "intermediary": w.xa_agent,
                    "project": w.proj["mx_draft"].code,
                    "account": " ",
                },
            ),
        },
    ),
    "api/v1/intermediaries/claims/<code>": Api(
        "/intermediaries/claims/{code}",
        {"GET": (lambda p, c: 200 if sees_pledge(p, c) else 404, None)},
        "claims",
    ),
    "api/v1/intermediaries/claims/<code>/confirm": Api(
        "/intermediaries/claims/{code}/confirm", {"POST": (claim_api, _stale())}, "claims"
    ),
    "api/v1/intermediaries/claims/<code>/refuse": Api(
        "/intermediaries/claims/{code}/refuse",
        {"POST": (claim_api, _stale(reason="不符合"))},
        "claims",
    ),
    "api/v1/land/parcels": Api("/land/parcels", {"GET": (land_list, None)}),
    "api/v1/land/parcels/<code>": Api(
        "/land/parcels/{code}", {"GET": (land_read, None)}, "parcels"
    ),
    "api/v1/land/parcels/<code>/reserve": Api(
        "/land/parcels/{code}/reserve",
        {
            "POST": (
                land_write(can_reserve_plot),
                lambda w, obj: {"project": w.proj["mx_draft"].code},
            )
        },
        "parcels",
    ),
    "api/v1/land/parcels/<code>/release": Api(
        "/land/parcels/{code}/release",
        {"POST": (land_write(can_release_plot), lambda w, obj: {"reason": "  "})},
        "parcels",
    ),
    "api/v1/land/parcels/<code>/status": Api(
        "/land/parcels/{code}/status",
        {
            "POST": (
                land_write(can_change_plot),
                lambda w, obj: {"status": "sold", "on": "2999-01-01"},
            )
        },
        "parcels",
    ),
    "api/v1/land/buildings": Api("/land/buildings", {"GET": (land_list, None)}),
    "api/v1/land/buildings/<code>": Api(
        "/land/buildings/{code}", {"GET": (land_read, None)}, "buildings"
    ),
    "api/v1/land/match": Api("/land/match", {"GET": (land_list, None)}, "land_demands"),
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
    for api_path, methods in api.get_openapi_schema()["paths"].items():
        route = re.sub(r"\{(\w+)\}", r"<\1>", api_path).lstrip("/")
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
            missing.append(f"{route}: API methods {sorted(methods)}, policy {sorted(declared)}")
    return missing


# --- the world ----------------------------------------------------------------------


def attachment_targets(w, report_file) -> list[AttFile]:
    """A file 马巷 uploaded to its admitted project, one the 翔安 office uploaded to it,
    the file of its 督办 report, and a file of a 同安 project."""
    from baton.files import services as file_services
    from baton.projects.models import Project

    p = w.proj

    def add(code: str, actor):
        project = Project.objects.get(code=p[code].code)
        upload = SimpleUploadedFile("协议.pdf", b"%PDF-1.4 matrix")
        return file_services.attachment_add(
            project=project, actor=actor, file=upload, kind="agreement"
        ).pk

    return [
        AttFile("by_promoter", add("mx_admitted", w.promoter), p["mx_admitted"], "promoter"),
        AttFile("by_office", add("mx_admitted", w.office), p["mx_admitted"], "office"),
        AttFile("report", report_file.pk, p["mx_admitted"], "promoter", report=True),
        AttFile("tongan", add("ta_admitted", w.tongan_office), p["ta_admitted"], "tongan_office"),
    ]


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
    handed = mx("跨境电商产业园")  # 马巷 found it, 新店 carries it on, 马巷 stays co-unit
    services.project_handoff(
        project=handed,
        to_unit=w.other_town,
        actor=w.office,  # the office's handoff takes effect at once
        reason="项目选址在新店",
        keep_as_co_unit=True,
    )
    offered = mx("海洋高新装备基地")  # 马巷 offers it to 新店, which has not answered
    services.project_handoff(
        project=offered, to_unit=w.other_town, actor=w.promoter, reason="选址在新店"
    )
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
    own = supervision_services.problem_open(
        project=admitted,
        actor=w.promoter,
        category="land",
        description="用地指标未落实",
        responsible_unit=w.town,
        deadline=deadline,
    )
    other = supervision_services.problem_open(
        project=admitted,
        actor=w.office,
        category="land",
        description="道路配套需新店街道协调",
        responsible_unit=w.other_town,
        deadline=deadline,
    )
    sup = supervision_services.supervision_issue(
        project=admitted,
        actor=w.leader,
        leader=w.leader_person,
        instruction="月底前完成道路配套方案",
        deadline=deadline,
        problem=other,
    )
    # 协调部门 (自然资源局): a problem assigned to it, with a 督办 on it.
    add_coordinating(w)
    coord = supervision_services.problem_open(
        project=admitted,
        actor=w.office,
        category="land",
        description="用地指标需自然资源局调剂",
        responsible_unit=w.coord_unit,
        deadline=deadline,
    )
    coord_sup = supervision_services.supervision_issue(
        project=admitted,
        actor=w.leader,
        leader=w.leader_person,
        instruction="两周内拿出用地调剂方案",
        deadline=deadline,
        problem=coord,
    )
    # A 督办 on the project itself (issued to 马巷, its holder), reported with a file.
    reported = supervision_services.supervision_issue(
        project=admitted,
        actor=w.office,
        leader=w.leader_person,
        instruction="尽快完成项目开工准备",
        deadline=deadline,
    )
    supervision_services.supervision_report(
        supervision=reported,
        actor=w.promoter,
        response="已完成施工许可申报",
        files=[SimpleUploadedFile("许可.pdf", b"%PDF-1.4 matrix")],
    )
    supervision_services.leader_act_record(
        project=admitted,
        actor=w.leader,
        leader=w.leader_person,
        kind=LeaderAct.Kind.NEGOTIATE,
        date=timezone.localdate(),
    )

    def fact(key, project, district, holder, relay=(), offered_to=""):
        project.refresh_from_db()
        state = project.review_state
        return Proj(key, project.code, district, holder, state, frozenset(relay), offered_to)

    w.proj = {
        "mx_draft": fact("mx_draft", draft, XIANGAN, MAXIANG),
        "mx_submitted": fact("mx_submitted", submitted, XIANGAN, MAXIANG),
        "mx_district_approved": fact("mx_district_approved", approved, XIANGAN, MAXIANG),
        "mx_admitted": fact("mx_admitted", admitted, XIANGAN, MAXIANG),
        "xd_handed": fact("xd_handed", handed, XIANGAN, XINDIAN, relay=[MAXIANG]),
        "mx_offered": fact("mx_offered", offered, XIANGAN, MAXIANG, offered_to=XINDIAN),
        "ta_submitted": fact("ta_submitted", ta_submitted, TONGAN, "大同街道"),
        "ta_admitted": fact("ta_admitted", ta_admitted, TONGAN, "大同街道"),
    }
    p = w.proj
    assert [x.state for x in p.values()] == [
        "draft",
        "submitted",
        "district_approved",
        "admitted",
        "draft",
        "draft",
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
        "projects": [p["mx_draft"], p["mx_admitted"], p["xd_handed"], p["ta_admitted"]],
        "offers": [p["mx_offered"], p["mx_draft"]],
        "scopes": [
            Scope("", None),
            Scope(f"?district={w.district.code}", XIANGAN),
            Scope(f"?district={w.other_district.code}", TONGAN),
        ],
    }
    own_fact = Prob("problem_maxiang", own.pk, p["mx_admitted"], MAXIANG)
    other_fact = Prob("problem_xindian", other.pk, p["mx_admitted"], XINDIAN)
    coord_fact = Prob("problem_ziran", coord.pk, p["mx_admitted"], ZIRAN)
    w.targets["problems"] = [own_fact, other_fact, coord_fact]
    reported_fact = Sup("supervision_reported", reported.pk, p["mx_admitted"], None)
    w.targets["supervisions"] = [
        Sup("supervision", sup.pk, p["mx_admitted"], other_fact),
        reported_fact,
        Sup("supervision_ziran", coord_sup.pk, p["mx_admitted"], coord_fact),
    ]
    w.targets["supervision_files"] = [
        SupFile("supervision_file", reported_fact, reported.files.get().pk)
    ]
    w.targets["attachments"] = attachment_targets(w, reported.files.get())
    w.targets["uploads"] = [Upload("A" * 32)]
    w.targets["jobs"] = job_targets(w)  # 后台任务
    w.handoff_to = {XIANGAN: w.department, TONGAN: w.tongan_unit}  # never the holder
    w.targets.update(policy_targets(w))  # 政策库 (issue 18)
    w.targets.update(land_targets(w))  # 招商地图 (issue 7)
    w.targets.update(admin_targets(w))  # 三员分立 (issue 8, "trust")
    w.targets.update(assessment_targets(w))  # 考核排名 (issue 6, "assess")
    w.targets["figures"] = figure_targets(w)  # 录入数据 (issue 20, "assess")
    w.targets.update(notice_targets(w))  # 通知
    w.targets.update(company_targets(w))  # 客商库
    w.targets.update(lead_targets(w))  # 投资信息
    w.targets.update(visit_targets(w))  # 外出招商、来访接待
    w.targets.update(meeting_targets(w))  # 月例会
    w.targets.update(news_targets(w))  # 读新闻
    w.lead_company = w.targets["companies"][0].pk  # a 翔安 company, for registering
    w.targets.update(chain_targets(w))  # 产业链图谱 (after the leads: it adds companies)
    w.targets.update(delivery_targets(w))  # 政策兑现
    w.targets.update(intermediary_targets(w))  # 中介 (after the deliveries)
    w.targets.update(activity_targets(w))  # 招商活动
    w.targets.update(outcome_targets(w))  # 履约与效益
    return w


def web_path(spec: Web, obj) -> str:
    if isinstance(obj, Pol):
        extra = {"clause_pk": obj.clause} if spec.name == "policies:review" else {}
        return reverse(spec.name, kwargs={"pk": obj.pk, **extra})
    if isinstance(obj, Proj):
        return reverse(spec.name, kwargs={"code": obj.code})
    if isinstance(obj, Prob | Sup):
        return reverse(spec.name, kwargs={"pk": obj.pk})
    if isinstance(obj, SupFile):
        return reverse(spec.name, kwargs={"pk": obj.supervision.pk, "file_pk": obj.pk})
    if isinstance(obj, AttFile):
        return reverse(spec.name, kwargs={"pk": obj.pk})
    if isinstance(obj, Upload):
        return reverse(spec.name, kwargs={"token": obj.token})
    if isinstance(obj, JobTarget):
        return reverse(spec.name, kwargs={"job_id": obj.pk})
    if isinstance(obj, Plot):
        return reverse(spec.name, kwargs={"code": obj.code})
    if isinstance(obj, AdminTarget):
        return reverse(spec.name, kwargs={"pk": obj.pk})
    if isinstance(obj, Assessed | Figure):
        return reverse(spec.name, kwargs={"pk": obj.pk})
    if isinstance(obj, RankJob):
        return reverse(spec.name, kwargs={"pk": obj.scheme.pk, "job_id": obj.pk})
    if isinstance(obj, NoticeTarget):
        return reverse(spec.name, kwargs={"pk": obj.pk})
    if isinstance(obj, Meet):
        extra = {"item": obj.item} if spec.name in MEETING_ITEM_PAGES else {}
        if spec.name == "meetings:attendance_remove":
            extra = {"row": obj.row}
        return reverse(spec.name, kwargs={"pk": obj.pk, **extra})
    if isinstance(obj, Firm | Outing | Tip):
        return reverse(spec.name, kwargs={"pk": obj.pk})
    if isinstance(obj, Rope):
        extra = {f: getattr(obj, f) for f in ROPE_ARGS.get(spec.name, ())}
        return reverse(spec.name, kwargs={"pk": obj.pk, **extra})
    if isinstance(obj, Clue | Deliv | Agent | Pledge):
        return reverse(spec.name, kwargs={"code": obj.code})
    if isinstance(obj, Act):
        return reverse(spec.name, kwargs={"code": obj.code} if obj.code else {"pk": obj.pk})
    return reverse(spec.name)


#: The meetings' pages about one agenda item.
MEETING_ITEM_PAGES = {
    "meetings:agenda_edit",
    "meetings:agenda_remove",
    "meetings:agenda_up",
    "meetings:agenda_down",
}


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


def web_cases(spec: Web, w) -> list[Case]:
    cases = []
    for obj in w.targets[spec.targets]:
        path = web_path(spec, obj)
        for p in PERSONAS:
            for method in WEB_METHODS:
                if p.role in ADMINS and business_page(spec.name):
                    expect: Expect = 403
                elif p.coordinating and spec.name not in COORDINATING_PAGES:
                    expect = 403
                elif method not in spec.methods:
                    expect = 405
                elif not p.signed_in and not spec.open:
                    expect = login_page(path)
                else:
                    expect = spec.rule(p, method, obj)
                cases.append(Case(p, method, path, expect))
    return cases


def api_cases(spec: Api, w) -> list[Case]:
    base = reverse("api-1.0.0:api-root").rstrip("/")
    declared = set(spec.ops)
    methods = sorted({"GET", "POST"} | declared | {undeclared(declared)})
    cases = []
    for obj in w.targets[spec.targets]:
        path = base + spec.path.format(code=getattr(obj, "code", ""), pk=getattr(obj, "pk", ""))
        path += getattr(obj, "query", "")
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
                elif p.coordinating and spec.path not in COORDINATING_API:
                    expect = 403
                else:
                    rule, make_body = spec.ops[method]
                    expect = rule(p, obj)
                    body = make_body(w, obj) if make_body else None
                cases.append(Case(p, method, path, expect, body, api=True, auth=spec.auth))
    return cases


def all_cases(w) -> list[Case]:
    cases = []
    for spec in POLICY.values():
        if isinstance(spec, Web):
            cases += web_cases(spec, w)
        else:
            cases += api_cases(spec, w)
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
        ok = status == 302 and location == expect.to
    else:
        ok = status == expect
    if ok and case.api and status >= 400 and status != 405 and case.auth != "none":
        # Every API refusal is JSON with a Chinese reason (ninja's own 405 is plain text).
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


def test_a_new_url_is_a_mismatch_until_the_table_describes_it(settings):
    module = types.ModuleType("matrix_urls")
    module.urlpatterns = [*root_urls.urlpatterns, path("exports/ledger/", lambda request: None)]
    sys.modules[module.__name__] = module
    settings.ROOT_URLCONF = module.__name__
    try:
        assert undescribed() == ["no policy for URL 'exports/ledger/'"]
    finally:
        del sys.modules[module.__name__]


#: The cases are sent in this many parts, each on a world of its own, so that the test
#: workers share them (one part alone would keep a worker busy for minutes).
SHARDS = 4


@pytest.mark.django_db
@pytest.mark.exhaustive
@pytest.mark.parametrize("shard", range(SHARDS))
def test_access_matrix(shard, capsys, quiet_requests):
    w = build_world()
    sessions = Sessions(w)
    mismatches = undescribed() if shard == 0 else []
    cases = all_cases(w)[shard::SHARDS]
    for case in cases:
        problem = verdict(case, sessions.send(case))
        if problem:
            mismatches.append(problem)
    # On stderr: pytest-xdist (make test runs -n 2) relays a worker's stderr, not stdout.
    with capsys.disabled():
        for line in mismatches:
            print(line, file=sys.stderr)
        print(
            f"\npart {shard + 1}/{SHARDS}: {len(cases)} cases, {len(mismatches)} mismatches",
            file=sys.stderr,
        )
    assert not mismatches


@pytest.mark.django_db
def test_the_matrix_catches_a_permission_gone_wrong(monkeypatch, quiet_requests):
    monkeypatch.setattr(permissions, "can_hand_off", lambda user, project: True)
    w = build_world()
    sessions = Sessions(w)
    route = "projects/<project_code:code>/handoff/"
    cases = web_cases(POLICY[route], w)
    found = [problem for case in cases if (problem := verdict(case, sessions.send(case)))]
    assert found
    assert all("expected 403, got" in problem for problem in found), found


@pytest.mark.django_db
def test_the_side_menu_lists_only_pages_the_role_opens(quiet_requests):
    w = build_world()
    sessions = Sessions(w)
    for p in PERSONAS[1:]:
        client = sessions.clients[p.name]
        nav = client.get(reverse("reports:home")).context["nav"]
        labels = [item["label"] for item in nav]
        assert labels[0] == "工作台", (p.name, labels)
        if p.coordinating:
            assert labels == ["工作台", "存在问题"], (p.name, labels)
        elif p.role in BUSINESS:
            assert "项目库" in labels, (p.name, labels)
        for item in nav:
            response = client.get(item["url"])
            assert response.status_code == 200, (p.name, item, response.status_code)
            spec = _spec_of(item["url"])
            if isinstance(spec, Web):  # the policy agrees
                assert spec.rule(p, "GET", None) == 200, (p.name, item)


def _spec_of(url: str) -> Web | Api:
    match = resolve(url)
    route = match.route
    return POLICY[route]


#: Pages a signed-in user reaches before the login is complete (second factor, password).
OPEN_VIEWS = {"accounts:login", "accounts:logout", "accounts:otp", "accounts:password_change"}


@pytest.mark.django_db
def test_an_administrator_without_the_second_factor_is_held_at_the_door(quiet_requests):
    w = build_world()
    otp = reverse("accounts:otp")
    held = [
        spec
        for spec in POLICY.values()
        if isinstance(spec, Web) and not spec.targets and spec.name not in OPEN_VIEWS
    ]
    for name in ("sys_admin", "sec_admin", "audit_admin"):
        client = Client()
        client.force_login(getattr(w, name))  # password only
        for spec in held:
            response = client.get(reverse(spec.name))
            assert response.status_code == 302 and response.url == otp, (name, spec.name)
        project = w.proj["mx_admitted"]
        response = client.get(reverse("projects:detail", args=[project.code]))
        assert response.status_code == 302 and response.url == otp
        assert client.get(otp).status_code == 200


@pytest.mark.django_db
def test_every_list_holds_exactly_the_rows_in_scope(quiet_requests):
    """Scope on the lists' contents: the library (web and API), 存在问题, 领导活动, 审核台."""
    w = build_world()
    sessions = Sessions(w)
    # Every project of the world: those at each review state, and the 履约 ones.
    projects = [*w.proj.values(), *w.targets["outcome_projects"]]
    problems = w.targets["problems"]
    for p in PERSONAS[1:]:
        client = sessions.clients[p.name]
        expected = {proj.code for proj in projects if sees(p, proj)}
        token = {"Authorization": f"Bearer {sessions.tokens[p.name]}"}
        if p.coordinating:  # no project list at all: the problems assigned to it
            assert expected == set()
            assert sessions.bare.get("/api/v1/projects", headers=token).status_code == 403
            for name in ("projects:list", "supervision:leader_acts", "projects:review_desk"):
                assert client.get(reverse(name)).status_code == 403, (p.name, name)
            listed = client.get(reverse("supervision:problems")).context["page"].object_list
            assert {row.pk for row in listed} == {
                prob.pk for prob in problems if prob.responsible == ZIRAN
            }
            continue
        body = sessions.bare.get("/api/v1/projects", headers=token).json()
        assert {row["code"] for row in body["items"]} == expected, p.name
        assert body["count"] == len(expected), p.name
        if p.role not in BUSINESS:  # the administrators: no list page at all (三员分立)
            for name in ("projects:list", "supervision:problems", "supervision:leader_acts"):
                assert client.get(reverse(name)).status_code == 403, (p.name, name)
            continue
        page = client.get(reverse("projects:list")).context["page"]
        assert {row.code for row in page.rows} == expected, p.name
        listed = client.get(reverse("supervision:problems")).context["page"].object_list
        assert {row.pk for row in listed} == {
            prob.pk for prob in problems if sees_problem(p, prob)
        }, p.name
        acts = client.get(reverse("supervision:leader_acts")).context["page"].object_list
        assert {act.project.code for act in acts} == expected & {w.proj["mx_admitted"].code}
        if p.role in (OFFICE, CITY):
            queue = client.get(reverse("projects:review_desk")).context["page"].object_list
            assert {row.code for row in queue} == {
                proj.code for proj in projects if sees(p, proj) and can_review(p, proj)
            }, p.name
        assert "figures" in client.get(reverse("reports:monthly")).context, p.name


@pytest.mark.django_db
def test_the_company_list_api_and_export_hold_exactly_the_companies_in_scope(quiet_requests):
    """客商库: the list page, the API's list and the Excel export, persona by persona."""
    import io

    from openpyxl import load_workbook

    w = build_world()
    sessions = Sessions(w)
    firms = w.targets["companies"]
    for p in PERSONAS[1:]:
        client = sessions.clients[p.name]
        expected = {firm.pk for firm in firms if sees_company(p, firm)}
        token = {"Authorization": f"Bearer {sessions.tokens[p.name]}"}
        response = sessions.bare.get("/api/v1/companies", headers=token)
        if p.coordinating:
            assert response.status_code == 403, p.name
        else:
            assert {row["id"] for row in response.json()["items"]} == expected, p.name
        if p.role not in BUSINESS or p.coordinating:
            for name in ("companies:list", "companies:export"):
                assert client.get(reverse(name)).status_code == 403, (p.name, name)
            continue
        page = client.get(reverse("companies:list")).context["page"]
        assert {company.pk for company in page} == expected, p.name
        export = client.get(reverse("companies:export"))
        data = b"".join(export.streaming_content)
        sheet = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
        names = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
        assert names == {company.name for company in page}, p.name


@pytest.mark.django_db
def test_the_lead_list_page_and_api_hold_exactly_the_leads_in_scope(quiet_requests):
    """投资信息: the list page and the API's list, persona by persona, by the one rule."""
    w = build_world()
    sessions = Sessions(w)
    clues = w.targets["leads"]
    for p in PERSONAS[1:]:
        client = sessions.clients[p.name]
        expected = {clue.code for clue in clues if sees_lead(p, clue)}
        token = {"Authorization": f"Bearer {sessions.tokens[p.name]}"}
        response = sessions.bare.get("/api/v1/leads?size=200", headers=token)
        if p.coordinating:
            assert response.status_code == 403, p.name
        else:
            assert {row["code"] for row in response.json()["items"]} == expected, p.name
        if p.role not in BUSINESS or p.coordinating:
            assert client.get(reverse("leads:list")).status_code == 403, p.name
            continue
        page = client.get(reverse("leads:list")).context["page"]
        assert {lead.code for lead in page} == expected, p.name
