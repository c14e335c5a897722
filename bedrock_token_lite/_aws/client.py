"""The settings of botocore's nested clients, read from the environment and the session profile."""

from __future__ import annotations

import os
from collections.abc import Mapping as _AbcMapping

from .._config.settings import lookup, setting
from .._errors import InvalidConfigError
from .._source_errors import InvalidSTSRegionalEndpointsConfigError

TYPE_CHECKING = False  # typing itself costs milliseconds to import
if TYPE_CHECKING:  # pragma: no cover
    from typing import Any, Mapping, Optional

    from .._config.session import SessionConfig

__all__ = ["ClientConfig"]

_EMPTY_CA_BUNDLE = (
    "Invalid CA bundle: the configured value (ca_bundle, AWS_CA_BUNDLE, REQUESTS_CA_BUNDLE, "
    "or verify) resolved to an empty or whitespace-only string. Provide a valid path to a "
    "CA bundle file."
)


class ClientConfig:
    """The settings of botocore's nested clients, from the environment and the session profile.

    ``full_config`` is botocore's merged configuration shape
    (``{"profiles": {...}, "services": {...}, ...}``); ``profile_name`` is the
    *session's* profile (``None``: ``default`` when it exists).  ``region``
    overrides the session region (botocore's ``_last_client_region_used``).
    Every setting's environment variables, profile key, default and
    conversion come from ``CONFIG_VARIABLES``.  A credential source builds
    one from its session with :meth:`for_session`.
    """

    def __init__(
        self,
        *,
        environ: Optional[Mapping[str, str]] = None,
        full_config: Optional[Mapping[str, Any]] = None,
        profile_name: Optional[str] = None,
        region: Optional[str] = None,
    ) -> None:
        self.environ: Mapping[str, str] = os.environ if environ is None else environ
        self.full_config: Mapping[str, Any] = full_config or {}
        self.profile_name = profile_name
        self._region = region

    @classmethod
    def for_session(
        cls,
        config: SessionConfig,
        *,
        profile_name: Optional[str] = None,
        region: Optional[str] = None,
    ) -> ClientConfig:
        """The nested clients' settings of the session ``config``.

        They read the session's environment, its merged configuration and the
        *session's* profile (``profile_name`` overrides it), as botocore's
        ``session.create_client`` does, whichever profile the source resolves.
        """
        return cls(
            environ=config.environ,
            full_config=config.full_config,
            profile_name=config.profile_name if profile_name is None else profile_name,
            region=region,
        )

    @property
    def profile(self) -> Mapping[str, Any]:
        """The session profile's keys (empty when it does not exist)."""
        profiles = self.full_config.get("profiles") or {}
        section = profiles.get(self.profile_name or "default")
        return section if isinstance(section, _AbcMapping) else {}

    def variable(self, name: str, *, convert: bool = False) -> Any:
        """A ``CONFIG_VARIABLES`` setting: a *set* env var, then the session profile's key.

        ``convert`` applies the row's conversion to a found value.
        """
        return lookup(
            name,
            self.environ,
            self.profile,
            convert=convert,
            profile_name=self.profile_name or "default",
        )

    @property
    def region(self) -> Optional[str]:
        """The region of the nested STS client (spec section 18.1)."""
        if self._region is not None:
            return self._region
        value = self.variable("region")
        return None if value is None else str(value)

    @property
    def use_fips(self) -> bool:
        return bool(self.variable("use_fips_endpoint", convert=True))

    @property
    def use_dualstack(self) -> bool:
        return bool(self.variable("use_dualstack_endpoint", convert=True))

    @property
    def sts_regional_endpoints(self) -> str:
        """``legacy`` or ``regional``; a set but empty value means ``regional``, as in botocore."""
        value = self.variable("sts_regional_endpoints")
        if not value:
            return "regional"
        if value not in ("legacy", "regional"):
            raise InvalidSTSRegionalEndpointsConfigError(str(value))
        return str(value)

    @property
    def max_attempts(self) -> Optional[int]:
        value = self.variable("max_attempts")
        if value is None:
            return None
        try:
            return int(value)
        except ValueError:
            raise InvalidConfigError(
                "max_attempts must be a whole number, got %r (from AWS_MAX_ATTEMPTS or the "
                "profile's max_attempts)" % (value,)
            ) from None

    @property
    def retry_mode(self) -> str:
        """``AWS_RETRY_MODE`` / ``retry_mode``; ``standard`` by default (botocore 1.44)."""
        return str(self.variable("retry_mode"))

    @property
    def ca_bundle(self) -> Optional[str]:
        """The PEM file a client verifies TLS against; ``None``: the system trust store.

        ``AWS_CA_BUNDLE`` / ``ca_bundle``, else ``REQUESTS_CA_BUNDLE``, as
        botocore's ``EndpointCreator._get_verify_value``.  An empty or
        whitespace-only value raises :class:`InvalidConfigError`, as botocore
        does since 1.43.54.
        """
        value = self.variable("ca_bundle")
        if value is None:
            value = self.environ.get("REQUESTS_CA_BUNDLE")
        if value is None:
            return None
        if isinstance(value, str) and not value.strip():
            raise InvalidConfigError(_EMPTY_CA_BUNDLE)
        return str(value)

    @property
    def ignore_configured_endpoint_urls(self) -> bool:
        return bool(self.variable("ignore_configured_endpoint_urls", convert=True))

    def check_client(self) -> None:
        """Raise what botocore raises while it creates a client, before any request.

        An unknown retry mode, a ``max_attempts`` below 1 (botocore's
        ``InvalidMaxRetryAttemptsError`` message), then an empty CA bundle.
        Callers run this where botocore creates the nested client: after the
        region is validated and before the endpoint, the parameters or a token
        are looked at.
        """
        mode = self.retry_mode
        if mode not in ("legacy", "standard", "adaptive"):
            raise InvalidConfigError(
                "Invalid value %r for retry_mode (AWS_RETRY_MODE); use legacy, standard or "
                "adaptive" % (mode,)
            )
        attempts = self.max_attempts
        if attempts is not None and attempts < 1:
            raise InvalidConfigError(
                'Value provided to "max_attempts": %d must be an integer greater than or equal '
                "to 1." % (attempts,)
            )
        self.ca_bundle  # noqa: B018 (validates)

    def configured_endpoint(self, service_id: str) -> Optional[str]:
        """The configured endpoint URL for ``service_id`` (``sts``, ``sso``, ``sso-oidc``).

        botocore's ``ConfiguredEndpointProvider``: ``AWS_ENDPOINT_URL_<SERVICE>``,
        ``AWS_ENDPOINT_URL``, the profile's ``services`` section, then its
        ``endpoint_url``.
        """
        if self.ignore_configured_endpoint_urls:
            return None
        env_name = "AWS_ENDPOINT_URL_" + service_id.upper().replace("-", "_").replace(" ", "_")
        for name in (env_name, "AWS_ENDPOINT_URL"):
            value = self.environ.get(name)
            if value:
                return value
        services_name = self.profile.get("services")
        if services_name is not None:
            sections = self.full_config.get("services") or {}
            if services_name not in sections:
                raise InvalidConfigError(
                    'The profile is configured to use the services section but the "%s" '
                    "services configuration does not exist." % (services_name,)
                )
            nested = sections[services_name].get(
                service_id.lower().replace("-", "_").replace(" ", "_")
            )
            if isinstance(nested, _AbcMapping) and nested.get("endpoint_url"):
                return str(nested["endpoint_url"])
        where = 'profile "%s"' % (self.profile_name or "default",)
        value = setting(self.profile, "endpoint_url", where)
        return str(value) if value else None
