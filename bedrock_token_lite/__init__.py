"""Amazon Bedrock short-term API keys with nothing but the standard library.

>>> from bedrock_token_lite import provide_token
>>> token = provide_token(region="us-east-1")  # doctest: +SKIP
"""

from ._api import BedrockTokenGenerator, provide_token
from ._credentials import Credentials
from ._env import EnvProvider
from ._errors import (
    BedrockTokenError,
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
    ExpiredCredentialsError,
    ExpiryParseError,
    ExpiryTypeError,
    InvalidParameterError,
    NaiveExpiryError,
    NoCredentialsError,
    PartialCredentialsError,
)
from ._process import ProcessProvider
from ._refresh import DeferredRefreshableCredentials, RefreshableCredentials
from ._token import generate_token
from ._version import __version__

__all__ = [
    "BedrockTokenError",
    "BedrockTokenGenerator",
    "CredentialProcessCommandError",
    "CredentialProcessError",
    "CredentialProcessNotFoundError",
    "CredentialProcessOutputError",
    "CredentialProcessOutputTypeError",
    "CredentialProcessPermissionError",
    "CredentialProcessStartError",
    "CredentialProcessTimeoutError",
    "CredentialRetrievalError",
    "Credentials",
    "CredentialsError",
    "DeferredRefreshableCredentials",
    "EmptyCredentialProcessError",
    "EnvProvider",
    "ExpiredCredentialsError",
    "ExpiryParseError",
    "ExpiryTypeError",
    "InvalidParameterError",
    "NaiveExpiryError",
    "NoCredentialsError",
    "PartialCredentialsError",
    "ProcessProvider",
    "RefreshableCredentials",
    "__version__",
    "generate_token",
    "provide_token",
]
