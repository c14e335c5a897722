"""Credentials from the container credentials endpoint (ECS, EKS Pod Identity).

botocore's ``ContainerProvider`` (spec section 15):

* configured by ``AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`` (appended to
  ``http://169.254.170.2``, winning when both are set) or
  ``AWS_CONTAINER_CREDENTIALS_FULL_URI``;
* plain-http URLs must name a loopback address, ``169.254.170.2``,
  ``169.254.170.23``, ``fd00:ec2::23`` or ``localhost``; https may name any host;
* ``Authorization`` comes from ``AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE``
  (re-read on every fetch) or ``AWS_CONTAINER_AUTHORIZATION_TOKEN``;
* 2 s connect and read timeouts, three attempts with a 1 s pause after each
  failure, no proxies;
* the credentials refresh by fetching again.
"""

from __future__ import annotations

import time

from .._aws import http as _http
from .._common.credentials import Credentials
from .._common.dt import datetime
from .._common.refresh import RefreshableCredentials
from .._common.token_file import read_token_file
from .._config.session import SessionConfig
from .._errors import CredentialRetrievalError, ExpiryParseError
from .._source_errors import (
    AuthTokenFileNotFoundError,
    ConnectionClosedError,
    EndpointConnectionError,
    InvalidAuthTokenError,
    InvalidExpiryError,
    InvalidResponseError,
    MetadataRetrievalError,
    MissingCredentialFieldError,
    ReadTimeoutError,
    UnsupportedContainerHostError,
)

TYPE_CHECKING = False  # typing itself costs milliseconds to import
if TYPE_CHECKING:  # pragma: no cover
    from typing import Any, Callable, Dict, Mapping, Optional

    from .._common.clock import Clock, Sleep
    from .context import SourceContext

__all__ = ["ContainerProvider", "parse_expiry"]

RELATIVE_BASE = "http://169.254.170.2"
ALLOWED_HOSTS = ("169.254.170.2", "169.254.170.23", "fd00:ec2::23", "localhost")
#: Credential documents are well under a kilobyte; anything past this is refused.
METADATA_MAX_BYTES = 64 * 1024

ENV_RELATIVE = "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"
ENV_FULL = "AWS_CONTAINER_CREDENTIALS_FULL_URI"
ENV_TOKEN = "AWS_CONTAINER_AUTHORIZATION_TOKEN"
ENV_TOKEN_FILE = "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"

_REQUIRED = (
    ("AccessKeyId", "access_key"),
    ("SecretAccessKey", "secret_key"),
    ("Token", "token"),
    ("Expiration", "expiry_time"),
)


def _token_file_not_found(message: str, path: str) -> Exception:
    return AuthTokenFileNotFoundError(
        "The container authorization token file %r (%s) does not exist; "
        "fix or unset the variable" % (path, ENV_TOKEN_FILE),
        path,
    )


class ContainerProvider:
    """botocore's ``ContainerProvider`` (method ``container-role``).

    ``load()`` returns ``None`` when neither URI variable is set; otherwise it
    fetches at once and returns :class:`RefreshableCredentials`, or raises
    (a failure does not fall through to the next provider).

    ``profile_name``, ``load_config``, ``home`` and ``explicit_profile`` are
    accepted as botocore's are; the container provider reads none of them.
    The chain builds it with :meth:`from_context` (it reads the session's
    environment).  Test
    seams: ``relative_base`` (the address ``RELATIVE_URI`` is appended to),
    ``sleep`` and ``retry_pause`` (the pause after a failed attempt),
    ``timeout``, ``attempts`` and ``clock``.
    """

    METHOD = "container-role"
    CANONICAL_NAME = "EcsContainer"

    def __init__(
        self,
        environ: Optional[Mapping[str, str]] = None,
        *,
        profile_name: Optional[str] = None,
        load_config: Optional[Callable[[], Mapping[str, Any]]] = None,
        home: Optional[str] = None,
        explicit_profile: bool = False,
        relative_base: str = RELATIVE_BASE,
        timeout: float = 2.0,
        attempts: int = 3,
        retry_pause: float = 1.0,
        sleep: Sleep = time.sleep,
        clock: Optional[Clock] = None,
        max_bytes: int = METADATA_MAX_BYTES,
    ) -> None:
        config = SessionConfig.for_provider(
            load_config,
            profile_name=profile_name,
            environ=environ,
            home=home,
            explicit_profile=explicit_profile,
        )
        self._setup(config, sleep, clock)
        self._relative_base = relative_base
        self._timeout = timeout
        self._attempts = attempts
        self._retry_pause = retry_pause
        self._max_bytes = max_bytes

    @classmethod
    def from_context(cls, ctx: SourceContext) -> ContainerProvider:
        """The chain's provider (its defaults, the context's clock and sleep)."""
        provider = cls()
        provider._setup(ctx.config, ctx.sleep or provider._sleep, ctx.clock)
        return provider

    def _setup(self, config: SessionConfig, sleep: Sleep, clock: Optional[Clock]) -> None:
        #: The session; only its environment is read.
        self._config = config
        self._sleep = sleep
        self._clock = clock

    def _env(self) -> Mapping[str, str]:
        return self._config.environ

    def url(self) -> Optional[str]:
        """The URL credentials would be fetched from, or ``None`` when not configured."""
        env = self._env()
        if ENV_RELATIVE in env:
            # Plain concatenation, as botocore: "foo" gives host "169.254.170.2foo".
            return self._relative_base + env[ENV_RELATIVE]
        if ENV_FULL in env:
            return env[ENV_FULL]
        return None

    def load(self) -> Optional[RefreshableCredentials]:
        url = self.url()
        if url is None:
            return None

        def fetch() -> Credentials:
            return self._fetch(url)

        return RefreshableCredentials(fetch, fetch(), method=self.METHOD, clock=self._clock)

    # -- one fetch -------------------------------------------------------------

    def _fetch(self, url: str) -> Credentials:
        headers = {"Accept": "application/json"}
        auth = self._auth_token()
        if auth is not None:
            headers["Authorization"] = auth
        validate_container_url(url)
        try:
            document = self._retrieve(url, headers)
        except MetadataRetrievalError as exc:
            raise CredentialRetrievalError(self.METHOD, str(exc)) from None
        if not isinstance(document, dict):
            raise InvalidResponseError(
                "The container credentials endpoint %s returned JSON that is not an object"
                % (_http.redact_url(url),)
            )
        values: Dict[str, Any] = {}
        for field, name in _REQUIRED:
            if field not in document:
                raise MissingCredentialFieldError(
                    "The container credentials endpoint %s returned no %r field"
                    % (_http.redact_url(url), field),
                    field,
                )
            values[name] = document[field]
        return Credentials(
            values["access_key"],
            values["secret_key"],
            values["token"],
            parse_expiry(values["expiry_time"], "the container credentials endpoint"),
            account_id=document.get("AccountId"),
            method=self.METHOD,
        )

    def _auth_token(self) -> Optional[str]:
        env = self._env()
        token: Optional[str] = None
        if ENV_TOKEN_FILE in env:
            path = env[ENV_TOKEN_FILE]
            token = read_token_file(
                path,
                "container authorization token file (%s)" % (ENV_TOKEN_FILE,),
                not_found=_token_file_not_found,
            )
        elif ENV_TOKEN in env:
            token = env[ENV_TOKEN]
        if token is not None and ("\r" in token or "\n" in token):
            source = ENV_TOKEN_FILE if ENV_TOKEN_FILE in env else ENV_TOKEN
            raise InvalidAuthTokenError(
                "Auth token value is not a legal header value: the token from %s holds a "
                "line break (a token file must not end with a newline)" % (source,)
            )
        return token

    def _retrieve(self, url: str, headers: Dict[str, str]) -> Any:
        failures = 0
        while True:
            try:
                return self._get(url, headers)
            except MetadataRetrievalError:
                # botocore pauses after every failed attempt, the last one included.
                self._sleep(self._retry_pause)
                failures += 1
                if failures >= self._attempts:
                    raise

    def _get(self, url: str, headers: Dict[str, str]) -> Any:
        import json

        try:
            response = _http.request(
                "GET",
                url,
                headers=headers,
                timeout=(self._timeout, self._timeout),
                max_bytes=self._max_bytes,
                proxies=None,  # botocore never proxies container traffic
                environ=self._env(),
            )
        except (ReadTimeoutError, EndpointConnectionError, ConnectionClosedError) as exc:
            raise MetadataRetrievalError(
                "Received error when attempting to retrieve container metadata: %s" % (exc,)
            ) from None
        try:
            text: Optional[str] = response.body.decode("utf-8")
        except UnicodeDecodeError:
            text = None
        if text is None:
            # Raised after the handler: in it, the decode error (holding the body, the
            # credentials in it) would stay on ours as ``__context__``.
            raise InvalidResponseError(
                "The container credentials endpoint %s returned a body that is not UTF-8"
                % (response.url,)
            )
        if response.status != 200:
            from .._common.redact import answer_secrets, foreign_text

            # An endpoint that echoes the request must not leak the token, nor one that
            # sends credentials with an error status leak them: the one redaction step
            # (whole, encoded or any long fragment of each).
            secrets = [headers.get("Authorization"), *answer_secrets(text)]
            error = MetadataRetrievalError(
                "Received non 200 response %d from container metadata: %s"
                % (response.status, foreign_text(text, secrets))
            )
            error.foreign_message = text  # type: ignore[attr-defined]
            raise error
        try:
            return json.loads(text)
        except (ValueError, RecursionError):  # RecursionError: JSON nested too deeply
            raise MetadataRetrievalError(
                "Unable to parse JSON returned from container metadata services"
            ) from None


def validate_container_url(url: str) -> None:
    """Raise :class:`UnsupportedContainerHostError` unless botocore would fetch ``url``."""
    import ipaddress
    from urllib.parse import urlparse

    try:
        parsed = urlparse(url)
        hostname = parsed.hostname
    except ValueError as exc:  # urlsplit's bracket checks: botocore lets the bare one escape
        raise UnsupportedContainerHostError(
            "Cannot read the host of the container credentials URL (%s or %s): %s"
            % (ENV_FULL, ENV_RELATIVE, exc)
        ) from None
    if parsed.scheme == "https":
        return
    if hostname is not None:
        try:
            if ipaddress.ip_address(hostname).is_loopback:
                return
        except ValueError:
            pass
        if hostname in ALLOWED_HOSTS:
            return
    raise UnsupportedContainerHostError(
        "Unsupported host '%s'.  Can only retrieve metadata from a loopback address or one of "
        "these hosts: %s" % (hostname, ", ".join(ALLOWED_HOSTS))
    )


def parse_expiry(value: Any, source: str) -> datetime:
    """An expiry as an aware datetime, parsed by :func:`.._common.dates.parse_expiry`.

    The metadata providers (container and IMDS) report every error of that
    parser (garbage, no time zone, not a string) as :class:`InvalidExpiryError`,
    which is a ``ValueError`` and a ``TypeError`` (botocore fails on a
    zone-less expiry later with a ``TypeError``).
    """
    from .._common.dates import parse_expiry as parse

    if isinstance(value, datetime):
        if value.utcoffset() is None:
            raise InvalidExpiryError(
                "The expiry from %s has no time zone; credentials need an absolute time "
                "(for example 2030-01-01T00:00:00Z)" % (source,)
            )
        return value
    try:
        return parse(value, source)
    except ExpiryParseError as exc:  # also its ExpiryTypeError and NaiveExpiryError
        raise InvalidExpiryError("Unusable credential expiry from %s" % (exc,)) from None
