import pytest

from baton.testing import make_world


@pytest.fixture
def w(db):
    """The shared test world with its personas (see baton/testing.py)."""
    return make_world()
