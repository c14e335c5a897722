"""The less common part of the error hierarchy (see ``_errors``).

Network, instance-metadata, container, STS/SSO and ``credential_process``
errors.  Users import them from ``bedrock_token_lite``; inside the package,
import each from this module, which loads only where one of them can be
raised.  It depends on ``_errors``, never the other way round.
"""

from __future__ import annotations

from ._errors import (
    ConfigurationError,
    CredentialRetrievalError,
    CredentialsError,
    InvalidConfigError,
    InvalidParameterError,
    SourceError,
)

TYPE_CHECKING = False  # typing itself costs milliseconds to import
if TYPE_CHECKING:  # pragma: no cover
    from typing import List, Optional

__all__ = [
    "AuthTokenFileNotFoundError",
    "ClientError",
    "ConnectTimeoutError",
    "ConnectionClosedError",
    "CredentialProcessCommandError",
    "CredentialProcessError",
    "CredentialProcessNotFoundError",
    "CredentialProcessOutputError",
    "CredentialProcessOutputTypeError",
    "CredentialProcessPermissionError",
    "CredentialProcessStartError",
    "CredentialProcessTimeoutError",
    "EmptyCredentialProcessError",
    "EndpointConnectionError",
    "HTTPClientError",
    "HTTPError",
    "InfiniteLoopConfigError",
    "InvalidAuthTokenError",
    "InvalidEndpointConfigurationError",
    "InvalidExpiryError",
    "InvalidRegionError",
    "InvalidResponseError",
    "InvalidSTSRegionalEndpointsConfigError",
    "InvalidURLError",
    "MFAPromptError",
    "MetadataRetrievalError",
    "MissingCredentialFieldError",
    "MissingDependencyError",
    "NoRegionError",
    "ParamValidationError",
    "ProxyConnectionError",
    "ReadTimeoutError",
    "RefreshWithMFAUnsupportedError",
    "ResponseDecodeError",
    "ResponseParserError",
    "ResponseTooLargeError",
    "SSLError",
    "SSOError",
    "SSOResponseError",
    "SSOTokenCacheError",
    "SSOTokenLoadError",
    "TokenRetrievalError",
    "UnauthorizedSSOTokenError",
    "TokenFileDecodeError",
    "TokenFileIsADirectoryError",
    "TokenFileNotFoundError",
    "TokenFilePermissionError",
    "TokenFileReadError",
    "UnsupportedContainerHostError",
]


class CredentialProcessError(CredentialRetrievalError):
    """``credential_process`` failed: non-zero exit, unsupported version, missing keys."""

    #: The helper's exit status and (truncated) stderr, for a non-zero exit.
    returncode: Optional[int] = None
    stderr: Optional[str] = None

    def __init__(self, error_msg: str, *, profile: str = "") -> None:
        super().__init__("custom-process", error_msg)
        self.profile = profile


class CredentialProcessCommandError(CredentialProcessError, ValueError):
    """The ``credential_process`` command line cannot be split (unbalanced quotes)."""


class EmptyCredentialProcessError(CredentialProcessCommandError, IndexError):
    """The ``credential_process`` command line is empty."""


class CredentialProcessStartError(CredentialProcessError, OSError):
    """The ``credential_process`` program could not be started."""


class CredentialProcessNotFoundError(CredentialProcessStartError, FileNotFoundError):
    """The ``credential_process`` program does not exist (or is not on ``PATH``)."""


class CredentialProcessPermissionError(CredentialProcessStartError, PermissionError):
    """The ``credential_process`` program is not executable."""


class CredentialProcessTimeoutError(CredentialProcessError, TimeoutError):
    """The ``credential_process`` program ran longer than the timeout and was killed."""


class CredentialProcessOutputError(CredentialProcessError, ValueError):
    """The ``credential_process`` output is not UTF-8 JSON, or a field has the wrong type."""


class CredentialProcessOutputTypeError(CredentialProcessOutputError, AttributeError):
    """The ``credential_process`` output is JSON, but not an object."""


class HTTPClientError(CredentialsError, SourceError):
    """A request to a credential endpoint failed below the HTTP level.

    ``endpoint`` is ``scheme://host[:port]/path`` of the request: never its
    query string, user info or headers, which may carry credentials.
    """

    def __init__(self, message: str, *, endpoint: str = "") -> None:
        super().__init__(message)
        self.endpoint = endpoint


class EndpointConnectionError(HTTPClientError, ConnectionError):
    """The endpoint could not be reached (refused, unresolvable, unroutable)."""

    def __init__(self, endpoint: str, reason: str = "") -> None:
        super().__init__(
            'Could not connect to the endpoint URL: "%s"' % (endpoint,), endpoint=endpoint
        )
        self.reason = reason

    @property
    def endpoint_url(self) -> str:
        """botocore's name for :attr:`endpoint`."""
        return self.endpoint


class ConnectTimeoutError(EndpointConnectionError, TimeoutError):
    """No connection to the endpoint within the connect timeout."""

    def __init__(self, endpoint: str, reason: str = "") -> None:
        super().__init__(endpoint, reason)
        self.args = ('Connect timeout on endpoint URL: "%s"' % (endpoint,),)


class ProxyConnectionError(HTTPClientError, ConnectionError):
    """The HTTP(S) proxy chosen for the endpoint could not be reached.

    Not an :class:`EndpointConnectionError`: botocore does not retry it, and
    it escapes the credential chain.
    """

    def __init__(self, endpoint: str, proxy: str) -> None:
        super().__init__('Failed to connect to proxy URL: "%s"' % (proxy,), endpoint=endpoint)
        self.proxy = proxy


class ReadTimeoutError(HTTPClientError, TimeoutError):
    """The endpoint accepted the connection but did not answer in time."""

    def __init__(self, endpoint: str) -> None:
        super().__init__('Read timeout on endpoint URL: "%s"' % (endpoint,), endpoint=endpoint)


class ConnectionClosedError(HTTPClientError, ConnectionError):
    """The endpoint closed the connection before a complete response arrived."""

    def __init__(self, endpoint: str) -> None:
        super().__init__(
            "Connection was closed before we received a valid response from endpoint URL: "
            '"%s".' % (endpoint,),
            endpoint=endpoint,
        )


class SSLError(HTTPClientError, ConnectionError):
    """TLS negotiation or certificate verification failed."""

    def __init__(self, endpoint: str, reason: str) -> None:
        super().__init__(
            "SSL validation failed for %s %s (set AWS_CA_BUNDLE to a PEM bundle that "
            "holds the endpoint's CA)" % (endpoint, reason),
            endpoint=endpoint,
        )


class ResponseTooLargeError(HTTPClientError):
    """The response body exceeded the size bound for the endpoint."""

    def __init__(self, endpoint: str, max_bytes: int) -> None:
        super().__init__(
            "The response from %s is larger than %d bytes; refusing to read more "
            "(is the endpoint a credential service?)" % (endpoint, max_bytes),
            endpoint=endpoint,
        )
        self.max_bytes = max_bytes


class InvalidURLError(HTTPClientError, ValueError):
    """The URL cannot be requested (no host, bad port, unsupported scheme)."""


class HTTPError(HTTPClientError):
    """The endpoint answered with a status the caller does not accept."""

    def __init__(self, endpoint: str, status: int, reason: str = "") -> None:
        super().__init__(
            "HTTP %d%s from %s" % (status, " " + reason if reason else "", endpoint),
            endpoint=endpoint,
        )
        self.status = status


class MetadataRetrievalError(CredentialsError, SourceError):
    """The container or instance metadata service did not give usable data."""

    def __init__(self, error_msg: str) -> None:
        super().__init__("Error retrieving metadata: %s" % (error_msg,))
        self.error_msg = error_msg


class UnsupportedContainerHostError(InvalidConfigError):
    """The container credentials URL names a host botocore refuses to contact."""


class InvalidAuthTokenError(InvalidConfigError):
    """The container authorization token cannot be sent as a header value."""


class AuthTokenFileNotFoundError(CredentialsError, SourceError, FileNotFoundError):
    """``AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`` names a file that cannot be read."""

    def __init__(self, message: str, filename: str) -> None:
        CredentialsError.__init__(self, message)
        self.filename = filename

    def __str__(self) -> str:
        return str(self.args[0])


class TokenFileNotFoundError(CredentialsError, ConfigurationError, FileNotFoundError):
    """A token file (web identity) that the configuration names does not exist."""

    def __init__(self, message: str, filename: str) -> None:
        CredentialsError.__init__(self, message)
        self.filename = filename

    def __str__(self) -> str:
        return str(self.args[0])


class TokenFileReadError(CredentialsError, ConfigurationError, OSError):
    """A token file exists but cannot be read (a directory, no permission, an I/O error)."""

    def __init__(self, message: str, filename: str) -> None:
        CredentialsError.__init__(self, message)
        self.filename = filename

    def __str__(self) -> str:
        return str(self.args[0])


class TokenFileIsADirectoryError(TokenFileReadError, IsADirectoryError):
    """The token file's path names a directory."""


class TokenFilePermissionError(TokenFileReadError, PermissionError):
    """The token file may not be read."""


class TokenFileDecodeError(CredentialsError, ConfigurationError, UnicodeError):
    """A token file is not text in the locale's encoding (botocore: ``UnicodeDecodeError``)."""

    def __init__(self, message: str, filename: str) -> None:
        CredentialsError.__init__(self, message)
        self.filename = filename


class MissingCredentialFieldError(CredentialsError, SourceError, KeyError):
    """A credentials document lacks a required field."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field

    def __str__(self) -> str:
        return str(self.args[0])


class InvalidExpiryError(CredentialsError, SourceError, ValueError, TypeError):
    """A credential expiry is not a timestamp, or one without a time zone.

    Also a ``TypeError``: botocore fails with one when it compares a naive
    expiry with the current time.
    """


class InvalidResponseError(CredentialsError, SourceError, ValueError):
    """A credential endpoint answered with something that is not a credentials document."""


class ResponseDecodeError(InvalidResponseError, LookupError):
    """A response body cannot be decoded as the text its ``Content-Type`` says.

    Also a ``LookupError``: botocore lets codecs' error escape when the charset
    names no text encoding (and ``UnicodeDecodeError``, a ``ValueError``, for
    bytes that are not in it).
    """

    def __init__(self, endpoint: str, encoding: str, unknown: bool) -> None:
        shown = encoding if len(encoding) <= 40 and encoding.isprintable() else None
        name = repr(shown) if shown is not None else "(%d characters)" % len(encoding)
        if unknown:
            reason = "its charset %s names no text encoding" % name
        else:
            reason = "it is not valid %s text" % name
        super().__init__(
            "The response from %s cannot be decoded: %s (is the endpoint a credential service?)"
            % (endpoint, reason)
        )
        self.endpoint = endpoint
        self.encoding = encoding


class InvalidEndpointConfigurationError(ConfigurationError, ValueError):
    """An endpoint cannot be used with bearer authorization (it is not HTTPS)."""


class InfiniteLoopConfigError(InvalidConfigError):
    """``source_profile`` references form a cycle."""

    def __init__(self, source_profile: str, visited_profiles: List[str]) -> None:
        super().__init__(
            "Infinite loop in credential configuration detected. Attempting to load from "
            "profile %s which has already been visited. Visited profiles: %r"
            % (source_profile, list(visited_profiles))
        )
        self.source_profile = source_profile
        self.visited_profiles = list(visited_profiles)


class InvalidSTSRegionalEndpointsConfigError(InvalidConfigError):
    """``sts_regional_endpoints`` is neither ``legacy`` nor ``regional``."""

    def __init__(self, value: str) -> None:
        super().__init__(
            "STS regional endpoints option %s is invalid. "
            'Valid options are: "legacy", "regional"' % (value,)
        )
        self.sts_regional_endpoints_config = value


class NoRegionError(InvalidParameterError, ConfigurationError):
    """A signed AWS call needs a region and none is configured."""

    def __init__(self, hint: str = "") -> None:
        message = "You must specify a region."
        if hint:
            message = "%s %s" % (message, hint)
        super().__init__(message)


class InvalidRegionError(InvalidParameterError):
    """A region name does not have the shape of a region."""

    def __init__(self, region_name: str) -> None:
        super().__init__(
            "Provided region_name '%s' doesn't match a supported format." % (region_name,)
        )
        self.region_name = region_name


class ParamValidationError(InvalidParameterError):
    """A request parameter breaks the service model's limits (checked before sending)."""

    def __init__(self, report: str) -> None:
        super().__init__("Parameter validation failed:\n%s" % (report,))
        self.report = report


class ClientError(CredentialsError, SourceError):
    """An AWS service (STS, SSO, SSO-OIDC) answered with an error document."""

    def __init__(
        self,
        code: str,
        message: str,
        operation_name: str,
        *,
        status: int = 0,
        retry_attempts: Optional[int] = None,
        endpoint: str = "",
        foreign_message: Optional[str] = None,
    ) -> None:
        retry_info = ""
        if retry_attempts is not None:
            retry_info = " (reached max retries: %d)" % retry_attempts
        super().__init__(
            "An error occurred (%s) when calling the %s operation%s: %s"
            % (code, operation_name, retry_info, message)
        )
        self.code = code
        self.error_message = message
        self.operation_name = operation_name
        self.status = status
        self.retry_attempts = retry_attempts
        self.endpoint = endpoint
        #: The server's own message, unredacted and unbounded, for programs (never shown).
        self.foreign_message = message if foreign_message is None else foreign_message


class ResponseParserError(CredentialsError, SourceError):
    """An AWS endpoint answered with a body that cannot be parsed."""


class RefreshWithMFAUnsupportedError(CredentialsError, SourceError):
    """Credentials assumed with an MFA code cannot refresh themselves."""

    def __init__(self) -> None:
        super().__init__(
            "Cannot refresh credentials: MFA token required. Create new credentials "
            "(and enter a new MFA code) when the assumed-role session expires."
        )


class MFAPromptError(CredentialsError, SourceError, EOFError):
    """An MFA code is needed but there is no terminal to ask for it."""


class SSOError(CredentialsError, SourceError):
    """Base class of the SSO errors."""


class SSOTokenLoadError(SSOError):
    """The cached SSO token is missing or unusable."""

    def __init__(self, error_msg: str) -> None:
        super().__init__("Error loading SSO Token: %s" % (error_msg,))
        self.error_msg = error_msg


class SSOTokenCacheError(SSOTokenLoadError, KeyError):
    """The SSO token cache file is not a readable JSON document (botocore: a bare ``KeyError``)."""

    def __str__(self) -> str:
        return str(self.args[0])


class SSOResponseError(SSOError, KeyError, TypeError):
    """An SSO-OIDC answer lacks a field or holds one of the wrong type (botocore: a bare
    ``KeyError`` or ``TypeError``)."""

    def __str__(self) -> str:
        return str(self.args[0])


class UnauthorizedSSOTokenError(SSOError):
    """The SSO session has expired or was rejected by the portal."""

    def __init__(self) -> None:
        super().__init__(
            "The SSO session associated with this profile has expired or is otherwise "
            "invalid. To refresh this SSO session run aws sso login with the "
            "corresponding profile."
        )


class TokenRetrievalError(CredentialsError, SourceError):
    """A bearer token (SSO) could not be obtained or refreshed."""

    def __init__(self, provider: str, error_msg: str) -> None:
        super().__init__("Error when retrieving token from %s: %s" % (provider, error_msg))
        self.provider = provider
        self.error_msg = error_msg


class MissingDependencyError(CredentialsError, SourceError):
    """A credential source needs something the standard library cannot provide."""

    def __init__(self, msg: str) -> None:
        super().__init__("Missing Dependency: %s" % (msg,))
        self.msg = msg
