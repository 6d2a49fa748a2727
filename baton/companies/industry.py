"""行业代码 of GB/T 4754-2017 (国民经济行业分类): a section letter, then its division.

A code is the section (门类, A–T) alone, or the section with a division (大类, two
digits), a group (中类, three) or a class (小类, four): C, C38, C384, C3841. The
division must be one of its section's; groups and classes are checked by shape only.
"""

import re

from django.core.exceptions import ValidationError

#: Each section: its name and the range of its divisions (大类), both ends included.
SECTIONS: dict[str, tuple[str, int, int]] = {
    "A": ("农、林、牧、渔业", 1, 5),
    "B": ("采矿业", 6, 12),
    "C": ("制造业", 13, 43),
    "D": ("电力、热力、燃气及水生产和供应业", 44, 46),
    "E": ("建筑业", 47, 50),
    "F": ("批发和零售业", 51, 52),
    "G": ("交通运输、仓储和邮政业", 53, 60),
    "H": ("住宿和餐饮业", 61, 62),
    "I": ("信息传输、软件和信息技术服务业", 63, 65),
    "J": ("金融业", 66, 69),
    "K": ("房地产业", 70, 70),
    "L": ("租赁和商务服务业", 71, 72),
    "M": ("科学研究和技术服务业", 73, 75),
    "N": ("水利、环境和公共设施管理业", 76, 79),
    "O": ("居民服务、修理和其他服务业", 80, 82),
    "P": ("教育", 83, 83),
    "Q": ("卫生和社会工作", 84, 85),
    "R": ("文化、体育和娱乐业", 86, 90),
    "S": ("公共管理、社会保障和社会组织", 91, 96),
    "T": ("国际组织", 97, 97),
}
_SHAPE = re.compile(r"^([A-T])(\d{2}(\d{1,2})?)?$")


def section_of(code: str) -> str:
    """Return the name of the code's section (制造业), blank for a blank or unknown code."""
    entry = SECTIONS.get((code or "")[:1])
    return entry[0] if entry else ""


def clean_industry_code(value) -> str:
    """Return a GB/T 4754 code in capitals (blank stays blank), or refuse it.

    A division given without its letter (3841) gets the letter of its section (C3841).
    """
    code = re.sub(r"\s+", "", str(value or "")).upper()
    if not code:
        return ""
    if code.isdigit() and len(code) in (2, 3, 4):
        division = int(code[:2])
        code = next((s for s, (_n, lo, hi) in SECTIONS.items() if lo <= division <= hi), "") + code
    match = _SHAPE.match(code)
    if not match:
        raise ValidationError(
            "行业代码应为国民经济行业分类（GB/T 4754）代码：门类字母加 2–4 位数字，如 C3841。"
        )
    if match[2]:
        _name, low, high = SECTIONS[match[1]]
        if not low <= int(match[2][:2]) <= high:
            raise ValidationError(
                f"行业代码 {code} 的大类不属于门类 {match[1]}（{SECTIONS[match[1]][0]}）。"
            )
    return code
