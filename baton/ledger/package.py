"""An .xlsx's parts, checked as the reader will follow them.

python-calamine does not read the parts the file's names suggest: it follows
``_rels/.rels`` to the workbook, the workbook's relationships to its sheets, finds zip
entries regardless of case, takes the first of two sheets with one name, and when it
cannot open a file as .xlsx it tries .xlsb and .ods, whose formulas the XML scan cannot
see. So the scan follows the same relationships the same way, refuses what a real Excel
workbook never holds (a part without a content type, a binary sheet, a part referenced
but missing, two parts or two sheets of one name, an ambiguous name, a non-UTF-8 XML
part) and names the parts whose cells must be checked, whatever they are called.
"""

import posixpath
import re
import zipfile
from dataclasses import dataclass
from urllib.parse import unquote
from xml.etree import ElementTree

WORKBOOK = "xl/workbook.xml"
CONTENT_TYPES = "[Content_Types].xml"
_SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.{}+xml"
SHEET_TYPES = {_SHEET_TYPE.format(kind) for kind in ("worksheet", "chartsheet", "dialogsheet")}

#: Text of an XML part starts (after a UTF-8 byte-order mark and blanks) with ``<``.
_XML_START = re.compile(rb"\A(?:\xef\xbb\xbf)?[ \t\r\n]*<")
_ENCODING = re.compile(rb"""<\?xml[^>]*?encoding\s*=\s*["']([^"']*)["']""")
#: Names of parts: no backslash (calamine reads it as a slash), no ``&`` (a reference
#: resolves one way in the relationships and another in calamine), no control
#: characters, no ``.``/``..`` segments.
_BAD_NAME = re.compile(r"[\\&\x00-\x1f\x7f]|(?:^|/)\.{1,2}(?:/|$)|//|^/")
#: The parts of an .xlsb (``…sheet.binary.macroEnabled.main``, ``…worksheet``, …).
_BINARY_EXCEL = re.compile(r"^application/vnd\.ms-excel\.(sheet\.binary\.|[a-z]+$)", re.IGNORECASE)


class PackageError(Exception):
    """The workbook's structure is refused; the message says why, for the user."""


@dataclass(frozen=True)
class Part:
    """What one streaming pass saw of a part's bytes."""

    xml: bool  # XML by content (or by name)
    formula: bool  # holds bytes that may start a formula element


def sniff(head: bytes, name: str) -> bool:
    """Return whether a part is XML by its first bytes or by its name."""
    return bool(_XML_START.match(head)) or name.lower().endswith((".xml", ".rels"))


def check_encoding(head: bytes, name: str) -> None:
    """Refuse an XML part that is not UTF-8: the byte scans read UTF-8 only."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\0" in head:
        raise PackageError(
            f"工作簿部件 {name} 不是 UTF-8 编码的 XML，不像 Excel 保存的文件，已拒绝。"
        )
    declared = _ENCODING.search(head[:1024])
    if declared and declared.group(1).lower() not in (b"utf-8", b"utf8"):
        raise PackageError(
            f"工作簿部件 {name} 声明的编码为 {declared.group(1).decode('ascii', 'replace')}，"
            "不是 UTF-8，不像 Excel 保存的文件，已拒绝。"
        )


def check_names(infos: list[zipfile.ZipInfo]) -> None:
    """Refuse foreign formats and names that could be read as another part."""
    seen: dict[str, str] = {}
    for info in infos:
        name = info.filename
        if _BAD_NAME.search(name):
            raise PackageError(f"工作簿部件名“{name[:100]}”不规范，不像 Excel 保存的文件，已拒绝。")
        key = name.lower()
        if key in seen:
            raise PackageError(
                f"工作簿中有重复的部件 {name}"
                if seen[key] == name
                else f"工作簿中部件 {seen[key]} 与 {name} 仅大小写不同，无法确定读取哪一个，已拒绝。"
            )
        seen[key] = name
    if "mimetype" in seen or "content.xml" in seen:
        raise PackageError(
            "文件含有 OpenDocument 表格（.ods）的部件，请在 Excel 中另存为 .xlsx 后再导入。"
        )
    if "xl/workbook.bin" in seen or "xl/_rels/workbook.bin.rels" in seen:
        raise PackageError(_XLSB)


_XLSB = "这是二进制格式（.xlsb）的工作簿或含二进制工作表，请在 Excel 中另存为 .xlsx 后再导入。"


def read_package(archive: zipfile.ZipFile, parts: dict[str, Part]) -> dict[str, str]:
    """Return {sheet name: the part calamine reads for it}, in the workbook's order, of a
    workbook whose parts have been streamed once (``parts``: none with a DTD), or raise
    PackageError."""
    names = {name.lower(): name for name in parts}
    types = _content_types(archive, parts)
    for rels in [n for n in parts if _rels_source(n) is not None]:
        _check_targets(archive, rels, names)
    _check_office_document(archive)
    sheets = _sheets(archive, names)
    for sheet, path in sheets.items():
        if types[path] not in SHEET_TYPES:
            raise PackageError(
                f"工作表“{sheet}”的部件 {path} 不是工作表（类型：{types[path]}），已拒绝。"
            )
    return sheets


def _parse(archive: zipfile.ZipFile, name: str) -> ElementTree.Element:
    try:
        return ElementTree.fromstring(archive.read(name))  # noqa: S314 (no DTD: streamed first)
    except (KeyError, ElementTree.ParseError):
        raise PackageError(f"工作簿结构已损坏（{name} 缺失或无法解析）。") from None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _content_types(archive: zipfile.ZipFile, parts: dict[str, Part]) -> dict[str, str]:
    """Return {part: content type}; refuse a part without one, a binary Excel part, and a
    part declared XML whose bytes are not."""
    root = _parse(archive, CONTENT_TYPES)
    defaults, overrides = {}, {}
    for element in root.iter():
        tag = _local(element.tag)
        if tag == "Default":
            defaults.setdefault(
                element.get("Extension", "").lower(), element.get("ContentType", "")
            )
        elif tag == "Override":
            part = element.get("PartName", "").lstrip("/").lower()
            overrides.setdefault(part, element.get("ContentType", ""))
    types = {}
    for name, part in parts.items():
        if name == CONTENT_TYPES or name.endswith("/"):
            continue
        leaf = name.rsplit("/", 1)[-1]
        extension = leaf.rsplit(".", 1)[-1].lower() if "." in leaf else None
        kind = overrides.get(name.lower()) or defaults.get(extension)
        if not kind:
            raise PackageError(
                f"工作簿部件 {name} 没有声明类型（[Content_Types].xml），不像 Excel 保存的文件，已拒绝。"
            )
        if _BINARY_EXCEL.match(kind):
            raise PackageError(_XLSB)
        declared_xml = kind.lower().endswith("+xml") or kind.lower() in (
            "application/xml",
            "text/xml",
        )
        if declared_xml and not part.xml:
            raise PackageError(f"工作簿部件 {name} 应为 XML，内容却不是，文件已损坏或被替换。")
        types[name] = kind
    return types


def _rels_source(name: str) -> str | None:
    """Return the folder a relationships part's targets are relative to, or None."""
    folder, _, leaf = name.rpartition("/")
    if not leaf.lower().endswith(".rels"):
        return None
    if folder.lower() == "_rels":
        return ""
    if folder.lower().endswith("/_rels"):
        return folder[: -len("/_rels")]
    return None


def _relationships(archive: zipfile.ZipFile, name: str) -> list[ElementTree.Element]:
    relationships = [e for e in _parse(archive, name).iter() if _local(e.tag) == "Relationship"]
    ids = [r.get("Id") for r in relationships]
    if len(ids) != len(set(ids)):
        raise PackageError(f"工作簿部件 {name} 中有重复的关系编号，已拒绝。")
    return relationships


def _check_targets(archive: zipfile.ZipFile, rels: str, names: dict[str, str]) -> None:
    """Refuse a relationship to a part the file does not hold."""
    base = _rels_source(rels)
    for relationship in _relationships(archive, rels):
        if relationship.get("TargetMode", "Internal") == "External":
            continue
        target = relationship.get("Target", "")
        path = target[1:] if target.startswith("/") else posixpath.join(base, target)
        path = posixpath.normpath(path) if path else path
        if path.lower() not in names:
            path = unquote(path)  # a target is a URI: a space is written %20
        if not path or path.startswith("..") or path.lower() not in names:
            raise PackageError(
                f"工作簿引用的部件 {path or '（空）'} 不存在（{rels}），文件已损坏，"
                "请用 Excel 打开检查后重新保存。"
            )


def _check_office_document(archive: zipfile.ZipFile) -> None:
    """The package's main part is xl/workbook.xml: calamine reads the workbook, its
    relationships and its shared strings in the folder that relationship names."""
    documents = [
        r.get("Target", "")
        for r in _relationships(archive, "_rels/.rels")
        if r.get("Type", "").endswith("/relationships/officeDocument")
    ]
    if documents not in (["xl/workbook.xml"], ["/xl/workbook.xml"]):
        raise PackageError(
            f"工作簿的主部件应为 {WORKBOOK}（文件指向 {'、'.join(documents) or '无'}），"
            "不像 Excel 保存的文件，已拒绝。"
        )


def _sheets(archive: zipfile.ZipFile, names: dict[str, str]) -> dict[str, str]:
    """Return {sheet name: part}, resolved as calamine resolves them: an absolute target
    without its slash, any other one under xl/, the zip entry found regardless of case."""
    targets = {
        r.get("Id"): (r.get("Target", ""), r.get("Type", ""))
        for r in _relationships(archive, "xl/_rels/workbook.xml.rels")
    }
    sheets: dict[str, str] = {}
    folded = set()
    for element in _parse(archive, WORKBOOK).iter():
        if _local(element.tag) != "sheet":
            continue
        name = element.get("name", "")
        ids = [value for key, value in element.attrib.items() if _local(key) == "id"]
        if name in sheets or name.casefold() in folded:
            raise PackageError(f"工作簿中有重名的工作表“{name}”，已拒绝。")
        folded.add(name.casefold())
        if len(ids) != 1 or ids[0] not in targets:
            raise PackageError(f"工作表“{name}”的部件引用无效，工作簿已损坏。")
        target, _kind = targets[ids[0]]
        path = target[1:] if target.startswith("/") else "xl/" + target
        if not path or posixpath.normpath(path) != path or path.lower() not in names:
            raise PackageError(
                f"工作簿结构已损坏（工作表“{name}”的部件 {path} 不存在或路径不规范）。"
            )
        sheets[name] = names[path.lower()]
    return sheets
