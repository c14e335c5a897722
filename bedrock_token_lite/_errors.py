"""One exception hierarchy, rooted at :class:`BedrockTokenError`.

Each leaf also subclasses the builtin a caller would already catch, so code
written for the official generator (``except ValueError`` /
``except RuntimeError``) keeps working.  Messages never contain a secret key,
session token, signature or finished token.

Besides the root, two bases say what went wrong, with the meanings of
smithy-rs's credential errors: :class:`ConfigurationError` (a setting, file or
profile cannot work: fix the configuration) and :class:`SourceError` (a
configured credential source or endpoint failed: it may work later).  A leaf
has at most one of them; "nothing is configured here"
(:class:`NoCredentialsError`) and bad arguments (:class:`InvalidParameterError`)
have neither.  They are added beside the older bases (``CredentialsError``,
the builtins), so existing ``except`` clauses keep catching what they caught.

This module holds the errors the common paths raise; the rest (network,
STS/SSO, ``credential_process``) is in ``_source_errors``, which imports this
module and is never imported by it, so signing stays cheap to import.
"""

from __future__ import annotations

# The root lives in the signer, so that file, vendored alone, raises errors of this family.
from .sigv4 import BedrockTokenError, ForeignCodeError, type_name, wrap_foreign

TYPE_CHECKING = False  # typing itself costs milliseconds to import
if TYPE_CHECKING:  # pragma: no cover
    from typing import Optional


__all__ = [
    "BedrockTokenError",
    "ConfigNotFound",
    "ConfigParseError",
    "ConfigurationError",
    "CredentialRetrievalError",
    "CredentialsError",
    "ExpiredCredentialsError",
    "ExpiryParseError",
    "ExpiryTypeError",
    "ForeignError",
    "InvalidConfigError",
    "InvalidIMDSEndpointError",
    "InvalidIMDSEndpointModeError",
    "InvalidParameterError",
    "InvalidTokenError",
    "MissingCredentialKeyError",
    "NaiveExpiryError",
    "NestedValueError",
    "NoCredentialsError",
    "PartialCredentialsError",
    "ProfileNotFound",
    "SourceError",
    "foreign_error",
    "type_name",
]


class ConfigurationError(BedrockTokenError):
    """A configuration value, file or profile is invalid or missing where it is required."""


class SourceError(BedrockTokenError):
    """A configured credential source (process, endpoint, service, cache) failed."""


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


class PartialCredentialsError(CredentialsError, ConfigurationError):
    """A source holds some but not all of the values credentials need."""

    def __init__(self, provider: str, cred_var: str, hint: str = "") -> None:
        message = "Partial credentials found in %s, missing: %s" % (provider, cred_var)
        if hint:
            message = "%s (%s)" % (message, hint)
        super().__init__(message)
        self.provider = provider
        self.cred_var = cred_var


class CredentialRetrievalError(CredentialsError, SourceError):
    """A configured credential source failed to produce credentials."""

    def __init__(self, provider: str, error_msg: str) -> None:
        super().__init__("Error when retrieving credentials from %s: %s" % (provider, error_msg))
        self.provider = provider
        self.error_msg = error_msg


class ForeignError(CredentialRetrievalError, ForeignCodeError):
    """Code that is not ours raised: a credentials provider, a credentials object, a clock.

    The message says where and names the exception's type, never its text,
    which may quote a secret; the exception itself is :attr:`original`.  Each
    instance is of a class made for the original's class that subclasses both
    this class and that one (when Python allows the combination), so an
    ``except`` written for the original (``botocore.exceptions.NoCredentialsError``,
    ``KeyError``) still catches it, and its attributes (``response``, ...) are
    copied.  Made by :func:`foreign_error`.
    """

    __str__ = ForeignCodeError.__str__
    __repr__ = ForeignCodeError.__repr__


def foreign_error(error: BaseException, where: str) -> BaseException:
    """What callers get for ``error``, raised by code that is not ours at ``where``.

    Ours pass as they are; anything else becomes a :class:`ForeignError` that
    names only the type (also of the original's class when it is an
    ``Exception``; a ``KeyboardInterrupt`` becomes a plain ``ForeignError``, for
    the callers who did not cause it).  Raise the result outside the ``except``
    block that caught ``error``, so the original's text is not reachable as
    ``__context__``.
    """
    if isinstance(error, BedrockTokenError):
        return error
    message = (
        "%s raised %s; its message is not shown, as it may quote a secret (the exception "
        "is this error's .original attribute)" % (where, type_name(type(error)))
    )
    wrapped = wrap_foreign(error, message, ForeignError)
    wrapped.provider = where
    wrapped.error_msg = message
    return wrapped  # type: ignore[no-any-return]


class ExpiredCredentialsError(CredentialsError, SourceError):
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


class InvalidConfigError(CredentialsError, ConfigurationError, ValueError):
    """A configuration value (variable or profile key) cannot work (``InvalidConfigError``)."""

    def __init__(self, error_msg: str) -> None:
        super().__init__(error_msg)
        self.error_msg = error_msg


class NestedValueError(InvalidConfigError, TypeError, AttributeError):
    """A setting written as an indented sub-section where a value is expected.

    Also a ``TypeError`` and an ``AttributeError``: botocore fails on such a value
    with one or the other, depending on the setting.
    """

    def __init__(self, key: str, where: str) -> None:
        super().__init__(
            "%s in %s is an indented block, not a value; write it on one line as "
            "'%s = VALUE'" % (key, where, key)
        )
        self.key = key
        self.where = where


class InvalidIMDSEndpointError(InvalidConfigError):
    """The instance metadata endpoint is not a valid URL."""

    def __init__(self, endpoint: str) -> None:
        super().__init__(
            "Invalid endpoint EC2 Instance Metadata endpoint: %s (set "
            "AWS_EC2_METADATA_SERVICE_ENDPOINT or ec2_metadata_service_endpoint to a URL "
            "such as http://169.254.169.254)" % (endpoint,)
        )
        self.endpoint = endpoint


class InvalidIMDSEndpointModeError(InvalidConfigError):
    """The instance metadata endpoint mode is neither ipv4 nor ipv6."""

    def __init__(self, mode: str) -> None:
        super().__init__(
            "Invalid EC2 Instance Metadata endpoint mode: %s Valid endpoint modes "
            "(case-insensitive): ('ipv4', 'ipv6')." % (mode,)
        )
        self.mode = mode


class InvalidTokenError(BedrockTokenError, ValueError):
    """A bearer token is malformed, or failed a verification check.

    ``check`` names what failed: ``type``, ``prefix``, ``base64``, ``encoding``,
    ``host``, ``path``, ``parameter``, ``action``, ``algorithm``, ``credential``,
    ``date``, ``expires``, ``signed-headers``, ``signature-format``, ``version``
    (malformed), ``long-term-key`` (a long-term ``ABSK`` key given where a
    short-term token was expected), ``key-id``, ``secret`` (a malformed
    long-term key), or ``scope``, ``access-key``, ``session-token``, ``signature``,
    ``expired``, ``not-yet-valid`` (verification).
    """

    def __init__(self, check: str, message: str) -> None:
        super().__init__(message)
        self.check = check


# -- configuration files and profiles (the chain) --


class ConfigNotFound(ConfigurationError, FileNotFoundError):
    """A configuration file does not exist (or is not a regular file)."""

    def __init__(self, path: str, hint: str = "") -> None:
        message = "The specified config file (%s) could not be found." % (path,)
        if hint:
            message = "%s %s" % (message, hint)
        super().__init__(message)
        self.path = path

    def __str__(self) -> str:
        return str(self.args[0])


class ConfigParseError(ConfigurationError, ValueError):
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


class ProfileNotFound(ConfigurationError, KeyError):
    """The selected profile is in neither the config nor the credentials file."""

    def __init__(self, profile: str, hint: str = "") -> None:
        message = "The config profile (%s) could not be found" % (profile,)
        if hint:
            message = "%s. %s" % (message, hint)
        super().__init__(message)
        self.profile = profile

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


class MissingCredentialKeyError(PartialCredentialsError, KeyError):
    """A legacy EC2 credential file names an access key but no ``AWSSecretKey``.

    botocore lets a bare ``KeyError('AWSSecretKey')`` escape; this is both.
    """

    def __str__(self) -> str:
        return str(self.args[0])
