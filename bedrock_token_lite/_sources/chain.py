"""The default credential chain and region resolution, in botocore's order.

``resolve_credentials(profile)`` returns what
``botocore.session.Session(profile=profile).get_credentials()`` returns, and
raises where botocore raises; only "nothing configured" differs: botocore
returns ``None``, we raise :class:`NoCredentialsError` naming every source
tried.

The provider order (botocore 1.43, ``create_credential_resolver``):

 1. environment (removed when the profile is explicit)
 2. assume role            (``_assume_role``, when installed)
 3. web identity           (``_web_identity``)
 4. SSO                    (``_sso``)
 5. shared credentials file
 6. login                  (``_login``)
 7. credential_process
 8. config file
 9. legacy EC2 credential file (``AWS_CREDENTIAL_FILE``)
10. boto2 config
11. container              (``_container``)
12. instance metadata      (``_imds``)

Network providers live in optional modules: a factory entry whose module is
missing is skipped, so wiring one in is a one-line change.  Each network
factory gets ``profile_name``, ``load_config``, ``environ``, ``home`` and
``explicit_profile`` keyword arguments.
"""

from __future__ import annotations

from .._config.session import SessionConfig
from .._errors import NoCredentialsError

TYPE_CHECKING = False  # typing itself costs milliseconds to import
if TYPE_CHECKING:  # pragma: no cover
    from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple

__all__ = [
    "PROVIDER_ORDER",
    "ChainContext",
    "CredentialResolver",
    "create_credential_resolver",
    "resolve_credentials",
    "resolve_region",
]


class ChainContext:
    """What every provider factory may use: the session configuration and its inputs."""

    def __init__(self, config: SessionConfig) -> None:
        self.config = config
        self.profile_name = config.profile_name
        self.explicit_profile = config.explicit_profile
        self.environ = config.environ
        self.home = config.home
        self.load_config: Callable[[], Any] = config.load_config
        #: Assumed-role / SSO credentials cached per resolver, as botocore does.
        self.cache: Dict[str, Any] = {}

    def network_kwargs(self, profile_name: Optional[str] = None) -> Any:
        return {
            "profile_name": self.profile_name if profile_name is None else profile_name,
            "load_config": self.load_config,
            "environ": self.environ,
            "home": self.home,
            "explicit_profile": self.explicit_profile,
        }

    # -- what the assume-role provider needs --------------------------------

    def source_chain(self, profile_name: str) -> Any:
        """botocore's source-profile sub-chain for ``profile_name`` (spec section 4).

        Web identity (environment ignored), SSO, credentials file, login,
        credential_process, config file; the first credentials win.
        """
        from .files import ConfigProvider, SharedCredentialProvider
        from .login import LoginProvider
        from .process import ProcessProvider
        from .sso import SSOProvider
        from .web_identity import AssumeRoleWithWebIdentityProvider

        kwargs = self.network_kwargs(profile_name)
        session = self.profile_name
        providers = (
            AssumeRoleWithWebIdentityProvider(
                **dict(kwargs, explicit_profile=True),
                cache=self.cache,
                session_profile_name=session,
            ),
            SSOProvider(**kwargs, cache=self.cache, session_profile_name=session),
            SharedCredentialProvider(
                self.config.credentials_file,
                profile_name,
                environ=self.environ,
                home=self.home,
                reader=self.config.read_raw,
            ),
            LoginProvider(**kwargs),
            ProcessProvider(
                profile_name=profile_name, load_config=self.load_config, environ=self.environ
            ),
            ConfigProvider(
                self.config.config_file,
                profile_name,
                environ=self.environ,
                home=self.home,
                reader=self.config.read_config,
            ),
        )
        return CredentialResolver(providers).load_credentials()

    def credential_sourcer(self, name: str) -> Any:
        """Credentials for a ``credential_source`` value, or ``None``."""
        if name == "Environment":
            from .env import EnvProvider

            return EnvProvider(environ=self.environ).load()
        if name == "EcsContainer":
            from .container import ContainerProvider

            return ContainerProvider(**self.network_kwargs()).load()
        if name == "Ec2InstanceMetadata":
            from .imds import InstanceMetadataProvider

            return InstanceMetadataProvider(**self.network_kwargs()).load()
        return None


def _env(ctx: ChainContext) -> Any:
    if ctx.explicit_profile:
        return None  # an explicit profile removes the environment provider
    from .env import EnvProvider

    return EnvProvider(environ=ctx.environ)


def _file(method: str, build: Callable[[ChainContext, Any], Any]) -> Callable[[ChainContext], Any]:
    """A file provider, built (and ``_files`` imported) only when the chain reaches it."""

    def factory(ctx: ChainContext) -> Any:
        def deferred_build() -> Any:
            from . import files as _files

            return build(ctx, _files)

        return _Deferred(method, deferred_build)

    factory.__name__ = method
    return factory


def _shared_credentials(ctx: ChainContext, files: Any) -> Any:
    return files.SharedCredentialProvider(
        ctx.config.credentials_file,
        ctx.profile_name,
        environ=ctx.environ,
        home=ctx.home,
        reader=ctx.config.read_raw,
    )


def _process(ctx: ChainContext) -> Any:
    def build() -> Any:
        from .process import ProcessProvider

        return ProcessProvider(
            profile_name=ctx.profile_name, load_config=ctx.load_config, environ=ctx.environ
        )

    return _Deferred("custom-process", build)


def _config_file(ctx: ChainContext, files: Any) -> Any:
    return files.ConfigProvider(
        ctx.config.config_file,
        ctx.profile_name,
        environ=ctx.environ,
        home=ctx.home,
        reader=ctx.config.read_config,
    )


def _ec2_file(ctx: ChainContext, files: Any) -> Any:
    return files.OriginalEC2Provider(ctx.environ, home=ctx.home)


def _boto(ctx: ChainContext, files: Any) -> Any:
    return files.BotoProvider(ctx.environ, home=ctx.home)


def _optional_module(name: str) -> Any:
    import sys

    qualified = "%s.%s" % (__package__, name)
    module = sys.modules.get(qualified)
    if module is not None:
        return module
    try:
        __import__(qualified)
        return sys.modules[qualified]
    except ModuleNotFoundError as e:
        if e.name != qualified:
            raise  # the module exists but something it imports is missing
        return None


class _Deferred:
    """A provider built only when the chain reaches it.

    botocore builds every provider up front; ours are built lazily so that
    environment credentials never pay for importing the file providers, nor
    file credentials for the network providers.  Building one raises nothing
    botocore would raise eagerly: the eager checks run in
    :func:`create_credential_resolver` first.
    """

    def __init__(
        self,
        method: str,
        build: Callable[[], Any],
        configured: Optional[Callable[[], bool]] = None,
    ) -> None:
        self.METHOD = method
        self._build = build
        #: The provider's own first test, run before building it: false means ``None``.
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


def _network(
    method: str,
    module_name: str,
    class_name: str,
    extra: Callable[[ChainContext], Any] = lambda ctx: {},
    configured: Optional[Callable[[ChainContext], bool]] = None,
) -> Callable[[ChainContext], Any]:
    def factory(ctx: ChainContext) -> Any:
        def build() -> Any:
            module = _optional_module(module_name)
            return getattr(module, class_name)(**ctx.network_kwargs(), **extra(ctx))

        test = None if configured is None else (lambda: configured(ctx))
        return _Deferred(method, build, test)

    factory.__name__ = module_name
    return factory


def _assume_role_extra(ctx: ChainContext) -> Any:
    return {
        "source_chain": ctx.source_chain,
        "credential_sourcer": ctx.credential_sourcer,
        "cache": ctx.cache,
    }


def _cache_extra(ctx: ChainContext) -> Any:
    return {"cache": ctx.cache}


def _has_sso_keys(ctx: ChainContext) -> bool:
    """SSOProvider's first test, so that most profiles never load the SSO and STS code."""
    from .sso_profile import has_sso_keys  # a few lines; .sso itself loads the STS client

    profiles = ctx.load_config().get("profiles") or {}
    return has_sso_keys(profiles.get(ctx.profile_name, {}))


#: (name, factory) in botocore's order; a factory returning ``None`` is skipped.
PROVIDER_ORDER: Sequence[Tuple[str, Callable[[ChainContext], Any]]] = (
    ("env", _env),
    (
        "assume-role",
        _network("assume-role", "assume_role", "AssumeRoleProvider", _assume_role_extra),
    ),
    (
        "assume-role-with-web-identity",
        _network(
            "assume-role-with-web-identity",
            "web_identity",
            "AssumeRoleWithWebIdentityProvider",
            _cache_extra,
        ),
    ),
    ("sso", _network("sso", "sso", "SSOProvider", _cache_extra, _has_sso_keys)),
    ("shared-credentials-file", _file("shared-credentials-file", _shared_credentials)),
    ("login", _network("login", "login", "LoginProvider")),
    ("custom-process", _process),
    ("config-file", _file("config-file", _config_file)),
    ("ec2-credentials-file", _file("ec2-credentials-file", _ec2_file)),
    ("boto-config", _file("boto-config", _boto)),
    ("container-role", _network("container-role", "container", "ContainerProvider")),
    ("iam-role", _network("iam-role", "imds", "InstanceMetadataProvider")),
)


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
    config: Optional[SessionConfig] = None,
) -> CredentialResolver:
    """Build the default chain, running botocore's eager configuration checks first.

    Raises ``ConfigParseError``, ``ProfileNotFound``, ``InvalidConfigError``
    (non-integer IMDS timeout or attempts) and ``InvalidIMDSEndpointModeError``
    exactly where botocore raises them while building its chain, even when
    environment credentials are set.
    """
    if config is None:
        config = SessionConfig(profile, environ=environ, home=home)
    config.imds_settings()
    ctx = ChainContext(config)
    providers = [p for p in (factory(ctx) for _, factory in PROVIDER_ORDER) if p is not None]
    return CredentialResolver(providers)


def resolve_credentials(
    profile: Optional[str] = None,
    *,
    environ: Optional[Mapping[str, str]] = None,
    home: Optional[str] = None,
) -> Any:
    """Credentials from the default chain, like ``botocore.session.Session(profile=profile)``.

    ``profile`` is an explicit profile: it removes the environment provider.
    Without it, ``AWS_DEFAULT_PROFILE`` then ``AWS_PROFILE`` choose the profile
    name and the environment variables still come first.  Raises
    :class:`NoCredentialsError` (listing what was tried) when no source is
    configured, and lets every other error propagate as botocore does.
    """
    return resolve_with_config(SessionConfig(profile, environ=environ, home=home))


def resolve_with_config(config: SessionConfig) -> Any:
    """:func:`resolve_credentials` for an existing configuration (its files already read)."""
    resolver = create_credential_resolver(config=config)
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
    return region_with_config(SessionConfig(profile, environ=environ, home=home))


def region_with_config(config: SessionConfig) -> Optional[str]:
    """:func:`resolve_region` for an existing configuration."""
    region = config.environ.get("AWS_REGION")
    if region:
        return region
    value: Optional[str] = config.get_config_variable("region")
    return value
