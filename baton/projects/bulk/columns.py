"""The database values of the rows the bulk writer writes: each model's columns and how
its values go to the database, and projects built the fast way."""

import datetime as dt
import json

from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections, models

from ..models import (
    Project,
)

#: The column order of the event and period rows, shared with the demo's generator
#: (baton/demo/generator).
EVENT_COLUMNS = (
    "id",
    "project_id",
    "district_id",
    "kind",
    "actor_id",
    "at",
    "recorded_at",
    "old",
    "new",
    "reason",
)
PERIOD_COLUMNS = (
    "id", "project_id", "event_id", "district_id", "unit_id", "stage_id", "industry_id",
    "review_state", "investment", "valid_from", "valid_to",
)  # fmt: skip
_PLAIN = (
    models.AutoField,
    models.BigAutoField,
    models.BooleanField,
    models.CharField,
    models.ForeignKey,
    models.IntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.SlugField,
    models.TextField,
)


# --- database values ---------------------------------------------------------------------


class _Table:
    """A model's columns and how each value goes to the database, as ``save`` sends it.

    ``row`` takes the values in column order. Each field's own ``get_db_prep_save``
    converts its value, but for the common cases done the same way faster: plain
    columns as they are, times as the backend adapts them, a JSON object without a
    sealed key (``SealedJSONField``) as plain JSON, an amount by a cache per value.
    """

    def __init__(self, model, order: tuple[str, ...] | None = None):
        self.model = model
        self.name = model._meta.db_table
        self.fields = list(model._meta.concrete_fields)
        self.columns = [f.column for f in self.fields]
        self.attnames = tuple(f.attname for f in self.fields)
        if order is not None and order != self.attnames:
            raise ImproperlyConfigured(
                f"{model.__name__} 的字段已变：{self.attnames}；请同步更新 baton/projects/bulk/。"
            )
        converters = [_converter(f) for f in self.fields]
        self.special = [(i, c) for i, c in enumerate(converters) if c]
        self.converter = dict(zip(self.attnames, converters, strict=True))

    def row(self, values) -> tuple:
        """Return the database values of a row given in column order."""
        if not self.special:
            return tuple(values)
        values = list(values)
        for i, convert in self.special:
            values[i] = convert(values[i])
        return tuple(values)

    def of(self, instance) -> tuple:
        return self.row([getattr(instance, a) for a in self.attnames])


def _converter(f):
    if type(f) in _PLAIN:  # exact types: a subclass may encrypt or encode
        return None
    # The connection itself, not django.db.connection (a per-thread proxy, slow to go
    # through for every value).
    db = connections[DEFAULT_DB_ALIAS]
    ops = db.ops
    if type(f) is models.DateTimeField:
        if db.vendor == "sqlite" and db.timezone == dt.UTC:
            # ops.adapt_datetimefield_value: naive UTC, as text.
            return lambda v: None if v is None else str(v.astimezone(dt.UTC).replace(tzinfo=None))
        return ops.adapt_datetimefield_value
    if type(f) is models.DateField:
        return ops.adapt_datefield_value
    if type(f) is models.JSONField:
        return lambda v: None if v is None else ops.adapt_json_value(v, f.encoder)
    sealed = getattr(f, "sealed_keys", None)
    if isinstance(f, models.JSONField) and sealed is not None:
        sealed = frozenset(sealed)
        plain = json.dumps if db.vendor == "sqlite" and f.encoder is None else None
        probe = dict.fromkeys(sealed, "13800000000")
        if f.get_prep_value(probe) == probe:
            sealed = frozenset()  # no field key configured: nothing is sealed

        def payload(v):
            # A SealedJSONField seals only its sealed keys; without one, plain JSON (on
            # SQLite ``adapt_json_value`` is ``json.dumps``).
            if type(v) is dict and sealed.isdisjoint(v):
                return plain(v) if plain else ops.adapt_json_value(v, f.encoder)
            return f.get_db_prep_save(v, db)

        return payload
    if f.get_internal_type() in ("BigIntegerField", "DecimalField"):  # the same each time
        cache: dict = {}

        def amount(v):
            found = cache.get(v)
            if found is None:
                if len(cache) > 100_000:
                    cache.clear()
                found = cache[v] = f.get_db_prep_save(v, db)
            return found

        return amount
    return lambda v: f.get_db_prep_save(v, db)


_PROJECT_FIELDS = Project._meta.concrete_fields
_PROJECT_DEFAULTS = {f.attname: f.get_default() for f in _PROJECT_FIELDS}
_PROJECT_ORDER = [f.attname for f in _PROJECT_FIELDS]
_PROJECT_RELATIONS = {f.name: f.attname for f in _PROJECT_FIELDS if f.is_relation}
_PROJECT_CALLABLE = [f for f in _PROJECT_FIELDS if f.has_default() and callable(f.default)]


def _new_project(**values) -> Project:
    """Return ``Project(**values)``, built the way Django builds a row it reads (values
    in column order, related objects cached): the same instance, in a third of the time."""
    row = dict(_PROJECT_DEFAULTS)
    for f in _PROJECT_CALLABLE:
        row[f.attname] = f.get_default()
    related = {}
    for name, value in values.items():
        attname = _PROJECT_RELATIONS.get(name)
        if attname is None:
            row[name] = value
        else:
            row[attname] = None if value is None else value.pk
            related[name] = value
    project = Project(*[row[a] for a in _PROJECT_ORDER])
    project._state.fields_cache.update(related)
    return project
