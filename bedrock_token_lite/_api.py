"""The drop-in API of ``aws_bedrock_token_generator``: ``provide_token`` and
``BedrockTokenGenerator``."""

from __future__ import annotations

import os

from ._common.dt import timedelta
from ._defaults import load_credentials, resolve_region, session_config
from ._errors import InvalidParameterError
from ._token import DEFAULT_EXPIRY, MAX_EXPIRY_SECONDS, expiry_seconds, generate_token

TYPE_CHECKING = False  # typing itself costs milliseconds to import
if TYPE_CHECKING:  # pragma: no cover
    from typing import Any, Mapping, Optional, Union

    from ._sources.cache import CredentialCache

__all__ = ["BedrockTokenGenerator", "provide_token", "resolve_region_from_env"]


def resolve_region_from_env(environ: Optional[Mapping[str, str]] = None) -> Optional[str]:
    """``AWS_REGION``, then ``AWS_DEFAULT_REGION`` (first non-empty), else ``None``."""
    env = os.environ if environ is None else environ
    return env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or None


def provide_token(
    region: Optional[str] = None,
    aws_credentials_provider: Any = None,
    expiry: Union[timedelta, int, float] = DEFAULT_EXPIRY,
    *,
    profile: Optional[str] = None,
    cache: Optional[CredentialCache] = None,
) -> str:
    """Generate a Bedrock short-term API key, as ``aws_bedrock_token_generator.provide_token``.

    ``region`` defaults to ``AWS_REGION``, ``AWS_DEFAULT_REGION``, then the profile's region.
    ``aws_credentials_provider`` is anything with ``.load()`` (a botocore
    provider, or one of ours); by default the credential chain is used.
    ``expiry`` is at most 12 hours.  ``cache`` (keyword only) is where the
    chain caches assumed roles: ``JSONFileCache()`` shares them with the AWS
    CLI (``~/.aws/cli/cache``), so a role ``aws`` assumed is reused without
    calling STS (see :func:`resolve_credentials`); by default nothing is kept.

    Raises ``InvalidParameterError`` (a ``ValueError``) for a missing or invalid
    region or expiry, and ``CredentialsError`` (a ``RuntimeError``) when no
    credentials can be found.
    """
    config = session_config(profile)  # one for region and credentials: each file read once
    region, _ = resolve_region(region, config)
    expiry_seconds(expiry)
    credentials = load_credentials(aws_credentials_provider, config, cache=cache)
    return generate_token(credentials, region, expiry=expiry)


class BedrockTokenGenerator:
    """The 1.0 API of the official generator: always 12-hour tokens."""

    def get_token(self, credentials: Any, region: str) -> str:
        """Return a 12-hour token for ``credentials`` in ``region``."""
        if not credentials:
            raise InvalidParameterError("Credentials cannot be None")
        if not region or not isinstance(region, str):
            raise InvalidParameterError("Region must be a non-empty string")
        return generate_token(credentials, region, expiry=MAX_EXPIRY_SECONDS)
