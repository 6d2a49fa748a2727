"""Who may do what about a project's problems, 督办 and leaders' acts, in one place.

Seeing is decided by the selectors (outside a user's scope: 404); these rules decide the
actions (refused: 403 with a Chinese message). They build on the project's own:
``baton.projects.permissions.holds`` and ``office_of``.
"""

from baton.accounts.models import User
from baton.projects.models import Project
from baton.projects.permissions import office_of

from . import rules
from .models import Problem, Supervision

Role = User.Role


def can_open_problem(user: User, project: Project) -> bool:
    return user.role in (Role.UNIT_STAFF, Role.DISTRICT_OFFICE, Role.LEADER)


def can_update_problem(user: User, problem: Problem) -> bool:
    """The unit responsible for the problem, or the district office, moves it on."""
    if user.role == Role.DISTRICT_OFFICE:
        return user.district_id == problem.district_id
    return user.role == Role.UNIT_STAFF and user.unit_id == problem.responsible_unit_id


def can_supervise(user: User, project: Project) -> bool:
    """A leader issues 督办 in person; the district office records one for a leader."""
    return (user.role == Role.LEADER and user.person_id is not None) or office_of(user, project)


def can_report_supervision(user: User, supervision: Supervision) -> bool:
    """The unit the 督办 is issued to reports its 办理情况 (``rules.is_reporter``)."""
    return rules.is_reporter(user, supervision)


def can_sign_off(user: User, supervision: Supervision) -> bool:
    """The issuing leader or that leader's office closes or sends back (``rules.is_signer``)."""
    return rules.is_signer(user, supervision)


def can_log_leader_act(user: User, project: Project) -> bool:
    return (user.role == Role.LEADER and user.person_id is not None) or office_of(user, project)
