"""The token hot path: credentials as strings and a time stamp in, a token out.

Nothing here imports ``datetime``: the ``bedrock-token`` command takes its
stamp from ``time`` and never pays the ~2 ms that loading ``datetime`` costs
on Python 3.11.  :func:`bedrock_token_lite.generate_token` (in ``_token``) is
the public face, with datetime and timedelta arguments.

Per token the work is the three SigV4 primitives (SHA-256 of the canonical
request, one HMAC, base64 of the URL) and joining a few byte strings.  What
depends only on the credentials, region and expiry (the percent-encoded
access key and session token placed in the canonical request and the URL) is
kept in a small bounded table like the derived signing keys, so a new
signing time costs no string building beyond the time stamp.
"""

from __future__ import annotations

from binascii import b2a_base64

from . import sigv4
from ._errors import InvalidParameterError, foreign_error, type_name

TYPE_CHECKING = False  # typing itself costs milliseconds to import
if TYPE_CHECKING:  # pragma: no cover
    from datetime import timedelta
    from typing import Any, Optional, Tuple, Union

    Layout = Tuple[bytes, bytes, bytes, bytes, bytes, bytes]

__all__ = [
    "BEDROCK_HOST",
    "MAX_EXPIRY_SECONDS",
    "SERVICE",
    "TOKEN_PREFIX",
    "check_region",
    "checked_regions",
    "credential_values",
    "epoch_stamp",
    "expiry_seconds",
    "sign_token",
    "use_builtin_sha256",
]

TOKEN_PREFIX = "bedrock-api-key-"
TOKEN_VERSION = "&Version=1"
BEDROCK_HOST = "bedrock.amazonaws.com"
SERVICE = "bedrock"
MAX_EXPIRY_SECONDS = 43200

# -- validation ---------------------------------------------------------------

_LABEL_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-")
#: Regions check_region has accepted (at most 256): a caller on the hot path may
#: skip the call for a str found here.
checked_regions: set[str] = set()


def check_region(region: object) -> str:
    """Return ``region`` if it is a valid host label (botocore's client rule), else raise."""
    if region.__class__ is str and region in checked_regions:
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
    if len(checked_regions) < 256:
        checked_regions.add(region)
    return region


def expiry_seconds(expiry: Union[timedelta, int, float]) -> int:
    """Whole seconds in ``expiry`` (1..43200), truncated as the official generator does."""
    if isinstance(expiry, bool):
        raise _expiry_type_error(expiry)
    if isinstance(expiry, int):
        # Clamped first: float() of a huge int raises OverflowError.
        seconds = float(min(max(expiry, -1), MAX_EXPIRY_SECONDS + 1))
    elif isinstance(expiry, float):
        seconds = float(expiry)
    else:
        # Imported only here: whoever holds a timedelta has loaded datetime already.
        from datetime import timedelta

        if not isinstance(expiry, timedelta):
            raise _expiry_type_error(expiry)
        seconds = expiry.total_seconds()
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


def _expiry_type_error(expiry: object) -> InvalidParameterError:
    return InvalidParameterError(
        "Token expiry must be a datetime.timedelta or a number of seconds, got %s"
        % type(expiry).__name__
    )


def credential_values(credentials: Any) -> Tuple[str, str, Optional[str]]:
    """(access key, secret key, token) from a single snapshot of ``credentials``."""
    if credentials is None:
        raise InvalidParameterError("Credentials cannot be None")
    failure: Optional[BaseException] = None
    try:
        access_key, secret_key, token = sigv4.credential_parts(credentials)
    except sigv4.SigningTypeError as exc:  # ours: an attribute is missing or not a str
        failure = InvalidParameterError(str(exc))
    except Exception as exc:  # the credentials' own code (a botocore refresh, say)
        failure = foreign_error(exc, "Reading the credentials (%s)" % type_name(type(credentials)))
    if failure is not None:  # raised after the handler: the original is not its context
        raise failure
    if not access_key:
        raise InvalidParameterError("credentials have an empty access key id")
    if not secret_key:
        raise InvalidParameterError("credentials have an empty secret access key")
    return access_key, secret_key, token


def epoch_stamp(seconds: float) -> bytes:
    """The ``X-Amz-Date`` stamp (``YYYYMMDDTHHMMSSZ``) of a POSIX time, without datetime."""
    import time

    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(seconds)).encode()


# -- signing ------------------------------------------------------------------


def sign_token(
    access_key: str,
    secret_key: str,
    token: Optional[str],
    region: str,
    expires: int,
    amz_date: bytes,
) -> str:
    """The token for already-validated inputs; ``amz_date`` is ``b"YYYYMMDDTHHMMSSZ"``.

    Raises :class:`InvalidParameterError` naming the credential field that is not
    valid UTF-8 (never the encoder's error, whose ``repr`` holds the whole value).
    """
    try:
        layout = _layouts.get((access_key, token, region, expires))
        if layout is None:
            layout = _layout(access_key, token, region, expires)
        canonical_head, credential_tail, canonical_tail, url_head, url_tail, scope = layout
        date = amz_date[:8]
        sha256 = _sha256 or _load_primitives()
        digest = sha256(
            b"".join((canonical_head, date, credential_tail, amz_date, canonical_tail))
        ).hexdigest()
        mac = _signing_mac(access_key, secret_key, date, region).copy()
        mac.update(b"".join((b"AWS4-HMAC-SHA256\n", amz_date, b"\n", date, scope, digest.encode())))
        url = b"".join(
            (
                url_head,
                date,
                credential_tail,
                amz_date,
                url_tail,
                mac.hexdigest().encode(),
                b"&Version=1",
            )
        )
        return TOKEN_PREFIX + b2a_base64(url, newline=False).decode()
    except UnicodeEncodeError:
        pass
    # After the handler, not in it: there the encoder's error (its ``object`` is the
    # secret key or session token) would stay on ours as ``__context__``.
    raise InvalidParameterError(str(sigv4.not_utf8(access_key, secret_key, token)))


#: (access key, session token, region, expiry) -> the fixed parts of the
#: canonical request and URL around the signing date, time and signature.
_layouts: dict[tuple[str, Optional[str], str, int], Layout] = {}


def _layout(access_key: str, token: Optional[str], region: str, expires: int) -> Layout:
    """Build and remember the fixed parts for these credentials, region and expiry.

    The canonical query is sorted (``X-Amz-Security-Token`` before
    ``X-Amz-SignedHeaders``); the URL keeps botocore's order (after it).
    Bounded and emptied when full, like the derived-key cache.
    """
    head = (
        "Action=CallWithBearerToken&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=%s%%2F"
        % sigv4.uri_encode(access_key)
    )
    expires_param = "&X-Amz-Expires=%d" % expires
    host = "host:%s\n\nhost\n%s" % (BEDROCK_HOST, sigv4.EMPTY_SHA256)
    if token is None:
        canonical_tail = "%s&X-Amz-SignedHeaders=host\n%s" % (expires_param, host)
        url_tail = "%s&X-Amz-SignedHeaders=host&X-Amz-Signature=" % expires_param
    else:
        encoded = sigv4.uri_encode(token)
        canonical_tail = "%s&X-Amz-Security-Token=%s&X-Amz-SignedHeaders=host\n%s" % (
            expires_param,
            encoded,
            host,
        )
        url_tail = "%s&X-Amz-SignedHeaders=host&X-Amz-Security-Token=%s&X-Amz-Signature=" % (
            expires_param,
            encoded,
        )
    layout = (
        ("POST\n/\n" + head).encode(),
        ("%%2F%s%%2F%s%%2Faws4_request&X-Amz-Date=" % (region, SERVICE)).encode(),
        canonical_tail.encode(),
        ("%s/?%s" % (BEDROCK_HOST, head)).encode(),
        url_tail.encode(),
        ("/%s/%s/aws4_request\n" % (region, SERVICE)).encode(),
    )
    if len(_layouts) >= 32:
        _layouts.clear()
    _layouts[(access_key, token, region, expires)] = layout
    return layout


_sha256: Any = None
_builtin_sha256: Any = None
_macs: dict[tuple[str, bytes, str], tuple[str, Any]] = {}


def _load_primitives() -> Any:
    # hashlib loads on the first token, not at import.
    global _sha256
    import hashlib

    _sha256 = hashlib.sha256
    return _sha256


def _signing_mac(access_key: str, secret_key: str, date: bytes, region: str) -> Any:
    """A keyed HMAC-SHA256 object for the day's derived key, to ``copy()`` per token.

    Cached like the derived keys: by access key id, day and region, with the
    secret checked rather than used as a key; bounded and emptied when full.
    Copying a keyed HMAC costs about half of keying a new one.
    """
    slot = (access_key, date, region)
    hit = _macs.get(slot)
    if hit is not None and hit[0] == secret_key:
        return hit[1]
    day = date.decode()
    if _builtin_sha256 is not None:
        mac: Any = _BuiltinHmac.derived(secret_key, day, region, _builtin_sha256)
    else:
        key = sigv4.cached_signing_key(access_key, secret_key, day, region, SERVICE)
        mac = _hmac_new()(key, digestmod="sha256")
    if len(_macs) >= 64:
        _macs.clear()
    _macs[slot] = (secret_key, mac)
    return mac


def _hmac_new() -> Any:
    try:
        # OpenSSL's HMAC object itself: its copy() skips the hmac.HMAC wrapper.
        from _hashlib import hmac_new

        return hmac_new
    except ImportError:  # Python 3.7 and 3.8, or no OpenSSL
        import hmac

        return hmac.new


def use_builtin_sha256() -> None:
    """Hash with CPython's built-in SHA-256 instead of OpenSSL's, for one-shot processes.

    Loading OpenSSL through ``hashlib`` costs ~3 ms, more than a few hashes
    save; the ``bedrock-token`` command calls this when nothing has loaded
    ``hashlib`` yet.  Library code keeps the faster OpenSSL hashes.  Without a
    built-in SHA-256 (a Python built without it) this does nothing.
    """
    global _sha256, _builtin_sha256
    if _sha256 is not None:
        return
    try:
        from _sha256 import sha256  # type: ignore[import-not-found,unused-ignore]  # 3.7-3.11
    except ImportError:
        try:
            from _sha2 import sha256  # type: ignore[import-not-found,unused-ignore]  # 3.12+
        except ImportError:
            return
    _sha256 = _builtin_sha256 = sha256


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
