"""Who may do what to a project they can see: the write rules, in one place.

Seeing is decided by ``selectors.project_scope`` (outside it: 404). These rules decide
the actions on a visible project (refused: 403 with a Chinese message).
"""

from baton.accounts.models import User
from baton.org.models import Unit

from .models import Project, ReviewState

Role = User.Role


def holds(user: User, project: Project) -> bool:
    """The unit holding the baton (the project's responsible unit): its own staff."""
    return user.role == Role.UNIT_STAFF and user.unit_id == project.unit_id


def office_of(user: User, project: Project) -> bool:
    """The district office of the project's district."""
    return user.role == Role.DISTRICT_OFFICE and user.district_id == project.district_id


def district_office(user: User | None, district_id: int) -> bool:
    """A signed-in, active district office of the district (``user`` None: the server's own
    work — the demo, a command, a job); the rule of the records on a district's projects."""
    if user is None:
        return True
    return (
        user.is_authenticated
        and user.is_active
        and user.role == Role.DISTRICT_OFFICE
        and user.district_id == district_id
    )


def holding_promoter(user: User | None, project: Project) -> bool:
    """A signed-in, active promoter of the unit holding the project (not a 协调部门's staff)."""
    return (
        user is not None
        and user.is_authenticated
        and user.is_active
        and not getattr(user, "is_coordinating", False)
        and user.role == Role.UNIT_STAFF
        and user.unit_id is not None
        and user.unit_id == project.unit_id
    )


def can_create(user: User) -> bool:
    """A promotion unit's staff (a 协调部门 holds no project)."""
    return user.role == Role.UNIT_STAFF and user.unit_id is not None and not user.is_coordinating


def can_import(user: User) -> bool:
    """The ledger import (the page, ``baton import-ledger --user``, the importer called
    with a user): a unit's staff and the district office; each row's steps as below."""
    if user.role == Role.UNIT_STAFF:
        return can_create(user)
    return user.role == Role.DISTRICT_OFFICE and user.district_id is not None


def can_add_catalogue(user: User) -> bool:
    """Adding a value to a catalogue (a 行业): the system administrator in the
    configuration site, and the district office while it imports its ledger. Values are
    shared by the city, so a unit's promoter maps to an existing one instead."""
    if user.role == Role.SYS_ADMIN:
        return True
    return user.role == Role.DISTRICT_OFFICE and user.district_id is not None


def can_remember_alias(user: User | None, district_id: int) -> bool:
    """Remembering a ledger word for a district (``LedgerAlias``: every later import of
    the district reads it so, without asking): the district's own office, the system
    administrator, and the system on the command line (no user). A unit's staff maps
    values for its own import only: its choice is not the district's."""
    if user is None or user.role == Role.SYS_ADMIN:
        return True
    return user.role == Role.DISTRICT_OFFICE and user.district_id == district_id


def can_import_create(user: User, unit: Unit) -> bool:
    """A new row of a ledger import: a unit's staff creates for its own unit (as on the
    web); the district office keeps its district's ledger and records a project for any
    of its units. Every later step of the row (上报, 审核, …) is checked as on the web."""
    if user.role == Role.UNIT_STAFF:
        return can_create(user) and user.unit_id == unit.pk
    return user.role == Role.DISTRICT_OFFICE and user.district_id == unit.district_id


def can_edit(user: User, project: Project) -> bool:
    """The baton holder edits its project; the district office may correct it."""
    return project.is_editable and (holds(user, project) or office_of(user, project))


def can_submit(user: User, project: Project) -> bool:
    return holds(user, project) and project.review_state in (
        ReviewState.DRAFT,
        ReviewState.RETURNED,
    )


def can_review(user: User, project: Project) -> bool:
    """The district office reviews first; the city reviewer admits (two-level review)."""
    if project.review_state == ReviewState.SUBMITTED:
        return office_of(user, project)
    if project.review_state == ReviewState.DISTRICT_APPROVED:
        return user.role == Role.CITY_REVIEWER and user.city_id == project.district.city_id
    return False


def can_move(user: User, project: Project) -> bool:
    return holds(user, project) or office_of(user, project)


def can_hand_off(user: User, project: Project) -> bool:
    return holds(user, project) or office_of(user, project)


#: The refusals of answering or withdrawing a pending handoff, on the web and the API.
NOT_RECEIVER = "只有接收单位的招商员可以接收或拒绝交接；该项目没有交给您单位的待接收交接。"
NOT_GIVER = "只有交出单位或区招商办可以撤回待接收的交接；该项目没有待接收的交接。"


#: ``handoff`` not given: read the project's pending handoff.
_READ = object()


def _pending(project: Project, handoff):
    from .selectors import pending_handoff

    return pending_handoff(project) if handoff is _READ else handoff


def can_answer_handoff(user: User, project: Project, handoff=_READ) -> bool:
    """Accept or decline the project's pending handoff: the receiving unit's staff only.
    ``handoff``: the pending one (or None), when the caller has just read it."""
    handoff = _pending(project, handoff)
    return (
        handoff is not None and user.role == Role.UNIT_STAFF and user.unit_id == handoff.to_unit_id
    )


def can_withdraw_handoff(user: User, project: Project, handoff=_READ) -> bool:
    """Take back the pending handoff: the giving unit's staff or the district office."""
    if _pending(project, handoff) is None:
        return False
    return holds(user, project) or office_of(user, project)


def can_record_milestone(user: User, project: Project) -> bool:
    return holds(user, project) or office_of(user, project)


def can_add_note(user: User, project: Project) -> bool:
    """Anyone on the relay may write a follow-up note; the admins never see projects."""
    return user.role in (Role.UNIT_STAFF, Role.DISTRICT_OFFICE, Role.CITY_REVIEWER, Role.LEADER)
