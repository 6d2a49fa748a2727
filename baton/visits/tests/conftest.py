import pytest

from baton.testing import make_world

from .helpers import people, two_companies


@pytest.fixture
def w(db):
    return two_companies(people(make_world()))
