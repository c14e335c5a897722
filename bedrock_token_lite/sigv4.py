"""AWS Signature Version 4 signing with nothing but the Python standard library.

This module is self-contained: it imports only the standard library and nothing
from the rest of ``bedrock_token_lite``, so it can be copied into another
project as a single file.

Two entry points, both pure functions of their arguments:

* :func:`sign` signs a request with an ``Authorization`` header;
* :func:`presign` signs a request with query parameters (a presigned URL).

Their building blocks are public too, for code that builds a request of its
own (a token generator, a verifier): :func:`uri_encode`,
:func:`unquote_to_bytes`, :func:`canonical_query_string`, :func:`as_utc`,
:func:`credential_parts`, :func:`signing_key`, :func:`cached_signing_key`,
:func:`string_to_sign`, :func:`signature_hex` and :func:`sha256_hex`.

With their default settings both reproduce botocore's ``SigV4Auth`` and
``SigV4QueryAuth`` byte for byte: path normalisation and encoding, query
canonicalisation, header trimming/folding/joining, the never-signed header
list, the host taken from the URL, the payload hash and the order of the
presigned URL's parameters.  Three settings botocore lacks
(``normalize_path=False``, ``sign_session_token=False`` and
``content_sha256_header=True``) plus ``payload_hash`` cover the rest of the
public AWS SigV4 test suite.

A fourth, ``double_encode_path=False``, is for S3, which signs the path as
sent, neither normalised nor encoded again.  With
``normalize_path=False, double_encode_path=False``, :func:`presign` with
``payload_hash=UNSIGNED_PAYLOAD`` reproduces botocore's ``S3SigV4QueryAuth`` and
:func:`sign` with ``content_sha256_header=True`` its ``S3SigV4Auth``.  The URL
must then hold the object key percent-encoded once, as it goes on the wire
(``uri_encode`` each ``/``-separated part of the key).

Deliberate differences from botocore, each where botocore departs from the
SigV4 specification (with canonical input, the output is the same):

* when presigning, every query pair is kept, in order, where botocore keeps only
  the first value of a repeated key; ``+`` is a literal plus sign, where
  botocore reads it as a space; and an escape that is not UTF-8 (``%FF``) stays
  that byte, where botocore signs and sends U+FFFD (``%EF%BF%BD``);
* when signing with a header, each query key and value is percent-decoded and
  re-encoded (the canonical form), where botocore uses them as written;
* a URL fragment stays at the end of a presigned URL, where botocore appends
  ``X-Amz-Signature`` after it (inside the fragment);
* a presigned request keeps its body (hashed into the signature) and the body's
  form content type, where botocore moves the body into the query string;
* an empty path (``https://host?query``, requested as ``/``) is signed as ``/``
  in every mode, where botocore's S3 signers sign an empty line.

Nothing here logs, and the :class:`Signed` result does not show its signature
or URL in its ``repr``.
"""

from __future__ import annotations

# typing is for type checkers only: importing it costs time (and loads ``re`` on
# Python 3.12 and older), and nothing here needs it at run time.  datetime is
# imported where it is used: a caller passing a datetime has loaded it already,
# and a module that imports this one for uri_encode alone need not.
TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover
    from datetime import datetime, timedelta
    from typing import (
        Any,
        Callable,
        Dict,
        Iterable,
        List,
        Mapping,
        Optional,
        Protocol,
        Tuple,
        TypeVar,
        Union,
    )

    F = TypeVar("F", bound=Callable[..., Any])
    Header = Tuple[str, str]
    HeadersInput = Union[Mapping[str, str], Iterable[Tuple[str, str]]]

    class CredentialsLike(Protocol):
        """Anything with ``access_key``, ``secret_key`` and ``token``."""

        @property
        def access_key(self) -> str: ...

        @property
        def secret_key(self) -> str: ...

        @property
        def token(self) -> Optional[str]: ...


__all__ = [
    "ALGORITHM",
    "EMPTY_SHA256",
    "UNSIGNED_PAYLOAD",
    "BedrockTokenError",
    "ForeignCodeError",
    "Signed",
    "SigningError",
    "SigningTypeError",
    "as_utc",
    "cached_signing_key",
    "canonical_query_string",
    "credential_parts",
    "not_utf8",
    "presign",
    "sign",
    "sha256_hex",
    "signature_hex",
    "signing_key",
    "string_to_sign",
    "unquote_to_bytes",
    "type_name",
    "uri_encode",
    "wrap_foreign",
]

ALGORITHM = "AWS4-HMAC-SHA256"
EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"

#: Headers botocore never signs: hop-by-hop headers, and ones that proxies and
#: tracing middleware add or rewrite in transit (botocore 1.44 added the W3C
#: trace-context trio ``baggage``, ``traceparent`` and ``tracestate``).
NEVER_SIGNED = frozenset(
    (
        "baggage",
        "connection",
        "expect",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "traceparent",
        "tracestate",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "user-agent",
        "x-amzn-trace-id",
    )
)
_FORM_CONTENT_TYPE = "application/x-www-form-urlencoded; charset=utf-8"
_DEFAULT_PORTS = {"http": 80, "https": 443}
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# --------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------


class BedrockTokenError(Exception):
    """The root of every error bedrock-token-lite raises.

    Defined in this file so that the signer, copied alone into another project,
    raises errors of one family of its own; the package's other errors derive
    from it and ``bedrock_token_lite.BedrockTokenError`` is this class.
    """


class SigningError(BedrockTokenError, ValueError):
    """The arguments of :func:`sign` or :func:`presign` cannot be signed."""


class SigningTypeError(SigningError, TypeError):
    """An argument of :func:`sign` or :func:`presign` has the wrong type."""


class ForeignCodeError(BedrockTokenError):
    """Code that is not ours raised (a credentials object, a provider, a clock).

    The message says where and names the exception's type, never its text
    (it may quote a secret); the exception itself is :attr:`original`.  See
    :func:`wrap_foreign`.
    """

    original: BaseException

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""

    def __repr__(self) -> str:
        return "%s(%r)" % (type_name(type(self)), str(self))


def type_name(cls: type) -> str:
    """The name of ``cls``, read past any metaclass that overrides ``__name__``."""
    try:
        name = type.__dict__["__name__"].__get__(cls)
    except Exception:
        return "an exception"
    return name if isinstance(name, str) else "an exception"


#: The class made for each (base, foreign class) pair; emptied when full.
_FOREIGN_KINDS: Dict[Tuple[type, type], Any] = {}


def wrap_foreign(error: BaseException, message: str, base: Any = ForeignCodeError) -> Any:
    """``error`` as an instance of ``base`` (one of this family's classes) saying ``message``.

    The instance is also of ``error``'s class where Python allows that
    combination and ``error`` is an ``Exception`` (never a ``KeyboardInterrupt``,
    ``SystemExit`` or ``MemoryError``), so an ``except`` written for the original still
    catches it;
    the original's attributes are copied and the original is ``.original``.
    Raise the result outside the ``except`` block that caught ``error``, so the
    original's text is not reachable as ``__context__``.
    """
    cls = type(error)
    # Never combined: what is not an Exception (KeyboardInterrupt), and MemoryError, whose
    # instances CPython 3.7 recycles through a free list whatever their class.
    combine = isinstance(error, Exception) and not isinstance(error, MemoryError)
    kind: Any = _FOREIGN_KINDS.get((base, cls)) if combine else base
    if kind is None:
        name = "%s[%s]" % (type_name(base), type_name(cls))
        body = {
            "__module__": base.__module__,
            "__qualname__": name,
            # Ours, not the original class's: its own could quote the message or
            # read fields this instance never had.
            "__str__": ForeignCodeError.__str__,
            "__repr__": ForeignCodeError.__repr__,
        }
        try:
            # The original's class first: its __new__ knows the layout of its instances.
            kind = type(name, (cls, base), body)
        except Exception:  # a layout or metaclass conflict, a class that refuses subclasses
            kind = base
        if len(_FOREIGN_KINDS) >= 64:
            _FOREIGN_KINDS.clear()
        _FOREIGN_KINDS[(base, cls)] = kind
    try:
        wrapped = kind.__new__(kind)
    except Exception:  # a __new__ that needs arguments
        wrapped = base.__new__(base)
    attributes = getattr(error, "__dict__", None)
    if isinstance(attributes, dict):  # a convenience for programs: ``response`` and the like
        # Not its notes: tracebacks print ``__notes__``, and a note may quote a secret.
        wrapped.__dict__.update((k, v) for k, v in attributes.items() if k != "__notes__")
    wrapped.args = (message,)
    wrapped.original = error
    return wrapped


# --------------------------------------------------------------------------
# Percent-encoding
# --------------------------------------------------------------------------

_UNRESERVED = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~"
_ESCAPES = tuple("%%%02X" % i for i in range(256))


def _encoder(extra_safe: bytes) -> Callable[[str], str]:
    safe = _UNRESERVED + extra_safe
    table = [chr(i) if i in safe else _ESCAPES[i] for i in range(256)]
    percent_first = b"%" not in safe

    def encode(value: str) -> str:
        raw = value.encode("utf-8")
        unsafe = raw.translate(None, safe)
        if not unsafe:
            return value
        if unsafe.isascii():
            # Few distinct unsafe characters (typically '/', '+', '='): a handful
            # of str.replace calls beats a per-character table lookup.
            chars = set(unsafe)
            if percent_first and 37 in chars:
                chars.discard(37)
                value = value.replace("%", "%25")
            for byte in chars:
                value = value.replace(chr(byte), _ESCAPES[byte])
            return value
        return "".join([table[b] for b in raw])

    return encode


#: Encode everything but ``A-Z a-z 0-9 - _ . ~`` (query keys and values).
uri_encode = _encoder(b"")
uri_encode.__doc__ = "Percent-encode ``value`` (UTF-8) leaving only ``A-Z a-z 0-9 - _ . ~``."
_encode_path = _encoder(b"/")


_HEX = frozenset(b"0123456789abcdefABCDEF")


def unquote_to_bytes(text: str) -> bytes:
    """Decode ``%XX`` escapes (``+`` stays a plus sign); bad escapes stay literal.

    How :func:`sign` and :func:`presign` read a query key or value before
    encoding it canonically; a verifier uses it to check an encoding.

    The same bytes as ``urllib.parse.unquote_to_bytes``: only two hex digits make an
    escape (``int()`` alone would also take ``%+1``, ``% 1`` or ``%1 ``).
    """
    if "%" not in text:
        return text.encode("utf-8")
    parts = text.encode("utf-8").split(b"%")
    out = [parts[0]]
    for part in parts[1:]:
        if len(part) >= 2 and part[0] in _HEX and part[1] in _HEX:
            out.append(bytes((int(part[:2], 16),)) + part[2:])
        else:
            out.append(b"%" + part)
    return b"".join(out)


def _encode_bytes(raw: bytes) -> str:
    return (
        uri_encode(raw.decode("utf-8"))
        if _is_utf8(raw)
        else "".join([chr(b) if b in _UNRESERVED else _ESCAPES[b] for b in raw])
    )


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


# --------------------------------------------------------------------------
# Time
# --------------------------------------------------------------------------


def as_utc(now: datetime) -> datetime:
    """``now`` as a UTC datetime, the instant :func:`sign` and :func:`presign` sign at.

    Raises ``TypeError`` for a non-datetime and ``ValueError`` for a naive one
    (it has no defined instant) or one whose UTC instant is outside datetime's range.
    """
    from datetime import datetime, timezone

    if not isinstance(now, datetime):
        raise SigningTypeError("now must be a datetime, not %s" % type(now).__name__)
    offset = now.utcoffset()
    if offset is None:
        raise SigningError(
            "now must be timezone-aware (for example datetime.now(timezone.utc)); "
            "a naive datetime has no defined instant"
        )
    if offset:
        try:
            return (now - offset).replace(tzinfo=timezone.utc)
        except OverflowError:
            raise SigningError(
                "now=%s is outside the years 1-9999 once converted to UTC; pass a "
                "realistic signing time" % (now.isoformat(),)
            ) from None
    return now


def _amz_date(now: datetime) -> str:
    return "%04d%02d%02dT%02d%02d%02dZ" % (
        now.year,
        now.month,
        now.day,
        now.hour,
        now.minute,
        now.second,
    )


def _http_date(now: datetime) -> str:
    # email.utils.formatdate(timestamp) as botocore writes it, without importing email.
    return "%s, %02d %s %04d %02d:%02d:%02d -0000" % (
        _DAYS[now.weekday()],
        now.day,
        _MONTHS[now.month - 1],
        now.year,
        now.hour,
        now.minute,
        now.second,
    )


# --------------------------------------------------------------------------
# Keys and signatures
# --------------------------------------------------------------------------

# hashlib and hmac load on first use, so importing this module stays cheap.

_KEY_CACHE_SIZE = 64
_key_cache: Dict[Tuple[str, str, str, str], Tuple[str, bytes]] = {}


def _hmac(key: bytes, msg: str) -> bytes:
    import hmac

    return hmac.digest(key, msg.encode("utf-8"), "sha256")


def sha256_hex(data: bytes) -> str:
    """Hex SHA-256 of ``data``."""
    import hashlib

    return hashlib.sha256(data).hexdigest()


def signing_key(secret_key: str, date: str, region: str, service: str) -> bytes:
    """Derive the SigV4 signing key for ``date`` (``YYYYMMDD``), region and service."""
    k_date = _hmac(("AWS4" + secret_key).encode("utf-8"), date)
    k_region = _hmac(k_date, region)
    k_service = _hmac(k_region, service)
    return _hmac(k_service, "aws4_request")


def canonical_query_string(pairs: Iterable[Tuple[str, str]]) -> str:
    """The canonical query string of already percent-encoded ``(name, value)`` pairs.

    Sorted by name, then value, each written ``name=value``, joined with ``&``.
    Encode names and values with :func:`uri_encode` first.
    """
    return _canonical_query(pairs)


def string_to_sign(amz_date: str, scope: str, canonical_request: str) -> str:
    """The string to sign: algorithm, ``amz_date``, ``scope``, the canonical request's SHA-256."""
    return _string_to_sign(amz_date, scope, canonical_request)


def signature_hex(key: bytes, text: str) -> str:
    """The signature: hex HMAC-SHA256 of ``text`` (a string to sign) under a :func:`signing_key`."""
    return _signature(key, text)


def cached_signing_key(
    access_key: str, secret_key: str, date: str, region: str, service: str
) -> bytes:
    """:func:`signing_key`, remembered per access key id, ``date``, region and service.

    The cache :func:`sign` and :func:`presign` use; a hit also needs the same
    secret key, which is compared and never part of the cache key.
    """
    # Keyed by access key id, day, region and service; the secret is checked,
    # not used as a key.  Bounded: emptied when full (a single atomic step, so
    # no lock is needed; a day's worth of keys is a handful of entries).
    slot = (access_key, date, region, service)
    hit = _key_cache.get(slot)
    if hit is not None and hit[0] == secret_key:
        return hit[1]
    key = signing_key(secret_key, date, region, service)
    if len(_key_cache) >= _KEY_CACHE_SIZE:
        _key_cache.clear()
    _key_cache[slot] = (secret_key, key)
    return key


def _signature(key: bytes, string_to_sign: str) -> str:
    return _hmac(key, string_to_sign).hex()


def credential_parts(credentials: Any) -> Tuple[str, str, Optional[str]]:
    """``(access_key, secret_key, token)`` of ``credentials``, read once.

    Uses ``get_frozen_credentials()`` when there is one (botocore's refreshable
    credentials), so the three values come from one snapshot.  Raises
    ``TypeError`` when an attribute is missing or not a string.
    """
    frozen = getattr(credentials, "get_frozen_credentials", None)
    if frozen is not None:
        credentials = frozen()
    try:
        access_key = credentials.access_key
        secret_key = credentials.secret_key
        token = credentials.token
    except AttributeError:
        raise SigningTypeError(
            "credentials must have access_key, secret_key and token attributes, "
            "not %s" % type(credentials).__name__
        ) from None
    if not isinstance(access_key, str) or not isinstance(secret_key, str):
        raise SigningTypeError("credentials.access_key and credentials.secret_key must be str")
    if token is not None and not isinstance(token, str):
        raise SigningTypeError("credentials.token must be str or None")
    return access_key, secret_key, token


def not_utf8(access_key: str, secret_key: str, token: Optional[str]) -> SigningError:
    """The error for values that cannot be signed because they are not valid UTF-8 text.

    Names the first credential field at fault (lone surrogates: what undecodable
    bytes in an environment variable become) and never quotes a value; when the
    credentials are fine, another input (URL, header, body) is at fault.
    """
    for name, value in (("access_key", access_key), ("secret_key", secret_key), ("token", token)):
        if value is None:
            continue
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return SigningError(
                "credentials.%s is not valid UTF-8 text (it has lone surrogates, which is what "
                "undecodable bytes in an environment variable become); set it again" % name
            )
    return SigningError(
        "a value to sign (URL, header or body) is not valid UTF-8 text (it has lone "
        "surrogates); pass text that encodes to UTF-8, or bytes for the body"
    )


def _guard(func: F) -> F:
    """``func``, raising only errors of this module's family, and no secret.

    A ``UnicodeEncodeError`` becomes :func:`not_utf8`'s error: the encoder's
    would carry the whole offending string (a secret key, a session token) in
    its ``object`` and ``repr``.  Other builtin errors (an argument of the wrong
    type, a URL ``urlsplit`` refuses) become :class:`SigningTypeError` or
    :class:`SigningError` naming only their type, and anything else a
    credentials object raised is wrapped by :func:`wrap_foreign`.
    """

    def guarded(*args: Any, **kwargs: Any) -> Any:
        failure: Optional[BaseException] = None
        try:
            return func(*args, **kwargs)
        except BedrockTokenError:
            raise
        except UnicodeEncodeError:
            pass
        except Exception as exc:
            failure = exc
        # Raised here, after the handler: raised in it, the original would stay
        # on ours as ``__context__`` (``from None`` only hides it).
        if failure is None:
            try:
                parts = credential_parts(kwargs.get("credentials"))
            except Exception:
                parts = ("", "", None)
            raise not_utf8(*parts)
        raise _argument_error(func.__name__, failure)

    guarded.__name__ = func.__name__
    guarded.__qualname__ = func.__qualname__
    guarded.__doc__ = func.__doc__
    guarded.__wrapped__ = func  # type: ignore[attr-defined]
    return guarded  # type: ignore[return-value]


def _argument_error(name: str, error: BaseException) -> Any:
    """The error for ``error``, raised while signing: the original is ``.original``."""
    kind = type_name(type(error))
    hidden = "its message is not shown, as it may quote a secret (the exception is .original)"
    if isinstance(error, (TypeError, AttributeError)):
        return wrap_foreign(
            error,
            "%s() cannot sign its arguments (%s; %s): method, url, region and service must "
            "be str, headers a mapping or (name, value) pairs, body bytes or str, now a "
            "timezone-aware datetime, and credentials have str access_key and secret_key"
            % (name, kind, hidden),
            SigningTypeError,
        )
    if isinstance(error, ValueError):
        return wrap_foreign(
            error,
            "%s() cannot sign its arguments (%s; %s): check that url is an absolute URL with "
            "a valid host and port" % (name, kind, hidden),
            SigningError,
        )
    return wrap_foreign(
        error,
        "%s() failed: code outside the signer (the credentials object, or an argument's own "
        "methods) raised %s; %s" % (name, kind, hidden),
    )


# --------------------------------------------------------------------------
# Canonical pieces
# --------------------------------------------------------------------------


def _normalize_path(path: str) -> str:
    # RFC 3986 remove_dot_segments, also collapsing empty segments, as botocore does.
    if not path:
        return "/"
    out: List[str] = []
    for segment in path.split("/"):
        if segment and segment != ".":
            if segment == "..":
                if out:
                    out.pop()
            else:
                out.append(segment)
    first = "/" if path[0] == "/" else ""
    last = "/" if path[-1] == "/" and out else ""
    return first + "/".join(out) + last


def _canonical_path(path: str, normalize: bool, double_encode: bool) -> str:
    if normalize:
        path = _normalize_path(path)
    path = path or "/"  # what the request line carries; botocore's S3 signers sign ""
    # Double encoding encodes the path as written (an escape becomes %25XX), as the
    # SigV4 specification says for every service but S3; S3 signs the path as sent.
    return _encode_path(path) if double_encode else path


def _split_query(query: str, skip_empty: bool) -> List[Tuple[str, str]]:
    pairs = []
    for pair in query.split("&") if query else ():
        if not pair and skip_empty:
            continue
        key, _, value = pair.partition("=")
        pairs.append((_encode_bytes(unquote_to_bytes(key)), _encode_bytes(unquote_to_bytes(value))))
    return pairs


def _canonical_query(pairs: Iterable[Tuple[str, str]]) -> str:
    return "&".join(["%s=%s" % kv for kv in sorted(pairs)])


def _header_list(headers: HeadersInput) -> List[Header]:
    # A copy, so the caller's mapping or list is never changed.  Error messages
    # name types and positions, never values (a header may hold a credential).
    items = headers.items() if hasattr(headers, "items") else headers
    if isinstance(items, (str, bytes)):
        raise SigningTypeError("headers must be a mapping or (name, value) pairs, not a string")
    out = []
    for index, item in enumerate(items):
        if not isinstance(item, (tuple, list)) or len(item) != 2:
            raise SigningTypeError(
                "header %d must be a (name, value) pair, not %s" % (index, type(item).__name__)
            )
        name, value = item
        if not isinstance(name, str) or not isinstance(value, str):
            raise SigningTypeError(
                "header %d: name and value must be str, got (%s, %s)"
                % (index, type(name).__name__, type(value).__name__)
            )
        out.append((name, value))
    return out


def _without(headers: List[Header], lname: str) -> List[Header]:
    return [h for h in headers if h[0].lower() != lname]


def _find(headers: List[Header], lname: str) -> Optional[str]:
    for name, value in headers:
        if name.lower() == lname:
            return value
    return None


def _host_from_url(scheme: str, netloc: str) -> str:
    from urllib.parse import SplitResult

    parts = SplitResult(scheme, netloc, "", "", "")
    host = parts.hostname or ""
    if ":" in host:
        host = "[%s]" % host
    port = parts.port
    if port is not None and port != _DEFAULT_PORTS.get(scheme):
        host = "%s:%d" % (host, port)
    return host


def _signed_headers(
    headers: List[Header], scheme: str, netloc: str
) -> Tuple[str, str, List[Header]]:
    """Return (canonical headers block, signed header list, headers that were signed)."""
    grouped: Dict[str, List[str]] = {}
    signed: List[Header] = []
    for name, value in headers:
        lname = name.lower()
        if lname in NEVER_SIGNED:
            continue
        grouped.setdefault(lname, []).append(value)
        signed.append((name, value))
    if "host" not in grouped:
        host = _host_from_url(scheme, netloc)
        grouped["host"] = [host]
        signed.append(("host", host))
    names = sorted(grouped)
    block = "".join(
        ["%s:%s\n" % (n, ",".join([" ".join(v.split()) for v in grouped[n]])) for n in names]
    )
    signed_names = ";".join(sorted(n.strip() for n in names))
    return block, signed_names, signed


def _payload_hash(
    headers: List[Header], body: Union[bytes, str], payload_hash: Optional[str]
) -> str:
    if payload_hash is not None:
        return payload_hash
    given = _find(headers, "x-amz-content-sha256")
    if given is not None:
        return given
    if isinstance(body, str):
        body = body.encode("utf-8")
    if not body:
        return EMPTY_SHA256
    return sha256_hex(body)


def _string_to_sign(amz_date: str, scope: str, canonical_request: str) -> str:
    digest = sha256_hex(canonical_request.encode("utf-8"))
    return "%s\n%s\n%s\n%s" % (ALGORITHM, amz_date, scope, digest)


# --------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------


class Signed:
    """The result of signing: what to send, and the intermediate strings.

    Immutable.  Its ``repr`` hides the signature, URL and header values, since
    a presigned URL is a credential.
    """

    __slots__ = ("url", "headers", "canonical_request", "string_to_sign", "signature")

    url: str
    headers: Tuple[Header, ...]
    canonical_request: str
    string_to_sign: str
    signature: str

    def __init__(
        self,
        url: str,
        headers: Tuple[Header, ...],
        canonical_request: str,
        string_to_sign: str,
        signature: str,
    ) -> None:
        for name, value in (
            ("url", url),
            ("headers", headers),
            ("canonical_request", canonical_request),
            ("string_to_sign", string_to_sign),
            ("signature", signature),
        ):
            object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Signed is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("Signed is immutable")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Signed):
            return NotImplemented
        return all(getattr(self, n) == getattr(other, n) for n in self.__slots__)

    def __hash__(self) -> int:
        return hash(tuple(getattr(self, n) for n in self.__slots__))

    def __repr__(self) -> str:
        names = ", ".join(name for name, _ in self.headers)
        return "Signed(url=<redacted>, headers=[%s], signature=<redacted>)" % names


@_guard
def sign(
    method: str,
    url: str,
    *,
    headers: HeadersInput = (),
    body: Union[bytes, str] = b"",
    credentials: CredentialsLike,
    region: str,
    service: str,
    now: datetime,
    normalize_path: bool = True,
    double_encode_path: bool = True,
    sign_session_token: bool = True,
    content_sha256_header: bool = False,
    payload_hash: Optional[str] = None,
) -> Signed:
    """Sign a request with an ``Authorization`` header (botocore's ``SigV4Auth``).

    Returns the full header list to send: the input headers, then ``X-Amz-Date``
    (or a refreshed ``Date`` when the input had one), ``X-Amz-Security-Token``
    when the credentials carry a non-empty token, optionally
    ``x-amz-content-sha256``, and ``Authorization``.  ``url`` is returned as is.

    ``headers`` is a mapping or an iterable of ``(name, value)`` pairs (repeated
    names allowed); it is copied, never changed.  ``now`` must be timezone-aware.
    The payload hash is ``payload_hash`` if given, else the value of an
    ``X-Amz-Content-SHA256`` header if present, else SHA-256 of ``body``.

    Settings botocore lacks (the defaults are botocore's behaviour):
    ``normalize_path=False`` keeps ``.``, ``..`` and empty path segments (the
    default removes them); ``double_encode_path=False`` signs the path as
    written instead of percent-encoding it again, so ``/a%20b`` is signed as
    ``/a%20b``, not ``/a%2520b`` (with ``normalize_path=True`` the segments are
    removed first, then the path is signed as written); an empty path is
    signed as ``/`` either way.  S3 needs both ``False``, with
    ``content_sha256_header=True``: that is botocore's ``S3SigV4Auth``, and the
    URL must hold the object key percent-encoded once.
    ``sign_session_token=False`` adds ``X-Amz-Security-Token`` after signing
    instead of signing it; ``content_sha256_header=True`` adds and signs an
    ``x-amz-content-sha256`` header holding the payload hash.
    """
    from urllib.parse import urlsplit

    access_key, secret_key, token = credential_parts(credentials)
    now = as_utc(now)
    amz_date = _amz_date(now)
    hdrs = _without(_header_list(headers), "authorization")
    if _find(hdrs, "date") is not None:
        hdrs = _without(_without(hdrs, "date"), "x-amz-date")
        hdrs.append(("Date", _http_date(now)))
    else:
        hdrs = _without(hdrs, "x-amz-date")
        hdrs.append(("X-Amz-Date", amz_date))
    if token and sign_session_token:
        hdrs = _without(hdrs, "x-amz-security-token")
        hdrs.append(("X-Amz-Security-Token", token))
    body_hash = _payload_hash(hdrs, body, payload_hash)
    if content_sha256_header:
        hdrs = _without(hdrs, "x-amz-content-sha256")
        hdrs.append(("x-amz-content-sha256", body_hash))

    parts = urlsplit(url)
    block, signed_names, _ = _signed_headers(hdrs, parts.scheme, parts.netloc)
    canonical_request = "\n".join(
        (
            method.upper(),
            _canonical_path(parts.path, normalize_path, double_encode_path),
            _canonical_query(_split_query(parts.query, skip_empty=False)),
            block,
            signed_names,
            body_hash,
        )
    )
    date = amz_date[:8]
    scope = "%s/%s/%s/aws4_request" % (date, region, service)
    string_to_sign = _string_to_sign(amz_date, scope, canonical_request)
    key = cached_signing_key(access_key, secret_key, date, region, service)
    signature = _signature(key, string_to_sign)
    if token and not sign_session_token:
        # Sent, but added only now: not part of what was signed.
        hdrs = _without(hdrs, "x-amz-security-token")
        hdrs.append(("X-Amz-Security-Token", token))
    hdrs.append(
        (
            "Authorization",
            "%s Credential=%s/%s, SignedHeaders=%s, Signature=%s"
            % (ALGORITHM, access_key, scope, signed_names, signature),
        )
    )
    return Signed(url, tuple(hdrs), canonical_request, string_to_sign, signature)


@_guard
def presign(
    method: str,
    url: str,
    *,
    headers: HeadersInput = (),
    body: Union[bytes, str] = b"",
    credentials: CredentialsLike,
    region: str,
    service: str,
    now: datetime,
    expires_in: Union[int, timedelta],
    normalize_path: bool = True,
    double_encode_path: bool = True,
    sign_session_token: bool = True,
    payload_hash: Optional[str] = None,
) -> Signed:
    """Presign a request (botocore's ``SigV4QueryAuth``): the signature goes in the URL.

    The URL keeps the request's own query parameters first, then
    ``X-Amz-Algorithm``, ``X-Amz-Credential``, ``X-Amz-Date``, ``X-Amz-Expires``,
    ``X-Amz-SignedHeaders``, ``X-Amz-Security-Token`` (whenever the token is not
    ``None``, even when empty) and ``X-Amz-Signature``.  ``headers`` of the
    result are the headers that were signed, which the caller must send.
    The body is hashed into the signature but is not moved into the query
    string, as botocore would.  Like botocore, a ``Content-Type`` of
    ``application/x-www-form-urlencoded; charset=utf-8`` is dropped, but only
    when there is no body.  ``expires_in`` is whole seconds or a timedelta
    (truncated).  With ``sign_session_token=False`` the token is left out of the
    canonical query and added after ``X-Amz-Signature``.  ``normalize_path`` and
    ``double_encode_path`` are as for :func:`sign`; an S3 presigned URL (botocore's
    ``S3SigV4QueryAuth``) takes ``normalize_path=False, double_encode_path=False,
    payload_hash=UNSIGNED_PAYLOAD``.
    """
    from datetime import timedelta
    from urllib.parse import urlsplit, urlunsplit

    access_key, secret_key, token = credential_parts(credentials)
    now = as_utc(now)
    if isinstance(expires_in, timedelta):
        expires_in = int(expires_in.total_seconds())
    if isinstance(expires_in, bool) or not isinstance(expires_in, int):
        raise SigningTypeError("expires_in must be an int number of seconds or a timedelta")
    amz_date = _amz_date(now)
    hdrs = _header_list(headers)
    if not body and _find(hdrs, "content-type") == _FORM_CONTENT_TYPE:
        # botocore's own default for query-protocol calls, whose form body it moves
        # into the URL; with no body there is nothing to describe.
        hdrs = _without(hdrs, "content-type")
    parts = urlsplit(url)
    block, signed_names, signed = _signed_headers(hdrs, parts.scheme, parts.netloc)
    date = amz_date[:8]
    scope = "%s/%s/%s/aws4_request" % (date, region, service)
    auth = [
        ("X-Amz-Algorithm", ALGORITHM),
        ("X-Amz-Credential", uri_encode("%s/%s" % (access_key, scope))),
        ("X-Amz-Date", amz_date),
        ("X-Amz-Expires", str(expires_in)),
        ("X-Amz-SignedHeaders", uri_encode(signed_names)),
    ]
    token_pair = None if token is None else ("X-Amz-Security-Token", uri_encode(token))
    if token_pair is not None and sign_session_token:
        auth.append(token_pair)
    own = _split_query(parts.query, skip_empty=True)
    canonical_request = "\n".join(
        (
            method.upper(),
            _canonical_path(parts.path, normalize_path, double_encode_path),
            _canonical_query(own + auth),
            block,
            signed_names,
            _payload_hash(hdrs, body, payload_hash),
        )
    )
    string_to_sign = _string_to_sign(amz_date, scope, canonical_request)
    key = cached_signing_key(access_key, secret_key, date, region, service)
    signature = _signature(key, string_to_sign)
    tail = [("X-Amz-Signature", signature)]
    if token_pair is not None and not sign_session_token:
        tail.append(token_pair)
    query = "&".join(["%s=%s" % kv for kv in own + auth + tail])
    signed_url = urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))
    return Signed(signed_url, tuple(signed), canonical_request, string_to_sign, signature)
