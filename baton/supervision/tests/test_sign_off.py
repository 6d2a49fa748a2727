"""督办 with sign-off: the unit reports (办理情况, files), only the issuing leader or that
leader's office closes it (办结) or sends it back (退回), each step an event."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from baton.accounts.models import User
from baton.files import store
from baton.files.models import Attachment
from baton.files.services import MAX_REPORT_FILES
from baton.files.tests.helpers import stored
from baton.org.models import Person
from baton.projects.models import ProjectEvent
from baton.projects.tests.helpers_views import HTMX, login
from baton.supervision import rules, services
from baton.supervision.models import Problem, Supervision
from baton.supervision.tests.helpers import db_state, refused
from baton.testing import at, make_project, make_user

Kind = ProjectEvent.Kind
T0 = at(2024, 3, 1)
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def today() -> dt.date:
    return timezone.localdate()


def url(name: str, supervision: Supervision) -> str:
    return reverse(f"supervision:supervision_{name}", args=[supervision.pk])


def state() -> dict:
    return {
        **db_state(),
        "files": list(Attachment.objects.values("pk", "name")),
        "stored": stored(),
    }


@pytest.fixture
def project(w):
    return make_project(w, name="马巷新能源电池项目", at=T0)


@pytest.fixture
def problem(w, project):
    """A problem of 马巷's project that 新店街道 must solve."""
    return services.problem_open(
        project=project,
        actor=w.office,
        category=Problem.Category.INFRASTRUCTURE,
        description="道路配套需新店街道协调",
        responsible_unit=w.other_town,
        deadline=today() + dt.timedelta(days=30),
    )


def issue(w, project, *, problem=None, leader=None, deadline=None) -> Supervision:
    return services.supervision_issue(
        project=project,
        actor=w.office,
        leader=leader or w.leader_person,
        instruction="两周内落实道路配套方案",
        deadline=deadline or today() + dt.timedelta(days=14),
        problem=problem,
    )


@pytest.fixture
def sup(w, project, problem):
    return issue(w, project, problem=problem)


def report(w, supervision, actor=None, **kwargs) -> Supervision:
    return services.supervision_report(
        supervision=supervision,
        actor=actor or w.other_promoter,
        response=kwargs.pop("response", "已召开协调会，方案已定"),
        **kwargs,
    )


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


# --- the services ----------------------------------------------------------------------


def test_report_then_close_each_writes_its_event(w, project, sup):
    report(w, sup, files=[upload("会议纪要.pdf", PDF), upload("现场.png", PNG)])
    sup.refresh_from_db()
    assert (sup.status, sup.response) == ("reported", "已召开协调会，方案已定")
    assert [(f.name, f.content_type, store.read(f.storage_name)) for f in sup.files.all()] == [
        ("会议纪要.pdf", "application/pdf", PDF),
        ("现场.png", "image/png", PNG),
    ]
    services.supervision_close(supervision=sup, actor=w.leader, note="同意办结")
    sup.refresh_from_db()
    assert (sup.status, sup.closed_by) == ("done", w.leader) and sup.closed_at is not None
    events = list(project.events.order_by("id").values_list("kind", "actor", "reason", "new"))
    assert events[-2:] == [
        (
            Kind.SUPERVISION_REPORTED,
            w.other_promoter.pk,
            "已召开协调会，方案已定",
            {"supervision": sup.pk, "status": "reported", "files": ["会议纪要.pdf", "现场.png"]},
        ),
        (
            Kind.SUPERVISION_CLOSED,
            w.leader.pk,
            "同意办结",
            {"supervision": sup.pk, "status": "done"},
        ),
    ]


def test_the_unit_it_is_issued_to_cannot_close_it(w, project, sup):
    report(w, sup)
    for actor in (w.other_promoter, w.promoter):
        with refused(rules.SIGN_OFF_REFUSED, project=project):
            services.supervision_close(supervision=sup, actor=actor)
        with refused(rules.SIGN_OFF_REFUSED, project=project):
            services.supervision_return(supervision=sup, actor=actor, reason="x")


@pytest.mark.parametrize("persona", ["tongan_office", "reviewer", "sys_admin"])
def test_nobody_but_the_leader_and_their_office_signs_off(w, project, sup, persona):
    report(w, sup)
    with refused(rules.SIGN_OFF_REFUSED, project=project):
        services.supervision_close(supervision=sup, actor=getattr(w, persona))


def test_another_leader_cannot_sign_off(w, project, sup):
    other = Person.objects.create(
        name="李副区长", level=Person.Level.DISTRICT_LEADER, city=w.city, district=w.district
    )
    leader = make_user(User.Role.LEADER, username="xa_deputy", district=w.district, person=other)
    report(w, sup)
    with refused(rules.SIGN_OFF_REFUSED, project=project):
        services.supervision_close(supervision=sup, actor=leader)


def test_the_leaders_office_closes_it(w, project, sup):
    report(w, sup)
    services.supervision_close(supervision=sup, actor=w.office)
    assert Supervision.objects.get(pk=sup.pk).closed_by == w.office


def test_a_city_leaders_office_is_the_city_office(w, project, sup):
    mayor = Person.objects.create(name="王市长", level=Person.Level.CITY_LEADER, city=w.city)
    city_sup = issue(w, project, leader=mayor)
    report(w, city_sup, actor=w.promoter)  # no problem: issued to the project's holder
    with refused(rules.SIGN_OFF_REFUSED, project=project):
        services.supervision_close(supervision=city_sup, actor=w.office)
    services.supervision_close(supervision=city_sup, actor=w.reviewer)
    assert Supervision.objects.get(pk=city_sup.pk).status == "done"


def test_nothing_to_sign_off_before_the_report(w, project, sup):
    with refused(rules.NOT_REPORTED, project=project):
        services.supervision_close(supervision=sup, actor=w.leader)
    with refused(rules.NOT_REPORTED, project=project):
        services.supervision_return(supervision=sup, actor=w.leader, reason="x")


def test_only_the_unit_it_is_issued_to_reports(w, project, sup):
    # 马巷 holds the project, but the 督办 is about a problem 新店 must solve.
    for actor in (w.promoter, w.office, w.leader):
        with refused(rules.REPORT_REFUSED, project=project):
            report(w, sup, actor=actor)
    report(w, sup)
    with refused(rules.NOT_ACTIVE, project=project):
        report(w, sup)


def test_sent_back_it_is_the_units_again(w, project, sup):
    report(w, sup)
    with refused("退回原因不能为空。", project=project):
        services.supervision_return(supervision=sup, actor=w.leader, reason=" ")
    services.supervision_return(supervision=sup, actor=w.leader, reason="缺少规划部门意见")
    sup.refresh_from_db()
    assert (sup.status, sup.returned_reason) == ("active", "缺少规划部门意见")
    event = project.events.last()
    assert (event.kind, event.reason) == (Kind.SUPERVISION_RETURNED, "缺少规划部门意见")
    report(w, sup, response="已补充规划意见")
    services.supervision_close(supervision=sup, actor=w.leader)
    assert Supervision.objects.get(pk=sup.pk).status == "done"
    with refused(rules.NOT_REPORTED, project=project):
        services.supervision_close(supervision=sup, actor=w.leader)


@pytest.mark.parametrize(
    "files, message",
    [
        ([upload("病毒.exe", b"MZ\x90\x00")], "附件“病毒.exe”不是允许的类型"),
        ([upload("假的.pdf", b"MZ\x90\x00")], "附件“假的.pdf”不是允许的类型"),
        ([upload("空.pdf", b"")], "附件“空.pdf”是空文件。"),
        (
            [upload("大.pdf", PDF + b"0" * (10 << 20))],
            "附件“大.pdf”文件过大（10 MB），单个文件不能超过 10 MB",
        ),
        ([upload(f"{n}.png", PNG) for n in range(MAX_REPORT_FILES + 1)], "附件最多 5 个。"),
    ],
)
def test_it_refuses_files_of_a_kind_size_or_number_not_allowed(w, project, sup, files, message):
    before = state()
    with pytest.raises(Exception) as info:
        report(w, sup, files=files)
    assert info.value.message_dict["files"][0].startswith(message)
    assert state() == before


# --- the pages -------------------------------------------------------------------------


def test_report_and_close_through_the_dialogs(client, w, project, sup):
    login(client, w.other_promoter)
    assert client.get(url("report", sup)).status_code == 200
    empty = client.post(url("report", sup), {"response": " "})
    assert empty.status_code == 400 and "请填写办理情况。" in empty.content.decode()
    done = client.post(
        url("report", sup), {"response": "方案已定", "files": [upload("纪要.pdf", PDF)]}
    )
    assert done.status_code == 302
    assert Supervision.objects.get(pk=sup.pk).status == "reported"

    login(client, w.leader)
    unconfirmed = client.post(url("close", sup), {"note": ""})
    assert unconfirmed.status_code == 400
    assert "请勾选确认办结。" in unconfirmed.content.decode()
    assert Supervision.objects.get(pk=sup.pk).status == "reported"
    closed = client.post(url("close", sup), {"note": "", "confirm": "on"}, **HTMX)
    assert closed.status_code == 204
    assert Supervision.objects.get(pk=sup.pk).status == "done"


@pytest.mark.parametrize("name", ["close", "return"])
def test_the_unit_is_refused_closing_with_the_reason(client, w, project, sup, name):
    report(w, sup)
    before = state()
    response = login(client, w.other_promoter).post(
        url(name, sup), {"confirm": "on", "reason": "x"}
    )
    assert response.status_code == 403
    assert rules.SIGN_OFF_REFUSED in response.content.decode()
    assert state() == before


@pytest.mark.parametrize("persona", ["tongan_office", "sec_admin"])
def test_outsiders_do_not_reach_the_dialogs(client, w, project, sup, persona):
    login(client, getattr(w, persona))
    expected = 403 if persona.endswith("_admin") else 404
    for name in ("report", "close", "return"):
        assert client.post(url(name, sup), {"response": "x"}).status_code == expected


def test_files_are_served_only_to_those_who_see_the_supervision(client, w, project, sup):
    report(w, sup, files=[upload("纪要.pdf", PDF)])
    stored = sup.files.get()
    address = reverse("supervision:supervision_file", args=[sup.pk, stored.pk])
    for user in (w.leader, w.other_promoter, w.office):
        response = login(client, user).get(address)
        assert response.status_code == 200 and response.content == PDF
        assert response["Content-Disposition"].startswith("attachment;")
        assert "no-store" in response["Cache-Control"]
    assert login(client, w.tongan_office).get(address).status_code == 404
    other = issue(w, project)
    wrong = reverse("supervision:supervision_file", args=[other.pk, stored.pk])
    assert login(client, w.leader).get(wrong).status_code == 404


def test_the_lists_offer_each_side_its_step(client, w, project, sup):
    section = reverse("supervision:project_problems", args=[project.code])
    page = login(client, w.other_promoter).get(reverse("supervision:problems")).content.decode()
    assert url("report", sup) in page and url("close", sup) not in page
    report(w, sup)
    for user in (w.leader, w.office):
        page = login(client, user).get(section).content.decode()
        assert url("close", sup) in page and url("return", sup) in page
    page = login(client, w.other_promoter).get(reverse("supervision:problems")).content.decode()
    assert url("close", sup) not in page and url("report", sup) not in page
    assert "待确认办结" in page


def test_a_leader_supervises_straight_from_the_problem_list(client, w, project, problem):
    new = reverse("supervision:supervision_new", args=[project.code])
    page = login(client, w.leader).get(reverse("supervision:problems")).content.decode()
    assert f"{new}?problem={problem.pk}" in page
    form = client.get(f"{new}?problem={problem.pk}", **HTMX).content.decode()
    assert f'<option value="{problem.pk}" selected>' in form
    page = login(client, w.other_promoter).get(reverse("supervision:problems")).content.decode()
    assert f"{new}?problem={problem.pk}" not in page


def test_an_overdue_supervision_is_red_on_every_list(client, w, project, sup):
    Supervision.objects.filter(pk=sup.pk).update(deadline=today() - dt.timedelta(days=3))
    report(w, sup)  # reported but not closed: still overdue
    login(client, w.office)
    lists = [
        reverse("supervision:problems"),
        reverse("supervision:project_problems", args=[project.code]),
        reverse("projects:detail", args=[project.code]),
        reverse("reports:home"),
    ]
    for address in lists:
        page = client.get(address).content.decode()
        assert "is-overdue" in page and "两周内落实道路配套方案" in page, address


def test_the_units_report_is_activity_the_leaders_sign_off_is_not(w):
    from baton.projects.asof import last_activity
    from baton.projects.models import ProjectPeriod

    project = make_project(w, name="马巷新能源电池项目", at=T0)
    sup = services.supervision_issue(
        project=project,
        actor=w.leader,
        leader=w.leader_person,
        instruction="落实开工条件",
        deadline=dt.date(2024, 8, 30),
        at=at(2024, 5, 6),
    )
    report(w, sup, actor=w.promoter, at=at(2024, 6, 3))
    services.supervision_close(supervision=sup, actor=w.leader, at=at(2024, 7, 15))
    periods = ProjectPeriod.objects.filter(project=project).order_by("-valid_from")
    latest = periods.annotate(last=last_activity(as_of=dt.date(2024, 7, 31))).first()
    assert latest.last == at(2024, 6, 3)


def test_no_other_path_writes_a_supervision():
    """Neither the admin site nor the API edits a 督办: the pages above, through the
    services, are the only way to report, close or send one back."""
    from django.contrib import admin

    from config.api import api

    assert not {Supervision, Attachment} & set(admin.site._registry)
    routes = [str(route.pattern) for route in api.urls[0]]
    assert any("projects" in route for route in routes)
    assert [route for route in routes if "supervision" in route] == []
