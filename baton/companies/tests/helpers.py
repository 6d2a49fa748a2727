"""Valid credit codes for the tests: 17 characters and their check character."""

from baton.core.uscc import check_character


def code(first17: str) -> str:
    return first17 + check_character(first17)


CATL = code("91350900587527783")
BYD = code("91440300192317458")
OTHER = code("91350200MA2XY1234")


def bad(valid: str) -> str:
    """``valid`` with a wrong check character."""
    return valid[:17] + ("1" if valid[17] != "1" else "2")
