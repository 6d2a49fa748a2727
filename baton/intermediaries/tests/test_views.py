"""The pages: the register, an intermediary, filing a claim on a project, deciding it,
the reward's steps; wrong methods, other units and districts, hostile input."""

import pytest
from django.test import Client
from django.urls import reverse

from baton.intermediaries import rewards, rules, services
from baton.intermediaries.models import Claim, Intermediary
from baton.policies.models import Clause
from baton.projects.tests.helpers_views import login
from baton.testing import add_coordinating

from .helpers import load_reward_policy, moment, person, project, register, sign, state, values

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    login(client, user)
    return client


def _form(**over) -> dict:
    data = values(**over)
    data = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in data.items()}
    return {**data, "official": "no", "relative": "no", "state_owned": "no", **over}


def test_the_register_lists_the_districts_intermediaries_for_its_units_and_office(w):
    row = register(w)
    for user in (w.office, w.promoter, w.other_promoter, w.leader, w.reviewer):
        page = client_for(user).get(reverse("intermediaries:list"))
        assert page.status_code == 200
        assert row.name in page.content.decode()
    other = client_for(w.tongan_office).get(reverse("intermediaries:list"))
    assert row.name not in other.content.decode()
    assert "本区还没有备案的中介机构或引荐人" in other.content.decode()
    assert (
        client_for(w.tongan_office)
        .get(reverse("intermediaries:detail", args=[row.code]))
        .status_code
        == 404
    )


def test_it_denies_the_administrators_and_a_coordinating_unit(w):
    add_coordinating(w)
    for user in (w.sys_admin, w.coordinator):
        assert client_for(user).get(reverse("intermediaries:list")).status_code == 403


def test_it_rejects_the_wrong_method(w):
    row = register(w)
    office = client_for(w.office)
    assert office.post(reverse("intermediaries:list")).status_code == 405
    assert office.post(reverse("intermediaries:detail", args=[row.code])).status_code == 405
    assert office.delete(reverse("intermediaries:new")).status_code == 405


def test_the_office_registers_on_the_page_and_a_promoter_may_not(w):
    office = client_for(w.office)
    response = office.post(reverse("intermediaries:new"), _form())
    row = Intermediary.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "intermediaries:detail", args=[row.code]
    )
    before = state()
    refused = office.post(
        reverse("intermediaries:new"), _form(name="林某", kind="person", uscc="", official="yes")
    )
    assert refused.status_code == 422
    assert f"不符合规定（{rules.RULE_OFFICIAL}）。" in refused.content.decode()
    assert state() == before
    assert client_for(w.promoter).get(reverse("intermediaries:new")).status_code == 403


def test_the_office_edits_and_a_stale_form_is_a_conflict(w):
    row = register(w)
    office = client_for(w.office)
    url = reverse("intermediaries:edit", args=[row.code])
    assert office.get(url).status_code == 200
    ok = office.post(url, {**_form(address="湖里区"), "version": "1"})
    assert ok.status_code == 302
    stale = office.post(url, {**_form(address="思明区"), "version": "1"})
    assert stale.status_code == 409 and rules.STALE in stale.content.decode()
    assert client_for(w.promoter).get(url).status_code == 403


def test_a_claim_is_filed_before_signing_and_refused_after_with_the_reason(w):
    agency, late = register(w), person(w)
    p = project(w)
    promoter = client_for(w.promoter)
    url = reverse("intermediaries:claim_new", args=[p.code])
    response = promoter.post(url, {"intermediary": agency.pk, "account": "组织投资方来翔安考察"})
    claim = Claim.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "intermediaries:claim", args=[claim.code]
    )
    sign(p, days_ago=0)
    before = state()
    refused = promoter.post(url, {"intermediary": late.pk, "account": "签约后申报"})
    assert refused.status_code == 422
    assert rules.RULE_BEFORE_SIGNING in refused.content.decode()
    assert state() == before


def test_another_unit_may_not_file_and_another_district_does_not_see_the_project(w):
    p = project(w)
    url = reverse("intermediaries:claim_new", args=[p.code])
    assert client_for(w.other_promoter).get(url).status_code == 404  # not its project
    assert client_for(w.tongan_office).get(url).status_code == 404
    assert client_for(w.leader).get(url).status_code == 403


def test_the_claim_page_and_its_decisions(w):
    agency = register(w)
    p = project(w)
    claim = services.claim_file(actor=w.promoter, intermediary=agency, project=p, account="甲")
    page = client_for(w.promoter).get(reverse("intermediaries:claim", args=[claim.code]))
    assert page.status_code == 200 and "撤回" in page.content.decode()
    assert (
        client_for(w.other_promoter)
        .get(reverse("intermediaries:claim", args=[claim.code]))
        .status_code
        == 404
    )
    assert (
        client_for(w.promoter)
        .get(reverse("intermediaries:claim_confirm", args=[claim.code]))
        .status_code
        == 403
    )
    office = client_for(w.office)
    done = office.post(
        reverse("intermediaries:claim_confirm", args=[claim.code]),
        {"reason": "材料齐全", "version": "1"},
    )
    assert done.status_code == 302
    assert Claim.objects.get(pk=claim.pk).status == "confirmed"
    assert office.get(reverse("intermediaries:claim_refuse", args=[claim.code])).status_code == 403


def test_the_reward_shows_its_formula_and_goes_through_approve_publicize_pay(w):
    load_reward_policy(w)
    agency = register(w)
    p = project(w)
    claim = services.claim_file(
        actor=w.promoter, intermediary=agency, project=p, account="甲", at=moment(40)
    )
    services.claim_confirm(actor=w.office, claim=claim, at=moment(39))
    office = client_for(w.office)
    page = office.get(reverse("intermediaries:claim", args=[claim.code])).content.decode()
    assert "40,000 × 2‰" in page or "2‰" in page
    clause = Clause.objects.get(policy__region=w.district.code, number="第一条")
    response = office.post(
        reverse("intermediaries:reward_new", args=[claim.code]),
        {"clause": clause.pk, "facts": "实际到位资金=30000"},
    )
    assert response.status_code == 302
    reward = claim.project.intermediary_rewards.get()
    code = reward.application.code
    detail = office.get(reverse("intermediaries:reward", args=[code])).content.decode()
    assert "0.5‰" in detail and "15" in detail
    assert (
        office.post(
            reverse("intermediaries:reward_approve", args=[code]), {"amount": "15"}
        ).status_code
        == 302
    )
    assert (
        office.get(reverse("intermediaries:reward_pay", args=[code])).status_code == 403
    )  # not publicized
    assert (
        office.post(
            reverse("intermediaries:reward_publicize", args=[code]), {"confirm": "on"}
        ).status_code
        == 302
    )
    reward.refresh_from_db()
    assert reward.publicity_from is not None
    assert (
        client_for(w.tongan_office).get(reverse("intermediaries:reward", args=[code])).status_code
        == 404
    )
    rewards.options(p, moment(0).date())


def test_the_settings_are_the_offices(w):
    office = client_for(w.office)
    url = reverse("intermediaries:settings")
    assert office.post(url, {"claim_rule": "shared", "publicity_days": "7"}).status_code == 302
    assert services.settings_for(w.district).publicity_days == 7
    assert office.post(url, {"claim_rule": "x", "publicity_days": "0"}).status_code == 422
    assert client_for(w.promoter).get(url).status_code == 403


def test_the_claims_list_holds_the_units_own_projects(w):
    agency = register(w)
    mine = services.claim_file(
        actor=w.promoter, intermediary=agency, project=project(w), account="甲"
    )
    theirs = services.claim_file(
        actor=w.office,
        intermediary=agency,
        project=project(w, unit=w.other_town, actor=w.other_promoter),
        account="乙",
    )
    page = client_for(w.promoter).get(reverse("intermediaries:claims")).content.decode()
    assert mine.code in page and theirs.code not in page
    office = client_for(w.office).get(reverse("intermediaries:claims")).content.decode()
    assert mine.code in office and theirs.code in office


def test_the_project_page_shows_the_claims_and_the_office_its_to_do(w):
    agency = register(w)
    p = project(w)
    claim = services.claim_file(actor=w.promoter, intermediary=agency, project=p, account="甲")
    page = client_for(w.promoter).get(reverse("projects:detail", args=[p.code])).content.decode()
    assert "申报中介认定" in page and agency.name in page
    todo = client_for(w.office).get(reverse("todo:list")).content.decode()
    assert f"中介认定：{agency.name}" in todo and claim.code in todo
    leader = client_for(w.leader).get(reverse("projects:detail", args=[p.code])).content.decode()
    assert agency.name in leader and "申报中介认定" not in leader
