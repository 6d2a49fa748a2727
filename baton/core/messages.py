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


#: A form posted without the hidden parts the page put in it (an old tab, a crafted post).
INCOMPLETE_FORM = "表单不完整，请刷新页面后重新填写。"


def too_long(limit: int, label: str = "") -> str:
    """A text over its length: “项目名称不能超过 200 个字。”"""
    return f"{label}不能超过 {limit} 个字。"


def fill_in(label: str) -> str:
    """A value to be written in: “请填写跟进情况。”"""
    return f"请填写{label}。"


def imported(summary: str) -> str:
    """The summary of an import that wrote its file."""
    return f"已导入：{summary}。"


def file_errors(count: int, what: str = "台账") -> str:
    """Why an import wrote nothing: “台账有 3 处错误，未写入任何数据。”"""
    return f"{what}有 {count} 处错误，未写入任何数据。"


#: An upload that is not an Excel workbook.
NOT_A_WORKBOOK = "无法读取该文件，请上传 Excel 工作簿（.xlsx）。"
#: A command that imports needs to know into which district, or as whom.
DISTRICT_OR_USER = "请用 --district 指定区，或用 --user 指定导入人。"
#: What a page says after a change was saved, and after a note was added.
SAVED = "已保存修改。"
NOTE_ADDED = "已添加跟进记录。"
