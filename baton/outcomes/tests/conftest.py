import pytest

from baton.testing import make_world


@pytest.fixture
def w(db):
    return make_world()
