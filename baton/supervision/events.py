"""The project events this app writes, once: what each kind stores, and its wording.

One builder per change returns the payload (``baton.projects.events.Entry``) the services
write as the project's ``ProjectEvent`` (kinds ``PROBLEM``, ``SUPERVISED``,
``LEADER_ACT``); the ``word_*`` functions word them for the project's timeline, reading
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


def supervision_closed(supervision: Supervision) -> Entry:
    """督办 reported done (办结), with what was done."""
    old = {"supervision": supervision.pk, "status": Supervision.Status.ACTIVE}
    new = {"supervision": supervision.pk, "status": supervision.status}
    return Entry(Kind.SUPERVISED, old, new, supervision.response)


def leader_acted(act: LeaderAct) -> Entry:
    """A leader's own act: who, which kind, on which date."""
    new = {"act": act.pk, "leader": act.leader_id, "kind": act.kind, "date": act.date.isoformat()}
    return Entry(Kind.LEADER_ACT, {}, new, act.note)


# --- the timeline's wording ------------------------------------------------------------

#: Event values that are ids of this app's rows.
REFERENCES = {"problem": Problem}
_PROBLEM_STATUS: dict = dict(Problem.Status.choices)
_CATEGORY: dict = dict(Problem.Category.choices)
_ACT: dict = dict(LeaderAct.Kind.choices)


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


def word_leader_act(entry: dict, old: dict, new: dict, names: Names) -> None:
    act = _ACT.get(new.get("kind"), new.get("kind"))
    entry["title"] = f"领导活动：{names.show('leader', new.get('leader'))}{act}"
    entry["lines"].append(f"日期：{new.get('date')}")


#: Event kind → its wording.
WORDING = {
    Kind.PROBLEM: word_problem,
    Kind.SUPERVISED: word_supervision,
    Kind.LEADER_ACT: word_leader_act,
}
