"""Amazon Bedrock short-term API keys with nothing but the standard library.

>>> from bedrock_token_lite import provide_token
>>> token = provide_token(region="us-east-1")  # doctest: +SKIP
"""

from ._api import BedrockTokenGenerator, provide_token
from ._chain import CredentialResolver, resolve_credentials, resolve_region
from ._credentials import Credentials
from ._env import EnvProvider
from ._errors import (
    BedrockTokenError,
    ConfigNotFound,
    ConfigParseError,
    CredentialsError,
    InvalidConfigError,
    InvalidIMDSEndpointError,
    InvalidIMDSEndpointModeError,
    InvalidParameterError,
    MissingCredentialKeyError,
    NoCredentialsError,
    PartialCredentialsError,
    ProfileNotFound,
)
from ._files import BotoProvider, ConfigProvider, OriginalEC2Provider, SharedCredentialProvider
from ._token import generate_token
from ._version import __version__

__all__ = [
    "BedrockTokenError",
    "BedrockTokenGenerator",
    "BotoProvider",
    "ConfigNotFound",
    "ConfigParseError",
    "ConfigProvider",
    "CredentialResolver",
    "Credentials",
    "CredentialsError",
    "EnvProvider",
    "InvalidConfigError",
    "InvalidIMDSEndpointError",
    "InvalidIMDSEndpointModeError",
    "InvalidParameterError",
    "MissingCredentialKeyError",
    "NoCredentialsError",
    "OriginalEC2Provider",
    "PartialCredentialsError",
    "ProfileNotFound",
    "SharedCredentialProvider",
    "__version__",
    "generate_token",
    "provide_token",
    "resolve_credentials",
    "resolve_region",
]
