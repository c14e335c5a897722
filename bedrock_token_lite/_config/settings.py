"""The one settings table: every setting botocore reads that the chain and its clients use.

:data:`CONFIG_VARIABLES` is botocore 1.44's session-variable table
(``configprovider.BOTOCORE_DEFAUT_SESSION_VARIABLES``), limited to what the
credential chain, its AWS clients and region resolution read.  Every reader
goes through it: :class:`~.session.SessionConfig` (the session's lookups),
:class:`~bedrock_token_lite._aws.client.ClientConfig` (the nested clients'),
and the sources that read a profile handed to them (:func:`lookup`).  The
value rules botocore applies to settings live here too: the boolean rule, the
IMDS endpoint rule, and which profile the providers read.
"""

from __future__ import annotations

from .._errors import InvalidIMDSEndpointError, NestedValueError

TYPE_CHECKING = False  # typing itself costs milliseconds to import
if TYPE_CHECKING:  # pragma: no cover
    from typing import Any, Callable, Dict, Mapping, Optional, Tuple

__all__ = [
    "CONFIG_VARIABLES",
    "check_imds_endpoint",
    "ensure_boolean",
    "is_valid_uri",
    "lookup",
    "provider_profile_name",
    "setting",
]


def ensure_boolean(value: Any) -> bool:
    """botocore's ``ensure_boolean``: bools as is, ``str.lower() == "true"``, else False."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return value.lower() == "true"
    return False


def _ipv6_pattern() -> str:
    """RFC 3986 ``IPv6address`` (section 3.2.2), written out from its ABNF."""
    h16 = "[0-9A-Fa-f]{1,4}"
    ipv4 = r"(?:[0-9]{1,3}\.){3}[0-9]{1,3}"  # as botocore: any 1-3 digits per octet
    ls32 = "(?:%s:%s|%s)" % (h16, h16, ipv4)

    def left(n: int) -> str:  # up to n "h16:" groups then h16, before "::"
        return "" if n < 0 else "(?:(?:%s:){0,%d}%s)?" % (h16, n, h16)

    forms = [
        "(?:%s:){6}%s" % (h16, ls32),
        "::(?:%s:){5}%s" % (h16, ls32),
        "%s::(?:%s:){4}%s" % ("(?:%s)?" % h16, h16, ls32),
        "%s::(?:%s:){3}%s" % (left(1), h16, ls32),
        "%s::(?:%s:){2}%s" % (left(2), h16, ls32),
        "%s::%s:%s" % (left(3), h16, ls32),
        "%s::%s" % (left(4), ls32),
        "%s::%s" % (left(5), h16),
        "%s::" % (left(6),),
    ]
    return "(?:%s)" % "|".join(forms)


def is_valid_uri(url: str) -> bool:
    """Whether botocore accepts ``url`` as an IMDS endpoint (a host name or bracketed IPv6).

    Raises ``ValueError`` where ``urllib.parse.urlsplit`` does (a bracketed host
    that is not an IP address), as botocore lets that escape too.
    """
    import re
    from urllib.parse import urlsplit

    if set("\t\r\n") & set(url):
        return False
    host = urlsplit(url).hostname
    if host is None:
        return False
    label = "(?!-)[A-Za-z0-9-]{1,63}(?<!-)"
    name = host[:-1] if host.endswith(".") else host
    if len(host) <= 255 and name and re.match(r"^(?:%s\.)*%s$" % (label, label), name):
        return True
    zone = r"(?:%25|%)(?:[A-Za-z0-9._!\-~]|%[A-Fa-f0-9]{2})+"
    return re.match(r"^\[%s(?:%s)?\]$" % (_ipv6_pattern(), zone), "[%s]" % host) is not None


def check_imds_endpoint(url: str) -> None:
    """Raise :class:`InvalidIMDSEndpointError` unless :func:`is_valid_uri` accepts ``url``.

    The ``ValueError`` botocore lets escape from ``urlsplit`` (a bracketed host
    that is not an IP address) is reported as the same error, which is also a
    ``ValueError``.
    """
    try:
        valid = is_valid_uri(url)
    except ValueError:
        valid = False
    if not valid:
        raise InvalidIMDSEndpointError(url)


if TYPE_CHECKING:  # pragma: no cover
    _Conv = Optional[Callable[[Any], Any]]

#: logical name → (environment variables in order, profile key, default, conversion).
#: botocore 1.44's table (configprovider ``BOTOCORE_DEFAUT_SESSION_VARIABLES``), limited
#: to what the credential chain and region resolution read.
CONFIG_VARIABLES: Dict[str, Tuple[Tuple[str, ...], Optional[str], Any, _Conv]] = {
    "profile": (("AWS_DEFAULT_PROFILE", "AWS_PROFILE"), None, None, None),
    "region": (("AWS_DEFAULT_REGION",), "region", None, None),
    "config_file": (("AWS_CONFIG_FILE",), None, "~/.aws/config", None),
    "credentials_file": (("AWS_SHARED_CREDENTIALS_FILE",), None, "~/.aws/credentials", None),
    "metadata_service_timeout": (
        ("AWS_METADATA_SERVICE_TIMEOUT",),
        "metadata_service_timeout",
        1,
        int,
    ),
    "metadata_service_num_attempts": (
        ("AWS_METADATA_SERVICE_NUM_ATTEMPTS",),
        "metadata_service_num_attempts",
        1,
        int,
    ),
    "ec2_metadata_service_endpoint": (
        ("AWS_EC2_METADATA_SERVICE_ENDPOINT",),
        "ec2_metadata_service_endpoint",
        None,
        None,
    ),
    "ec2_metadata_service_endpoint_mode": (
        ("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE",),
        "ec2_metadata_service_endpoint_mode",
        None,
        None,
    ),
    "imds_use_ipv6": (("AWS_IMDS_USE_IPV6",), "imds_use_ipv6", False, ensure_boolean),
    "ec2_metadata_v1_disabled": (
        ("AWS_EC2_METADATA_V1_DISABLED",),
        "ec2_metadata_v1_disabled",
        False,
        ensure_boolean,
    ),
    "sts_regional_endpoints": (
        ("AWS_STS_REGIONAL_ENDPOINTS",),
        "sts_regional_endpoints",
        "regional",
        None,
    ),
    "use_fips_endpoint": (("AWS_USE_FIPS_ENDPOINT",), "use_fips_endpoint", None, ensure_boolean),
    "use_dualstack_endpoint": (
        ("AWS_USE_DUALSTACK_ENDPOINT",),
        "use_dualstack_endpoint",
        None,
        ensure_boolean,
    ),
    "ignore_configured_endpoint_urls": (
        ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",),
        "ignore_configured_endpoint_urls",
        None,
        ensure_boolean,
    ),
    "max_attempts": (("AWS_MAX_ATTEMPTS",), "max_attempts", None, int),
    "retry_mode": (("AWS_RETRY_MODE",), "retry_mode", "standard", None),
    "ca_bundle": (("AWS_CA_BUNDLE",), "ca_bundle", None, None),
    # Not session variables in botocore: AssumeRoleWithWebIdentityProvider maps these
    # three profile keys to their variables itself (_CONFIG_TO_ENV_VAR), same lookup rule.
    "web_identity_token_file": (
        ("AWS_WEB_IDENTITY_TOKEN_FILE",),
        "web_identity_token_file",
        None,
        None,
    ),
    "role_arn": (("AWS_ROLE_ARN",), "role_arn", None, None),
    "role_session_name": (("AWS_ROLE_SESSION_NAME",), "role_session_name", None, None),
    # Ours, not botocore's (which waits for a helper forever): how long credential_process
    # may run, in seconds or as 15m / 1h30m; 0 means no limit. bedrock-token --process-timeout
    # sets it on the session configuration, which wins over the variable.
    "credential_process_timeout": (("BEDROCK_TOKEN_PROCESS_TIMEOUT",), None, None, None),
}


def setting(section: Mapping[str, Any], key: str, where: str, default: Any = None) -> Any:
    """``section[key]`` (else ``default``), the one way a setting is read from a section.

    The INI reader turns an indented block under a key into a sub-section (a
    dict), as botocore's does; where a value is expected, botocore then fails
    with a bare ``TypeError`` or ``AttributeError``.  Here that is
    :class:`NestedValueError` (also both of those), naming the key and
    ``where`` (``profile "p"``, ``sso-session "s"``).  Only keys that really
    hold sub-sections (``s3``, a ``services`` section's entries) are read
    otherwise.
    """
    value = section.get(key, default)
    if isinstance(value, dict):
        raise NestedValueError(key, where)
    return value


def provider_profile_name(
    profile: Optional[str] = None,
    environ: Optional[Mapping[str, str]] = None,
    *,
    skip_empty: bool = False,
) -> str:
    """The profile the credential providers read, picked as botocore's chain picks it.

    botocore's ``create_credential_resolver`` uses
    ``session.get_config_variable("profile") or "default"``.  The ``profile``
    variable is the explicit name when it is not None, else (with ``environ``)
    the first of ``AWS_DEFAULT_PROFILE``, ``AWS_PROFILE`` that is *set*, else
    None.  The empty-string rules that follow:

    * an explicit ``profile=""`` wins over the environment (and, being
      explicit, still removes the environment provider from the chain);
    * ``AWS_DEFAULT_PROFILE=""`` is set, so it hides ``AWS_PROFILE``;
      ``AWS_PROFILE=""`` alone selects "" too;
    * the providers read ``default`` for a selected "" (the ``or``), while the
      session's own lookups (:meth:`SessionConfig.scoped_config`) look for a
      profile named "" and raise ``ProfileNotFound`` when there is none.

    The file and process providers given an explicit name use it verbatim,
    as botocore's do; they call this only when they are given none.

    ``skip_empty=True`` is :class:`ProcessProvider`'s own documented default
    (botocore's takes no default): the first *non-empty* variable, so
    ``AWS_DEFAULT_PROFILE=""`` falls through to ``AWS_PROFILE``.
    """
    if profile is None and environ is not None:
        for var in CONFIG_VARIABLES["profile"][0]:
            profile = environ.get(var)
            if profile is not None and (profile or not skip_empty):
                break
    return profile or "default"


def lookup(
    name: str,
    environ: Mapping[str, str],
    profile: Mapping[str, Any],
    *,
    convert: bool = False,
    profile_name: Optional[str] = None,
) -> Any:
    """A setting as botocore looks it up: a *set* env var, then the profile key, then the default.

    ``profile`` is the section the caller reads (its own profile's keys),
    ``profile_name`` its name for messages.  With ``convert``, the table's
    conversion is applied to a found value.
    """
    env_vars, key, default, conversion = CONFIG_VARIABLES[name]
    value: Any = None
    for var in env_vars:
        if var in environ:
            value = environ[var]
            break
    else:
        if key is not None and key in profile:
            value = profile[key]
            if conversion is not ensure_boolean:  # botocore's rule makes a block False
                where = "the profile" if profile_name is None else 'profile "%s"' % (profile_name,)
                value = setting(profile, key, where)
    if value is None:
        return default
    if convert and conversion is not None:
        value = conversion(value)
    return value
