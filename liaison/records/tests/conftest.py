from __future__ import annotations

import pytest

from liaison.testing import World, hold, weekly


@pytest.fixture
def held(world: World) -> World:
    """The world with a weekly cadence whose first session (5 Jan 2024) was held."""
    weekly(world)
    hold(world)
    return world
