"""Sentences every app says alike about any field, file or import, written once."""

from collections.abc import Iterable


def required(label: str) -> str:
    """A value that must be given: “项目名称不能为空。”"""
    return f"{label}不能为空。"


def unknown_fields(names: Iterable[str]) -> str:
    """Fields a write was given that it does not change."""
    return f"不能修改这些字段：{'、'.join(sorted(names))}。"


def dry_run(summary: str) -> str:
    """The summary of an import that only checked its file."""
    return f"试导入（未写入）：{summary}。"
