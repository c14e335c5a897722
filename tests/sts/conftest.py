"""Fixtures of the STS/SSO tests: a fake AWS on 127.0.0.1 and a private HOME."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest
from sts_harness import FakeAWS


@pytest.fixture
def aws() -> Iterator[FakeAWS]:
    with FakeAWS() as server:
        yield server


@pytest.fixture
def home(tmp_path: Path) -> Path:
    path = tmp_path / "home"
    (path / ".aws").mkdir(parents=True)
    return path


@pytest.fixture(scope="session", autouse=True)
def _botocore_helpers() -> Iterator[None]:
    yield
    from sts_harness import close_zygotes

    close_zygotes()
