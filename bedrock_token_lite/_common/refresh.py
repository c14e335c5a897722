"""Credentials that refresh themselves, with botocore's refresh windows.

botocore's ``RefreshableCredentials`` rules (spec section 17):

* no refresh while more than the advisory window (15 min) remains;
* inside it, one thread refreshes while the others keep the current values;
  a failure there is logged and the old credentials are kept;
* inside the mandatory window (10 min), callers wait for the refresh and a
  failure propagates;
* credentials that are still expired after a refresh are an error;
* refreshed credentials without an expiry, and an unparseable or naive
  expiry (:class:`ExpiryParseError`), are errors in both windows (botocore
  checks them after the guarded refresh call).

``DeferredRefreshableCredentials`` (``initial=None``) make their first fetch
on first use, as a mandatory refresh.
"""

from __future__ import annotations

from .._errors import (
    CredentialRetrievalError,
    ExpiredCredentialsError,
    ExpiryParseError,
    foreign_error,
)
from .clock import utc_now
from .credentials import Credentials

TYPE_CHECKING = False  # typing itself costs milliseconds to import
if TYPE_CHECKING:  # pragma: no cover
    from typing import Callable, Optional

    from .clock import Clock
    from .dt import datetime

if TYPE_CHECKING:  # pragma: no cover
    import threading

__all__ = [
    "ADVISORY_REFRESH_SECONDS",
    "MANDATORY_REFRESH_SECONDS",
    "DeferredRefreshableCredentials",
    "RefreshableCredentials",
]

ADVISORY_REFRESH_SECONDS = 15 * 60
MANDATORY_REFRESH_SECONDS = 10 * 60


class RefreshableCredentials:
    """Credentials backed by a ``refresh`` callable that returns new ``Credentials``.

    ``refresh`` must return :class:`Credentials` with an aware ``expiry``.
    ``clock`` (default: the current UTC time) is injectable for tests.
    Reading ``access_key``, ``secret_key``, ``token``, ``account_id`` or calling
    :meth:`get_frozen_credentials` refreshes first when needed; use
    ``get_frozen_credentials()`` to read a consistent snapshot.
    """

    def __init__(
        self,
        refresh: Callable[[], Credentials],
        initial: Optional[Credentials] = None,
        *,
        method: str,
        clock: Optional[Clock] = None,
        advisory_seconds: float = ADVISORY_REFRESH_SECONDS,
        mandatory_seconds: float = MANDATORY_REFRESH_SECONDS,
    ) -> None:
        from _thread import allocate_lock  # threading's Lock, without importing threading

        self._refresh_using = refresh
        self._current = initial
        self.method = method
        self._clock: Clock = clock or utc_now
        self._advisory = advisory_seconds
        self._mandatory = mandatory_seconds
        self._lock: threading.Lock = allocate_lock()
        if initial is not None:
            self._check_expiry(initial)

    # -- public surface ------------------------------------------------------

    @property
    def access_key(self) -> str:
        return self.get_frozen_credentials().access_key

    @property
    def secret_key(self) -> str:
        return self.get_frozen_credentials().secret_key

    @property
    def token(self) -> Optional[str]:
        return self.get_frozen_credentials().token

    @property
    def account_id(self) -> Optional[str]:
        return self.get_frozen_credentials().account_id

    @property
    def expiry(self) -> Optional[datetime]:
        """When the current credentials expire (no refresh is triggered)."""
        current = self._current
        return None if current is None else current.expiry

    def get_frozen_credentials(self) -> Credentials:
        """Refresh if needed, then return an immutable snapshot."""
        self._refresh_if_needed()
        current = self._current
        assert current is not None  # a failed first fetch raised
        return current

    def refresh_needed(self, window: Optional[float] = None) -> bool:
        """True when fewer than ``window`` seconds (default: advisory) remain."""
        current = self._current
        if current is None:
            return True
        if current.expiry is None:
            return False
        if window is None:
            window = self._advisory
        return (current.expiry - self._clock()).total_seconds() < window

    def __repr__(self) -> str:
        current = self._current
        key = "<not fetched yet>" if current is None else repr(current.access_key)
        return "%s(access_key=%s, secret_key=<redacted>, method=%r)" % (
            type(self).__name__,
            key,
            self.method,
        )

    # -- refresh machinery ---------------------------------------------------

    def _refresh_if_needed(self) -> None:
        if not self.refresh_needed(self._advisory):
            return
        if self._lock.acquire(blocking=False):
            try:
                if self.refresh_needed(self._advisory):
                    self._protected_refresh(mandatory=self.refresh_needed(self._mandatory))
            finally:
                self._lock.release()
        elif self.refresh_needed(self._mandatory):
            with self._lock:
                if self.refresh_needed(self._mandatory):
                    self._protected_refresh(mandatory=True)

    def _protected_refresh(self, mandatory: bool) -> None:
        failure: Optional[BaseException] = None
        try:
            fresh = self._refresh_using()
        except ExpiryParseError:
            # botocore parses the new expiry after the guarded call, so an
            # unparseable or naive expiry propagates even in the advisory window.
            raise
        except Exception as exc:
            if mandatory or self._current is None:
                # Ours as raised; a refresh function's own exception as a ForeignError.
                failure = foreign_error(exc, "Refreshing the credentials (%s)" % (self.method,))
            else:
                self._advisory_failed(exc)
                return
        if failure is not None:  # raised after the handler: the original is not its context
            raise failure
        self._check_expiry(fresh)
        self._current = fresh
        if self.refresh_needed(0):
            raise ExpiredCredentialsError(
                "Credentials were refreshed, but the refreshed credentials are still expired. "
                "Check the credential source (%s) and the system clock." % (self.method,)
            )

    def _advisory_failed(self, exc: BaseException) -> None:
        """Log that an advisory refresh failed: the type only (its text may quote a secret)."""
        import logging

        logging.getLogger("bedrock_token_lite").warning(
            "Refreshing temporary credentials (%s) failed during the advisory refresh "
            "window; using the current ones until they near expiry: %s",
            self.method,
            type(exc).__name__,
        )

    def _check_expiry(self, credentials: Credentials) -> None:
        if not isinstance(credentials, Credentials):
            raise CredentialRetrievalError(
                self.method, "Credential refresh failed, the source returned no credentials"
            )
        if credentials.expiry is None:
            raise CredentialRetrievalError(
                self.method, "Credential refresh failed, response did not contain: expiry_time"
            )


class DeferredRefreshableCredentials(RefreshableCredentials):
    """Refreshable credentials whose first fetch happens on first use."""

    def __init__(
        self,
        refresh: Callable[[], Credentials],
        *,
        method: str,
        clock: Optional[Clock] = None,
    ) -> None:
        super().__init__(refresh, None, method=method, clock=clock)
