"""The one assertion set every hostile-input case goes through (imported as ``_check``).

The package promises, for any input: each public entry point returns or raises
a ``BedrockTokenError``, in bounded time, and no planted secret shows in what
an exception says (its str, its repr, its ``__cause__``/``__context__`` chain)
or in a log record.  :func:`outcome` runs one call and checks all of that.
"""

from __future__ import annotations

import logging
import socket
import time
from typing import Any, Callable, Iterable, Iterator, List, Optional, Tuple, Type

import bedrock_token_lite as btl

#: A secret counts as leaked when any run of this many of its characters shows.
FRAGMENT = 12


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.records: List[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def fragments(secret: str) -> Iterator[str]:
    """The secret itself when short, else every ``FRAGMENT``-long run of it."""
    if len(secret) <= FRAGMENT:
        yield secret
        return
    for start in range(len(secret) - FRAGMENT + 1):
        yield secret[start : start + FRAGMENT]


def assert_clean(text: str, secrets: Iterable[str], where: str) -> None:
    """No secret (nor a ``FRAGMENT``-long piece of one) in ``text``."""
    for secret in secrets:
        if not secret:
            continue
        for piece in fragments(secret):
            # The message names where, never the text (which would print the secret).
            assert piece not in text, "a planted secret shows in %s" % where


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen = set()
    todo: List[BaseException] = [exc]
    while todo:
        current = todo.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        for linked in (current.__cause__, current.__context__):
            if linked is not None:
                todo.append(linked)


def _texts(exc: BaseException) -> Iterator[Tuple[str, str]]:
    yield "str(exc)", str(exc)
    yield "repr(exc)", repr(exc)
    for depth, linked in enumerate(_chain(exc)):
        if depth:
            yield "the cause/context chain (%s)" % type(linked).__name__, str(linked)
            yield "the cause/context chain (%s)" % type(linked).__name__, repr(linked)


def _only_loopback(address: Any) -> bool:
    host = address[0] if isinstance(address, tuple) and address else address
    return host in ("127.0.0.1", "::1", "localhost", b"127.0.0.1", b"localhost")


class _NoNetwork:
    """Refuse (with an ``OSError``, as an unreachable host would) any non-loopback connect."""

    def __init__(self) -> None:
        self.attempts: List[str] = []
        self._saved: Any = None
        self._saved_lookup: Any = None

    def __enter__(self) -> _NoNetwork:
        self._saved = socket.socket.connect
        self._saved_lookup = socket.getaddrinfo
        saved = self._saved
        lookup = self._saved_lookup
        attempts = self.attempts

        def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
            if not _only_loopback((host,)):
                attempts.append("getaddrinfo")
                raise socket.gaierror("hostile-input tests never look up names")
            return lookup(host, *args, **kwargs)

        def connect(sock: socket.socket, address: Any) -> Any:
            if not _only_loopback(address):
                attempts.append(type(address).__name__)
                raise OSError("hostile-input tests never leave loopback")
            return saved(sock, address)

        socket.socket.connect = connect  # type: ignore[method-assign,assignment]
        socket.getaddrinfo = getaddrinfo
        return self

    def __exit__(self, *exc: object) -> None:
        socket.socket.connect = self._saved  # type: ignore[method-assign]
        socket.getaddrinfo = self._saved_lookup


def outcome(
    call: Callable[[], Any],
    *,
    secrets: Iterable[str] = (),
    seconds: float = 5.0,
    also: Tuple[Type[BaseException], ...] = (),
    clean_repr: bool = False,
) -> Tuple[Any, Optional[BaseException]]:
    """Run ``call()``; return ``(result, None)`` or ``(None, the BedrockTokenError)``.

    Fails the test when the call raises anything but a ``BedrockTokenError``
    (or one of ``also``; showing the type only, since the message may quote a
    secret), takes longer than ``seconds``, tries to reach a non-loopback
    address, or lets a planted secret (or a ``FRAGMENT``-long piece of one)
    into the exception's texts, its cause/context chain or a log record (or,
    with ``clean_repr``, into the result's repr).
    """
    secrets = [s for s in secrets if s]
    handler = _Records()
    root = logging.getLogger()
    saved_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    result: Any = None
    error: Optional[BaseException] = None
    started = time.monotonic()
    try:
        with _NoNetwork() as guard:
            try:
                result = call()
            except btl.BedrockTokenError as exc:
                error = exc
            except also as exc:
                error = exc
            except Exception as exc:
                raise AssertionError(
                    "not a BedrockTokenError: %s.%s"
                    % (type(exc).__module__, type(exc).__qualname__)
                ) from None
    finally:
        elapsed = time.monotonic() - started
        root.removeHandler(handler)
        root.setLevel(saved_level)
    assert not guard.attempts, "the call tried to reach a non-loopback address"
    assert elapsed <= seconds, "the call took %.1f s (limit %.1f s)" % (elapsed, seconds)
    if error is None and clean_repr:
        assert_clean(repr(result), secrets, "repr(result)")
    if error is not None:
        for where, text in _texts(error):
            assert_clean(text, secrets, where)
    for record in handler.records:
        try:
            message = record.getMessage()
        except Exception:
            raise AssertionError("a log record cannot be formatted") from None
        assert_clean(message, secrets, "a log record (%s)" % record.name)
        if record.exc_info and record.exc_info[1] is not None:
            for where, text in _texts(record.exc_info[1]):
                assert_clean(text, secrets, "a logged exception: " + where)
    return result, error
