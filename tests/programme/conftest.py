import pytest

from tests import factories as f

from . import factories as pf


@pytest.fixture
def room(space):
    return f.ResourceFactory(space=space, name="Hall", capacity=80)


@pytest.fixture
def occurrence(space):
    """A public talk in ``space`` in three days, two places."""
    return pf.occurrence_with_places(space, capacity=2, title="Who owns the city?")
