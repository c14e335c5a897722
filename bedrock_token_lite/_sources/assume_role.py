"""Credentials from STS AssumeRole, configured by ``role_arn`` in a profile (spec section 6)."""

from __future__ import annotations

import os

from .._common.credentials import Credentials
from .._config.session import SessionConfig
from .._config.settings import setting
from .._errors import CredentialRetrievalError, InvalidConfigError, PartialCredentialsError

# The STS client, refreshable credentials, datetime and the rarer errors load only
# once a profile has a role_arn: the chain asks this provider before the files
# for every profile, and most profiles have none.
from .cache import CACHE_EXPIRY_WINDOW_SECONDS, CachedFetcher, dumps_sorted
from .context import CallHooks

TYPE_CHECKING = False  # typing itself costs milliseconds to import
if TYPE_CHECKING:  # pragma: no cover
    from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple

    from .._aws.client import ClientConfig
    from .._aws.retries import Sleep, Transport
    from .._common.clock import Clock
    from .._common.refresh import DeferredRefreshableCredentials
    from .cache import CredentialCache
    from .context import SourceContext

__all__ = [
    "CREDENTIAL_SOURCES",
    "AssumeRoleProvider",
    "assume_role_cache_key",
    "default_mfa_prompter",
    "session_params",
]

#: The ``credential_source`` values botocore accepts (exact, case-sensitive).
CREDENTIAL_SOURCES = ("EcsContainer", "Ec2InstanceMetadata", "Environment")

#: --min-valid keeps a cached role only with this much more left (the token is signed later).
MIN_VALID_MARGIN = 30

if TYPE_CHECKING:  # pragma: no cover
    Prompter = Callable[[str], str]
    Config = Mapping[str, Any]


def session_params(
    params: List[Tuple[str, Any]], session_name: Optional[str], clock: Clock
) -> Tuple[List[Tuple[str, Any]], str]:
    """The call's parameters with botocore's generated session name, and its cache key.

    Without a (non-empty) ``role_session_name`` botocore names the session
    ``botocore-session-<epoch seconds>``, keeping the parameter's position,
    and leaves the name out of the cache key (AssumeRole and web identity alike).
    """
    generated = not session_name
    if generated:
        from .._aws.params import set_param

        params = set_param(
            params, "RoleSessionName", "botocore-session-%d" % int(clock().timestamp())
        )
    return params, assume_role_cache_key(params, generated)


def assume_role_cache_key(params: List[Tuple[str, Any]], generated_session_name: bool) -> str:
    """botocore's assumed-role cache key: sha1 of the sorted JSON of the request parameters.

    ``params`` exclude ``TokenCode`` and ``WebIdentityToken``; a generated
    ``RoleSessionName`` is left out; a ``Policy`` is compared as parsed JSON.
    """
    args: Dict[str, Any] = dict(params)
    if generated_session_name:
        args.pop("RoleSessionName", None)
    if "Policy" in args:
        import json

        args["Policy"] = json.loads(args["Policy"])
    digest = _sha1_hex(dumps_sorted(args).encode("utf-8"))
    return digest.replace(":", "_").replace(os.sep, "_").replace("/", "_")


def _sha1_hex(data: bytes) -> str:
    """SHA-1 of a cache key: CPython's built-in one unless ``hashlib`` (OpenSSL) is loaded."""
    import sys

    if "hashlib" not in sys.modules:
        try:
            from _sha1 import sha1  # type: ignore[import-not-found,unused-ignore]
        except ImportError:  # pragma: no cover - a build without it
            pass
        else:
            return str(sha1(data).hexdigest())
    import hashlib

    return hashlib.sha1(data).hexdigest()  # noqa: S324 - botocore's cache key, not security


class _MFARefresher:
    """botocore's MFA refresher: the first fetch prompts, a later refresh fails."""

    def __init__(self, fetch: Callable[[], Credentials]) -> None:
        self._fetch = fetch
        self._called = False

    def __call__(self) -> Credentials:
        if self._called:
            from .._source_errors import RefreshWithMFAUnsupportedError

            raise RefreshWithMFAUnsupportedError()
        self._called = True
        return self._fetch()


def default_mfa_prompter(prompt: str) -> str:
    """Ask for the MFA code on the terminal (input hidden, prompt on stderr).

    Without a terminal there is nobody to ask: raise ``MFAPromptError``
    instead of waiting on stdin (botocore reads stdin and fails with EOFError).
    """
    import sys

    stdin = sys.stdin
    if stdin is None or not stdin.isatty():
        from .._source_errors import MFAPromptError

        raise MFAPromptError(
            "%sno terminal to read the code from. Run interactively, or pass "
            "mfa_prompter=<callable returning the 6-digit code> to the provider." % (prompt,)
        )
    import getpass

    return getpass.getpass(prompt, stream=sys.stderr)


def _static_from_profile(profile: Config, method: str) -> Credentials:
    for key in ("aws_access_key_id", "aws_secret_access_key"):
        if key not in profile:
            raise PartialCredentialsError(method, repr(key))
    return Credentials(
        profile["aws_access_key_id"],
        profile["aws_secret_access_key"],
        profile.get("aws_session_token"),
        method=method,
    )


class AssumeRoleProvider(CallHooks):
    """botocore's ``AssumeRoleProvider``: ``role_arn`` with a source profile or credential source.

    ``load()`` validates the profile and resolves the source credentials
    (recursively for chained roles), then returns deferred refreshable
    credentials whose first use calls STS ``AssumeRole``; it returns ``None``
    when the profile has no ``role_arn`` (or also has
    ``web_identity_token_file``, which the web-identity provider handles).

    * ``load_config()`` returns botocore's full-config shape
      (``{"profiles": {...}, ...}``); ``profile_name`` is the profile to
      resolve (default ``default``), which is also the session profile the
      STS client settings are read from.
    * ``source_chain(name)`` resolves a ``source_profile`` that is not itself
      an assume-role profile (botocore's profile sub-chain); without it only
      static keys in the source profile work.
    * ``credential_sourcer(name)`` returns credentials for a
      ``credential_source`` (``Environment``, ``EcsContainer``,
      ``Ec2InstanceMetadata``) or ``None``; without it only ``Environment``
      works.
    * ``cache`` is where assumed roles are cached (botocore's ``cache=``
      shape: ``__contains__``, ``__getitem__`` raising ``KeyError``,
      ``__setitem__``; entries are the STS answers, as botocore stores them).
      By default a dict shared with the other STS/SSO providers of one
      resolver; a :class:`~bedrock_token_lite.JSONFileCache` shares them with
      the AWS CLI and botocore.  A cached role with at least 15 minutes left
      is used without calling STS (and without asking for an MFA code).
    * ``mfa_prompter(prompt)`` returns the MFA code; by default it asks on the
      terminal and fails clearly without one.
    * ``sts_region`` overrides the session region for the STS client.

    The chain builds it with :meth:`from_context`.
    """

    METHOD = "assume-role"

    def __init__(
        self,
        *,
        load_config: Callable[[], Config],
        profile_name: Optional[str] = None,
        environ: Optional[Mapping[str, str]] = None,
        home: Optional[str] = None,
        explicit_profile: bool = False,
        source_chain: Optional[Callable[[str], Any]] = None,
        credential_sourcer: Optional[Callable[[str], Any]] = None,
        cache: Optional[CredentialCache] = None,
        mfa_prompter: Optional[Prompter] = None,
        sts_region: Optional[str] = None,
        clock: Optional[Clock] = None,
        transport: Optional[Transport] = None,
        sleep: Optional[Sleep] = None,
    ) -> None:
        config = SessionConfig.for_provider(
            load_config,
            profile_name=profile_name,
            environ=environ,
            home=home,
            explicit_profile=explicit_profile,
        )
        self._setup(config, source_chain, credential_sourcer, cache, mfa_prompter, sts_region)
        self._set_hooks(clock, transport, sleep)

    @classmethod
    def from_context(
        cls,
        ctx: SourceContext,
        *,
        source_chain: Optional[Callable[[str], Any]] = None,
        credential_sourcer: Optional[Callable[[str], Any]] = None,
    ) -> AssumeRoleProvider:
        """The provider of the session profile of ``ctx``, as the chain builds it."""
        provider = cls.__new__(cls)
        cache = ctx.chain_role_cache()
        provider._setup(ctx.config, source_chain, credential_sourcer, cache, None, None)
        provider._set_hooks(ctx.clock, ctx.transport, ctx.sleep)
        provider._min_valid = ctx.min_valid
        return provider

    def _setup(
        self,
        config: SessionConfig,
        source_chain: Optional[Callable[[str], Any]],
        credential_sourcer: Optional[Callable[[str], Any]],
        cache: Optional[CredentialCache],
        mfa_prompter: Optional[Prompter],
        sts_region: Optional[str],
    ) -> None:
        #: The session: its environment, its profile (the one resolved) and ``load_config``.
        self._config = config
        self._profile_name = config.profile_name
        self._source_chain = source_chain
        self._credential_sourcer = credential_sourcer
        self.cache: CredentialCache = {} if cache is None else cache
        self._prompter = mfa_prompter or default_mfa_prompter
        self._sts_region = sts_region
        #: Seconds the resolved role's credentials must still last to be taken from the cache.
        self._min_valid: float = 0

    def load(self) -> Optional[DeferredRefreshableCredentials]:
        config = self._config.load_config()
        profiles = config.get("profiles") or {}
        profile = profiles.get(self._profile_name, {})
        if not _has_assume_role_config(profile):
            return None
        # The STS client's settings are read on the first call, as botocore creates
        # its client then: a cached role needs neither them nor the STS modules.
        client_config = _LazyClientConfig(self._config, self._sts_region)
        visited = [self._profile_name]
        window = None
        if self._min_valid:
            window = max(CACHE_EXPIRY_WINDOW_SECONDS, self._min_valid + MIN_VALID_MARGIN)
        return self._assume(self._profile_name, profiles, visited, client_config, window)

    # -- internals -----------------------------------------------------------

    def _assume(
        self,
        name: str,
        profiles: Mapping[str, Config],
        visited: List[str],
        client_config: _LazyClientConfig,
        window: Optional[float] = None,
    ) -> DeferredRefreshableCredentials:
        profile = profiles[name]
        where = 'profile "%s"' % (name,)
        role_arn = setting(profile, "role_arn", where)
        source_profile = setting(profile, "source_profile", where)
        credential_source = setting(profile, "credential_source", where)
        duration: Optional[int] = None
        if setting(profile, "duration_seconds", where) is not None:
            try:
                duration = int(profile["duration_seconds"])
            except ValueError:
                duration = None
        if credential_source is not None and source_profile is not None:
            raise InvalidConfigError(
                'The profile "%s" contains both source_profile and credential_source.' % (name,)
            )
        if credential_source is None and source_profile is None:
            raise PartialCredentialsError(
                self.METHOD,
                "source_profile or credential_source",
                'profile "%s" has role_arn; add source_profile = <profile> or '
                "credential_source = Environment|EcsContainer|Ec2InstanceMetadata" % (name,),
            )
        if credential_source is not None:
            if credential_source not in CREDENTIAL_SOURCES:
                raise InvalidConfigError(
                    'The credential source "%s" referenced in profile "%s" is not valid.'
                    % (credential_source, name)
                )
            source = self._from_credential_source(credential_source, name)
        else:
            assert source_profile is not None
            self._check_source_profile(name, source_profile, profiles, visited)
            visited.append(source_profile)
            source = self._from_source_profile(source_profile, profiles, visited, client_config)

        params: List[Tuple[str, Any]] = []
        session_name = setting(profile, "role_session_name", where)
        if session_name is not None:
            params.append(("RoleSessionName", session_name))
        external_id = setting(profile, "external_id", where)
        if external_id is not None:
            params.append(("ExternalId", external_id))
        mfa_serial = setting(profile, "mfa_serial", where)
        if mfa_serial is not None:
            params.append(("SerialNumber", mfa_serial))
        if duration is not None:
            params.append(("DurationSeconds", duration))
        params.append(("RoleArn", role_arn))
        params, key = session_params(params, session_name, self._clock)
        frozen_params = list(params)

        from .._common.refresh import DeferredRefreshableCredentials

        def fetch() -> Dict[str, Any]:
            from .._aws.sts import call_sts_response

            request = list(frozen_params)
            if mfa_serial is not None:
                request.append(
                    ("TokenCode", self._prompter("Enter MFA code for %s: " % mfa_serial))
                )
            return call_sts_response(
                "AssumeRole",
                request,
                config=client_config.get(),
                credentials=source,
                method=self.METHOD,
                clock=self._clock,
                transport=self._transport,
                sleep=self._sleep,
            )

        refresh: Callable[[], Credentials] = CachedFetcher(
            key, fetch, self.cache, self._clock, method=self.METHOD, window=window
        )
        if mfa_serial is not None:
            refresh = _MFARefresher(refresh)
        return DeferredRefreshableCredentials(refresh, method=self.METHOD, clock=self._clock)

    def _check_source_profile(
        self,
        parent: str,
        source_profile: str,
        profiles: Mapping[str, Config],
        visited: List[str],
    ) -> None:
        if source_profile not in profiles:
            raise InvalidConfigError(
                'The source_profile "%s" referenced in the profile "%s" does not exist.'
                % (source_profile, parent)
            )
        if source_profile not in visited:
            return
        if source_profile != parent or not _has_static(profiles[source_profile]):
            from .._source_errors import InfiniteLoopConfigError

            raise InfiniteLoopConfigError(source_profile, visited)

    def _from_credential_source(self, credential_source: str, name: str) -> Any:
        if self._credential_sourcer is not None:
            credentials = self._credential_sourcer(credential_source)
        elif credential_source == "Environment":
            from .env import EnvProvider

            credentials = EnvProvider(self._config.environ).load()
        else:
            raise InvalidConfigError(
                'The credential_source "%s" is specified in profile "%s", but no source '
                "provider was configured (pass credential_sourcer= to AssumeRoleProvider)."
                % (credential_source, name)
            )
        if credentials is None:
            raise CredentialRetrievalError(
                credential_source,
                "No credentials found in credential_source referenced in profile %s" % (name,),
            )
        return credentials

    def _from_source_profile(
        self,
        source_profile: str,
        profiles: Mapping[str, Config],
        visited: List[str],
        client_config: _LazyClientConfig,
    ) -> Any:
        profile = profiles[source_profile]
        if _has_static(profile) and self._source_chain is None:
            return _static_from_profile(profile, self.METHOD)
        if _has_static(profile) or not _has_assume_role_config(profile):
            chain = self._source_chain
            credentials = None if chain is None else chain(source_profile)
            if credentials is None:
                raise InvalidConfigError(
                    'The source profile "%s" must have credentials.' % (source_profile,)
                )
            return credentials
        return self._assume(source_profile, profiles, visited, client_config)


class _LazyClientConfig:
    """The STS client's settings, read once, on the first call."""

    def __init__(self, config: SessionConfig, region: Optional[str]) -> None:
        self._config = config
        self._region = region
        self._value: Optional[ClientConfig] = None

    def get(self) -> ClientConfig:
        if self._value is None:
            from .._aws.client import ClientConfig

            self._value = ClientConfig.for_session(self._config, region=self._region)
        return self._value


def _has_static(profile: Config) -> bool:
    return "aws_access_key_id" in profile or "aws_secret_access_key" in profile


def _has_assume_role_config(profile: Config) -> bool:
    return "role_arn" in profile and "web_identity_token_file" not in profile
