"""The signed-in user's to-do list over HTTP: ``GET /api/v1/todo``."""

import datetime as dt

from django.utils import timezone
from ninja import Router, Schema

from baton.core.api import Error

from .selectors import todo_items

router = Router(tags=["待办"])


class TodoItemOut(Schema):
    kind: str
    title: str
    project: str | None
    due: dt.date | None
    url: str
    overdue: bool


class TodoOut(Schema):
    count: int
    overdue: int
    items: list[TodoItemOut]


@router.get(
    "/todo",
    response={200: TodoOut, 401: Error, 403: Error},
    summary="我的待办事项",
)
def todo(request):
    """您的待办事项，逾期的在前，其余按到期日期排列（无到期日期的在最后）。

    `kind`：review 待您审核、returned 被退回待修改、draft 草稿待上报、handoff 待接收的交接、
    handoff_overdue 交接逾期未接收（区招商办）、supervision 督办事项、supervision_sign_off 督办待确认办结（发出督办的领导或其招商办）、
    problem 待解决的问题、milestone 计划开工/投产日期将到或已过、
    idle 超过 30 天无进展、lead_respond 投资信息待响应、lead_assess 投资信息待研判、
    lead_feedback 投资信息待反馈来源方、lead_conflict 撞车待裁决（区招商办）、
    lead_reassign 满 30 天无进展可改派（区招商办）、policy_deadline 政策兑现时限将到或已过（区招商办）、
    policy_payable 政策兑现应付未付（区招商办）、policy_materials 政策兑现待补正材料；`project` 为项目编号（投资信息为 null）；`due` 为到期日期（YYYY-MM-DD，无时限为
    null）；`overdue` 为是否已逾期；`url` 为网页上办理的地址。三类管理员：403。
    """
    items = todo_items(request.auth, timezone.localdate())
    return {
        "count": len(items),
        "overdue": sum(entry.overdue for entry in items),
        "items": [
            {
                "kind": entry.kind,
                "title": entry.title,
                "project": entry.project,
                "due": entry.due,
                "url": entry.url,
                "overdue": entry.overdue,
            }
            for entry in items
        ],
    }
