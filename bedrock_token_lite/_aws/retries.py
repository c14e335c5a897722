"""Sending an AWS API call: one attempt over the HTTP client, legacy and standard retries."""

from __future__ import annotations

from .._common.redact import answer_secrets, foreign_text, redact, request_secrets
from .._source_errors import (
    ClientError,
    EndpointConnectionError,
    HTTPClientError,
    ResponseParserError,
)

TYPE_CHECKING = False  # typing itself costs milliseconds to import
if TYPE_CHECKING:  # pragma: no cover
    from typing import Callable, List, Mapping, Optional, Tuple

    from .client import ClientConfig
    from .http import Response

__all__ = ["DEFAULT_TIMEOUT", "send", "send_with_retries"]

#: botocore's connect and read timeouts for AWS API calls (seconds).
DEFAULT_TIMEOUT = 60.0

if TYPE_CHECKING:  # pragma: no cover
    Sleep = Callable[[float], None]
    #: Sends one request; :func:`send`'s signature.  Tests inject their own.
    Transport = Callable[..., Response]
    Request = Tuple[str, str, List[Tuple[str, str]], Optional[bytes]]

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


def send(
    method: str,
    url: str,
    *,
    headers: List[Tuple[str, str]],
    body: Optional[bytes],
    timeout: float,
    environ: Mapping[str, str],
    ca_bundle: Optional[str] = None,
) -> Response:
    """Send one request through the package's HTTP client (:func:`.http.request`).

    No redirects are followed; at most :data:`.http.DEFAULT_MAX_BYTES` of the
    body are read.  Failures are the HTTP client's, as botocore names them:
    ``EndpointConnectionError`` (``ConnectTimeoutError``), ``ReadTimeoutError``,
    ``ConnectionClosedError``, ``SSLError``, ``ProxyConnectionError``, each naming
    the URL without its query string.  HTTP error statuses are returned, not raised.
    """
    from . import http as _http

    shown = url.split("?", 1)[0]
    if not url.lower().startswith(("http://", "https://")):
        raise EndpointConnectionError(shown, "only http and https URLs are used")
    return _http.request(
        method,
        url,
        headers=dict(headers),
        body=body,
        timeout=timeout,
        proxies=_http.environ_proxies(url, environ),
        ca_bundle=ca_bundle,
        environ=environ,
    )


def _retried_failure(exc: BaseException) -> bool:
    """botocore retries every connection-level failure (its ``ConnectionError`` and
    ``HTTPClientError``); ours adds two it never sees: an answer over the size bound
    (a larger one will not shrink) and a URL that cannot be requested."""
    from .._source_errors import HTTPClientError, InvalidURLError, ResponseTooLargeError

    return isinstance(exc, HTTPClientError) and not isinstance(
        exc, (ResponseTooLargeError, InvalidURLError)
    )


def _generic_error(response: Response) -> Optional[Tuple[str, str]]:
    """botocore's answer to a 5xx without a protocol body (empty, or an HTML page)."""
    if response.status < 500:
        return None
    body = response.body.strip()
    if body and not body.startswith(b"<html>"):
        return None
    from http.client import responses

    return str(response.status), responses.get(response.status, "")


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


def send_with_retries(
    config: ClientConfig,
    service: str,
    build: Callable[[], Request],
    parse_error: Callable[[Response], Tuple[str, str]],
    operation: str,
    *,
    transport: Optional[Transport],
    sleep: Optional[Sleep],
    timeout: float,
) -> Response:
    """Send until success, a final error or the last attempt, as botocore's retry handlers.

    ``build`` makes each attempt's request (a signature covers the time);
    ``parse_error`` reads the protocol's (code, message) from an error answer
    that is not a bare 5xx.  ``transport`` replaces :func:`send`.

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
    send_once = transport or send
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
            response = send_once(
                method,
                url,
                headers=headers,
                body=body,
                timeout=timeout,
                environ=config.environ,
                ca_bundle=ca_bundle,
            )
        except HTTPClientError as exc:
            if not _retried_failure(exc) or last or (mode == "standard" and quota < _RETRY_COST):
                raise
            if mode == "standard":
                quota -= _RETRY_COST
            pause(_delay(mode, attempt, False))
            continue
        if 200 <= response.status < 300:
            return response
        # The answer may echo the request (its signature, session token, web identity
        # token), or be a credentials document sent with an error status: the one
        # redaction step, before anything reaches a message.
        secrets = request_secrets(headers, body)
        secrets.extend(answer_secrets(response.body.decode("utf-8", "replace")))
        unparsed: Optional[str] = None
        try:  # ResponseParserError: never retried
            raw_code, raw_message = _generic_error(response) or parse_error(response)
        except ResponseParserError as exc:
            unparsed = str(exc)
        if unparsed is not None:
            # Its message quotes the start of the body: the same redaction applies.  Raised
            # after the handler, so the unredacted error is not kept as __context__.
            raise ResponseParserError(redact(unparsed, secrets))
        code = foreign_text(raw_code, secrets, limit=100)
        message = foreign_text(raw_message, secrets)
        retry, throttling = _retryable(mode, response.status, raw_code, service, operation)
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
            foreign_message=raw_message,
        )
