"""An audit record as an auditor reads it: Chinese field names, names instead of ids,
role names, and each change as old → new.

The record keeps what was written (ids, codes, JSON); this only reads it for the page
and the export. Models are looked up by the record's ``object_type`` at run time, so the
audit app imports none of the apps above it.
"""

from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db import models

#: Facts written under names that are not a field of the object.
_LABELS = {
    "role": "角色",
    "city": "市",
    "district": "区",
    "unit": "单位",
    "is_active": "启用",
    "rows": "行数",
    "reason": "原因",
    "username": "用户名",
}
EMPTY = "—"


@dataclass(frozen=True)
class Change:
    label: str
    old: str
    new: str

    def __str__(self) -> str:
        return f"{self.label}：{self.old} → {self.new}"


def _model(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type) if "." in object_type else None
    except (LookupError, ValueError):
        return None


def object_type_label(object_type: str) -> str:
    """``projects.project`` → 项目 (the model's verbose_name), else as written."""
    model = _model(object_type)
    return str(model._meta.verbose_name) if model else object_type


def role_label(role: str) -> str:
    """A role code as its Chinese name: district_office → 区招商办."""
    return str(dict(get_user_model().Role.choices).get(role, role))


def _field(model, key: str):
    if model is None:
        return None
    for name in (key, key.removesuffix("_id")):
        try:
            return model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
    return None


def _shown(field, key: str, value) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return EMPTY
    if isinstance(value, bool):
        return "是" if value else "否"
    if key == "role":
        return role_label(value)
    if field is not None and field.is_relation and field.related_model is not None:
        if isinstance(value, list):
            return "、".join(_shown(field, key, v) for v in value)
        if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
            related = field.related_model._base_manager.filter(pk=value).first()
            return str(related) if related is not None else f"#{value}（已删除）"
        return str(value)  # written as a name already
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)


def changes(record) -> list[Change]:
    """Each fact of ``before`` and ``after`` as 字段：旧 → 新 (keys starting with _ are the
    record's own bookkeeping, left out)."""
    before, after = record.before or {}, record.after or {}
    if not isinstance(before, dict) or not isinstance(after, dict):
        return []
    model = _model(record.object_type)
    keys = [k for k in dict.fromkeys([*before, *after]) if not str(k).startswith("_")]
    rows = []
    for key in keys:
        field = _field(model, key)
        label = str(field.verbose_name) if field is not None else _LABELS.get(key, key)
        rows.append(
            Change(label, _shown(field, key, before.get(key)), _shown(field, key, after.get(key)))
        )
    return rows
