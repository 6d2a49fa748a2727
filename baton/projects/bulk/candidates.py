"""The possible duplicates each submission and approval records, answered by the pool
(``DuplicateIndex``), in this process or in one of its own."""

from ..models import (
    Project,
)
from .history import _POOL


class _Candidates:
    """The bulk writer's duplicate pool (a part of ``BulkWriter``)."""

    def _load_pool(self, cities: set[int]) -> None:
        cities -= self._pool_cities
        if not cities or self.dry_run:
            return
        self._writer.wait()
        self._pool_cities |= cities
        pool = Project.objects.filter(district__city_id__in=cities, review_state__in=_POOL)
        for code, city, name, investor in pool.values_list(
            "code", "district__city_id", "name_key", "investor_key"
        ).iterator(chunk_size=5000):
            self._pool.put(code, city=city, name=name, investor=investor)

    def _duplicates(self, project: Project, optional: bool = False) -> list[str]:
        """The codes ``duplicate_candidates`` would give now (none in a dry run, and none
        once a step was refused: those payloads are never written). With a pool process
        the list is filled in later, before the event is written (``_answers``)."""
        if self.dry_run or self.failed:
            return []
        key = (project.code, project.name_key, project.investor_key)
        found = self._found.get(key)
        if found is None:  # within a row only this project changes: the answer holds
            city = project.district.city_id
            if city not in self._pool_cities:
                self._load_pool({city})
            keys = {"city": city, "name": project.name_key, "investor": project.investor_key}
            if self._asking:
                found = self._found[key] = []
                self._waiting[self._pool.query(project.code, **keys)] = found
            else:
                found = self._found[key] = [
                    c for c, _s, _r in self._pool.candidates(project.code, **keys)
                ]
        return found if self._asking else list(found)

    def _answers(self) -> None:
        """Fill in the candidates the pool process found since the last call."""
        if not self._waiting:
            return
        for number, codes in self._pool.answers().items():
            self._waiting.pop(number).extend(codes)
        for new in self._optional:
            if not new["checked_duplicates"]:
                del new["checked_duplicates"]
        self._optional.clear()

    def _in_pool(self, project: Project) -> None:
        if self.dry_run or self.failed:
            return
        if project.review_state in _POOL:
            self._pool.put(
                project.code,
                city=project.district.city_id,
                name=project.name_key,
                investor=project.investor_key,
            )
        else:
            self._pool.discard(project.code)
