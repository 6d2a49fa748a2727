"""The project page's counters (``PageVersion``), raised by database triggers.

A project's page shows rows of many tables: the project and its co-units, its events,
milestones and handoffs, and the cards of the apps above (problems, 督办 and leaders' acts,
attachments, policy applications and their instalments, intermediaries' claims,
promises and results, reserved parcels, the lead it came from). Every insert, update and
delete of such a row raises the counter of the project(s) it belongs to, in the writing
transaction, whatever wrote it — a service, the bulk import, the generator, the admin —
so a page kept under a counter (``page_cache``'s project page) was read from that state
or a later one. The names it shows (units, people, stages, policies, intermediaries,
the users who acted) raise the organisation counter of ``LibraryVersion``, as the list's do.

Each app adds the triggers of its own tables in a migration of its own, from the
statements built here, so ``projects`` names no table of an app above it. The counter
takes the current millisecond, or its value plus one when that is not more (as
``LibraryVersion``'s: it never returns to a value it had).

SQLite has row triggers: one upsert per row written. PostgreSQL raises each project once
per statement from the statement's transition tables, in project order (two transactions
never take their counters in opposite orders).
"""

from dataclasses import dataclass

TABLE = "projects_pageversion"
LIBRARY = "projects_libraryversion"
OPS = ("insert", "update", "delete")

NOW = {
    "sqlite": "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)",
    "postgresql": "(extract(epoch FROM clock_timestamp()) * 1000)::bigint",
}
_LATER = {"sqlite": "max", "postgresql": "greatest"}


@dataclass(frozen=True)
class Source:
    """Which projects a row of ``table`` belongs to.

    ``columns``: the row's columns the query reads; ``projects``: a query of a column
    ``project_id`` over the rows, named ``r`` (``{rows}`` is replaced by the changed rows).
    """

    table: str
    columns: tuple[str, ...] = ("project_id",)
    projects: str = "SELECT r.project_id AS project_id FROM {rows} r"


def direct(table: str) -> Source:
    """A table whose rows carry their ``project_id``."""
    return Source(table)


def _upsert(vendor: str, target: str, key: str, select: str) -> str:
    later = _LATER[vendor]
    return (
        f"INSERT INTO {target} ({key}, version) {select} "
        f"ON CONFLICT ({key}) DO UPDATE SET version = {later}({target}.version + 1, excluded.version)"
    )


def _raise_projects(vendor: str, projects: str) -> str:
    return _upsert(
        vendor,
        TABLE,
        "project_id",
        f"SELECT ids.project_id, {NOW[vendor]} FROM (SELECT DISTINCT changed.project_id "  # noqa: S608 — the migrations' own table names
        f"FROM ({projects}) AS changed WHERE changed.project_id IS NOT NULL) AS ids "
        "WHERE true ORDER BY 1",
    )


def _raise_organisation(vendor: str) -> str:
    return _upsert(vendor, LIBRARY, "scope", f"SELECT 0, {NOW[vendor]} WHERE true")


def _sqlite_rows(source: Source, which: str) -> str:
    picked = ", ".join(f"{which}.{c} AS {c}" for c in source.columns)
    return f"(SELECT {picked})"


def create(vendor: str, source: Source) -> list[str]:
    """The statements that make every change of ``source.table`` raise its projects' counters."""
    name = f"{source.table}_page"
    if vendor == "sqlite":
        statements = []
        for op in OPS:
            sides = {"insert": ("new",), "update": ("old", "new"), "delete": ("old",)}[op]
            body = "".join(
                _raise_projects(vendor, source.projects.format(rows=_sqlite_rows(source, side)))
                + ";"
                for side in sides
            )
            statements.append(
                f"CREATE TRIGGER {name}_{op} AFTER {op.upper()} ON {source.table} BEGIN {body} END"
            )
        return statements
    statements = []
    for op in OPS:
        sides = {
            "insert": ("new_rows",),
            "update": ("old_rows", "new_rows"),
            "delete": ("old_rows",),
        }
        projects = " UNION ".join(source.projects.format(rows=rows) for rows in sides[op])
        referencing = {
            "insert": "REFERENCING NEW TABLE AS new_rows",
            "update": "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
            "delete": "REFERENCING OLD TABLE AS old_rows",
        }[op]
        statements += [
            _function(f"{name}_{op}", _raise_projects(vendor, projects)),
            _statement_trigger(f"{name}_{op}", f"{op.upper()} ON {source.table} {referencing}"),
        ]
    return statements


def _function(name: str, body: str) -> str:
    """PostgreSQL: the trigger function ``name`` that runs ``body``."""
    return (
        f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN {body}; RETURN NULL; END $$"
    )


def _statement_trigger(name: str, event: str, function: str | None = None) -> str:
    """PostgreSQL: the trigger ``name`` that runs ``function`` (its own name) once a
    statement of ``event`` ("UPDATE ON table …")."""
    return f"CREATE TRIGGER {name} AFTER {event} FOR EACH STATEMENT EXECUTE FUNCTION {function or name}()"


def drop(vendor: str, source: Source) -> list[str]:
    name = f"{source.table}_page"
    if vendor == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {name}_{op}" for op in OPS]
    return [
        *[f"DROP TRIGGER IF EXISTS {name}_{op} ON {source.table}" for op in OPS],
        *[f"DROP FUNCTION IF EXISTS {name}_{op}()" for op in OPS],
    ]


def create_names(vendor: str, table: str, columns: tuple[str, ...] = ()) -> list[str]:
    """The statements that make a change of ``table`` (of ``columns`` only, if named) raise
    the organisation counter: a table of names the pages show."""
    name = f"{table}_names"
    of = f" OF {', '.join(columns)}" if columns else ""
    raise_ = _raise_organisation(vendor)
    events = {op: f"{op.upper()}{of if op == 'update' else ''} ON {table}" for op in OPS}
    if vendor == "sqlite":
        return [f"CREATE TRIGGER {name}_{op} AFTER {events[op]} BEGIN {raise_}; END" for op in OPS]
    return [
        _function(name, raise_),
        *[_statement_trigger(f"{name}_{op}", events[op], name) for op in OPS],
    ]


def drop_names(vendor: str, table: str) -> list[str]:
    name = f"{table}_names"
    if vendor == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {name}_{op}" for op in OPS]
    return [
        *[f"DROP TRIGGER IF EXISTS {name}_{op} ON {table}" for op in OPS],
        f"DROP FUNCTION IF EXISTS {name}()",
    ]


def operations(sources: tuple[Source, ...] = (), names: tuple = ()):
    """The migration operation that adds the triggers of ``sources`` and of the name
    tables ``names`` (each a table, or a (table, columns) pair), and takes them away."""
    from django.db import migrations

    named = [(n, ()) if isinstance(n, str) else n for n in names]

    def forward(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        for source in sources:
            for sql in create(vendor, source):
                schema_editor.execute(sql)
        for table, columns in named:
            for sql in create_names(vendor, table, columns):
                schema_editor.execute(sql)

    def backward(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        for source in sources:
            for sql in drop(vendor, source):
                schema_editor.execute(sql)
        for table, _ in named:
            for sql in drop_names(vendor, table):
                schema_editor.execute(sql)

    return migrations.RunPython(forward, backward)
