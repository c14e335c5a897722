"""Amazon Bedrock short-term API keys with nothing but the standard library.

>>> from bedrock_token_lite import provide_token
>>> token = provide_token(region="us-east-1")  # doctest: +SKIP
"""

from ._api import BedrockTokenGenerator, provide_token
from ._credentials import Credentials
from ._env import EnvProvider
from ._errors import (
    BedrockTokenError,
    CredentialsError,
    InvalidParameterError,
    NoCredentialsError,
    PartialCredentialsError,
)
from ._token import generate_token
from ._version import __version__

__all__ = [
    "BedrockTokenError",
    "BedrockTokenGenerator",
    "Credentials",
    "CredentialsError",
    "EnvProvider",
    "InvalidParameterError",
    "NoCredentialsError",
    "PartialCredentialsError",
    "__version__",
    "generate_token",
    "provide_token",
]
