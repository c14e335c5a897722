"""Differential tests: ``sigv4.sign``/``presign`` against botocore's signers.

Random requests, credentials, scopes and instants go through both our signer and
botocore's ``SigV4Auth`` (header) or ``SigV4QueryAuth`` (presign), with botocore's
clock frozen at the same instant; the URL, the header list, the canonical request,
the string to sign and the signature must be identical.

The strategies only build inputs botocore handles as the SigV4 specification says:
query strings made of already-canonical pairs (botocore does not re-encode them when
signing with a header), and for presigning no repeated keys, no ``+``, no fragment
and no body (botocore keeps the first value of a key, reads ``+`` as a space, appends
the signature after the fragment and moves a body into the URL).  Each of those
deliberate differences has its own test at the end, asserting what the specification
requires.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import string
import types
from contextlib import contextmanager
from typing import Any, Dict, Iterator, List, NamedTuple, Optional, Tuple
from urllib.parse import quote

import pytest
from _support import BOTOCORE_VERSION, requires_botocore

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from bedrock_token_lite import sigv4  # noqa: E402

pytestmark = [requires_botocore, pytest.mark.signing_oracle]

Header = Tuple[str, str]


class Creds(NamedTuple):
    access_key: str
    secret_key: str
    token: Optional[str] = None


# --------------------------------------------------------------------------
# The oracle: botocore with its clock frozen, recording the intermediate strings
# --------------------------------------------------------------------------


@contextmanager
def frozen_botocore_clock(now: dt.datetime) -> Iterator[None]:
    """Make botocore's signers read ``now`` (as the naive UTC value they expect)."""
    import botocore.auth

    naive = now.astimezone(dt.timezone.utc).replace(tzinfo=None)
    if hasattr(botocore.auth, "get_current_datetime"):
        saved = botocore.auth.get_current_datetime
        botocore.auth.get_current_datetime = lambda *a, **k: naive
        try:
            yield
        finally:
            botocore.auth.get_current_datetime = saved
        return

    # Older botocore (the one Python 3.7 gets) calls datetime.datetime.utcnow() itself.
    class Frozen(dt.datetime):
        @classmethod
        def utcnow(cls) -> dt.datetime:
            return naive

    fake = types.SimpleNamespace(**{k: getattr(dt, k) for k in dir(dt) if not k.startswith("__")})
    fake.datetime = Frozen
    saved_module = botocore.auth.datetime
    botocore.auth.datetime = fake
    try:
        yield
    finally:
        botocore.auth.datetime = saved_module


class Oracle(NamedTuple):
    url: str
    headers: List[Header]
    canonical_request: str
    string_to_sign: str
    signature: str
    host: str  # what botocore derives from the URL


def botocore_sign(
    method: str,
    url: str,
    headers: List[Header],
    body: Any,
    creds: Creds,
    region: str,
    service: str,
    now: dt.datetime,
    expires: Optional[int] = None,
) -> Oracle:
    import botocore.auth
    import botocore.awsrequest
    import botocore.credentials

    seen: Dict[str, str] = {}

    def recording(base: Any) -> Any:
        class Recording(base):
            def canonical_request(self, request: Any) -> str:
                seen["creq"] = super().canonical_request(request)
                return seen["creq"]

            def string_to_sign(self, request: Any, canonical_request: str) -> str:
                seen["sts"] = super().string_to_sign(request, canonical_request)
                return seen["sts"]

            def signature(self, string_to_sign: str, request: Any) -> str:
                seen["sig"] = super().signature(string_to_sign, request)
                return seen["sig"]

        return Recording

    credentials = botocore.credentials.Credentials(creds.access_key, creds.secret_key, creds.token)
    if expires is None:
        signer = recording(botocore.auth.SigV4Auth)(credentials, service, region)
    else:
        signer = recording(botocore.auth.SigV4QueryAuth)(credentials, service, region, expires)
    request = botocore.awsrequest.AWSRequest(method=method, url=url, data=body)
    for name, value in headers:
        request.headers[name] = value  # appends: repeated names are kept
    with frozen_botocore_clock(now):
        signer.add_auth(request)
    return Oracle(
        request.url,
        list(request.headers.items()),
        seen["creq"],
        seen["sts"],
        seen["sig"],
        botocore.auth._host_from_url(url),
    )


# --------------------------------------------------------------------------
# Strategies
# --------------------------------------------------------------------------

TOKEN_CHARS = string.ascii_letters + string.digits + "-"
#: No surrogates, no control characters (urlsplit strips some, botocore's IPv6
#: check rejects others), and nothing that ends a path.
TEXT = st.characters(blacklist_categories=("Cs", "Cc"))
PATH_CHARS = st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="?#")
WHITESPACE = st.sampled_from(
    [" ", "  ", "\t", " \t ", "\u00a0", "\u2003", "\u2028", "\x85", "\x1f", "\n ", "\x0b"]
)
#: Written out here, not taken from the module under test, so a name dropped from the
#: signer's list is still generated (and caught).
NEVER_SIGNED = [
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
]
SPECIAL_HEADERS = [
    "Host",
    "Date",
    "X-Amz-Date",
    "Authorization",
    "X-Amz-Content-SHA256",
    "X-Amz-Security-Token",
    "Content-Type",
    *NEVER_SIGNED,
]


@st.composite
def random_case(draw: st.DrawFn, name: str) -> str:
    flips = draw(st.lists(st.booleans(), min_size=len(name), max_size=len(name)))
    return "".join(c.swapcase() if f else c for c, f in zip(name, flips))


@st.composite
def hosts(draw: st.DrawFn, scheme: str) -> str:
    kind = draw(st.sampled_from(["dns", "ipv4", "ipv6"]))
    if kind == "dns":
        label = st.text(TOKEN_CHARS, min_size=1, max_size=10).filter(
            lambda s: s[0] != "-" and s[-1] != "-"
        )
        host = ".".join(draw(st.lists(label, min_size=1, max_size=4)))
    elif kind == "ipv4":
        host = str(ipaddress.IPv4Address(draw(st.integers(0, 2**32 - 1))))
    else:
        address = ipaddress.IPv6Address(draw(st.integers(0, 2**128 - 1)))
        text = draw(st.sampled_from([address.compressed, address.exploded]))
        host = "[%s]" % draw(st.sampled_from([text, text.upper()]))
    port = draw(
        st.one_of(
            st.none(),
            st.just({"http": 80, "https": 443}[scheme]),
            st.sampled_from([80, 443, 8080]),
            st.integers(1, 65535),
        )
    )
    if port is not None:
        host = "%s:%d" % (host, port)
    if draw(st.integers(0, 9)) == 0:
        host = "user:secret@" + host
    return host


@st.composite
def paths(draw: st.DrawFn) -> str:
    segment = st.one_of(
        st.sampled_from(
            ["", ".", "..", "%", "%20", "%2F", " ", "~", "a b", "é", "ሴ", "\U0001f600"]
        ),
        st.text(PATH_CHARS, max_size=8).map(lambda s: s.replace("/", "")),
    )
    segments = draw(st.lists(segment, max_size=6))
    if not segments and draw(st.booleans()):
        return ""
    return "/" + "/".join(segments)


def canonical(part: Any) -> str:
    """URI-encode a key or value as the SigV4 specification says (independently of us)."""
    return quote(part, safe="-_.~")


@st.composite
def queries(draw: st.DrawFn, presigning: bool) -> str:
    raw = st.text(TEXT, max_size=8)
    if not presigning:  # undecodable bytes are fine with a header; parse_qs mangles them
        raw = st.one_of(raw, st.binary(max_size=6))
    keys = st.one_of(raw, st.sampled_from(["X-Amz-Date", "Action", "a", "A", "b"]))
    pairs = draw(st.lists(st.tuples(keys, raw, st.integers(0, 9)), max_size=6))
    if presigning:  # no repeated keys
        unique: Dict[str, Tuple[Any, Any, int]] = {}
        for pair in pairs:
            unique.setdefault(canonical(pair[0]), pair)
        pairs = list(unique.values())
    out = []
    for key, value, form in pairs:
        if form == 0:
            out.append(canonical(key))  # no '='
        elif form == 1:
            out.append("")  # an empty pair, as in a=1&&b=2
        else:
            out.append("%s=%s" % (canonical(key), canonical(value)))
    return "&".join(out)


@st.composite
def header_values(draw: st.DrawFn) -> str:
    inner = draw(st.lists(st.text(TEXT, max_size=6), max_size=4))
    gaps = [draw(WHITESPACE) for _ in inner]
    value = "".join(w + p for w, p in zip(gaps, inner))
    if draw(st.booleans()):
        value = draw(WHITESPACE) + value + draw(WHITESPACE)
    return value


@st.composite
def header_lists(draw: st.DrawFn, scheme: str) -> List[Header]:
    out: List[Header] = []
    for _ in range(draw(st.integers(0, 6))):
        if draw(st.booleans()):
            name = draw(st.text(TOKEN_CHARS, min_size=1, max_size=12))
        else:
            name = draw(random_case(draw(st.sampled_from(SPECIAL_HEADERS))))
        lname = name.lower()
        if lname == "host":
            value = draw(st.one_of(hosts(scheme), header_values()))
        elif lname == "content-type":
            value = draw(
                st.one_of(
                    st.just("application/x-www-form-urlencoded; charset=utf-8"),
                    st.just("application/json"),
                    header_values(),
                )
            )
        elif lname == "x-amz-content-sha256":
            value = draw(
                st.one_of(
                    st.just(sigv4.UNSIGNED_PAYLOAD),
                    st.binary(max_size=8).map(lambda b: hashlib.sha256(b).hexdigest()),
                    header_values(),
                )
            )
        else:
            value = draw(header_values())
        out.append((name, value))
        if draw(st.integers(0, 5)) == 0:  # the same name again, in another case
            out.append((name.swapcase(), draw(header_values())))
    return out


KEY_TEXT = st.text(TEXT, min_size=1, max_size=24)
credentials = st.builds(
    Creds,
    st.one_of(st.just("AKIDEXAMPLE"), KEY_TEXT),
    st.one_of(st.just("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"), KEY_TEXT),
    st.one_of(
        st.none(),
        st.just(""),
        st.text(TEXT, min_size=1, max_size=16),
        st.text(string.ascii_letters + string.digits + "+/=", min_size=300, max_size=1200),
    ),
)
scope_part = st.one_of(
    st.sampled_from(["us-east-1", "eu-west-3", "bedrock", "s3", "execute-api"]),
    st.text(TOKEN_CHARS, min_size=1, max_size=16),
    st.text(TEXT, min_size=1, max_size=8),
)
methods = st.one_of(
    st.sampled_from(["GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "OPTIONS"]),
    st.text(string.ascii_letters, min_size=1, max_size=8),
)
offsets = st.integers(-(24 * 60 - 1), 24 * 60 - 1).map(
    lambda m: dt.timezone(dt.timedelta(minutes=m))
)
instants = st.builds(
    lambda base, tz: base.replace(tzinfo=dt.timezone.utc).astimezone(tz),
    st.datetimes(dt.datetime(1971, 1, 1), dt.datetime(2199, 12, 31)),
    offsets,
)
bodies = st.one_of(st.just(b""), st.binary(max_size=64), st.text(TEXT, max_size=32))


class Case(NamedTuple):
    method: str
    url: str
    headers: List[Header]
    body: Any
    creds: Creds
    region: str
    service: str
    now: dt.datetime


@st.composite
def cases(draw: st.DrawFn, presigning: bool) -> Case:
    scheme = draw(st.sampled_from(["https", "http"]))
    url = "%s://%s%s" % (scheme, draw(hosts(scheme)), draw(paths()))
    query = draw(queries(presigning))
    if query or draw(st.integers(0, 9)) == 0:
        url += "?" + query
    return Case(
        draw(methods),
        url,
        draw(header_lists(scheme)),
        b"" if presigning else draw(bodies),
        draw(credentials),
        draw(scope_part),
        draw(scope_part),
        draw(instants),
    )


def botocore_never_signed() -> List[str]:
    import botocore.auth

    return sorted(botocore.auth.SIGNED_HEADERS_BLACKLIST)


#: Names we never sign that the installed botocore still signs (botocore 1.43 lacks the
#: trace-context trio, older releases more).  Requests with them are not compared.
TOO_NEW = frozenset(NEVER_SIGNED) - frozenset(botocore_never_signed() if BOTOCORE_VERSION else ())


def comparable(case: Case) -> bool:
    return not any(name.lower() in TOO_NEW for name, _ in case.headers)


# --------------------------------------------------------------------------
# The differential tests
# --------------------------------------------------------------------------


def frozen_copy(headers: List[Header]) -> List[Header]:
    return [(n, v) for n, v in headers]


@given(cases(presigning=False).filter(comparable))
def test_sign_matches_botocore(case: Case) -> None:
    given_headers = frozen_copy(case.headers)
    ours = sigv4.sign(
        case.method,
        case.url,
        headers=case.headers,
        body=case.body,
        credentials=case.creds,
        region=case.region,
        service=case.service,
        now=case.now,
    )
    theirs = botocore_sign(
        case.method,
        case.url,
        case.headers,
        case.body,
        case.creds,
        case.region,
        case.service,
        case.now,
    )
    assert case.headers == given_headers  # not mutated
    assert ours.canonical_request == theirs.canonical_request
    assert ours.string_to_sign == theirs.string_to_sign
    assert ours.signature == theirs.signature
    assert ours.url == theirs.url
    assert list(ours.headers) == theirs.headers


@given(cases(presigning=True).filter(comparable), st.integers(1, 7 * 24 * 3600), st.booleans())
def test_presign_matches_botocore(case: Case, expires: int, as_timedelta: bool) -> None:
    ours = sigv4.presign(
        case.method,
        case.url,
        headers=case.headers,
        credentials=case.creds,
        region=case.region,
        service=case.service,
        now=case.now,
        expires_in=dt.timedelta(seconds=expires) if as_timedelta else expires,
    )
    theirs = botocore_sign(
        case.method,
        case.url,
        case.headers,
        None,
        case.creds,
        case.region,
        case.service,
        case.now,
        expires=expires,
    )
    assert ours.canonical_request == theirs.canonical_request
    assert ours.string_to_sign == theirs.string_to_sign
    assert ours.signature == theirs.signature
    assert ours.url == theirs.url
    # Our headers are the ones that were signed (and must be sent): botocore's request
    # headers without the never-signed ones, plus the host it derived when none was given.
    expected = [(n, v) for n, v in theirs.headers if n.lower() not in NEVER_SIGNED]
    if not any(n.lower() == "host" for n, _ in expected):
        expected.append(("host", theirs.host))
    assert list(ours.headers) == expected


def test_never_signed_list_is_botocores() -> None:
    assert frozenset(NEVER_SIGNED) == sigv4.NEVER_SIGNED
    theirs = botocore_never_signed()
    assert set(theirs) <= set(NEVER_SIGNED)  # botocore's list has only grown
    if BOTOCORE_VERSION is not None and BOTOCORE_VERSION >= (1, 44):
        assert theirs == sorted(NEVER_SIGNED)
    elif BOTOCORE_VERSION is not None and BOTOCORE_VERSION >= (1, 43):
        # 1.43: ours is its list plus the trace-context trio.  (Much older releases,
        # such as the one Python 3.7 gets, skipped only three names.)
        assert sorted(set(NEVER_SIGNED) - set(theirs)) == ["baggage", "traceparent", "tracestate"]


# --------------------------------------------------------------------------
# Deliberate differences: what the SigV4 specification requires
# --------------------------------------------------------------------------

CREDS = Creds("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
NOW = dt.datetime(2015, 8, 30, 12, 36, tzinfo=dt.timezone.utc)
AUTH_QUERY = (
    "X-Amz-Algorithm=AWS4-HMAC-SHA256"
    "&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fservice%2Faws4_request"
    "&X-Amz-Date=20150830T123600Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host"
)


def presign_url(url: str, **kw: Any) -> sigv4.Signed:
    return sigv4.presign(
        "GET",
        url,
        credentials=CREDS,
        region="us-east-1",
        service="service",
        now=NOW,
        expires_in=60,
        **kw,
    )


def sign_url(url: str, **kw: Any) -> sigv4.Signed:
    return sigv4.sign(
        "GET", url, credentials=CREDS, region="us-east-1", service="service", now=NOW, **kw
    )


def query_line(signed: sigv4.Signed) -> str:
    return signed.canonical_request.split("\n")[2]


def test_presign_keeps_repeated_query_keys() -> None:
    # The canonical query holds every parameter, sorted by name then value; the URL
    # keeps the request's own parameters, in order, before the authentication ones.
    signed = presign_url("https://example.amazonaws.com/?b=2&a=2&a=1")
    assert query_line(signed) == AUTH_QUERY + "&a=1&a=2&b=2"  # byte order: X < a
    assert signed.url.startswith("https://example.amazonaws.com/?b=2&a=2&a=1&X-Amz-Algorithm=")
    assert signed.url.endswith("&X-Amz-Signature=" + signed.signature)


@pytest.mark.parametrize("mode", ["header", "presign"])
def test_plus_is_a_literal_plus(mode: str) -> None:
    # '+' is not unreserved, so the canonical form of "a+b" is a%2Bb; only
    # application/x-www-form-urlencoded reads it as a space.
    url = "https://example.amazonaws.com/?a+b=c+d"
    signed = sign_url(url) if mode == "header" else presign_url(url)
    same = sign_url if mode == "header" else presign_url
    assert "a%2Bb=c%2Bd" in query_line(signed).split("&")
    assert signed.signature == same("https://example.amazonaws.com/?a%2Bb=c%2Bd").signature
    assert signed.signature != same("https://example.amazonaws.com/?a%20b=c%20d").signature


def test_header_mode_reencodes_a_non_canonical_query() -> None:
    # Each name and value is URI-encoded once: unreserved characters plain, everything
    # else %XX in upper case, a '%' that starts no escape encoded itself.
    signed = sign_url("https://example.amazonaws.com/?k=a/b&%7e=%7E&x=%e1%88%b4&sp=a b&bad=%zz")
    assert query_line(signed) == "bad=%25zz&k=a%2Fb&sp=a%20b&x=%E1%88%B4&~=~"
    canonical_url = "https://example.amazonaws.com/?bad=%25zz&k=a%2Fb&sp=a%20b&x=%E1%88%B4&~=~"
    assert signed.signature == sign_url(canonical_url).signature
    assert signed.url.endswith("&bad=%zz")  # the URL itself is returned as given


@pytest.mark.parametrize("mode", ["header", "presign"])
def test_fragment_is_not_signed_and_stays_last(mode: str) -> None:
    # A fragment is never sent, so it is not part of the canonical request; a presigned
    # URL keeps it at the end, after X-Amz-Signature.
    url = "https://example.amazonaws.com/p?a=1#frag?x=1"
    signed = sign_url(url) if mode == "header" else presign_url(url)
    plain = (sign_url if mode == "header" else presign_url)(url.partition("#")[0])
    assert signed.canonical_request == plain.canonical_request
    assert signed.signature == plain.signature
    if mode == "presign":
        assert signed.url == plain.url + "#frag?x=1"
        assert "&X-Amz-Signature=%s#" % signed.signature in signed.url


def test_presign_keeps_body_and_its_form_content_type() -> None:
    body = b"Param1=value1"
    form = ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
    signed = presign_url("https://example.amazonaws.com/", headers=[form], body=body)
    assert form in signed.headers
    lines = signed.canonical_request.split("\n")
    assert lines[-2] == "content-type;host"
    assert lines[-1] == hashlib.sha256(body).hexdigest()
    assert "Param1" not in signed.url
    # With no body botocore's rule applies: its default form content type is dropped.
    bare = presign_url("https://example.amazonaws.com/", headers=[form])
    assert form not in bare.headers
    assert bare.canonical_request.split("\n")[-2] == "host"
