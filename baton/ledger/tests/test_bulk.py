"""The bulk writer writes exactly the rows the project services write.

The same sequence of varied ledgers — new projects at every stage and review state in
a two-level and a one-level district, a 阶段记录 sheet, dates as cells and as text,
milestones, generated codes that move the code sequences, near-duplicate names; then
updates of those and of projects that were there before (moves, review steps, a handoff
that takes a unit off the co-units, changed milestones, a return); then a re-import — is
imported once through the services (``through_services=True``, then rolled back) and
once through the bulk writer, and every table is compared row for row.

Two things must differ and are left out: ``ProjectEvent.recorded_at``, the clock time
at which the database stored the event (the services take it per insert, the writer per
flushed batch), and, on PostgreSQL, the ids' absolute values: a sequence never goes back
after a rollback, so the second run's ids start further on. Ids are therefore compared as
their order among the rows the import created (an id in a foreign key too), which still
fails if the writer numbered rows in another order than the services. The clock is
frozen for both runs, so that the steps without a date (dated "now") get the same time.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.db.models.signals import post_save
from django.utils import timezone

from baton.audit.models import AuditRecord
from baton.audit.services import audit_context
from baton.ledger.importer import ledger_import
from baton.projects import services
from baton.projects.duplicate_index import PoolProcess
from baton.projects.models import (
    CodeSequence,
    LibraryVersion,
    Milestone,
    PageVersion,
    Project,
    ProjectEvent,
    ProjectPeriod,
    Stage,
)
from baton.projects.periods import check_periods
from baton.testing import admit, at, make_project

from .helpers import HEADERS, dump, row, xlsx

NOW = timezone.make_aware(dt.datetime(2024, 6, 3, 15, 30, 12, 345678))
_CREATED = (Project, ProjectEvent, ProjectPeriod, Milestone, CodeSequence, Project.co_units.through)
#: Clock readings: when a row was recorded, and the list's and the project pages' cache
#: counters (which scopes and projects were raised is still compared).
_LEFT_OUT = {
    (ProjectEvent, "recorded_at"),
    (LibraryVersion, "version"),
    (PageVersion, "version"),
}

#: Columns that hold another model's id without a foreign key.
_IDS_OF = {(PageVersion, "project_id"): Project}


@pytest.fixture
def frozen(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)


def _existing(w) -> dict:
    """Projects that were there before the ledgers: one admitted with a similar name and
    the same investor, a draft with a co-unit, a landed one, one under review."""
    alike = make_project(
        w,
        name="翔安新能源电池",
        investor="鹭岛新能源科技股份有限公司",
        at=at(2018, 3, 1),
    )
    admit(w, alike, when=at(2018, 3, 2))
    draft = make_project(
        w,
        name="欧厝文旅综合体",
        co_units={w.other_town},
        at=at(2018, 5, 1),
    )
    landed = make_project(
        w,
        name="航空物流园",
        stage=Stage.objects.get(code="landed"),
        investor="厦门航空港物流有限公司",
        signed_on=dt.date(2019, 5, 1),
        at=at(2019, 5, 1),
    )
    admit(w, landed, when=at(2019, 5, 2))
    waiting = make_project(w, name="海洋生物医药产业园", at=at(2018, 6, 1))
    services.project_submit(project=waiting, actor=w.promoter, at=at(2018, 6, 2))
    return {"alike": alike, "draft": draft, "landed": landed, "waiting": waiting}


def _first() -> bytes:
    rows = [
        row(),  # 在谈, 已入库, its history on the 阶段记录 sheet
        row(
            项目编号="350213-2019-0902",
            项目名称="翔安新能源电池二期项目",
            项目阶段="落地",
            阶段日期="2019年6月15日",
            签约日期=dt.date(2019, 6, 10),
            开工日期="2019.7.1",
            投产日期="2020/3/1",
            **{"总投资(万元)": "1,234.5678"},
        ),
        row(
            项目编号="350213-2019-0903",
            项目名称="光伏组件",
            项目阶段="策划",
            阶段日期="2019-01-15",
            入库状态="草稿",
            入库日期=None,
            挂钩领导="",
            行业="",
        ),
        row(
            项目编号="350213-2019-0904",
            项目名称="智能装备制造基地",
            项目阶段="意向",
            阶段日期="2019-03-05",
            入库状态="已上报",
            入库日期="2019-03-01",
        ),
        row(
            项目编号="350213-2019-0905",
            项目名称="翔安新能源电站",
            项目阶段="在谈",
            入库状态="区已审核",
            入库日期="2019-04-02",
        ),
        row(
            项目编号="350213-2019-0906",
            项目名称="半导体封装测试",
            项目阶段="意向",
            阶段日期="2019-02-01",
            入库状态="已退回",
            入库日期="2019-01-20",
            投资方="",
        ),
        row(
            项目编号="350213-2019-0907",
            项目名称="冷链物流中心",
            项目阶段="中止",
            阶段日期="2019-08-01",
            入库状态="已入库",
            入库日期="2019-02-01",
        ),
        row(
            项目编号="A-17",
            项目名称="同安轻工食品产业园",
            所属区="同安区",
            责任单位="",
            挂钩领导="",
            入库状态="已入库",
            入库日期=dt.date(2019, 5, 5),
            阶段日期="2019-06-01",
        ),
        row(
            项目编号="350212-2020-0042",
            项目名称="翔安新能源电池配套项目",
            所属区="350212",
            责任单位="同安区招商办",
            挂钩领导="",
            项目阶段="意向",
            阶段日期="2020-02-02",
            入库状态="已入库",
            入库日期="2020-01-15",
        ),
    ]
    history = [
        ("350213-2019-0901", "策划", "2019-01-10", ""),
        ("350213-2019-0901", "意向", dt.date(2019, 3, 1), "首次接洽"),
        ("350213-2019-0901", "在谈", "2019-05-01", "第二轮洽谈"),
        ("350213-2019-0902", "在谈", "2019-02-01", ""),
    ]
    return xlsx(rows, history=history)


_SECOND_HEADERS = [
    "项目编号", "项目名称", "所属区", "责任单位", "项目阶段", "阶段日期", "入库状态",
    "入库日期", "总投资(万元)", "进展情况", "签约日期", "开工日期",
]  # fmt: skip


def _second(existing) -> bytes:
    def line(project, **values):
        base = {
            "项目编号": project.code,
            "项目名称": project.name,
            "所属区": "350213",
            "责任单位": project.unit.name,
            "项目阶段": project.stage.name,
            "总投资(万元)": str(project.investment),
            "入库状态": project.get_review_state_display(),
        }
        return {**base, **values}

    rows = [
        row(
            **{"总投资(万元)": "60000", "责任单位": "新店街道", "进展情况": "已签约"},
            项目阶段="落地",
            阶段日期="2019-09-03",
            签约日期="2019.9.1",
        ),
        row(
            项目编号="350213-2019-0903",
            项目名称="光伏组件二期",
            项目阶段="意向",
            阶段日期="2019-07-01",
            入库状态="草稿",
            入库日期=None,
        ),
        row(
            项目编号="350213-2019-0904",
            项目名称="智能装备制造基地",
            项目阶段="意向",
            阶段日期="2019-03-05",
            入库状态="已入库",
            入库日期=None,
        ),
        row(
            项目编号="350213-2019-0906",
            项目名称="半导体封装测试",
            项目阶段="意向",
            阶段日期="2019-02-01",
            入库状态="已上报",
            入库日期="2019-10-08",
            投资方="",
        ),
        line(existing["draft"], 入库状态="已入库", 入库日期="2019-03-01", 责任单位="新店街道"),
        line(existing["landed"], 签约日期="2019-05-02", 开工日期="2019-08-01"),
        line(existing["waiting"], 入库状态="已退回"),
        row(
            项目编号="B-9",
            项目名称="翔安新能源电池三期项目",
            所属区="同安区",
            责任单位="",
            挂钩领导="",
            项目阶段="意向",
            入库状态="已入库",
            入库日期="2021-01-04",
        ),
    ]
    return xlsx(
        [{h: r.get(h) for h in _SECOND_HEADERS} for r in rows],
        headers=_SECOND_HEADERS,
    )


def _tables() -> dict:
    """Every row of every table but the audit log's, ids of created rows by their order."""
    since = {model: _max_id(model) for model in _CREATED}

    def run():
        rows = {}
        for model in apps.get_models(include_auto_created=True):
            if model._meta.app_label == "audit":
                continue
            fields = [f for f in model._meta.concrete_fields if (model, f.attname) not in _LEFT_OUT]
            rows[model] = list(
                model._base_manager.order_by("pk").values_list(*[f.attname for f in fields])
            )
            rows[model] = (fields, rows[model])
        return rows

    return since, run


def _max_id(model) -> int:
    return model._base_manager.order_by("-pk").values_list("pk", flat=True).first() or 0


def _normalised(since: dict, rows: dict) -> dict:
    """Replace each id of a row created since ``since`` by its rank among those rows."""
    rank = {}
    for model in _CREATED:
        fields, values = rows[model]
        new = sorted(v[0] for v in values if v[0] > since[model])
        rank[model] = {pk: ("new", n) for n, pk in enumerate(new)}
    out = {}
    for model, (fields, values) in rows.items():
        maps = []
        for f in fields:
            target = _IDS_OF.get((model, f.attname)) or (
                f.related_model if f.is_relation else (model if f.primary_key else None)
            )
            maps.append(rank.get(target))
        out[model._meta.label] = [
            tuple(m.get(v, v) if m else v for v, m in zip(value, maps, strict=True))
            for value in values
        ]
    return out


def _summary(result) -> tuple:
    return (
        result.created,
        result.updated,
        result.unchanged,
        result.events,
        [e.line() for e in result.errors],
    )


def _import_all(w, *, through_services: bool):
    since, snapshot = _tables()
    existing = _existing(w)
    first = _first()
    results = [
        ledger_import(data=first, through_services=through_services),
        ledger_import(data=_second(existing), through_services=through_services),
    ]
    results.append(ledger_import(data=_second(existing), through_services=through_services))
    results.append(ledger_import(data=first, dry_run=True, through_services=through_services))
    return [_summary(r) for r in results], _normalised(since, snapshot())


class _Undo(Exception):
    pass


def _both(w, run):
    """Return what ``run(through_services)`` gives through the services (rolled back)
    and through the bulk writer, from the same starting database."""
    try:
        with transaction.atomic():
            reference = run(True)
            raise _Undo
    except _Undo:
        pass
    return reference, run(False)


@pytest.fixture(params=["in process", "pool process"])
def pool(request, monkeypatch):
    """Either way of finding duplicates: in the importing process, or in a child process
    (the way of large imports)."""
    monkeypatch.setattr(PoolProcess, "last_peak_mb", None)
    if request.param == "pool process":
        monkeypatch.setattr("baton.projects.bulk.writer.POOL_PROCESS_AFTER", 1)
    yield request.param
    # The child process was used (and ended) exactly when asked for.
    assert (PoolProcess.last_peak_mb is not None) == (request.param == "pool process")


def test_the_bulk_writer_writes_what_the_services_write(w, frozen, pool):
    (reference, rows), (bulk, bulk_rows) = _both(w, lambda s: _import_all(w, through_services=s))
    assert bulk == reference
    created, _updated, _unchanged, events, errors = reference[0]
    assert errors == [] and len(created) == 9 and events > 30
    assert not reference[1][4], reference[1][4]
    assert len(reference[1][0]) == 1 and len(reference[1][1]) == 7
    assert reference[2][3] == 0 and len(reference[2][2]) == 8  # again: nothing changes
    assert bulk_rows == rows
    payloads = [e.new for e in ProjectEvent.objects.all()]
    assert any(p.get("duplicates") for p in payloads)  # near names were found, and compared
    assert any(p.get("checked_duplicates") for p in payloads)
    assert any("co_units" in p for p in payloads)
    # Codes are the system's: an office's own (350212-2020-0042, A-17) is kept as 原编号.
    assert CodeSequence.objects.get(district__code="350212", year=2020).last == 1
    assert Project.objects.get(original_code="350212-2020-0042").code == "350212-2020-0001"
    assert check_periods().differences == 0
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:  # the full-text index kept by the triggers
            cursor.execute(
                "INSERT INTO projects_project_fts(projects_project_fts) VALUES ('integrity-check')"
            )
    project = Project.objects.get(original_code="350213-2019-0902")
    assert project.investment == Decimal("1234.5678") and project.stage.code == "landed"


def test_a_step_a_service_refuses_is_refused_the_same_way(w, frozen):
    bad = [
        row(
            项目编号="C-1", 项目阶段="落地", 阶段日期="2019-06-01", 投资方="", 签约日期="2019-05-01"
        ),
        row(
            项目编号="C-2",
            项目阶段="落地",
            阶段日期="2019-06-01",
            签约日期="2019-05-01",
            开工日期="2019-09-01",
            投产日期="2019-08-01",
        ),
        row(项目编号="C-3", 项目阶段="中止", 阶段日期="2019-03-01", 入库日期="2019-04-01"),
        row(项目编号="C-4", **{"总投资(万元)": 0}),
        row(项目编号="C-5"),
    ]
    data = xlsx(bad)

    def run(through_services):
        results = [ledger_import(data=data, through_services=through_services)]
        results.append(ledger_import(data=data, dry_run=True, through_services=through_services))
        return [_summary(r) for r in results]

    reference, bulk = _both(w, run)
    assert bulk == reference
    reasons = " ".join(reference[0][4])
    assert "投资方" in reasons and "投产日期" in reasons and "不能上报" in reasons
    assert not Project.objects.exists()


def test_inside_an_audited_request_an_import_is_one_record_either_way(w, frozen):
    def run(through_services):
        before = AuditRecord.objects.count()
        with audit_context(ip="10.0.0.8"):
            result = ledger_import(data=xlsx([row()]), through_services=through_services)
        return result.ok, AuditRecord.objects.count() - before

    reference, bulk = _both(w, run)
    assert reference == bulk == (True, 0)  # the caller writes the import's one record


def test_the_receivers_the_bulk_writer_does_not_signal_need_no_signal_in_an_import():
    # The audit log records nothing inside ``audit_batch`` (the import is one record);
    # the notices tell nothing either, and summarise the import from its audit record
    # (baton/notices/tests/test_import.py imports through both writers).
    receivers = post_save._live_receivers(ProjectEvent)
    names = {f"{r.__module__}.{r.__name__}" for group in receivers for r in group}
    assert names == {
        "baton.projects.signals._project_event",
        "baton.notices.signals._project_event",
    }


def test_a_large_ledger_goes_through_in_chunks(w, frozen, monkeypatch, pool):
    monkeypatch.setattr("baton.projects.bulk.rows._CHUNK", 3)
    rows = [
        row(项目编号=f"350213-2019-{n:04d}", 项目名称=f"翔安新能源电池{n}号", 入库日期="2019/4/1")
        for n in range(1, 12)
    ]
    data = xlsx(rows, headers=HEADERS)

    def run(through_services):
        since, snapshot = _tables()
        result = ledger_import(data=data, through_services=through_services)
        return _summary(result), _normalised(since, snapshot())

    reference, bulk = _both(w, run)
    assert bulk == reference
    assert reference[0][3] == 11 * 5  # created (策划), submitted, approved twice, moved (在谈)


def test_with_field_encryption_the_phone_is_sealed_as_the_services_seal_it(w, frozen, settings):
    settings.BATON_FIELD_KEY = "0123456789abcdeffedcba9876543210"
    data = xlsx(
        [row(), row(项目编号="350213-2019-0902", 项目名称="光伏组件", 联系电话="0592-1234567")]
    )

    def run(through_services):
        since, snapshot = _tables()
        result = ledger_import(data=data, through_services=through_services)
        return _summary(result), _normalised(since, snapshot())

    reference, bulk = _both(w, run)
    assert bulk == reference  # equal once opened (each sealing has its own nonce)
    with connection.cursor() as cursor:
        cursor.execute("SELECT contact_phone FROM projects_project")
        assert all(phone.startswith("SM4GCM1:") for (phone,) in cursor.fetchall())
        cursor.execute("SELECT new FROM projects_projectevent WHERE kind = 'created'")
        assert all(
            "SM4GCM1:" in str(new) and "13812345678" not in str(new) for (new,) in cursor.fetchall()
        )


def test_a_batch_the_database_refuses_rolls_everything_back(w, frozen, monkeypatch):
    from django.db import IntegrityError

    from baton.projects import bulk

    def refuse(self, insert, update, delete):
        raise IntegrityError("refused")

    monkeypatch.setattr(bulk._Statements, "batch", refuse)
    before = dump()
    with pytest.raises(IntegrityError):
        ledger_import(data=xlsx([row(), row(项目编号="350213-2019-0902", 项目名称="光伏组件")]))
    assert dump() == before  # and the writer thread is gone: the rollback could run
