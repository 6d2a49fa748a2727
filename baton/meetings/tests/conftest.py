import pytest

from baton.testing import make_world

from .helpers import world


@pytest.fixture
def w(db):
    return world(make_world())
