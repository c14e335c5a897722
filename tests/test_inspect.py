"""decode_token / verify_token: fields, every malformation, every verification check."""

from __future__ import annotations

import base64
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from typing import Callable, Sequence

import pytest
from _support import requires_botocore, sample

import bedrock_token_lite as btl
from bedrock_token_lite import sigv4

AK = "AKIDEXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY-CANARY"
SESSION = "IQoJb3JpZ2luX2VjE/+=session-CANARY"
T0 = datetime(2026, 3, 4, 5, 6, 7, 890000, tzinfo=timezone.utc)
PLAIN = btl.Credentials(AK, SECRET)
WITH_SESSION = btl.Credentials(AK, SECRET, SESSION)
PREFIX = "bedrock-api-key-"


def url_of(token: str) -> str:
    return base64.b64decode(token[len(PREFIX) :]).decode()


def token_of(url: str) -> str:
    return PREFIX + base64.b64encode(url.encode()).decode()


def signature_of(token: str) -> str:
    return url_of(token).split("X-Amz-Signature=")[1].split("&")[0]


def test_decode_fields_without_session_token() -> None:
    token = btl.generate_token(PLAIN, "eu-west-3", expiry=900, now=T0)
    info = btl.decode_token(token)
    assert info.region == "eu-west-3"
    assert info.access_key_id == AK
    assert info.issued_at == T0.replace(microsecond=0)
    assert info.issued_at.utcoffset() == timedelta(0)
    assert info.expires_at == T0.replace(microsecond=0) + timedelta(seconds=900)
    assert info.expiry_seconds == 900
    assert info.has_session_token is False
    assert info.version == 1
    assert info.service == "bedrock"
    assert info.scope_date == "20260304"
    assert info.time_left(T0) == timedelta(seconds=900) - timedelta(microseconds=890000)
    assert not info.is_expired(T0)
    assert info.is_expired(info.expires_at)


def test_decode_fields_with_session_token_and_default_expiry() -> None:
    info = btl.decode_token(btl.generate_token(WITH_SESSION, "us-east-1", now=T0))
    assert info.has_session_token is True
    assert info.expiry_seconds == 43200
    assert info.expires_at - info.issued_at == timedelta(hours=12)


def test_repr_hides_signature_and_session_token() -> None:
    token = btl.generate_token(WITH_SESSION, "us-east-1", now=T0)
    info = btl.decode_token(token)
    text = repr(info) + str(info)
    assert AK in text
    assert "us-east-1" in text
    for secret in (signature_of(token), SESSION, sigv4.uri_encode(SESSION), token, SECRET):
        assert secret not in text
    with pytest.raises(AttributeError):
        info.region = "x"  # type: ignore[misc]


GOOD = btl.generate_token(WITH_SESSION, "us-east-1", expiry=3600, now=T0)
GOOD_URL = url_of(GOOD)


def _url_edit(old: str, new: str) -> Callable[[str], str]:
    def edit(token: str) -> str:
        url = url_of(token)
        assert old in url, old
        return token_of(url.replace(old, new, 1))

    return edit


MALFORMED = [
    ("prefix", lambda t: t.replace(PREFIX, "bedrock-api-kez-")),
    ("prefix", lambda t: t[len(PREFIX) :]),
    ("base64", lambda t: t + "A"),
    ("base64", lambda t: t[:-4] + "!!!!"),
    ("base64", lambda t: PREFIX),
    ("base64", lambda t: t[:20] + "=" + t[21:]),
    ("encoding", lambda t: token_of(url_of(t)[:-1] + "\u00e9")),
    ("host", _url_edit("bedrock.amazonaws.com/", "bedrock.amazonaws.co/")),
    ("host", _url_edit("bedrock.amazonaws.com/", "https://bedrock.amazonaws.com/")),
    ("path", _url_edit("com/?", "com/x?")),
    ("path", lambda t: token_of("bedrock.amazonaws.com")),
    ("parameter", _url_edit("&X-Amz-Date=", "&X-Amz-Datum=")),
    ("parameter", _url_edit("&X-Amz-SignedHeaders=host", "")),
    ("parameter", _url_edit("&X-Amz-Signature=", "&X-Amz-Signature")),
    ("parameter", _url_edit("&Version=1", "&Version=1&Version=1")),
    # any order is fine, but each name once
    ("parameter", _url_edit("&X-Amz-Algorithm=", "&Action=CallWithBearerToken&X-Amz-Algorithm=")),
    ("parameter", _url_edit("&Version=1", "&Version=1&")),
    ("parameter", _url_edit("%2F20260304", "%2f20260304")),
    ("parameter", _url_edit("&X-Amz-Security-Token=", "&X-Amz-Security-Token=%7e")),
    ("version", _url_edit("&Version=1", "&Version=2")),
    ("action", _url_edit("CallWithBearerToken", "CallWithBearerTokens")),
    ("algorithm", _url_edit("AWS4-HMAC-SHA256", "AWS4-HMAC-SHA512")),
    ("credential", _url_edit("%2Fus-east-1%2F", "%2Fus_east-1%2F")),
    ("credential", _url_edit("%2F20260304%2F", "%2F2026030%2F")),
    ("credential", _url_edit("%2Fbedrock%2Faws4_request", "")),
    ("date", _url_edit("X-Amz-Date=20260304T050607Z", "X-Amz-Date=20260230T050607Z")),
    ("date", _url_edit("X-Amz-Date=20260304T050607Z", "X-Amz-Date=20260304050607Z")),
    ("expires", _url_edit("X-Amz-Expires=3600", "X-Amz-Expires=03600")),
    ("expires", _url_edit("X-Amz-Expires=3600", "X-Amz-Expires=43201")),
    ("expires", _url_edit("X-Amz-Expires=3600", "X-Amz-Expires=")),
    ("signed-headers", _url_edit("X-Amz-SignedHeaders=host", "X-Amz-SignedHeaders=host%3Bx")),
    ("signature-format", lambda t: _url_edit(signature_of(t), signature_of(t).upper())(t)),
    ("signature-format", lambda t: _url_edit(signature_of(t), signature_of(t)[:-1])(t)),
]


@pytest.mark.parametrize(("check", "mutate"), sample(MALFORMED, every=3))
def test_decode_rejects_malformed_tokens_naming_the_problem(
    check: str, mutate: Callable[[str], str]
) -> None:
    bad = mutate(GOOD)
    with pytest.raises(btl.InvalidTokenError) as caught:
        btl.decode_token(bad)
    assert caught.value.check == check
    message = str(caught.value)
    assert message.startswith("Invalid Bedrock bearer token: ")
    for secret in (signature_of(GOOD), SESSION, sigv4.uri_encode(SESSION), SECRET, GOOD):
        assert secret not in message
    assert len(bad) <= len(PREFIX) or bad not in message


def test_decode_rejects_non_strings() -> None:
    with pytest.raises(btl.InvalidTokenError) as caught:
        btl.decode_token(GOOD.encode())  # type: ignore[arg-type]
    assert caught.value.check == "type"


def test_invalid_token_error_is_a_value_error_in_our_hierarchy() -> None:
    assert issubclass(btl.InvalidTokenError, ValueError)
    assert issubclass(btl.InvalidTokenError, btl.BedrockTokenError)


# -- verify -------------------------------------------------------------------


def test_verify_accepts_the_right_credentials_within_the_lifetime() -> None:
    info = btl.verify_token(GOOD, WITH_SESSION, now=T0 + timedelta(minutes=59))
    assert info.region == "us-east-1"
    plain = btl.generate_token(PLAIN, "ap-south-2", expiry=60, now=T0)
    assert btl.verify_token(plain, PLAIN, now=T0).expiry_seconds == 60


def _check(token: str, credentials: object, **kwargs: object) -> str:
    with pytest.raises(btl.InvalidTokenError) as caught:
        btl.verify_token(token, credentials, **kwargs)  # type: ignore[arg-type]
    message = str(caught.value)
    for secret in (signature_of(token), SESSION, sigv4.uri_encode(SESSION), SECRET, token):
        assert secret not in message
    return caught.value.check


def test_verify_names_each_failed_check() -> None:
    now = T0 + timedelta(seconds=1)
    other_secret = btl.Credentials(AK, SECRET + "x", SESSION)
    assert _check(GOOD, other_secret, now=now) == "signature"
    assert _check(GOOD, btl.Credentials("AKIDOTHER", SECRET, SESSION), now=now) == "access-key"
    assert _check(GOOD, PLAIN, now=now) == "session-token"
    assert _check(GOOD, btl.Credentials(AK, SECRET, SESSION + "x"), now=now) == "session-token"
    plain = btl.generate_token(PLAIN, "us-east-1", expiry=3600, now=T0)
    assert _check(plain, WITH_SESSION, now=now) == "session-token"
    # a single altered signature digit
    sig = signature_of(GOOD)
    altered = _url_edit(sig, sig[:-1] + ("0" if sig[-1] != "0" else "1"))(GOOD)
    assert _check(altered, WITH_SESSION, now=now) == "signature"


def test_verify_expiry_boundaries() -> None:
    issued = T0.replace(microsecond=0)
    end = issued + timedelta(hours=1)
    btl.verify_token(GOOD, WITH_SESSION, now=end - timedelta(microseconds=1))
    assert _check(GOOD, WITH_SESSION, now=end) == "expired"
    assert _check(GOOD, WITH_SESSION, now=end + timedelta(days=3)) == "expired"


def test_verify_clock_skew_boundaries() -> None:
    issued = T0.replace(microsecond=0)
    btl.verify_token(GOOD, WITH_SESSION, now=issued - timedelta(minutes=5))
    assert _check(GOOD, WITH_SESSION, now=issued - timedelta(minutes=5, seconds=1)) == (
        "not-yet-valid"
    )
    btl.verify_token(
        GOOD, WITH_SESSION, now=issued - timedelta(hours=1), clock_skew=timedelta(hours=1)
    )
    assert (
        _check(GOOD, WITH_SESSION, now=issued - timedelta(seconds=1), clock_skew=timedelta(0))
        == "not-yet-valid"
    )


def _presigned(service: str, region: str = "us-east-1") -> str:
    signed = sigv4.presign(
        "POST",
        "https://bedrock.amazonaws.com/?Action=CallWithBearerToken",
        credentials=WITH_SESSION,
        region=region,
        service=service,
        now=T0,
        expires_in=3600,
    )
    return token_of(signed.url[len("https://") :] + "&Version=1")


def test_the_generic_presigner_makes_the_same_token() -> None:
    assert _presigned("bedrock") == GOOD


def test_verify_checks_the_scope() -> None:
    now = T0 + timedelta(seconds=1)
    wrong_service = _presigned("s3")
    info = btl.decode_token(wrong_service)  # well formed...
    assert info.service == "s3"
    assert _check(wrong_service, WITH_SESSION, now=now) == "scope"  # ...but not for Bedrock
    wrong_day = _url_edit("%2F20260304%2F", "%2F20260305%2F")(GOOD)
    assert btl.decode_token(wrong_day).scope_date == "20260305"
    assert _check(wrong_day, WITH_SESSION, now=now) == "scope"
    wrong_end = _url_edit("aws4_request", "aws5_request")(GOOD)
    assert _check(wrong_end, WITH_SESSION, now=now) == "scope"


def test_verify_validates_its_arguments() -> None:
    with pytest.raises(btl.InvalidParameterError):
        btl.verify_token(GOOD, WITH_SESSION, now=datetime(2026, 3, 4))  # naive
    with pytest.raises(btl.InvalidParameterError):
        btl.verify_token(GOOD, WITH_SESSION, now=T0, clock_skew=timedelta(seconds=-1))
    with pytest.raises(btl.InvalidParameterError):
        btl.verify_token(GOOD, None, now=T0)


def test_verify_accepts_botocore_style_credentials_objects() -> None:
    class Frozen:
        access_key = AK
        secret_key = SECRET
        token = SESSION

    class Refreshable:
        def get_frozen_credentials(self) -> Frozen:
            return Frozen()

    assert btl.verify_token(GOOD, Refreshable(), now=T0).access_key_id == AK


@requires_botocore
def test_verify_accepts_tokens_from_the_official_generator() -> None:
    """Differential: the official generator (botocore's presigner) signs, we verify."""
    pytest.importorskip("aws_bedrock_token_generator")
    code = (
        "from botocore.credentials import Credentials\n"
        "from aws_bedrock_token_generator import BedrockTokenGenerator\n"
        "c = Credentials(%r, %r, %r)\n"
        "print(BedrockTokenGenerator().get_token(c, 'us-west-2'))\n" % (AK, SECRET, SESSION)
    )
    before = datetime.now(timezone.utc).replace(microsecond=0)
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    token = result.stdout.strip()
    info = btl.verify_token(token, WITH_SESSION)
    assert info.region == "us-west-2"
    assert info.expiry_seconds == 43200
    assert before <= info.issued_at <= datetime.now(timezone.utc)
    # and we would have produced the very same text at that instant
    assert btl.generate_token(WITH_SESSION, "us-west-2", now=info.issued_at) == token
    with pytest.raises(btl.InvalidTokenError):
        btl.verify_token(token, PLAIN)


# -- parameter order: every generator's ------------------------------------------

#: aws-sdk-java-v2's V4 presigner (used by the Java generator) writes this order.
JAVA_ORDER = (
    "Action",
    "X-Amz-Expires",
    "X-Amz-Security-Token",
    "X-Amz-Algorithm",
    "X-Amz-Date",
    "X-Amz-SignedHeaders",
    "X-Amz-Credential",
    "X-Amz-Signature",
    "Version",
)


def reorder(token: str, order: Sequence[str]) -> str:
    head, query = url_of(token).split("?", 1)
    pairs = dict(pair.split("=", 1) for pair in query.split("&"))
    names = [name for name in order if name in pairs]
    assert sorted(names) == sorted(pairs)
    return token_of(head + "?" + "&".join("%s=%s" % (n, pairs[n]) for n in names))


@pytest.mark.parametrize("credentials", [PLAIN, WITH_SESSION], ids=["plain", "session"])
def test_tokens_in_the_java_order_decode_and_verify(credentials: btl.Credentials) -> None:
    ours = btl.generate_token(credentials, "eu-central-1", expiry=900, now=T0)
    java = reorder(ours, JAVA_ORDER)
    assert java != ours
    assert btl.decode_token(java).has_session_token is (credentials.token is not None)
    info = btl.verify_token(java, credentials, now=T0)
    assert info.region == "eu-central-1"
    assert info._signature == btl.decode_token(ours)._signature
    with pytest.raises(btl.InvalidTokenError) as caught:
        btl.verify_token(java, btl.Credentials(AK, SECRET + "x", credentials.token), now=T0)
    assert caught.value.check == "signature"


def test_sorted_order_with_an_unsigned_payload_also_verifies() -> None:
    """A presigner that signs UNSIGNED-PAYLOAD instead of the empty body's hash."""
    signed = sigv4.presign(
        "POST",
        "https://bedrock.amazonaws.com/?Action=CallWithBearerToken",
        credentials=WITH_SESSION,
        region="us-west-2",
        service="bedrock",
        now=T0,
        expires_in=600,
        payload_hash=sigv4.UNSIGNED_PAYLOAD,
    )
    token = token_of(signed.url[len("https://") :] + "&Version=1")
    assert btl.verify_token(reorder(token, sorted(JAVA_ORDER)), WITH_SESSION, now=T0)
    with pytest.raises(btl.InvalidTokenError) as caught:
        btl.verify_token(token, btl.Credentials(AK, SECRET + "x", SESSION), now=T0)
    assert caught.value.check == "signature"


def _parameter_error(bad: str) -> str:
    with pytest.raises(btl.InvalidTokenError) as caught:
        btl.decode_token(bad)
    assert caught.value.check == "parameter"
    return str(caught.value)


@pytest.mark.parametrize(
    "name", ["X-Amz-Signature", "X-Amz-Security-Token", "Action", "Version", "X-Amz-Date"]
)
def test_a_repeated_parameter_is_named_but_its_value_never_quoted(name: str) -> None:
    url = url_of(GOOD)
    value = url.split(name + "=", 1)[1].split("&", 1)[0]
    # the copy first, so that the error comes before any check of the value
    message = _parameter_error(token_of(url.replace("?", "?%s=%s&" % (name, value), 1)))
    assert name in message
    assert "more than once" in message
    assert value not in message or len(value) <= 1


def test_an_unknown_parameter_is_rejected_named_bounded_and_without_its_value() -> None:
    secret_value = "s3cr3t-VALUE-CANARY"
    message = _parameter_error(
        _url_edit("&Version=1", "&X-Extra=%s&Version=1" % secret_value)(GOOD)
    )
    assert "X-Extra" in message
    assert secret_value not in message
    long_name = "N" * 200
    message = _parameter_error(_url_edit("&Version=1", "&%s=v&Version=1" % long_name)(GOOD))
    assert long_name not in message
    assert len(message) < 200
    # a name that is not a plain name is described, not quoted
    message = _parameter_error(_url_edit("&Version=1", "&a%3Db%26SECRET=v&Version=1")(GOOD))
    assert "SECRET" not in message
    # a token's signature or session token lost its '=': never quoted either
    sig = signature_of(GOOD)
    message = _parameter_error(_url_edit("X-Amz-Signature=", "X-Amz-Signature")(GOOD))
    assert sig not in message
    assert sig[:8] not in message
    encoded = sigv4.uri_encode(SESSION)
    message = _parameter_error(_url_edit("X-Amz-Security-Token=", "X-Amz-Security-Token")(GOOD))
    assert encoded[:8] not in message


def test_every_botocore_vector_verifies_in_its_own_and_the_java_order() -> None:
    """Tokens signed by botocore (vectors/tokens.json), also reordered, verify."""
    import json

    from _support import ROOT

    cases = json.loads((ROOT / "vectors" / "tokens.json").read_text(encoding="utf-8"))["cases"]
    assert len(cases) >= 60
    for case in cases:
        credentials = btl.Credentials(case["access_key"], case["secret_key"], case["session_token"])
        now = datetime.fromisoformat(case["now"])
        if now.year == 9999:
            # Its expiry is past what datetime holds: an error, not an OverflowError.
            with pytest.raises(btl.InvalidTokenError) as caught:
                btl.decode_token(case["token"])
            assert caught.value.check == "expires"
            continue
        for token in (case["token"], reorder(case["token"], JAVA_ORDER)):
            assert btl.verify_token(token, credentials, now=now).expiry_seconds == case["expires"]


# -- no part of a malformed token is quoted ------------------------------------------

PLANTED = "PLANTEDsecret0123456789abcdef"


def _forge(url: str) -> str:
    import base64 as _b64

    return "bedrock-api-key-" + _b64.b64encode(url.encode("ascii")).decode("ascii")


def _with(name: str, value: str) -> str:
    """Our token's URL with one parameter's value replaced by ``value``."""
    import base64 as _b64

    token = btl.generate_token(WITH_SESSION, "us-west-2", now=T0)
    url = _b64.b64decode(token[len("bedrock-api-key-") :]).decode("ascii")
    host, _, query = url.partition("/?")
    pairs = [pair.partition("=") for pair in query.split("&")]
    return _forge(
        host + "/?" + "&".join(k + "=" + (value if k == name else v) for k, _, v in pairs)
    )


@pytest.mark.parametrize(
    "token",
    [
        _forge(PLANTED + "/?Action=CallWithBearerToken"),
        _with("X-Amz-Date", PLANTED),
        _with("X-Amz-Expires", PLANTED),
        _with("Version", PLANTED),
        _with("Action", PLANTED),
        _with("X-Amz-Algorithm", PLANTED),
        _with("X-Amz-Credential", "AKID%2F" + PLANTED + "%2Fus-west-2%2Fbedrock%2Faws4_request"),
        _with("X-Amz-Credential", "AKID%2F20260101%2F" + PLANTED + "%21%2Fbedrock%2Faws4_request"),
        _with("X-Amz-Signature", PLANTED),
        _with("X-Amz-Security-Token", PLANTED + "%zz"),
    ],
    ids=lambda token: "forged",
)
def test_decode_errors_quote_nothing_from_the_token(token: str) -> None:
    with pytest.raises(btl.InvalidTokenError) as info:
        btl.decode_token(token)
    for text in (str(info.value), repr(info.value)):
        assert PLANTED[:8] not in text


def test_a_non_ascii_url_keeps_no_copy_of_the_token_in_the_error() -> None:
    """``raise ... from None`` hides the context from tracebacks but keeps it on the
    exception: a UnicodeDecodeError there held the whole decoded URL, signature and
    session token included, for any error reporter walking ``__context__``."""
    good = url_of(btl.generate_token(WITH_SESSION, "us-east-1", now=T0))
    token = PREFIX + base64.b64encode(b"\xc2\x80" + good.encode()).decode()
    with pytest.raises(btl.InvalidTokenError) as info:
        btl.decode_token(token)
    assert info.value.check == "encoding"
    assert info.value.__context__ is None
    assert info.value.__cause__ is None


def test_a_value_that_is_not_utf8_keeps_no_copy_of_it_in_the_error() -> None:
    """The decode error's ``object`` is the decoded value (here the session token);
    ``from None`` hid it from tracebacks but kept it as ``__context__``."""
    good = url_of(btl.generate_token(WITH_SESSION, "us-east-1", now=T0))
    token = token_of(good.replace("X-Amz-Security-Token=", "X-Amz-Security-Token=%FF"))
    with pytest.raises(btl.InvalidTokenError) as info:
        btl.decode_token(token)
    assert info.value.check == "parameter"
    assert info.value.__context__ is None
