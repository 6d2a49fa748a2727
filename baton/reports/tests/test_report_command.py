"""``baton report``: the paragraph, the JSON contract and the bad arguments (DESIGN §7)."""

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections
from django.utils import timezone

from baton.__main__ import main
from baton.org.models import City, District
from baton.projects import services
from baton.projects.models import Milestone
from baton.reports.selectors import Scope, figures_as_of
from baton.reports.snapshots import snapshot_refresh
from baton.reports.summary import figures_json, summary_paragraph
from baton.testing import admit, at, make_project, stage

D = dt.date(2019, 8, 31)

XIANGAN_AUG = (
    "截至2019年8月31日，厦门翔安区上报并经市招商办审核入库招商项目3个，投资总额11.62495亿元。"
    "其中，策划项目1个，总投资1.13亿元；意向项目0个，总投资0.00亿元；"
    "在谈项目1个，总投资0.50亿元；落地项目1个，总投资10.00亿元。"
)
XIANGAN_SEP = (
    "截至2019年9月30日，厦门翔安区上报并经市招商办审核入库招商项目4个，投资总额13.29995亿元。"
    "其中，策划项目1个，总投资0.80亿元；意向项目1个，总投资2.00亿元；"
    "在谈项目0个，总投资0.00亿元；落地项目2个，总投资10.50亿元。"
)
TONGAN_AUG = (
    "截至2019年8月31日，厦门同安区上报并经区招商办审核入库招商项目1个，投资总额0.5亿元。"
    "其中，策划项目1个，总投资0.50亿元；意向项目0个，总投资0.00亿元；"
    "在谈项目0个，总投资0.00亿元；落地项目0个，总投资0.00亿元。"
)
CITY_AUG = (
    "截至2019年8月31日，厦门市上报并经区、市招商办审核入库招商项目4个，投资总额12.12495亿元。"
    "其中，策划项目2个，总投资1.63亿元；意向项目0个，总投资0.00亿元；"
    "在谈项目1个，总投资0.50亿元；落地项目1个，总投资10.00亿元。"
)


def _moment(*args) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


@pytest.fixture
def data(w):
    """A small 翔安 library around 2019-08-31, with every kind of project that must not count."""
    n = {}
    # Counts: 策划 11250 万 = 1.125 亿, which rounds half-up to 1.13.
    n["plan"] = make_project(
        w, name="锂电池隔膜生产基地", investment="11250", industry=w.industry, at=at(2019, 3, 1)
    )
    admit(w, n["plan"], when=at(2019, 3, 10))
    # Counts: admitted in the last second of the day.
    n["talk"] = make_project(
        w,
        name="航空发动机维修基地",
        investor="翔鹭航空科技有限公司",
        investment="4999.5",
        stage=stage("negotiating"),
        at=at(2019, 8, 1),
    )
    admit(w, n["talk"], when=_moment(2019, 8, 31, 23, 59, 59))
    # Counts, landed, with 签约 before D, 开工 on D and 投产 after.
    n["land"] = make_project(
        w,
        name="第三代半导体衬底项目",
        investor="厦门芯光半导体股份有限公司",
        investment="100000",
        stage=stage("negotiating"),
        at=at(2019, 4, 1),
    )
    admit(w, n["land"], when=at(2019, 4, 10))
    services.project_move(
        project=n["land"],
        stage=stage("landed"),
        actor=w.promoter,
        fields={"signed_on": dt.date(2019, 5, 28)},
        at=at(2019, 6, 1),
    )
    services.milestone_record(
        project=n["land"],
        kind=Milestone.Kind.STARTED,
        date=dt.date(2019, 8, 31),
        actor=w.promoter,
        at=at(2019, 8, 31, 18),
    )
    # Does not count on D: admitted at the first instant of the next day.
    n["late"] = make_project(w, name="冷链物流园", investment="8000", at=at(2019, 8, 1))
    services.project_submit(project=n["late"], actor=w.promoter, at=at(2019, 8, 10))
    services.project_review(project=n["late"], actor=w.office, approve=True, at=at(2019, 8, 15))
    services.project_review(
        project=n["late"], actor=w.reviewer, approve=True, at=_moment(2019, 9, 1, 0, 0, 0)
    )
    # Never count: a draft, a returned, a submitted and a district-approved project.
    n["draft"] = make_project(w, name="海洋生物医药产业园", investment="5000", at=at(2019, 2, 1))
    n["returned"] = make_project(w, name="跨境电商总部大楼", investment="6000", at=at(2019, 6, 1))
    services.project_submit(project=n["returned"], actor=w.promoter, at=at(2019, 7, 1))
    services.project_review(
        project=n["returned"],
        actor=w.office,
        approve=False,
        reason="投资方资料不全",
        at=at(2019, 7, 2),
    )
    n["submitted"] = make_project(w, name="智能装备制造基地", investment="7500", at=at(2019, 6, 2))
    services.project_submit(project=n["submitted"], actor=w.promoter, at=at(2019, 7, 5))
    n["approved"] = make_project(w, name="文旅综合体", investment="9000", at=at(2019, 6, 3))
    services.project_submit(project=n["approved"], actor=w.promoter, at=at(2019, 7, 6))
    services.project_review(project=n["approved"], actor=w.office, approve=True, at=at(2019, 7, 7))
    # Admitted and landed (with 签约), then 中止 before D: an exit, no milestone.
    n["stopped"] = make_project(
        w,
        name="光学镜头产业园",
        investor="鹭江光电有限公司",
        investment="7000",
        stage=stage("negotiating"),
        at=at(2019, 4, 20),
    )
    admit(w, n["stopped"], when=at(2019, 5, 1))
    services.project_move(
        project=n["stopped"],
        stage=stage("landed"),
        actor=w.promoter,
        fields={"signed_on": dt.date(2019, 5, 20)},
        at=at(2019, 5, 21),
    )
    services.project_move(
        project=n["stopped"],
        stage=stage("stopped"),
        actor=w.promoter,
        reason="投资方资金链断裂",
        at=at(2019, 7, 15),
    )
    # 同安区 reviews on one level: the district office admits.
    n["tongan"] = make_project(
        w,
        unit=w.tongan_unit,
        actor=w.tongan_office,
        name="同安食品加工园",
        investment="5000",
        at=at(2019, 5, 30),
    )
    services.project_submit(project=n["tongan"], actor=w.tongan_office, at=at(2019, 6, 1))
    services.project_review(
        project=n["tongan"], actor=w.tongan_office, approve=True, at=at(2019, 6, 2)
    )
    assert n["tongan"].review_state == "admitted"
    # After D (the first at its first instant): a landing with 签约 dated before D,
    # moves, an update and a handoff.
    services.project_move(
        project=n["talk"],
        stage=stage("landed"),
        actor=w.promoter,
        fields={"signed_on": dt.date(2019, 8, 30)},
        at=_moment(2019, 9, 1, 0, 0, 0),
    )
    services.project_move(
        project=n["plan"], stage=stage("intent"), actor=w.promoter, at=at(2019, 9, 5)
    )
    services.project_update(
        project=n["plan"],
        actor=w.promoter,
        changes={"investment": Decimal("20000")},
        at=at(2019, 9, 6),
    )
    services.project_handoff(
        project=n["plan"],
        to_unit=w.other_town,
        actor=w.office,
        reason="进入洽谈",
        at=at(2019, 9, 7),
    )
    services.milestone_record(
        project=n["land"],
        kind=Milestone.Kind.IN_PRODUCTION,
        date=dt.date(2019, 9, 15),
        actor=w.promoter,
        at=at(2019, 9, 16),
    )
    return n


def _report(*args) -> str:
    out = io.StringIO()
    call_command("report", *args, stdout=out)
    return out.getvalue()


def _zeros(names, key):
    return [{key: name, "count": 0, "investment_wan": "0"} for name in names]


# --- text -----------------------------------------------------------------------------


def test_it_prints_the_district_paragraph(data):
    assert _report("--district", "350213", "--as-of", "2019-08-31") == XIANGAN_AUG + "\n"


def test_it_finds_the_district_by_name(data):
    assert _report("--district", "翔安区", "--as-of", "2019-08-31") == XIANGAN_AUG + "\n"


def test_it_prints_a_later_month_with_the_moves_since(data):
    assert _report("--district", "350213", "--as-of", "2019-09-30") == XIANGAN_SEP + "\n"


def test_it_names_the_district_office_for_one_level_review(data):
    assert _report("--district", "350212", "--as-of", "2019-08-31") == TONGAN_AUG + "\n"


def test_it_reports_the_only_city_by_default(data):
    assert _report("--as-of", "2019-08-31") == CITY_AUG + "\n"
    assert _report("--city", "3502", "--as-of", "2019-08-31") == CITY_AUG + "\n"
    assert _report("--city", "厦门市", "--as-of", "2019-08-31") == CITY_AUG + "\n"


def test_it_runs_as_the_console_script(data, capsys, monkeypatch):
    # run_from_argv closes every connection when it ends, which would end the test's
    # transaction; the command itself does not care.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    main(["baton", "report", "--district", "350213", "--as-of", "2019-08-31"])
    out, err = capsys.readouterr()
    assert (out, err) == (XIANGAN_AUG + "\n", "")


def test_it_defaults_to_today(data):
    today = timezone.localdate()
    figures = figures_as_of(as_of=today, scope=Scope(district=data["plan"].district))
    assert _report("--district", "350213") == summary_paragraph(figures) + "\n"
    assert f"截至{today.year}年{today.month}月{today.day}日，" in summary_paragraph(figures)


def test_it_prints_zeros_before_anything_was_admitted(data):
    assert _report("--district", "350213", "--as-of", "2019-03-09") == (
        "截至2019年3月9日，厦门翔安区上报并经市招商办审核入库招商项目0个，投资总额0亿元。"
        "其中，策划项目0个，总投资0.00亿元；意向项目0个，总投资0.00亿元；"
        "在谈项目0个，总投资0.00亿元；落地项目0个，总投资0.00亿元。\n"
    )


# --- json -----------------------------------------------------------------------------


def test_it_prints_the_json_contract(data):
    got = json.loads(_report("--district", "350213", "--as-of", "2019-08-31", "--format", "json"))
    assert got == {
        "as_of": "2019-08-31",
        "scope": {"kind": "district", "code": "350213", "name": "厦门翔安区"},
        "total": {"count": 3, "investment_wan": "116249.5"},
        "stages": [
            {"stage": "策划", "count": 1, "investment_wan": "11250"},
            {"stage": "意向", "count": 0, "investment_wan": "0"},
            {"stage": "在谈", "count": 1, "investment_wan": "4999.5"},
            {"stage": "落地", "count": 1, "investment_wan": "100000"},
        ],
        "milestones": [
            {"milestone": "签约", "count": 1, "investment_wan": "100000"},
            {"milestone": "注册", "count": 0, "investment_wan": "0"},
            {"milestone": "供地", "count": 0, "investment_wan": "0"},
            {"milestone": "开工", "count": 1, "investment_wan": "100000"},
            {"milestone": "投产", "count": 0, "investment_wan": "0"},
            {"milestone": "达产", "count": 0, "investment_wan": "0"},
        ],
        "exits": [{"stage": "中止", "count": 1, "investment_wan": "7000"}],
    }


def test_it_prints_json_for_a_later_date(data):
    got = json.loads(_report("--district", "350213", "--as-of", "2019-09-30", "--format", "json"))
    assert got["total"] == {"count": 4, "investment_wan": "132999.5"}
    assert got["stages"] == [
        {"stage": "策划", "count": 1, "investment_wan": "8000"},
        {"stage": "意向", "count": 1, "investment_wan": "20000"},
        {"stage": "在谈", "count": 0, "investment_wan": "0"},
        {"stage": "落地", "count": 2, "investment_wan": "104999.5"},
    ]
    assert got["milestones"][:5] == [
        {"milestone": "签约", "count": 2, "investment_wan": "104999.5"},
        {"milestone": "注册", "count": 0, "investment_wan": "0"},
        {"milestone": "供地", "count": 0, "investment_wan": "0"},
        {"milestone": "开工", "count": 1, "investment_wan": "100000"},
        {"milestone": "投产", "count": 1, "investment_wan": "100000"},
    ]


def test_it_lists_every_stage_with_zeros_when_empty(w):
    got = json.loads(_report("--as-of", "2019-08-31", "--format", "json"))
    assert got == {
        "as_of": "2019-08-31",
        "scope": {"kind": "city", "code": "3502", "name": "厦门市"},
        "total": {"count": 0, "investment_wan": "0"},
        "stages": _zeros(["策划", "意向", "在谈", "落地"], "stage"),
        "milestones": _zeros(["签约", "注册", "供地", "开工", "投产", "达产"], "milestone"),
        "exits": _zeros(["中止"], "stage"),
    }


def test_it_keeps_amounts_exact_to_the_yuan(w):
    for amount in ("0.0001", "1234.5678", "99999999.9999"):
        admit(w, make_project(w, investment=amount, at=at(2019, 1, 2)), when=at(2019, 1, 3))
    got = json.loads(_report("--district", "350213", "--as-of", "2019-01-03", "--format", "json"))
    assert got["total"] == {"count": 3, "investment_wan": "100001234.5678"}
    assert _report("--district", "350213", "--as-of", "2019-01-03").startswith(
        "截至2019年1月3日，厦门翔安区上报并经市招商办审核入库招商项目3个，"
        "投资总额10000.12345678亿元。其中，策划项目3个，总投资10000.12亿元；"
    )


# --- what counts at D ------------------------------------------------------------------


def _xiangan(day):
    return figures_json(
        figures_as_of(as_of=day, scope=Scope(district=District.objects.get(code="350213")))
    )


def test_it_counts_only_projects_admitted_by_the_end_of_the_day(data):
    assert _xiangan(D)["total"] == {"count": 3, "investment_wan": "116249.5"}
    sep_1 = _xiangan(dt.date(2019, 9, 1))
    assert sep_1["total"] == {"count": 4, "investment_wan": "124249.5"}
    assert sep_1["stages"][0] == {"stage": "策划", "count": 2, "investment_wan": "19250"}
    assert _xiangan(dt.date(2019, 8, 30))["total"] == {"count": 2, "investment_wan": "111250"}


def test_it_ignores_drafts_returned_and_pending_projects(data):
    for name in ("draft", "returned", "submitted", "approved"):
        project = data[name]
        project.refresh_from_db()
        assert project.review_state != "admitted"
    # Long after D, only the five admitted 翔安 projects appear.
    later = _xiangan(dt.date(2026, 1, 1))
    assert later["total"] == {"count": 4, "investment_wan": "132999.5"}
    assert later["exits"] == [{"stage": "中止", "count": 1, "investment_wan": "7000"}]


def test_it_lists_a_stopped_project_under_exits_only(data):
    got = _xiangan(D)
    assert got["exits"] == [{"stage": "中止", "count": 1, "investment_wan": "7000"}]
    assert got["milestones"][0] == {"milestone": "签约", "count": 1, "investment_wan": "100000"}
    # Before it stopped it was landed and counted, with its 签约.
    july = _xiangan(dt.date(2019, 7, 14))
    assert july["stages"][3] == {"stage": "落地", "count": 2, "investment_wan": "107000"}
    assert july["milestones"][0] == {"milestone": "签约", "count": 2, "investment_wan": "107000"}
    assert july["exits"][0]["count"] == 0


def test_it_keeps_the_figures_of_a_date_after_later_changes(w):
    project = make_project(w, name="氢能装备产业园", investment="3000", at=at(2019, 8, 1))
    admit(w, project, when=at(2019, 8, 5))
    before = _xiangan(D)
    text_before = _report("--district", "350213", "--as-of", "2019-08-31")
    # With or without a month-end snapshot taken before the changes.
    snapshot_refresh(days=[D])
    services.project_move(
        project=project,
        stage=stage("negotiating"),
        actor=w.promoter,
        fields={"investor": "厦门氢能科技有限公司"},
        at=at(2019, 9, 1),
    )
    services.project_update(
        project=project, actor=w.promoter, changes={"investment": "9000"}, at=at(2019, 9, 2)
    )
    services.project_handoff(
        project=project, to_unit=w.department, actor=w.office, reason="转交", at=at(2019, 9, 3)
    )
    services.project_move(
        project=project, stage=stage("stopped"), actor=w.promoter, reason="放弃", at=at(2019, 9, 4)
    )
    assert _xiangan(D) == before
    assert _report("--district", "350213", "--as-of", "2019-08-31") == text_before
    assert before["stages"][0] == {"stage": "策划", "count": 1, "investment_wan": "3000"}
    later = _xiangan(dt.date(2019, 9, 30))
    assert later["total"] == {"count": 0, "investment_wan": "0"}
    assert later["exits"] == [{"stage": "中止", "count": 1, "investment_wan": "9000"}]


# --- bad arguments ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--district", "350299"], "找不到区：350299"),
        (["--district", "思明区"], "找不到区：思明区"),
        (["--city", "3501"], "找不到市：3501"),
        (["--as-of", "2019-02-30"], "日期格式不正确：2019-02-30（应为 YYYY-MM-DD）"),
        (["--as-of", "2019/08/31"], "日期格式不正确：2019/08/31（应为 YYYY-MM-DD）"),
        (["--as-of", "上个月"], "日期格式不正确：上个月（应为 YYYY-MM-DD）"),
        (["--as-of", "20190831"], "日期格式不正确：20190831（应为 YYYY-MM-DD）"),
        (["--as-of", "2019-W35-6"], "日期格式不正确：2019-W35-6（应为 YYYY-MM-DD）"),
    ],
)
def test_it_rejects_bad_arguments(w, args, message):
    with pytest.raises(CommandError) as caught:
        _report(*args)
    assert (str(caught.value), caught.value.returncode) == (message, 2)


def test_it_rejects_a_future_date(w):
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    with pytest.raises(CommandError) as caught:
        _report("--district", "350213", "--as-of", tomorrow)
    assert str(caught.value) == f"统计日期 {tomorrow} 晚于今天，不能统计未来。"
    assert caught.value.returncode == 2


def test_it_needs_a_city(db):
    with pytest.raises(CommandError) as caught:
        _report("--as-of", "2019-08-31")
    assert str(caught.value) == "还没有任何市、区数据，请先运行 baton demo 或导入台账。"
    assert caught.value.returncode == 2


def test_it_asks_which_city_when_there_are_several(w):
    City.objects.create(code="3501", name="福州市", short_name="福州")
    with pytest.raises(CommandError) as caught:
        _report("--as-of", "2019-08-31")
    assert str(caught.value) == "有多个市，请用 --city 或 --district 指定范围。"
    assert caught.value.returncode == 2
    assert _report("--city", "3502", "--as-of", "2019-08-31").startswith(
        "截至2019年8月31日，厦门市"
    )


def test_it_exits_2_with_one_line_from_the_console_script(w, capsys, monkeypatch):
    monkeypatch.setattr(connections, "close_all", lambda: None)
    with pytest.raises(SystemExit) as caught:
        main(["baton", "report", "--district", "350299", "--as-of", "2019-08-31"])
    assert caught.value.code == 2
    out, err = capsys.readouterr()
    assert (out, err) == ("", "CommandError: 找不到区：350299\n")
