"""Many projects' histories at once: the rows the services write, written in bulk.

``BulkWriter`` offers the project services an import calls — ``project_create``,
``project_move``, ``project_submit``, ``project_review``, ``project_handoff``,
``project_update``, ``milestone_record`` — with their arguments, the same rules
(``rules.py``) and the same event payloads (``events.py``). A call does not touch the
database: it applies the step to the project held in memory and keeps the rows the
service would have written — the project, its event with the same payload, the period
it opens, closes or rewrites, the milestone, the code sequence, a co-unit let go — each
with the id the database would have given it, in the same order. ``end_row`` and ``flush`` turn finished rows into
database values, batch by batch.

Where the time goes at 100,000 rows, and what is done about it:

- **the database's own work** (B-trees of about 45 indexes): a writer thread runs each
  batch while the next one is built. On SQLite a batch is one ``INSERT … SELECT … FROM
  json_each(?)`` per table, so the whole statement runs without Python's lock; on
  PostgreSQL it is ``COPY``. SQLite's full-text index of names (migration projects/0003)
  is fed once a batch instead of by its row trigger (``_Statements.hold_text_index``);
- **possible duplicates**: each submission and approval records what
  ``duplicate_candidates`` would find at that moment. ``DuplicateIndex`` answers the same
  without scanning the city (see there); a large import keeps it in a process of its own
  (``PoolProcess``), and the events wait for its answers until their batch is written;
- **Python**: Django model instances built the fast way (``_new_project``), values
  converted once per distinct value, "now" and "today" read once a row.

Ids: on SQLite the import holds the write lock (IMMEDIATE transactions), so the next
ids are the table's AUTOINCREMENT counter plus one, exactly as the services get them; on
PostgreSQL they are drawn from each table's sequence (``nextval``), so that no other
session collides with them. ``recorded_at`` is the time a batch is built.

No model signal is sent: the receivers of a ProjectEvent (the audit log, the notices)
do nothing inside ``audit_batch``, which every import runs in (the import is audited as
one record, and the notices summarise it from that record);
``baton/ledger/tests/test_bulk.py`` fails if another receiver appears. That test also imports the same ledgers through the services and through this writer and
compares every table row for row.

The parts: ``writer.py`` (``BulkWriter``: its state, ``prepare`` and the services'
calls), ``steps.py`` (what the services do inside a step), ``candidates.py`` (the
duplicate pool), ``rows.py`` (ids, rows and batches), ``columns.py`` (the database values
of a row), ``statements.py`` (the writer thread and the SQL of a batch) and
``history.py`` (a project's history held in memory).
"""

from .columns import EVENT_COLUMNS, PERIOD_COLUMNS
from .statements import _Statements, analyze
from .writer import POOL_PROCESS_AFTER, BulkWriter

__all__ = [
    "EVENT_COLUMNS",
    "PERIOD_COLUMNS",
    "POOL_PROCESS_AFTER",
    "BulkWriter",
    "_Statements",
    "analyze",
]
