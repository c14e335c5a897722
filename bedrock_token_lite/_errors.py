"""One exception hierarchy, rooted at :class:`BedrockTokenError`.

Each leaf also subclasses the builtin a caller would already catch, so code
written for the official generator (``except ValueError`` /
``except RuntimeError``) keeps working.  Messages never contain a secret key,
session token, signature or finished token.
"""

from __future__ import annotations

from typing import Optional

__all__ = [
    "BedrockTokenError",
    "CredentialProcessCommandError",
    "CredentialProcessError",
    "CredentialProcessNotFoundError",
    "CredentialProcessOutputError",
    "CredentialProcessOutputTypeError",
    "CredentialProcessPermissionError",
    "CredentialProcessStartError",
    "CredentialProcessTimeoutError",
    "CredentialRetrievalError",
    "CredentialsError",
    "EmptyCredentialProcessError",
    "ExpiredCredentialsError",
    "ExpiryParseError",
    "ExpiryTypeError",
    "InvalidParameterError",
    "NaiveExpiryError",
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


class ExpiryParseError(BedrockTokenError, ValueError):
    """An expiration timestamp could not be parsed (botocore: dateutil's ``ParserError``)."""

    def __init__(self, message: str, *, source: str = "", value: object = None) -> None:
        super().__init__(message)
        self.source = source
        self.value = value


class ExpiryTypeError(ExpiryParseError, TypeError):
    """An expiration is not a string, or has no time zone (botocore: ``TypeError``)."""


class NaiveExpiryError(ExpiryTypeError):
    """An expiration timestamp has no time zone (``Z`` or an offset is required)."""


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
