"""One-line hooks for the callers that import and export (web views and commands)."""

from .services import Event, Outcome, audit_write

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
