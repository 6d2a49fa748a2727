"""Obstacles, 督办 and leaders' own acts on 翔安区's big projects, late in 2019."""

import datetime as dt

from baton.org.models import Unit
from baton.projects.models import Project
from baton.supervision import services as supervision_services
from baton.supervision.models import LeaderAct, Problem

from .builder import Builder, moment

PROBLEMS = [
    # category, description, responsible unit, days to the deadline, outcome
    (
        Problem.Category.LAND,
        "二期用地指标尚未落实，需区自然资源部门协调调剂。",
        "自然资源和规划局翔安分局",
        20,
        None,
    ),
    (
        Problem.Category.APPROVAL,
        "环评批复迟迟未出，影响开工节点。",
        "生态环境局翔安分局",
        15,
        "in_progress",
    ),
    (
        Problem.Category.INFRASTRUCTURE,
        "厂区外配套道路未贯通，供电线路需迁改。",
        "国网翔安供电公司",
        30,
        None,
    ),
    (
        Problem.Category.TALENT,
        "投资方提出人才公寓需求约 200 套。",
        "区工业和信息化局",
        25,
        "resolved",
    ),
    (Problem.Category.POLICY, "设备补助资金兑现进度慢。", "区财政局", 10, "resolved"),
]
LEADER_ACTS = [
    (LeaderAct.Kind.PROMOTE, "在深圳招商推介会上重点推介该项目。"),
    (LeaderAct.Kind.NEGOTIATE, "与投资方董事长面谈，敲定投资规模和建设周期。"),
    (LeaderAct.Kind.INSPECT, "带队赴投资方总部考察生产线。"),
    (LeaderAct.Kind.EVALUATE, "主持召开项目评估会，研究用地和配套方案。"),
    (LeaderAct.Kind.COORDINATE, "召集发改、资源规划、住建部门现场协调推进。"),
]


def load_supervision(b: Builder, org: dict) -> None:
    """Obstacles, 督办 and leaders' own acts on 翔安's big projects, late in 2019."""
    rng = b.rng
    units = {u.name: u for u in Unit.objects.filter(district=org["xa"])}
    big = list(
        Project.objects.filter(
            district=org["xa"], review_state="admitted", stage__code__in=["negotiating", "landed"]
        ).order_by("-investment", "code")[:12]
    )
    office = b.offices[org["xa"].pk]
    day = dt.date(2019, 12, 21)
    for index, project in enumerate(big):
        at = moment(day, 9 + index % 8, index)
        leader = project.leader or org["leaders"][index % len(org["leaders"])]
        for kind, note in rng.sample(LEADER_ACTS, 2):
            supervision_services.leader_act_record(
                project=project,
                actor=office,
                leader=leader,
                kind=kind,
                note=note,
                at=at,
                date=dt.date(2019, rng.randint(3, 11), rng.randint(1, 28)),
            )
        if index >= len(PROBLEMS):
            continue
        category, text, unit_name, days, outcome = PROBLEMS[index]
        problem = supervision_services.problem_open(
            project=project,
            actor=b.actor(project),
            category=category,
            description=text,
            responsible_unit=units[unit_name],
            deadline=day + dt.timedelta(days=days),
            at=at,
        )
        if outcome == "in_progress":
            supervision_services.problem_update(
                problem=problem, actor=office, status=outcome, at=at
            )
        elif outcome == "resolved":
            supervision_services.problem_update(
                problem=problem,
                actor=office,
                status=outcome,
                note="已协调解决，投资方确认。",
                at=at,
            )
        else:
            supervision_services.supervision_issue(
                project=project,
                actor=office,
                leader=leader,
                problem=problem,
                at=at,
                instruction="请责任单位两周内拿出解决方案，报区招商办。",
                deadline=day + dt.timedelta(days=14),
            )
