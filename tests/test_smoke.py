"""Smoke test: a token from explicit credentials has the documented shape."""

import base64
from datetime import datetime, timezone

import bedrock_token_lite as btl


def test_token_shape() -> None:
    creds = btl.Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    token = btl.generate_token(
        creds, "us-east-1", now=datetime(2015, 8, 30, 12, 36, tzinfo=timezone.utc)
    )
    assert token.startswith("bedrock-api-key-")
    url = base64.b64decode(token[len("bedrock-api-key-") :]).decode()
    assert url.startswith("bedrock.amazonaws.com/?Action=CallWithBearerToken&")
    assert url.endswith("&Version=1")
    assert "X-Amz-Expires=43200" in url
