import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from baton.land import services as land
from baton.land.models import Parcel
from baton.land.tests.helpers import make_parcel
from baton.outcomes import measure, rules, services
from baton.outcomes.models import OutcomeEvent, Promise
from baton.policies import services_payment as payment
from baton.policies.tests.helpers_delivery import approved, load_policy
from baton.projects.models import Milestone
from baton.projects.services import ConflictError
from baton.supervision.models import Problem
from baton.testing import make_project
from baton.todo.selectors import todo_items

from .helpers import landed, promise, refused, result

Status = Promise.Status


def test_a_promise_is_recorded_with_its_event_and_evaluated(w):
    project = landed(w)
    row = promise(project, actor=w.promoter, clause="投资协议第五条", due_on=dt.date(2026, 11, 30))
    assert row.check_on == row.due_on == dt.date(2026, 11, 30)
    assert row.target == D("20000") and row.created_by == w.promoter
    kinds = list(OutcomeEvent.objects.filter(promise=row).values_list("kind", flat=True))
    # Recorded today (after the check date) with no figures yet: waiting for them.
    assert kinds == ["promised", "checked"]
    assert row.status == Status.PENDING and "等待2025 年数据" in row.finding


def test_the_rules_refuse_in_words_and_write_nothing(w):
    project = landed(w)
    with refused(rules.NOT_A_RECORDER, error=PermissionDenied):
        promise(project, actor=w.other_promoter)
    with refused(rules.NOT_A_RECORDER, error=PermissionDenied):
        promise(project, actor=w.tongan_office)
    draft = make_project(w, investment="100")
    with refused(rules.NOT_SIGNED):
        promise(draft, actor=w.promoter)
    with refused(rules.NOT_LANDED):
        result(draft, actor=w.promoter, output="1")
    with pytest.raises(ValidationError) as info:
        promise(project, actor=w.office, target="-5", check_on=dt.date(2025, 1, 1))
    assert info.value.message_dict == {
        "target": ["承诺值：金额不能为负数。"],
        "check_on": ["核查日期不能早于承诺期限。"],
    }
    with pytest.raises(ValidationError) as info:
        promise(project, kind="start", target="5")
    assert info.value.message_dict == {"target": ["开工、投产期限只填期限，不填承诺值。"]}
    promise(project)
    with refused({"kind": ["该项目已登记“达产年产值”承诺，请修改原承诺。"]}.get("kind")):
        promise(project)
    with pytest.raises(ValidationError) as info:
        result(project, output=None, year=2031)
    assert info.value.message_dict["year"] == ["年度应在 2000 年至今年（2026）之间。"]
    with pytest.raises(ValidationError) as info:
        result(project)
    assert info.value.message_dict == {"output": ["到位资金、产值、税收、就业人数至少填一项。"]}
    with pytest.raises(ValidationError) as info:
        result(project, output="1.5", jobs="3.5", source="x")
    assert info.value.message_dict == {
        "jobs": ["就业人数应为整数。"],
        "source": ["请选择数据来源（统计局、税务部门、企业填报或其他）。"],
    }


def test_a_stale_edit_is_a_conflict(w):
    project = landed(w)
    row = promise(project, actor=w.office)
    services.promise_update(
        actor=w.office, promise=row, values={"target": "25000", "due_on": row.due_on},
        expected_version=1,
    )  # fmt: skip
    with refused(rules.STALE, error=ConflictError):
        services.promise_update(
            actor=w.promoter, promise=row, values={"target": "1", "due_on": row.due_on},
            expected_version=1,
        )  # fmt: skip
    one = result(project, output="100")
    with refused(rules.STALE, error=ConflictError):
        services.result_record(
            actor=w.office, project=project, expected_version=one.version + 1,
            values={"year": 2025, "quarter": 0, "output": "200", "source": "statistics"},
        )  # fmt: skip


def test_done_when_output_below_the_promise_is_broken_raises_a_problem_and_holds_payment(w):
    """The issue's "Done when": 达产 output below the promise at the check date → flagged,
    a problem for the responsible unit, and the policy instalment refused."""
    load_policy()
    project = landed(w, fixed_investment="12000")
    Milestone.objects.create(project=project, kind="started", date=dt.date(2025, 4, 1))
    application = approved(w, project)
    payment.mark_due(w.district, dt.date(2025, 5, 21))
    instalment = application.instalments.get(order=1)
    assert instalment.due_on is not None

    result(project, actor=w.office, output="12000", tax="900", source="statistics")
    row = promise(project, actor=w.promoter, target="20000", due_on=dt.date(2025, 12, 31))
    assert row.status == Status.BROKEN
    assert (row.actual, row.gap) == (D("12000"), D("8000"))
    assert row.finding == "2025 年 12000 万元/年，低于承诺 20000 万元/年，差 8000 万元/年。"
    problem = row.problem
    assert problem is not None and problem.responsible_unit == w.town
    assert problem.status == Problem.Status.OPEN and "达产年产值" in problem.description
    # In the to-do lists of the holding unit and of the office.
    for user in (w.promoter, w.office):
        kinds = [i.kind for i in todo_items(user, dt.date(2026, 1, 10))]
        assert "promise_broken" in kinds
    assert "promise_broken" not in [
        i.kind for i in todo_items(w.other_promoter, dt.date(2026, 1, 10))
    ]
    # The payment is refused, with the reason, and nothing is paid.
    with pytest.raises(ValidationError) as info:
        payment.pay(w.office, instalment, on=dt.date(2026, 1, 10), amount="36", voucher="V1")
    assert info.value.messages == [
        "项目未履行投资协议承诺（达产年产值），政策兑现暂缓支付；履约后方可支付。"
    ]
    instalment.refresh_from_db()
    assert instalment.paid_on is None
    # The daily check again: nothing changes, still one problem.
    before = OutcomeEvent.objects.count()
    call_command("outcomes", "check")
    call_command("outcomes", "check", "--as-of", "2026-06-30")
    assert OutcomeEvent.objects.count() == before
    assert Problem.objects.filter(project=project).count() == 1
    # Corrected figures keep the promise: the payment goes through.
    result(project, actor=w.office, output="21000", tax="900", source="statistics")
    row.refresh_from_db()
    assert row.status == Status.KEPT and row.gap is None
    payment.pay(w.office, instalment, on=dt.date(2026, 1, 10), amount="36", voucher="V1")
    assert Problem.objects.filter(project=project).count() == 1


def test_mu_figures_equal_a_hand_computation(w):
    project = landed(w, land_area_mu="30")
    # No parcel yet: the project's own 拟用地面积 (30 亩), said so.
    result(project, output="12000", tax="950", investment="8000")
    line = measure.year_lines(list(project.results.all()), measure.project_land(project))[0]
    assert measure.project_land(project).basis == "拟用地面积"
    assert (line.output_per_mu, line.tax_per_mu) == (D("400.0000"), D("31.6667"))
    # Two parcels held by the project: 25.5 + 14.5 = 40 亩.
    first, second = make_parcel(w, "XA-1", mu=25.5), make_parcel(w, "XA-2", mu=14.5)
    Parcel.objects.filter(pk=first.pk).update(area_mu=D("25.50"))
    Parcel.objects.filter(pk=second.pk).update(area_mu=D("14.50"))
    for parcel in (first, second):
        land.parcel_reserve(
            parcel=Parcel.objects.get(pk=parcel.pk), project=project, actor=w.office
        )
    area = measure.project_land(project)
    assert (area.mu, area.basis, area.parcels) == (D("40.00"), "地块", ("XA-1", "XA-2"))
    line = measure.year_lines(list(project.results.all()), area)[0]
    # 12000 ÷ 40 = 300; 950 ÷ 40 = 23.75.
    assert (line.output_per_mu, line.tax_per_mu) == (D("300"), D("23.75"))
    # 投资强度: 8000 ÷ 40 = 200 万元/亩, below a promise of 250 at its check date.
    row = promise(project, kind="intensity", target="250", due_on=dt.date(2025, 12, 31))
    assert (row.status, row.actual, row.gap) == (Status.BROKEN, D("200"), D("50"))


def test_quarters_add_up_and_investment_accumulates(w):
    project = landed(w)
    for quarter, output in ((1, "1000"), (2, "1500.5"), (3, "2000"), (4, "2499.5")):
        result(project, year=2025, quarter=quarter, output=output, jobs=str(100 + quarter))
    rows = list(project.results.all())
    assert measure.year_figure(rows, 2025, "output") == D("7000")
    assert measure.year_figure(rows, 2025, "jobs") == D("104")
    result(project, year=2024, investment="3000")
    result(project, year=2025, quarter=1, investment="1000")
    rows = list(project.results.all())
    assert measure.cumulative_investment(rows, dt.date(2025, 3, 30)) == D("3000")
    assert measure.cumulative_investment(rows, dt.date(2025, 3, 31)) == D("4000")


def test_at_risk_before_the_check_date_is_below_80_percent_pro_rated(w):
    project = landed(w, signed=dt.date(2025, 1, 1))
    row = promise(project, kind="fixed_investment", target="10000", due_on=dt.date(2027, 1, 1))
    result(project, year=2025, quarter=1, investment="3000")
    facts = measure.Facts.of(project)
    # Measured at the last quarter's end, 2025-12-31: 364 of 730 days gone → 10000 × 364 /
    # 730 = 4986.3014 expected, 80% of it 3989.04 > 3000: at risk, 1986.3014 short.
    found = measure.evaluate(row, facts, dt.date(2026, 1, 1))
    assert found.status == Status.AT_RISK and found.gap == D("1986.3014")
    # The same all quarter long: the daily check changes nothing between quarter ends.
    assert measure.evaluate(row, facts, dt.date(2026, 3, 30)) == found
    # Earlier, 180 days: 2466 expected, 3000 is on track.
    assert measure.evaluate(row, facts, dt.date(2025, 6, 30)).status == Status.PENDING
    # Reached early: kept.
    result(project, year=2026, quarter=1, investment="8000")
    facts = measure.Facts.of(project)
    assert measure.evaluate(row, facts, dt.date(2026, 4, 1)).status == Status.KEPT


def test_deadlines_follow_the_milestones(w):
    project = landed(w)
    row = promise(project, kind="start", target=None, due_on=dt.date(2025, 6, 30))
    assert row.status == Status.BROKEN and row.finding == "期限 2025-06-30 已过，仍未开工。"
    Milestone.objects.create(project=project, kind="started", date=dt.date(2025, 7, 10))
    # As of today (a check of an earlier date than the last never overwrites it).
    services.evaluate_project(project=project, as_of=timezone.localdate())
    row.refresh_from_db()
    assert (row.status, row.gap) == (Status.BROKEN, D("10"))
    assert row.gap_text == "逾期 10 天"
    facts = measure.Facts.of(project)
    assert measure.evaluate(row, facts, dt.date(2025, 5, 1)).status == Status.AT_RISK
    assert measure.evaluate(row, facts, dt.date(2025, 3, 1)).status == Status.PENDING


def test_missing_figures_become_broken_after_the_grace(w):
    project = landed(w)
    row = promise(project, kind="tax", target="500", due_on=dt.date(2025, 12, 31))
    facts = measure.Facts.of(project)
    assert measure.evaluate(row, facts, dt.date(2026, 3, 31)).status == Status.PENDING
    found = measure.evaluate(row, facts, dt.date(2026, 4, 1))
    assert found.status == Status.BROKEN and "逾期未报送" in found.text


def test_the_check_command_needs_the_office_for_a_district(w):
    with pytest.raises(PermissionDenied):
        services.outcomes_check(as_of=dt.date(2026, 1, 1), district=w.district, actor=w.promoter)
