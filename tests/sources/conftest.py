"""Fixtures of the source tests."""

from __future__ import annotations

import pytest
from sources_fakes import FakeClock

from caseminer.sources.http import BucketRegistry


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def buckets(clock: FakeClock) -> BucketRegistry:
    return BucketRegistry(clock=clock, sleep=clock.sleep)
