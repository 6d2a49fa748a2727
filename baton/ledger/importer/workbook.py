"""``ledger_import``: a district's ledger workbook read, checked, planned and written, all
or nothing."""

import datetime as dt
import gc
from collections.abc import Callable

from django.utils import timezone

from baton.accounts.models import User
from baton.org.models import District, Person, Unit
from baton.projects import permissions
from baton.projects.models import (
    Industry,
    Stage,
)

from ..mapping import Mapping
from ..reading import (
    LedgerError,
    LedgerRefused,
    Limits,
    read_book,
)
from .parse import _Parse
from .plan import _Plan
from .result import (
    ImportResult,
)
from .write import _Write


def ledger_import(
    *,
    data: bytes,
    actor: User | None = None,
    district: District | None = None,
    dry_run: bool = False,
    limits: Limits | None = None,
    through_services: bool = False,
    progress: Callable[[int, int, str], None] | None = None,
    on_written: Callable[[ImportResult], None] | None = None,
    mapping: Mapping | None = None,
) -> ImportResult:
    """Validate a ledger workbook and, when it has no error, write it in one transaction.

    ``actor`` is the user importing (None: the system, for the CLI); a user may only
    touch projects and districts in their scope. ``district`` is the default for rows
    whose 所属区 is blank. Nothing is written when the result has errors or ``dry_run``.
    ``through_services`` writes row by row through the project services instead of the
    bulk writer: the reference the bulk path is tested against, far slower.

    ``progress(done, total, phase)`` is told how far the reading, the checking and the
    writing are. ``on_written(result)`` is called once everything is written, inside the
    import's transaction: what it writes (a background job's outcome, say) is committed
    with the import or not at all.

    ``mapping`` reads values outside the catalogues as catalogue values, or adds them
    (``ledger/mapping.py``); what it maps is remembered for the district and what it
    adds is added, with the import, in its transaction. Adding needs the right to add
    catalogue values (``permissions.can_add_catalogue``; the system may).
    """
    # Millions of short-lived objects and no reference cycles among them: the cycle
    # collector would walk all the rows again and again (a tenth of a large import).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _import(
            data,
            actor,
            district,
            dry_run,
            limits,
            through_services,
            progress,
            on_written,
            mapping or Mapping(),
        )
    finally:
        if collecting:
            gc.enable()


IMPORT_REFUSED = "只有招商单位的工作人员和区招商办可以导入台账。"
CATALOGUE_REFUSED = (
    "只有区招商办和系统管理员可以向目录新增行业、责任单位或挂钩领导，请您改为对应到目录中已有的值。"
)


def _quiet(done: int, total: int, phase: str) -> None:
    pass


def _import(
    data, actor, district, dry_run, limits, through_services, progress, on_written, mapping
) -> ImportResult:
    result = ImportResult(dry_run=dry_run)
    if actor is not None and not permissions.can_import(actor):
        result.errors = [LedgerError("", 0, "", "", IMPORT_REFUSED)]
        return result
    if mapping.adds and actor is not None and not permissions.can_add_catalogue(actor):
        result.errors = [LedgerError("", 0, "", "", CATALOGUE_REFUSED)]
        return result
    try:
        book = read_book(data, limits or Limits())
    except LedgerRefused as exc:
        result.errors = exc.errors
        return result
    result.book = book
    importer = _Importer(result, actor=actor, default_district=district, mapping=mapping)
    importer.progress = progress or _quiet
    importer.on_written = on_written
    rows = importer.parse(book)
    if result.unknown:
        result.catalogue = importer.catalogue_choices()
    if result.errors:
        return result
    plans = importer.plan(rows)
    del rows  # the plans hold the rows that matter; the write lets each go once written
    if result.errors:
        return result
    importer.write(plans, dry_run=dry_run, through_services=through_services)
    if result.errors:
        result.created, result.updated, result.unchanged, result.events = [], [], [], 0
        result.actions = {}
    return result


class _Importer(_Parse, _Plan, _Write):
    def __init__(self, result: ImportResult, *, actor, default_district, mapping=None):
        self.result = result
        self.mapping = mapping or Mapping()
        self._aliases: dict[int, dict[tuple[str, str], str]] = {}  # district → its aliases
        # (column key, district id or None, ``same_value`` of the name) → the value this
        # import adds, unsaved
        self._added: dict[tuple[str, int | None, str], Industry | Unit | Person] = {}
        self._unknown_in: dict[str, District] = {}  # column → a district it is unknown in
        self.actor = actor
        self.default_district = default_district
        self.stages = list(Stage.objects.order_by("order"))
        self.entry_stage = next((s for s in self.stages if not s.is_terminal), None)
        self._units: dict[int, list[Unit]] = {}
        self._leaders: dict[int, list[Person]] = {}
        self.industries = {i.name: i for i in Industry.objects.all()}
        self._industries_same: dict | None = None  # by ``parse.same_value``
        self.districts = list(District.objects.select_related("city"))
        self.today = timezone.localdate()
        self._midnights: dict[dt.date, dt.datetime] = {}
        self.positions: dict[str, int] = {}  # key → column of the main sheet
        self.headers: dict[str, str] = {}  # key → header as written
        self.letters: dict[str, str] = {}  # key → column letter
        self.progress: Callable[[int, int, str], None] = _quiet
        self.on_written: Callable[[ImportResult], None] | None = None
