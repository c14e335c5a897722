"""Differential tests: S3 signing (``normalize_path=False, double_encode_path=False``).

S3 URLs, built as a caller builds them (the object key percent-encoded once), go
through our ``presign``/``sign`` and through botocore's S3 signers,
``S3SigV4QueryAuth`` (presigned URL, ``UNSIGNED-PAYLOAD``) and ``S3SigV4Auth``
(``Authorization`` header, ``X-Amz-Content-SHA256``), with botocore's clock frozen
at the same instant.  The canonical request, string to sign, signature, URL and
headers must be identical.

The keys hold what S3 keys hold and SigV4 path handling trips over: spaces, ``+``,
``%``, ``~``, non-ASCII text, ``//``, ``.`` and ``..`` segments, trailing slashes.
Both path-style and virtual-host URLs, with and without a query and a session token,
in several regions.  Two inputs are left to their own tests at the end: an empty
path (botocore signs an empty line, the specification and we sign ``/``) and a
query escape that is not UTF-8 (botocore's presigner turns it into U+FFFD).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import shutil
import string
import sys
import textwrap
from pathlib import Path
from typing import Any, Dict, List, NamedTuple, Optional, Tuple
from urllib.parse import quote

import pytest
from _support import BOTOCORE_VERSION, ROOT, requires_botocore

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from bedrock_token_lite import sigv4  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_sigv4_differential import Creds, frozen_botocore_clock  # noqa: E402

Header = Tuple[str, str]

CREDS = Creds("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
NOW = dt.datetime(2015, 8, 30, 12, 36, tzinfo=dt.timezone.utc)
S3 = {"normalize_path": False, "double_encode_path": False}

#: Runs against the oldest botocore too (CI, see .ci/run).
pytestmark = pytest.mark.signing_oracle


# --------------------------------------------------------------------------
# The oracle: botocore's S3 signers, clock frozen, intermediate strings recorded
# --------------------------------------------------------------------------


class Oracle(NamedTuple):
    url: str
    headers: List[Header]
    canonical_request: str
    string_to_sign: str
    signature: str


def botocore_s3(
    method: str,
    url: str,
    creds: Creds,
    region: str,
    now: dt.datetime,
    *,
    headers: Optional[List[Header]] = None,
    body: bytes = b"",
    expires: Optional[int] = None,
) -> Oracle:
    import botocore.auth
    import botocore.awsrequest
    import botocore.credentials

    seen: Dict[str, str] = {}
    base: Any = botocore.auth.S3SigV4Auth if expires is None else botocore.auth.S3SigV4QueryAuth

    class Recording(base):  # type: ignore[misc, valid-type]
        def canonical_request(self, request: Any) -> str:
            seen["creq"] = super().canonical_request(request)
            return seen["creq"]

        def string_to_sign(self, request: Any, canonical_request: str) -> str:
            seen["sts"] = super().string_to_sign(request, canonical_request)
            return seen["sts"]

        def signature(self, string_to_sign: str, request: Any) -> str:
            seen["sig"] = super().signature(string_to_sign, request)
            return seen["sig"]

    credentials = botocore.credentials.Credentials(creds.access_key, creds.secret_key, creds.token)
    args = () if expires is None else (expires,)
    signer = Recording(credentials, "s3", region, *args)
    request = botocore.awsrequest.AWSRequest(method=method, url=url, data=body)
    for name, value in headers or ():
        request.headers[name] = value
    with frozen_botocore_clock(now):
        signer.add_auth(request)
    return Oracle(
        request.url, list(request.headers.items()), seen["creq"], seen["sts"], seen["sig"]
    )


def ours_presign(
    method: str, url: str, creds: Creds, region: str, now: dt.datetime, expires: int
) -> sigv4.Signed:
    return sigv4.presign(
        method,
        url,
        credentials=creds,
        region=region,
        service="s3",
        now=now,
        expires_in=expires,
        payload_hash=sigv4.UNSIGNED_PAYLOAD,
        **S3,
    )


def ours_sign(
    method: str,
    url: str,
    creds: Creds,
    region: str,
    now: dt.datetime,
    headers: List[Header],
    body: bytes,
) -> sigv4.Signed:
    return sigv4.sign(
        method,
        url,
        headers=headers,
        body=body,
        credentials=creds,
        region=region,
        service="s3",
        now=now,
        content_sha256_header=True,
        **S3,
    )


def lowered(headers: Any) -> List[Header]:
    # botocore writes X-Amz-Content-SHA256, we write x-amz-content-sha256: the same
    # header (names are case-insensitive), so names are compared in lower case.
    return [(n.lower(), v) for n, v in headers]


# --------------------------------------------------------------------------
# Strategies
# --------------------------------------------------------------------------

REGIONS = ["us-east-1", "us-west-2", "eu-west-3", "ap-southeast-2", "sa-east-1", "cn-north-1"]
BUCKET = st.text(string.ascii_lowercase + string.digits + "-", min_size=3, max_size=12).filter(
    lambda b: b[0] != "-" and b[-1] != "-"
)
KEY_SEGMENT = st.one_of(
    st.sampled_from(
        ["", ".", "..", "a b", "a+b", "100%", "%20", "~user", "é", "ሴ", "\U0001f600", "x=y&z"]
    ),
    st.text(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="/"), max_size=8),
)


@st.composite
def object_keys(draw: st.DrawFn) -> str:
    key = "/".join(draw(st.lists(KEY_SEGMENT, max_size=5)))
    if draw(st.integers(0, 4)) == 0:
        key += "/"  # a "folder" key
    return key


def encode_key(key: str) -> str:
    """The key percent-encoded once, as botocore's serializer does for ``{Key+}``."""
    return quote(key, safe="/~")


QUERY_PAIRS = st.one_of(
    st.sampled_from(
        [
            ("versionId", "3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY+MTRCxf3vjVBH40Nr8X8gdRQBpUMLUo"),
            ("response-content-disposition", 'attachment; filename="a b.txt"'),
            ("response-content-type", "text/plain; charset=utf-8"),
            ("partNumber", "1"),
            ("uploadId", "VXBsb2FkIElE"),
            ("acl", None),
            ("tagging", ""),
        ]
    ),
    st.tuples(
        st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=8),
        st.one_of(st.none(), st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=8)),
    ),
)


@st.composite
def queries(draw: st.DrawFn) -> str:
    # Already-canonical pairs with distinct keys: botocore copies a header-mode query
    # as written and its presigner keeps only the first value of a key (both covered by
    # test_sigv4_differential's deliberate-difference tests).
    pairs: Dict[str, Optional[str]] = {}
    for key, value in draw(st.lists(QUERY_PAIRS, max_size=4)):
        pairs.setdefault(quote(key, safe="-_.~"), value)
    return "&".join(
        k if v is None else "%s=%s" % (k, quote(v, safe="-_.~")) for k, v in pairs.items()
    )


class Case(NamedTuple):
    method: str
    url: str
    creds: Creds
    region: str
    now: dt.datetime


@st.composite
def cases(draw: st.DrawFn) -> Case:
    region = draw(st.sampled_from(REGIONS))
    bucket = draw(BUCKET)
    path = "/" + encode_key(draw(object_keys()))
    style = draw(st.sampled_from(["path", "path-global", "virtual", "virtual-global"]))
    if style == "path":
        url = "https://s3.%s.amazonaws.com/%s%s" % (region, bucket, path)
    elif style == "path-global":
        url = "https://s3.amazonaws.com/%s%s" % (bucket, path)
    elif style == "virtual":
        url = "https://%s.s3.%s.amazonaws.com%s" % (bucket, region, path)
    else:
        url = "https://%s.s3.amazonaws.com%s" % (bucket, path)
    if draw(st.integers(0, 5)) == 0:
        url = "http" + url[5:]
    query = draw(queries())
    if query:
        url += "?" + query
    token = draw(
        st.one_of(
            st.none(),
            st.just(""),
            st.text(string.ascii_letters + string.digits + "+/=", min_size=1, max_size=400),
        )
    )
    now = draw(st.datetimes(dt.datetime(2000, 1, 1), dt.datetime(2100, 1, 1)))
    return Case(
        draw(st.sampled_from(["GET", "PUT", "HEAD", "DELETE", "POST"])),
        url,
        Creds("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", token),
        region,
        now.replace(tzinfo=dt.timezone.utc),
    )


HEADER_LISTS = st.lists(
    st.sampled_from(
        [
            ("Content-Type", "text/plain"),
            ("x-amz-meta-owner", "  a   b "),
            ("x-amz-storage-class", "STANDARD_IA"),
            ("Range", "bytes=0-99"),
            ("Content-MD5", "1B2M2Y8AsgTpgAmY7PhCfg=="),
            ("User-Agent", "test/1.0"),
        ]
    ),
    max_size=3,
    unique=True,
)


# --------------------------------------------------------------------------
# The differential tests
# --------------------------------------------------------------------------


@requires_botocore
@given(cases(), st.integers(1, 7 * 24 * 3600))
def test_s3_presign_matches_botocore(case: Case, expires: int) -> None:
    ours = ours_presign(case.method, case.url, case.creds, case.region, case.now, expires)
    theirs = botocore_s3(case.method, case.url, case.creds, case.region, case.now, expires=expires)
    assert ours.canonical_request == theirs.canonical_request
    assert ours.string_to_sign == theirs.string_to_sign
    assert ours.signature == theirs.signature
    assert ours.url == theirs.url


@requires_botocore
@given(cases(), HEADER_LISTS, st.binary(max_size=64))
def test_s3_sign_matches_botocore(case: Case, headers: List[Header], body: bytes) -> None:
    ours = ours_sign(case.method, case.url, case.creds, case.region, case.now, headers, body)
    theirs = botocore_s3(
        case.method, case.url, case.creds, case.region, case.now, headers=headers, body=body
    )
    assert ours.canonical_request == theirs.canonical_request
    assert ours.string_to_sign == theirs.string_to_sign
    assert ours.signature == theirs.signature
    assert ours.url == theirs.url
    assert lowered(ours.headers) == lowered(theirs.headers)
    added = dict(lowered(ours.headers))
    for name in ("authorization", "x-amz-date", "x-amz-content-sha256"):
        assert added[name] == dict(lowered(theirs.headers))[name]
    assert added["x-amz-content-sha256"] == hashlib.sha256(body).hexdigest()
    if case.creds.token:
        assert added["x-amz-security-token"] == case.creds.token


# --------------------------------------------------------------------------
# Hand-written examples (expected values from botocore 1.44.8; no botocore needed)
# --------------------------------------------------------------------------

SPACE_URL = "https://s3.us-east-1.amazonaws.com/bucket/a%20b/x"
SPACE_AUTH_QUERY = (
    "X-Amz-Algorithm=AWS4-HMAC-SHA256"
    "&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fs3%2Faws4_request"
    "&X-Amz-Date=20150830T123600Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host"
)


def test_presign_a_key_with_a_space_as_botocore() -> None:
    # The regression: the escape in the key was encoded again (a%2520b).
    signed = ours_presign("GET", SPACE_URL, CREDS, "us-east-1", NOW, 60)
    assert signed.canonical_request == (
        "GET\n/bucket/a%20b/x\n"
        + SPACE_AUTH_QUERY
        + "\nhost:s3.us-east-1.amazonaws.com\n\nhost\nUNSIGNED-PAYLOAD"
    )
    assert signed.url == (
        SPACE_URL
        + "?"
        + SPACE_AUTH_QUERY
        + "&X-Amz-Signature=6ef0227299414b08d55edd1d8b232fd1beed445960633fd2dc5d187d9d08239a"
    )


def test_sign_a_key_with_a_space_as_botocore() -> None:
    signed = ours_sign("GET", SPACE_URL, CREDS, "us-east-1", NOW, [], b"")
    assert signed.canonical_request.split("\n")[1] == "/bucket/a%20b/x"
    assert signed.headers == (
        ("X-Amz-Date", "20150830T123600Z"),
        ("x-amz-content-sha256", sigv4.EMPTY_SHA256),
        (
            "Authorization",
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/s3/aws4_request, "
            "SignedHeaders=host;x-amz-content-sha256;x-amz-date, "
            "Signature=dd6dd4056c5678f6951221f93b750b2c6fccaedbf80576758826c5cd6043fddb",
        ),
    )


def test_double_encoding_stays_the_default() -> None:
    # What the AWS SigV4 test suite and every service but S3 expect.
    def path(**kw: Any) -> str:
        signed = sigv4.presign(
            "GET",
            SPACE_URL,
            credentials=CREDS,
            region="r",
            service="s",
            now=NOW,
            expires_in=1,
            **kw,
        )
        return signed.canonical_request.split("\n")[1]

    assert path() == path(normalize_path=True, double_encode_path=True) == "/bucket/a%2520b/x"
    assert path(normalize_path=False) == "/bucket/a%2520b/x"


@pytest.mark.parametrize(
    ("url_path", "expected"),
    [
        ("/a/./b/../c%20d//e/", "/a/c%20d/e/"),  # dot segments and empty ones go, escapes stay
        ("/../%2E%2E/x", "/%2E%2E/x"),  # an encoded dot is a name, not a dot segment
        ("/k~%7E+", "/k~%7E+"),  # as written: no re-encoding, no decoding
        ("", "/"),
    ],
)
def test_normalize_without_double_encoding(url_path: str, expected: str) -> None:
    # normalize_path=True, double_encode_path=False: dot segments are removed (as the
    # default does), then the path is signed as written, encoded only once.
    signed = sign_get("https://example.amazonaws.com" + url_path, double_encode_path=False)
    assert signed.canonical_request.split("\n")[1] == expected


def sign_get(url: str, **kw: Any) -> sigv4.Signed:
    return sigv4.sign(
        "GET", url, credentials=CREDS, region="us-east-1", service="s3", now=NOW, **kw
    )


# --------------------------------------------------------------------------
# Deliberate differences from botocore, pinned on both sides
# --------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["presign", "header"])
def test_empty_path_is_signed_as_a_slash(mode: str) -> None:
    # A URL with no path is requested as "/" (GET /?X-Amz-... HTTP/1.1), and the
    # specification's canonical URI for it is "/"; botocore's S3 signers sign an
    # empty line instead.
    url = "https://bucket.s3.amazonaws.com"
    if mode == "presign":
        ours = ours_presign("GET", url, CREDS, "us-east-1", NOW, 60)
        assert ours.url.startswith(url + "?X-Amz-Algorithm=")  # the URL itself is kept
    else:
        ours = ours_sign("GET", url, CREDS, "us-east-1", NOW, [], b"")
    assert ours.canonical_request.split("\n")[1] == "/"
    if mode == "presign":
        slash = ours_presign("GET", url + "/", CREDS, "us-east-1", NOW, 60)
    else:
        slash = ours_sign("GET", url + "/", CREDS, "us-east-1", NOW, [], b"")
    assert ours.signature == slash.signature
    if BOTOCORE_VERSION is None:  # only our side is pinned
        return
    theirs = botocore_s3(
        "GET", url, CREDS, "us-east-1", NOW, expires=60 if mode == "presign" else None
    )
    assert theirs.canonical_request.split("\n")[1] == ""
    assert theirs.canonical_request.replace("\n\n", "\n/\n", 1) == ours.canonical_request


@pytest.mark.parametrize("s3", [False, True], ids=["default", "s3"])
def test_presign_keeps_a_query_escape_that_is_not_utf8(s3: bool) -> None:
    # ?k=%FF: we keep the byte (%FF), as the SigV4 specification and awscrt do;
    # botocore's presigner decodes the query as UTF-8 with errors="replace" and
    # signs U+FFFD (%EF%BF%BD).  README "Differences from botocore" says so.
    url = "https://bucket.s3.amazonaws.com/k?k=%FF"
    kw: Dict[str, Any] = dict(S3, payload_hash=sigv4.UNSIGNED_PAYLOAD) if s3 else {}
    ours = sigv4.presign(
        "GET",
        url,
        credentials=CREDS,
        region="us-east-1",
        service="s3",
        now=NOW,
        expires_in=60,
        **kw,
    )
    query = ours.canonical_request.split("\n")[2].split("&")
    assert "k=%FF" in query
    assert ours.url.startswith("https://bucket.s3.amazonaws.com/k?k=%FF&X-Amz-Algorithm=")
    if BOTOCORE_VERSION is None:  # only our side is pinned
        return
    if s3:
        theirs = botocore_s3("GET", url, CREDS, "us-east-1", NOW, expires=60)
    else:
        from test_sigv4_differential import botocore_sign

        theirs_any = botocore_sign("GET", url, [], None, CREDS, "us-east-1", "s3", NOW, 60)
        theirs = Oracle(
            theirs_any.url,
            theirs_any.headers,
            theirs_any.canonical_request,
            theirs_any.string_to_sign,
            theirs_any.signature,
        )
    assert "k=%EF%BF%BD" in theirs.canonical_request.split("\n")[2].split("&")
    assert theirs.url.startswith("https://bucket.s3.amazonaws.com/k?k=%EF%BF%BD&")
    # Everything else is the same: with U+FFFD written out, we sign what botocore signs.
    replaced = url.replace("%FF", "%EF%BF%BD")
    again = sigv4.presign(
        "GET",
        replaced,
        credentials=CREDS,
        region="us-east-1",
        service="s3",
        now=NOW,
        expires_in=60,
        **kw,
    )
    assert again.url == theirs.url


# --------------------------------------------------------------------------
# The README example
# --------------------------------------------------------------------------


def readme_s3_example() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    # Fenced python blocks, also indented ones (inside a list item).
    blocks = re.findall(r"^( *)```python\n(.*?)^\1```", text, flags=re.S | re.M)
    found = [code for _, code in blocks if "double_encode_path=False" in code]
    assert len(found) == 1, "README should hold one S3 presign example"
    return textwrap.dedent(found[0])


@requires_botocore
def test_readme_s3_presign_example_matches_botocore(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # As the README says: sigv4.py copied on its own into a project, imported as "sigv4".
    shutil.copy(ROOT / "bedrock_token_lite" / "sigv4.py", tmp_path / "sigv4.py")
    monkeypatch.syspath_prepend(str(tmp_path))
    saved = sys.modules.pop("sigv4", None)
    try:
        run_readme_example(tmp_path)
    finally:
        sys.modules.pop("sigv4", None)
        if saved is not None:
            sys.modules["sigv4"] = saved


def run_readme_example(tmp_path: Path) -> None:
    creds = Creds("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "session+token/=")
    namespace: Dict[str, Any] = {"credentials": creds}
    exec(compile(readme_s3_example(), "README.md", "exec"), namespace)  # noqa: S102 (our README)
    url = namespace["url"]
    match = re.search(r"X-Amz-Date=(\d{8}T\d{6}Z)&X-Amz-Expires=(\d+)&", url)
    assert match is not None
    instant = dt.datetime.strptime(match.group(1), "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.timezone.utc)
    expected_base = "https://bucket.s3.us-east-1.amazonaws.com/my%20key.txt"
    theirs = botocore_s3(
        "GET", expected_base, creds, "us-east-1", instant, expires=int(match.group(2))
    )
    assert url == theirs.url
    assert sys.modules["sigv4"].__file__ == str(tmp_path / "sigv4.py")  # the copy ran
