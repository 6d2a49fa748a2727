"""The demo's intermediaries: a register with an agreement, a claim waiting for the office,
and a claim confirmed before signing whose reward was computed, published and paid."""

from baton.demo.tests.snapshot import load_demo_once
from baton.intermediaries.models import Claim, Intermediary, IntermediaryEvent
from baton.org.models import District


def test_the_demo_has_a_register_claims_and_a_paid_reward(db):
    load_demo_once()
    xa = District.objects.get(name="翔安区")
    assert Intermediary.objects.filter(district=xa).count() == 4
    assert Intermediary.objects.get(name="厦门鹭招企业管理咨询有限公司").agreements.count() == 1
    assert Claim.objects.filter(district=xa, status="filed").exists()
    confirmed = Claim.objects.get(district=xa, status="confirmed")
    assert confirmed.filed_on < confirmed.project.milestones.get(kind="signed").date
    kinds = set(IntermediaryEvent.objects.filter(claim=confirmed).values_list("kind", flat=True))
    assert {"filed", "confirmed", "applied", "approved", "publicized", "paid"} <= kinds
    reward = confirmed.project.intermediary_rewards.get()
    assert reward.application.status == "paid" and reward.application.estimate_formula
