"""The default credential chain and region resolution, in botocore's order.

``resolve_credentials(profile)`` returns what
``botocore.session.Session(profile=profile).get_credentials()`` returns, and
raises where botocore raises; only "nothing configured" differs: botocore
returns ``None``, we raise :class:`NoCredentialsError` naming every source
tried.

The order (botocore 1.44, ``create_credential_resolver``) is the table
:data:`PROVIDER_ORDER`: environment (left out for an explicit profile), assume
role, web identity, SSO, shared credentials file, login, credential_process,
config file, legacy EC2 credential file, boto2 config, container, instance
metadata.  Each row is a plain factory that imports its source's module when
the chain reaches it (so environment credentials never load the file or
network code) and builds the source with ``from_context``: the one
:class:`~.context.SourceContext` of the resolution (the session
configuration, cache, clock, sleep, transport) plus only what is specific to
that use: the profile of a ``source_profile`` sub-chain, and assume role's
``source_chain`` / ``credential_sourcer`` callbacks.  The configuration is
never split into keyword arguments: each source reads it from the context.
"""

from __future__ import annotations

from .._errors import NoCredentialsError
from .context import SourceContext

TYPE_CHECKING = False  # typing itself costs milliseconds to import
if TYPE_CHECKING:  # pragma: no cover
    from typing import Any, Callable, List, Mapping, Optional, Sequence, Tuple

    from .._config.session import SessionConfig
    from .cache import CredentialCache

__all__ = [
    "PROVIDER_ORDER",
    "CredentialResolver",
    "build_resolver",
    "create_credential_resolver",
    "resolve_credentials",
    "resolve_region",
]


class _Deferred:
    """A source built only when the chain reaches it.

    botocore builds every provider up front; ours are built lazily so that
    environment credentials never pay for importing the file sources, nor
    file credentials for the network ones.  Building one raises nothing
    botocore would raise eagerly: the eager checks run in
    :func:`build_resolver` first.
    """

    def __init__(
        self,
        method: str,
        build: Callable[[], Any],
        configured: Optional[Callable[[], bool]] = None,
    ) -> None:
        self.METHOD = method
        self._build = build
        #: The source's own first test, run before building it: false means ``None``.
        self._configured = configured
        self._provider: Any = None

    @property
    def provider(self) -> Any:
        if self._provider is None:
            self._provider = self._build()
        return self._provider

    @property
    def source(self) -> str:
        return _describe(self.provider)

    def load(self) -> Any:
        if self._provider is None and self._configured is not None and not self._configured():
            return None
        return self.provider.load()


# -- the sources, one lazy factory each ------------------------------------------------
#
# Each factory imports its source's module only when called and hands the source the
# context; ``profile_name`` is given only inside a source-profile sub-chain.


def _env(ctx: SourceContext) -> Any:
    from .env import EnvProvider

    return EnvProvider.from_context(ctx)


def _assume_role(ctx: SourceContext) -> Any:
    from .assume_role import AssumeRoleProvider

    return AssumeRoleProvider.from_context(
        ctx,
        source_chain=lambda name: _source_chain(ctx, name),
        credential_sourcer=lambda name: _credential_sourcer(ctx, name),
    )


def _web_identity(ctx: SourceContext, profile_name: Optional[str] = None) -> Any:
    from .web_identity import AssumeRoleWithWebIdentityProvider

    return AssumeRoleWithWebIdentityProvider.from_context(ctx, profile_name=profile_name)


def _sso(ctx: SourceContext, profile_name: Optional[str] = None) -> Any:
    from .sso import SSOProvider

    return SSOProvider.from_context(ctx, profile_name=profile_name)


def _has_sso_keys(ctx: SourceContext, profile_name: Optional[str] = None) -> bool:
    """SSOProvider's first test, so that most profiles never load the SSO and STS code."""
    from .sso_profile import has_sso_keys  # a few lines; .sso itself loads the STS client

    profiles = ctx.config.load_config().get("profiles") or {}
    if profile_name is None:
        name = ctx.config.profile_name
    else:
        from .._config.settings import provider_profile_name

        name = provider_profile_name(profile_name)
    return has_sso_keys(profiles.get(name, {}))


def _shared_credentials(ctx: SourceContext, profile_name: Optional[str] = None) -> Any:
    from .files import SharedCredentialProvider

    return SharedCredentialProvider.from_context(ctx, profile_name=profile_name)


def _login(ctx: SourceContext, profile_name: Optional[str] = None) -> Any:
    from .login import LoginProvider

    return LoginProvider.from_context(ctx, profile_name=profile_name)


def _process(ctx: SourceContext, profile_name: Optional[str] = None) -> Any:
    from .process import ProcessProvider

    return ProcessProvider.from_context(ctx, profile_name=profile_name)


def _config_file(ctx: SourceContext, profile_name: Optional[str] = None) -> Any:
    from .files import ConfigProvider

    return ConfigProvider.from_context(ctx, profile_name=profile_name)


def _ec2_file(ctx: SourceContext) -> Any:
    from .files import OriginalEC2Provider

    return OriginalEC2Provider.from_context(ctx)


def _boto(ctx: SourceContext) -> Any:
    from .files import BotoProvider

    return BotoProvider.from_context(ctx)


def _container(ctx: SourceContext) -> Any:
    from .container import ContainerProvider

    return ContainerProvider.from_context(ctx)


def _imds(ctx: SourceContext) -> Any:
    from .imds import InstanceMetadataProvider

    return InstanceMetadataProvider.from_context(ctx)


if TYPE_CHECKING:  # pragma: no cover
    Factory = Callable[[SourceContext], Any]

#: botocore's default chain (``create_credential_resolver``), in order:
#: (METHOD, factory, the source's own first test or ``None``).
PROVIDER_ORDER: Sequence[Tuple[str, Factory, Optional[Callable[[SourceContext], bool]]]] = (
    ("env", _env, None),
    ("assume-role", _assume_role, None),
    ("assume-role-with-web-identity", _web_identity, None),
    ("sso", _sso, _has_sso_keys),
    ("shared-credentials-file", _shared_credentials, None),
    ("login", _login, None),
    ("custom-process", _process, None),
    ("config-file", _config_file, None),
    ("ec2-credentials-file", _ec2_file, None),
    ("boto-config", _boto, None),
    ("container-role", _container, None),
    ("iam-role", _imds, None),
)


def _source_chain(ctx: SourceContext, profile_name: str) -> Any:
    """botocore's source-profile sub-chain for ``profile_name`` (spec section 4).

    Web identity (environment ignored), SSO, credentials file, login,
    credential_process, config file; the first credentials win.
    """
    # Built when reached, as the main chain's sources: a source profile with static
    # keys (the usual case) never loads the SSO or STS code.
    providers = [
        _Deferred("assume-role-with-web-identity", lambda: _web_identity(ctx, profile_name)),
        _Deferred("sso", lambda: _sso(ctx, profile_name), lambda: _has_sso_keys(ctx, profile_name)),
        _Deferred("shared-credentials-file", lambda: _shared_credentials(ctx, profile_name)),
        _Deferred("login", lambda: _login(ctx, profile_name)),
        _Deferred("custom-process", lambda: _process(ctx, profile_name)),
        _Deferred("config-file", lambda: _config_file(ctx, profile_name)),
    ]
    return CredentialResolver(providers).load_credentials()


def _credential_sourcer(ctx: SourceContext, name: str) -> Any:
    """Credentials for a ``credential_source`` value, or ``None``."""
    if name == "Environment":
        return _env(ctx).load()
    if name == "EcsContainer":
        return _container(ctx).load()
    if name == "Ec2InstanceMetadata":
        return _imds(ctx).load()
    return None


_DESCRIPTIONS = {
    "env": "environment variables AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY",
    "custom-process": "credential_process",
}


def _describe(provider: Any) -> str:
    """A provider's ``source`` text, else a description of its ``METHOD`` (no secrets)."""
    source = getattr(provider, "source", None)
    if isinstance(source, str):
        return source
    method = getattr(provider, "METHOD", None)
    if isinstance(method, str):
        return _DESCRIPTIONS.get(method, method)
    return type(provider).__name__


class CredentialResolver:
    """Try providers in order: the first non-``None`` ``load()`` wins; errors propagate."""

    def __init__(self, providers: Sequence[Any]) -> None:
        self.providers: List[Any] = list(providers)

    def load_credentials(self) -> Any:
        """The first provider's credentials, or ``None`` when none is configured."""
        for provider in self.providers:
            credentials = provider.load()
            if credentials is not None:
                return credentials
        return None

    def sources(self) -> List[str]:
        """A description of each provider, in order (paths and variable names only)."""
        return [_describe(p) for p in self.providers]


def create_credential_resolver(
    profile: Optional[str] = None,
    *,
    environ: Optional[Mapping[str, str]] = None,
    home: Optional[str] = None,
    cache: Optional[CredentialCache] = None,
) -> CredentialResolver:
    """botocore's ``create_credential_resolver`` for ``Session(profile=profile)``.

    ``cache`` is :func:`resolve_credentials`'.
    """
    return build_resolver(_session_config(profile, environ, home), cache=cache)


def build_resolver(
    config: SessionConfig,
    *,
    cache: Optional[CredentialCache] = None,
    cache_dir: Optional[str] = None,
    min_valid: float = 0,
) -> CredentialResolver:
    """Build the default chain, running botocore's eager configuration checks first.

    Raises ``ConfigParseError``, ``ProfileNotFound``, ``InvalidConfigError``
    (non-integer IMDS timeout or attempts) and ``InvalidIMDSEndpointModeError``
    exactly where botocore raises them while building its chain, even when
    environment credentials are set.  ``cache`` becomes the cache of the
    assume-role and web-identity providers (as the AWS CLI sets it);
    ``cache_dir`` instead names the folder of a ``JSONFileCache`` made only when
    one of them is reached; ``min_valid`` is the least number of seconds the credentials they take
    from a cache must still last (the command's ``--min-valid``).
    """
    config.imds_settings()
    ctx = SourceContext(config, role_cache=cache, role_cache_dir=cache_dir, min_valid=min_valid)
    providers: List[Any] = []
    for method, factory, configured in PROVIDER_ORDER:
        if method == "env":
            if not config.explicit_profile:  # an explicit profile removes it
                providers.append(factory(ctx))
            continue
        providers.append(_deferred(ctx, method, factory, configured))
    return CredentialResolver(providers)


def _deferred(
    ctx: SourceContext,
    method: str,
    factory: Factory,
    configured: Optional[Callable[[SourceContext], bool]],
) -> _Deferred:
    test: Optional[Callable[[], bool]] = None
    if configured is not None:
        test = lambda: configured(ctx)  # noqa: E731
    return _Deferred(method, lambda: factory(ctx), test)


def _session_config(
    profile: Optional[str], environ: Optional[Mapping[str, str]], home: Optional[str]
) -> SessionConfig:
    from .._config.session import SessionConfig

    return SessionConfig(profile, environ=environ, home=home)


def resolve_credentials(
    profile: Optional[str] = None,
    *,
    environ: Optional[Mapping[str, str]] = None,
    home: Optional[str] = None,
    cache: Optional[CredentialCache] = None,
) -> Any:
    """Credentials from the default chain, like ``botocore.session.Session(profile=profile)``.

    ``profile`` is an explicit profile: it removes the environment provider.
    Without it, ``AWS_DEFAULT_PROFILE`` then ``AWS_PROFILE`` choose the profile
    name and the environment variables still come first.  Raises
    :class:`NoCredentialsError` (listing what was tried) when no source is
    configured, and lets every other error propagate as botocore does.

    ``cache`` (keyword only) is where assumed roles (``role_arn`` profiles and
    web identity) are cached, as the AWS CLI sets it up: pass
    ``JSONFileCache()`` to reuse the roles ``aws`` and botocore cached in
    ``~/.aws/cli/cache`` and to cache new ones there.  Without it roles are
    cached in memory for this call only, as botocore does.
    """
    return resolve_with_config(_session_config(profile, environ, home), cache=cache)


def resolve_with_config(
    config: SessionConfig,
    *,
    cache: Optional[CredentialCache] = None,
    cache_dir: Optional[str] = None,
    min_valid: float = 0,
) -> Any:
    """:func:`resolve_credentials` for an existing configuration (its files already read)."""
    resolver = build_resolver(config, cache=cache, cache_dir=cache_dir, min_valid=min_valid)
    credentials = resolver.load_credentials()
    if credentials is None:
        tried = tuple(resolver.sources())
        raise NoCredentialsError(
            "No AWS credentials found. Check your environment or credential provider. "
            "Tried: %s. Set AWS_ACCESS_KEY_ID and "
            "AWS_SECRET_ACCESS_KEY, add aws_access_key_id and aws_secret_access_key to the "
            "profile in the credentials file, or pass credentials explicitly." % "; ".join(tried),
            tried=tried,
        )
    return credentials


def resolve_region(
    profile: Optional[str] = None,
    *,
    environ: Optional[Mapping[str, str]] = None,
    home: Optional[str] = None,
) -> Optional[str]:
    """The region: ``AWS_REGION``, else botocore's session region.

    botocore's session region is ``AWS_DEFAULT_REGION`` when set (even empty),
    else the selected profile's ``region`` (credentials file over config file),
    else ``None``.  ``AWS_REGION`` (when non-empty) comes first because it is
    the variable the official token generator documents and the one every
    other AWS SDK reads; botocore alone ignores it.  A missing selected profile
    raises ``ProfileNotFound`` unless an environment variable answers first.
    """
    return region_with_config(_session_config(profile, environ, home))


def region_with_config(config: SessionConfig) -> Optional[str]:
    """:func:`resolve_region` for an existing configuration."""
    region = config.environ.get("AWS_REGION")
    if region:
        return region
    value: Optional[str] = config.get_config_variable("region")
    return value
