"""The pure core: credentials, region, expiry and an instant in, token out."""

from __future__ import annotations

from binascii import b2a_base64
from datetime import datetime, timedelta, timezone

from . import sigv4
from ._credentials import Credentials
from ._errors import InvalidParameterError

TYPE_CHECKING = False  # typing itself costs milliseconds to import
if TYPE_CHECKING:  # pragma: no cover
    from typing import Any, Optional, Tuple, Union

__all__ = ["DEFAULT_EXPIRY", "MAX_EXPIRY_SECONDS", "TOKEN_PREFIX", "generate_token"]

TOKEN_PREFIX = "bedrock-api-key-"
TOKEN_VERSION = "&Version=1"
BEDROCK_HOST = "bedrock.amazonaws.com"
SERVICE = "bedrock"
MAX_EXPIRY_SECONDS = 43200
DEFAULT_EXPIRY = timedelta(hours=12)

_LABEL_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-")
_valid_regions: set[str] = set()


def check_region(region: object) -> str:
    """Return ``region`` if it is a valid host label (botocore's client rule), else raise."""
    if region.__class__ is str and region in _valid_regions:
        return region  # type: ignore[return-value,unused-ignore]
    if not isinstance(region, str) or not region:
        raise InvalidParameterError(
            "Region must be a non-empty string such as 'us-east-1', got %r" % (region,)
        )
    if (
        len(region) > 63
        or not _LABEL_CHARS.issuperset(region)
        or region[0] == "-"
        or region[-1] == "-"
    ):
        raise InvalidParameterError(
            "Provided region_name %r doesn't match a supported format: a region is 1-63 "
            "letters, digits and inner hyphens, such as 'us-east-1'" % (region,)
        )
    if len(_valid_regions) < 256:
        _valid_regions.add(region)
    return region


def expiry_seconds(expiry: Union[timedelta, int, float]) -> int:
    """Whole seconds in ``expiry`` (1..43200), truncated as the official generator does."""
    if isinstance(expiry, timedelta):
        seconds = expiry.total_seconds()
    elif isinstance(expiry, bool) or not isinstance(expiry, (int, float)):
        raise InvalidParameterError(
            "Token expiry must be a datetime.timedelta or a number of seconds, got %s"
            % type(expiry).__name__
        )
    elif isinstance(expiry, int):
        # Clamped first: float() of a huge int raises OverflowError.
        seconds = float(min(max(expiry, -1), MAX_EXPIRY_SECONDS + 1))
    else:
        seconds = float(expiry)
    if not 0 < seconds <= MAX_EXPIRY_SECONDS:
        raise InvalidParameterError(
            "Token expiry must be greater than zero and less than or equal to 12 hours "
            "(43200 seconds), got %r seconds" % (expiry if isinstance(expiry, int) else seconds,)
        )
    whole = int(seconds)
    if whole < 1:
        raise InvalidParameterError(
            "Token expiry must be at least 1 second: %r seconds truncates to 0, which "
            "would make a token that is already expired" % (seconds,)
        )
    return whole


def credential_values(credentials: Any) -> Tuple[str, str, Optional[str]]:
    """(access key, secret key, token) from a single snapshot of ``credentials``."""
    if credentials is None:
        raise InvalidParameterError("Credentials cannot be None")
    try:
        access_key, secret_key, token = sigv4._credential_values(credentials)
    except TypeError as exc:
        raise InvalidParameterError(str(exc)) from None
    if not access_key:
        raise InvalidParameterError("credentials have an empty access key id")
    if not secret_key:
        raise InvalidParameterError("credentials have an empty secret access key")
    return access_key, secret_key, token


def generate_token(
    credentials: Any,
    region: str,
    *,
    expiry: Union[timedelta, int, float] = DEFAULT_EXPIRY,
    now: Optional[datetime] = None,
) -> str:
    """Return a Bedrock short-term API key for ``credentials`` in ``region``.

    ``credentials`` is anything with ``access_key``, ``secret_key`` and ``token``
    (ours or botocore's); botocore refreshable credentials are read once through
    ``get_frozen_credentials()``.  ``expiry`` is a timedelta or whole seconds,
    1 to 43200.  ``now`` (timezone-aware) is the signing instant, default the
    current time.

    The result is byte-identical to the official generator's: the presigned
    ``POST https://bedrock.amazonaws.com/?Action=CallWithBearerToken`` without
    its scheme, plus ``&Version=1``, base64-encoded, after ``bedrock-api-key-``.
    """
    if credentials.__class__ is Credentials:  # validated at construction: skip the checks
        access_key = credentials.access_key
        secret_key = credentials.secret_key
        token = credentials.token
        if not access_key or not secret_key:
            access_key, secret_key, token = credential_values(credentials)
    else:
        access_key, secret_key, token = credential_values(credentials)
    if region.__class__ is not str or region not in _valid_regions:
        region = check_region(region)
    expires = 43200 if expiry is DEFAULT_EXPIRY else expiry_seconds(expiry)
    if now is None:
        now = datetime.now(timezone.utc)
    elif now.__class__ is not datetime or now.tzinfo is not timezone.utc:
        now = _signing_instant(now)
    amz_date = "%04d%02d%02dT%02d%02d%02dZ" % (
        now.year,
        now.month,
        now.day,
        now.hour,
        now.minute,
        now.second,
    )
    date = amz_date[:8]
    head = _QUERY_HEAD % (_encoded(access_key), date, region, amz_date, expires)
    # Canonical order sorts X-Amz-Security-Token before X-Amz-SignedHeaders;
    # the URL (botocore's order) puts it after.  Each string is one format pass.
    if token is None:
        canonical_request = _CANONICAL % head
    else:
        encoded_token = _encoded(token)
        canonical_request = _CANONICAL_WITH_TOKEN % (head, encoded_token)
    sha256 = _primitives or _load_primitives()
    string_to_sign = "AWS4-HMAC-SHA256\n%s\n%s/%s/bedrock/aws4_request\n%s" % (
        amz_date,
        date,
        region,
        sha256(canonical_request.encode()).hexdigest(),
    )
    mac = _signing_mac(access_key, secret_key, date, region).copy()
    mac.update(string_to_sign.encode())
    if token is None:
        url = _URL % (head, mac.hexdigest())
    else:
        url = _URL_WITH_TOKEN % (head, encoded_token, mac.hexdigest())
    return TOKEN_PREFIX + b2a_base64(url.encode(), newline=False).decode()


# -- hot-path helpers ---------------------------------------------------------

_QUERY_HEAD = (
    "Action=CallWithBearerToken&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential="
    "%s%%2F%s%%2F%s%%2Fbedrock%%2Faws4_request&X-Amz-Date=%s&X-Amz-Expires=%d"
)
_CANONICAL = (
    "POST\n/\n%s&X-Amz-SignedHeaders=host\nhost:bedrock.amazonaws.com\n\nhost\n"
    + sigv4.EMPTY_SHA256
)
_CANONICAL_WITH_TOKEN = (
    "POST\n/\n%s&X-Amz-Security-Token=%s&X-Amz-SignedHeaders=host\n"
    "host:bedrock.amazonaws.com\n\nhost\n" + sigv4.EMPTY_SHA256
)
_URL = "bedrock.amazonaws.com/?%s&X-Amz-SignedHeaders=host&X-Amz-Signature=%s&Version=1"
_URL_WITH_TOKEN = (
    "bedrock.amazonaws.com/?%s&X-Amz-SignedHeaders=host&X-Amz-Security-Token=%s"
    "&X-Amz-Signature=%s&Version=1"
)
_primitives: Any = None
_builtin_sha256: Any = None
_macs: dict[tuple[str, str, str], tuple[str, Any]] = {}


def _load_primitives() -> Any:
    # hashlib loads on the first token, not at import.
    global _primitives
    import hashlib

    _primitives = hashlib.sha256
    return _primitives


def _signing_mac(access_key: str, secret_key: str, date: str, region: str) -> Any:
    """A keyed HMAC-SHA256 object for the day's derived key, to ``copy()`` per token.

    Cached like the derived keys: by access key id, day and region, with the
    secret checked rather than used as a key; bounded and emptied when full.
    Copying a keyed HMAC costs about half of keying a new one.
    """
    slot = (access_key, date, region)
    hit = _macs.get(slot)
    if hit is not None and hit[0] == secret_key:
        return hit[1]
    if _builtin_sha256 is not None:
        mac: Any = _BuiltinHmac.derived(secret_key, date, region, _builtin_sha256)
    else:
        import hmac

        key = sigv4._cached_signing_key(access_key, secret_key, date, region, SERVICE)
        mac = hmac.new(key, digestmod="sha256")
    if len(_macs) >= 64:
        _macs.clear()
    _macs[slot] = (secret_key, mac)
    return mac


def use_builtin_sha256() -> None:
    """Hash with CPython's built-in SHA-256 instead of OpenSSL's, for one-shot processes.

    Loading OpenSSL through ``hashlib`` costs ~3 ms, more than a few hashes
    save; the ``bedrock-token`` command calls this when nothing has loaded
    ``hashlib`` yet.  Library code keeps the faster OpenSSL hashes.  Without a
    built-in SHA-256 (a Python built without it) this does nothing.
    """
    global _primitives, _builtin_sha256
    if _primitives is not None:
        return
    try:
        from _sha256 import sha256  # type: ignore[import-not-found,unused-ignore]  # 3.7-3.11
    except ImportError:
        try:
            from _sha2 import sha256  # type: ignore[import-not-found,unused-ignore]  # 3.12+
        except ImportError:
            return
    _primitives = _builtin_sha256 = sha256


class _BuiltinHmac:
    """HMAC-SHA256 (RFC 2104) over a ``sha256`` constructor: ``copy``, ``update``, ``hexdigest``."""

    __slots__ = ("_inner", "_outer")

    _IPAD = bytes(x ^ 0x36 for x in range(256))
    _OPAD = bytes(x ^ 0x5C for x in range(256))

    def __init__(self, inner: Any, outer: Any) -> None:
        self._inner = inner
        self._outer = outer

    @classmethod
    def keyed(cls, key: bytes, sha256: Any) -> _BuiltinHmac:
        if len(key) > 64:
            key = sha256(key).digest()
        key = key.ljust(64, b"\0")
        return cls(sha256(key.translate(cls._IPAD)), sha256(key.translate(cls._OPAD)))

    @classmethod
    def derived(cls, secret_key: str, date: str, region: str, sha256: Any) -> _BuiltinHmac:
        key = ("AWS4" + secret_key).encode("utf-8")
        for part in (date, region, SERVICE, "aws4_request"):
            mac = cls.keyed(key, sha256)
            mac.update(part.encode("utf-8"))
            key = mac.digest()
        return cls.keyed(key, sha256)

    def copy(self) -> _BuiltinHmac:
        return _BuiltinHmac(self._inner.copy(), self._outer.copy())

    def update(self, data: bytes) -> None:
        self._inner.update(data)

    def digest(self) -> bytes:
        outer = self._outer.copy()
        outer.update(self._inner.digest())
        return outer.digest()  # type: ignore[no-any-return]

    def hexdigest(self) -> str:
        return self.digest().hex()


_encodings: dict[str, str] = {}


def _encoded(value: str) -> str:
    """``uri_encode(value)``, remembered for the few access keys and session tokens in use.

    Like the derived signing keys, this depends on the credentials only, never
    on the signing time; bounded and emptied when full.
    """
    hit = _encodings.get(value)
    if hit is None:
        hit = sigv4.uri_encode(value)
        if len(_encodings) >= 32:
            _encodings.clear()
        _encodings[value] = hit
    return hit


def _signing_instant(now: Any) -> datetime:
    try:
        return sigv4._utc(now)
    except (TypeError, ValueError) as exc:
        raise InvalidParameterError(str(exc)) from None
    except OverflowError:
        raise InvalidParameterError(
            "now=%s is outside the years 1-9999 once converted to UTC; pass a "
            "realistic signing time" % (now.isoformat(),)
        ) from None
