"""Writers at the same moment (RELIABILITY items 14 and 15; issue 8, item 6).

Transactional tests: each thread opens its own connection to the real test database (the
SQLite file in WAL mode, or PostgreSQL), so the locks under test are the real ones. The
threads wait at a barrier and then all write at once.

- Stale saves (the optimistic ``version`` lock): of N writers that read the same version,
  exactly one succeeds, every other one gets the conflict message, the row holds the
  winner's values and one event is written per success — through the edit page and
  through the services, for edits and stage moves.
- Many writers (creating projects, adding notes, on a few shared projects): 0 errors, no
  "database is locked", every row present.
"""

import fcntl
import threading
import time
from collections import Counter
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from baton.projects import services
from baton.projects.models import Project, ProjectEvent, ProjectPeriod
from baton.projects.services import ConflictError
from baton.projects.tests.helpers_views import login
from baton.testing import make_project, stage

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def _one_at_a_time(tmp_path_factory):
    """The tests take turns across the test workers (a lock file in the run's shared
    temporary directory): two at once would ask PostgreSQL for more than its 100
    connections ("too many clients already")."""
    lock = tmp_path_factory.getbasetemp().parent / "baton-many-connections.lock"
    with lock.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


Kind = ProjectEvent.Kind
#: SQLite is the embedded database: RELIABILITY item 15 asks 200 writers of it. PostgreSQL
#: gives each thread a server connection (100 by default, shared with other clients).
MANY = 200 if connection.vendor == "sqlite" else 60


def at_once(n: int, work) -> list[tuple[str, object]]:
    """Run ``work(i)`` in ``n`` threads released together; return ("ok" | "conflict" | "error", value)."""
    barrier = threading.Barrier(n, timeout=60)
    results: list = [None] * n

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = ("ok", work(i))
        except ConflictError as exc:
            results[i] = ("conflict", exc)
        except Exception as exc:
            results[i] = ("error", exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a writer never finished"
    return results


def outcomes(results) -> Counter:
    return Counter(kind for kind, _ in results)


def errors(results) -> list[str]:
    return [f"{type(value).__name__}: {value}" for kind, value in results if kind == "error"]


def conflict_text(version: int) -> str:
    return f"已被他人修改（您编辑的是第 {version} 版，当前是第 {version + 1} 版）"


# --- stale saves through the edit page --------------------------------------------------


def edit_form(project: Project, **changes) -> dict:
    """The edit form as the browser posts it (the version it was opened on included)."""
    data = {
        "version": project.version,
        "name": project.name,
        "investor": project.investor,
        "investment": str(project.investment),
        "industry": project.industry_id or "",
        "leader": project.leader_id or "",
        "land_area_mu": project.land_area_mu or "",
        "info_source": project.info_source,
        "progress": project.progress,
        "issues_text": project.issues_text,
        "contact_name": project.contact_name,
        "contact_phone": project.contact_phone,
        "remarks": project.remarks,
        "info_unit": project.info_unit_id or "",
        "talks_unit": project.talks_unit_id or "",
        "landing_unit": project.landing_unit_id or "",
        "co_units": [u.pk for u in project.co_units.all()],
        "reason": "",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize("writers", [2, 50])
def test_stale_saves_through_the_edit_page_give_one_success_and_conflicts(w, writers):
    project = make_project(w, name="翔安新能源电池项目")
    url = reverse("projects:edit", args=[project.code])
    clients = []
    for i in range(writers):
        client = login(Client(), w.promoter if i % 2 else w.office)
        opened = client.get(url)  # everyone opens version 1
        assert opened.status_code == 200 and 'name="version" value="1"' in opened.text
        clients.append(client)
    stale = edit_form(project)

    def save(i):
        mine = {**stale, "investment": str(20000 + i), "progress": f"第 {i} 位同事的进展"}
        response = clients[i].post(url, mine)
        if response.status_code == 409:
            raise ConflictError(response.text)
        assert response.status_code == 302, response.status_code
        return i

    results = at_once(writers, save)

    assert errors(results) == []
    assert outcomes(results) == {"ok": 1, "conflict": writers - 1}
    for kind, value in results:
        if kind == "conflict":
            page = value.messages[0]
            assert conflict_text(1) in page
            assert "他人的修改已经保存，不会被覆盖" in page
    (winner,) = [value for kind, value in results if kind == "ok"]
    project.refresh_from_db()
    assert project.version == 2
    assert project.investment == Decimal(20000 + winner)
    assert project.progress == f"第 {winner} 位同事的进展"
    (event,) = project.events.filter(kind=Kind.UPDATED)
    assert event.new == {"investment": str(20000 + winner), "progress": project.progress}
    assert ProjectPeriod.objects.get(project=project, valid_to=None).investment == Decimal(
        20000 + winner
    )


# --- stale saves through the services ---------------------------------------------------


def test_fifty_stale_edits_at_once_one_wins_each_round_and_nothing_is_lost(w):
    project = make_project(w, name="翔安航空物流园")
    winners = []
    for round_ in range(1, 4):
        version = Project.objects.get(pk=project.pk).version

        def edit(i, version=version, round_=round_):
            amount = f"{round_}{i:03d}0.5"
            services.project_update(
                project=Project.objects.get(pk=project.pk),
                actor=w.promoter if i % 2 else w.office,
                changes={"investment": amount, "remarks": f"第 {round_} 轮，写入者 {i}"},
                expected_version=version,
            )
            return amount, f"第 {round_} 轮，写入者 {i}"

        results = at_once(50, edit)

        assert errors(results) == []
        assert outcomes(results) == {"ok": 1, "conflict": 49}
        assert all(
            conflict_text(version) in value.messages[0]
            for kind, value in results
            if kind == "conflict"
        )
        (won,) = [value for kind, value in results if kind == "ok"]
        winners.append(won)
        project.refresh_from_db()
        assert project.version == version + 1
        assert (str(project.investment), project.remarks) == (f"{Decimal(won[0]):.4f}", won[1])

    events = list(project.events.filter(kind=Kind.UPDATED).order_by("pk"))
    assert [(e.new["investment"], e.new["remarks"]) for e in events] == winners
    periods = ProjectPeriod.objects.filter(project=project).order_by("valid_from", "pk")
    assert [p.investment for p in periods] == [Decimal("10000")] + [
        Decimal(amount) for amount, _ in winners
    ]
    assert [p.valid_to is None for p in periods] == [False, False, False, True]


def test_fifty_stale_stage_moves_at_once_give_one_move(w):
    project = make_project(w, name="翔安智能制造基地", investor="厦门示例科技有限公司")
    targets = [stage("intent"), stage("negotiating")]

    def move(i):
        target = targets[i % 2]
        services.project_move(
            project=Project.objects.get(pk=project.pk),
            stage=target,
            actor=w.promoter,
            expected_version=1,
        )
        return target.pk

    results = at_once(50, move)

    assert errors(results) == []
    assert outcomes(results) == {"ok": 1, "conflict": 49}
    (target,) = [value for kind, value in results if kind == "ok"]
    project.refresh_from_db()
    assert (project.stage_id, project.version) == (target, 2)
    (event,) = project.events.filter(kind=Kind.MOVED)
    assert event.new == {"stage": target}


# --- many writers -------------------------------------------------------------------------


def test_many_writers_at_once_meet_no_locked_database_and_lose_no_row(w):
    shared = [make_project(w, name=f"共享项目{i}") for i in range(5)]
    before = ProjectEvent.objects.count()

    def write(i):
        if i % 2 == 0:
            return services.project_create(
                actor=w.promoter,
                district=w.district,
                unit=w.town,
                name=f"并发新建项目{i}",
                investment=Decimal(i + 1),
            ).code
        target = Project.objects.get(pk=shared[i % 5].pk)
        return services.note_add(project=target, actor=w.office, text=f"并发跟进记录{i}").pk

    started = time.monotonic()
    results = at_once(MANY, write)
    elapsed = time.monotonic() - started

    assert errors(results) == [], errors(results)[:5]
    assert outcomes(results) == {"ok": MANY}
    created = Project.objects.filter(name__startswith="并发新建项目")
    assert sorted(created.values_list("name", flat=True)) == sorted(
        f"并发新建项目{i}" for i in range(0, MANY, 2)
    )
    assert len(set(created.values_list("code", flat=True))) == MANY // 2
    notes = ProjectEvent.objects.filter(kind=Kind.NOTE)
    assert sorted(notes.values_list("reason", flat=True)) == sorted(
        f"并发跟进记录{i}" for i in range(1, MANY, 2)
    )
    expected = Counter(shared[i % 5].pk for i in range(1, MANY, 2))
    assert Counter(notes.values_list("project_id", flat=True)) == expected
    for project in shared:  # each note moved its project's last activity forward
        project.refresh_from_db()
        assert project.updated_at == notes.filter(project=project).latest("at").at
    assert ProjectEvent.objects.count() == before + MANY
    print(f"\n{MANY} writers on {connection.vendor}: 0 errors in {elapsed:.1f} s")
