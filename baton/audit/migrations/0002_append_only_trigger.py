"""On PostgreSQL, the database itself refuses to change or delete an audit record.

A DELETE passes only inside ``baton audit-purge``: the command sets
``baton.audit_purge_before`` for its own transaction, and the trigger lets through only
rows older than that moment, and only when that moment is at least 180 days ago.
"""

from django.db import migrations

CREATE = r"""
CREATE OR REPLACE FUNCTION baton_audit_append_only() RETURNS trigger AS $$
DECLARE
    purge_before timestamptz;
BEGIN
    IF TG_OP = 'DELETE' THEN
        purge_before := NULLIF(current_setting('baton.audit_purge_before', true), '')::timestamptz;
        IF purge_before IS NOT NULL
           AND purge_before <= now() - interval '180 days'
           AND OLD.time < purge_before THEN
            RETURN OLD;
        END IF;
    END IF;
    RAISE EXCEPTION '审计记录只能追加，不能修改或删除（%）', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS audit_record_append_only ON audit_auditrecord;
CREATE TRIGGER audit_record_append_only
    BEFORE UPDATE OR DELETE ON audit_auditrecord
    FOR EACH ROW EXECUTE FUNCTION baton_audit_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS audit_record_append_only ON audit_auditrecord;
DROP FUNCTION IF EXISTS baton_audit_append_only();
"""


def _run(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(_run(CREATE), _run(DROP))]
