"""Session-level configuration, as botocore's ``Session`` resolves it.

One :class:`SessionConfig` answers what a botocore session answers before any
credential provider runs: which profile is selected (and whether it was
explicit), where the two shared files are, the merged "full config" of both
files, the selected profile's scoped config, and config variables looked up
in botocore's order (explicit value, environment variable, profile key,
default).

Everything reads an injectable ``environ`` and ``home`` (defaults: the process
environment and the real home directory).
"""

from __future__ import annotations

import os

from .._errors import (
    ConfigNotFound,
    InvalidConfigError,
    InvalidIMDSEndpointModeError,
    ProfileNotFound,
)
from .ini import copy_tree, read_cached
from .settings import (
    CONFIG_VARIABLES,
    check_imds_endpoint,
    ensure_boolean,
    provider_profile_name,
    setting,
)

TYPE_CHECKING = False  # typing itself costs milliseconds to import
if TYPE_CHECKING:  # pragma: no cover
    from typing import Any, Callable, Dict, Mapping, Optional, Tuple

__all__ = ["SessionConfig"]


_PROFILE_HINT = (
    "Add a [profile %s] section to the config file (%s) or a [%s] section to the "
    "credentials file (%s), or choose another profile"
)


class SessionConfig:
    """The configuration one botocore ``Session(profile=...)`` would see.

    ``profile`` is an explicit profile name (``Session(profile=...)``): it
    wins over ``AWS_DEFAULT_PROFILE`` / ``AWS_PROFILE`` and makes
    :attr:`explicit_profile` true, which removes the environment provider
    from the chain.  The merged :attr:`full_config` is cached once it parses.

    :meth:`for_provider` builds the configuration a credential provider sees
    when it is constructed directly with botocore's keyword arguments.
    """

    def __init__(
        self,
        profile: Optional[str] = None,
        *,
        environ: Optional[Mapping[str, str]] = None,
        home: Optional[str] = None,
    ) -> None:
        self.environ: Mapping[str, str] = os.environ if environ is None else environ
        self.home: Optional[str] = home
        self._instance: Dict[str, Any] = {}
        if profile is not None:
            self._instance["profile"] = profile
        self._full_config: Optional[Dict[str, Any]] = None
        #: (kind, path) -> parsed file or the exception reading it raised: each file is
        #: read (one stat, at most one parse) once per configuration.
        self._files: Dict[Tuple[str, str], Any] = {}
        self._memo: Dict[str, Any] = {}
        #: Set by :meth:`for_provider` only: the caller's ``load_config`` and choices.
        self._loader: Optional[Callable[[], Mapping[str, Any]]] = None
        self._provider_profile: Optional[str] = None
        self._explicit: Optional[bool] = None

    @classmethod
    def for_provider(
        cls,
        load_config: Optional[Callable[[], Mapping[str, Any]]] = None,
        *,
        profile_name: Optional[str] = None,
        environ: Optional[Mapping[str, str]] = None,
        home: Optional[str] = None,
        explicit_profile: bool = False,
    ) -> SessionConfig:
        """The session a provider built with botocore's keyword arguments stands for.

        :meth:`load_config` calls ``load_config`` (``None``: no configuration,
        ``{}``) every time, as botocore's providers do, and :attr:`full_config`
        is what the last call returned (the nested clients' view of the
        session).  :attr:`profile_name` is ``profile_name`` (else ``default``;
        the environment is not consulted) and :attr:`explicit_profile` is
        ``explicit_profile``.  Only these, :attr:`environ` and :attr:`home`
        mean anything for such a configuration.
        """
        config = cls(environ=environ, home=home)
        config._loader = _no_config if load_config is None else load_config
        config._provider_profile = provider_profile_name(profile_name)
        config._explicit = explicit_profile
        return config

    # -- variables -----------------------------------------------------------------

    @property
    def explicit_profile(self) -> bool:
        """True when the profile name came from the caller, not from the environment."""
        if self._explicit is not None:
            return self._explicit
        return self._instance.get("profile") is not None

    @property
    def profile(self) -> Optional[str]:
        """The ``profile`` variable: explicit, ``AWS_DEFAULT_PROFILE``, ``AWS_PROFILE``, None.

        Read from the environment once per configuration, like its files.
        """
        value: Optional[str] = self._memo_variable("profile")
        return value

    @property
    def profile_name(self) -> str:
        """The profile the providers use: :attr:`profile` or ``"default"``.

        See :func:`provider_profile_name` for the empty-string rules.
        """
        if self._provider_profile is not None:
            return self._provider_profile
        return provider_profile_name(self.profile)

    def set_config_variable(self, name: str, value: Any) -> None:
        """An explicit value for ``name``, as botocore's ``Session.set_config_variable``."""
        self._instance[name] = value
        self._memo.pop(name, None)

    def get_config_variable(self, name: str) -> Any:
        """Look a variable up as botocore: instance value, env vars (set counts), profile, default.

        A lookup that reaches the profile key parses both files (``ConfigParseError``)
        and checks the selected profile exists (``ProfileNotFound``).
        """
        env_vars, key, default, convert = CONFIG_VARIABLES[name]
        value: Any = self._instance.get(name)
        if value is None:
            environ = self.environ
            for var in env_vars:
                value = environ.get(var)  # one lookup: set (even empty) is not None
                if value is not None:
                    break
        if value is None and key is not None:
            scoped = self.scoped_config()
            if convert is ensure_boolean:  # botocore's rule makes a block False
                value = scoped.get(key)
            else:
                value = setting(scoped, key, 'profile "%s"' % (self.profile_name,))
        if value is None:
            value = default
        if value is not None and convert is not None:
            value = convert(value)
        return value

    @property
    def config_file(self) -> str:
        """The config file path before expansion (``AWS_CONFIG_FILE`` or ``~/.aws/config``)."""
        value: str = self._memo_variable("config_file")
        return value

    @property
    def credentials_file(self) -> str:
        """The credentials file path before expansion."""
        value: str = self._memo_variable("credentials_file")
        return value

    def _memo_variable(self, name: str) -> Any:
        """A variable that never reads the files, looked up once per configuration."""
        memo = self._memo
        if name not in memo:
            memo[name] = self.get_config_variable(name)
        return memo[name]

    def expand(self, path: str) -> str:
        """``path`` with ``$VAR`` and ``~`` expanded against this configuration's env/home."""
        from .ini import expand_path

        return expand_path(path, self.environ, self.home)

    # -- files ---------------------------------------------------------------------

    @property
    def full_config(self) -> Dict[str, Any]:
        """Both files merged in botocore's shape.

        ``{"profiles": {...}, "sso_sessions": {...}, "services": {...}, <other sections>}``;
        every credentials-file section is a profile, merged over the config
        file's profile of the same name key by key (credentials file wins).
        """
        if self._full_config is None and self._loader is not None:
            self.load_config()
        if self._full_config is None:
            found = self._read("config", self.config_file)
            config = {"profiles": {}} if found is None else dict(found)
            creds = self._read("raw", self.credentials_file) or {}
            profiles = dict(config["profiles"])  # the parsed file itself stays untouched
            for name, values in creds.items():
                if name in profiles:
                    merged = dict(profiles[name])
                    merged.update(values)
                    profiles[name] = merged
                else:
                    profiles[name] = values
            config["profiles"] = profiles
            self._full_config = config
        return self._full_config

    def _read(self, kind: str, path: str) -> Optional[Dict[str, Any]]:
        """The parsed file (``None``: no such file), read once; a parse error is not kept."""
        key = (kind, path)
        files = self._files
        if key in files:
            found: Optional[Dict[str, Any]] = files[key]
            return found
        found = read_cached(path, self.environ, self.home, profile_map=kind == "config")
        files[key] = found
        return found

    def _read_or_raise(self, kind: str, path: str) -> Dict[str, Any]:
        found = self._read(kind, path)
        if found is None:
            raise ConfigNotFound(self.expand(path))
        return found

    def read_raw(self, path: str) -> Dict[str, Any]:
        """``raw_config_parse(path)`` over this configuration's env/home, read once per instance.

        The mapping is shared by every reader of this configuration: do not modify it.
        """
        return self._read_or_raise("raw", path)

    def read_config(self, path: str) -> Dict[str, Any]:
        """``load_config(path)`` (the profile map) like :meth:`read_raw`."""
        return self._read_or_raise("config", path)

    def load_config(self) -> Dict[str, Any]:
        """A deep copy of :attr:`full_config`, the ``load_config`` callable providers get.

        For :meth:`for_provider`, the injected ``load_config()`` itself, called each time.
        """
        if self._loader is not None:
            loaded: Dict[str, Any] = self._loader()  # type: ignore[assignment]
            self._full_config = loaded
            return loaded
        return copy_tree(self.full_config)

    def scoped_config(self) -> Dict[str, Any]:
        """The selected profile's merged settings.

        No profile selected: the ``default`` profile or ``{}``.  A selected
        profile (explicit or from the environment, even ``"default"`` or
        ``""``) that is in neither file raises :class:`ProfileNotFound`.
        """
        name = self.profile
        profiles: Dict[str, Any] = self.full_config["profiles"]
        if name is None:
            default: Dict[str, Any] = profiles.get("default", {})
            return default
        if name not in profiles:
            raise ProfileNotFound(
                name,
                _PROFILE_HINT
                % (
                    name,
                    self.expand(self.config_file),
                    name,
                    self.expand(self.credentials_file),
                )
                + (
                    " (set by AWS_DEFAULT_PROFILE or AWS_PROFILE)."
                    if not self.explicit_profile
                    else "."
                ),
            )
        scoped: Dict[str, Any] = profiles[name]
        return scoped

    # -- the eager phase -------------------------------------------------------------

    def imds_settings(self) -> Dict[str, Any]:
        """The lookups botocore makes while building the chain, in its order.

        Returns the instance-metadata settings.  Raises what botocore raises
        before any provider runs: ``ConfigParseError`` / ``ProfileNotFound``
        from the first lookup that falls through to the profile, ``ValueError``
        for a non-integer timeout or attempt count, and
        :class:`InvalidIMDSEndpointModeError` for an unknown endpoint mode.
        """
        timeout = self._int_variable("metadata_service_timeout")
        attempts = self._int_variable("metadata_service_num_attempts")
        endpoint = self.get_config_variable("ec2_metadata_service_endpoint")
        mode = self.get_config_variable("ec2_metadata_service_endpoint_mode")
        if mode is not None:
            if mode.lower() not in ("ipv4", "ipv6"):
                raise InvalidIMDSEndpointModeError(mode)
            mode = mode.lower()
        elif self.get_config_variable("imds_use_ipv6"):
            mode = "ipv6"
        else:
            mode = "ipv4"
        settings = {
            "metadata_service_timeout": timeout,
            "metadata_service_num_attempts": attempts,
            "ec2_metadata_service_endpoint": endpoint,
            "ec2_metadata_service_endpoint_mode": mode,
            "ec2_metadata_v1_disabled": self.get_config_variable("ec2_metadata_v1_disabled"),
        }
        if endpoint:  # the default endpoints are valid
            check_imds_endpoint(endpoint)
        return settings

    def _int_variable(self, name: str) -> int:
        try:
            value: int = self.get_config_variable(name)
        except (ValueError, TypeError) as e:  # int() of text, or of a nested block
            if type(e) not in (ValueError, TypeError):
                raise  # ConfigParseError and friends
            env_var = CONFIG_VARIABLES[name][0][0]
            raise InvalidConfigError(
                "%s is not a whole number (%s); set %s or the profile's %s to an integer"
                % (name, e, env_var, name)
            ) from None
        return value


def _no_config() -> Dict[str, Any]:
    """The configuration of a provider given no ``load_config``: nothing configured."""
    return {}
