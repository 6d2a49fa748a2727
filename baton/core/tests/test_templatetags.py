"""The site-wide template filters."""

import pytest

from baton.core.templatetags.baton import tel


@pytest.mark.parametrize(
    ("phone", "href"),
    [
        ("13812341234", "tel:13812341234"),
        ("+86 138-1234-1234", "tel:+8613812341234"),
        ("(0592)1234567", "tel:05921234567"),
        ("0592-7777777转123", "tel:05927777777,123"),
        ("138****1234", ""),
        ("0592-***4567", ""),
        ("****", ""),
        ("", ""),
        (None, ""),
        ("转123", ""),
    ],
)
def test_a_whole_number_becomes_a_tap_to_call_target(phone, href):
    assert tel(phone) == href
