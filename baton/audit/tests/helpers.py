from django.db import connection

from baton.audit.models import AuditRecord

PG = connection.vendor == "postgresql"


def tamper(sql: str, params=()) -> None:
    """Change the table behind the application's back (the trigger off, on PostgreSQL)."""
    with connection.cursor() as cursor:
        if PG:
            cursor.execute("ALTER TABLE audit_auditrecord DISABLE TRIGGER audit_record_append_only")
        cursor.execute(sql, params)
        if PG:
            cursor.execute("ALTER TABLE audit_auditrecord ENABLE TRIGGER audit_record_append_only")


def set_after(seq: int, value: str) -> None:
    cast = "::jsonb" if PG else ""
    tamper(f"UPDATE audit_auditrecord SET after = %s{cast} WHERE seq = %s", [value, seq])  # noqa: S608


def remove(seq: int) -> None:
    tamper("DELETE FROM audit_auditrecord WHERE seq = %s", [seq])


def table_text() -> str:
    """Every stored value of the audit table, as one string (to look for secrets in)."""
    rows = AuditRecord.objects.values_list()
    return "\n".join(repr(row) for row in rows)


def only(event: str) -> AuditRecord:
    records = list(AuditRecord.objects.filter(event=event))
    assert len(records) == 1, [str(r) for r in records]
    return records[0]
