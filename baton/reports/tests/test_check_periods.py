"""``check_periods``: the derived period table agrees with the events, and is rebuilt when not."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections

from baton.__main__ import main
from baton.projects import services
from baton.projects.models import Project, ProjectEvent, ProjectPeriod
from baton.projects.periods import CheckResult, check_periods
from baton.reports.selectors import Scope, figures_as_of
from baton.testing import admit, at, make_project, stage

D = dt.date(2019, 8, 31)


@pytest.fixture
def history(w):
    """Three 翔安 projects with moves, updates and a handoff; one 同安 draft."""
    first = make_project(w, name="锂电池隔膜生产基地", investment="11250", at=at(2019, 3, 1))
    admit(w, first, when=at(2019, 3, 10))
    services.project_move(
        project=first,
        stage=stage("negotiating"),
        actor=w.promoter,
        fields={"investor": "翔鹭新能源有限公司"},
        at=at(2019, 5, 1),
    )
    services.project_update(
        project=first,
        actor=w.promoter,
        changes={"investment": "12000", "industry": w.industry},
        at=at(2019, 6, 1),
    )
    services.project_handoff(
        project=first,
        to_unit=w.department,
        actor=w.office,
        reason="交行业部门",
        at=at(2019, 7, 1),
    )
    services.note_add(project=first, actor=w.promoter, text="已赴总部洽谈", at=at(2019, 7, 2))
    second = make_project(w, name="航空维修基地", investment="5000", at=at(2019, 4, 1))
    admit(w, second, when=at(2019, 4, 2))
    services.project_move(
        project=second, stage=stage("stopped"), actor=w.promoter, reason="放弃", at=at(2019, 8, 1)
    )
    third = make_project(w, name="冷链物流园", investment="8000", at=at(2019, 8, 1))
    services.project_submit(project=third, actor=w.promoter, at=at(2019, 8, 2))
    services.project_review(
        project=third, actor=w.office, approve=False, reason="资料不全", at=at(2019, 8, 3)
    )
    make_project(
        w,
        unit=w.tongan_unit,
        actor=w.tongan_office,
        name="食品加工园",
        investment="1000",
        at=at(2019, 8, 4),
    )
    return first, second, third


def _periods(project):
    return list(
        ProjectPeriod.objects.filter(project=project)
        .order_by("valid_from")
        .values_list(
            "stage__code", "unit__name", "review_state", "investment", "valid_from", "valid_to"
        )
    )


def _figures(w, day=D):
    figures = figures_as_of(as_of=day, scope=Scope(district=w.district))
    return figures.count, figures.investment, [(line.code, line.count) for line in figures.stages]


def _command(*args) -> str:
    out = io.StringIO()
    call_command("check_periods", *args, stdout=out)
    return out.getvalue()


def test_it_writes_the_periods_the_history_implies(w, history):
    first, second, third = history
    assert _periods(first) == [
        ("planning", "马巷街道", "draft", Decimal("11250"), at(2019, 3, 1), at(2019, 3, 10)),
        ("planning", "马巷街道", "admitted", Decimal("11250"), at(2019, 3, 10), at(2019, 5, 1)),
        ("negotiating", "马巷街道", "admitted", Decimal("11250"), at(2019, 5, 1), at(2019, 6, 1)),
        ("negotiating", "马巷街道", "admitted", Decimal("12000"), at(2019, 6, 1), at(2019, 7, 1)),
        ("negotiating", "区工信局", "admitted", Decimal("12000"), at(2019, 7, 1), None),
    ]
    # Submitted, approved and admitted at one instant: one period, not three.
    assert _periods(second) == [
        ("planning", "马巷街道", "draft", Decimal("5000"), at(2019, 4, 1), at(2019, 4, 2)),
        ("planning", "马巷街道", "admitted", Decimal("5000"), at(2019, 4, 2), at(2019, 8, 1)),
        ("stopped", "马巷街道", "admitted", Decimal("5000"), at(2019, 8, 1), None),
    ]
    assert _periods(third) == [
        ("planning", "马巷街道", "draft", Decimal("8000"), at(2019, 8, 1), at(2019, 8, 2)),
        ("planning", "马巷街道", "submitted", Decimal("8000"), at(2019, 8, 2), at(2019, 8, 3)),
        ("planning", "马巷街道", "returned", Decimal("8000"), at(2019, 8, 3), None),
    ]


def test_it_finds_no_difference_after_a_history(history):
    assert check_periods() == CheckResult(projects=4, differences=0, fixed=0)
    assert check_periods(fix=True) == CheckResult(projects=4, differences=0, fixed=0)


def test_it_detects_and_rebuilds_a_changed_valid_to(w, history):
    first, _, _ = history
    right = _periods(first)
    figures = _figures(w)
    # Close the 策划 span early: as of D the project would vanish from the figures.
    period = ProjectPeriod.objects.filter(project=first).order_by("-valid_from").first()
    period.valid_to = at(2019, 8, 1)
    period.save()
    assert _figures(w) != figures
    assert check_periods() == CheckResult(projects=4, differences=1, fixed=0)
    assert check_periods(fix=True) == CheckResult(projects=4, differences=1, fixed=1)
    assert check_periods() == CheckResult(projects=4, differences=0, fixed=0)
    assert _periods(first) == right
    assert _figures(w) == figures


def test_it_detects_and_rebuilds_a_changed_stage(w, history):
    first, second, _ = history
    right = _periods(second)
    ProjectPeriod.objects.filter(project=second, valid_to__isnull=True).update(
        stage=stage("landed")
    )
    ProjectPeriod.objects.filter(project=first, valid_to__isnull=True).update(
        investment=Decimal("12000.0001")
    )
    assert check_periods() == CheckResult(projects=4, differences=2, fixed=0)
    assert check_periods(fix=True) == CheckResult(projects=4, differences=2, fixed=2)
    assert check_periods() == CheckResult(projects=4, differences=0, fixed=0)
    assert _periods(second) == right
    assert _figures(w) == (
        1,
        Decimal("12000"),
        [("planning", 0), ("intent", 0), ("negotiating", 1), ("landed", 0)],
    )


def test_it_detects_and_rebuilds_missing_and_extra_periods(w, history):
    first, second, third = history
    right = {p.pk: _periods(p) for p in history}
    ProjectPeriod.objects.filter(project=third).delete()
    stray = ProjectPeriod.objects.filter(project=second).order_by("valid_from").first()
    stray.pk = None
    stray.valid_from, stray.valid_to = at(2018, 1, 1), at(2018, 2, 1)
    stray.save()
    assert check_periods(project_ids=[first.pk]) == CheckResult(projects=1, differences=0)
    assert check_periods() == CheckResult(projects=4, differences=2, fixed=0)
    assert check_periods(fix=True) == CheckResult(projects=4, differences=2, fixed=2)
    assert {p.pk: _periods(p) for p in history} == right


def test_it_removes_the_periods_of_a_project_without_events(w, history):
    first, _, _ = history
    ghost = Project.objects.create(
        code="350213-2019-9999",
        name="无动态项目",
        district=w.district,
        unit=w.town,
        stage=stage("planning"),
        stage_entered_at=at(2019, 1, 1),
        review_state="admitted",
        investment=Decimal("1"),
        created_at=at(2019, 1, 1),
        updated_at=at(2019, 1, 1),
    )
    ProjectPeriod.objects.create(
        project=ghost,
        event=ProjectEvent.objects.filter(project=first).first(),
        district=w.district,
        unit=w.town,
        stage=stage("planning"),
        review_state="admitted",
        investment=Decimal("1"),
        valid_from=at(2019, 1, 1),
    )
    assert _figures(w)[0] == 2
    assert check_periods() == CheckResult(projects=4, differences=1, fixed=0)
    assert check_periods(fix=True) == CheckResult(projects=4, differences=1, fixed=1)
    assert not ProjectPeriod.objects.filter(project=ghost).exists()
    assert _figures(w)[0] == 1


def test_the_command_reports_no_difference(history):
    assert _command() == "核对 4 个项目，差异 0 个。\n"
    assert _command("--fix") == "核对 4 个项目，差异 0 个，已重建 0 个。\n"


def test_the_command_fails_on_a_difference_and_fixes_it(history):
    first, _, _ = history
    ProjectPeriod.objects.filter(project=first, valid_to__isnull=True).update(
        valid_to=at(2019, 9, 1)
    )
    out = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("check_periods", stdout=out)
    assert out.getvalue() == "核对 4 个项目，差异 1 个。\n"
    assert str(caught.value) == "项目时段与动态记录不一致，可用 --fix 重建。"
    assert caught.value.returncode == 1
    assert _command("--fix") == "核对 4 个项目，差异 1 个，已重建 1 个。\n"
    assert _command() == "核对 4 个项目，差异 0 个。\n"


def test_the_console_script_takes_the_hyphenated_name(history, capsys, monkeypatch):
    # run_from_argv closes every connection when it ends, which would end the test's transaction.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    main(["baton", "check-periods"])
    assert capsys.readouterr() == ("核对 4 个项目，差异 0 个。\n", "")
    ProjectPeriod.objects.filter(project=history[1]).update(review_state="draft")
    with pytest.raises(SystemExit) as caught:
        main(["baton", "check-periods"])
    assert caught.value.code == 1
    assert capsys.readouterr() == (
        "核对 4 个项目，差异 1 个。\n",
        "CommandError: 项目时段与动态记录不一致，可用 --fix 重建。\n",
    )
    main(["baton", "check-periods", "--fix"])
    assert capsys.readouterr().out == "核对 4 个项目，差异 1 个，已重建 1 个。\n"
