"""Credentials from IAM Identity Center (SSO) profiles (spec section 8).

The access token comes from the AWS CLI's token cache
(``~/.aws/sso/cache/<sha1>.json``, written by ``aws sso login``); role
credentials come from the SSO portal's ``GetRoleCredentials``.  Profiles that
use an ``[sso-session]`` refresh an expiring token through SSO-OIDC
``CreateToken`` and write the cache file back the way botocore does.
"""

from __future__ import annotations

import os

from .._aws.client import ClientConfig
from .._aws.endpoints import custom_endpoint, service_endpoint, validate_region
from .._aws.rest_json import call_json
from .._common.credentials import Credentials
from .._common.dates import parse_timestamp
from .._common.dt import datetime, timedelta, timezone
from .._common.refresh import DeferredRefreshableCredentials
from .._config.session import SessionConfig
from .._config.settings import provider_profile_name, setting
from .._errors import InvalidConfigError, NaiveExpiryError
from .._source_errors import (
    ClientError,
    SSOResponseError,
    SSOTokenCacheError,
    SSOTokenLoadError,
    TokenRetrievalError,
    UnauthorizedSSOTokenError,
)
from .cache import CachedFetcher, response_of
from .context import CallHooks
from .sso_profile import has_sso_keys

TYPE_CHECKING = False  # typing itself costs milliseconds to import
if TYPE_CHECKING:  # pragma: no cover
    from typing import Any, Callable, Dict, Mapping, Optional, Tuple

    from .._aws.retries import Sleep, Transport
    from .._common.clock import Clock
    from .cache import CredentialCache
    from .context import SourceContext

__all__ = ["SSOProvider", "sso_cache_key", "sso_token_cache_path"]

#: A cached sso-session token is refreshed when fewer than this many seconds remain.
TOKEN_REFRESH_WINDOW_SECONDS = 15 * 60
_REQUIRED_KEYS = ("sso_role_name", "sso_account_id", "sso_start_url", "sso_region")
_UTC_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def sso_token_cache_path(cache_dir: str, start_url: str, session_name: Optional[str]) -> str:
    """The token cache file botocore reads: sha1 of the session name, else of the start URL."""
    import hashlib

    name = session_name if session_name is not None else start_url
    digest = hashlib.sha1(name.encode("utf-8")).hexdigest()  # noqa: S324
    return os.path.join(cache_dir, digest + ".json")


def sso_cache_key(
    role_name: str, account_id: str, session_name: Optional[str], start_url: str
) -> str:
    """botocore's in-memory cache key of SSO role credentials."""
    import hashlib
    import json

    args: Dict[str, str] = {"roleName": role_name, "accountId": account_id}
    if session_name:
        args["sessionName"] = session_name
    else:
        args["startUrl"] = start_url
    text = json.dumps(args, sort_keys=True, separators=(",", ":"))
    return hashlib.sha1(text.encode("utf-8")).hexdigest()  # noqa: S324


def _load_token(cache_dir: str, start_url: str, session_name: Optional[str]) -> Dict[str, Any]:
    import json

    path = sso_token_cache_path(cache_dir, start_url, session_name)
    if not os.path.isfile(path):
        raise SSOTokenLoadError(
            "Token for %s does not exist (run: aws sso login%s)"
            % (
                session_name if session_name is not None else start_url,
                " --sso-session " + session_name if session_name is not None else "",
            )
        )
    try:
        with open(path) as handle:
            token = json.load(handle)
    except (OSError, ValueError, RecursionError) as exc:
        # botocore's JSONFileCache turns these into a bare KeyError of the hash: ours is
        # also a KeyError, with a message that names the file.
        reason = (
            "it cannot be read (%s)" % (exc.strerror or type(exc).__name__,)
            if isinstance(exc, OSError)
            else "it is not a JSON document"
        )
        raise SSOTokenCacheError(
            "the token cache file %s is unusable: %s; run aws sso login%s again"
            % (
                path,
                reason,
                " --sso-session " + session_name if session_name is not None else "",
            )
        ) from None
    if not isinstance(token, dict) or "accessToken" not in token or "expiresAt" not in token:
        raise SSOTokenLoadError("Token for %s is invalid" % (start_url,))
    return token


def _write_token(cache_dir: str, start_url: str, session_name: str, token: Dict[str, Any]) -> None:
    """Write the token file atomically (private temp file, then rename), as botocore does."""
    import json
    import tempfile

    def serialize(value: Any) -> Any:
        if isinstance(value, datetime):
            return value.strftime(_UTC_FORMAT)
        return value

    content = json.dumps(token, default=serialize)
    os.makedirs(cache_dir, exist_ok=True)
    fd, temp_path = tempfile.mkstemp(dir=cache_dir, suffix=".tmp")
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp_path, sso_token_cache_path(cache_dir, start_url, session_name))
    except BaseException:
        if os.path.exists(temp_path):
            os.unlink(temp_path)
        raise


def _aware(token: Mapping[str, Any], field: str) -> datetime:
    """A timestamp of the cached token; one without a time zone is botocore's TypeError, ours."""
    expiry = parse_timestamp(str(token[field]))
    if expiry.tzinfo is None:
        raise NaiveExpiryError(
            "can't compare offset-naive and offset-aware datetimes: the SSO token cache's %s "
            "has no time zone (Z or an offset); run aws sso login again" % (field,),
            source="SSO token cache",
        )
    return expiry


class SSOProvider(CallHooks):
    """botocore's ``SSOProvider`` for legacy and ``sso-session`` profiles.

    ``load()`` returns ``None`` unless the profile has ``sso_role_name`` or
    ``sso_account_id``; it raises ``InvalidConfigError`` for an incomplete or
    inconsistent configuration; otherwise it returns deferred refreshable
    credentials.  On first use the token is read from
    ``<home>/.aws/sso/cache`` (``token_cache_dir`` overrides) and
    ``GetRoleCredentials`` is called on the portal of ``sso_region``.

    ``session_profile_name`` names the profile whose client settings the SSO
    and SSO-OIDC calls use (default: ``profile_name``).  The chain builds it
    with :meth:`from_context`.
    """

    METHOD = "sso"

    def __init__(
        self,
        *,
        load_config: Callable[[], Mapping[str, Any]],
        profile_name: Optional[str] = None,
        environ: Optional[Mapping[str, str]] = None,
        home: Optional[str] = None,
        explicit_profile: bool = False,
        cache: Optional[CredentialCache] = None,
        session_profile_name: Optional[str] = None,
        token_cache_dir: Optional[str] = None,
        clock: Optional[Clock] = None,
        transport: Optional[Transport] = None,
        sleep: Optional[Sleep] = None,
    ) -> None:
        own = provider_profile_name(profile_name)
        config = SessionConfig.for_provider(
            load_config,
            profile_name=session_profile_name or own,
            environ=environ,
            home=home,
            explicit_profile=explicit_profile,
        )
        self._setup(config, own, cache, token_cache_dir)
        self._set_hooks(clock, transport, sleep)

    @classmethod
    def from_context(cls, ctx: SourceContext, *, profile_name: Optional[str] = None) -> SSOProvider:
        """The chain's provider: of the session profile, or of a ``source_profile``."""
        provider = cls.__new__(cls)
        own = None if profile_name is None else provider_profile_name(profile_name)
        provider._setup(ctx.config, own, ctx.cache, None)
        provider._set_hooks(ctx.clock, ctx.transport, ctx.sleep)
        return provider

    def _setup(
        self,
        config: SessionConfig,
        profile_name: Optional[str],
        cache: Optional[CredentialCache],
        token_cache_dir: Optional[str],
    ) -> None:
        #: The session: its profile is the one the SSO clients' settings come from.
        self._config = config
        #: The profile resolved: the session's, or a source profile's.
        self._profile_name = config.profile_name if profile_name is None else profile_name
        self.cache: CredentialCache = {} if cache is None else cache
        self._token_cache_dir = token_cache_dir

    @property
    def token_cache_dir(self) -> str:
        if self._token_cache_dir is not None:
            return self._token_cache_dir
        # ~ as every other path of this configuration expands it (an injected
        # environment's HOME, as botocore's os.path.expanduser reads the process's).
        return self._config.expand(os.path.join("~", ".aws", "sso", "cache"))

    def load(self) -> Optional[DeferredRefreshableCredentials]:
        config = self._config.load_config()
        profiles = config.get("profiles") or {}
        profile = profiles.get(self._profile_name, {})
        if not has_sso_keys(profile):
            return None
        sso_sessions = config.get("sso_sessions") or {}
        resolved, required = self._resolve_session(profile, sso_sessions)
        missing = [key for key in required if key not in resolved]
        if missing:
            raise InvalidConfigError(
                'The profile "%s" is configured to use SSO but is missing required '
                "configuration: %s" % (self._profile_name, ", ".join(missing))
            )
        client_config = ClientConfig.for_session(self._config)
        where = 'profile "%s" (or its sso-session)' % (self._profile_name,)
        role_name = str(setting(resolved, "sso_role_name", where))
        account_id = str(setting(resolved, "sso_account_id", where))
        start_url = str(setting(resolved, "sso_start_url", where))
        sso_region = str(setting(resolved, "sso_region", where))
        session_name = setting(resolved, "sso_session", where)
        key = sso_cache_key(role_name, account_id, session_name, start_url)
        token_source: Callable[[], str]
        if session_name is not None:

            def token_source() -> str:
                # Validated on first use, like botocore's SSOTokenProvider.
                return self._session_token_source(config, client_config)()

        else:

            def token_source() -> str:
                return self._legacy_token(start_url)

        def fetch() -> Dict[str, Any]:
            credentials = self._get_role_credentials(
                client_config, sso_region, role_name, account_id, token_source
            )
            return response_of(credentials, ProviderType="sso")

        refresh = CachedFetcher(key, fetch, self.cache, self._clock, method=self.METHOD)
        return DeferredRefreshableCredentials(refresh, method=self.METHOD, clock=self._clock)

    # -- configuration -------------------------------------------------------

    def _resolve_session(
        self, profile: Mapping[str, Any], sso_sessions: Mapping[str, Mapping[str, Any]]
    ) -> Tuple[Dict[str, Any], Tuple[str, ...]]:
        name = setting(profile, "sso_session", 'profile "%s"' % (self._profile_name,))
        if name is None:
            return dict(profile), _REQUIRED_KEYS
        if name not in sso_sessions:
            raise InvalidConfigError('The specified sso-session does not exist: "%s"' % (name,))
        merged = dict(profile)
        section = sso_sessions[name]
        for key in _REQUIRED_KEYS:
            setting(section, key, 'sso-session "%s"' % (name,))
        for key, value in section.items():
            if merged.get(key, value) != value:
                raise InvalidConfigError(
                    "The value for %s is inconsistent between profile (%s) and sso-session (%s)."
                    % (key, merged[key], value)
                )
            merged[key] = value
        return merged, (*_REQUIRED_KEYS, "sso_session")

    # -- tokens --------------------------------------------------------------

    def _legacy_token(self, start_url: str) -> str:
        token = _load_token(self.token_cache_dir, start_url, None)
        expiry = _aware(token, "expiresAt")
        if (expiry - self._clock()).total_seconds() <= 0:
            raise UnauthorizedSSOTokenError()
        return str(token["accessToken"])

    def _session_token_source(
        self, config: Mapping[str, Any], client_config: ClientConfig
    ) -> Callable[[], str]:
        """botocore's ``SSOTokenProvider``: validated against the sso-session section itself."""
        profiles = config.get("profiles") or {}
        owner = self._config.profile_name
        if "sso_session" not in profiles.get(owner, {}):
            owner = self._profile_name
        session_name = setting(profiles.get(owner, {}), "sso_session", 'profile "%s"' % (owner,))
        section = (config.get("sso_sessions") or {}).get(session_name)
        if not section:
            raise InvalidConfigError(
                'The profile "%s" is configured to use the SSO token provider but the "%s" '
                "sso_session configuration does not exist." % (owner, session_name)
            )
        missing = [key for key in ("sso_start_url", "sso_region") if key not in section]
        if missing:
            raise InvalidConfigError(
                'The profile "%s" is configured to use the SSO token provider but is missing '
                "the following configuration: %r." % (owner, missing)
            )
        where = 'sso-session "%s"' % (session_name,)
        start_url = str(setting(section, "sso_start_url", where))
        region = str(setting(section, "sso_region", where))
        name = str(session_name)

        def token_source() -> str:
            token, expiry = self._refreshed_session_token(client_config, name, start_url, region)
            if (expiry - self._clock()).total_seconds() <= 0:
                raise TokenRetrievalError("sso", "Token has expired and refresh failed")
            return token

        return token_source

    def _refreshed_session_token(
        self, client_config: ClientConfig, session_name: str, start_url: str, region: str
    ) -> Tuple[str, datetime]:
        cache_dir = self.token_cache_dir
        token = _load_token(cache_dir, start_url, session_name)
        expiry = _aware(token, "expiresAt")
        if (expiry - self._clock()).total_seconds() < TOKEN_REFRESH_WINDOW_SECONDS:
            fresh = self._create_token(client_config, token, start_url, region)
            if fresh is not None:
                _write_token(cache_dir, start_url, session_name, fresh)
                return str(fresh["accessToken"]), fresh["expiresAt"]
        return str(token["accessToken"]), expiry

    def _create_token(
        self, client_config: ClientConfig, token: Mapping[str, Any], start_url: str, region: str
    ) -> Optional[Dict[str, Any]]:
        import json

        if any(
            key not in token
            for key in ("refreshToken", "clientId", "clientSecret", "registrationExpiresAt")
        ):
            return None
        registration_expiry = _aware(token, "registrationExpiresAt")
        if (registration_expiry - self._clock()).total_seconds() <= 0:
            return None
        endpoint = _endpoint(client_config, "sso-oidc", "oidc", "oidc-fips", region)
        body = json.dumps(
            {
                "grantType": "refresh_token",
                "clientId": token["clientId"],
                "clientSecret": token["clientSecret"],
                "refreshToken": token["refreshToken"],
            }
        ).encode("utf-8")
        try:
            answer = call_json(
                "CreateToken",
                "POST",
                endpoint.rstrip("/") + "/token",
                config=client_config,
                service="sso-oidc",
                headers=[("Content-Type", "application/json")],
                body=body,
                transport=self._transport,
                sleep=self._sleep,
            )
        except ClientError:
            return None  # botocore logs and keeps the cached token
        fresh: Dict[str, Any] = {
            "startUrl": start_url,
            "region": region,
            "accessToken": _answer_token(answer),
            "expiresAt": self._clock() + _answer_lifetime(answer),
            "clientId": token["clientId"],
            "clientSecret": token["clientSecret"],
            "registrationExpiresAt": token["registrationExpiresAt"],
        }
        if "refreshToken" in answer:
            fresh["refreshToken"] = answer["refreshToken"]
        return fresh

    # -- GetRoleCredentials --------------------------------------------------

    def _get_role_credentials(
        self,
        client_config: ClientConfig,
        sso_region: str,
        role_name: str,
        account_id: str,
        token_source: Callable[[], str],
    ) -> Credentials:
        from .. import sigv4

        endpoint = _endpoint(client_config, "sso", "portal.sso", "portal.sso-fips", sso_region)
        access_token = token_source()
        url = "%s/federation/credentials?role_name=%s&account_id=%s" % (
            endpoint.rstrip("/"),
            sigv4.uri_encode(role_name),
            sigv4.uri_encode(account_id),
        )
        try:
            answer = call_json(
                "GetRoleCredentials",
                "GET",
                url,
                config=client_config,
                service="sso",
                headers=[("x-amz-sso_bearer_token", access_token)],
                transport=self._transport,
                sleep=self._sleep,
            )
        except ClientError as exc:
            if exc.code == "UnauthorizedException":
                raise UnauthorizedSSOTokenError() from None
            raise
        role = answer.get("roleCredentials")
        if not isinstance(role, dict):
            raise ClientError(
                "InvalidResponse",
                "the answer has no roleCredentials object",
                "GetRoleCredentials",
            )
        expiry = _role_expiry(role.get("expiration"))
        problem = "expiration (milliseconds since 1970)" if expiry is None else None
        for field in ("accessKeyId", "secretAccessKey", "sessionToken"):
            value = role.get(field)
            # botocore reads the three keys; a null session token is no session token
            null_token = field == "sessionToken" and field in role and value is None
            if problem is None and not isinstance(value, str) and not null_token:
                problem = field
        if problem is not None:
            raise ClientError(
                "InvalidResponse",
                "roleCredentials lacks a usable %s" % (problem,),
                "GetRoleCredentials",
            )
        return Credentials(
            role["accessKeyId"],
            role["secretAccessKey"],
            role["sessionToken"],
            expiry,
            account_id=account_id,
            method=self.METHOD,
        )


def _role_expiry(millis: Any) -> Optional[datetime]:
    """``roleCredentials.expiration`` (a JSON number of milliseconds) as a UTC time, else None."""
    if isinstance(millis, bool) or not isinstance(millis, (int, float)):
        return None
    try:
        moment = datetime.fromtimestamp(millis / 1000.0, timezone.utc)
    except (OverflowError, OSError, ValueError):  # past the OS clock, a float, or datetime
        return None
    return moment.replace(microsecond=0)


def _answer_token(answer: Mapping[str, Any]) -> str:
    """The ``accessToken`` of a CreateToken answer (botocore: a bare ``KeyError`` without one)."""
    token = answer.get("accessToken")
    if not isinstance(token, str) or not token:
        raise SSOResponseError(
            "the SSO-OIDC CreateToken answer has %s accessToken; run aws sso login again"
            % ("no" if token is None else "an unusable")
        )
    return token


def _answer_lifetime(answer: Mapping[str, Any]) -> timedelta:
    """The ``expiresIn`` of a CreateToken answer as a duration (seconds, a JSON number)."""
    seconds = answer.get("expiresIn")
    lifetime: Optional[timedelta] = None
    if isinstance(seconds, (int, float)) and not isinstance(seconds, bool):
        try:
            lifetime = timedelta(seconds=seconds)
        except (OverflowError, ValueError):  # huge, infinite or NaN
            lifetime = None
    if lifetime is None or lifetime.total_seconds() < 0:
        # Raised outside the handler: nothing of the answer is kept as __context__.
        raise SSOResponseError(
            "the SSO-OIDC CreateToken answer has %s expiresIn (seconds); run aws sso login again"
            % ("no" if seconds is None else "an unusable")
        )
    return lifetime


def _endpoint(
    config: ClientConfig, service_id: str, host_prefix: str, fips_prefix: str, region: str
) -> str:
    validate_region(region)
    config.check_client()  # botocore creates the client here, before the token is read
    custom = custom_endpoint(config, service_id)
    if custom is not None:
        return custom
    return service_endpoint(
        host_prefix,
        fips_prefix,
        region,
        use_fips=config.use_fips,
        use_dualstack=config.use_dualstack,
    )
