"""The list page's cache counters (``LibraryVersion``), raised by triggers.

Every insert, update and delete of a project (or of its co-units) raises the counter of
its district — both districts when a project moves — in the writing transaction, and
every change to a table whose names or choices the list shows raises counter 0. The
triggers catch every writer: the services, the bulk import, the generator, the admin.

A counter becomes the current millisecond, or its value plus one when that is not
more: it never returns to a value it had, not after a rollback nor a restored backup, so
what was cached under a value was read from that state (see ``NOW``).

SQLite has row triggers only: one upsert of the same row per project row written; the
100,000-row ledger import took 43.5 s with them (45.9 s before them). PostgreSQL raises each district once per statement, from the statement's
transition table: a row trigger would update one row a hundred thousand times in one
transaction, and each update walks the chain of the ones before. Districts are raised
in id order, so two transactions never take their counters in opposite orders.
"""

from django.db import migrations, models

TABLE = "projects_libraryversion"
PROJECT = "projects_project"
CO_UNITS = "projects_project_co_units"
#: The tables whose names and choices the list page shows (counter 0).
ORGANISATION = (
    "org_city",
    "org_district",
    "org_unit",
    "org_person",
    "projects_stage",
    "projects_industry",
)
OPS = ("insert", "update", "delete")

#: The current millisecond, on the database's clock.
NOW = {
    "sqlite": "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)",
    "postgresql": "(extract(epoch FROM clock_timestamp()) * 1000)::bigint",
}
UPSERT = {
    "sqlite": f"ON CONFLICT (scope) DO UPDATE SET version = max({TABLE}.version + 1, excluded.version)",
    "postgresql": (
        f"ON CONFLICT (scope) DO UPDATE SET version = greatest({TABLE}.version + 1, excluded.version)"
    ),
}


def _sqlite() -> list[str]:
    now = NOW["sqlite"]

    def raise_(select: str) -> str:
        return f"INSERT INTO {TABLE} (scope, version) {select} {UPSERT['sqlite']};"

    project = {
        "insert": raise_(f"SELECT new.district_id, {now} WHERE true"),
        "update": raise_(f"SELECT new.district_id, {now} WHERE true")
        + raise_(f"SELECT old.district_id, {now} WHERE old.district_id <> new.district_id"),
        "delete": raise_(f"SELECT old.district_id, {now} WHERE true"),
    }
    co_units = {
        "insert": raise_(f"SELECT district_id, {now} FROM {PROJECT} WHERE id = new.project_id"),
        "update": raise_(f"SELECT district_id, {now} FROM {PROJECT} WHERE id = new.project_id"),
        "delete": raise_(f"SELECT district_id, {now} FROM {PROJECT} WHERE id = old.project_id"),
    }
    statements = []
    for table, bodies in ((PROJECT, project), (CO_UNITS, co_units)):
        for op in OPS:
            statements.append(
                f"CREATE TRIGGER {table}_library_{op} AFTER {op.upper()} ON {table} "
                f"BEGIN {bodies[op]} END"
            )
    for table in ORGANISATION:
        for op in OPS:
            statements.append(
                f"CREATE TRIGGER {table}_library_{op} AFTER {op.upper()} ON {table} "
                f"BEGIN {raise_(f'SELECT 0, {now} WHERE true')} END"
            )
    return statements


def _sqlite_reverse() -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {table}_library_{op}"
        for table in (PROJECT, CO_UNITS, *ORGANISATION)
        for op in OPS
    ]


def _function(name: str, districts: str) -> str:
    return f"""CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO {TABLE} (scope, version)
        SELECT scope, {NOW["postgresql"]} FROM ({districts}) AS changed (scope)
        WHERE scope IS NOT NULL ORDER BY scope {UPSERT["postgresql"]};
        RETURN NULL;
    END $$"""


PG_FUNCTIONS = {
    # (function, the districts the statement changed)
    "projects_library_new": "SELECT DISTINCT district_id FROM new_rows",
    "projects_library_old": "SELECT DISTINCT district_id FROM old_rows",
    "projects_library_moved": (
        "SELECT district_id FROM new_rows UNION SELECT district_id FROM old_rows"
    ),
    "projects_library_co_new": (
        f"SELECT DISTINCT p.district_id FROM new_rows r JOIN {PROJECT} p ON p.id = r.project_id"
    ),
    "projects_library_co_old": (
        f"SELECT DISTINCT p.district_id FROM old_rows r JOIN {PROJECT} p ON p.id = r.project_id"
    ),
    "projects_library_organisation": "SELECT 0",
}

PG_TRIGGERS = [
    (PROJECT, "insert", "REFERENCING NEW TABLE AS new_rows", "projects_library_new"),
    (
        PROJECT,
        "update",
        "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
        "projects_library_moved",
    ),
    (PROJECT, "delete", "REFERENCING OLD TABLE AS old_rows", "projects_library_old"),
    (CO_UNITS, "insert", "REFERENCING NEW TABLE AS new_rows", "projects_library_co_new"),
    (CO_UNITS, "update", "REFERENCING NEW TABLE AS new_rows", "projects_library_co_new"),
    (CO_UNITS, "delete", "REFERENCING OLD TABLE AS old_rows", "projects_library_co_old"),
    *[(table, op, "", "projects_library_organisation") for table in ORGANISATION for op in OPS],
]


def _postgresql() -> list[str]:
    statements = [_function(name, districts) for name, districts in PG_FUNCTIONS.items()]
    for table, op, referencing, function in PG_TRIGGERS:
        statements.append(
            f"CREATE TRIGGER {table}_library_{op} AFTER {op.upper()} ON {table} {referencing} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
        )
    return statements


def _postgresql_reverse() -> list[str]:
    return [
        *[f"DROP TRIGGER IF EXISTS {table}_library_{op} ON {table}" for table, op, *_ in PG_TRIGGERS],
        *[f"DROP FUNCTION IF EXISTS {name}()" for name in PG_FUNCTIONS],
    ]


def _run(statements):
    def run(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, list)():
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0001_initial"),
        ("projects", "0006_event_kinds_land"),
    ]

    operations = [
        migrations.CreateModel(
            name="LibraryVersion",
            fields=[
                (
                    "scope",
                    models.IntegerField(
                        help_text="区的 id；0 表示组织与代码表", primary_key=True, serialize=False
                    ),
                ),
                ("version", models.BigIntegerField(default=0)),
            ],
            options={"verbose_name": "项目库版本", "verbose_name_plural": "项目库版本"},
        ),
        migrations.RunPython(
            _run({"sqlite": _sqlite, "postgresql": _postgresql}),
            _run({"sqlite": _sqlite_reverse, "postgresql": _postgresql_reverse}),
        ),
    ]
