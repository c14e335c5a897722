"""Amazon Bedrock short-term API keys with nothing but the standard library.

>>> from bedrock_token_lite import provide_token
>>> token = provide_token(region="us-east-1")  # doctest: +SKIP
"""

from ._api import BedrockTokenGenerator, provide_token
from ._auth import BearerAuth, bedrock_client, use_bearer_token
from ._container import ContainerProvider
from ._credentials import Credentials
from ._env import EnvProvider
from ._errors import (
    BedrockTokenError,
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
    InvalidEndpointConfigurationError,
    InvalidIMDSEndpointError,
    InvalidIMDSEndpointModeError,
    InvalidParameterError,
    InvalidTokenError,
    MetadataRetrievalError,
    NaiveExpiryError,
    NoCredentialsError,
    PartialCredentialsError,
    ReadTimeoutError,
    ResponseTooLargeError,
)
from ._imds import InstanceMetadataProvider
from ._inspect import TokenInfo, decode_token, verify_token
from ._process import ProcessProvider
from ._provider import TokenProvider
from ._refresh import DeferredRefreshableCredentials, RefreshableCredentials
from ._token import generate_token
from ._version import __version__

__all__ = [
    "BearerAuth",
    "BedrockTokenError",
    "BedrockTokenGenerator",
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
    "CredentialRetrievalError",
    "Credentials",
    "CredentialsError",
    "DeferredRefreshableCredentials",
    "EmptyCredentialProcessError",
    "EndpointConnectionError",
    "EnvProvider",
    "ExpiredCredentialsError",
    "ExpiryParseError",
    "ExpiryTypeError",
    "HTTPClientError",
    "InstanceMetadataProvider",
    "InvalidEndpointConfigurationError",
    "InvalidIMDSEndpointError",
    "InvalidIMDSEndpointModeError",
    "InvalidParameterError",
    "InvalidTokenError",
    "MetadataRetrievalError",
    "NaiveExpiryError",
    "NoCredentialsError",
    "PartialCredentialsError",
    "ProcessProvider",
    "ReadTimeoutError",
    "RefreshableCredentials",
    "ResponseTooLargeError",
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
