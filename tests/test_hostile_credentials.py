"""Credentials that cannot be signed: one library error that names the field, never the value."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timezone

import pytest

import bedrock_token_lite as btl
from bedrock_token_lite import sigv4

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)
SECRET = "CANARYsecret\udcffKEY"  # a lone surrogate: an undecodable byte from the environment
TOKEN = "CANARYsession\udcfeTOKEN"


def _assert_clean(exc: BaseException, field: str) -> None:
    for text in (str(exc), repr(exc)):
        assert "CANARY" not in text
    assert "credentials.%s" % field in str(exc)
    assert exc.__cause__ is None
    # Not just hidden (``from None``): the encoder's error holds the whole value in
    # its ``object``, so it must not be kept as the context at all.
    assert exc.__context__ is None


@pytest.mark.parametrize(
    ("creds", "field"),
    [
        (btl.Credentials("AKID\udcff", "s"), "access_key"),
        (btl.Credentials("AKID", SECRET), "secret_key"),
        (btl.Credentials("AKID", "s", TOKEN), "token"),
    ],
)
def test_generate_token_raises_a_library_error(creds: btl.Credentials, field: str) -> None:
    with pytest.raises(btl.InvalidParameterError) as info:
        btl.generate_token(creds, "us-east-1", now=NOW)
    assert isinstance(info.value, ValueError)
    _assert_clean(info.value, field)


@pytest.mark.parametrize(
    ("creds", "field"),
    [
        (btl.Credentials("AKID", SECRET), "secret_key"),
        (btl.Credentials("AKID", "s", TOKEN), "token"),
    ],
)
@pytest.mark.parametrize("mode", ["sign", "presign"])
def test_sigv4_raises_a_value_error_without_the_value(
    creds: btl.Credentials, field: str, mode: str
) -> None:
    kwargs = {"credentials": creds, "region": "us-east-1", "service": "s3", "now": NOW}
    url = "https://b.s3.amazonaws.com/k"
    if mode == "presign":
        kwargs["expires_in"] = 60
    signer = sigv4.sign if mode == "sign" else sigv4.presign
    with pytest.raises(ValueError, match="is not valid UTF-8") as info:
        signer("GET", url, **kwargs)  # type: ignore[operator]
    assert not isinstance(info.value, UnicodeError)
    _assert_clean(info.value, field)


def test_a_url_that_is_not_utf8_is_named_as_such() -> None:
    creds = btl.Credentials("AKID", "s")
    with pytest.raises(ValueError, match="URL, header or body") as info:
        sigv4.presign(
            "GET",
            "https://b.s3.amazonaws.com/k\udcff",
            credentials=creds,
            region="us-east-1",
            service="s3",
            now=NOW,
            expires_in=60,
        )
    assert not isinstance(info.value, UnicodeError)


@pytest.mark.skipif(os.name != "posix", reason="environment bytes are POSIX")
@pytest.mark.parametrize("entry", ["provide_token", "command"])
def test_an_undecodable_secret_in_the_environment(tmp_path: object, entry: str) -> None:
    env = {
        b"PATH": os.environb.get(b"PATH", b"/usr/bin:/bin"),
        b"HOME": str(tmp_path).encode(),
        b"AWS_EC2_METADATA_DISABLED": b"true",
        b"AWS_ACCESS_KEY_ID": b"AKIDEXAMPLE",
        b"AWS_SECRET_ACCESS_KEY": b"CANARYsecret\xffKEY",
        b"AWS_REGION": b"us-east-1",
        b"PYTHONPATH": os.pathsep.join(sys.path).encode(),
    }
    code = (
        "import bedrock_token_lite as b\n"
        "try:\n"
        "    b.provide_token()\n"
        "except b.BedrockTokenError as e:\n"
        "    print(type(e).__name__, repr(e))\n"
    )
    args = (
        [sys.executable, "-c", code]
        if entry == "provide_token"
        else [sys.executable, "-m", "bedrock_token_lite"]
    )
    result = subprocess.run(args, env=env, capture_output=True, timeout=60)  # type: ignore[arg-type]
    output = result.stdout + result.stderr
    assert b"CANARY" not in output
    assert b"Traceback" not in output
    assert b"credentials.secret_key is not valid UTF-8" in output
    if entry == "command":
        assert result.returncode == 1
        assert result.stderr.count(b"\n") == 1
