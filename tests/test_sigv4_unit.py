"""Unit tests of ``bedrock_token_lite.sigv4``: its contract beyond conformance.

Immutability and redaction of :class:`Signed`, argument checking, no mutation of
inputs, the bounded derived-key cache, the documented key-derivation example,
percent-encoding against ``urllib.parse``, and that the module can be copied out and
used alone (standard library only, cheap to import).
"""

from __future__ import annotations

import ast
import hashlib
import hmac
import importlib.util
import json
import logging
import os
import shutil
import subprocess
import sys
import sysconfig
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Dict, Iterator, List, NamedTuple, Optional, Tuple
from urllib.parse import quote, unquote_to_bytes

import pytest
from _support import ROOT

from bedrock_token_lite import sigv4

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

SIGV4_FILE = ROOT / "bedrock_token_lite" / "sigv4.py"
NOW = datetime(2015, 8, 30, 12, 36, tzinfo=timezone.utc)
ACCESS_KEY = "AKIDEXAMPLE"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
TOKEN = "FwoGZXIvYXdzEXAMPLE-session-token/with+odd=chars"
#: Modules that ``import bedrock_token_lite`` must not load (lazy imports only).
HEAVY = (
    "argparse",
    "configparser",
    "email",
    "http.client",
    "json",
    "re",
    "socket",
    "ssl",
    "subprocess",
    "threading",
    "urllib.request",
    "xml",
)


class Creds(NamedTuple):
    access_key: str
    secret_key: str
    token: Optional[str] = None


CREDS = Creds(ACCESS_KEY, SECRET_KEY, TOKEN)


def sign(url: str = "https://example.amazonaws.com/p?a=1", **kw: Any) -> sigv4.Signed:
    kw.setdefault("credentials", CREDS)
    kw.setdefault("now", NOW)
    return sigv4.sign("GET", url, region="us-east-1", service="service", **kw)


def presign(url: str = "https://example.amazonaws.com/p?a=1", **kw: Any) -> sigv4.Signed:
    kw.setdefault("credentials", CREDS)
    kw.setdefault("now", NOW)
    kw.setdefault("expires_in", 900)
    return sigv4.presign("GET", url, region="us-east-1", service="service", **kw)


def both() -> Iterator[sigv4.Signed]:
    headers = [("X-Custom", "custom-header-value"), ("Content-Type", "text/plain")]
    yield sign(headers=headers)
    yield presign(headers=headers)


# --------------------------------------------------------------------------
# Signed
# --------------------------------------------------------------------------


@pytest.mark.parametrize("signed", list(both()), ids=["sign", "presign"])
def test_signed_is_immutable(signed: sigv4.Signed) -> None:
    for name in ("url", "headers", "canonical_request", "string_to_sign", "signature", "extra"):
        with pytest.raises(AttributeError):
            setattr(signed, name, "x")
    with pytest.raises(AttributeError):
        del signed.signature
    assert not hasattr(signed, "__dict__")
    assert isinstance(signed.headers, tuple)
    assert all(isinstance(h, tuple) for h in signed.headers)
    assert signed == signed
    assert hash(signed) == hash(signed)


@pytest.mark.parametrize("signed", list(both()), ids=["sign", "presign"])
def test_signed_repr_hides_secrets(signed: sigv4.Signed) -> None:
    text = repr(signed) + str(signed) + format(signed)
    assert signed.signature not in text
    assert signed.url not in text
    assert "example.amazonaws.com" not in text
    assert TOKEN not in text
    assert quote(TOKEN, safe="") not in text
    assert SECRET_KEY not in text
    for name, value in signed.headers:
        assert value not in text
        assert name in text  # the header names are shown
    assert "redacted" in text


def test_signed_equality() -> None:
    assert sign() == sign()
    assert hash(sign()) == hash(sign())
    assert sign() != sign("https://example.amazonaws.com/q")
    assert sign() != object()


# --------------------------------------------------------------------------
# Arguments
# --------------------------------------------------------------------------


@pytest.mark.parametrize("signer", [sign, presign])
def test_naive_now_is_refused(signer: Any) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        signer(now=datetime(2015, 8, 30, 12, 36))


@pytest.mark.parametrize("signer", [sign, presign])
@pytest.mark.parametrize(
    "now",
    [
        datetime.min.replace(tzinfo=timezone(timedelta(minutes=1))),
        datetime.max.replace(tzinfo=timezone(timedelta(minutes=-1))),
    ],
    ids=["before-year-1", "after-year-9999"],
)
def test_now_outside_the_range_in_utc_is_a_value_error(signer: Any, now: datetime) -> None:
    """Its UTC instant is outside datetime's range: ValueError, not OverflowError."""
    with pytest.raises(ValueError, match="outside the years 1-9999"):
        signer(now=now)


@pytest.mark.parametrize("signer", [sign, presign])
@pytest.mark.parametrize("now", [date(2015, 8, 30), 1440938160, "20150830T123600Z", None])
def test_non_datetime_now_is_refused(signer: Any, now: Any) -> None:
    with pytest.raises(TypeError, match="now must be a datetime"):
        signer(now=now)


def test_offset_instants_sign_as_utc() -> None:
    eastern = NOW.astimezone(timezone(timedelta(hours=-4, minutes=-30)))
    assert sign(now=eastern) == sign()
    assert presign(now=eastern) == presign()


@pytest.mark.parametrize("expires", [1.5, "900", None, True])
def test_presign_refuses_bad_expiry(expires: Any) -> None:
    with pytest.raises(TypeError, match="expires_in"):
        presign(expires_in=expires)


def test_presign_accepts_timedelta() -> None:
    assert presign(expires_in=timedelta(minutes=15)) == presign(expires_in=900)


@pytest.mark.parametrize(
    "headers",
    [
        "Host: example.com",
        b"Host: example.com",
        [("X-Secret", b"value-that-is-a-secret")],
        [(b"X-Secret", "value-that-is-a-secret")],
        [("X-Secret", "value-that-is-a-secret", "third")],
        [None],
        {"X-Secret": 42},
    ],
)
def test_bad_headers_raise_without_showing_values(headers: Any) -> None:
    with pytest.raises(TypeError) as info:
        sign(headers=headers)
    assert "value-that-is-a-secret" not in str(info.value)
    assert "example.com" not in str(info.value)


class BadCreds:
    def __init__(self, **fields: Any) -> None:
        self.__dict__.update(fields)


@pytest.mark.parametrize(
    "creds",
    [
        BadCreds(access_key=ACCESS_KEY, secret_key=SECRET_KEY.encode(), token=None),
        BadCreds(access_key=ACCESS_KEY.encode(), secret_key=SECRET_KEY, token=None),
        BadCreds(access_key=ACCESS_KEY, secret_key=SECRET_KEY, token=TOKEN.encode()),
        BadCreds(access_key=ACCESS_KEY, secret_key=SECRET_KEY),
        (ACCESS_KEY, SECRET_KEY, TOKEN),
    ],
)
def test_bad_credentials_raise_without_showing_secrets(creds: Any) -> None:
    with pytest.raises(TypeError) as info:
        sign(credentials=creds)
    message = str(info.value)
    assert SECRET_KEY not in message
    assert TOKEN not in message
    assert "credentials" in message


def test_frozen_credentials_are_read_once() -> None:
    class Refreshable:
        calls = 0

        def get_frozen_credentials(self) -> Creds:
            Refreshable.calls += 1
            return CREDS

    assert sign(credentials=Refreshable()) == sign()
    assert Refreshable.calls == 1


def test_nothing_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        list(both())
        sign(body=b"payload", headers={"Date": "x"})
    assert caplog.records == []


# --------------------------------------------------------------------------
# Inputs are not mutated
# --------------------------------------------------------------------------


def test_header_list_is_not_mutated() -> None:
    headers = [
        ("Authorization", "old"),
        ("Date", "old"),
        ("X-Amz-Date", "old"),
        ("X-Amz-Security-Token", "old"),
        ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"),
        ("User-Agent", "ua"),
    ]
    copy = list(headers)
    sign(headers=headers, content_sha256_header=True)
    sign(headers=headers, sign_session_token=False)
    presign(headers=headers)
    assert headers == copy


def test_header_dict_is_not_mutated() -> None:
    headers = {
        "Authorization": "old",
        "X-Amz-Date": "old",
        "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
    }
    copy = dict(headers)
    sign(headers=headers, content_sha256_header=True)
    presign(headers=headers)
    assert headers == copy
    assert list(headers) == list(copy)


def test_headers_may_be_any_iterable_of_pairs() -> None:
    pairs = [("X-A", "1"), ("X-B", "2")]
    expected = sign(headers=pairs)
    assert sign(headers=tuple(pairs)) == expected
    assert sign(headers=iter(pairs)) == expected
    assert sign(headers=[list(p) for p in pairs]) == expected
    assert sign(headers=dict(pairs)) == expected


# --------------------------------------------------------------------------
# Keys and the derived-key cache
# --------------------------------------------------------------------------


def test_signing_key_documentation_example() -> None:
    # The AWS documentation's key-derivation example (IAM, us-east-1, 2012-02-15).
    key = sigv4.signing_key(SECRET_KEY, "20120215", "us-east-1", "iam")
    assert key.hex() == "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d"


def test_signature_is_hmac_of_string_to_sign() -> None:
    signed = sign()
    key = sigv4.signing_key(SECRET_KEY, "20150830", "us-east-1", "service")
    digest = hmac.new(key, signed.string_to_sign.encode(), hashlib.sha256).hexdigest()
    assert signed.signature == digest
    assert signed.string_to_sign.split("\n")[-1] == sigv4.sha256_hex(
        signed.canonical_request.encode()
    )
    assert sigv4.sha256_hex(b"") == sigv4.EMPTY_SHA256


def test_key_cache_is_bounded() -> None:
    sizes = []
    for i in range(3 * sigv4._KEY_CACHE_SIZE + 5):
        sign(credentials=Creds("AKID%04d" % i, SECRET_KEY))
        sizes.append(len(sigv4._key_cache))
    assert max(sizes) <= 64
    assert sigv4._KEY_CACHE_SIZE == 64
    assert max(sizes) == 64  # it is used, up to its bound


def test_key_cache_checks_the_secret() -> None:
    first = sign(credentials=Creds(ACCESS_KEY, "secret-one"))
    second = sign(credentials=Creds(ACCESS_KEY, "secret-two"))
    assert first.string_to_sign == second.string_to_sign
    assert first.signature != second.signature
    for secret, signed in (("secret-one", first), ("secret-two", second)):
        key = sigv4.signing_key(secret, "20150830", "us-east-1", "service")
        expected = hmac.new(key, signed.string_to_sign.encode(), hashlib.sha256).hexdigest()
        assert signed.signature == expected
    assert sign(credentials=Creds(ACCESS_KEY, "secret-one")) == first  # after a swap back


def test_key_cache_is_per_day_region_and_service() -> None:
    base = sign()
    assert sign(now=NOW + timedelta(days=1)).signature != base.signature
    other_region = sigv4.sign(
        "GET", "https://h/", credentials=CREDS, region="eu-west-1", service="service", now=NOW
    )
    other_service = sigv4.sign(
        "GET", "https://h/", credentials=CREDS, region="us-east-1", service="s3", now=NOW
    )
    for signed, region, service in (
        (other_region, "eu-west-1", "service"),
        (other_service, "us-east-1", "s3"),
    ):
        key = sigv4.signing_key(SECRET_KEY, "20150830", region, service)
        expected = hmac.new(key, signed.string_to_sign.encode(), hashlib.sha256).hexdigest()
        assert signed.signature == expected


# --------------------------------------------------------------------------
# Percent-encoding
# --------------------------------------------------------------------------


@given(st.text())
def test_uri_encode_is_quote(text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates: both refuse
        with pytest.raises(UnicodeEncodeError):
            sigv4.uri_encode(text)
        return
    assert sigv4.uri_encode(text) == quote(text, safe="-_.~")
    assert sigv4._encode_path(text) == quote(text, safe="/~")


@given(st.text(st.sampled_from("%+ -_1aAfFgG9ሴ/=&"), max_size=12) | st.text(max_size=12))
def test_query_decoding_is_unquote_to_bytes(text: str) -> None:
    assert sigv4.unquote_to_bytes(text) == unquote_to_bytes(text)


@given(st.binary(max_size=24))
def test_byte_encoding_is_quote(raw: bytes) -> None:
    assert sigv4._encode_bytes(raw) == quote(raw, safe="-_.~")


@pytest.mark.parametrize("escape", ["%+1", "% 1", "%1 ", "%-1", "%1", "%", "%%41", "%zz"])
def test_bad_escapes_stay_literal(escape: str) -> None:
    signed = sign("https://example.amazonaws.com/?k=" + escape)
    expected = quote(unquote_to_bytes(escape), safe="-_.~")
    assert signed.canonical_request.split("\n")[2] == "k=" + expected


@given(st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="#"), max_size=30))
def test_header_mode_canonical_query_follows_the_spec(query: str) -> None:
    # Each name and value decoded once and URI-encoded; pairs sorted by name then value.
    signed = sign("https://example.amazonaws.com/?" + query)
    from urllib.parse import urlsplit

    query = urlsplit("https://example.amazonaws.com/?" + query).query  # as Python splits it
    pairs = []
    for pair in query.split("&") if query else []:
        key, _, value = pair.partition("=")
        pairs.append(
            (
                quote(unquote_to_bytes(key), safe="-_.~"),
                quote(unquote_to_bytes(value), safe="-_.~"),
            )
        )
    expected = "&".join("%s=%s" % kv for kv in sorted(pairs))
    assert signed.canonical_request.split("\n")[2] == expected


def test_path_encoding_and_normalisation() -> None:
    def path(url: str, normalize: bool = True) -> str:
        return sign(url, normalize_path=normalize).canonical_request.split("\n")[1]

    assert path("https://h") == "/"
    assert path("https://h/a/./b/../c//d/") == "/a/c/d/"
    assert path("https://h/a/./b/../c//d/", normalize=False) == "/a/./b/../c//d/"
    assert path("https://h/%41 b~ሴ") == "/%2541%20b~%E1%88%B4"
    assert path("https://h/..") == "/"


# --------------------------------------------------------------------------
# Vendorability and import cost
# --------------------------------------------------------------------------


def run_python(code: str, *flags: str, cwd: Optional[Path] = None) -> Dict[str, Any]:
    """Run ``code`` in a fresh interpreter; it prints one JSON value as its last line."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    done = subprocess.run(
        [sys.executable, *flags, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=str(cwd) if cwd else None,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: Dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


VENDORED = """
import sys
sys.path.insert(0, %(dir)r)
before = set(sys.modules)
import sigv4
loaded = sorted(set(sys.modules) - before)
from datetime import datetime, timezone
class C:
    access_key = %(ak)r
    secret_key = %(sk)r
    token = %(tok)r
now = datetime(2015, 8, 30, 12, 36, tzinfo=timezone.utc)
s = sigv4.sign("GET", "https://example.amazonaws.com/p?a=1", credentials=C(),
               region="us-east-1", service="service", now=now)
p = sigv4.presign("GET", "https://example.amazonaws.com/p?a=1", credentials=C(),
                  region="us-east-1", service="service", now=now, expires_in=900)
used = sorted(set(sys.modules) - before)
import json
print(json.dumps({"file": sigv4.__file__, "loaded": loaded, "used": used, "sign": s.signature,
                  "presign": p.url, "package": [m for m in sys.modules
                                                if m.startswith("bedrock_token_lite")]}))
"""


def test_vendored_copy_works_alone(tmp_path: Path) -> None:
    vendor = tmp_path / "vendor"
    vendor.mkdir()
    shutil.copy(str(SIGV4_FILE), str(vendor / "sigv4.py"))
    code = VENDORED % {"dir": str(vendor), "ak": ACCESS_KEY, "sk": SECRET_KEY, "tok": TOKEN}
    out = run_python(code, "-I", "-S", cwd=tmp_path)  # no site-packages: no package
    assert Path(out["file"]).resolve() == (vendor / "sigv4.py").resolve()
    assert out["package"] == []  # nothing from the package was imported
    assert out["sign"] == sign().signature
    assert out["presign"] == presign().url
    # Cheap to import: no typing, and none of the heavy modules.
    heavy = [m for m in out["loaded"] if m in HEAVY or m.split(".")[0] in HEAVY]
    assert heavy == []
    assert "typing" not in out["loaded"]
    # Signing loads hmac, hashlib and urllib.parse (which needs re), nothing heavier.
    heavy = [m for m in out["used"] if m.split(".")[0] in HEAVY and m.split(".")[0] != "re"]
    assert heavy == []
    assert "urllib.parse" in out["used"]


def imported_modules(path: Path) -> List[Tuple[str, int]]:
    """Every module ``path`` imports (anywhere in the file), with its relative level."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, 0) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            found.append((node.module or "", node.level))
    return found


def is_stdlib(name: str) -> bool:
    top = name.split(".")[0]
    names = getattr(sys, "stdlib_module_names", None)
    if names is not None:
        return top in names
    if top in sys.builtin_module_names or top == "__future__":
        return True
    spec = importlib.util.find_spec(top)
    if spec is None or spec.origin is None:
        return False
    stdlib = os.path.realpath(sysconfig.get_paths()["stdlib"])
    origin = os.path.realpath(spec.origin)
    return origin.startswith(stdlib + os.sep) and "site-packages" not in origin


def test_sigv4_imports_only_the_standard_library() -> None:
    found = imported_modules(SIGV4_FILE)
    assert found, "the ast walk found no imports at all"
    assert [m for m, level in found if level] == []  # no relative imports
    assert [m for m, _ in found if not is_stdlib(m)] == []
    assert {m.split(".")[0] for m, _ in found} >= {"datetime", "hmac", "hashlib", "urllib"}
    assert not is_stdlib("botocore")
    assert not is_stdlib("bedrock_token_lite")


PACKAGE_IMPORT = """
import json, sys
sys.path.insert(0, %(root)r)
before = set(sys.modules)
import bedrock_token_lite.sigv4
print(json.dumps(sorted(set(sys.modules) - before)))
"""


def test_package_import_stays_light() -> None:
    # -S: no site hooks, so nothing but our import loads modules.
    env_code = PACKAGE_IMPORT % {"root": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-S", "-c", env_code],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    loaded = json.loads(done.stdout.strip().splitlines()[-1])
    assert "bedrock_token_lite.sigv4" in loaded
    heavy = [m for m in loaded if m in HEAVY or m.split(".")[0] in HEAVY]
    if "typing" in loaded and sys.version_info < (3, 13):
        # typing itself loads re before Python 3.13; other modules of the package still
        # import typing at run time (sigv4 does not, see test_vendored_copy_works_alone).
        heavy = [m for m in heavy if m.split(".")[0] != "re"]
    assert heavy == []
