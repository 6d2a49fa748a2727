"""The API's answers to a pending handoff: the receiving unit accepts or declines it, the
giving unit (or the district office) withdraws it. Each answers with the project as the
actor sees it afterwards, like every action of ``api``."""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from ninja import Field, Router

from baton.accounts.models import User
from baton.core.api import In, IsoDate, Text, text_limited

from . import permissions, services
from .api import ACT_ERRORS, ProjectOut, acted, project_in_scope
from .models import Project

router = Router(tags=["项目"])


class HandoffAcceptIn(In):
    reason: Text = Field("", description="说明；on 早于今天 30 天以上时必填")
    on: IsoDate | None = Field(
        None, description="接收日期，规则同交接的 on；自该日起由接收单位负责"
    )


class HandoffDeclineIn(In):
    reason: text_limited(None, required=True) = Field(description="拒绝接收的原因")


class HandoffWithdrawIn(In):
    reason: Text = Field("", description="撤回说明")


def _answer(
    request,
    code: str,
    may: Callable[[User, Project], bool],
    refusal: str,
    step: Callable[[Project, User], object],
) -> dict:
    user = request.auth
    project = project_in_scope(user, code)
    if not may(user, project):
        raise PermissionDenied(refusal)
    step(project, user)
    return acted(project, user)


@router.post(
    "/projects/{code}/handoff/accept",
    response={200: ProjectOut, **ACT_ERRORS},
    summary="接收交接",
)
def project_handoff_accept(request, code: str, payload: HandoffAcceptIn):
    """接收单位的招商员接收待接收的交接；自接收日起由本单位负责。"""
    return _answer(
        request,
        code,
        permissions.can_answer_handoff,
        permissions.NOT_RECEIVER,
        lambda project, user: services.handoff_accept(
            project=project, actor=user, reason=payload.reason, on=payload.on
        ),
    )


@router.post(
    "/projects/{code}/handoff/decline",
    response={200: ProjectOut, **ACT_ERRORS},
    summary="拒绝接收交接",
)
def project_handoff_decline(request, code: str, payload: HandoffDeclineIn):
    """接收单位的招商员拒绝接收，须说明原因；项目仍由原单位负责。"""
    return _answer(
        request,
        code,
        permissions.can_answer_handoff,
        permissions.NOT_RECEIVER,
        lambda project, user: services.handoff_decline(
            project=project, actor=user, reason=payload.reason
        ),
    )


@router.post(
    "/projects/{code}/handoff/withdraw",
    response={200: ProjectOut, **ACT_ERRORS},
    summary="撤回交接",
)
def project_handoff_withdraw(request, code: str, payload: HandoffWithdrawIn):
    """交出单位或区招商办撤回尚未接收的交接。"""
    return _answer(
        request,
        code,
        permissions.can_withdraw_handoff,
        permissions.NOT_GIVER,
        lambda project, user: services.handoff_withdraw(
            project=project, actor=user, reason=payload.reason
        ),
    )
