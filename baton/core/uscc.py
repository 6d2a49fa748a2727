"""统一社会信用代码 (unified social credit code) as GB 32100-2015 defines it.

18 characters from 0–9 and the capitals without I, O, Z, S, V: 登记管理部门 (1),
机构类别 (1), 登记管理机关行政区划码 (6 digits), 主体标识码 (9, the organisation code
of GB 11714), and a check character over the first 17 (weights 3^i mod 31).
"""

import re

from django.core.exceptions import ValidationError

#: The 31 characters a code is written in; a character's value is its position.
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
#: The weight of each of the first 17 characters: 3^i mod 31.
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
_SHAPE = re.compile(rf"^[{ALPHABET}]{{2}}[0-9]{{6}}[{ALPHABET}]{{10}}$")


def check_character(first17: str) -> str:
    """Return the 18th character of a code that begins with ``first17``."""
    total = sum(ALPHABET.index(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def clean_uscc(value) -> str:
    """Return a 统一社会信用代码 in capitals (blank stays blank), or refuse it."""
    code = re.sub(r"\s+", "", str(value or "")).upper()
    if not code:
        return ""
    if len(code) != 18:
        raise ValidationError(f"统一社会信用代码应为 18 位（现为 {len(code)} 位）。")
    if not _SHAPE.match(code):
        raise ValidationError(
            "统一社会信用代码只能由数字和大写字母（不含 I、O、Z、S、V）组成，第 3–8 位为行政区划码。"
        )
    if check_character(code[:17]) != code[17]:
        raise ValidationError("统一社会信用代码校验位不正确，请核对是否抄错。")
    return code
