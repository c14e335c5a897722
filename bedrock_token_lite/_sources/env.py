"""Credentials from environment variables, with botocore's exact rules."""

from __future__ import annotations

import os

from .._common.credentials import Credentials
from .._errors import PartialCredentialsError

TYPE_CHECKING = False  # typing itself costs milliseconds to import
if TYPE_CHECKING:  # pragma: no cover
    from typing import Callable, Mapping, Optional, Union

if TYPE_CHECKING:  # pragma: no cover
    from datetime import datetime

    from .._common.refresh import RefreshableCredentials
    from .context import SourceContext

__all__ = ["EnvProvider"]

ACCESS_KEY = "AWS_ACCESS_KEY_ID"
SECRET_KEY = "AWS_SECRET_ACCESS_KEY"
TOKENS = ("AWS_SECURITY_TOKEN", "AWS_SESSION_TOKEN")
EXPIRY_TIME = "AWS_CREDENTIAL_EXPIRATION"
ACCOUNT_ID = "AWS_ACCOUNT_ID"


class EnvProvider:
    """botocore's ``EnvProvider``: ``AWS_ACCESS_KEY_ID`` and friends.

    * no (or empty) ``AWS_ACCESS_KEY_ID``: not configured, ``load()`` returns ``None``;
    * an access key without a non-empty ``AWS_SECRET_ACCESS_KEY``: ``PartialCredentialsError``;
    * the token is the first non-empty of ``AWS_SECURITY_TOKEN``, ``AWS_SESSION_TOKEN``;
    * ``AWS_ACCOUNT_ID`` when non-empty; values are not stripped;
    * a non-empty ``AWS_CREDENTIAL_EXPIRATION`` makes the result refreshable:
      each refresh re-reads the environment (removing the variable by then is a
      ``PartialCredentialsError``).  Unparseable text raises
      :class:`~bedrock_token_lite.ExpiryParseError` (a ``ValueError``) at once; a
      time without a time zone raises :class:`~bedrock_token_lite.NaiveExpiryError`
      (a ``TypeError``) and a past time ``ExpiredCredentialsError`` (a
      ``RuntimeError``) on first use, as botocore does.

    ``environ`` (default: ``os.environ``, read at each load and refresh) and
    ``clock`` (default: the current UTC time) are injectable.
    """

    METHOD = "env"
    CANONICAL_NAME = "Environment"

    def __init__(
        self,
        environ: Optional[Mapping[str, str]] = None,
        *,
        clock: Optional[Callable[[], datetime]] = None,
    ) -> None:
        self._environ = environ
        self._clock = clock

    @classmethod
    def from_context(cls, ctx: SourceContext) -> EnvProvider:
        """The chain's provider: the session's environment."""
        return cls(ctx.config.environ, clock=ctx.clock)

    def load(self) -> Optional[Union[Credentials, RefreshableCredentials]]:
        env = self._env()
        if not env.get(ACCESS_KEY):
            return None
        raw_expiry = env.get(EXPIRY_TIME)
        if not raw_expiry:
            return self._fetch(require_expiry=False)
        # Only credentials that expire need dates parsed: plain ones never load datetime.
        from .._common.dates import parse_expiry
        from .._common.refresh import DeferredRefreshableCredentials, RefreshableCredentials
        from .._errors import NaiveExpiryError

        try:
            parse_expiry(raw_expiry, EXPIRY_TIME)
        except NaiveExpiryError:
            # botocore accepts a naive expiry here and fails on first use.  We
            # fail on first use too, by reading the environment again then, so
            # a corrected variable is picked up.
            return DeferredRefreshableCredentials(
                self._fetch, method=self.METHOD, clock=self._clock
            )
        initial = self._fetch(require_expiry=True)
        return RefreshableCredentials(self._fetch, initial, method=self.METHOD, clock=self._clock)

    def _env(self) -> Mapping[str, str]:
        return os.environ if self._environ is None else self._environ

    def _fetch(self, require_expiry: bool = True) -> Credentials:
        env = self._env()
        access_key = env.get(ACCESS_KEY)
        if not access_key:
            raise PartialCredentialsError(
                self.METHOD, ACCESS_KEY, "it was removed from the environment; set it again"
            )
        secret_key = env.get(SECRET_KEY)
        if not secret_key:
            raise PartialCredentialsError(
                self.METHOD,
                SECRET_KEY,
                "AWS_ACCESS_KEY_ID is set; set AWS_SECRET_ACCESS_KEY too, or unset both",
            )
        token = None
        for name in TOKENS:
            token = env.get(name) or None
            if token:
                break
        raw_expiry = env.get(EXPIRY_TIME)
        expiry = None
        if raw_expiry:
            from .._common.dates import parse_expiry

            expiry = parse_expiry(raw_expiry, EXPIRY_TIME)
        elif require_expiry:
            raise PartialCredentialsError(
                self.METHOD,
                EXPIRY_TIME,
                "the credentials were loaded with an expiration; set it again to the new "
                "credentials' expiry, or restart without it",
            )
        account_id = env.get(ACCOUNT_ID) or None
        return Credentials(
            access_key, secret_key, token, expiry, account_id=account_id, method=self.METHOD
        )
