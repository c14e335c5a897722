"""One exception hierarchy, rooted at :class:`BedrockTokenError`.

Each leaf also subclasses the builtin a caller would already catch, so code
written for the official generator (``except ValueError`` /
``except RuntimeError``) keeps working.  Messages never contain a secret key,
session token, signature or finished token.
"""

from __future__ import annotations

__all__ = [
    "BedrockTokenError",
    "CredentialsError",
    "InvalidEndpointConfigurationError",
    "InvalidParameterError",
    "InvalidTokenError",
    "NoCredentialsError",
    "PartialCredentialsError",
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


class InvalidTokenError(BedrockTokenError, ValueError):
    """A bearer token is malformed, or failed a verification check.

    ``check`` names what failed: ``type``, ``prefix``, ``base64``, ``encoding``,
    ``host``, ``path``, ``parameter``, ``action``, ``algorithm``, ``credential``,
    ``date``, ``expires``, ``signed-headers``, ``signature-format``, ``version``
    (malformed), or ``scope``, ``access-key``, ``session-token``, ``signature``,
    ``expired``, ``not-yet-valid`` (verification).
    """

    def __init__(self, check: str, message: str) -> None:
        super().__init__(message)
        self.check = check


class InvalidEndpointConfigurationError(BedrockTokenError, ValueError):
    """An endpoint cannot be used with bearer authorization (it is not HTTPS)."""
