"""What every credential source may use besides its own settings (smithy-rs' ``ProviderConfig``).

The chain builds one :class:`SourceContext` per resolution: the session
configuration (one :class:`~.._config.session.SessionConfig`, built once at
the public entry point), the cache of assumed-role and SSO credentials shared
by the sources of one resolver (as botocore's ``JSONFileCache``-less
default), the cache the chain's assume-role and web-identity providers use
instead when one is given (the AWS CLI's ``JSONFileCache``), and the clock,
sleep and transport hooks that tests replace.

The wiring, one scheme for every source: each source class has a
``from_context(ctx, ...)`` classmethod, and the chain builds it with the
context itself plus only what is specific to that use (the profile of a
``source_profile`` sub-chain; assume role's ``source_chain`` and
``credential_sourcer`` callbacks).  The source keeps ``ctx.config`` as its
one view of the configuration: it reads the environment, home, profile name,
explicit flag and ``load_config()`` from it, and gives it to
:meth:`~.._aws.client.ClientConfig.for_session` for its nested clients.  The
public constructors keep botocore's keyword arguments (``profile_name``,
``load_config``, ``environ``, ``home``, ``explicit_profile``, ...) and turn
them once into the same kind of object with
:meth:`~.._config.session.SessionConfig.for_provider`.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing itself costs milliseconds to import
if TYPE_CHECKING:  # pragma: no cover
    from typing import Any, Callable, Dict, Optional

    from .._aws.retries import Sleep, Transport
    from .._common.clock import Clock
    from .._config.session import SessionConfig
    from .cache import CredentialCache

__all__ = ["CallHooks", "SourceContext"]


class SourceContext:
    """The configuration and the outside world, for the sources of one resolution.

    ``clock``, ``sleep`` and ``transport`` are ``None`` for the defaults each
    source already has (the UTC clock, ``time.sleep``, the package's HTTP
    client); tests pass their own.
    """

    __slots__ = (
        "cache",
        "clock",
        "config",
        "min_valid",
        "role_cache",
        "role_cache_dir",
        "sleep",
        "transport",
    )

    def __init__(
        self,
        config: SessionConfig,
        *,
        cache: Optional[Dict[str, Any]] = None,
        role_cache: Optional[CredentialCache] = None,
        role_cache_dir: Optional[str] = None,
        min_valid: float = 0,
        clock: Optional[Callable[[], Any]] = None,
        sleep: Optional[Callable[[float], None]] = None,
        transport: Optional[Callable[..., Any]] = None,
    ) -> None:
        self.config = config
        #: Assumed-role / SSO credentials cached per resolver, as botocore does.
        self.cache: Dict[str, Any] = {} if cache is None else cache
        #: The cache of the chain's own assume-role and web-identity providers, when
        #: given (the AWS CLI gives them a ``JSONFileCache``); else :attr:`cache`.
        self.role_cache = role_cache
        #: A folder for a ``JSONFileCache`` made when a role source first needs it
        #: (the command's ``~/.aws/cli/cache``: environment credentials never load it).
        self.role_cache_dir = role_cache_dir
        #: Seconds the chain's assumed role must still last to come from a cache
        #: (``--min-valid``; 0: botocore's 15-minute window alone).
        self.min_valid = min_valid
        self.clock = clock
        self.sleep = sleep
        self.transport = transport

    def chain_role_cache(self) -> CredentialCache:
        """The cache of the chain's own assume-role and web-identity providers."""
        if self.role_cache is None and self.role_cache_dir is not None:
            from .cache import JSONFileCache

            self.role_cache = JSONFileCache(self.role_cache_dir)
        return self.cache if self.role_cache is None else self.role_cache


class CallHooks:
    """The clock, transport and sleep a source that calls AWS goes through (tests replace them).

    Shared by the STS and SSO sources: their public constructors take the three
    as keyword arguments, their ``from_context`` takes them from the context.
    """

    _clock: Clock
    _transport: Optional[Transport]
    _sleep: Optional[Sleep]

    def _set_hooks(
        self,
        clock: Optional[Clock],
        transport: Optional[Transport],
        sleep: Optional[Sleep],
    ) -> None:
        from .._common.clock import utc_now

        self._clock = clock or utc_now
        self._transport = transport
        self._sleep = sleep
