"""政策兑现's services: each step, each refusal, the deadline on the working calendar, the
caps at approval, instalments that sum exactly, holds, 免申即享 and the to-do items."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from baton.policies import services_delivery as delivery
from baton.policies import services_payment as payment
from baton.policies.models import Application, ApplicationEvent, Instalment, Policy
from baton.projects.models import Milestone
from baton.projects.services import ConflictError
from baton.todo.selectors import todo_items

from .helpers_delivery import SIGNED, approved, clause, load_policy, project, receive

pytestmark = pytest.mark.django_db
Status = Application.Status


@pytest.fixture
def world(w):
    load_policy()
    w.project = project(w)
    return w


def events(app):
    return list(app.events.order_by("at", "id").values_list("kind", flat=True))


def test_receive_numbers_estimates_and_writes_its_event(world):
    w = world
    app = receive(w, w.project, requested_amount="200", note="企业申报")
    assert app.code == "ZC350213-2025-0001"
    assert app.status == Status.RECEIVED and app.basis_on == SIGNED
    assert app.estimate_amount == D("120")  # 12,000 × 1%
    assert app.estimate_formula.startswith("固定资产投资 12,000 万元 × 1%")
    assert events(app) == ["received"]
    second = receive(w, project(w), on=dt.date(2025, 6, 1))
    assert second.code == "ZC350213-2025-0002"


def test_the_unit_of_the_project_receives_for_its_own_projects_only(world):
    w = world
    app = receive(w, w.project, actor=w.promoter)
    assert app.created_by == w.promoter
    with pytest.raises(PermissionDenied):
        receive(w, project(w), actor=w.other_promoter)
    for actor in (w.tongan_office, w.reviewer, w.leader):
        with pytest.raises(PermissionDenied):
            receive(w, project(w), actor=actor)
    assert Application.objects.count() == 1


def test_a_clause_that_does_not_apply_is_refused_with_the_reason(world):
    w = world
    small = project(w, fixed="3000")
    with pytest.raises(ValidationError, match="固定资产投资再增加 2,000 万元即可适用"):
        receive(w, small)
    with pytest.raises(ValidationError, match="缺少数据：注册资本"):
        receive(w, w.project, "第二条")
    app = receive(w, w.project, "第二条", facts={"registered_capital": "30000"})
    assert app.estimate_amount == D("30") and app.facts == {"registered_capital": "30000"}
    with pytest.raises(ValidationError, match="registered_capital"):
        receive(w, project(w), "第二条", facts={"registered_capital": "很多"})
    with pytest.raises(ValidationError, match="免申即享"):
        receive(w, w.project, "第四条")
    assert Application.objects.count() == 1


def test_the_version_in_force_on_the_signing_date_a_draft_and_another_region(world):
    w = world
    Policy.objects.filter(number="厦兑〔2025〕1号").update(effective_on=dt.date(2025, 4, 1))
    with pytest.raises(ValidationError, match="不在有效期内"):
        receive(w, w.project)  # signed 2025-03-03, before the policy
    Policy.objects.filter(number="厦兑〔2025〕1号").update(effective_on=None, is_draft=True)
    with pytest.raises(ValidationError, match="尚未发布"):
        receive(w, w.project)
    Policy.objects.filter(number="厦兑〔2025〕1号").update(is_draft=False, region="3501")
    with pytest.raises(ValidationError, match="不适用于翔安区"):
        receive(w, w.project)


def test_a_second_open_application_and_the_time_limit_are_refused(world):
    w = world
    receive(w, w.project)
    with pytest.raises(ValidationError, match="正在办理"):
        receive(w, w.project, on=dt.date(2025, 5, 8))
    late = project(w)
    with pytest.raises(ValidationError) as caught:
        receive(w, late, on=dt.date(2026, 4, 2))  # 开工 2025-04-01 + 365 days = 2026-04-01
    assert caught.value.messages == [
        "已超过申报时限：开工（2025-04-01）起 365 天内，即 2026-04-01 前申报。"
    ]
    assert receive(w, late, on=dt.date(2026, 4, 1)).status == Status.RECEIVED


def test_complete_counts_working_days_and_a_make_up_saturday(world):
    w = world
    app = receive(w, w.project, on=dt.date(2025, 9, 26))
    delivery.complete(w.office, app, on=dt.date(2025, 9, 26))
    # 60 working days over 国庆 (10-01…10-08 off; 09-28 and 10-11 worked).
    assert app.due_on == dt.date(2025, 12, 25) and app.status == Status.COMPLETE
    other = receive(w, project(w), on=dt.date(2025, 10, 10))
    Policy.objects.update(delivery_days=1)
    other.policy.refresh_from_db()
    delivery.complete(w.office, other, on=dt.date(2025, 10, 10))
    assert other.due_on == dt.date(2025, 10, 11)  # the 国庆 make-up Saturday is worked
    event = other.events.get(kind="completed")
    assert event.old == {"status": "received", "complete_on": None, "due_on": None}
    assert event.new["due_on"] == "2025-10-11"


def test_a_year_without_a_schedule_is_noted():
    app = Application(complete_on=dt.date(2099, 1, 5), due_on=dt.date(2099, 3, 30))
    assert "2099 年的节假日安排尚未公布" in delivery.deadline_note(app)
    assert delivery.deadline_note(Application(complete_on=dt.date(2025, 1, 2))) == ""


def test_steps_check_state_office_dates_version_and_time(world):
    w = world
    app = receive(w, w.project)
    with pytest.raises(PermissionDenied):
        delivery.complete(w.promoter, app, on=dt.date(2025, 5, 7))
    with pytest.raises(PermissionDenied):
        delivery.complete(w.tongan_office, app, on=dt.date(2025, 5, 7))
    with pytest.raises(ValidationError, match="不能早于受理日期"):
        delivery.complete(w.office, app, on=dt.date(2025, 5, 1))
    with pytest.raises(ValidationError, match="不能晚于今天"):
        delivery.complete(w.office, app, on=timezone.localdate() + dt.timedelta(days=1))
    with pytest.raises(ConflictError, match="已被他人修改"):
        delivery.complete(w.office, app, on=dt.date(2025, 5, 7), expected_version=99)
    with pytest.raises(ValidationError, match="已受理，不能核定"):
        delivery.approve(w.office, app, amount="10", on=dt.date(2025, 5, 7))
    earlier = app.events.get().at - dt.timedelta(hours=1)
    with pytest.raises(ValidationError, match="不能早于该兑现的上一条记录"):
        delivery.complete(w.office, app, on=dt.date(2025, 5, 7), at=earlier)
    assert events(app) == ["received"] and Application.objects.get().version == 1


def test_return_incomplete_then_the_unit_answers(world):
    w = world
    app = receive(w, w.project, actor=w.promoter)
    delivery.return_incomplete(w.office, app, reason="缺少开工许可证复印件")
    assert delivery.awaiting_materials(app)
    kinds = [i.kind for i in todo_items(w.promoter, timezone.localdate())]
    assert "policy_materials" in kinds
    delivery.note(w.promoter, app, text="已补充开工许可证")
    assert not delivery.awaiting_materials(app)
    with pytest.raises(PermissionDenied):
        delivery.note(w.other_promoter, app, text="不是我的")


def test_approve_makes_instalments_due_by_milestone(world):
    w = world
    app = approved(w, w.project)
    assert app.status == Status.APPROVED and app.approved_amount == D("120")
    assert app.approved_formula == app.estimate_formula
    rows = list(app.instalments.all())
    assert [(i.milestone, i.amount, i.due_on) for i in rows] == [
        ("started", D("36"), dt.date(2025, 5, 20)),  # started before approval: due from it
        ("in_production", D("84"), None),
    ]
    event = app.events.get(kind="approved")
    assert event.new["approved_amount"] == "120" and len(event.new["instalments"]) == 2


def test_the_last_instalment_takes_the_remainder(world):
    w = world
    app = approved(w, w.project, "第三条")
    rows = list(app.instalments.order_by("order"))
    assert [i.amount for i in rows] == [D("3.3333"), D("3.3333"), D("3.3334")]
    assert sum(i.amount for i in rows) == D("10")
    assert rows[0].due_on == dt.date(2025, 5, 20)  # on approval
    assert rows[1].due_on == dt.date(2025, 5, 20)  # signed before: due from the approval
    assert rows[2].due_on is None  # 达产 not reached


def test_approve_above_the_estimate_needs_a_reason(world):
    w = world
    app = receive(w, project(w, fixed="5000"))
    delivery.complete(w.office, app, on=dt.date(2025, 5, 7))
    with pytest.raises(ValidationError, match="超过按条款测算的 50 万元，请说明理由"):
        delivery.approve(w.office, app, amount="60", on=dt.date(2025, 5, 8))
    delivery.approve(w.office, app, amount="60", on=dt.date(2025, 5, 8), reason="区政府一事一议")
    assert app.approved_amount == D("60") and "区政府一事一议" in app.approved_formula


def test_caps_per_project_and_per_year_at_approval(world):
    w = world
    first = approved(w, w.project, amount="100")
    assert first.approved_amount == D("100")
    again = approved(w, w.project, amount="100", on=dt.date(2025, 6, 2))
    assert again.approved_amount == D("50")  # 150 per project, 100 approved before
    with pytest.raises(ValidationError, match="已无可核定的金额"):
        approved(w, w.project, amount="10", on=dt.date(2025, 6, 3))
    # Per year and beneficiary (180): another project of the same company in 2025.
    other = approved(w, project(w), amount="100", on=dt.date(2025, 6, 4))
    assert other.approved_amount == D("30")  # 150 + 30 = 180 in 2025
    assert "宁德时代 2025 年度上限 180 万元，已核定 150 万元，本次按 30 万元计" in (
        other.approved_formula
    )
    next_year = approved(w, project(w), amount="100", on=dt.date(2026, 1, 5))
    assert next_year.approved_amount == D("100")


def test_pay_hold_release_and_paid(world):
    w = world
    app = approved(w, w.project, "第三条")
    first, second, third = app.instalments.order_by("order")
    with pytest.raises(ValidationError, match="超过第 1 期"):
        payment.pay(w.office, first, on=dt.date(2025, 5, 21), amount="4", voucher="V1")
    with pytest.raises(ValidationError, match="不能早于应付日期"):
        payment.pay(w.office, first, on=dt.date(2025, 5, 19), amount="1", voucher="V1")
    with pytest.raises(ValidationError, match="未到兑付节点"):
        payment.pay(w.office, third, on=dt.date(2025, 5, 21), amount="1", voucher="V3")
    payment.hold(w.office, first, reason="未按约定开工")
    with pytest.raises(ValidationError, match="暂缓兑付（未按约定开工）"):
        payment.pay(w.office, first, on=dt.date(2025, 5, 21), amount="3.3333", voucher="V1")
    with pytest.raises(PermissionDenied):
        payment.release(w.promoter, first, reason="x")
    payment.release(w.office, first, reason="已整改")
    payment.pay(w.office, first, on=dt.date(2025, 5, 21), amount="3.3333", voucher="V1")
    with pytest.raises(ValidationError, match="已于 2025-05-21 支付"):
        payment.pay(w.office, first, on=dt.date(2025, 5, 22), amount="1", voucher="V1")
    payment.pay(w.office, second, on=dt.date(2025, 5, 22), amount="3.3333", voucher="V2")
    app.refresh_from_db()
    assert app.status == Status.APPROVED
    Milestone.objects.create(project=w.project, kind="at_capacity", date=dt.date(2025, 6, 1))
    assert payment.mark_due(w.district, dt.date(2025, 6, 2)) == [app]
    third.refresh_from_db()
    assert third.due_on == dt.date(2025, 6, 1)
    payment.pay(w.office, third, on=dt.date(2025, 6, 2), amount="3.3334", voucher="V3")
    app.refresh_from_db()
    assert app.status == Status.PAID
    assert events(app) == [
        "received", "completed", "approved", "held", "released", "paid", "paid", "due", "paid",
    ]  # fmt: skip
    assert app.events.filter(kind="paid").last().old == {"status": "approved"}


def test_reject_and_withdraw_close_an_open_application(world):
    w = world
    app = receive(w, w.project)
    with pytest.raises(ValidationError, match="请填写不予兑现的理由"):
        delivery.reject(w.office, app, reason=" ")
    delivery.reject(w.office, app, reason="不符合条件", on=dt.date(2025, 5, 8))
    assert app.status == Status.REJECTED and app.decided_on == dt.date(2025, 5, 8)
    with pytest.raises(ValidationError, match="不予兑现，不能撤回"):
        delivery.withdraw(w.office, app, reason="x")
    again = receive(w, w.project, on=dt.date(2025, 5, 9))  # a closed one does not block
    delivery.withdraw(w.office, again, reason="企业撤回")
    assert again.status == Status.WITHDRAWN


def test_open_automatic_for_qualifying_projects_once(world):
    w = world
    Milestone.objects.create(project=w.project, kind="in_production", date=dt.date(2025, 8, 1))
    other = project(w)  # not in production
    made = payment.open_automatic(w.district, dt.date(2025, 9, 1))
    assert [a.project_id for a in made] == [w.project.pk]
    app = made[0]
    assert app.mode == Application.Mode.AUTOMATIC and app.status == Status.COMPLETE
    assert app.due_on == delivery.add_working_days(dt.date(2025, 9, 1), 60)
    assert events(app) == ["opened"] and app.estimate_amount == D("20")
    assert payment.open_automatic(w.district, dt.date(2025, 9, 2)) == []
    with pytest.raises(PermissionDenied):
        payment.open_automatic(w.district, dt.date(2025, 9, 2), actor=w.tongan_office)
    assert not other.policy_applications.exists()


def test_the_command_runs_the_district_and_applies_the_rule(world, capsys):
    w = world
    Milestone.objects.create(project=w.project, kind="in_production", date=dt.date(2025, 8, 1))
    for user in ("ta_office", "mx_promoter", "xm_reviewer", "xa_leader"):
        with pytest.raises(CommandError):
            call_command("policy", "deliver", "--district", "350213", "--user", user)
    assert not Application.objects.exists()
    call_command("policy", "deliver", "--user", "xa_office", "--on", "2025-09-01")
    assert "免申即享生成兑现 1 件" in capsys.readouterr().out
    call_command("policy", "deliver", "--district", "350213", "--on", "2025-09-02")
    assert Application.objects.count() == 1
    with pytest.raises(CommandError):
        call_command("policy", "deliver")


def test_the_office_to_do_deadlines_and_payments(world):
    w = world
    today = timezone.localdate()
    app = receive(w, project(w, started=None), on=today - dt.timedelta(days=200))
    delivery.complete(w.office, app, on=today - dt.timedelta(days=150))  # overdue
    later = receive(w, project(w, started=None), on=today)
    delivery.complete(w.office, later, on=today)  # due in 60 working days: not yet
    items = [i for i in todo_items(w.office, today) if i.kind == "policy_deadline"]
    assert [(i.url.endswith(f"{app.code}/"), i.overdue) for i in items] == [(True, True)]
    assert not [i for i in todo_items(w.tongan_office, today) if i.kind.startswith("policy")]
    paid = approved(w, project(w, started=None), "第三条")
    payable = [i for i in todo_items(w.office, today) if i.kind == "policy_payable"]
    assert len(payable) == 2  # 第 1 and 第 2 期 due, 第 3 期 waits for 达产
    payment.hold(w.office, paid.instalments.get(order=1), reason="履约问题")
    payable = [i for i in todo_items(w.office, today) if i.kind == "policy_payable"]
    assert len(payable) == 1
    assert not [i for i in todo_items(w.promoter, today) if i.kind == "policy_payable"]


def test_nothing_is_written_on_a_refusal(world):
    w = world
    app = receive(w, w.project)
    before = (
        list(Application.objects.values()),
        list(ApplicationEvent.objects.values()),
        Instalment.objects.count(),
    )
    for call in (
        lambda: delivery.approve(w.office, app, amount="1", on=dt.date(2025, 5, 8)),
        lambda: delivery.complete(w.leader, app, on=dt.date(2025, 5, 8)),
        lambda: delivery.note(w.reviewer, app, text="x"),
        lambda: receive(w, w.project, actor=w.promoter, on=dt.date(2025, 5, 9)),
    ):
        with pytest.raises((ValidationError, PermissionDenied)):
            call()
    after = (
        list(Application.objects.values()),
        list(ApplicationEvent.objects.values()),
        Instalment.objects.count(),
    )
    assert after == before
    assert clause("第一条").applications.count() == 1
