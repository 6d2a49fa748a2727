"""The rules of a 督办's sign-off, each with its Chinese refusal, said once.

A 督办 is issued to a unit: the unit responsible for the problem it is about, else the
unit holding the project. That unit reports what it did (办理情况, with files); only the
leader who issued it, or that leader's office, closes it (办结) or sends it back (退回):
the district office of the leader's district, or the city's office (市招商办) for a
city leader. The services check these for every path that writes; the views and pages
ask the same functions whether to offer the action.
"""

from django.core.exceptions import ValidationError

from baton.accounts.models import User

from .models import Supervision

Role = User.Role

REPORT_REFUSED = "只有督办交办的单位可以报送办理情况。"
SIGN_OFF_REFUSED = "只有发出督办的领导或其所在的招商办可以办结或退回督办，交办单位不能自行办结。"
NOT_ACTIVE = "该督办事项已报送办理情况或已办结，不能再报送。"
NOT_REPORTED = "交办单位尚未报送办理情况，不能办结或退回。"


def unit_of(supervision: Supervision) -> int | None:
    """Return the id of the unit the 督办 is issued to."""
    problem = supervision.problem
    return problem.responsible_unit_id if problem is not None else supervision.project.unit_id


def is_reporter(user: User, supervision: Supervision) -> bool:
    return user.is_active and user.role == Role.UNIT_STAFF and user.unit_id == unit_of(supervision)


def is_signer(user: User, supervision: Supervision) -> bool:
    """The issuing leader in person, or that leader's office."""
    if not user.is_active:
        return False
    leader = supervision.leader
    if user.role == Role.LEADER:
        return user.person_id is not None and user.person_id == leader.pk
    if leader.district_id is not None:
        return user.role == Role.DISTRICT_OFFICE and user.district_id == leader.district_id
    return user.role == Role.CITY_REVIEWER and user.city_id == leader.city_id


def check_report(user: User, supervision: Supervision) -> None:
    if not is_reporter(user, supervision):
        raise ValidationError(REPORT_REFUSED)
    if supervision.status != Supervision.Status.ACTIVE:
        raise ValidationError(NOT_ACTIVE)


def check_sign_off(user: User, supervision: Supervision) -> None:
    if not is_signer(user, supervision):
        raise ValidationError(SIGN_OFF_REFUSED)
    if supervision.status != Supervision.Status.REPORTED:
        raise ValidationError(NOT_REPORTED)
