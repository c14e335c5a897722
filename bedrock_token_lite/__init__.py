"""Amazon Bedrock short-term API keys with nothing but the standard library.

>>> from bedrock_token_lite import provide_token
>>> token = provide_token(region="us-east-1")  # doctest: +SKIP
"""

from ._api import BedrockTokenGenerator, provide_token
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
    InvalidIMDSEndpointError,
    InvalidIMDSEndpointModeError,
    InvalidParameterError,
    MetadataRetrievalError,
    NaiveExpiryError,
    NoCredentialsError,
    PartialCredentialsError,
    ReadTimeoutError,
    ResponseTooLargeError,
)
from ._imds import InstanceMetadataProvider
from ._process import ProcessProvider
from ._refresh import DeferredRefreshableCredentials, RefreshableCredentials
from ._token import generate_token
from ._version import __version__

__all__ = [
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
    "InvalidIMDSEndpointError",
    "InvalidIMDSEndpointModeError",
    "InvalidParameterError",
    "MetadataRetrievalError",
    "NaiveExpiryError",
    "NoCredentialsError",
    "PartialCredentialsError",
    "ProcessProvider",
    "ReadTimeoutError",
    "RefreshableCredentials",
    "ResponseTooLargeError",
    "__version__",
    "generate_token",
    "provide_token",
]
