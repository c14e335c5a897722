"""The two places that reach for defaults: the region and the credential chain.

``provide_token``, ``TokenProvider`` and the ``bedrock-token`` command all
resolve through here, in the same order: the region from the argument, then
``AWS_REGION``, then botocore's session region (``AWS_DEFAULT_REGION``, then
the profile's ``region``); the credentials from the given provider's
``load()``, else the default chain.  Each public entry point builds one
:class:`~bedrock_token_lite._config.session.SessionConfig` per resolution
(:func:`session_config`) and passes it to both, so each file is read once.

Nothing here imports ``datetime``: credentials from the environment reach the
command line's signer without loading it.
"""

from __future__ import annotations

from ._core import check_region
from ._errors import InvalidParameterError, NoCredentialsError, foreign_error, type_name

TYPE_CHECKING = False  # typing itself costs milliseconds to import
if TYPE_CHECKING:  # pragma: no cover
    from typing import Any, Mapping, Optional, Tuple

    from ._config.session import SessionConfig
    from ._sources.cache import CredentialCache

__all__ = ["load_credentials", "resolve_region", "session_config"]

NO_REGION = (
    "Region must be provided or set via the AWS_REGION environment variable. "
    "Pass %s (for example), set AWS_REGION or AWS_DEFAULT_REGION, or set region "
    "in the profile (aws configure set region us-east-1)."
)


def session_config(
    profile: Optional[str] = None, environ: Optional[Mapping[str, str]] = None
) -> SessionConfig:
    """The one configuration of a resolution (``profile`` explicit, as ``Session(profile=...)``)."""
    from ._config.session import SessionConfig

    return SessionConfig(profile, environ=environ)


def resolve_region(
    region: Optional[str],
    config: SessionConfig,
    *,
    how: str = "region='us-east-1'",
) -> Tuple[str, str]:
    """(region, where it came from), as ``provide_token`` finds it.

    The source is ``"argument"``, ``"AWS_REGION"``, ``"AWS_DEFAULT_REGION"``
    or ``"profile NAME"``.  Raises ``InvalidParameterError`` (naming ``how``
    to pass one) when there is none or it is malformed, and ``ProfileNotFound``
    or ``ConfigParseError`` where botocore would while reading the profile.
    """
    if region:
        return check_region(region), "argument"
    from ._sources.chain import region_with_config

    found = region_with_config(config)
    if not found:
        raise InvalidParameterError(NO_REGION % how)
    env = config.environ
    if env.get("AWS_REGION"):
        source = "AWS_REGION"
    elif env.get("AWS_DEFAULT_REGION") is not None:
        source = "AWS_DEFAULT_REGION"
    else:
        source = "profile %s" % config.profile_name
    return check_region(found), source


def load_credentials(
    credentials_provider: Any,
    config: SessionConfig,
    *,
    cache: Optional[CredentialCache] = None,
    cache_dir: Optional[str] = None,
    min_valid: float = 0,
) -> Any:
    """Credentials from ``credentials_provider.load()``, else from the default chain.

    ``cache``, ``cache_dir`` and ``min_valid`` are the chain's (see
    :func:`~bedrock_token_lite._sources.chain.build_resolver`).  Raises
    ``NoCredentialsError`` when the provider returns ``None``; the chain
    raises it itself, naming every source it tried.
    """
    if credentials_provider is not None:
        failure: Optional[BaseException] = None
        try:
            credentials = credentials_provider.load()
        except Exception as exc:  # a provider of botocore's or the caller's own
            where = "The credentials provider %s.load()" % type_name(type(credentials_provider))
            failure = foreign_error(exc, where)
        if failure is not None:  # raised after the handler: the original is not its context
            raise failure
    else:
        from ._sources.chain import resolve_with_config

        credentials = resolve_with_config(
            config, cache=cache, cache_dir=cache_dir, min_valid=min_valid
        )
    if credentials is None:
        raise NoCredentialsError()
    return credentials
