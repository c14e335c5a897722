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
    CredentialRetrievalError,
    CredentialsError,
    EndpointConnectionError,
    HTTPClientError,
    InvalidIMDSEndpointError,
    InvalidIMDSEndpointModeError,
    InvalidParameterError,
    MetadataRetrievalError,
    NoCredentialsError,
    PartialCredentialsError,
    ReadTimeoutError,
    ResponseTooLargeError,
)
from ._imds import InstanceMetadataProvider
from ._token import generate_token
from ._version import __version__

__all__ = [
    "BedrockTokenError",
    "BedrockTokenGenerator",
    "ConnectTimeoutError",
    "ConnectionClosedError",
    "ContainerProvider",
    "CredentialRetrievalError",
    "Credentials",
    "CredentialsError",
    "EndpointConnectionError",
    "EnvProvider",
    "HTTPClientError",
    "InstanceMetadataProvider",
    "InvalidIMDSEndpointError",
    "InvalidIMDSEndpointModeError",
    "InvalidParameterError",
    "MetadataRetrievalError",
    "NoCredentialsError",
    "PartialCredentialsError",
    "ReadTimeoutError",
    "ResponseTooLargeError",
    "__version__",
    "generate_token",
    "provide_token",
]
