"""One-line hooks for the callers that import, export and record their events."""

from .services import Event, Outcome, audit_write, current_context

_CODES_KEPT = 200


def audit_import(result, *, request=None, file_name: str = "", district=None, user=None) -> None:
    """Record one ledger import (its projects are not recorded one by one); ``user`` is
    who imported on the command line (``--user``), a request says it otherwise."""
    ok = result.ok
    audit_write(
        request=request,
        user=user,
        event=Event.IMPORT,
        outcome=Outcome.SUCCESS if ok else Outcome.FAILURE,
        object_type="ledger",
        object_label=file_name[:200],
        detail=(result.summary() if ok else f"台账有 {len(result.errors)} 处错误，未写入任何数据"),
        after={
            "file": file_name,
            "district": getattr(district, "name", None),
            "created": len(result.created),
            "updated": len(result.updated),
            "unchanged": len(result.unchanged),
            "events": result.events,
            "errors": len(result.errors),
            "codes": (list(result.created) + list(result.updated))[:_CODES_KEPT],
        },
    )


def audit_export(*, request=None, what: str, rows: int | None = None, **facts) -> None:
    """Record one export of business data (or of the audit log itself)."""
    audit_write(
        request=request,
        event=Event.EXPORT,
        object_type=what,
        detail=f"导出 {rows} 行" if rows is not None else "",
        after={"rows": rows, **facts},
    )


def audit_event(row, *, subject, event: str, what: str, old: dict, new: dict) -> None:
    """Audit one event row of a project or a parcel (``row``: its actor, kind, reason),
    written in the transaction of the change it records, so the change and its audit
    record commit or roll back together.

    Only inside a request or a command's ``audit_context``: data generators (demo, scale
    benchmark) are not user actions. Inside ``audit_batch`` (an import) the caller writes
    one record for the whole batch instead.
    """
    context = current_context()
    if context is None or context.batch:
        return
    detail = f"{what} #{row.pk}：{row.get_kind_display()}"
    if row.reason:
        detail += f"。{row.reason}"
    audit_write(
        user=row.actor,
        event=event,
        obj=subject,
        object_label=f"{subject.code} {subject.name}",
        detail=detail,
        before=old,
        after={**new, "_event": {"id": row.pk, "kind": row.kind}},
    )
