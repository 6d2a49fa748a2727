"""A text as an office receives it: pasted, a saved web page, a .docx or a text PDF.

Whatever the form, the result is one plain string; a file that is none of these (an
image, a spreadsheet, a scanned PDF, random bytes) is refused with a ``ReadError`` that
says so in Chinese. ``normalise`` then makes full-width characters half-width and
traditional characters simplified, one character for one, so that every offset into
the normalised text is an offset into the text the user gave (the page marks it up).
"""

import functools
import io
import re
import zipfile

#: The largest file or pasted text read (a 10 MB text is read in seconds).
MAX_BYTES = 20 * 1024 * 1024


#: What can be read, said after a refusal.
READABLE = "可读取的是文本（.txt）、网页（.html）、Word（.docx）和文字版 PDF。"


class ReadError(ValueError):
    """The input cannot be read as a text; the message says why, in Chinese."""


def read_bytes(data: bytes, name: str = "") -> str:
    """Return the text of a file's bytes (``name`` only hints at its kind)."""
    if len(data) > MAX_BYTES:
        raise ReadError(f"文件过大（{len(data) // 1024 // 1024} MB），不能超过 20 MB。")
    if not data.strip():
        raise ReadError("文件是空的，没有可读取的文字。")
    lower = name.lower()
    if data.startswith(b"%PDF"):
        return _pdf(data)
    if data.startswith(b"PK\x03\x04"):
        return _docx(data)
    if lower.endswith((".pdf", ".docx")):
        raise ReadError(f"{name} 不是有效的 {lower.rsplit('.', 1)[-1].upper()} 文件，可能已损坏。")
    if lower.endswith(".doc") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ReadError("不支持旧版 Word（.doc）文件，请另存为 .docx 或复制文字后粘贴。")
    text = _decode(data)
    head = text.lstrip()[:1000].lower()
    if lower.endswith((".html", ".htm")) or head.startswith(("<!doctype html", "<html")):
        return html_text(text)
    return text


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    if b"\x00" in data[:65536]:
        raise ReadError(f"这不是文本文件（含有二进制内容）；{READABLE}")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _mostly_text(text):
            return text
    raise ReadError("无法识别文件的文字编码（支持 UTF-8 和 GBK），或这不是文本文件。")


def _mostly_text(text: str) -> bool:
    sample = text[:20000]
    if not sample:
        return False
    bad = sum(
        1 for c in sample if (ord(c) < 32 and c not in "\r\n\t\f") or "\ue000" <= c <= "\uf8ff"
    )
    return bad / len(sample) < 0.01


def _pdf(data: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise ReadError("PDF 已加密，无法读取文字。")
        text = "\n".join(page.extract_text() or "" for page in reader.pages)
    except ReadError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise ReadError(f"无法读取该 PDF（{type(exc).__name__}），文件可能已损坏。") from None
    if not text.strip():
        raise ReadError("PDF 中没有可读取的文字（可能是扫描件），请上传文字版 PDF 或粘贴文字。")
    return text


def _docx(data: bytes) -> str:
    from docx import Document

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if "word/document.xml" not in archive.namelist():
                raise ReadError(f"这不是 Word（.docx）文件；{READABLE}")
        document = Document(io.BytesIO(data))
    except ReadError:
        raise
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ReadError(f"无法读取该 Word 文件（{type(exc).__name__}），文件可能已损坏。") from None
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append("\t".join(cell.text for cell in row.cells))
    text = "\n".join(lines)
    if not text.strip():
        raise ReadError("Word 文件中没有文字。")
    return text


_BLOCKS = re.compile(r"(?is)<(script|style|noscript|template)\b.*?</\1\s*>|<!--.*?-->")
_BREAKS = re.compile(
    r"(?i)<(?:br|/p|/div|/h[1-6]|/li|/tr|/td|/th|/section|/article|/title)\b[^>]*>"
)


def html_text(html: str) -> str:
    """Return the visible text of a saved web page, one block a line."""
    import lxml.html

    html = _BLOCKS.sub(" ", html)
    html = _BREAKS.sub(lambda m: m.group(0) + "\n", html)
    try:
        root = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):  # type: ignore[attr-defined]
        raise ReadError("网页内容无法解析。") from None
    text = root.text_content()
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return "\n".join(line for line in lines if line)


@functools.cache
def _table() -> dict[int, str]:
    """Full-width ASCII to half-width, the ideographic space to a space, and the
    traditional characters that have one simplified form (zhconv's zh-cn table)."""
    from zhconv import zhconv

    table = {0xFF01 + i: chr(0x21 + i) for i in range(0x5E)}
    table[0x3000] = " "
    table.update({ord(k): v for k, v in zhconv.getdict("zh-cn").items() if len(k) == len(v) == 1})
    # Quotes and dashes are kept apart from the ASCII ones a reader would not notice.
    for char in "“”‘’「」『』":
        table.pop(ord(char), None)
    return table


def normalise(text: str) -> str:
    """Return ``text`` half-width and simplified, character for character (same length)."""
    return text.translate(_table())
