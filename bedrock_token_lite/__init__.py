"""Amazon Bedrock short-term API keys with nothing but the standard library.

>>> from bedrock_token_lite import provide_token
>>> token = provide_token(region="us-east-1")  # doctest: +SKIP
"""

from ._api import BedrockTokenGenerator, provide_token
from ._auth import BearerAuth, bedrock_client, use_bearer_token
from ._credentials import Credentials
from ._env import EnvProvider
from ._errors import (
    BedrockTokenError,
    CredentialsError,
    InvalidEndpointConfigurationError,
    InvalidParameterError,
    InvalidTokenError,
    NoCredentialsError,
    PartialCredentialsError,
)
from ._inspect import TokenInfo, decode_token, verify_token
from ._provider import TokenProvider
from ._token import generate_token
from ._version import __version__

__all__ = [
    "BearerAuth",
    "BedrockTokenError",
    "BedrockTokenGenerator",
    "Credentials",
    "CredentialsError",
    "EnvProvider",
    "InvalidEndpointConfigurationError",
    "InvalidParameterError",
    "InvalidTokenError",
    "NoCredentialsError",
    "PartialCredentialsError",
    "TokenInfo",
    "TokenProvider",
    "__version__",
    "bedrock_client",
    "decode_token",
    "generate_token",
    "provide_token",
    "use_bearer_token",
    "verify_token",
]
