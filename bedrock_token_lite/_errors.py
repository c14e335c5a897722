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
    "ConfigNotFound",
    "ConfigParseError",
    "CredentialsError",
    "InvalidConfigError",
    "InvalidIMDSEndpointError",
    "InvalidIMDSEndpointModeError",
    "InvalidParameterError",
    "MissingCredentialKeyError",
    "NoCredentialsError",
    "PartialCredentialsError",
    "ProfileNotFound",
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


class ConfigNotFound(BedrockTokenError, FileNotFoundError):
    """A configuration file does not exist (or is not a regular file)."""

    def __init__(self, path: str, hint: str = "") -> None:
        message = "The specified config file (%s) could not be found." % (path,)
        if hint:
            message = "%s %s" % (message, hint)
        super().__init__(message)
        self.path = path

    def __str__(self) -> str:
        return str(self.args[0])


class ConfigParseError(BedrockTokenError, ValueError):
    """A configuration file is not valid INI (botocore's ``ConfigParseError``)."""

    def __init__(self, path: str, detail: str = "", lineno: Optional[int] = None) -> None:
        message = "Unable to parse config file: %s" % (path,)
        where = "line %d: " % lineno if lineno else ""
        if detail:
            message = "%s (%s%s)" % (message, where, detail)
        message += (
            ". Fix the file's INI syntax: every option must sit under a [section] header, "
            "appear once per section, and be written as 'key = value'"
        )
        super().__init__(message)
        self.path = path
        self.lineno = lineno


class ProfileNotFound(BedrockTokenError, KeyError):
    """The selected profile is in neither the config nor the credentials file."""

    def __init__(self, profile: str, hint: str = "") -> None:
        message = "The config profile (%s) could not be found" % (profile,)
        if hint:
            message = "%s. %s" % (message, hint)
        super().__init__(message)
        self.profile = profile

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


class InvalidConfigError(BedrockTokenError, ValueError):
    """A configuration value cannot be used (botocore's ``InvalidConfigError``)."""


class InvalidIMDSEndpointModeError(BedrockTokenError, ValueError):
    """``ec2_metadata_service_endpoint_mode`` is neither ``ipv4`` nor ``ipv6``."""

    def __init__(self, mode: str) -> None:
        super().__init__(
            "Invalid EC2 Instance Metadata endpoint mode: %s Valid endpoint modes "
            "(case-insensitive): ('ipv4', 'ipv6'). Set AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE "
            "or the profile's ec2_metadata_service_endpoint_mode to ipv4 or ipv6." % (mode,)
        )
        self.mode = mode


class MissingCredentialKeyError(PartialCredentialsError, KeyError):
    """A legacy EC2 credential file names an access key but no ``AWSSecretKey``.

    botocore lets a bare ``KeyError('AWSSecretKey')`` escape; this is both.
    """

    def __str__(self) -> str:
        return str(self.args[0])


class InvalidIMDSEndpointError(BedrockTokenError, ValueError):
    """``ec2_metadata_service_endpoint`` is not a usable URL."""

    def __init__(self, endpoint: str) -> None:
        super().__init__(
            "Invalid endpoint EC2 Instance Metadata endpoint: %s. Set "
            "AWS_EC2_METADATA_SERVICE_ENDPOINT or the profile's ec2_metadata_service_endpoint "
            "to a URL such as http://169.254.169.254/" % (endpoint,)
        )
        self.endpoint = endpoint
