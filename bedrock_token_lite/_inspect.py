"""Read a bearer token back (``decode_token``) and check it as the service would
(``verify_token``).

Decoding accepts what every official generator writes and nothing else:

* the query parameters in any order (the Python generator keeps botocore's
  order, the JavaScript one sorts them, the Java one has its own), each name
  exactly once; a repeated name is an error naming the parameter;
* with or without ``X-Amz-Security-Token`` (the JavaScript generator leaves out
  an empty one, the Python one writes it empty);
* no other parameter: no generator writes one, and one that was not signed could
  be added by anybody, so an unknown name is an error that names it (at most 40
  characters, and only when it looks like a name) and never quotes its value;
* canonical base64 with padding, SigV4's canonical percent-encoding of every
  value, lower-case hex signature, ``X-Amz-Expires`` a whole number of seconds
  from 1 to 43200.  The JavaScript generator signs a fractional
  ``expiresInSeconds`` as written (``X-Amz-Expires=1.5``); such a token is
  rejected (``check`` ``expires``), as it is outside SigV4's whole seconds.

Verification rebuilds the SigV4 canonical request from the parameters the
token carries (all but ``X-Amz-Signature`` and ``Version``, which every
generator appends after signing), the ``host`` header and the payload hash the
generators sign (the empty body's SHA-256, or ``UNSIGNED-PAYLOAD`` for
presigners that do not sign the payload), and compares signatures in constant
time.

Nothing here puts the signature, the session token or the token itself into a
``repr`` or an exception message.
"""

from __future__ import annotations

from binascii import Error as _B64Error
from binascii import a2b_base64, b2a_base64

from . import sigv4
from ._common.clock import utc_now
from ._common.dt import datetime, timedelta, timezone
from ._common.timefmt import iso_utc, span
from ._errors import InvalidParameterError, InvalidTokenError
from ._long_term import LONG_TERM_KEY_PREFIX
from ._token import BEDROCK_HOST, MAX_EXPIRY_SECONDS, SERVICE, TOKEN_PREFIX, check_region

TYPE_CHECKING = False  # typing itself costs milliseconds to import
if TYPE_CHECKING:  # pragma: no cover
    from typing import Any, Dict, Optional, Tuple

__all__ = ["CLOCK_SKEW", "TokenInfo", "decode_token", "verify_token"]

#: How far a token's issue time may be ahead of the clock before it counts as
#: not yet valid: SigV4's usual five minutes, the ``verify_token`` default.
CLOCK_SKEW = timedelta(minutes=5)

_B64_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=")
_HEX = frozenset("0123456789abcdef")
_DIGITS = frozenset("0123456789")
_ACTION = "CallWithBearerToken"
_REQUIRED = (
    "Action",
    "X-Amz-Algorithm",
    "X-Amz-Credential",
    "X-Amz-Date",
    "X-Amz-Expires",
    "X-Amz-SignedHeaders",
    "X-Amz-Signature",
    "Version",
)
_OPTIONAL = "X-Amz-Security-Token"
_KNOWN = frozenset((*_REQUIRED, _OPTIONAL))
#: Appended after signing by every generator, so not part of what was signed.
_UNSIGNED = frozenset(("X-Amz-Signature", "Version"))
#: The payload hashes a generator may have signed: the empty body's SHA-256
#: (botocore and the JavaScript SDK's signer, for the bodiless POST), or
#: ``UNSIGNED-PAYLOAD`` (presigners that leave the payload unsigned).
_PAYLOAD_HASHES = (sigv4.EMPTY_SHA256, sigv4.UNSIGNED_PAYLOAD)


class TokenInfo:
    """What a bearer token says about itself.

    Immutable.  ``issued_at`` and ``expires_at`` are timezone-aware UTC
    datetimes; ``expiry_seconds`` is the lifetime the token was signed with;
    ``service`` and ``scope_date`` come from the credential scope.  The ``repr``
    shows neither the signature nor the session token.
    """

    __slots__ = (
        "region",
        "access_key_id",
        "issued_at",
        "expires_at",
        "expiry_seconds",
        "has_session_token",
        "version",
        "service",
        "scope_date",
        "_terminator",
        "_signature",
        "_session_token",
        "_signed_query",
    )

    region: str
    access_key_id: str
    issued_at: datetime
    expires_at: datetime
    expiry_seconds: int
    has_session_token: bool
    version: int
    service: str
    scope_date: str
    _terminator: str
    _signature: str
    _session_token: Optional[str]
    _signed_query: str

    def __init__(self, **fields: Any) -> None:
        for name in self.__slots__:
            object.__setattr__(self, name, fields[name])

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("TokenInfo is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("TokenInfo is immutable")

    def time_left(self, now: Optional[datetime] = None) -> timedelta:
        """Time until ``expires_at`` (negative once expired)."""
        return self.expires_at - _now(now)

    def is_expired(self, now: Optional[datetime] = None) -> bool:
        """True from ``expires_at`` on."""
        return _now(now) >= self.expires_at

    def is_not_yet_valid(
        self, now: Optional[datetime] = None, clock_skew: timedelta = CLOCK_SKEW
    ) -> bool:
        """True while ``issued_at`` is more than ``clock_skew`` ahead of ``now``.

        Such a token was made by (or is read on) a machine whose clock is off;
        the service refuses it until its issue time comes.
        """
        return self.issued_at - _now(now) > clock_skew

    def __repr__(self) -> str:
        return (
            "TokenInfo(region=%r, access_key_id=%r, issued_at=%s, expires_at=%s, "
            "expiry_seconds=%d, has_session_token=%r, version=%d)"
            % (
                self.region,
                self.access_key_id,
                self.issued_at.isoformat(),
                self.expires_at.isoformat(),
                self.expiry_seconds,
                self.has_session_token,
                self.version,
            )
        )


def _now(now: Optional[datetime]) -> datetime:
    if now is None:
        return utc_now()
    try:
        return sigv4.as_utc(now)
    except (TypeError, ValueError) as exc:
        raise InvalidParameterError(str(exc)) from None


def _show(value: str) -> str:
    """How a message refers to a value read from a token: by its length, never its text.

    Any part of a malformed token may be a piece of its signature or session
    token (a truncated or spliced token shifts its fields), so no value is quoted.
    """
    return "(%d characters, not shown)" % len(value)


_NAME_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.")
_NAME_LIMIT = 40


def _name(name: str) -> str:
    """An unknown parameter's name for a message: quoted only if short and name-like.

    Anything else (percent escapes, '+', a name run into a value) might hold part
    of a value, so it is described by its length alone.
    """
    if name and len(name) <= _NAME_LIMIT and _NAME_CHARS.issuperset(name):
        return repr(name)
    return "with a name of %d characters that is not a plain parameter name" % len(name)


def _bad(check: str, message: str) -> InvalidTokenError:
    return InvalidTokenError(check, "Invalid Bedrock bearer token: " + message)


def _canonical_value(name: str, value: str) -> str:
    """The decoded value, after checking it is percent-encoded exactly as SigV4 encodes it."""
    raw = sigv4.unquote_to_bytes(value)
    try:
        text: Optional[str] = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is None:
        # Raised after the handler: in it, the decode error (its ``object`` is the
        # value: a signature, a session token) would stay on ours as __context__.
        raise _bad("parameter", "%s is not percent-encoded UTF-8" % name)
    if sigv4.uri_encode(text) != value:
        raise _bad(
            "parameter",
            "%s is not canonically percent-encoded (SigV4 encodes everything except "
            "A-Z a-z 0-9 - _ . ~, with upper-case hex)" % name,
        )
    return text


def _split_query(query: str) -> Dict[str, str]:
    """The query's parameters by name: any order, each known name exactly once.

    Messages name parameters, never quote a value.
    """
    params: Dict[str, str] = {}
    for index, pair in enumerate(query.split("&"), 1):
        name, eq, value = pair.partition("=")
        if not eq:
            known = [n for n in _KNOWN if pair.startswith(n)]
            raise _bad(
                "parameter",
                "query item %d is not name=value%s"
                % (index, " (it begins with %s)" % max(known, key=len) if known else ""),
            )
        if name not in _KNOWN:
            raise _bad("parameter", "unexpected query parameter %s" % _name(name))
        if name in params:
            raise _bad("parameter", "query parameter %s appears more than once" % name)
        params[name] = value
    for name in _REQUIRED:
        if name not in params:
            raise _bad("parameter", "missing query parameter %s" % name)
    return params


def _parse_amz_date(value: str) -> datetime:
    if (
        len(value) != 16
        or value[8] != "T"
        or value[15] != "Z"
        or not _DIGITS.issuperset(value[:8] + value[9:15])
    ):
        raise _bad("date", "X-Amz-Date %s is not of the form YYYYMMDDTHHMMSSZ" % _show(value))
    try:
        return datetime(
            int(value[0:4]),
            int(value[4:6]),
            int(value[6:8]),
            int(value[9:11]),
            int(value[11:13]),
            int(value[13:15]),
            tzinfo=timezone.utc,
        )
    except ValueError:
        raise _bad("date", "X-Amz-Date %s is not a valid date and time" % _show(value)) from None


def _parse_expires(value: str) -> int:
    if not value or not _DIGITS.issuperset(value) or value[0] == "0":
        raise _bad(
            "expires",
            "X-Amz-Expires %s is not a whole number of seconds without leading zeros"
            % _show(value),
        )
    seconds = int(value)
    if seconds > MAX_EXPIRY_SECONDS:
        raise _bad(
            "expires",
            "X-Amz-Expires %d is more than the maximum %d seconds (12 hours)"
            % (seconds, MAX_EXPIRY_SECONDS),
        )
    return seconds


def _parse_credential(value: str) -> Tuple[str, str, str, str, str]:
    text = _canonical_value("X-Amz-Credential", value)
    parts = text.rsplit("/", 4)
    if len(parts) != 5 or not parts[0]:
        raise _bad(
            "credential",
            "X-Amz-Credential is not ACCESS_KEY_ID/YYYYMMDD/REGION/SERVICE/aws4_request",
        )
    access_key, date, region, service, terminator = parts
    if len(date) != 8 or not _DIGITS.issuperset(date):
        raise _bad("credential", "X-Amz-Credential has a malformed date %s" % _show(date))
    try:
        check_region(region)
    except InvalidParameterError:
        raise _bad(
            "credential", "X-Amz-Credential has a malformed region %s" % _show(region)
        ) from None
    return access_key, date, region, service, terminator


def decode_token(token: str) -> TokenInfo:
    """Decode a Bedrock bearer token without checking its signature.

    Accepts the query parameters in any order, each exactly once, with or
    without ``X-Amz-Security-Token`` and no other (see the module docstring for
    every rule).  Raises :class:`InvalidTokenError` (a ``ValueError``) naming
    what is wrong; no message quotes the signature, the session token or the
    value of an unknown parameter.  A long-term key (``ABSK...``) is refused
    with ``check`` ``long-term-key``: read it with :func:`decode_long_term_key`.
    """
    if not isinstance(token, str):
        raise _bad("type", "expected a str, got %s" % type(token).__name__)
    if token.startswith(LONG_TERM_KEY_PREFIX):
        raise _bad(
            "long-term-key",
            "this is a long-term Bedrock API key (it starts with %r), not a short-term "
            "token: it was made in the Bedrock console or as an IAM service-specific "
            "credential, and carries no region, issue time or expiry to decode "
            "(decode_long_term_key reads its key id and account)" % LONG_TERM_KEY_PREFIX,
        )
    if not token.startswith(TOKEN_PREFIX):
        raise _bad("prefix", "it does not start with %r" % TOKEN_PREFIX)
    body = token[len(TOKEN_PREFIX) :]
    if not body or len(body) % 4 or not _B64_CHARS.issuperset(body):
        raise _bad(
            "base64",
            "the text after %r is not standard base64 (A-Z a-z 0-9 + / and = padding, "
            "a multiple of 4 characters)" % TOKEN_PREFIX,
        )
    try:
        raw = a2b_base64(body)
    except _B64Error:
        raise _bad("base64", "the text after %r is not valid base64" % TOKEN_PREFIX) from None
    if b2a_base64(raw, newline=False).decode("ascii") != body:
        raise _bad(
            "base64",
            "the text after %r is not canonical base64 (misplaced padding or "
            "non-zero trailing bits)" % TOKEN_PREFIX,
        )
    if not raw.isascii():
        # Checked, not caught: a UnicodeDecodeError would stay on the error as its
        # __context__ (``from None`` only hides it), holding the whole decoded URL.
        raise _bad("encoding", "the decoded URL is not ASCII text")
    url = raw.decode("ascii")
    host, slash, rest = url.partition("/")
    if host != BEDROCK_HOST:
        raise _bad("host", "the URL's host is %s, not %r" % (_show(host), BEDROCK_HOST))
    if not slash or not rest.startswith("?"):
        raise _bad("path", "the URL's path must be '/' followed by a query string")
    params = _split_query(rest[1:])
    if params["Version"] != "1":
        raise _bad("version", "Version is %s; only Version=1 is known" % _show(params["Version"]))
    if params["Action"] != _ACTION:
        raise _bad("action", "Action is %s, not %r" % (_show(params["Action"]), _ACTION))
    if params["X-Amz-Algorithm"] != sigv4.ALGORITHM:
        raise _bad(
            "algorithm",
            "X-Amz-Algorithm is %s, not %r" % (_show(params["X-Amz-Algorithm"]), sigv4.ALGORITHM),
        )
    access_key, scope_date, region, service, terminator = _parse_credential(
        params["X-Amz-Credential"]
    )
    issued_at = _parse_amz_date(params["X-Amz-Date"])
    seconds = _parse_expires(params["X-Amz-Expires"])
    if params["X-Amz-SignedHeaders"] != "host":
        raise _bad("signed-headers", "X-Amz-SignedHeaders must be 'host'")
    signature = params["X-Amz-Signature"]
    if len(signature) != 64 or not _HEX.issuperset(signature):
        raise _bad("signature-format", "X-Amz-Signature is not 64 lower-case hex digits")
    try:
        expires_at = issued_at + timedelta(seconds=seconds)
    except OverflowError:
        raise _bad("expires", "it would expire after the year 9999 (beyond datetime)") from None
    session_token = None
    if _OPTIONAL in params:
        session_token = _canonical_value(_OPTIONAL, params[_OPTIONAL])
    return TokenInfo(
        region=region,
        access_key_id=access_key,
        issued_at=issued_at,
        expires_at=expires_at,
        expiry_seconds=seconds,
        has_session_token=session_token is not None,
        version=1,
        service=service,
        scope_date=scope_date,
        _terminator=terminator,
        _signature=signature,
        _session_token=session_token,
        _signed_query=sigv4.canonical_query_string(
            [(name, value) for name, value in params.items() if name not in _UNSIGNED]
        ),
    )


def verify_token(
    token: str,
    credentials: Any,
    *,
    now: Optional[datetime] = None,
    clock_skew: timedelta = CLOCK_SKEW,
) -> TokenInfo:
    """Check ``token`` as the service would, with the ``credentials`` that should have signed it.

    In order: the token is well formed (:func:`decode_token`); its scope is
    ``<X-Amz-Date's day>/<region>/bedrock/aws4_request``; it names the
    credentials' access key id; it carries the credentials' session token (or
    none when they have none; an empty session token counts as none, since the
    JavaScript generator leaves it out); its signature is the one these
    credentials produce for the parameters it carries, in whatever order
    (recomputed from its canonical request and compared in constant time); it
    has not expired at ``now``; and it was not issued more than ``clock_skew``
    after ``now``.

    Returns the :class:`TokenInfo`; raises :class:`InvalidTokenError` whose
    ``check`` names the first check that failed.
    """
    import hmac

    from ._token import credential_values

    info = decode_token(token)
    current = _now(now)
    if not isinstance(clock_skew, timedelta) or clock_skew < timedelta(0):
        raise InvalidParameterError("clock_skew must be a non-negative datetime.timedelta")
    access_key, secret_key, session_token = credential_values(credentials)
    session_token = session_token or None  # an empty one is no session token
    carried = info._session_token or None
    amz_day = "%04d%02d%02d" % (info.issued_at.year, info.issued_at.month, info.issued_at.day)
    if info.scope_date != amz_day:
        raise _bad(
            "scope",
            "the credential scope's date %s differs from X-Amz-Date's day %s"
            % (info.scope_date, amz_day),
        )
    if info.service != SERVICE:
        raise _bad(
            "scope", "the credential scope's service is %s, not %r" % (_show(info.service), SERVICE)
        )
    if info._terminator != "aws4_request":
        raise _bad("scope", "the credential scope does not end with 'aws4_request'")
    if info.access_key_id != access_key:
        raise _bad(
            "access-key",
            "it was signed for access key id %r, not %r" % (info.access_key_id, access_key),
        )
    if carried is None and session_token is not None:
        raise _bad(
            "session-token",
            "it carries no session token, but the credentials have one (%r)" % (access_key,),
        )
    if carried is not None:
        if session_token is None:
            raise _bad(
                "session-token",
                "it carries a session token, but the credentials (%r) have none" % (access_key,),
            )
        if not hmac.compare_digest(carried.encode("utf-8"), session_token.encode("utf-8")):
            raise _bad(
                "session-token",
                "its session token is not the credentials' session token (%r)" % (access_key,),
            )
    if not _signature_matches(info, secret_key):
        raise _bad(
            "signature",
            "the signature does not match the one the secret key of %r produces "
            "(wrong secret key, or the token was altered)" % (access_key,),
        )
    if current >= info.expires_at:
        raise _bad(
            "expired",
            "it expired at %s (%s ago)"
            % (iso_utc(info.expires_at), span(current - info.expires_at)),
        )
    if info.issued_at - current > clock_skew:
        raise _bad(
            "not-yet-valid",
            "it was issued at %s, %s in the future (allowed clock skew %s)"
            % (iso_utc(info.issued_at), span(info.issued_at - current), span(clock_skew)),
        )
    return info


def _signature_matches(info: TokenInfo, secret_key: str) -> bool:
    """Recompute the signature from the token's own canonical request; constant-time compare."""
    import hmac

    amz_date = "%04d%02d%02dT%02d%02d%02dZ" % (
        info.issued_at.year,
        info.issued_at.month,
        info.issued_at.day,
        info.issued_at.hour,
        info.issued_at.minute,
        info.issued_at.second,
    )
    scope = "%s/%s/%s/aws4_request" % (info.scope_date, info.region, info.service)
    key = sigv4.signing_key(secret_key, info.scope_date, info.region, info.service)
    given = info._signature.encode("ascii")
    matched = False
    for payload_hash in _PAYLOAD_HASHES:
        canonical_request = "POST\n/\n%s\nhost:%s\n\nhost\n%s" % (
            info._signed_query,
            BEDROCK_HOST,
            payload_hash,
        )
        text = sigv4.string_to_sign(amz_date, scope, canonical_request)
        expected = sigv4.signature_hex(key, text).encode("ascii")
        matched = hmac.compare_digest(given, expected) or matched
    return matched
