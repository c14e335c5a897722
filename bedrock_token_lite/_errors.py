"""One exception hierarchy, rooted at :class:`BedrockTokenError`.

Each leaf also subclasses the builtin a caller would already catch, so code
written for the official generator (``except ValueError`` /
``except RuntimeError``) keeps working.  Messages never contain a secret key,
session token, signature or finished token.
"""

from __future__ import annotations

from typing import List, Optional

__all__ = [
    "BedrockTokenError",
    "CredentialsError",
    "InvalidParameterError",
    "NoCredentialsError",
    "PartialCredentialsError",
    # STS, web identity, SSO and login (spec sections 6-10, 18)
    "ClientError",
    "EndpointConnectionError",
    "InfiniteLoopConfigError",
    "InvalidConfigError",
    "InvalidRegionError",
    "InvalidSTSRegionalEndpointsConfigError",
    "MFAPromptError",
    "MissingDependencyError",
    "NoRegionError",
    "ParamValidationError",
    "RefreshWithMFAUnsupportedError",
    "ResponseParserError",
    "SSOError",
    "SSOTokenLoadError",
    "TokenRetrievalError",
    "UnauthorizedSSOTokenError",
]


class BedrockTokenError(Exception):
    """Base class of every error this package raises on purpose."""


class InvalidParameterError(BedrockTokenError, ValueError):
    """An argument (region, expiry, credentials, time) is not acceptable."""


class CredentialsError(BedrockTokenError, RuntimeError):
    """Credentials could not be obtained."""


class NoCredentialsError(CredentialsError):
    """No credential source is configured."""

    def __init__(self, message: str = "", *, tried: tuple[str, ...] = ()) -> None:
        if not message:
            message = "No AWS credentials found. Check your environment or credential provider."
        super().__init__(message)
        self.tried = tuple(tried)


class PartialCredentialsError(CredentialsError):
    """A source holds some but not all of the values credentials need."""

    def __init__(self, provider: str, cred_var: str, hint: str = "") -> None:
        message = "Partial credentials found in %s, missing: %s" % (provider, cred_var)
        if hint:
            message = "%s (%s)" % (message, hint)
        super().__init__(message)
        self.provider = provider
        self.cred_var = cred_var


class CredentialRetrievalError(CredentialsError):
    """A configured credential source failed to produce credentials."""

    def __init__(self, provider: str, error_msg: str) -> None:
        super().__init__("Error when retrieving credentials from %s: %s" % (provider, error_msg))
        self.provider = provider
        self.error_msg = error_msg


class ExpiredCredentialsError(CredentialsError):
    """Refreshed credentials were already expired."""


# -- STS, web identity, SSO, login (spec sections 6-10 and 18) -----------------


class InvalidConfigError(CredentialsError, ValueError):
    """A profile's configuration cannot work (botocore's ``InvalidConfigError``)."""

    def __init__(self, error_msg: str) -> None:
        super().__init__(error_msg)
        self.error_msg = error_msg


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


class NoRegionError(InvalidParameterError):
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


class ClientError(CredentialsError):
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


class ResponseParserError(CredentialsError):
    """An AWS endpoint answered with a body that cannot be parsed."""


class EndpointConnectionError(CredentialsError, ConnectionError):
    """The endpoint could not be reached (connection refused, DNS, timeout, TLS)."""

    def __init__(self, endpoint_url: str, reason: str = "") -> None:
        message = 'Could not connect to the endpoint URL: "%s"' % (endpoint_url,)
        if reason:
            message = "%s (%s)" % (message, reason)
        super().__init__(message)
        self.endpoint_url = endpoint_url


class RefreshWithMFAUnsupportedError(CredentialsError):
    """Credentials assumed with an MFA code cannot refresh themselves."""

    def __init__(self) -> None:
        super().__init__(
            "Cannot refresh credentials: MFA token required. Create new credentials "
            "(and enter a new MFA code) when the assumed-role session expires."
        )


class MFAPromptError(CredentialsError, EOFError):
    """An MFA code is needed but there is no terminal to ask for it."""


class SSOError(CredentialsError):
    """Base class of the SSO errors."""


class SSOTokenLoadError(SSOError):
    """The cached SSO token is missing or unusable."""

    def __init__(self, error_msg: str) -> None:
        super().__init__("Error loading SSO Token: %s" % (error_msg,))
        self.error_msg = error_msg


class UnauthorizedSSOTokenError(SSOError):
    """The SSO session has expired or was rejected by the portal."""

    def __init__(self) -> None:
        super().__init__(
            "The SSO session associated with this profile has expired or is otherwise "
            "invalid. To refresh this SSO session run aws sso login with the "
            "corresponding profile."
        )


class TokenRetrievalError(CredentialsError):
    """A bearer token (SSO) could not be obtained or refreshed."""

    def __init__(self, provider: str, error_msg: str) -> None:
        super().__init__("Error when retrieving token from %s: %s" % (provider, error_msg))
        self.provider = provider
        self.error_msg = error_msg


class MissingDependencyError(CredentialsError):
    """A credential source needs something the standard library cannot provide."""

    def __init__(self, msg: str) -> None:
        super().__init__("Missing Dependency: %s" % (msg,))
        self.msg = msg
