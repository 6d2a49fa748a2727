"""The register and the claims: who may, eligibility by rule name, before signing, one
or shared — every refusal changes nothing."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from baton.intermediaries import rules, services
from baton.intermediaries.models import Claim, IntermediaryEvent

from .helpers import (
    AGENCY_USCC,
    INVESTOR_USCC,
    moment,
    person,
    project,
    refused,
    register,
    sign,
    values,
)

pytestmark = pytest.mark.django_db


def test_it_registers_an_agency_with_its_event(w):
    row = register(w)
    assert row.code.startswith(f"ZJ{w.district.code}-")
    assert row.documents == ["营业执照复印件", "利益冲突声明书"]
    event = IntermediaryEvent.objects.get(intermediary=row)
    assert event.kind == "registered" and event.new["name"] == row.name


@pytest.mark.parametrize(
    ("key", "rule"),
    [
        ("official", rules.RULE_OFFICIAL),
        ("relative", rules.RULE_RELATIVE),
        ("state_owned", rules.RULE_STATE_OWNED),
    ],
)
def test_it_refuses_the_ineligible_by_the_rules_name(w, key, rule):
    with refused(f"不符合规定（{rule}）。") as info:
        services.intermediary_register(
            actor=w.office, district=w.district, values=values(**{key: True})
        )
    assert info.value.message_dict == {key: [f"不符合规定（{rule}）。"]}


def test_an_agency_needs_its_credit_code_and_a_person_does_not(w):
    with refused("中介机构须填写统一社会信用代码。"):
        services.intermediary_register(actor=w.office, district=w.district, values=values(uscc=""))
    assert person(w).uscc == ""


def test_only_the_district_office_registers(w):
    for actor in (w.promoter, w.tongan_office, w.leader, w.reviewer):
        with refused(rules.NOT_THE_OFFICE, error=PermissionDenied):
            services.intermediary_register(actor=actor, district=w.district, values=values())


def test_a_code_registered_twice_is_refused(w):
    register(w)
    with refused("该统一社会信用代码已在本区备案。"):
        register(w, name="另一家公司")


def test_an_edit_writes_what_changed_and_a_stale_form_is_refused(w):
    row = register(w)
    services.intermediary_update(
        actor=w.office, intermediary=row, values=values(address="厦门市湖里区"),
        expected_version=1,
    )  # fmt: skip
    event = row.events.get(kind="changed")
    assert event.old == {"address": "厦门市思明区"} and event.new == {"address": "厦门市湖里区"}
    with refused(rules.STALE):
        services.intermediary_update(
            actor=w.office, intermediary=row, values=values(address="x"), expected_version=1
        )


def test_an_agreement_needs_a_term_and_a_target(w):
    row = register(w)
    with refused("请至少填写一项目标（有效信息条数或固定资产投资）。"):
        services.agreement_sign(
            actor=w.office, intermediary=row, start_on=moment(90).date(), end_on=moment(1).date()
        )
    with refused("协议截止日须晚于起始日。"):
        services.agreement_sign(
            actor=w.office, intermediary=row, start_on=moment(1).date(),
            end_on=moment(9).date(), target_leads=12,
        )  # fmt: skip
    agreement = services.agreement_sign(
        actor=w.office, intermediary=row, start_on=moment(90).date(), end_on=moment(1).date(),
        target_leads=12, target_fixed_wan="40000",
    )  # fmt: skip
    assert agreement.target_fixed_wan == Decimal("40000")
    assert row.events.filter(kind="agreement").count() == 1


def test_a_claim_before_signing_is_filed_and_one_after_is_refused_with_the_reason(w):
    agency = register(w)
    p = project(w)
    claim = services.claim_file(
        actor=w.promoter,
        intermediary=agency,
        project=p,
        account="引荐投资方考察翔安",
        at=moment(10),
    )
    assert claim.status == "filed" and claim.filed_on == moment(10).date()
    assert claim.events.get().kind == "filed"
    sign(p, days_ago=5)
    late = person(w)
    signed = moment(5).date()
    with refused(
        f"不符合规定（{rules.RULE_BEFORE_SIGNING}）：项目已于 {signed:%Y-%m-%d} 签约，"
        f"{moment(0).date():%Y-%m-%d} 申报的认定不予受理。"
    ):
        services.claim_file(actor=w.promoter, intermediary=late, project=p, account="后来申报")


def test_a_claim_on_the_signing_day_is_refused(w):
    agency = register(w)
    p = project(w, signed_days_ago=3)
    with refused(
        f"不符合规定（{rules.RULE_BEFORE_SIGNING}）：项目已于 {moment(3).date():%Y-%m-%d} 签约，"
        f"{moment(3).date():%Y-%m-%d} 申报的认定不予受理。"
    ):
        services.claim_file(
            actor=w.office, intermediary=agency, project=p, account="当天申报", at=moment(3, 15)
        )


def test_the_investor_and_its_affiliates_are_refused(w):
    same = register(w, uscc=INVESTOR_USCC, name="厦门示例新材料有限公司")
    p = project(w)
    with refused(f"不符合规定（{rules.RULE_AFFILIATE}）：中介与投资方的统一社会信用代码相同。"):
        services.claim_file(actor=w.office, intermediary=same, project=p, account="自己引荐自己")
    linked = person(w, affiliates=f"厦门示例集团 {INVESTOR_USCC}")
    with refused(f"不符合规定（{rules.RULE_AFFILIATE}）：投资方是中介申报的关联方“厦门示例集团”。"):
        services.claim_file(actor=w.office, intermediary=linked, project=p, account="关联方")


def test_only_the_projects_unit_and_its_office_file(w):
    agency = register(w)
    p = project(w)
    for actor in (w.other_promoter, w.tongan_office, w.leader, w.reviewer):
        with refused(rules.NOT_A_FILER, error=PermissionDenied):
            services.claim_file(actor=actor, intermediary=agency, project=p, account="x")


def test_single_rule_confirms_one_and_refuses_the_others(w):
    a, b = register(w), person(w)
    p = project(w)
    first = services.claim_file(actor=w.promoter, intermediary=a, project=p, account="甲")
    second = services.claim_file(actor=w.promoter, intermediary=b, project=p, account="乙")
    services.claim_confirm(actor=w.office, claim=first, reason="材料齐全")
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.share) == ("confirmed", Decimal(100))
    assert second.status == "refused"
    assert rules.RULE_ONE_PER_PROJECT in second.reason
    assert second.events.filter(kind="refused").count() == 1


def test_shared_rule_needs_shares_summing_to_at_most_100(w):
    services.settings_update(
        actor=w.office, district=w.district, claim_rule="shared", publicity_days=5
    )
    a, b = register(w), person(w)
    p = project(w)
    first = services.claim_file(
        actor=w.promoter, intermediary=a, project=p, account="甲", share="60"
    )
    second = services.claim_file(actor=w.promoter, intermediary=b, project=p, account="乙")
    services.claim_confirm(actor=w.office, claim=first)
    with refused(f"不符合规定（{rules.RULE_SHARES}）：已认定 60%，本次最多 40%。"):
        services.claim_confirm(actor=w.office, claim=second, share="50")
    with refused("请填写该中介的份额（%）。"):
        services.claim_confirm(actor=w.office, claim=second)
    services.claim_confirm(actor=w.office, claim=second, share="40")
    assert services.confirmed_share(p) == Decimal(100)


def test_a_claim_is_filed_once_and_withdrawn_or_refused_with_a_reason(w):
    agency = register(w)
    p = project(w)
    claim = services.claim_file(actor=w.promoter, intermediary=agency, project=p, account="甲")
    with refused("该中介对本项目已有申报，不能重复申报。"):
        services.claim_file(actor=w.promoter, intermediary=agency, project=p, account="甲")
    with refused("请填写不予认定的理由。"):
        services.claim_refuse(actor=w.office, claim=claim, reason=" ")
    services.claim_withdraw(actor=w.promoter, claim=claim, reason="投资方另行委托")
    assert Claim.objects.get(pk=claim.pk).status == "withdrawn"
    with refused("该认定已撤回，不能再认定。"):
        services.claim_confirm(actor=w.office, claim=claim)


def test_a_revoked_intermediary_files_nothing(w):
    agency = register(w)
    services.intermediary_revoke(actor=w.office, intermediary=agency, reason="协议到期")
    p = project(w)
    with refused("该中介已注销，不能申报认定。"):
        services.claim_file(actor=w.office, intermediary=agency, project=p, account="x")


def test_bad_settings_are_refused(w):
    with refused(["请选择同一项目多个中介的处理方式。", "公示期须为 1 到 60 个工作日。"]):
        services.settings_update(
            actor=w.office, district=w.district, claim_rule="x", publicity_days="0"
        )
    assert AGENCY_USCC
