"""What every credential source may use besides its own settings (smithy-rs' ``ProviderConfig``).

The chain builds one :class:`SourceContext` per resolution and hands it to
each source it reaches: the session configuration (built once at the public
entry point), the cache of assumed-role and SSO credentials shared by the
sources of one resolver (as botocore's ``JSONFileCache``-less default), and
the clock, sleep and transport hooks that tests replace.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing itself costs milliseconds to import
if TYPE_CHECKING:  # pragma: no cover
    from typing import Any, Callable, Dict, Optional

    from .._config.session import SessionConfig

__all__ = ["SourceContext"]


class SourceContext:
    """The configuration and the outside world, for the sources of one resolution.

    ``clock``, ``sleep`` and ``transport`` are ``None`` for the defaults each
    source already has (the UTC clock, ``time.sleep``, the package's HTTP
    client); tests pass their own.
    """

    __slots__ = ("cache", "clock", "config", "sleep", "transport")

    def __init__(
        self,
        config: SessionConfig,
        *,
        cache: Optional[Dict[str, Any]] = None,
        clock: Optional[Callable[[], Any]] = None,
        sleep: Optional[Callable[[float], None]] = None,
        transport: Optional[Callable[..., Any]] = None,
    ) -> None:
        self.config = config
        #: Assumed-role / SSO credentials cached per resolver, as botocore does.
        self.cache: Dict[str, Any] = {} if cache is None else cache
        self.clock = clock
        self.sleep = sleep
        self.transport = transport

    def hooks(self) -> Dict[str, Any]:
        """The hooks that are set, as keyword arguments for a network source."""
        found = {"clock": self.clock, "sleep": self.sleep, "transport": self.transport}
        return {name: value for name, value in found.items() if value is not None}
