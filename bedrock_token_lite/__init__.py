"""Amazon Bedrock short-term API keys with nothing but the standard library.

>>> from bedrock_token_lite import provide_token
>>> token = provide_token(region="us-east-1")  # doctest: +SKIP
"""

# The version lives in _version.py, which the build (flit) reads and which the
# package's own modules import (the user agent, --version) without a cycle.
from ._version import __version__

# Names load on first use (PEP 562), so `import bedrock_token_lite` costs almost
# nothing and `from bedrock_token_lite import generate_token` loads only what it needs.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from ._api import (
        BedrockTokenGenerator,
        provide_token,
    )
    from ._auth import (
        BearerAuth,
        bedrock_client,
        use_bearer_token,
    )
    from ._common.credentials import (
        Credentials,
    )
    from ._common.refresh import (
        DeferredRefreshableCredentials,
        RefreshableCredentials,
    )
    from ._errors import (
        BedrockTokenError,
        ClientError,
        ConfigNotFound,
        ConfigParseError,
        ConnectionClosedError,
        ConnectTimeoutError,
        CredentialProcessCommandError,
        CredentialProcessError,
        CredentialProcessNotFoundError,
        CredentialProcessOutputError,
        CredentialProcessOutputTypeError,
        CredentialProcessPermissionError,
        CredentialProcessStartError,
        CredentialProcessTimeoutError,
        CredentialRetrievalError,
        CredentialsError,
        EmptyCredentialProcessError,
        EndpointConnectionError,
        ExpiredCredentialsError,
        ExpiryParseError,
        ExpiryTypeError,
        HTTPClientError,
        InfiniteLoopConfigError,
        InvalidConfigError,
        InvalidEndpointConfigurationError,
        InvalidIMDSEndpointError,
        InvalidIMDSEndpointModeError,
        InvalidParameterError,
        InvalidRegionError,
        InvalidSTSRegionalEndpointsConfigError,
        InvalidTokenError,
        MetadataRetrievalError,
        MFAPromptError,
        MissingCredentialKeyError,
        MissingDependencyError,
        NaiveExpiryError,
        NoCredentialsError,
        NoRegionError,
        ParamValidationError,
        PartialCredentialsError,
        ProfileNotFound,
        ReadTimeoutError,
        RefreshWithMFAUnsupportedError,
        ResponseParserError,
        ResponseTooLargeError,
        SSOError,
        SSOTokenLoadError,
        TokenRetrievalError,
        UnauthorizedSSOTokenError,
    )
    from ._inspect import (
        TokenInfo,
        decode_token,
        verify_token,
    )
    from ._provider import (
        TokenProvider,
    )
    from ._sources.assume_role import (
        AssumeRoleProvider,
    )
    from ._sources.chain import (
        CredentialResolver,
        resolve_credentials,
        resolve_region,
    )
    from ._sources.container import (
        ContainerProvider,
    )
    from ._sources.env import (
        EnvProvider,
    )
    from ._sources.files import (
        BotoProvider,
        ConfigProvider,
        OriginalEC2Provider,
        SharedCredentialProvider,
    )
    from ._sources.imds import (
        InstanceMetadataProvider,
    )
    from ._sources.login import (
        LoginProvider,
    )
    from ._sources.process import (
        ProcessProvider,
    )
    from ._sources.sso import (
        SSOProvider,
    )
    from ._sources.web_identity import (
        AssumeRoleWithWebIdentityProvider,
    )
    from ._token import (
        generate_token,
    )

_EXPORTS = {
    "AssumeRoleProvider": "_sources.assume_role",
    "AssumeRoleWithWebIdentityProvider": "_sources.web_identity",
    "BearerAuth": "_auth",
    "bedrock_client": "_auth",
    "BedrockTokenError": "_errors",
    "BedrockTokenGenerator": "_api",
    "BotoProvider": "_sources.files",
    "ClientError": "_errors",
    "ConfigNotFound": "_errors",
    "ConfigParseError": "_errors",
    "ConfigProvider": "_sources.files",
    "ConnectionClosedError": "_errors",
    "ConnectTimeoutError": "_errors",
    "ContainerProvider": "_sources.container",
    "CredentialProcessCommandError": "_errors",
    "CredentialProcessError": "_errors",
    "CredentialProcessNotFoundError": "_errors",
    "CredentialProcessOutputError": "_errors",
    "CredentialProcessOutputTypeError": "_errors",
    "CredentialProcessPermissionError": "_errors",
    "CredentialProcessStartError": "_errors",
    "CredentialProcessTimeoutError": "_errors",
    "CredentialResolver": "_sources.chain",
    "CredentialRetrievalError": "_errors",
    "Credentials": "_common.credentials",
    "CredentialsError": "_errors",
    "decode_token": "_inspect",
    "DeferredRefreshableCredentials": "_common.refresh",
    "EmptyCredentialProcessError": "_errors",
    "EndpointConnectionError": "_errors",
    "EnvProvider": "_sources.env",
    "ExpiredCredentialsError": "_errors",
    "ExpiryParseError": "_errors",
    "ExpiryTypeError": "_errors",
    "generate_token": "_token",
    "HTTPClientError": "_errors",
    "InfiniteLoopConfigError": "_errors",
    "InstanceMetadataProvider": "_sources.imds",
    "InvalidConfigError": "_errors",
    "InvalidEndpointConfigurationError": "_errors",
    "InvalidIMDSEndpointError": "_errors",
    "InvalidIMDSEndpointModeError": "_errors",
    "InvalidParameterError": "_errors",
    "InvalidRegionError": "_errors",
    "InvalidSTSRegionalEndpointsConfigError": "_errors",
    "InvalidTokenError": "_errors",
    "LoginProvider": "_sources.login",
    "MetadataRetrievalError": "_errors",
    "MFAPromptError": "_errors",
    "MissingCredentialKeyError": "_errors",
    "MissingDependencyError": "_errors",
    "NaiveExpiryError": "_errors",
    "NoCredentialsError": "_errors",
    "NoRegionError": "_errors",
    "OriginalEC2Provider": "_sources.files",
    "ParamValidationError": "_errors",
    "PartialCredentialsError": "_errors",
    "ProcessProvider": "_sources.process",
    "ProfileNotFound": "_errors",
    "provide_token": "_api",
    "ReadTimeoutError": "_errors",
    "RefreshableCredentials": "_common.refresh",
    "RefreshWithMFAUnsupportedError": "_errors",
    "resolve_credentials": "_sources.chain",
    "resolve_region": "_sources.chain",
    "ResponseParserError": "_errors",
    "ResponseTooLargeError": "_errors",
    "SharedCredentialProvider": "_sources.files",
    "SSOError": "_errors",
    "SSOProvider": "_sources.sso",
    "SSOTokenLoadError": "_errors",
    "TokenInfo": "_inspect",
    "TokenProvider": "_provider",
    "TokenRetrievalError": "_errors",
    "UnauthorizedSSOTokenError": "_errors",
    "use_bearer_token": "_auth",
    "verify_token": "_inspect",
}

__all__ = [
    "__version__",
    "AssumeRoleProvider",
    "AssumeRoleWithWebIdentityProvider",
    "BearerAuth",
    "bedrock_client",
    "BedrockTokenError",
    "BedrockTokenGenerator",
    "BotoProvider",
    "ClientError",
    "ConfigNotFound",
    "ConfigParseError",
    "ConfigProvider",
    "ConnectionClosedError",
    "ConnectTimeoutError",
    "ContainerProvider",
    "CredentialProcessCommandError",
    "CredentialProcessError",
    "CredentialProcessNotFoundError",
    "CredentialProcessOutputError",
    "CredentialProcessOutputTypeError",
    "CredentialProcessPermissionError",
    "CredentialProcessStartError",
    "CredentialProcessTimeoutError",
    "CredentialResolver",
    "CredentialRetrievalError",
    "Credentials",
    "CredentialsError",
    "decode_token",
    "DeferredRefreshableCredentials",
    "EmptyCredentialProcessError",
    "EndpointConnectionError",
    "EnvProvider",
    "ExpiredCredentialsError",
    "ExpiryParseError",
    "ExpiryTypeError",
    "generate_token",
    "HTTPClientError",
    "InfiniteLoopConfigError",
    "InstanceMetadataProvider",
    "InvalidConfigError",
    "InvalidEndpointConfigurationError",
    "InvalidIMDSEndpointError",
    "InvalidIMDSEndpointModeError",
    "InvalidParameterError",
    "InvalidRegionError",
    "InvalidSTSRegionalEndpointsConfigError",
    "InvalidTokenError",
    "LoginProvider",
    "MetadataRetrievalError",
    "MFAPromptError",
    "MissingCredentialKeyError",
    "MissingDependencyError",
    "NaiveExpiryError",
    "NoCredentialsError",
    "NoRegionError",
    "OriginalEC2Provider",
    "ParamValidationError",
    "PartialCredentialsError",
    "ProcessProvider",
    "ProfileNotFound",
    "provide_token",
    "ReadTimeoutError",
    "RefreshableCredentials",
    "RefreshWithMFAUnsupportedError",
    "resolve_credentials",
    "resolve_region",
    "ResponseParserError",
    "ResponseTooLargeError",
    "SharedCredentialProvider",
    "SSOError",
    "SSOProvider",
    "SSOTokenLoadError",
    "TokenInfo",
    "TokenProvider",
    "TokenRetrievalError",
    "UnauthorizedSSOTokenError",
    "use_bearer_token",
    "verify_token",
]


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
