"""What the services do inside a step, done on the project held in memory: dates,
times, locking, codes, events, periods, milestones."""

import datetime as dt

from .. import events, rules, services
from ..models import (
    CodeSequence,
    Milestone,
    Project,
    ProjectEvent,
    ProjectPeriod,
)
from .history import _PERIOD_FIELDS, _POOL_CHANGES, Kind, _History, _Mark, _Period, _Sequence


class _Steps:
    """What the services do inside, in memory (a part of ``BulkWriter``)."""

    def _date(self, value) -> dt.date:
        """``rules.clean_date``, with today read once a row."""
        return rules.clean_date(value, today=self._today)

    def _at(self, at: dt.datetime | None) -> dt.datetime:
        """``rules.event_time``, with "now" read once a row (not once a step)."""
        return rules.event_time(at, now=self._now)

    def _lock(self, project) -> _History:
        history = self._histories.get(project.pk)
        if history is None:
            raise ValueError(f"BulkWriter.prepare did not load project {project.code}")
        if not self._row or self._row[-1] is not history:
            self._row.append(history)
        return history

    def _apply(self, history: _History, clean: dict) -> tuple[dict, dict]:
        if "co_units" in clean:
            raise ValueError("BulkWriter does not change co-units but on a handoff")
        return services.apply_values(history.project, clean)

    @staticmethod
    def _save(project: Project, at: dt.datetime) -> None:
        project.version += 1
        project.updated_at = max(project.updated_at, at) if project.updated_at else at

    @staticmethod
    def _signed(history: _History, signed_on: dt.date | None):
        """Whether the project has a 签约 date, given or held in memory (``rules.missing_for``)."""
        return lambda: signed_on is not None or Milestone.Kind.SIGNED in history.marks

    def _next_code(self, district, year: int) -> str:
        """The next code, issued as the services issue it: the sequence held in memory,
        the codes in use read once a district and year."""
        sequence = self._sequence(district.pk, year)
        prefix = f"{district.code}-{year}-"
        if prefix not in self._prefixes_read:
            self._writer.wait()
            self._prefixes_read.add(prefix)
            taken = Project.objects.filter(code__startswith=prefix).values_list("code", flat=True)
            self._codes_taken.update(taken)
            if sequence.last > services.CODE_SEQ_MAX:
                sequence.last = services.code_sequence_floor(district, year)
        last = sequence.last
        while True:
            if last >= services.CODE_SEQ_MAX:
                raise services.codes_used_up(district, year)
            last += 1
            code = f"{prefix}{last:04d}"
            if code not in self._codes_taken:
                break
        sequence.last, sequence.changed = last, True
        self._codes_taken.add(code)
        return code

    def _sequence(self, district_id: int, year: int) -> _Sequence:
        key = (district_id, year)
        sequence = self._sequences.get(key)
        if sequence is None:
            self._writer.wait()
            query = CodeSequence.objects.filter(district_id=district_id, year=year)
            if self.vendor == "postgresql":
                query = query.select_for_update()
            stored = query.first()
            if stored is not None:
                sequence = _Sequence(stored.pk, stored.last, stored=True)
            else:
                sequence = _Sequence(self._take(CodeSequence), 0, stored=False, changed=True)
            self._sequences[key] = sequence
        return sequence

    def _write(self, history: _History, entry: events.Entry, actor, at: dt.datetime) -> int:
        """Keep the event ``entry`` (built by ``events``) and the period it opens."""
        project = history.project
        event_id = self._take(ProjectEvent)
        kind, old, new, reason = entry
        history.events.append(
            (event_id, project.district_id, kind, getattr(actor, "pk", actor), at, old, new, reason)
        )
        self.events += 1
        if kind == Kind.CREATED or not _PERIOD_FIELDS.isdisjoint(new):
            self._open_period(history, event_id, at)
        if kind in _POOL_CHANGES:
            self._in_pool(project)
        return event_id

    def _open_period(self, history: _History, event_id: int, at: dt.datetime) -> None:
        """As the services keep periods: a new one, or the current one rewritten when it
        began at this same instant; nothing when the reported state did not change."""
        state = services.period_state(history.project)
        current = history.open
        if current is not None:
            if current.state == state:
                return
            if current.valid_from == at:
                current.state = state
                current.event_id = event_id
                current.changed = True
                return
            current.valid_to = at
            current.changed = True
            history.periods.append(current)  # closed: inserted, or updated if stored
        history.open = _Period(self._take(ProjectPeriod), event_id, at, state)

    def _set_milestone(self, history, kind, date, actor, at, note):
        marks = history.marks
        existing = marks.get(kind)
        change = rules.milestone_change(existing, date, note)
        if change is None:
            return None
        date, note = change
        rules.check_milestone_order({k: m.date for k, m in marks.items() if k != kind}, kind, date)
        entry = events.milestone(kind, existing, date, note)
        if existing:
            existing.date, existing.note, existing.changed = date, note, True
            mark = existing
        else:
            mark = marks[kind] = _Mark(self._take(Milestone), date, note)
        project = history.project
        project.updated_at = max(project.updated_at, at)
        self._write(history, entry, actor, at)
        return mark
