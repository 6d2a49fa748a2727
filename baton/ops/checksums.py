"""The checksums a backup's manifest holds: of each file (SM3) and of each table (its
rows, in key order, on SQLite and on PostgreSQL), and their comparison in Chinese."""

import sqlite3
from pathlib import Path

from baton.core.crypto import SM3

_CHUNK = 1024 * 1024


def file_sm3(path: Path) -> str:
    digest = SM3()
    with open(path, "rb") as handle:
        while block := handle.read(_CHUNK):
            digest.update(block)
    return digest.hexdigest()


def sqlite_checksums(path: str) -> dict:
    """Row count and SM3 checksum of every table of a SQLite file, rows in key order.

    The file is read through a plain ``sqlite3`` connection (no type conversion), so the
    live database and a backup copy are compared on exactly what is stored.
    """
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return sqlite_db_checksums(db)
    finally:
        db.close()


def sqlite_db_checksums(db: sqlite3.Connection) -> dict:
    tables = db.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' "
        "AND name NOT LIKE 'sqlite_%' ORDER BY name"
    ).fetchall()
    result = {}
    for name, sql in tables:
        if (sql or "").upper().startswith("CREATE VIRTUAL TABLE"):
            continue  # an FTS index: its content lives in its shadow tables, counted here
        quoted = '"' + name.replace('"', '""') + '"'
        info = db.execute(f"PRAGMA table_info({quoted})").fetchall()
        keys = [col[1] for col in sorted(info, key=lambda c: c[5]) if col[5] > 0]
        order = ", ".join('"' + k.replace('"', '""') + '"' for k in keys) or ", ".join(
            str(i + 1) for i in range(len(info))
        )
        digest, count = SM3(), 0
        for row in db.execute(f"SELECT * FROM {quoted} ORDER BY {order}"):  # noqa: S608 — names from sqlite_master
            digest.update(repr(tuple(row)).encode("utf-8", "surrogatepass") + b"\n")
            count += 1
        result[name] = {"rows": count, "checksum": digest.hexdigest()}
    return result


#: Row text must not depend on the session: the same settings for backup and restore.
PG_SETTINGS = (
    "SET LOCAL TimeZone = 'UTC'; SET LOCAL DateStyle = 'ISO, YMD'; "
    "SET LOCAL IntervalStyle = 'postgres'; SET LOCAL extra_float_digits = 1; "
    "SET LOCAL bytea_output = 'hex';"
)
#: count and SHA-256 over the md5 of each row's text, in primary-key order.
PG_CHECKSUM_FUNCTION = r"""
CREATE OR REPLACE FUNCTION pg_temp.baton_table_checksum(tbl regclass, OUT nrows bigint, OUT digest text)
AS $fn$
DECLARE
    keys text;
BEGIN
    SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY array_position(i.indkey::smallint[], a.attnum))
      INTO keys
      FROM pg_index i
      JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
     WHERE i.indrelid = tbl AND i.indisprimary;
    EXECUTE format(
        'SELECT count(*), encode(sha256(convert_to(coalesce(string_agg(md5(t::text), '''' ORDER BY %s), ''''), ''UTF8'')), ''hex'') FROM %s t',
        coalesce(keys, 'md5(t::text)'), tbl)
      INTO nrows, digest;
END
$fn$ LANGUAGE plpgsql;
"""
PG_TABLES = """
SELECT c.oid::regclass, c.relname
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
 ORDER BY c.relname
"""

PG_ALL_CHECKSUMS = f"""
SELECT t.relname, s.nrows, s.digest
  FROM ({PG_TABLES}) AS t(oid, relname), LATERAL pg_temp.baton_table_checksum(t.oid) s
"""  # noqa: S608 — constant text


def postgres_checksums(cursor) -> dict:
    """Row count and checksum of every table in ``public``, in the cursor's transaction."""
    cursor.execute(PG_SETTINGS)
    cursor.execute(PG_CHECKSUM_FUNCTION)
    cursor.execute(PG_ALL_CHECKSUMS)
    return {name: {"rows": rows, "checksum": digest} for name, rows, digest in cursor.fetchall()}


def compare(expected: dict, actual: dict) -> list[str]:
    """The differences between two checksum tables, in Chinese (empty when identical)."""
    problems = []
    for name in sorted(set(expected) | set(actual)):
        want, got = expected.get(name), actual.get(name)
        if got is None:
            problems.append(f"缺少表 {name}")
        elif want is None:
            problems.append(f"多出表 {name}")
        elif want["rows"] != got["rows"]:
            problems.append(f"表 {name} 行数 {got['rows']}，备份清单为 {want['rows']}")
        elif want["checksum"] != got["checksum"]:
            problems.append(f"表 {name} 校验和不符")
    return problems
