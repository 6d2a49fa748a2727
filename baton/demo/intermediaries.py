"""The demo's intermediaries (中介机构与引荐人) of 翔安: two agencies and two introducers
on the register, an agency's 定向招商协议, a claim filed before a project's signing and
waiting for the office, and one confirmed and rewarded — 测算 by the district's reward
policy (``intermediaries.fixtures``), 核定, 公示 and paid — all through the services,
dated before the demo's today. Run once: a district that has a register is left as it is.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError

from baton.accounts.models import User
from baton.intermediaries import rewards, services
from baton.intermediaries.fixtures import reward_policy
from baton.intermediaries.models import Intermediary
from baton.org.models import District
from baton.policies.models import Policy
from baton.policies.services import policy_load
from baton.projects.models import Milestone, Project

from .builder import moment

AGENCIES = (
    ("厦门鹭招企业管理咨询有限公司", "91350200MA2XN0QK3G", "林志强", "13950001234"),
    ("福建海峡招商服务有限公司", "91350213MA31X8AD1D", "黄丽华", "13860005678"),
)
PEOPLE = (("陈建国", "13705921234"), ("林晓梅", "13606035678"))


def _register(office: User, district: District, today: dt.date) -> list[Intermediary]:
    filed = today - dt.timedelta(days=420)
    rows = []
    for name, code, contact, phone in AGENCIES:
        values = {
            "kind": "agency", "name": name, "uscc": code, "contact_name": contact,
            "contact_phone": phone, "address": "厦门市翔安区", "filed_on": filed,
            "declared_on": filed, "documents": "营业执照复印件\n法定代表人身份证明\n利益冲突声明书\n廉洁承诺书",
            "declaration": "本机构及其负责人不属于公职人员及其直系亲属，非国有企业。",
        }  # fmt: skip
        at = moment(filed, 10)
        rows.append(
            services.intermediary_register(actor=office, district=district, values=values, at=at)
        )
    for name, phone in PEOPLE:
        values = {
            "kind": "person", "name": name, "contact_name": name, "contact_phone": phone,
            "filed_on": filed, "declared_on": filed, "documents": "身份证复印件\n利益冲突声明书",
            "declaration": "本人不属于公职人员及其直系亲属。",
        }  # fmt: skip
        rows.append(
            services.intermediary_register(
                actor=office, district=district, values=values, at=moment(filed, 11)
            )
        )
    services.agreement_sign(
        actor=office, intermediary=rows[0], number="XA-DX-001", start_on=filed,
        end_on=filed + dt.timedelta(days=729), target_leads=12, target_fixed_wan="40000",
        scope="新能源、新材料", at=moment(filed, 15),
    )  # fmt: skip
    return rows


def _signed_projects(district: District, today: dt.date):
    """Projects of the district signed in the last year, latest first."""
    since = today - dt.timedelta(days=300)
    signed = Milestone.objects.filter(
        project__district=district, kind=Milestone.Kind.SIGNED, date__gte=since, date__lt=today
    )
    return [m.project for m in signed.select_related("project").order_by("-date")]


def load_intermediaries(district: District, today: dt.date) -> int:
    """The register, its claims and a paid reward; returns how many intermediaries."""
    if Intermediary.objects.filter(district=district).exists():
        return 0
    office = User.objects.filter(role=User.Role.DISTRICT_OFFICE, district=district).first()
    if office is None:
        return 0
    data = reward_policy(district.code)
    if not Policy.objects.filter(number=data["number"]).exists():
        policy_load(items=[data])
    rows = _register(office, district, today)
    projects = _signed_projects(district, today)
    rewarded = False
    for project in projects:
        signed = services.signed_on(project)
        if signed is None or signed - dt.timedelta(days=25) < today - dt.timedelta(days=400):
            continue
        try:
            rewarded = _rewarded(office, rows[0], project, signed, today) or rewarded
        except (ValidationError, PermissionDenied):
            continue
        if rewarded:
            break
    unsigned = Project.objects.filter(district=district, stage__code="negotiating").exclude(
        milestones__kind=Milestone.Kind.SIGNED
    )
    for project in unsigned.order_by("-pk")[:1]:
        services.claim_file(
            actor=office, intermediary=rows[2], project=project,
            account="引荐人与投资方董事长系同学，已陪同投资方两次到翔安考察。",
            at=moment(today - dt.timedelta(days=6), 9),
        )  # fmt: skip
    return len(rows)


def _rewarded(office, agency, project: Project, signed: dt.date, today: dt.date) -> bool:
    """Claim ``project`` for ``agency`` before its signing, confirm it and reward it."""
    filed = signed - dt.timedelta(days=25)
    claim = services.claim_file(
        actor=office, intermediary=agency, project=project,
        account="受托联系投资方，组织考察和三轮洽谈，促成签约。", at=moment(filed, 9),
    )  # fmt: skip
    services.claim_confirm(
        actor=office, claim=claim, reason="委托协议、考察记录齐全。", at=moment(signed, 16)
    )
    facts = {"实际到位资金": "30000"}
    options = [o for o in rewards.options(project, today, facts) if o.item is not None]
    if not options:
        return False
    start = max(signed, today - dt.timedelta(days=40))
    reward = rewards.reward_apply(
        actor=office, project=project, clause=options[0].clause, facts=facts,
        note="中介提交奖励申请及到位资金证明。", at=moment(start, 10),
    )  # fmt: skip
    amount = reward.application.estimate_amount
    rewards.reward_approve(
        actor=office, reward=reward, amount=amount, at=moment(start + dt.timedelta(days=3), 10)
    )
    rewards.reward_publicize(
        actor=office, reward=reward, at=moment(start + dt.timedelta(days=4), 10)
    )
    reward.refresh_from_db()
    pay_day = max(reward.publicity_to or today, start + dt.timedelta(days=20))
    if pay_day >= today:
        return True
    for index, instalment in enumerate(reward.application.instalments.filter(due_on__isnull=False)):
        rewards.reward_pay(
            actor=office, reward=reward, instalment=instalment, amount=instalment.amount,
            voucher=f"XA-ZJ-{pay_day:%Y%m%d}-{index + 1:02d}", at=moment(pay_day, 15),
        )  # fmt: skip
    return True
