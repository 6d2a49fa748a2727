"""Each API schema has a name of its own: the OpenAPI document names its components by
the class name, so two ``EventOut`` classes in two apps would silently share one (and the
document would describe one app's answer with the other's fields)."""

from collections import Counter

from ninja import Schema

from config.api import api


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_no_two_schemas_share_a_name():
    api.get_openapi_schema()  # imports every router's schemas
    names = Counter(
        cls.__name__ for cls in set(_subclasses(Schema)) if cls.__module__.startswith("baton.")
    )
    assert [name for name, n in names.items() if n > 1] == []
