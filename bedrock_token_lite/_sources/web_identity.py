"""Credentials from STS AssumeRoleWithWebIdentity (EKS IRSA and friends; spec section 7)."""

from __future__ import annotations

import os

from .._common.clock import utc_now
from .._common.credentials import Credentials
from .._config.settings import lookup, provider_profile_name
from .._errors import InvalidConfigError
from .assume_role import CachedFetcher, assume_role_cache_key

# The STS client, refreshable credentials and datetime load only once a token
# file is configured: the chain asks this provider for every profile.
TYPE_CHECKING = False  # typing itself costs milliseconds to import
if TYPE_CHECKING:  # pragma: no cover
    from typing import Any, Callable, List, Mapping, MutableMapping, Optional, Tuple

    from .._aws.retries import Sleep, Transport
    from .._common.clock import Clock
    from .._common.refresh import DeferredRefreshableCredentials

__all__ = ["AssumeRoleWithWebIdentityProvider"]

_NO_ROLE_ARN = (
    "The provided profile or the current environment is configured to assume role with "
    "web identity but has no role ARN configured. Ensure that the profile has the role_arn"
    "configuration set or the AWS_ROLE_ARN env var is set."
)


class AssumeRoleWithWebIdentityProvider:
    """botocore's ``AssumeRoleWithWebIdentityProvider``.

    Each setting comes from its environment variable when it is *set* (even
    empty) and the profile is not explicit, else from the profile:
    ``AWS_WEB_IDENTITY_TOKEN_FILE`` / ``web_identity_token_file``,
    ``AWS_ROLE_ARN`` / ``role_arn``, ``AWS_ROLE_SESSION_NAME`` /
    ``role_session_name``.  ``load()`` returns ``None`` without a token file,
    raises ``InvalidConfigError`` without a role ARN, else returns deferred
    refreshable credentials.  The token file is read (as is, not stripped,
    no ``~`` expansion) on every fetch and sent in an unsigned STS call.

    ``session_profile_name`` names the profile whose client settings
    (endpoint, region, retries) the STS call uses when this provider serves
    a ``source_profile``; it defaults to ``profile_name``.
    """

    METHOD = "assume-role-with-web-identity"

    def __init__(
        self,
        *,
        load_config: Callable[[], Mapping[str, Any]],
        profile_name: Optional[str] = None,
        environ: Optional[Mapping[str, str]] = None,
        home: Optional[str] = None,
        explicit_profile: bool = False,
        cache: Optional[MutableMapping[str, Any]] = None,
        sts_region: Optional[str] = None,
        session_profile_name: Optional[str] = None,
        clock: Optional[Clock] = None,
        transport: Optional[Transport] = None,
        sleep: Optional[Sleep] = None,
    ) -> None:
        self._load_config = load_config
        self._profile_name = provider_profile_name(profile_name)
        self._environ = environ
        self._home = home
        self._disable_env = explicit_profile
        self.cache: MutableMapping[str, Any] = {} if cache is None else cache
        self._sts_region = sts_region
        self._session_profile = session_profile_name or self._profile_name
        self._clock: Clock = clock or utc_now
        self._transport = transport
        self._sleep = sleep

    def load(self) -> Optional[DeferredRefreshableCredentials]:
        config = self._load_config()
        environ = os.environ if self._environ is None else self._environ
        profiles = config.get("profiles") or {}
        profile = profiles.get(self._profile_name, {})

        source_environ: Mapping[str, str] = {} if self._disable_env else environ

        def setting(name: str) -> Optional[str]:
            value = lookup(name, source_environ, profile)
            return None if value is None else str(value)

        token_path = setting("web_identity_token_file")
        if not token_path:
            return None
        role_arn = setting("role_arn")
        if not role_arn:
            raise InvalidConfigError(_NO_ROLE_ARN)
        params: List[Tuple[str, Any]] = []
        session_name = setting("role_session_name")
        if session_name is not None:
            params.append(("RoleSessionName", session_name))
        params.append(("RoleArn", role_arn))
        generated = not session_name
        if generated:
            from .._aws.params import set_param

            params = set_param(
                params, "RoleSessionName", "botocore-session-%d" % int(self._clock().timestamp())
            )
        key = assume_role_cache_key(params, generated)
        from .._aws.client import ClientConfig
        from .._aws.sts import call_sts
        from .._common.refresh import DeferredRefreshableCredentials

        client_config = ClientConfig(
            environ=self._environ,
            full_config=config,
            profile_name=self._session_profile,
            region=self._sts_region,
        )
        path = token_path

        def fetch() -> Credentials:
            with open(path) as handle:  # text mode, locale encoding: as botocore
                token = handle.read()
            return call_sts(
                "AssumeRoleWithWebIdentity",
                [*params, ("WebIdentityToken", token)],
                config=client_config,
                credentials=None,
                method=self.METHOD,
                clock=self._clock,
                transport=self._transport,
                sleep=self._sleep,
            )

        refresh = CachedFetcher(key, fetch, self.cache, self._clock)
        return DeferredRefreshableCredentials(refresh, method=self.METHOD, clock=self._clock)
