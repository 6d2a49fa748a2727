"""Import a district's ledger workbook (its columns in ``ledger/columns.py``), all or nothing.

``ledger_import`` is what the CLI (``baton import-ledger``) and a web upload call:

1. read the file within limits and refuse formulas (``reading``);
2. convert and check every cell, resolve districts, units, leaders, stages and
   industries, and plan each row as *create*, *update* or *unchanged*, collecting every
   error with its sheet, row, column, value and reason;
3. only if there is no error, write the plan inside one transaction, step by step as
   the project services take it: creations with their back-dated history (阶段记录,
   阶段日期, 入库日期), and for existing projects only the fields that differ. Any error
   a step raises rolls everything back and is reported against its row. A dry run does
   the same and rolls back at the end, so it finds exactly the errors a real import
   would.

The steps go to ``baton.projects.bulk.BulkWriter``, which offers the services' calls,
checks and messages and writes exactly the rows they would write, in bulk: a
100,000-row ledger in under a minute instead of days. ``through_services=True`` takes
them through the services themselves, row by row: the reference that
``tests/test_bulk.py`` compares the bulk writer with, table by table. A large import
then refreshes the planner's statistics (ANALYZE).

Re-importing the same file finds every row unchanged and writes nothing.

The parts: ``workbook.py`` (``ledger_import``), ``parse.py`` (reading and converting the
rows), ``plan.py`` (checking each row and planning its steps), ``write.py`` (writing the
steps, each checked against the permissions) and ``result.py`` (what an import reports).
"""

from .result import ANALYZE_AFTER, ImportResult, amount_text
from .workbook import CATALOGUE_REFUSED, IMPORT_REFUSED, _Importer, ledger_import
from .write import _refusal

__all__ = [
    "ANALYZE_AFTER",
    "CATALOGUE_REFUSED",
    "IMPORT_REFUSED",
    "ImportResult",
    "_Importer",
    "_refusal",
    "amount_text",
    "ledger_import",
]
