"""The ``login_session`` profile key (``aws login``; spec section 10).

botocore refreshes these credentials with a DPoP proof signed with ES256
(ECDSA over P-256), which needs ``awscrt``; without it botocore raises
``MissingDependencyException``.  The standard library has no elliptic-curve
signing, so this provider always does what botocore does without ``awscrt``:
it stops the chain with :class:`MissingDependencyError`.
"""

from __future__ import annotations

from .._config.session import SessionConfig
from .._config.settings import provider_profile_name
from .._source_errors import MissingDependencyError

TYPE_CHECKING = False  # typing itself costs milliseconds to import
if TYPE_CHECKING:  # pragma: no cover
    from typing import Any, Callable, Mapping, Optional

    from .context import SourceContext

__all__ = ["LoginProvider"]

_MESSAGE = (
    "Using the login credential provider requires an additional dependency. "
    'You will need to pip install "botocore[crt]" before proceeding. '
    "(bedrock-token-lite cannot refresh login sessions either: they need ES256 (P-256 ECDSA) "
    "DPoP proofs, which the Python standard library cannot sign. Profile %r has "
    "login_session = %s; use a profile with sso_session (aws sso login), role_arn, "
    "credential_process or static keys instead, or pass credentials explicitly.)"
)


class LoginProvider:
    """botocore's ``LoginProvider`` without ``awscrt``.

    ``load()`` returns ``None`` unless the profile has ``login_session``, and
    then raises :class:`MissingDependencyError`, which stops the chain as in
    botocore.  The chain builds it with :meth:`from_context`.
    """

    METHOD = "login"

    def __init__(
        self,
        *,
        load_config: Callable[[], Mapping[str, Any]],
        profile_name: Optional[str] = None,
        environ: Optional[Mapping[str, str]] = None,
        home: Optional[str] = None,
        explicit_profile: bool = False,
    ) -> None:
        self._setup(
            SessionConfig.for_provider(
                load_config,
                profile_name=profile_name,
                environ=environ,
                home=home,
                explicit_profile=explicit_profile,
            ),
            None,
        )

    @classmethod
    def from_context(
        cls, ctx: SourceContext, *, profile_name: Optional[str] = None
    ) -> LoginProvider:
        """The chain's provider: of the session profile, or of a ``source_profile``."""
        provider = cls.__new__(cls)
        provider._setup(ctx.config, profile_name)
        return provider

    def _setup(self, config: SessionConfig, profile_name: Optional[str]) -> None:
        self._config = config
        self._profile_name = (
            config.profile_name if profile_name is None else provider_profile_name(profile_name)
        )

    def load(self) -> None:
        profiles = self._config.load_config().get("profiles") or {}
        profile = profiles.get(self._profile_name, {})
        if "login_session" not in profile:
            return None
        raise MissingDependencyError(_MESSAGE % (self._profile_name, profile["login_session"]))
