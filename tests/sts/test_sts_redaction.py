"""A server that echoes the request: no secret it carried reaches a message.

The loopback STS answers every call with an error whose message quotes the
request's headers and body, whole, percent-encoded, truncated or re-cased; the
exception's str and repr, and the command's stderr, keep none of the session
token, the signature or the web identity token, nor any long fragment of one.
"""

from __future__ import annotations

import html
from typing import Optional
from urllib.parse import quote

import pytest
from sts_harness import ROLE_ARN, SOURCE_AK, SOURCE_SK, FakeAWS, Recorded, Response, sts_error_xml

import bedrock_token_lite as btl
from bedrock_token_lite._aws.client import ClientConfig
from bedrock_token_lite._aws.sts import call_sts
from bedrock_token_lite._common.redact import FRAGMENT, foreign_text, request_secrets

SESSION = "CANARYsessionTOKENvalue0123456789/+=abcdefABCDEF"
WEB_TOKEN = "eyJCANARYwebIDENTITYtoken.payloadPART.signaturePART"


def _echo(shape: str):  # type: ignore[no-untyped-def]
    def hook(record: Recorded) -> Optional[Response]:
        echoed = " ".join("%s: %s" % item for item in record.headers.items())
        echoed += " body: " + record.body.decode("utf-8", "replace")
        if shape == "encoded":
            echoed = quote(echoed, safe="")
        elif shape == "truncated":  # every secret cut in two, halves far apart
            echoed = " ... ".join(part[: len(part) // 2] for part in echoed.split(" "))
        elif shape == "newlines":
            echoed = echoed.replace(" ", "\n")
        return 400, {"Content-Type": "text/xml"}, sts_error_xml("AccessDenied", html.escape(echoed))

    return hook


def _planted_fragments(text: str) -> list:  # type: ignore[type-arg]
    found = []
    for secret in (SESSION, WEB_TOKEN, quote(SESSION, safe="")):
        for i in range(len(secret) - FRAGMENT + 1):
            if secret[i : i + FRAGMENT] in text:
                found.append(secret[i : i + FRAGMENT])
    return found


@pytest.mark.parametrize("shape", ["plain", "encoded", "truncated", "newlines"])
@pytest.mark.parametrize("operation", ["AssumeRole", "AssumeRoleWithWebIdentity"])
def test_an_echoing_sts_leaks_no_secret(shape: str, operation: str) -> None:
    with FakeAWS() as aws:
        aws.hook = _echo(shape)
        config = ClientConfig(environ={"AWS_ENDPOINT_URL_STS": aws.url, "AWS_MAX_ATTEMPTS": "1"})
        params = [("RoleArn", ROLE_ARN), ("RoleSessionName", "session")]
        credentials: Optional[btl.Credentials] = btl.Credentials(SOURCE_AK, SOURCE_SK, SESSION)
        if operation == "AssumeRoleWithWebIdentity":
            params.append(("WebIdentityToken", WEB_TOKEN))
            credentials = None
        with pytest.raises(btl.ClientError) as info:
            call_sts(
                operation,
                params,
                config=config,
                credentials=credentials,
                region="eu-west-1",
                method="assume-role",
            )
    error = info.value
    for text in (str(error), repr(error), error.error_message):
        assert _planted_fragments(text) == [], text
        assert "\n" not in text
    assert "AccessDenied" in str(error)
    assert len(str(error)) < 700
    # programs still get the whole answer
    if shape == "plain":
        assert SESSION in error.foreign_message or WEB_TOKEN in error.foreign_message


def test_foreign_text_is_one_bounded_line() -> None:
    text = foreign_text("a\nb\r\n\tc \x1b[31m" + "x" * 5000, [])
    assert "\n" not in text
    assert "\\x1b" in text
    assert len(text) <= 500


def test_foreign_text_masks_exact_short_secrets_and_long_fragments() -> None:
    secret = "0123456789abcdefghijKLMNOP"
    assert foreign_text("k=" + secret[3:20] + ".", [secret]) == "k=<redacted>."
    assert foreign_text("code 123456 ok", ["123456"]) == "code <redacted> ok"
    assert foreign_text("a s b", ["s"]) == "a s b"  # too short to be a secret


def test_request_secrets_reads_headers_and_bodies() -> None:
    headers = [
        ("Authorization", "AWS4-HMAC-SHA256 Credential=AK/x, SignedHeaders=host, Signature=ab12"),
        ("X-Amz-Security-Token", "tok"),
        ("Content-Type", "application/x-www-form-urlencoded"),
    ]
    found = request_secrets(headers, b"Action=X&WebIdentityToken=jwt-value&RoleArn=arn")
    assert "ab12" in found
    assert "tok" in found
    assert "jwt-value" in found
    assert "arn" not in found
    assert request_secrets([], b'{"clientSecret": "cs", "clientId": "id"}') == ["cs"]
