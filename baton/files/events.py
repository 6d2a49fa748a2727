"""The project event of an attachment, once: what an upload and a removal store, and
how the timeline words them (registered in ``baton.projects.hooks``).

The kind is ``attachment``; ``new`` holds the file added (``old`` empty), ``old`` the
file removed (``new`` empty): its id, shown name, category, size and milestone.
"""

from baton.projects.events import Entry, Names
from baton.projects.models import Milestone, ProjectEvent

from .models import Attachment

KIND = ProjectEvent.Kind.ATTACHMENT.value
REFERENCES: dict = {}
_KIND_LABEL: dict = dict(Attachment.Kind.choices)
_MILESTONE: dict = dict(Milestone.Kind.choices)


def _facts(attachment: Attachment) -> dict:
    return {
        "attachment": attachment.pk,
        "name": attachment.name,
        "kind": attachment.kind,
        "label": attachment.label,
        "size": attachment.size,
        "milestone": attachment.milestone.kind if attachment.milestone_id else None,
    }


def added(attachment: Attachment) -> Entry:
    return Entry(KIND, {}, _facts(attachment))


def removed(attachment: Attachment, reason: str = "") -> Entry:
    return Entry(KIND, _facts(attachment), {}, reason)


def word(entry: dict, old: dict, new: dict, names: Names) -> None:
    facts = new or old
    entry["title"] = "上传附件" if new else "删除附件"
    kind = _KIND_LABEL.get(facts.get("kind"), "")
    line = f"{kind}：{facts.get('name', '')}"
    if facts.get("label"):
        line += f"（{facts['label']}）"
    if facts.get("milestone"):
        line += f"；里程碑：{_MILESTONE.get(facts['milestone'], facts['milestone'])}"
    entry["lines"].append(line)
