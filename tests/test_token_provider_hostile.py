"""TokenProvider against hostile sources, clocks and loggers: the single flight always finishes.

Every caller runs in a daemon thread joined with a timeout, so a flight that is never
finished fails the test ("still waiting") instead of hanging the suite.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import threading
import time
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Iterator, List, Optional, Tuple

import pytest

import bedrock_token_lite as btl
import bedrock_token_lite._provider as provider_module

T0 = datetime(2026, 6, 1, 12, 0, 0, tzinfo=timezone.utc)
SECRET = "secret-CANARY-5c03e9"
SESSION = "session-CANARY-b41d7a"
WAIT = 5.0  # seconds a caller may take before the test calls it a hang


class PlantedError(Exception):
    """A third-party error whose text echoes a secret."""

    def __str__(self) -> str:
        return "could not use " + SECRET

    def __repr__(self) -> str:
        return "PlantedError(%r)" % SECRET


class UnprintableError(Exception):
    """A third-party error whose ``str`` and ``repr`` raise."""

    def __str__(self) -> str:
        raise RuntimeError("no str for you")

    def __repr__(self) -> str:
        raise RuntimeError("no repr for you")


class VendorOSError(OSError):
    """A non-builtin subclass of a builtin, with a secret in its text."""


#: (name, factory, kept): ``kept`` means callers get an error that is also of the raised
#: class (a ``ForeignError`` naming it), or the raised instance itself when it is ours.
ERRORS: List[Tuple[str, Callable[[], BaseException], bool]] = [
    ("KeyboardInterrupt", KeyboardInterrupt, False),
    ("SystemExit", lambda: SystemExit(SECRET), False),
    ("GeneratorExit", GeneratorExit, False),
    ("CancelledError", asyncio.CancelledError, False),
    ("MemoryError", MemoryError, True),
    ("ValueError", lambda: ValueError("not today"), True),
    ("CredentialsError", lambda: btl.CredentialsError("the source is down"), True),
    ("planted secret", PlantedError, False),
    ("str raises", UnprintableError, False),
    ("OSError subclass", lambda: VendorOSError("refused " + SECRET), False),
]
PHASES = ("first", "later", "advisory", "mandatory")


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


class Source:
    """Counts ``load()``; ``fail`` is a factory of the exception to raise (after ``delay``)."""

    def __init__(self, clock: Callable[[], datetime], delay: float = 0.1) -> None:
        self.clock = clock
        self.delay = delay
        self.fail: Optional[Callable[[], BaseException]] = None
        self.raised: List[BaseException] = []
        self.loads = 0
        self.lock = threading.Lock()

    def load(self) -> btl.Credentials:
        with self.lock:
            self.loads += 1
            number = self.loads
        if self.delay:
            time.sleep(self.delay)  # long enough for every caller to join this flight
        fail = self.fail
        if fail is not None:
            error = fail()
            with self.lock:
                self.raised.append(error)
            raise error
        return btl.Credentials("AKID%04d" % number, SECRET, SESSION, method="hostile-test")


def make(clock: Optional[Callable[[], datetime]] = None) -> Tuple[btl.TokenProvider, Source]:
    clock = clock if clock is not None else Clock()
    source = Source(clock)
    provider = btl.TokenProvider(
        "us-east-1", credentials_provider=source, clock=clock, expiry=timedelta(hours=1)
    )
    return provider, source


def run_callers(calls: List[Callable[[], Any]]) -> List[Any]:
    """Start every call at once in its own daemon thread; a token or the exception each."""
    results: List[Any] = [None] * len(calls)
    start = threading.Barrier(len(calls))

    def work(index: int, call: Callable[[], Any]) -> None:
        try:
            start.wait(WAIT)
            results[index] = call()
        except BaseException as exc:  # KeyboardInterrupt & co. are results here
            results[index] = exc

    threads = [
        threading.Thread(target=work, args=(index, call), daemon=True)
        for index, call in enumerate(calls)
    ]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + WAIT
    for thread in threads:
        thread.join(timeout=max(deadline - time.monotonic(), 0.01))
    alive = sum(thread.is_alive() for thread in threads)
    assert not alive, "%d of %d callers still waiting: the flight never finished" % (
        alive,
        len(threads),
    )
    return results


def in_tasks(provider: btl.TokenProvider, count: int) -> Callable[[], List[Any]]:
    """A call that runs ``count`` asyncio tasks awaiting ``async_token`` at once."""

    async def one() -> Any:
        try:
            return await provider.async_token()
        except BaseException as exc:
            return exc

    async def main() -> List[Any]:
        return list(await asyncio.wait_for(asyncio.gather(*[one() for _ in range(count)]), WAIT))

    return lambda: asyncio.run(main())


def everybody(provider: btl.TokenProvider, threads: int = 4, tasks: int = 4) -> List[Any]:
    """Threads and asyncio tasks (in one more thread) calling at the same time."""
    calls: List[Callable[[], Any]] = [provider.token] * threads
    if tasks:
        calls.append(in_tasks(provider, tasks))
    results: List[Any] = []
    for result in run_callers(calls):
        results.extend(result if isinstance(result, list) else [result])
    return results


def text_of(value: object) -> str:
    parts = []
    for show in (str, repr):
        try:
            parts.append(show(value))
        except Exception:  # an unprintable original: nothing of it can leak
            parts.append("")
    return " ".join(parts)


def check_no_secret(results: List[Any], raised: List[BaseException]) -> None:
    """No error the library made shows a secret (the source's own instances are its text)."""
    for result in results:
        if isinstance(result, BaseException) and not any(result is r for r in raised):
            assert SECRET not in text_of(result)
            assert SESSION not in text_of(result)


def check_failure(
    results: List[Any],
    raised: List[BaseException],
    kept: bool,
    allowed_tokens: Tuple[str, ...] = (),
) -> None:
    """Each caller got a token it may get, the source's exception (when kept, or in the
    thread that ran the refresh for a non-``Exception``), or a library error caused by it."""
    originals = 0
    for result in results:
        if isinstance(result, str):
            assert result in allowed_tokens, "a caller got a token it should not"
            continue
        assert isinstance(result, BaseException), result
        if any(result is r for r in raised):
            if kept:
                assert isinstance(result, btl.BedrockTokenError), (
                    "a %s reached the caller unwrapped" % type(result).__name__
                )
            else:
                # Only a sync caller that ran the refresh itself gets what interrupted it.
                assert not isinstance(result, Exception), (
                    "a %s reached the caller unwrapped" % type(result).__name__
                )
                originals += 1
            continue
        assert isinstance(result, btl.ForeignError), repr(result)
        assert isinstance(result, btl.CredentialRetrievalError)
        assert isinstance(result, RuntimeError)
        assert any(result.original is r for r in raised)
        assert type(result.original).__name__ in str(result)
        assert result.__context__ is None
        assert result.__cause__ is None
        if kept and not isinstance(result.original, MemoryError):  # never combined
            assert isinstance(result, type(result.original))
    assert originals <= len(raised)


def recovers(provider: btl.TokenProvider, source: Source, old: Tuple[str, ...]) -> None:
    """Once the source works again, a new flight gives every caller the same new token."""
    source.fail = None
    source.delay = 0.0
    tokens = set(everybody(provider, threads=3, tasks=0))
    assert len(tokens) == 1, tokens
    forced = run_callers([provider.refresh, provider.refresh])
    assert all(isinstance(token, str) for token in forced), forced
    assert not set(forced) & set(old)
    assert run_callers([provider.token])[0] in forced


def prepare(provider: btl.TokenProvider, clock: Clock, phase: str) -> Tuple[str, ...]:
    """Put ``provider`` in ``phase``; the tokens a caller may still be given there."""
    if phase == "first":
        return ()
    first = run_callers([provider.token])[0]
    assert isinstance(first, str), first
    if phase == "later":
        clock.advance(hours=2)  # past the end: nothing left to serve
        return ()
    if phase == "advisory":
        clock.advance(minutes=52)  # 8 min left: the current token keeps being served
        return (first,)
    clock.advance(minutes=57)  # 3 min left: under refresh_before, callers wait
    return ()


@pytest.mark.parametrize("phase", PHASES)
@pytest.mark.parametrize(("name", "factory", "kept"), ERRORS, ids=[e[0] for e in ERRORS])
def test_a_source_raising_anything_never_leaves_callers_waiting(
    name: str,
    factory: Callable[[], BaseException],
    kept: bool,
    phase: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = Clock()
    provider, source = make(clock)
    served = prepare(provider, clock, phase)
    source.fail = factory
    with caplog.at_level(logging.DEBUG, logger="bedrock_token_lite"):
        results = everybody(provider)
    assert source.raised, "the hostile source was never asked"
    check_failure(results, source.raised, kept, allowed_tokens=served)
    if phase != "advisory":
        assert not any(isinstance(r, str) for r in results)
    check_no_secret(results, source.raised)
    for secret in (SECRET, SESSION):
        assert secret not in caplog.text
        assert all(secret not in str(record.args) for record in caplog.records)
    assert SECRET not in repr(provider)
    recovers(provider, source, served)


class ThreadClock(Clock):
    """While ``armed``, a thread's second and later readings raise (after a pause, so
    that the other callers join the flight): the refresh's own readings, not the
    callers' first look."""

    def __init__(self) -> None:
        super().__init__()
        self.armed: Optional[Callable[[], BaseException]] = None
        self.local = threading.local()

    def __call__(self) -> datetime:
        calls = self.local.calls = getattr(self.local, "calls", 0) + 1
        armed = self.armed
        if armed is not None and calls > 1:
            time.sleep(0.1)
            raise armed()
        return self.now


CLOCK_ERRORS = [e for e in ERRORS if e[0] in ("KeyboardInterrupt", "ValueError", "planted secret")]


@pytest.mark.parametrize("phase", ["first", "mandatory", "advisory"])
@pytest.mark.parametrize(
    ("name", "factory", "kept"), CLOCK_ERRORS, ids=[e[0] for e in CLOCK_ERRORS]
)
def test_a_clock_raising_during_the_refresh_never_leaves_callers_waiting(
    name: str, factory: Callable[[], BaseException], kept: bool, phase: str
) -> None:
    clock = ThreadClock()
    provider, source = make(clock)
    served = prepare(provider, clock, phase)
    raised: List[BaseException] = []

    def arm() -> BaseException:
        error = factory()
        raised.append(error)
        return error

    clock.armed = arm
    results = run_callers([provider.token] * 4)  # fresh threads: first readings work
    assert raised
    check_failure(results, raised, kept, allowed_tokens=served)
    check_no_secret(results, raised)
    clock.armed = None
    recovers(provider, source, served)


class TrickyTime(datetime):
    """A datetime whose subtraction raises from the second use in a thread on."""

    local = threading.local()

    def __sub__(self, other: Any) -> Any:
        uses = TrickyTime.local.uses = getattr(TrickyTime.local, "uses", 0) + 1
        if uses > 1:
            raise PlantedError()
        return datetime.__sub__(self, other)


def test_a_clock_returning_a_hostile_datetime_never_leaves_callers_waiting() -> None:
    def clock() -> datetime:
        return TrickyTime(2026, 6, 1, 12, tzinfo=timezone.utc)

    provider, _source = make(clock)
    results = run_callers([provider.token] * 4)
    for result in results:
        if not isinstance(result, str):
            assert isinstance(result, btl.CredentialRetrievalError), repr(result)
            assert SECRET not in text_of(result)
    assert isinstance(provider.expires_at, datetime)


class RaisingHandler(logging.Handler):
    def __init__(self, factory: Callable[[], BaseException]) -> None:
        super().__init__()
        self.factory = factory

    def handle(self, record: logging.LogRecord) -> bool:  # skips handleError on purpose
        raise self.factory()


@pytest.fixture
def raising_logger() -> Iterator[Callable[[Callable[[], BaseException]], None]]:
    logger = logging.getLogger("bedrock_token_lite")
    added: List[logging.Handler] = []
    level = logger.level

    def install(factory: Callable[[], BaseException]) -> None:
        handler = RaisingHandler(factory)
        added.append(handler)
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)

    yield install
    for handler in added:
        logger.removeHandler(handler)
    logger.setLevel(level)


@pytest.mark.parametrize("where", ["mandatory", "expired", "advisory"])
@pytest.mark.parametrize(
    "factory", [RuntimeError, KeyboardInterrupt, PlantedError], ids=["Runtime", "KbInt", "Planted"]
)
def test_a_logging_handler_that_raises_never_leaves_callers_waiting(
    where: str,
    factory: Callable[[], BaseException],
    raising_logger: Callable[[Callable[[], BaseException]], None],
) -> None:
    clock = Clock()
    provider, source = make(clock)
    first = run_callers([provider.token])[0]
    clock.advance(minutes={"mandatory": 57, "expired": 120, "advisory": 52}[where])
    raising_logger(factory)
    source.fail = lambda: btl.CredentialsError("down")
    results = everybody(provider)
    for result in results:
        if where == "advisory" and result == first:
            continue
        # The refresh's own error, or (in the sync thread that logged) the handler's.
        assert isinstance(result, (btl.CredentialsError, KeyboardInterrupt)), repr(result)
    check_no_secret(results, [])
    recovers(provider, source, (first,))


def test_a_failing_backoff_computation_never_leaves_callers_waiting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = Clock()
    provider, source = make(clock)
    first = run_callers([provider.token])[0]

    def broken(self: btl.TokenProvider) -> float:
        raise MemoryError

    monkeypatch.setattr(provider_module.TokenProvider, "_backoff_seconds", broken)
    source.fail = lambda: btl.CredentialsError("down")
    clock.advance(minutes=52)  # advisory: the failure is kept quiet, the old token served
    assert set(everybody(provider)) == {first}
    assert source.loads == 2  # and no retry storm either
    clock.advance(minutes=5)  # mandatory: the error reaches every caller
    results = everybody(provider)
    assert all(isinstance(r, (btl.CredentialsError, MemoryError)) for r in results), results
    monkeypatch.undo()
    recovers(provider, source, (first,))


def test_a_cancelled_leading_task_still_finishes_the_flight() -> None:
    provider, source = make()
    source.delay = 0.0
    unblock = threading.Event()

    async def main() -> Any:
        loop = asyncio.get_running_loop()
        executor = concurrent.futures.ThreadPoolExecutor(max_workers=1)
        loop.set_default_executor(executor)
        busy = loop.run_in_executor(None, unblock.wait, WAIT)  # the refresh has to queue
        leader = asyncio.ensure_future(provider.async_token())
        await asyncio.sleep(0.05)
        leader.cancel()
        follower = asyncio.ensure_future(provider.async_token())
        await asyncio.sleep(0.05)
        unblock.set()
        await busy
        with pytest.raises(asyncio.CancelledError):
            await leader
        return await asyncio.wait_for(follower, WAIT - 2)

    token = run_callers([lambda: asyncio.run(main())])[0]
    assert isinstance(token, str), repr(token)
    assert run_callers([provider.token] * 3) == [token] * 3


def test_a_refresh_that_cannot_start_in_a_worker_thread_still_ends() -> None:
    provider, source = make()
    source.delay = 0.0

    async def main() -> Any:
        executor = concurrent.futures.ThreadPoolExecutor(max_workers=1)
        executor.shutdown()
        asyncio.get_running_loop().set_default_executor(executor)
        try:
            return await provider.async_token()
        except BaseException as exc:
            return exc

    error = run_callers([lambda: asyncio.run(main())])[0]
    assert isinstance(error, RuntimeError), repr(error)
    assert source.loads == 0
    tokens = run_callers([provider.token] * 3)  # a new flight, in threads
    assert len(set(tokens)) == 1
    assert all(isinstance(t, str) for t in tokens), tokens


def test_a_cancelled_waiting_task_does_not_disturb_the_others() -> None:
    provider, source = make()
    source.delay = 0.3

    async def main() -> List[Any]:
        tasks = [asyncio.ensure_future(provider.async_token()) for _ in range(4)]
        await asyncio.sleep(0.05)
        tasks[1].cancel()
        tasks[2].cancel()
        done = await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), WAIT)
        return list(done)

    results = run_callers([lambda: asyncio.run(main())])[0]
    assert isinstance(results[1], asyncio.CancelledError)
    assert isinstance(results[2], asyncio.CancelledError)
    assert isinstance(results[0], str)
    assert results[0] == results[3]
    assert source.loads == 1


def test_a_clock_at_the_end_of_time_is_a_library_error() -> None:
    from datetime import datetime, timezone

    import bedrock_token_lite as btl

    class Source:
        def load(self) -> btl.Credentials:
            return btl.Credentials("AKIDEXAMPLE", "secret")

    tokens = btl.TokenProvider(
        "us-east-1",
        credentials_provider=Source(),
        clock=lambda: datetime.max.replace(tzinfo=timezone.utc),
    )
    with pytest.raises(btl.InvalidParameterError, match="after the year 9999"):
        tokens()


@pytest.mark.parametrize(
    "reading",
    [
        datetime.min.replace(tzinfo=timezone(timedelta(minutes=1))),
        datetime.max.replace(tzinfo=timezone(timedelta(minutes=-1))),
    ],
    ids=["before-year-1", "after-year-9999"],
)
def test_a_clock_outside_the_range_in_utc_is_a_library_error(reading: datetime) -> None:
    """Converting the reading to UTC overflows: InvalidParameterError, not OverflowError."""

    class Fixed:
        def load(self) -> btl.Credentials:
            return btl.Credentials("AKID", "secret")

    provider = btl.TokenProvider("us-east-1", credentials_provider=Fixed(), clock=lambda: reading)
    with pytest.raises(btl.InvalidParameterError, match="clock"):
        provider.token()


@pytest.mark.parametrize(
    "now",
    [
        datetime.min.replace(tzinfo=timezone(timedelta(minutes=1))),
        datetime.max.replace(tzinfo=timezone(timedelta(minutes=-1))),
    ],
    ids=["before-year-1", "after-year-9999"],
)
def test_verify_token_with_now_outside_the_range_in_utc(now: datetime) -> None:
    token = btl.generate_token(
        btl.Credentials("AKID", "secret"),
        "us-east-1",
        now=datetime(2026, 1, 1, tzinfo=timezone.utc),
    )
    with pytest.raises(btl.InvalidParameterError, match="outside the years"):
        btl.verify_token(token, btl.Credentials("AKID", "secret"), now=now)
