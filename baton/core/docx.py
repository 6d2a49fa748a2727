"""Writing Word documents the same way everywhere: Chinese fonts set on the styles.

python-docx sets only the Latin font; Word needs the East Asian one named on the style
too, or Chinese text falls back to whatever the reader's Word picks.
"""

from docx.oxml.ns import qn

BODY_FONT = "宋体"
HEAD_FONT = "黑体"
LATIN_FONT = "Times New Roman"


def east_asian(style, name: str) -> None:
    """Give ``style`` the Latin font and ``name`` as its East Asian font."""
    style.font.name = LATIN_FONT
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)
