"""Credentials from the EC2 instance metadata service (IMDS).

botocore's ``InstanceMetadataProvider`` and ``InstanceMetadataFetcher``
(spec section 16): an IMDSv2 session token (``PUT /latest/api/token``) with
botocore's fallback to IMDSv1, the role name, then the role's credentials;
``AWS_EC2_METADATA_DISABLED``; endpoint, endpoint mode, timeout, attempts and
v1-disable settings from the environment or the profile; the "static
stability" extension of expired credentials; refresh by running the whole
algorithm again.
"""

from __future__ import annotations

from .._aws import http as _http
from .._common.clock import utc_now
from .._common.credentials import Credentials
from .._common.dt import datetime, timedelta, timezone
from .._common.refresh import RefreshableCredentials
from .._config.session import SessionConfig
from .._config.settings import (
    CONFIG_VARIABLES,
    check_imds_endpoint,
    ensure_boolean,
    lookup,
)
from .._errors import (
    CredentialRetrievalError,
    InvalidConfigError,
    InvalidIMDSEndpointError,
    InvalidIMDSEndpointModeError,
)
from .._source_errors import (
    ConnectionClosedError,
    EndpointConnectionError,
    InvalidURLError,
    MetadataRetrievalError,
    ReadTimeoutError,
)
from .container import parse_expiry

TYPE_CHECKING = False  # typing itself costs milliseconds to import
if TYPE_CHECKING:  # pragma: no cover
    from typing import Any, Callable, Dict, Mapping, Optional

    from .._common.clock import Clock
    from .context import SourceContext

__all__ = ["InstanceMetadataProvider"]

BASE_URL = "http://169.254.169.254/"
BASE_URL_IPV6 = "http://[fd00:ec2::254]/"
TOKEN_PATH = "latest/api/token"
TOKEN_TTL = "21600"
ROLE_PATH = "latest/meta-data/iam/security-credentials/"
#: The refresh window botocore's chain gives the fetcher (the advisory window).
CREDENTIAL_REFRESH_WINDOW = 15 * 60
#: Metadata documents are small; a larger response is refused.
METADATA_MAX_BYTES = 64 * 1024

_REQUIRED = ("AccessKeyId", "SecretAccessKey", "Token", "Expiration")
_STRICT_EXPIRY = "%Y-%m-%dT%H:%M:%SZ"


class _RetriesExceeded(Exception):
    """No usable answer after the configured attempts (the provider returns None)."""


class _BadRequest(Exception):
    """The token request got HTTP 400 (the provider returns None, no v1 fallback)."""


class InstanceMetadataProvider:
    """botocore's ``InstanceMetadataProvider`` (method ``iam-role``).

    The configuration is read when the provider is built, as botocore does
    when it builds the chain, so a bad value raises even if an earlier
    provider would have answered: ``AWS_METADATA_SERVICE_TIMEOUT`` /
    ``metadata_service_timeout`` and ``AWS_METADATA_SERVICE_NUM_ATTEMPTS`` /
    ``metadata_service_num_attempts`` (whole numbers, defaults 1 s and 1),
    ``AWS_EC2_METADATA_SERVICE_ENDPOINT`` / ``ec2_metadata_service_endpoint``,
    ``AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE`` / ``ec2_metadata_service_endpoint_mode``
    (else ``AWS_IMDS_USE_IPV6`` / ``imds_use_ipv6``),
    ``AWS_EC2_METADATA_V1_DISABLED`` / ``ec2_metadata_v1_disabled``, and
    ``AWS_EC2_METADATA_DISABLED`` (environment only).  An environment variable
    that is set wins over the profile key, even when empty.

    ``load_config`` returns botocore's full-config shape
    (``{"profiles": {name: {...}}}``); the profile is ``profile_name`` (else
    ``default``).  A missing profile reads as empty here: reporting
    ``ProfileNotFound`` is the chain's job.  Test seams: ``clock``,
    ``jitter`` (seconds added to the extension window, default
    ``random.randint(120, 600)``), ``user_agent``, ``max_bytes``.  The chain
    builds it with :meth:`from_context`.
    """

    METHOD = "iam-role"
    CANONICAL_NAME = "Ec2InstanceMetadata"

    def __init__(
        self,
        *,
        profile_name: Optional[str] = None,
        load_config: Optional[Callable[[], Mapping[str, Any]]] = None,
        environ: Optional[Mapping[str, str]] = None,
        home: Optional[str] = None,
        explicit_profile: bool = False,
        clock: Optional[Clock] = None,
        jitter: Optional[Callable[[], int]] = None,
        user_agent: Optional[str] = None,
        max_bytes: int = METADATA_MAX_BYTES,
    ) -> None:
        config = SessionConfig.for_provider(
            load_config,
            profile_name=profile_name,
            environ=environ,
            home=home,
            explicit_profile=explicit_profile,
        )
        self._setup(config, clock, jitter, user_agent, max_bytes)

    @classmethod
    def from_context(cls, ctx: SourceContext) -> InstanceMetadataProvider:
        """The chain's provider: the session profile's settings, read now as botocore does."""
        provider = cls.__new__(cls)
        provider._setup(ctx.config, ctx.clock, None, None, METADATA_MAX_BYTES)
        return provider

    def _setup(
        self,
        config: SessionConfig,
        clock: Optional[Clock],
        jitter: Optional[Callable[[], int]],
        user_agent: Optional[str],
        max_bytes: int,
    ) -> None:
        #: The session: its environment (copied once), profile name and ``load_config``.
        self._config = config
        self._env_snapshot: Dict[str, str] = dict(config.environ)
        self._profile_name = config.profile_name
        self._profile: Optional[Mapping[str, Any]] = None
        self._clock: Clock = clock or utc_now
        self._jitter = jitter
        self._user_agent = user_agent
        self._max_bytes = max_bytes

        # The order below is botocore's, so the first bad value is the one reported.
        self.timeout = self._int_setting("metadata_service_timeout")
        self.num_attempts = self._int_setting("metadata_service_num_attempts")
        endpoint = self._setting("ec2_metadata_service_endpoint")
        mode = self._endpoint_mode()
        self.v1_disabled = ensure_boolean(self._setting("ec2_metadata_v1_disabled"))
        if endpoint:
            base = str(endpoint)
        elif mode == "ipv6":
            base = BASE_URL_IPV6
        else:
            base = BASE_URL
        check_imds_endpoint(base)
        self.base_url = base
        self.disabled = (
            self._env_snapshot.get("AWS_EC2_METADATA_DISABLED", "false").lower() == "true"
        )
        self._proxies = _http.environ_proxies(base, self._env_snapshot)

    # -- configuration -----------------------------------------------------------

    def _profile_config(self) -> Mapping[str, Any]:
        if self._profile is None:
            profiles = self._config.load_config().get("profiles") or {}
            profile: Any = profiles.get(self._profile_name) or {}
            self._profile = profile if isinstance(profile, dict) else {}
        return self._profile

    def _setting(self, name: str) -> Any:
        """A setting of the one table, from this provider's environment and profile."""
        return lookup(
            name, self._env_snapshot, self._profile_config(), profile_name=self._profile_name
        )

    def _int_setting(self, name: str) -> int:
        value = self._setting(name)
        try:
            number = int(value)
        except (TypeError, ValueError):
            env_vars, key, _default, _convert = CONFIG_VARIABLES[name]
            env_var = env_vars[0]
            source = env_var if env_var in self._env_snapshot else "profile key %s" % (key,)
            raise InvalidConfigError(
                "%s must be a whole number, got %r (botocore: invalid literal for int())"
                % (source, value)
            ) from None
        return number

    def _endpoint_mode(self) -> str:
        mode = self._setting("ec2_metadata_service_endpoint_mode")
        if mode is not None:
            lowered = str(mode).lower()
            if lowered not in ("ipv4", "ipv6"):
                raise InvalidIMDSEndpointModeError(str(mode))
            return lowered
        if ensure_boolean(self._setting("imds_use_ipv6")):
            return "ipv6"
        return "ipv4"

    # -- provider --------------------------------------------------------------

    def load(self) -> Optional[RefreshableCredentials]:
        """Fetch role credentials; ``None`` when IMDS is disabled or gives none."""
        data = self.retrieve_iam_role_credentials()
        if not data:
            return None
        initial = self._credentials(data)

        def refresh() -> Credentials:
            fresh = self.retrieve_iam_role_credentials()
            # An empty result makes _IMDSCredentials raise botocore's error.
            return self._credentials(fresh) if fresh else None  # type: ignore[return-value]

        return _IMDSCredentials(refresh, initial, method=self.METHOD, clock=self._clock)

    def _credentials(self, data: Dict[str, Any]) -> Credentials:
        return Credentials(
            data["access_key"],
            data["secret_key"],
            data["token"],
            parse_expiry(data["expiry_time"], "the instance metadata service"),
            method=self.METHOD,
        )

    def retrieve_iam_role_credentials(self) -> Dict[str, Any]:
        """One run of botocore's algorithm: the credential fields, or ``{}``."""
        import json

        try:
            token = self._fetch_token()
            role_name = self._get(ROLE_PATH, self._needs_retry, token).text()
            response = self._get(ROLE_PATH + role_name, self._needs_retry_json, token)
            document = json.loads(response.text())
        except (_RetriesExceeded, _BadRequest):
            return {}
        if not isinstance(document, dict) or any(f not in document for f in _REQUIRED):
            # Includes the 200 error document {"Code": ..., "Message": ...}.
            return {}
        data: Dict[str, Any] = {
            "role_name": role_name,
            "access_key": document["AccessKeyId"],
            "secret_key": document["SecretAccessKey"],
            "token": document["Token"],
            "expiry_time": document["Expiration"],
        }
        self._extend_expiry(data)
        return data

    # -- requests ----------------------------------------------------------------

    def _url(self, path: str) -> str:
        sep = "" if self.base_url.endswith("/") else "/"
        return self.base_url + sep + path

    def _headers(self) -> Dict[str, str]:
        return {"User-Agent": self._user_agent or _default_user_agent(self._env_snapshot)}

    def _send(self, method: str, url: str, headers: Dict[str, str]) -> _http.Response:
        return _http.request(
            method,
            url,
            headers=headers,
            timeout=(self.timeout, self.timeout),
            max_bytes=self._max_bytes,
            proxies=self._proxies,
            environ=self._env_snapshot,
        )

    def _fetch_token(self) -> Optional[str]:
        if self.disabled:
            raise _RetriesExceeded()
        url = self._url(TOKEN_PATH)
        headers = self._headers()
        headers["x-aws-ec2-metadata-token-ttl-seconds"] = TOKEN_TTL
        for _ in range(self.num_attempts):
            try:
                response = self._send("PUT", url, headers)
            except ReadTimeoutError:
                return None
            except (EndpointConnectionError, ConnectionClosedError):
                continue
            except InvalidURLError:
                raise InvalidIMDSEndpointError(_http.redact_url(url)) from None
            if response.status == 200:
                return response.text()
            if response.status in (403, 404, 405):
                return None
            if response.status == 400:
                raise _BadRequest()
        return None

    def _get(
        self,
        path: str,
        needs_retry: Callable[[_http.Response], bool],
        token: Optional[str],
    ) -> _http.Response:
        if self.disabled:
            raise _RetriesExceeded()
        if not token and self.v1_disabled:
            raise MetadataRetrievalError(
                "Unable to retrieve token for use in IMDSv2 call and IMDSv1 has been disabled"
            )
        url = self._url(path)
        headers = self._headers()
        if token is not None:
            headers["x-aws-ec2-metadata-token"] = token
        for _ in range(self.num_attempts):
            try:
                response = self._send("GET", url, headers)
            except (ReadTimeoutError, EndpointConnectionError, ConnectionClosedError):
                continue
            if not needs_retry(response):
                return response
        raise _RetriesExceeded()

    @staticmethod
    def _needs_retry(response: _http.Response) -> bool:
        return response.status != 200 or not response.body

    @staticmethod
    def _needs_retry_json(response: _http.Response) -> bool:
        import json

        if response.status != 200 or not response.body:
            return True
        try:
            json.loads(response.text())
        except ValueError:
            return True
        return False

    # -- static stability ----------------------------------------------------------

    def _extend_expiry(self, data: Dict[str, Any]) -> None:
        """Give expired or soon-expiring credentials 17-25 more minutes (botocore)."""
        expiration = data.get("expiry_time")
        if not isinstance(expiration, str):
            return
        try:
            expires = datetime.strptime(expiration, _STRICT_EXPIRY)
        except ValueError:
            return  # fractional seconds, offsets: left unchanged, as botocore
        if self._jitter is not None:
            jitter = self._jitter()
        else:
            import random

            jitter = random.randint(120, 600)  # noqa: S311 - spreading refreshes, not a secret
        offset = timedelta(seconds=CREDENTIAL_REFRESH_WINDOW + jitter)
        now = self._clock().astimezone(timezone.utc).replace(tzinfo=None)
        if now >= expires - offset:
            data["expiry_time"] = (now + offset).strftime(_STRICT_EXPIRY)
            import logging

            logging.getLogger("bedrock_token_lite").info(
                "Instance metadata credentials expire soon or have expired; using them for "
                "%.0f more minutes while the metadata service recovers.",
                offset.total_seconds() / 60,
            )


class _IMDSCredentials(RefreshableCredentials):
    """Refreshable credentials whose failed refresh raises botocore's error."""

    def _check_expiry(self, credentials: Credentials) -> None:
        if credentials is None:
            raise CredentialRetrievalError(
                self.method,
                "Credential refresh failed, response did not contain: "
                "access_key, secret_key, token, expiry_time",
            )
        super()._check_expiry(credentials)


_UA: Optional[str] = None


def _default_user_agent(env: Mapping[str, str]) -> str:
    global _UA
    if _UA is None:
        import platform

        from .._version import __version__

        _UA = "bedrock-token-lite/%s Python/%s %s/%s" % (
            __version__,
            platform.python_version(),
            platform.system(),
            platform.release(),
        )
    agent = _UA
    exec_env = env.get("AWS_EXECUTION_ENV")
    if exec_env:
        agent += " exec-env/%s" % (exec_env,)
    return agent
