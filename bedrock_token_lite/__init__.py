"""Amazon Bedrock short-term API keys with nothing but the standard library.

>>> from bedrock_token_lite import provide_token
>>> token = provide_token(region="us-east-1")  # doctest: +SKIP
"""

from ._api import BedrockTokenGenerator, provide_token
from ._assume_role import AssumeRoleProvider
from ._credentials import Credentials
from ._env import EnvProvider
from ._errors import (
    BedrockTokenError,
    ClientError,
    CredentialsError,
    EndpointConnectionError,
    InfiniteLoopConfigError,
    InvalidConfigError,
    InvalidParameterError,
    InvalidRegionError,
    InvalidSTSRegionalEndpointsConfigError,
    MFAPromptError,
    MissingDependencyError,
    NoCredentialsError,
    NoRegionError,
    ParamValidationError,
    PartialCredentialsError,
    RefreshWithMFAUnsupportedError,
    ResponseParserError,
    SSOError,
    SSOTokenLoadError,
    TokenRetrievalError,
    UnauthorizedSSOTokenError,
)
from ._login import LoginProvider
from ._sso import SSOProvider
from ._token import generate_token
from ._version import __version__
from ._web_identity import AssumeRoleWithWebIdentityProvider

__all__ = [
    "AssumeRoleProvider",
    "AssumeRoleWithWebIdentityProvider",
    "BedrockTokenError",
    "BedrockTokenGenerator",
    "Credentials",
    "CredentialsError",
    "EnvProvider",
    "InvalidParameterError",
    "NoCredentialsError",
    "PartialCredentialsError",
    # STS, web identity, SSO and login
    "ClientError",
    "EndpointConnectionError",
    "InfiniteLoopConfigError",
    "InvalidConfigError",
    "InvalidRegionError",
    "InvalidSTSRegionalEndpointsConfigError",
    "LoginProvider",
    "MFAPromptError",
    "MissingDependencyError",
    "NoRegionError",
    "ParamValidationError",
    "RefreshWithMFAUnsupportedError",
    "ResponseParserError",
    "SSOError",
    "SSOProvider",
    "SSOTokenLoadError",
    "TokenRetrievalError",
    "UnauthorizedSSOTokenError",
    "__version__",
    "generate_token",
    "provide_token",
]
