"""``TokenProvider``: a cached bearer token that refreshes itself before it expires.

The token is valid until the earlier of its own expiry and the expiry of the
credentials that signed it.  A token is handed out only while it stays valid
for at least ``refresh_before``; from twice that before the end (the advisory
window) one caller refreshes in the background of its own call while the
others keep the current token, and a failure there is logged and retried
with a backoff.  Once fewer than ``refresh_before`` remain (the mandatory
window) callers wait for the refresh and its failure propagates.  One refresh
runs at a time for sync and async callers alike (a single flight).

The flight always ends, whatever raises where (the credentials provider, the
clock, a logging handler, an interrupt): ``_lead`` finishes it in a ``finally``
block, so callers wait at most as long as the refresh in progress, which is
bounded by the credential source's own timeouts.  Callers get the source's
exception when it is a ``BedrockTokenError``; any other ``Exception`` becomes a
``ForeignError`` that names only its type (its text could echo a secret), is
also an instance of the original's class, and keeps it as ``.original``.  A ``KeyboardInterrupt``
or other non-``Exception`` raised in a thread that runs the refresh itself is
re-raised there, after the flight has ended.

The region and the credentials come from ``_defaults`` (``resolve_region``
and ``load_credentials``), the same resolution ``provide_token`` uses.
"""

from __future__ import annotations

from ._common.clock import utc_now
from ._common.dt import datetime, timedelta, timezone
from ._defaults import load_credentials, resolve_region, session_config
from ._errors import (
    CredentialRetrievalError,
    ExpiredCredentialsError,
    ForeignError,
    InvalidParameterError,
    foreign_error,
    type_name,
)
from ._token import DEFAULT_EXPIRY, expiry_seconds, generate_token

TYPE_CHECKING = False  # typing itself costs milliseconds to import
if TYPE_CHECKING:  # pragma: no cover
    from typing import Any, List, Optional, Tuple, Union

    from ._sources.cache import CredentialCache

if TYPE_CHECKING:  # pragma: no cover
    import asyncio
    import threading

    from ._common.clock import Clock

__all__ = [
    "Issued",
    "TokenProvider",
    "issue",
    "load_credentials",
    "resolve_region",
    "session_config",
]


#: Backoff after a failed (or not improving) advisory refresh: 1 s, doubling, at most this.
MAX_BACKOFF_SECONDS = 60.0

REASON_REQUESTED = "requested expiry"
REASON_CREDENTIALS = "credential expiry"

# When no backoff can be computed: no advisory retry, the mandatory window still refreshes.
_END_OF_TIME = datetime.max.replace(tzinfo=timezone.utc)


def _aware_utc(value: datetime, what: str) -> datetime:
    if not isinstance(value, datetime) or value.utcoffset() is None:
        raise InvalidParameterError(
            "%s must be a timezone-aware datetime (for example datetime.now(timezone.utc)), "
            "got %r" % (what, value)
        )
    try:
        value = value.astimezone(timezone.utc)
    except OverflowError:
        raise InvalidParameterError(
            "%s returned %s, outside the years 1-9999 once converted to UTC"
            % (what, value.isoformat())
        ) from None
    if type(value) is not datetime:  # a subclass could raise in any later comparison
        value = datetime(
            value.year,
            value.month,
            value.day,
            value.hour,
            value.minute,
            value.second,
            value.microsecond,
            timezone.utc,
        )
    return value


# --------------------------------------------------------------------------
# One token
# --------------------------------------------------------------------------


class Issued:
    """A token and what is known about it; ``repr`` hides the token."""

    __slots__ = (
        "token",
        "region",
        "issued_at",
        "token_expires_at",
        "credentials_expire_at",
        "valid_until",
        "reason",
        "method",
    )

    def __init__(
        self,
        token: str,
        region: str,
        issued_at: datetime,
        token_expires_at: datetime,
        credentials_expire_at: Optional[datetime],
        method: str,
    ) -> None:
        self.token = token
        self.region = region
        self.issued_at = issued_at
        self.token_expires_at = token_expires_at
        self.credentials_expire_at = credentials_expire_at
        self.method = method
        if credentials_expire_at is not None and credentials_expire_at < token_expires_at:
            self.valid_until = credentials_expire_at
            self.reason = REASON_CREDENTIALS
        else:
            self.valid_until = token_expires_at
            self.reason = REASON_REQUESTED

    def __repr__(self) -> str:
        return "Issued(token=<redacted>, region=%r, valid_until=%s, reason=%r, method=%r)" % (
            self.region,
            self.valid_until.isoformat(),
            self.reason,
            self.method,
        )


def _credentials_expiry(loaded: Any, frozen: Any) -> Optional[datetime]:
    # Ours carry ``expiry``; botocore's refreshable credentials keep it in
    # ``_expiry_time`` (their frozen snapshot has none).
    for candidate in (
        getattr(frozen, "expiry", None),
        getattr(loaded, "expiry", None),
        getattr(loaded, "_expiry_time", None),
    ):
        if isinstance(candidate, datetime):
            return _aware_utc(candidate, "the credentials' expiry")
    return None


def issue(credentials: Any, region: str, expiry: int, now: datetime) -> Issued:
    """Sign a token with one snapshot of ``credentials`` at ``now``."""
    failure: Optional[BaseException] = None
    try:
        getter = getattr(credentials, "get_frozen_credentials", None)
        frozen = getter() if getter is not None else credentials
        credentials_expire_at = _credentials_expiry(credentials, frozen)
        method = getattr(frozen, "method", None) or getattr(credentials, "method", None)
    except Exception as exc:  # the credentials' own code (a botocore refresh, say)
        failure = foreign_error(exc, "Reading the credentials (%s)" % type_name(type(credentials)))
    if failure is not None:  # raised after the handler: the original is not its context
        raise failure
    method = method or "unknown"
    token = generate_token(frozen, region, expiry=expiry, now=now)
    issued_at = now.replace(microsecond=0)
    try:
        token_expires_at = issued_at + timedelta(seconds=expiry)
    except OverflowError:
        raise InvalidParameterError(
            "a token issued at %s would expire after the year 9999; check the clock"
            % (issued_at.isoformat(),)
        ) from None
    return Issued(
        token,
        region,
        issued_at,
        token_expires_at,
        credentials_expire_at,
        str(method),
    )


# --------------------------------------------------------------------------
# The provider
# --------------------------------------------------------------------------


class _Flight:
    """One refresh in progress; sync callers wait on ``done``, async ones on futures.

    ``error`` is what callers get when it failed; ``interrupt`` is a non-``Exception``
    (``KeyboardInterrupt``, ``SystemExit`` ...) raised in the thread that ran it, which a
    sync leader re-raises; ``stage`` names the step running, for the error message.
    """

    __slots__ = (
        "done",
        "claimed_at",
        "started",
        "stage",
        "result",
        "error",
        "interrupt",
        "waiters",
    )

    def __init__(self, claimed_at: datetime) -> None:
        import threading

        self.done: threading.Event = threading.Event()
        self.claimed_at = claimed_at
        self.started: Optional[datetime] = None
        self.stage = "the refresh"
        self.result: Optional[Issued] = None
        self.error: Optional[BaseException] = None
        self.interrupt: Optional[BaseException] = None
        self.waiters: List[Tuple[asyncio.AbstractEventLoop, asyncio.Future[None]]] = []


def _wake(future: asyncio.Future[None]) -> None:
    if not future.done():  # a cancelled waiter stays listed until the flight ends
        future.set_result(None)


_FRESH, _ADVISORY, _MANDATORY = 0, 1, 2


class TokenProvider:
    """A callable that returns a Bedrock bearer token valid for at least ``refresh_before``.

    ``region`` defaults to ``AWS_REGION``, ``AWS_DEFAULT_REGION``, then the
    profile's ``region``, as in ``provide_token``.
    ``credentials_provider`` is anything with ``.load()``; by default the
    credential chain is used (with ``profile``).  ``expiry`` (at most 12 hours)
    is the lifetime of each token.  ``clock`` returns the current time as an
    aware datetime (default: the system clock, UTC).  ``cache`` is
    :func:`resolve_credentials`' (for example ``JSONFileCache()``, the AWS
    CLI's cache of assumed roles); a cached role is used only while it lasts
    ``refresh_before`` more (and at least botocore's 15 minutes).

    Call it (or :meth:`token`) from threads, ``await`` :meth:`async_token`
    from asyncio code; :meth:`refresh` forces a new token.  Its ``repr`` never
    shows the token.
    """

    def __init__(
        self,
        region: Optional[str] = None,
        *,
        profile: Optional[str] = None,
        credentials_provider: Any = None,
        expiry: Union[timedelta, int, float] = DEFAULT_EXPIRY,
        refresh_before: Union[timedelta, int, float] = timedelta(minutes=5),
        clock: Optional[Clock] = None,
        cache: Optional[CredentialCache] = None,
    ) -> None:
        import threading

        self._region, self._region_source = resolve_region(region, session_config(profile))
        self._profile = profile
        self._source = credentials_provider
        self._cache = cache
        self._expiry = expiry_seconds(expiry)
        if isinstance(refresh_before, timedelta):
            before = refresh_before.total_seconds()
        elif isinstance(refresh_before, (int, float)) and not isinstance(refresh_before, bool):
            before = float(refresh_before)
        else:
            raise InvalidParameterError(
                "refresh_before must be a datetime.timedelta or a number of seconds"
            )
        if not 0 <= before < self._expiry:
            raise InvalidParameterError(
                "refresh_before must be at least 0 and less than the token expiry "
                "(%d seconds), got %r seconds" % (self._expiry, before)
            )
        self._before = timedelta(seconds=before)
        # Refreshing starts at twice refresh_before, but never so early that a
        # brand-new token would already be due.
        self._advisory = timedelta(seconds=min(2 * before, (before + self._expiry) / 2))
        self._clock: Clock = clock if clock is not None else utc_now
        self._lock: threading.Lock = threading.Lock()
        self._current: Optional[Issued] = None
        self._flight: Optional[_Flight] = None
        self._setbacks = 0
        self._retry_at: Optional[datetime] = None

    # -- what it tells ---------------------------------------------------------

    @property
    def region(self) -> str:
        """The region the tokens are for."""
        return self._region

    @property
    def region_source(self) -> str:
        """Where the region came from: ``argument``, ``AWS_REGION``, ``AWS_DEFAULT_REGION``
        or ``profile NAME``."""
        return self._region_source

    @property
    def refresh_before(self) -> timedelta:
        return self._before

    @property
    def expires_at(self) -> Optional[datetime]:
        """When the current token stops working (``None`` before the first one)."""
        current = self._current
        return None if current is None else current.valid_until

    @property
    def expiry_reason(self) -> Optional[str]:
        """``"requested expiry"`` or ``"credential expiry"``: what limits the current token."""
        current = self._current
        return None if current is None else current.reason

    @property
    def credentials_method(self) -> Optional[str]:
        """The ``method`` of the credentials that signed the current token."""
        current = self._current
        return None if current is None else current.method

    def __repr__(self) -> str:
        current = self._current
        when = "None" if current is None else current.valid_until.isoformat()
        return "TokenProvider(region=%r, expires_at=%s, token=<redacted>)" % (self._region, when)

    # -- sync entry points -----------------------------------------------------

    def __call__(self) -> str:
        """The current token, refreshed first when needed."""
        return self.token()

    def token(self) -> str:
        """The current token, refreshed first when needed."""
        while True:
            cached, flight, lead, state = self._claim(force=False)
            if cached is not None:
                return cached
            assert flight is not None
            self._take_part(flight, lead)
            token = self._outcome(flight, state)
            if token is not None:
                return token

    def refresh(self) -> str:
        """Make a new token now (or join the refresh in progress) and return it."""
        _, flight, lead, _ = self._claim(force=True)
        assert flight is not None
        self._take_part(flight, lead)
        token = self._outcome(flight, _MANDATORY)
        assert token is not None
        return token

    def _take_part(self, flight: _Flight, lead: bool) -> None:
        """Run ``flight`` in this thread, or wait until whoever runs it has finished it.

        The wait is bounded by the refresh in progress, which ``_lead`` always
        finishes; an interrupt raised while this thread ran it is raised here.
        """
        if lead:
            self._lead(flight)
            if flight.interrupt is not None:
                raise flight.interrupt
        else:
            flight.done.wait()

    # -- asyncio entry points --------------------------------------------------

    async def async_token(self) -> str:
        """:meth:`token` for asyncio: a refresh runs in a worker thread, never on the loop."""
        while True:
            cached, flight, lead, state = self._claim(force=False)
            if cached is not None:
                return cached
            assert flight is not None
            await self._await_flight(flight, lead)
            token = self._outcome(flight, state)
            if token is not None:
                return token

    async def async_refresh(self) -> str:
        """:meth:`refresh` for asyncio."""
        _, flight, lead, _ = self._claim(force=True)
        assert flight is not None
        await self._await_flight(flight, lead)
        token = self._outcome(flight, _MANDATORY)
        assert token is not None
        return token

    async def _await_flight(self, flight: _Flight, lead: bool) -> None:
        if lead:
            try:
                import asyncio

                loop = asyncio.get_running_loop()
                running = loop.run_in_executor(None, self._lead, flight)
            except BaseException as exc:  # no worker thread (executor shut down): end it here
                self._abandon(flight, exc)
                raise
            # The refresh goes on if this task is cancelled: a job still queued in the
            # executor would otherwise be cancelled with it, and never finish the flight.
            await asyncio.shield(running)
            return
        import asyncio

        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        with self._lock:  # ``_finish`` sets ``done`` and takes the waiters under this lock
            if flight.done.is_set():
                return
            flight.waiters.append((loop, future))
        await future

    # -- the machinery ---------------------------------------------------------

    def _now(self) -> datetime:
        return _aware_utc(self._clock(), "clock()")

    def _state(self, now: datetime) -> int:
        current = self._current
        if current is None:
            return _MANDATORY
        left = current.valid_until - now
        if left <= timedelta(0):
            return _MANDATORY
        if left >= self._advisory:
            return _FRESH
        if left >= self._before:
            return _ADVISORY
        return _MANDATORY

    def _claim(self, force: bool) -> Tuple[Optional[str], Optional[_Flight], bool, int]:
        """(cached token to return, or the flight to lead or join, lead?, state)."""
        # The clock is read outside the lock: a clock that calls back into this
        # provider must not deadlock it.
        error: Optional[BaseException] = None
        try:
            now = self._now()
        except Exception as exc:
            error = foreign_error(exc, "clock()")
        if error is not None:  # raised after the handler: the original is not its context
            raise error
        with self._lock:
            state = self._state(now)
            current = self._current
            if not force and state == _FRESH:
                assert current is not None
                return current.token, None, False, state
            flight = self._flight
            if flight is not None and flight.done.is_set():
                flight = self._flight = None  # never join a flight that has ended
            if flight is not None:
                if not force and state == _ADVISORY:
                    assert current is not None
                    return current.token, None, False, state
                return None, flight, False, state
            if (
                not force
                and state == _ADVISORY
                and self._retry_at is not None
                and now < self._retry_at
            ):
                assert current is not None
                return current.token, None, False, state
            flight = self._flight = _Flight(now)
            return None, flight, True, state

    def _outcome(self, flight: _Flight, state: int) -> Optional[str]:
        """The token after ``flight`` ended; ``None`` to look again; raises when none is valid."""
        result = flight.result
        if result is not None:
            return result.token
        if state == _ADVISORY:
            return None  # the current token may still serve: look again
        error = flight.error
        if error is None:  # pragma: no cover - ``_finish`` always sets one
            error = CredentialRetrievalError("TokenProvider", "the refresh ended without a token")
        raise error

    def _lead(self, flight: _Flight) -> None:
        """Run the refresh for ``flight`` and always finish it; never raises but a
        ``MemoryError`` or the like while recording a failure (the flight still ends)."""
        warn = False
        try:
            try:
                issued = self._fetch(flight)
            except BaseException as exc:
                warn = self._failed(flight, exc)
            else:
                flight.result = issued
                started = flight.started or flight.claimed_at
                with self._lock:
                    self._current = issued
                    if issued.valid_until - started < self._advisory:
                        # credentials expire soon: don't refresh on every call
                        self._setback(started)
                    else:
                        self._setbacks = 0
                        self._retry_at = None
        except BaseException as exc:  # the bookkeeping failed (memory, an interrupt)
            if not issubclass(type(exc), Exception) and flight.interrupt is None:
                flight.interrupt = exc
            if flight.result is None and flight.error is None:
                flight.error = foreign_error(exc, "the refresh")
        finally:
            self._finish(flight)
        if warn:  # once the flight has ended: a handler may well ask for a token
            self._warn(flight)

    def _fetch(self, flight: _Flight) -> Issued:
        flight.stage = "clock()"
        started = flight.started = self._now()
        flight.stage = "the credentials provider"
        credentials = load_credentials(
            self._source,
            session_config(self._profile),
            cache=self._cache,
            min_valid=self._before.total_seconds(),
        )
        flight.stage = "signing the token"
        issued = issue(credentials, self._region, self._expiry, started)
        flight.stage = "the refresh"
        if issued.valid_until - started < self._before or issued.valid_until <= started:
            raise ExpiredCredentialsError(
                "The credentials from %r expire at %s, less than refresh_before (%ds) from "
                "now, so no token from them can stay valid long enough. Refresh the "
                "credential source, or lower refresh_before."
                % (
                    issued.method,
                    issued.valid_until.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    self._before.total_seconds(),
                )
            )
        return issued

    def _failed(self, flight: _Flight, exc: BaseException) -> bool:
        """Record that ``flight`` failed with ``exc``; whether to log a warning."""
        exception = issubclass(type(exc), Exception)
        if not exception:
            flight.interrupt = exc
        flight.error = foreign_error(exc, flight.stage)
        with self._lock:
            self._setback(flight.started or flight.claimed_at)
        return exception and self._current is not None

    def _abandon(self, flight: _Flight, exc: BaseException) -> None:
        """End ``flight`` with ``exc`` when it could not even start."""
        try:
            self._failed(flight, exc)
        finally:
            self._finish(flight)

    def _finish(self, flight: _Flight) -> None:
        """End ``flight``: later callers start a new one, and every waiter wakes up.

        ``done`` is set under the lock under which async waiters check it before
        registering, so none of them can miss the wake-up.
        """
        try:
            if flight.result is None and flight.error is None:
                flight.error = CredentialRetrievalError(
                    "TokenProvider", "the refresh ended without a token"
                )
        finally:
            with self._lock:
                if self._flight is flight:
                    self._flight = None
                flight.done.set()
                waiters, flight.waiters = flight.waiters, []
            import contextlib

            for loop, future in waiters:
                with contextlib.suppress(Exception):  # a closed loop: nobody waits there
                    loop.call_soon_threadsafe(_wake, future)

    def _warn(self, flight: _Flight) -> None:
        error = flight.error
        cause = error.original if isinstance(error, ForeignError) else None
        name = type_name(type(cause if cause is not None else error))
        import contextlib
        import logging

        try:
            # A logging handler or filter that raises must not break handing out tokens.
            with contextlib.suppress(Exception):
                logging.getLogger("bedrock_token_lite").warning(
                    "Refreshing the Bedrock token for %s failed (%s); the current token is "
                    "kept while it stays valid, next attempt in %ss",
                    self._region,
                    name,
                    self._backoff_seconds(),
                )
        except BaseException as exc:  # an interrupt: a sync leader re-raises it
            if flight.interrupt is None:
                flight.interrupt = exc

    def _backoff_seconds(self) -> float:
        return min(2.0 ** max(self._setbacks - 1, 0), MAX_BACKOFF_SECONDS)

    def _setback(self, now: datetime) -> None:
        self._setbacks = min(self._setbacks + 1, 64)
        try:
            self._retry_at = now + timedelta(seconds=self._backoff_seconds())
        except Exception:  # overflow, memory: no advisory retry until the token is due
            self._retry_at = _END_OF_TIME
