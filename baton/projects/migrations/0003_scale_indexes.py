"""Indexes for a province or the country (200,000 projects, lists and the cockpit within their targets), and free-text search on name/investor.

These are database objects Django's model state does not describe (covering indexes
with INCLUDE, an FTS5 virtual table with its triggers, pg_trgm GIN indexes), so they
are created here per database vendor and are invisible to ``makemigrations``.

Point in time (``ProjectPeriod``): "as of D" reads the admitted periods of a scope with
``valid_from < D <= valid_to`` or ``valid_to IS NULL``; the indexes lead with the scope
column and ``review_state``, then ``valid_to``, so each branch of the OR is one range,
and carry the columns the figures sum, so no table row is read.

Project list (``baton.projects.listing``): one index per scope column and sort order,
so a first page and a keyset page are a short index range whatever the sort.

Free text: SQLite keeps an external-content FTS5 table with the trigram tokenizer in
step with ``projects_project`` by triggers (terms under three characters go to LIKE);
PostgreSQL uses pg_trgm GIN indexes, which serve ILIKE '%term%' directly.
"""

from django.db import migrations

PERIOD = "projects_projectperiod"
PROJECT = "projects_project"
MILESTONE = "projects_milestone"

COMMON = [
    # The project list: scope column first, then the sort key and id for keyset paging.
    f"CREATE INDEX project_district_updated ON {PROJECT} (district_id, updated_at, id)",
    f"CREATE INDEX project_district_investment ON {PROJECT} (district_id, investment, id)",
    f"CREATE INDEX project_investment ON {PROJECT} (investment, id)",
    f"CREATE INDEX project_district_code ON {PROJECT} (district_id, code)",
    f"CREATE INDEX project_district_stage_updated ON {PROJECT} (district_id, stage_id, updated_at, id)",
    f"CREATE INDEX project_stage_updated ON {PROJECT} (stage_id, updated_at, id)",
    # Filters a page combines with the scope; with the amount, the totals read no row.
    f"CREATE INDEX project_district_industry ON {PROJECT} (district_id, industry_id, review_state, investment)",
    # Milestones counted as of a date: found by project, date read from the index.
    f"CREATE INDEX milestone_project_date ON {MILESTONE} (project_id, date, kind)",
]

SQLITE = [
    f"CREATE INDEX period_district_asof ON {PERIOD} "
    "(district_id, review_state, valid_to, valid_from, stage_id, investment, project_id)",
    f"CREATE INDEX period_unit_asof ON {PERIOD} "
    "(unit_id, review_state, valid_to, valid_from, stage_id, investment, project_id)",
    f"CREATE INDEX period_asof ON {PERIOD} "
    "(review_state, valid_to, valid_from, stage_id, investment, district_id, project_id)",
    # Terms the trigram table cannot answer (short or very common) are LIKE over the
    # scope: read from this index, without visiting the table.
    f"CREATE INDEX project_district_text ON {PROJECT} "
    "(district_id, name, investor, investment, updated_at)",
    f"CREATE VIRTUAL TABLE {PROJECT}_fts USING fts5("
    f"name, investor, content='{PROJECT}', content_rowid='id', tokenize='trigram')",
    f"""CREATE TRIGGER {PROJECT}_fts_insert AFTER INSERT ON {PROJECT} BEGIN
        INSERT INTO {PROJECT}_fts (rowid, name, investor) VALUES (new.id, new.name, new.investor);
    END""",
    f"""CREATE TRIGGER {PROJECT}_fts_delete AFTER DELETE ON {PROJECT} BEGIN
        INSERT INTO {PROJECT}_fts ({PROJECT}_fts, rowid, name, investor)
        VALUES ('delete', old.id, old.name, old.investor);
    END""",
    f"""CREATE TRIGGER {PROJECT}_fts_update AFTER UPDATE OF name, investor ON {PROJECT}
    WHEN old.name IS NOT new.name OR old.investor IS NOT new.investor BEGIN
        INSERT INTO {PROJECT}_fts ({PROJECT}_fts, rowid, name, investor)
        VALUES ('delete', old.id, old.name, old.investor);
        INSERT INTO {PROJECT}_fts (rowid, name, investor) VALUES (new.id, new.name, new.investor);
    END""",
    f"INSERT INTO {PROJECT}_fts ({PROJECT}_fts) VALUES ('rebuild')",
]

SQLITE_REVERSE = [
    f"DROP TRIGGER IF EXISTS {PROJECT}_fts_update",
    f"DROP TRIGGER IF EXISTS {PROJECT}_fts_delete",
    f"DROP TRIGGER IF EXISTS {PROJECT}_fts_insert",
    f"DROP TABLE IF EXISTS {PROJECT}_fts",
    "DROP INDEX IF EXISTS project_district_text",
    "DROP INDEX IF EXISTS period_asof",
    "DROP INDEX IF EXISTS period_unit_asof",
    "DROP INDEX IF EXISTS period_district_asof",
]

POSTGRESQL = [
    f"CREATE INDEX period_district_asof ON {PERIOD} (district_id, review_state, valid_to) "
    "INCLUDE (valid_from, stage_id, investment, project_id)",
    f"CREATE INDEX period_unit_asof ON {PERIOD} (unit_id, review_state, valid_to) "
    "INCLUDE (valid_from, stage_id, investment, project_id)",
    f"CREATE INDEX period_asof ON {PERIOD} (review_state, valid_to) "
    "INCLUDE (valid_from, stage_id, investment, district_id, project_id)",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    f"CREATE INDEX project_name_trgm ON {PROJECT} USING gin (name gin_trgm_ops)",
    f"CREATE INDEX project_investor_trgm ON {PROJECT} USING gin (investor gin_trgm_ops)",
]

POSTGRESQL_REVERSE = [
    "DROP INDEX IF EXISTS project_investor_trgm",
    "DROP INDEX IF EXISTS project_name_trgm",
    "DROP INDEX IF EXISTS period_asof",
    "DROP INDEX IF EXISTS period_unit_asof",
    "DROP INDEX IF EXISTS period_district_asof",
]

COMMON_REVERSE = [
    "DROP INDEX IF EXISTS milestone_project_date",
    "DROP INDEX IF EXISTS project_district_industry",
    "DROP INDEX IF EXISTS project_stage_updated",
    "DROP INDEX IF EXISTS project_district_stage_updated",
    "DROP INDEX IF EXISTS project_district_code",
    "DROP INDEX IF EXISTS project_investment",
    "DROP INDEX IF EXISTS project_district_investment",
    "DROP INDEX IF EXISTS project_district_updated",
]


def _run(statements):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        specific = statements.get(vendor, [])
        for sql in [*statements["common"], *specific]:
            schema_editor.execute(sql)

    return run


forwards = _run({"common": COMMON, "sqlite": SQLITE, "postgresql": POSTGRESQL})
backwards = _run(
    {
        "common": [],
        "sqlite": SQLITE_REVERSE + COMMON_REVERSE,
        "postgresql": POSTGRESQL_REVERSE + COMMON_REVERSE,
    }
)


class Migration(migrations.Migration):
    dependencies = [("projects", "0002_default_ladder")]
    operations = [migrations.RunPython(forwards, backwards)]
