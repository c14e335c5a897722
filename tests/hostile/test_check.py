"""The assertion helper itself: each promise it checks, it can see broken."""

from __future__ import annotations

import contextlib
import logging
import socket
import time

import pytest
from _check import outcome

import bedrock_token_lite as btl

SECRET = "CanaryCheckSecret5Gh2Lp"


def _raise(exc: BaseException) -> None:
    raise exc


def test_a_library_error_is_returned() -> None:
    error = btl.InvalidParameterError("fine")
    assert outcome(lambda: _raise(error), secrets=[SECRET]) == (None, error)


def test_a_result_is_returned() -> None:
    assert outcome(lambda: 42) == (42, None)


@pytest.mark.parametrize(
    "call",
    [
        lambda: _raise(KeyError("x")),
        lambda: _raise(btl.InvalidParameterError("has " + SECRET[3:15])),
        lambda: _chained(),
        lambda: logging.getLogger("x").debug("secret %s", SECRET),
        lambda: time.sleep(0.3),
        lambda: _swallowed_connect(),
        lambda: btl.Credentials("AK", SECRET).__dict__,
    ],
    ids=["builtin", "fragment", "chained", "logged", "slow", "network", "result-repr"],
)
def test_each_broken_promise_fails(call: object) -> None:
    with pytest.raises(AssertionError):
        outcome(call, secrets=[SECRET], seconds=0.2, clean_repr=True)  # type: ignore[arg-type]


def _chained() -> None:
    try:
        raise RuntimeError(SECRET)
    except RuntimeError as exc:
        raise btl.InvalidParameterError("clean") from exc


def _swallowed_connect() -> None:
    """A connection attempt whose error the code swallows: still caught by the guard."""
    with contextlib.suppress(OSError):
        socket.create_connection(("192.0.2.1", 9), timeout=0.1)
