"""The AWS calls the credential chain makes: STS (signed and unsigned), SSO, SSO-OIDC.

This module mirrors what botocore's nested clients do (spec section 18):

* :class:`ClientConfig` resolves the client settings from the environment and
  the session profile (region, ``sts_regional_endpoints``, FIPS, dual-stack,
  configured endpoint URLs, ``max_attempts``, ``retry_mode``, ``ca_bundle``);
* :func:`service_endpoint` and :func:`sts_endpoint` pick the URL and signing
  region botocore would pick;
* :func:`call_sts` sends a query-protocol request (``Action=...&Version=...``),
  signed with :mod:`.sigv4` or unsigned, retries like botocore 1.44's
  standard mode (the default) or its legacy mode and parses the XML answer
  into :class:`Credentials`;
* :func:`call_json` sends the small REST/JSON requests of SSO and SSO-OIDC.

All network access goes through :func:`_sts_http`, one function, so it can be
switched to the shared HTTP module in one place.
"""

from __future__ import annotations

import os
from collections.abc import Mapping as _AbcMapping

from .. import sigv4
from .._common.credentials import Credentials
from .._common.dt import datetime, timezone
from .._errors import InvalidConfigError, InvalidParameterError
from .._source_errors import (
    ClientError,
    EndpointConnectionError,
    InvalidRegionError,
    InvalidSTSRegionalEndpointsConfigError,
    NoRegionError,
    ParamValidationError,
    ResponseParserError,
    SSLError,
)

TYPE_CHECKING = False  # typing itself costs milliseconds to import
if TYPE_CHECKING:  # pragma: no cover
    from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple

if TYPE_CHECKING:  # pragma: no cover
    from xml.etree.ElementTree import Element

__all__ = [
    "DEFAULT_TIMEOUT",
    "ClientConfig",
    "HttpResponse",
    "account_id_from_arn",
    "call_json",
    "call_sts",
    "parse_timestamp",
    "service_endpoint",
    "sts_endpoint",
    "validate_lengths",
]

#: botocore's connect and read timeouts for AWS API calls (seconds).
DEFAULT_TIMEOUT = 60.0
#: The most we read of any answer; STS and SSO answers are a few kilobytes.
MAX_RESPONSE_BYTES = 1024 * 1024
STS_VERSION = "2011-06-15"
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded; charset=utf-8"

LEGACY_GLOBAL_STS_REGIONS = frozenset(
    (
        "ap-northeast-1",
        "ap-south-1",
        "ap-southeast-1",
        "ap-southeast-2",
        "aws-global",
        "ca-central-1",
        "eu-central-1",
        "eu-north-1",
        "eu-west-1",
        "eu-west-2",
        "eu-west-3",
        "sa-east-1",
        "us-east-1",
        "us-east-2",
        "us-west-1",
        "us-west-2",
    )
)

# (name, region regex, explicit extra regions, DNS suffix, dual-stack DNS suffix),
# in the order of botocore's partitions.json.
_PARTITIONS = (
    (
        "aws",
        r"^(us|eu|ap|sa|ca|me|af|il|mx)\-\w+\-\d+$",
        ("aws-global",),
        "amazonaws.com",
        "api.aws",
    ),
    (
        "aws-cn",
        r"^cn\-\w+\-\d+$",
        ("aws-cn-global",),
        "amazonaws.com.cn",
        "api.amazonwebservices.com.cn",
    ),
    ("aws-eusc", r"^eusc\-(de)\-\w+\-\d+$", (), "amazonaws.eu", "api.amazonwebservices.eu"),
    ("aws-iso", r"^us\-iso\-\w+\-\d+$", ("aws-iso-global",), "c2s.ic.gov", "api.aws.ic.gov"),
    (
        "aws-iso-b",
        r"^us\-isob\-\w+\-\d+$",
        ("aws-iso-b-global",),
        "sc2s.sgov.gov",
        "api.aws.scloud",
    ),
    (
        "aws-iso-e",
        r"^eu\-isoe\-\w+\-\d+$",
        ("aws-iso-e-global",),
        "cloud.adc-e.uk",
        "api.cloud-aws.adc-e.uk",
    ),
    (
        "aws-iso-f",
        r"^us\-isof\-\w+\-\d+$",
        ("aws-iso-f-global",),
        "csp.hci.ic.gov",
        "api.aws.hci.ic.gov",
    ),
    ("aws-us-gov", r"^us\-gov\-\w+\-\d+$", ("aws-us-gov-global",), "amazonaws.com", "api.aws"),
)

# botocore's legacy retry policy (data/_retry.json) and standard-mode lists
# (retries/standard.py, retries/quota.py).
_THROTTLING_CODES = frozenset(
    (
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottledException",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException",
        "TransactionInProgressException",
        "RequestLimitExceeded",
        "BandwidthLimitExceeded",
        "LimitExceededException",
        "RequestThrottled",
        "SlowDown",
        "PriorRequestNotComplete",
        "EC2ThrottledException",
    )
)
_LEGACY_THROTTLING_CODES = frozenset(
    (
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottledException",
        "ProvisionedThroughputExceededException",
    )
)
_LEGACY_RETRY_STATUS = frozenset((429, 500, 502, 503, 504, 509))
_STANDARD_TRANSIENT_CODES = frozenset(
    ("RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete")
)
_STANDARD_TRANSIENT_STATUS = frozenset((500, 502, 503, 504))
_LEGACY_MAX_ATTEMPTS = 5
_STANDARD_MAX_ATTEMPTS = 3
_MAX_BACKOFF = 20.0
#: The most an ``x-amz-retry-after`` header adds to the computed delay (seconds).
_RETRY_AFTER_MAX_ADDITIONAL = 5.0
#: Standard mode's retry quota: each client starts with 500 and a retry costs 14,
#: or 5 after a throttling error.  The chain builds a client per call, so the
#: quota only ends a call's retries early when more than 36 attempts are allowed.
_RETRY_QUOTA = 500
_RETRY_COST = 14
_THROTTLING_RETRY_COST = 5
#: The error codes each operation's model declares.  A 429 with one of them is
#: left to the model (no retry: none is marked retryable); any other 429 is
#: throttling.
_MODELED_ERRORS = {
    "AssumeRole": frozenset(
        (
            "MalformedPolicyDocument",
            "PackedPolicyTooLarge",
            "RegionDisabledException",
            "ExpiredTokenException",
            "InvalidContextAssertion",
        )
    ),
    "AssumeRoleWithWebIdentity": frozenset(
        (
            "MalformedPolicyDocument",
            "PackedPolicyTooLarge",
            "IDPRejectedClaim",
            "IDPCommunicationError",
            "InvalidIdentityToken",
            "ExpiredTokenException",
            "RegionDisabledException",
        )
    ),
    "GetRoleCredentials": frozenset(
        (
            "InvalidRequestException",
            "UnauthorizedException",
            "TooManyRequestsException",
            "ResourceNotFoundException",
        )
    ),
    "CreateToken": frozenset(
        (
            "InvalidRequestException",
            "InvalidClientException",
            "InvalidGrantException",
            "UnauthorizedClientException",
            "UnsupportedGrantTypeException",
            "InvalidScopeException",
            "AuthorizationPendingException",
            "SlowDownException",
            "AccessDeniedException",
            "ExpiredTokenException",
            "InternalServerException",
        )
    ),
}
_EMPTY_CA_BUNDLE = (
    "Invalid CA bundle: the configured value (ca_bundle, AWS_CA_BUNDLE, REQUESTS_CA_BUNDLE, "
    "or verify) resolved to an empty or whitespace-only string. Provide a valid path to a "
    "CA bundle file."
)

if TYPE_CHECKING:  # pragma: no cover
    Clock = Callable[[], datetime]
    Sleep = Callable[[float], None]


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


def ensure_boolean(value: Any) -> bool:
    """botocore's ``ensure_boolean``: a bool as is, a str when it is ``true``."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return value.lower() == "true"
    return False


# --------------------------------------------------------------------------
# Client configuration
# --------------------------------------------------------------------------


class ClientConfig:
    """The settings of botocore's nested clients, from the environment and the session profile.

    ``full_config`` is botocore's merged configuration shape
    (``{"profiles": {...}, "services": {...}, ...}``); ``profile_name`` is the
    *session's* profile (``None``: ``default`` when it exists).  ``region``
    overrides the session region (botocore's ``_last_client_region_used``).
    """

    def __init__(
        self,
        *,
        environ: Optional[Mapping[str, str]] = None,
        full_config: Optional[Mapping[str, Any]] = None,
        profile_name: Optional[str] = None,
        region: Optional[str] = None,
    ) -> None:
        self.environ: Mapping[str, str] = os.environ if environ is None else environ
        self.full_config: Mapping[str, Any] = full_config or {}
        self.profile_name = profile_name
        self._region = region

    @property
    def profile(self) -> Mapping[str, Any]:
        """The session profile's keys (empty when it does not exist)."""
        profiles = self.full_config.get("profiles") or {}
        section = profiles.get(self.profile_name or "default")
        return section if isinstance(section, _AbcMapping) else {}

    def get(self, env_names: Tuple[str, ...], key: Optional[str], default: Any = None) -> Any:
        """botocore's config-variable lookup: a *set* env var, then the profile key."""
        for name in env_names:
            if name in self.environ:
                return self.environ[name]
        if key is not None and key in self.profile:
            return self.profile[key]
        return default

    def variable(self, name: str) -> Any:
        """:meth:`get` with the environment variables, key and default of ``CONFIG_VARIABLES``."""
        from .._config.session import CONFIG_VARIABLES

        env_names, key, default, _convert = CONFIG_VARIABLES[name]
        return self.get(env_names, key, default)

    @property
    def region(self) -> Optional[str]:
        """The region of the nested STS client (spec section 18.1)."""
        if self._region is not None:
            return self._region
        value = self.get(("AWS_DEFAULT_REGION",), "region")
        return None if value is None else str(value)

    @property
    def use_fips(self) -> bool:
        return ensure_boolean(self.get(("AWS_USE_FIPS_ENDPOINT",), "use_fips_endpoint"))

    @property
    def use_dualstack(self) -> bool:
        return ensure_boolean(self.get(("AWS_USE_DUALSTACK_ENDPOINT",), "use_dualstack_endpoint"))

    @property
    def sts_regional_endpoints(self) -> str:
        value = self.get(("AWS_STS_REGIONAL_ENDPOINTS",), "sts_regional_endpoints")
        if not value:
            return "regional"
        if value not in ("legacy", "regional"):
            raise InvalidSTSRegionalEndpointsConfigError(str(value))
        return str(value)

    @property
    def max_attempts(self) -> Optional[int]:
        value = self.variable("max_attempts")
        if value is None:
            return None
        try:
            return int(value)
        except ValueError:
            raise InvalidConfigError(
                "max_attempts must be a whole number, got %r (from AWS_MAX_ATTEMPTS or the "
                "profile's max_attempts)" % (value,)
            ) from None

    @property
    def retry_mode(self) -> str:
        """``AWS_RETRY_MODE`` / ``retry_mode``; ``standard`` by default (botocore 1.44)."""
        return str(self.variable("retry_mode"))

    @property
    def ca_bundle(self) -> Optional[str]:
        """The PEM file a client verifies TLS against; ``None``: the system trust store.

        ``AWS_CA_BUNDLE`` / ``ca_bundle``, else ``REQUESTS_CA_BUNDLE``, as
        botocore's ``EndpointCreator._get_verify_value``.  An empty or
        whitespace-only value raises :class:`InvalidConfigError`, as botocore
        does since 1.43.54.
        """
        value = self.variable("ca_bundle")
        if value is None:
            value = self.environ.get("REQUESTS_CA_BUNDLE")
        if value is None:
            return None
        if isinstance(value, str) and not value.strip():
            raise InvalidConfigError(_EMPTY_CA_BUNDLE)
        return str(value)

    def check_client(self) -> None:
        """Raise what botocore raises while it creates a client, before any request.

        An unknown retry mode, a ``max_attempts`` below 1 (botocore's
        ``InvalidMaxRetryAttemptsError`` message), then an empty CA bundle.
        Callers run this where botocore creates the nested client: after the
        region is validated and before the endpoint, the parameters or a token
        are looked at.
        """
        mode = self.retry_mode
        if mode not in ("legacy", "standard", "adaptive"):
            raise InvalidConfigError(
                "Invalid value %r for retry_mode (AWS_RETRY_MODE); use legacy, standard or "
                "adaptive" % (mode,)
            )
        attempts = self.max_attempts
        if attempts is not None and attempts < 1:
            raise InvalidConfigError(
                'Value provided to "max_attempts": %d must be an integer greater than or equal '
                "to 1." % (attempts,)
            )
        self.ca_bundle  # noqa: B018 (validates)

    def configured_endpoint(self, service_id: str) -> Optional[str]:
        """The configured endpoint URL for ``service_id`` (``sts``, ``sso``, ``sso-oidc``)."""
        ignore = self.get(
            ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",), "ignore_configured_endpoint_urls"
        )
        if ensure_boolean(ignore):
            return None
        env_name = "AWS_ENDPOINT_URL_" + service_id.upper().replace("-", "_").replace(" ", "_")
        for name in (env_name, "AWS_ENDPOINT_URL"):
            value = self.environ.get(name)
            if value:
                return value
        services_name = self.profile.get("services")
        if services_name is not None:
            sections = self.full_config.get("services") or {}
            if services_name not in sections:
                raise InvalidConfigError(
                    'The profile is configured to use the services section but the "%s" '
                    "services configuration does not exist." % (services_name,)
                )
            nested = sections[services_name].get(
                service_id.lower().replace("-", "_").replace(" ", "_")
            )
            if isinstance(nested, _AbcMapping) and nested.get("endpoint_url"):
                return str(nested["endpoint_url"])
        value = self.profile.get("endpoint_url")
        return str(value) if value else None


# --------------------------------------------------------------------------
# Endpoints
# --------------------------------------------------------------------------


def validate_region(region: str) -> str:
    """botocore's ``validate_region_name``: a label of letters, digits and dashes."""
    import re

    if not re.match(r"^(?![0-9]+$)(?!-)[a-zA-Z0-9-]{,63}(?<!-)$", region):
        raise InvalidRegionError(region)
    return region


def _partition(region: str) -> Tuple[str, str, str]:
    import re

    for name, _regex, extra, suffix, dual in _PARTITIONS:
        if region in extra:
            return name, suffix, dual
    for name, regex, _extra, suffix, dual in _PARTITIONS:
        if re.match(regex, region):
            return name, suffix, dual
    return _PARTITIONS[0][0], _PARTITIONS[0][3], _PARTITIONS[0][4]


def service_endpoint(
    host_prefix: str,
    fips_prefix: str,
    region: Optional[str],
    *,
    use_fips: bool = False,
    use_dualstack: bool = False,
) -> str:
    """The default URL of an AWS service in ``region`` (botocore's endpoint rule set).

    ``host_prefix`` is the first host label(s): ``sts``, ``portal.sso``, ``oidc``;
    ``fips_prefix`` is their FIPS form: ``sts-fips``, ``portal.sso-fips``, ``oidc-fips``.
    """
    if region is None:
        raise NoRegionError(
            "Set AWS_DEFAULT_REGION, or region in the profile, or configure an endpoint URL."
        )
    partition, suffix, dual = _partition(region)
    if use_fips and use_dualstack:
        url = "https://%s.%s.%s" % (fips_prefix, region, dual)
    elif use_fips:
        if partition == "aws-us-gov":
            url = "https://%s.%s.amazonaws.com" % (host_prefix, region)
        else:
            url = "https://%s.%s.%s" % (fips_prefix, region, suffix)
    elif use_dualstack:
        url = "https://%s.%s.%s" % (host_prefix, region, dual)
    else:
        url = "https://%s.%s.%s" % (host_prefix, region, suffix)
    if not region:
        raise InvalidParameterError(
            "Invalid endpoint: %s (the region is empty: set AWS_DEFAULT_REGION or the "
            "profile's region to a region name such as us-east-1)" % (url,)
        )
    return url


def _custom_endpoint(config: ClientConfig, service_id: str) -> Optional[str]:
    url = config.configured_endpoint(service_id)
    if url is None:
        return None
    if config.use_fips:
        raise InvalidConfigError(
            "Invalid Configuration: FIPS and custom endpoint are not supported "
            "(unset AWS_USE_FIPS_ENDPOINT / use_fips_endpoint or the %s endpoint URL)"
            % (service_id,)
        )
    if config.use_dualstack:
        raise InvalidConfigError(
            "Invalid Configuration: Dualstack and custom endpoint are not supported "
            "(unset AWS_USE_DUALSTACK_ENDPOINT / use_dualstack_endpoint or the %s endpoint URL)"
            % (service_id,)
        )
    return url


def sts_endpoint(config: ClientConfig, region: Optional[str], *, signed: bool) -> Tuple[str, str]:
    """The STS URL and signing region botocore would use (spec section 18.3).

    Raises ``NoRegionError`` for a signed call to a configured endpoint
    without a region, ``InvalidRegionError`` for a malformed region and
    ``InvalidSTSRegionalEndpointsConfigError`` for a bad
    ``sts_regional_endpoints``.
    """
    if region is not None:
        validate_region(region)
    custom = _custom_endpoint(config, "sts")
    if custom is not None:
        if region is None:
            if signed:
                raise NoRegionError(
                    "STS AssumeRole is signed and needs a region even with a configured "
                    "endpoint URL: set AWS_DEFAULT_REGION or the profile's region."
                )
            return custom, "us-east-1"
        return custom, region
    mode = config.sts_regional_endpoints
    fips, dual = config.use_fips, config.use_dualstack
    if region is None or region == "aws-global":
        if not fips and not dual:
            return "https://sts.amazonaws.com", "us-east-1"
        if region is None:
            raise NoRegionError("FIPS and dual-stack STS endpoints need a region.")
    elif mode == "legacy" and region in LEGACY_GLOBAL_STS_REGIONS and not fips and not dual:
        return "https://sts.amazonaws.com", "us-east-1"
    return service_endpoint("sts", "sts-fips", region, use_fips=fips, use_dualstack=dual), region


# --------------------------------------------------------------------------
# Parameter validation (the STS model's length and range limits)
# --------------------------------------------------------------------------

#: name -> (minimum, maximum) length, or for DurationSeconds the value range.
_LIMITS: Dict[str, Tuple[int, int]] = {
    "RoleArn": (20, 2048),
    "RoleSessionName": (2, 64),
    "ExternalId": (2, 1224),
    "SerialNumber": (9, 256),
    "TokenCode": (6, 6),
    "WebIdentityToken": (4, 20000),
    "DurationSeconds": (900, 43200),
}


def validate_lengths(params: List[Tuple[str, Any]]) -> None:
    """Raise ``ParamValidationError`` like botocore's model validation (lengths only)."""
    problems = []
    for name, value in params:
        limits = _LIMITS.get(name)
        if limits is None:
            continue
        low, high = limits
        if name == "DurationSeconds":
            if value < low:
                problems.append(
                    "Invalid value for parameter %s, value: %s, valid min value: %s"
                    % (name, value, low)
                )
            elif value > high:
                problems.append(
                    "Invalid value for parameter %s, value: %s, valid max value: %s"
                    % (name, value, high)
                )
            continue
        size = len(value)
        if size < low:
            problems.append(
                "Invalid length for parameter %s, value: %d, valid min length: %d"
                % (name, size, low)
            )
        elif size > high:
            problems.append(
                "Invalid length for parameter %s, value: %d, valid max length: %d"
                % (name, size, high)
            )
    if problems:
        raise ParamValidationError("\n".join(problems))


# --------------------------------------------------------------------------
# HTTP
# --------------------------------------------------------------------------


class HttpResponse:
    """Status, lower-cased headers and the (bounded) body of an answer."""

    __slots__ = ("status", "reason", "headers", "body")

    def __init__(self, status: int, reason: str, headers: Dict[str, str], body: bytes) -> None:
        self.status = status
        self.reason = reason
        self.headers = headers
        self.body = body


def _proxy_for(url: str, environ: Mapping[str, str]) -> Optional[str]:
    from urllib.parse import urlsplit
    from urllib.request import proxy_bypass_environment  # type: ignore[attr-defined]

    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    proxy = environ.get(scheme + "_proxy") or environ.get(scheme.upper() + "_PROXY")
    if not proxy:
        return None
    no_proxy = environ.get("no_proxy") or environ.get("NO_PROXY")
    if no_proxy and proxy_bypass_environment(parts.hostname or "", {"no": no_proxy}):
        return None
    return proxy


def _sts_http(
    method: str,
    url: str,
    *,
    headers: List[Tuple[str, str]],
    body: Optional[bytes],
    timeout: float,
    environ: Mapping[str, str],
    ca_bundle: Optional[str] = None,
    max_bytes: int = MAX_RESPONSE_BYTES,
) -> HttpResponse:
    """Send one request through the package's HTTP layer (``_http.request``).

    No redirects are followed; at most ``max_bytes`` of the body are read;
    a failed TLS verification is ``SSLError`` (as botocore); other connection
    failures and timeouts become ``EndpointConnectionError`` naming the URL
    without its query string.  HTTP error statuses are returned, not raised.
    """
    from .._source_errors import HTTPClientError, ResponseTooLargeError
    from . import http as _http

    shown = url.split("?", 1)[0]
    if not url.lower().startswith(("http://", "https://")):
        raise EndpointConnectionError(shown, "only http and https URLs are used")
    try:
        response = _http.request(
            method,
            url,
            headers=dict(headers),
            body=body,
            timeout=timeout,
            max_bytes=max_bytes,
            proxies=_http.environ_proxies(url, environ),
            ca_bundle=ca_bundle,
            environ=environ,
        )
    except (EndpointConnectionError, SSLError):
        raise
    except ResponseTooLargeError:
        raise  # not retried: a larger answer will not shrink
    except HTTPClientError as exc:
        raise EndpointConnectionError(shown, type(exc).__name__) from None
    return HttpResponse(response.status, response.reason, response.headers, response.body)


if TYPE_CHECKING:  # pragma: no cover
    Transport = Callable[..., HttpResponse]


# --------------------------------------------------------------------------
# Retries
# --------------------------------------------------------------------------


def _retryable(
    mode: str, status: int, code: Optional[str], service: str, operation: str
) -> Tuple[bool, bool]:
    """(retry?, throttling?) for an error answer."""
    if mode == "standard":
        modeled = code in _MODELED_ERRORS.get(operation, ())
        throttling = code in _THROTTLING_CODES or (status == 429 and not modeled)
        transient = code in _STANDARD_TRANSIENT_CODES or status in _STANDARD_TRANSIENT_STATUS
        idp = service == "sts" and code == "IDPCommunicationError"
        return throttling or transient or idp, throttling
    throttling = code in _THROTTLING_CODES or status == 429
    if status in _LEGACY_RETRY_STATUS:
        return True, throttling
    if status == 400 and (
        code in _LEGACY_THROTTLING_CODES or (service == "sts" and code == "IDPCommunicationError")
    ):
        return True, True
    return False, False


def _retry_after(value: Optional[str]) -> Optional[float]:
    """An ``x-amz-retry-after`` header (milliseconds) in seconds; ``None`` when unusable."""
    if value is None:
        return None
    try:
        seconds = int(value) / 1000.0
    except (ValueError, OverflowError):
        return None
    return None if seconds < 0 else seconds


def _delay(mode: str, attempt: int, throttling: bool, retry_after: Optional[str] = None) -> float:
    """The pause before retry ``attempt`` (1 for the first retry), jittered like botocore."""
    import random

    if mode == "standard":
        base = 1.0 if throttling else 0.05
        delay = random.random() * min(base * float(2 ** (attempt - 1)), _MAX_BACKOFF)  # noqa: S311
        after = _retry_after(retry_after)
        if after is not None:
            return max(delay, min(after, _RETRY_AFTER_MAX_ADDITIONAL + delay))
        return delay
    return random.random() * float(2 ** (attempt - 1))  # noqa: S311


def _send_with_retries(
    config: ClientConfig,
    service: str,
    build: Callable[[], Tuple[str, str, List[Tuple[str, str]], Optional[bytes]]],
    parse_error: Callable[[HttpResponse], Tuple[str, str]],
    operation: str,
    *,
    transport: Optional[Transport],
    sleep: Optional[Sleep],
    timeout: float,
) -> HttpResponse:
    """Send until success, a final error or the last attempt, as botocore's retry handlers.

    ``adaptive`` is sent as ``standard``: botocore's client-side rate limiter
    only spaces out calls after throttling, across the calls of one client,
    and the chain makes one call per client.
    """
    config.check_client()
    mode = config.retry_mode
    if mode == "adaptive":
        mode = "standard"
    max_attempts = config.max_attempts
    if max_attempts is None:
        max_attempts = _LEGACY_MAX_ATTEMPTS if mode == "legacy" else _STANDARD_MAX_ATTEMPTS
    send = transport or _sts_http
    pause = sleep
    if pause is None:
        import time

        pause = time.sleep
    ca_bundle = config.ca_bundle
    quota = _RETRY_QUOTA
    attempt = 0
    while True:
        attempt += 1
        last = attempt >= max_attempts
        method, url, headers, body = build()
        try:
            response = send(
                method,
                url,
                headers=headers,
                body=body,
                timeout=timeout,
                environ=config.environ,
                ca_bundle=ca_bundle,
            )
        except (EndpointConnectionError, SSLError):  # botocore retries both
            if last or (mode == "standard" and quota < _RETRY_COST):
                raise
            if mode == "standard":
                quota -= _RETRY_COST
            pause(_delay(mode, attempt, False))
            continue
        if 200 <= response.status < 300:
            return response
        code, message = parse_error(response)  # ResponseParserError: never retried
        retry, throttling = _retryable(mode, response.status, code, service, operation)
        if retry and not last:
            cost = _THROTTLING_RETRY_COST if throttling else _RETRY_COST
            if mode != "standard" or quota >= cost:
                if mode == "standard":
                    quota -= cost
                pause(_delay(mode, attempt, throttling, response.headers.get("x-amz-retry-after")))
                continue
            # the retry quota is spent: the error as is, without "reached max retries"
        # "(reached max retries: N)" when the attempts ran out: legacy mode for a
        # retryable error, standard mode for any error on the last attempt.
        exhausted = last and (retry or mode == "standard")
        raise ClientError(
            code,
            message,
            operation,
            status=response.status,
            retry_attempts=attempt - 1 if exhausted else None,
            endpoint=url.split("?", 1)[0],
        )


# --------------------------------------------------------------------------
# Parsing
# --------------------------------------------------------------------------


def parse_timestamp(text: str) -> datetime:
    """Parse an ISO 8601 / RFC 1123 timestamp as botocore (dateutil) would.

    A value without a timezone gives a naive datetime, like dateutil; callers
    comparing it with an aware time get a ``TypeError``, as in botocore.
    Raises ``ValueError`` for text that is not a timestamp.
    """
    from .._common.dates import parse_timestamp as parse

    return parse(text, "timestamp", allow_naive=True)


def account_id_from_arn(arn: Optional[str]) -> Optional[str]:
    """botocore's ``ArnParser``: the account of an ARN, or ``None`` when it is not one."""
    if not isinstance(arn, str) or not arn.startswith("arn:"):
        return None
    parts = arn.split(":", 5)
    if len(parts) != 6:
        return None
    return parts[4]


def _parse_xml(body: bytes) -> Element:
    from xml.etree import ElementTree

    lowered = body.lower()
    if b"<!doctype" in lowered or b"<!entity" in lowered:
        # No DTDs at all: no entity expansion, no external entities.
        raise ValueError("XML with a DOCTYPE or ENTITY declaration is not accepted")
    return ElementTree.fromstring(body)  # noqa: S314 (DTDs rejected above)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child(element: Optional[Element], name: str) -> Optional[Element]:
    if element is None:
        return None
    for item in element:
        if _local(item.tag) == name:
            return item
    return None


def _find_text(element: Optional[Element], *path: str) -> Optional[str]:
    for name in path:
        element = _child(element, name)
    if element is None:
        return None
    return element.text or ""


def _parse_failure(body: bytes, exc: Exception, *, show_body: bool) -> ResponseParserError:
    if show_body:
        shown: object = body[:200] + (b"..." if len(body) > 200 else b"")
    else:  # a success answer may hold credentials: never quote it
        shown = "<%d bytes, not shown>" % len(body)
    return ResponseParserError(
        "Unable to parse response (%s), invalid XML received. Further retries may succeed:\n%s"
        % (exc, shown if isinstance(shown, str) else repr(shown))
    )


def _generic_error(response: HttpResponse) -> Optional[Tuple[str, str]]:
    """botocore's answer to a 5xx without a protocol body (empty, or an HTML page)."""
    if response.status < 500:
        return None
    body = response.body.strip()
    if body and not body.startswith(b"<html>"):
        return None
    from http.client import responses

    return str(response.status), responses.get(response.status, "")


def _sts_error(response: HttpResponse) -> Tuple[str, str]:
    generic = _generic_error(response)
    if generic is not None:
        return generic
    try:  # an empty 4xx body does not parse either: ResponseParserError, as botocore
        root = _parse_xml(response.body)
    except Exception as exc:
        raise _parse_failure(response.body, exc, show_body=True) from None
    error = root if _local(root.tag) == "Error" else _child(root, "Error")
    code = _find_text(error, "Code")
    message = _find_text(error, "Message")
    if code is None:
        return str(response.status), response.reason or "Unknown"
    return code, message if message is not None else "Unknown"


# --------------------------------------------------------------------------
# STS
# --------------------------------------------------------------------------


def call_sts(
    operation: str,
    params: List[Tuple[str, Any]],
    *,
    config: ClientConfig,
    credentials: Any = None,
    region: Optional[str] = None,
    method: str,
    clock: Optional[Clock] = None,
    transport: Optional[Transport] = None,
    sleep: Optional[Sleep] = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> Credentials:
    """Call STS ``operation`` (``AssumeRole``, ``AssumeRoleWithWebIdentity``).

    ``params`` are the request parameters in botocore's order; they are
    checked against the model's limits first.  ``credentials`` signs the
    request (SigV4, service ``sts``); ``None`` sends it unsigned.  ``region``
    is the client region (default: the config's).  The answer's
    ``Credentials`` become :class:`Credentials` with ``method`` and the
    account id from ``AssumedRoleUser/Arn``.
    """
    from urllib.parse import urlencode

    frozen = None
    if credentials is not None:
        # botocore freezes (and so refreshes) the source before creating the client.
        getter = getattr(credentials, "get_frozen_credentials", None)
        frozen = getter() if getter is not None else credentials
    if region is None:
        region = config.region
    if region is not None:
        validate_region(region)
    config.check_client()  # botocore creates the client here
    endpoint, signing_region = sts_endpoint(config, region, signed=credentials is not None)
    validate_lengths(params)
    form = [("Action", operation), ("Version", STS_VERSION)]
    form.extend((name, str(value)) for name, value in params)
    body = urlencode(form).encode("utf-8")
    url = endpoint if _has_path(endpoint) else endpoint + "/"
    now_of = clock or _utc_now

    def build() -> Tuple[str, str, List[Tuple[str, str]], Optional[bytes]]:
        headers = [("Content-Type", FORM_CONTENT_TYPE)]
        if frozen is None:
            return "POST", url, headers, body
        signed = sigv4.sign(
            "POST",
            url,
            headers=headers,
            body=body,
            credentials=frozen,
            region=signing_region,
            service="sts",
            now=now_of(),
        )
        return "POST", url, list(signed.headers), body

    response = _send_with_retries(
        config,
        "sts",
        build,
        _sts_error,
        operation,
        transport=transport,
        sleep=sleep,
        timeout=timeout,
    )
    return _sts_credentials(response, operation, method)


def _has_path(url: str) -> bool:
    from urllib.parse import urlsplit

    return bool(urlsplit(url).path)


def _sts_credentials(response: HttpResponse, operation: str, method: str) -> Credentials:
    from .._errors import CredentialRetrievalError

    try:
        root = _parse_xml(response.body)
    except Exception as exc:
        raise _parse_failure(response.body, exc, show_body=False) from None
    result = _child(root, operation + "Result")
    creds = _child(result, "Credentials")
    values = {
        name: _find_text(creds, name)
        for name in ("AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration")
    }
    missing = [name for name, value in values.items() if value is None]
    if missing:
        raise CredentialRetrievalError(
            method,
            "the STS %s answer has no %s" % (operation, ", ".join(missing)),
        )
    expiration_text = values["Expiration"] or ""
    try:
        expiry = parse_timestamp(expiration_text)
    except ValueError:
        raise CredentialRetrievalError(
            method, "the STS %s answer has an unreadable Expiration" % (operation,)
        ) from None
    if expiry.tzinfo is None:
        raise TypeError(
            "can't subtract offset-naive and offset-aware datetimes (the STS %s Expiration "
            "has no timezone)" % (operation,)
        )
    account_id = account_id_from_arn(_find_text(result, "AssumedRoleUser", "Arn"))
    return Credentials(
        values["AccessKeyId"] or "",
        values["SecretAccessKey"] or "",
        values["SessionToken"],
        expiry,
        account_id=account_id,
        method=method,
    )


# --------------------------------------------------------------------------
# REST/JSON (SSO portal, SSO-OIDC)
# --------------------------------------------------------------------------


def _json_error(response: HttpResponse) -> Tuple[str, str]:
    import json

    generic = _generic_error(response)
    if generic is not None:
        return generic
    code = response.headers.get("x-amzn-errortype", "")
    message = ""
    try:
        data = json.loads(response.body.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        data = None
        if response.body:  # botocore quotes a body that is not JSON as the message
            message = response.body.decode("utf-8", "replace")
    if isinstance(data, dict):
        code = code or str(data.get("__type") or data.get("code") or data.get("error") or "")
        message = str(
            data.get("message") or data.get("Message") or data.get("error_description") or ""
        )
    code = code.split(":", 1)[0].rsplit("#", 1)[-1]
    return code or str(response.status), message


def call_json(
    operation: str,
    method: str,
    url: str,
    *,
    config: ClientConfig,
    service: str,
    headers: List[Tuple[str, str]],
    body: Optional[bytes] = None,
    transport: Optional[Transport] = None,
    sleep: Optional[Sleep] = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> Dict[str, Any]:
    """Send an unsigned REST/JSON request with retries; return the decoded JSON object."""
    import json

    def build() -> Tuple[str, str, List[Tuple[str, str]], Optional[bytes]]:
        return method, url, list(headers), body

    response = _send_with_retries(
        config,
        service,
        build,
        _json_error,
        operation,
        transport=transport,
        sleep=sleep,
        timeout=timeout,
    )
    try:
        data = json.loads(response.body.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        data = None
    if not isinstance(data, dict):
        raise ClientError(
            "InvalidResponse",
            "the %s answer is not a JSON object" % (operation,),
            operation,
            status=response.status,
            endpoint=url.split("?", 1)[0],
        )
    return data
