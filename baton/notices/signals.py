"""The receivers that turn the product apps' events into notices (connected in
``NoticesConfig.ready``), in the transaction that writes the event.

A project event gives the notices of ``rules.drafts_for``. Inside a ledger import
(``audit_batch``) events are not told one by one — the bulk writer sends no signal at
all — and the import's own audit record gives one summary notice per unit instead.
"""

from collections import defaultdict

from django.db.models.signals import post_save
from django.dispatch import receiver
from django.urls import reverse

from baton.accounts.models import User
from baton.audit.models import AuditRecord
from baton.audit.services import current_context
from baton.projects.models import Project, ProjectEvent

from .models import Notice
from .rules import Draft, drafts_for, unit_users
from .services import notify

#: Codes a summary lists before "等".
_CODES_SHOWN = 10


@receiver(post_save, sender=ProjectEvent, dispatch_uid="notices_project_event")
def _project_event(sender, instance: ProjectEvent, created: bool, raw=False, **kwargs):
    if not created or raw:
        return
    context = current_context()
    if context is not None and context.batch:
        return  # an import: summarised per unit when it is recorded
    drafts = drafts_for(instance)
    if drafts:
        notify(drafts, district_id=instance.district_id)


@receiver(post_save, sender=AuditRecord, dispatch_uid="notices_ledger_import")
def _ledger_import(sender, instance: AuditRecord, created: bool, raw=False, **kwargs):
    if not created or raw:
        return
    if instance.event != AuditRecord.Event.IMPORT or instance.object_type != "ledger":
        return
    if instance.outcome != AuditRecord.Outcome.SUCCESS:
        return
    import_summary(instance)


def import_summary(record: AuditRecord) -> None:
    """One notice per unit whose projects a ledger import created or changed, or handed
    to it to accept.

    The import's events are the last ``events`` its importer wrote (the import holds the
    write lock while it writes them, in one transaction).
    """
    count = int((record.after or {}).get("events") or 0)
    if not count or record.user_id is None:
        return
    events = list(
        ProjectEvent.objects.filter(actor_id=record.user_id)
        .order_by("-id")
        .values_list("project_id", "kind", "new")[:count]
    )
    held: dict[tuple[int, int], list[str]] = defaultdict(list)
    offered: dict[tuple[int, int], list[str]] = defaultdict(list)
    projects = Project.objects.in_bulk({project_id for project_id, _kind, _new in events})
    for project in sorted(projects.values(), key=lambda p: p.code):
        held[(project.unit_id, project.district_id)].append(project.code)
    for project_id, kind, new in events:
        project = projects[project_id]
        if kind == "handoff_requested" and new.get("to_unit"):
            offered[(new["to_unit"], project.district_id)].append(project.code)
    file_name = ((record.after or {}).get("file") or record.object_label).rsplit("/", 1)[-1]
    importer = User.objects.filter(pk=record.user_id).first()
    who = importer.display_name if importer else record.username
    for unit_id, district_id in {**held, **offered}:
        to = list(unit_users(unit_id).exclude(pk=record.user_id))
        if not to:
            continue
        codes, waiting = (
            held.get((unit_id, district_id), []),
            offered.get((unit_id, district_id), []),
        )
        lines = [f"{who}导入台账《{file_name}》。"]
        if codes:
            lines.append(f"新建或更新了您单位负责的 {len(codes)} 个项目：{_listed(codes)}。")
            title = f"台账导入更新了您单位的 {len(codes)} 个项目"
        if waiting:
            lines.append(
                f"交给您单位 {len(waiting)} 个项目，请您确认接收：{_listed(sorted(waiting))}。"
            )
            if not codes:
                title = f"台账导入交给您单位 {len(waiting)} 个项目，待您接收"
        draft = Draft(to, Notice.Kind.IMPORTED, title, "".join(lines), reverse("projects:list"))
        notify([draft], district_id=district_id)


def _listed(codes: list[str]) -> str:
    return "、".join(codes[:_CODES_SHOWN]) + ("等" if len(codes) > _CODES_SHOWN else "")
