"""Fixtures of the network tests: loopback servers and isolated homes."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Callable, Iterator, List

import pytest

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))  # _loopback, _oracle

from _loopback import LoopbackServer  # noqa: E402


@pytest.fixture
def serve() -> Iterator[Callable[..., LoopbackServer]]:
    """Start scripted loopback servers; all are stopped when the test ends."""
    started: List[LoopbackServer] = []

    def start(routes=None) -> LoopbackServer:  # type: ignore[no-untyped-def]
        server = LoopbackServer(routes).__enter__()
        started.append(server)
        return server

    yield start
    for server in started:
        server.__exit__(None, None, None)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """An empty temporary HOME with an empty ~/.aws directory."""
    (tmp_path / ".aws").mkdir()
    return tmp_path


@pytest.fixture(scope="session")
def botocore_oracle(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """One botocore process for the session; it forks a fresh child per scenario."""
    from _oracle import BotocoreOracle

    oracle = BotocoreOracle(tmp_path_factory.mktemp("oracle-home"))
    yield oracle
    oracle.close()
