"""Credentials from STS AssumeRoleWithWebIdentity (EKS IRSA and friends; spec section 7)."""

from __future__ import annotations

from .._config.session import SessionConfig
from .._config.settings import lookup, provider_profile_name
from .._errors import InvalidConfigError
from .assume_role import MIN_VALID_MARGIN, session_params
from .cache import CACHE_EXPIRY_WINDOW_SECONDS, CachedFetcher

# The STS client, refreshable credentials and datetime load only once a token
# file is configured: the chain asks this provider for every profile.
from .context import CallHooks

TYPE_CHECKING = False  # typing itself costs milliseconds to import
if TYPE_CHECKING:  # pragma: no cover
    from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple

    from .._aws.retries import Sleep, Transport
    from .._common.clock import Clock
    from .._common.refresh import DeferredRefreshableCredentials
    from .cache import CredentialCache
    from .context import SourceContext

__all__ = ["AssumeRoleWithWebIdentityProvider"]

_NO_ROLE_ARN = (
    "The provided profile or the current environment is configured to assume role with "
    "web identity but has no role ARN configured. Ensure that the profile has the role_arn"
    "configuration set or the AWS_ROLE_ARN env var is set."
)


class AssumeRoleWithWebIdentityProvider(CallHooks):
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
    a ``source_profile``; it defaults to ``profile_name``.  ``cache`` is
    :class:`AssumeRoleProvider`'s (botocore's ``cache=`` shape; a
    :class:`~bedrock_token_lite.JSONFileCache` shares it with the AWS CLI).
    The chain builds it with :meth:`from_context`.
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
        cache: Optional[CredentialCache] = None,
        sts_region: Optional[str] = None,
        session_profile_name: Optional[str] = None,
        clock: Optional[Clock] = None,
        transport: Optional[Transport] = None,
        sleep: Optional[Sleep] = None,
    ) -> None:
        # The session: its profile is the one the STS client's settings come from.
        config = SessionConfig.for_provider(
            load_config,
            profile_name=session_profile_name or provider_profile_name(profile_name),
            environ=environ,
            home=home,
            explicit_profile=explicit_profile,
        )
        self._setup(
            config, provider_profile_name(profile_name), explicit_profile, cache, sts_region
        )
        self._set_hooks(clock, transport, sleep)

    @classmethod
    def from_context(
        cls, ctx: SourceContext, *, profile_name: Optional[str] = None
    ) -> AssumeRoleWithWebIdentityProvider:
        """The chain's provider: of the session profile, or of a ``source_profile``.

        With ``profile_name`` (a source-profile sub-chain) the environment's
        settings are ignored, as botocore's profile provider builder does.
        """
        config = ctx.config
        disable_env = config.explicit_profile if profile_name is None else True
        provider = cls.__new__(cls)
        # The AWS CLI gives its file cache to the chain's own provider only; a
        # source profile's sub-chain keeps the resolver's dict, as there.
        top = profile_name is None
        cache = ctx.chain_role_cache() if top else ctx.cache
        provider._setup(config, profile_name, disable_env, cache, None)
        provider._set_hooks(ctx.clock, ctx.transport, ctx.sleep)
        if top:
            provider._min_valid = ctx.min_valid
        return provider

    def _setup(
        self,
        config: SessionConfig,
        profile_name: Optional[str],
        disable_env: bool,
        cache: Optional[CredentialCache],
        sts_region: Optional[str],
    ) -> None:
        self._config = config
        #: The profile resolved: the session's, or a source profile's.
        self._profile_name = (
            config.profile_name if profile_name is None else provider_profile_name(profile_name)
        )
        self._disable_env = disable_env
        self.cache: CredentialCache = {} if cache is None else cache
        self._sts_region = sts_region
        #: Seconds the credentials must still last to be taken from the cache.
        self._min_valid: float = 0

    def load(self) -> Optional[DeferredRefreshableCredentials]:
        config = self._config.load_config()
        environ = self._config.environ
        profiles = config.get("profiles") or {}
        profile = profiles.get(self._profile_name, {})

        source_environ: Mapping[str, str] = {} if self._disable_env else environ

        def setting(name: str) -> Optional[str]:
            value = lookup(name, source_environ, profile, profile_name=self._profile_name)
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
        params, key = session_params(params, session_name, self._clock)
        from .._common.refresh import DeferredRefreshableCredentials

        path = token_path

        def fetch() -> Dict[str, Any]:
            # Read on the first call, as botocore creates its client then: a cached
            # answer needs neither the client settings nor the STS modules.
            from .._aws.client import ClientConfig
            from .._aws.sts import call_sts_response
            from .._common.token_file import read_token_file

            client_config = ClientConfig.for_session(self._config, region=self._sts_region)
            token = read_token_file(
                path,
                "web identity token file (AWS_WEB_IDENTITY_TOKEN_FILE or web_identity_token_file)",
            )
            return call_sts_response(
                "AssumeRoleWithWebIdentity",
                [*params, ("WebIdentityToken", token)],
                config=client_config,
                credentials=None,
                method=self.METHOD,
                clock=self._clock,
                transport=self._transport,
                sleep=self._sleep,
            )

        window = None
        if self._min_valid:
            window = max(CACHE_EXPIRY_WINDOW_SECONDS, self._min_valid + MIN_VALID_MARGIN)
        refresh = CachedFetcher(
            key, fetch, self.cache, self._clock, method=self.METHOD, window=window
        )
        return DeferredRefreshableCredentials(refresh, method=self.METHOD, clock=self._clock)
