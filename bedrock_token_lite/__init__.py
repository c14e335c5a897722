"""Amazon Bedrock short-term API keys with nothing but the standard library.

>>> from bedrock_token_lite import provide_token
>>> token = provide_token(region="us-east-1")  # doctest: +SKIP
"""

# The public names, each written once: name -> the module that defines it.
# Names load on first use (PEP 562), so `import bedrock_token_lite` costs almost
# nothing and `from bedrock_token_lite import generate_token` loads only what it needs.
_EXPORTS = {
    # The version lives in _version.py, where the package's own modules read it (the
    # user agent, --version) without a cycle; the build (flit) reads it from here.
    "__version__": "_version",
    "AssumeRoleProvider": "_sources.assume_role",
    "AssumeRoleWithWebIdentityProvider": "_sources.web_identity",
    "BearerAuth": "_auth",
    "bedrock_client": "_auth",
    "BedrockTokenError": "sigv4",
    "BedrockTokenGenerator": "_api",
    "BotoProvider": "_sources.files",
    "ClientError": "_source_errors",
    "ConfigNotFound": "_errors",
    "ConfigParseError": "_errors",
    "ConfigProvider": "_sources.files",
    "ConfigurationError": "_errors",
    "ConnectionClosedError": "_source_errors",
    "ConnectTimeoutError": "_source_errors",
    "ContainerProvider": "_sources.container",
    "CredentialProcessCommandError": "_source_errors",
    "CredentialProcessError": "_source_errors",
    "CredentialProcessNotFoundError": "_source_errors",
    "CredentialProcessOutputError": "_source_errors",
    "CredentialProcessOutputTypeError": "_source_errors",
    "CredentialProcessPermissionError": "_source_errors",
    "CredentialProcessStartError": "_source_errors",
    "CredentialProcessTimeoutError": "_source_errors",
    "CredentialResolver": "_sources.chain",
    "CredentialRetrievalError": "_errors",
    "Credentials": "_common.credentials",
    "CredentialsError": "_errors",
    "decode_long_term_key": "_long_term",
    "decode_token": "_inspect",
    "DeferredRefreshableCredentials": "_common.refresh",
    "EmptyCredentialProcessError": "_source_errors",
    "EndpointConnectionError": "_source_errors",
    "EnvProvider": "_sources.env",
    "ExpiredCredentialsError": "_errors",
    "ForeignError": "_errors",
    "ExpiryParseError": "_errors",
    "ExpiryTypeError": "_errors",
    "generate_token": "_token",
    "HTTPClientError": "_source_errors",
    "InfiniteLoopConfigError": "_source_errors",
    "InstanceMetadataProvider": "_sources.imds",
    "InvalidConfigError": "_errors",
    "InvalidEndpointConfigurationError": "_source_errors",
    "InvalidIMDSEndpointError": "_errors",
    "InvalidIMDSEndpointModeError": "_errors",
    "InvalidParameterError": "_errors",
    "InvalidRegionError": "_source_errors",
    "InvalidSTSRegionalEndpointsConfigError": "_source_errors",
    "InvalidTokenError": "_errors",
    "JSONFileCache": "_sources.cache",
    "LoginProvider": "_sources.login",
    "LongTermKeyInfo": "_long_term",
    "MetadataRetrievalError": "_source_errors",
    "MFAPromptError": "_source_errors",
    "MissingCredentialKeyError": "_errors",
    "MissingDependencyError": "_source_errors",
    "NaiveExpiryError": "_errors",
    "NestedValueError": "_errors",
    "NoCredentialsError": "_errors",
    "NoRegionError": "_source_errors",
    "OriginalEC2Provider": "_sources.files",
    "ParamValidationError": "_source_errors",
    "PartialCredentialsError": "_errors",
    "ProcessProvider": "_sources.process",
    "ProfileNotFound": "_errors",
    "provide_token": "_api",
    "ReadTimeoutError": "_source_errors",
    "RefreshableCredentials": "_common.refresh",
    "RefreshWithMFAUnsupportedError": "_source_errors",
    "resolve_credentials": "_sources.chain",
    "resolve_region": "_sources.chain",
    "ResponseParserError": "_source_errors",
    "ResponseTooLargeError": "_source_errors",
    "SharedCredentialProvider": "_sources.files",
    "SourceError": "_errors",
    "SSOError": "_source_errors",
    "SSOProvider": "_sources.sso",
    "SSOTokenLoadError": "_source_errors",
    "TokenInfo": "_inspect",
    "TokenProvider": "_provider",
    "TokenRetrievalError": "_source_errors",
    "SSOResponseError": "_source_errors",
    "SSOTokenCacheError": "_source_errors",
    "TokenFileDecodeError": "_source_errors",
    "TokenFileNotFoundError": "_source_errors",
    "TokenFileReadError": "_source_errors",
    "UnauthorizedSSOTokenError": "_source_errors",
    "use_bearer_token": "_auth",
    "verify_token": "_inspect",
}

__all__ = [*_EXPORTS]

# For type checkers only (never executed): the same table as imports, so that
# `from bedrock_token_lite import X` type-checks.  `X as X` marks a re-export.
# tests/test_layout.py checks that this block and _EXPORTS name the same things.
TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover
    from ._api import BedrockTokenGenerator as BedrockTokenGenerator
    from ._api import provide_token as provide_token
    from ._auth import BearerAuth as BearerAuth
    from ._auth import bedrock_client as bedrock_client
    from ._auth import use_bearer_token as use_bearer_token
    from ._common.credentials import Credentials as Credentials
    from ._common.refresh import DeferredRefreshableCredentials as DeferredRefreshableCredentials
    from ._common.refresh import RefreshableCredentials as RefreshableCredentials
    from ._errors import ConfigNotFound as ConfigNotFound
    from ._errors import ConfigParseError as ConfigParseError
    from ._errors import ConfigurationError as ConfigurationError
    from ._errors import CredentialRetrievalError as CredentialRetrievalError
    from ._errors import CredentialsError as CredentialsError
    from ._errors import ExpiredCredentialsError as ExpiredCredentialsError
    from ._errors import ExpiryParseError as ExpiryParseError
    from ._errors import ExpiryTypeError as ExpiryTypeError
    from ._errors import ForeignError as ForeignError
    from ._errors import InvalidConfigError as InvalidConfigError
    from ._errors import InvalidIMDSEndpointError as InvalidIMDSEndpointError
    from ._errors import InvalidIMDSEndpointModeError as InvalidIMDSEndpointModeError
    from ._errors import InvalidParameterError as InvalidParameterError
    from ._errors import InvalidTokenError as InvalidTokenError
    from ._errors import MissingCredentialKeyError as MissingCredentialKeyError
    from ._errors import NaiveExpiryError as NaiveExpiryError
    from ._errors import NestedValueError as NestedValueError
    from ._errors import NoCredentialsError as NoCredentialsError
    from ._errors import PartialCredentialsError as PartialCredentialsError
    from ._errors import ProfileNotFound as ProfileNotFound
    from ._errors import SourceError as SourceError
    from ._inspect import TokenInfo as TokenInfo
    from ._inspect import decode_token as decode_token
    from ._inspect import verify_token as verify_token
    from ._long_term import LongTermKeyInfo as LongTermKeyInfo
    from ._long_term import decode_long_term_key as decode_long_term_key
    from ._provider import TokenProvider as TokenProvider
    from ._source_errors import ClientError as ClientError
    from ._source_errors import ConnectionClosedError as ConnectionClosedError
    from ._source_errors import ConnectTimeoutError as ConnectTimeoutError
    from ._source_errors import CredentialProcessCommandError as CredentialProcessCommandError
    from ._source_errors import CredentialProcessError as CredentialProcessError
    from ._source_errors import CredentialProcessNotFoundError as CredentialProcessNotFoundError
    from ._source_errors import CredentialProcessOutputError as CredentialProcessOutputError
    from ._source_errors import CredentialProcessOutputTypeError as CredentialProcessOutputTypeError
    from ._source_errors import CredentialProcessPermissionError as CredentialProcessPermissionError
    from ._source_errors import CredentialProcessStartError as CredentialProcessStartError
    from ._source_errors import CredentialProcessTimeoutError as CredentialProcessTimeoutError
    from ._source_errors import EmptyCredentialProcessError as EmptyCredentialProcessError
    from ._source_errors import EndpointConnectionError as EndpointConnectionError
    from ._source_errors import HTTPClientError as HTTPClientError
    from ._source_errors import InfiniteLoopConfigError as InfiniteLoopConfigError
    from ._source_errors import (
        InvalidEndpointConfigurationError as InvalidEndpointConfigurationError,
    )
    from ._source_errors import InvalidRegionError as InvalidRegionError
    from ._source_errors import (
        InvalidSTSRegionalEndpointsConfigError as InvalidSTSRegionalEndpointsConfigError,
    )
    from ._source_errors import MetadataRetrievalError as MetadataRetrievalError
    from ._source_errors import MFAPromptError as MFAPromptError
    from ._source_errors import MissingDependencyError as MissingDependencyError
    from ._source_errors import NoRegionError as NoRegionError
    from ._source_errors import ParamValidationError as ParamValidationError
    from ._source_errors import ReadTimeoutError as ReadTimeoutError
    from ._source_errors import RefreshWithMFAUnsupportedError as RefreshWithMFAUnsupportedError
    from ._source_errors import ResponseParserError as ResponseParserError
    from ._source_errors import ResponseTooLargeError as ResponseTooLargeError
    from ._source_errors import SSOError as SSOError
    from ._source_errors import SSOResponseError as SSOResponseError
    from ._source_errors import SSOTokenCacheError as SSOTokenCacheError
    from ._source_errors import SSOTokenLoadError as SSOTokenLoadError
    from ._source_errors import TokenFileDecodeError as TokenFileDecodeError
    from ._source_errors import TokenFileNotFoundError as TokenFileNotFoundError
    from ._source_errors import TokenFileReadError as TokenFileReadError
    from ._source_errors import TokenRetrievalError as TokenRetrievalError
    from ._source_errors import UnauthorizedSSOTokenError as UnauthorizedSSOTokenError
    from ._sources.assume_role import AssumeRoleProvider as AssumeRoleProvider
    from ._sources.cache import JSONFileCache as JSONFileCache
    from ._sources.chain import CredentialResolver as CredentialResolver
    from ._sources.chain import resolve_credentials as resolve_credentials
    from ._sources.chain import resolve_region as resolve_region
    from ._sources.container import ContainerProvider as ContainerProvider
    from ._sources.env import EnvProvider as EnvProvider
    from ._sources.files import BotoProvider as BotoProvider
    from ._sources.files import ConfigProvider as ConfigProvider
    from ._sources.files import OriginalEC2Provider as OriginalEC2Provider
    from ._sources.files import SharedCredentialProvider as SharedCredentialProvider
    from ._sources.imds import InstanceMetadataProvider as InstanceMetadataProvider
    from ._sources.login import LoginProvider as LoginProvider
    from ._sources.process import ProcessProvider as ProcessProvider
    from ._sources.sso import SSOProvider as SSOProvider
    from ._sources.web_identity import (
        AssumeRoleWithWebIdentityProvider as AssumeRoleWithWebIdentityProvider,
    )
    from ._token import generate_token as generate_token
    from ._version import __version__ as __version__
    from .sigv4 import BedrockTokenError as BedrockTokenError


def __getattr__(name: str) -> object:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError("module %r has no attribute %r" % (__name__, name))
    import sys

    full = "%s.%s" % (__name__, module)
    __import__(full)
    value = getattr(sys.modules[full], name)
    globals()[name] = value
    return value


def __dir__() -> list:  # type: ignore[type-arg]
    return sorted(set(globals()) | set(__all__))
