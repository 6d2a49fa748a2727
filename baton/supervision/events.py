"""The project events this app writes, once: what each kind stores, and its wording.

One builder per change returns the payload (``baton.projects.events.Entry``) the services
write as the project's ``ProjectEvent`` (kinds ``PROBLEM``, ``SUPERVISED``,
``SUPERVISION_REPORTED``/``_CLOSED``/``_RETURNED``, ``LEADER_ACT``); the ``word_*`` functions word them for the project's timeline, reading
back what the builders stored (registered in ``baton.projects.hooks``).
"""

from baton.projects.events import Entry, Names
from baton.projects.models import ProjectEvent

from .models import LeaderAct, Problem, Supervision

Kind = ProjectEvent.Kind


def problem_opened(problem: Problem) -> Entry:
    """提出问题: its category, status, responsible unit and deadline."""
    new = {
        "problem": problem.pk,
        "category": problem.category,
        "status": problem.status,
        "responsible_unit": problem.responsible_unit_id,
        "deadline": problem.deadline.isoformat(),
    }
    return Entry(Kind.PROBLEM, {}, new, problem.description)


def problem_moved(problem: Problem, old_status: str, note: str) -> Entry:
    """A problem's status changed (协调中, 已解决, 已关闭, reopened), with the note."""
    old = {"problem": problem.pk, "status": old_status}
    return Entry(Kind.PROBLEM, old, {"problem": problem.pk, "status": problem.status}, note)


def supervised(supervision: Supervision) -> Entry:
    """督办 issued: the leader, the deadline and the problem it is about, if one."""
    new = {
        "supervision": supervision.pk,
        "leader": supervision.leader_id,
        "status": supervision.status,
        "deadline": supervision.deadline.isoformat(),
        "problem": supervision.problem_id,
    }
    return Entry(Kind.SUPERVISED, {}, new, supervision.instruction)


def supervision_reported(supervision: Supervision, files: list[str]) -> Entry:
    """The unit reported what it did (办理情况), with the names of its files."""
    old = {"supervision": supervision.pk, "status": Supervision.Status.ACTIVE}
    new = {"supervision": supervision.pk, "status": supervision.status, "files": files}
    return Entry(Kind.SUPERVISION_REPORTED, old, new, supervision.response)


def supervision_closed(supervision: Supervision, note: str = "") -> Entry:
    """The issuing leader or their office accepted the report: 办结."""
    old = {"supervision": supervision.pk, "status": Supervision.Status.REPORTED}
    new = {"supervision": supervision.pk, "status": supervision.status}
    return Entry(Kind.SUPERVISION_CLOSED, old, new, note)


def supervision_returned(supervision: Supervision) -> Entry:
    """The issuing leader or their office sent the report back (退回), with the reason."""
    old = {"supervision": supervision.pk, "status": Supervision.Status.REPORTED}
    new = {"supervision": supervision.pk, "status": supervision.status}
    return Entry(Kind.SUPERVISION_RETURNED, old, new, supervision.returned_reason)


def _act(act: LeaderAct) -> dict:
    values = {
        "act": act.pk,
        "leader": act.leader_id,
        "kind": act.kind,
        "date": act.date.isoformat(),
    }
    if act.origin:
        values |= {"origin": act.origin, "origin_id": act.origin_id}
    return values


def leader_acted(act: LeaderAct) -> Entry:
    """A leader's own act: who, which kind, on which date (and the record it is part of)."""
    return Entry(Kind.LEADER_ACT, {}, _act(act), act.note)


def leader_act_withdrawn(act: LeaderAct) -> Entry:
    """An act of a record that the record no longer names (the leader did not take part)."""
    return Entry(Kind.LEADER_ACT, _act(act), {}, "")


# --- the timeline's wording ------------------------------------------------------------

#: Event values that are ids of this app's rows.
REFERENCES = {"problem": Problem}
_PROBLEM_STATUS: dict = dict(Problem.Status.choices)
_CATEGORY: dict = dict(Problem.Category.choices)
_ACT: dict = dict(LeaderAct.Kind.choices)
_ORIGIN: dict = dict(LeaderAct.Origin.choices)


def word_problem(entry: dict, old: dict, new: dict, names: Names) -> None:
    if old.get("status"):
        before = _PROBLEM_STATUS.get(old["status"], old["status"])
        after = _PROBLEM_STATUS.get(new.get("status"), new.get("status"))
        entry["title"] = f"问题状态：{before} → {after}"
        entry["lines"].append(names.show("problem", new.get("problem")))
    else:
        entry["title"] = f"提出问题：{_CATEGORY.get(new.get('category'), '')}"
        entry["lines"].append(
            f"责任单位：{names.show('responsible_unit', new.get('responsible_unit'))}；"
            f"办结时限：{new.get('deadline')}"
        )


def word_supervision(entry: dict, old: dict, new: dict, names: Names) -> None:
    if old.get("status"):
        entry["title"] = "督办事项办结"
    else:
        entry["title"] = f"{names.show('leader', new.get('leader'))}督办"
        entry["lines"].append(f"办结时限：{new.get('deadline')}")


def word_reported(entry: dict, old: dict, new: dict, names: Names) -> None:
    entry["title"] = "督办报送办理情况"
    if new.get("files"):
        entry["lines"].append(f"附件：{'、'.join(new['files'])}")


def word_closed(entry: dict, old: dict, new: dict, names: Names) -> None:
    entry["title"] = "督办办结（领导确认）"


def word_returned(entry: dict, old: dict, new: dict, names: Names) -> None:
    entry["title"] = "督办退回，请交办单位继续办理"


def word_leader_act(entry: dict, old: dict, new: dict, names: Names) -> None:
    values = new or old
    act = _ACT.get(values.get("kind"), values.get("kind"))
    heading = "领导活动" if new else "撤销领导活动"
    entry["title"] = f"{heading}：{names.show('leader', values.get('leader'))}{act}"
    entry["lines"].append(f"日期：{values.get('date')}")
    if values.get("origin"):
        entry["lines"].append(f"来源：{_ORIGIN.get(values['origin'], values['origin'])}")


#: Event kind → its wording.
WORDING = {
    Kind.PROBLEM: word_problem,
    Kind.SUPERVISED: word_supervision,
    Kind.SUPERVISION_REPORTED: word_reported,
    Kind.SUPERVISION_CLOSED: word_closed,
    Kind.SUPERVISION_RETURNED: word_returned,
    Kind.LEADER_ACT: word_leader_act,
}
