"""Long-term Bedrock API keys (ABSK...), and tokens dated in the future, in the library.

Every key here is made up: ``ABSK`` + base64 of ``<alias>:<secret>``, the format
the Bedrock console and IAM's CreateServiceSpecificCredential write (the alias
is IAM's ServiceCredentialAlias, ``<user>-at-<account>``).
"""

from __future__ import annotations

import base64
from datetime import datetime, timedelta, timezone
from typing import Optional

import pytest

import bedrock_token_lite as btl

SECRET = "K9sTq2Wv+CanaryLongTermSecret/Zx7Lm4Rp0Hd3Ny8Bj6Fg1Qw5Er="
ACCOUNT = "123456789012"


def key_of(decoded: str) -> str:
    return "ABSK" + base64.b64encode(decoded.encode("ascii")).decode("ascii")


CONSOLE = key_of("BedrockAPIKey-ab12-at-%s:%s" % (ACCOUNT, SECRET))

WELL_FORMED = [
    # (the key, key_id, user_name, account_id)
    (CONSOLE, "BedrockAPIKey-ab12-at-" + ACCOUNT, "BedrockAPIKey-ab12", ACCOUNT),
    # a user made with IAM (create-user + create-service-specific-credential)
    (
        key_of("bedrock-api-user-at-210987654321:" + SECRET),
        "bedrock-api-user-at-210987654321",
        "bedrock-api-user",
        "210987654321",
    ),
    # every character IAM allows in a user name
    (
        key_of("a_b+c=d,e.f@g-h-at-%s:%s" % (ACCOUNT, SECRET)),
        "a_b+c=d,e.f@g-h-at-" + ACCOUNT,
        "a_b+c=d,e.f@g-h",
        ACCOUNT,
    ),
    # base64 without its padding (some tools strip it)
    (CONSOLE.rstrip("="), "BedrockAPIKey-ab12-at-" + ACCOUNT, "BedrockAPIKey-ab12", ACCOUNT),
    # an alias that does not end in -at-<12 digits>: shown, but not split
    (key_of("someuser:" + SECRET), "someuser", None, None),
    (key_of("u-at-12345678901:" + SECRET), "u-at-12345678901", None, None),
    (key_of("u-at-1234567890123:" + SECRET), "u-at-1234567890123", None, None),
    (key_of("-at-%s:%s" % (ACCOUNT, SECRET)), "-at-" + ACCOUNT, None, None),
    # a ':' in the secret belongs to the secret
    (key_of("u-at-%s:a:b" % ACCOUNT), "u-at-" + ACCOUNT, "u", ACCOUNT),
]


@pytest.mark.parametrize(("key", "key_id", "user_name", "account_id"), WELL_FORMED)
def test_made_up_keys_decode_to_their_public_part(
    key: str, key_id: str, user_name: Optional[str], account_id: Optional[str]
) -> None:
    info = btl.decode_long_term_key(key)
    assert (info.key_id, info.user_name, info.account_id) == (key_id, user_name, account_id)
    for text in (repr(info), str(info)):
        assert SECRET not in text
        assert "Canary" not in text
        assert key.rstrip("=") not in text


def test_info_is_immutable_and_compares_by_value() -> None:
    info = btl.decode_long_term_key(CONSOLE)
    assert info == btl.decode_long_term_key(CONSOLE.rstrip("="))
    assert hash(info) == hash(btl.decode_long_term_key(CONSOLE))
    assert repr(info) == (
        "LongTermKeyInfo(key_id='BedrockAPIKey-ab12-at-123456789012', "
        "user_name='BedrockAPIKey-ab12', account_id='123456789012')"
    )
    with pytest.raises(AttributeError):
        info.key_id = "x"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del info.account_id  # type: ignore[misc]
    assert not hasattr(info, "__dict__")  # nowhere to keep the secret


MALFORMED = [
    ("type", CONSOLE.encode()),
    ("prefix", "absk" + CONSOLE[4:]),
    ("prefix", CONSOLE[4:]),
    ("base64", "ABSK"),
    ("base64", CONSOLE + "A"),  # a length base64 cannot have
    ("base64", CONSOLE[:20] + "!" + CONSOLE[21:]),
    ("base64", CONSOLE[:20] + "=" + CONSOLE[21:]),  # padding in the middle
    ("base64", CONSOLE.rstrip("=") + "==="),
    ("base64", CONSOLE.replace("+", "-").replace("/", "_") + "-_"),  # URL-safe alphabet
    ("base64", CONSOLE[:30] + "\n" + CONSOLE[30:]),
    ("encoding", "ABSK" + base64.b64encode(("u:" + SECRET).encode() + b"\xff").decode()),
    ("key-id", key_of("BedrockAPIKey-ab12-at-" + ACCOUNT + SECRET)),  # no ':'
    ("key-id", key_of(":" + SECRET)),
    ("key-id", key_of("a user:" + SECRET)),
    ("key-id", key_of("x" * 201 + ":" + SECRET)),
    ("key-id", key_of(SECRET.replace("/", "\t") + "\n:x")),
    ("secret", key_of("BedrockAPIKey-ab12-at-%s:" % ACCOUNT)),
]


@pytest.mark.parametrize(("check", "key"), MALFORMED)
def test_malformed_keys_name_the_problem_and_quote_nothing(check: str, key: object) -> None:
    with pytest.raises(btl.InvalidTokenError) as caught:
        btl.decode_long_term_key(key)  # type: ignore[arg-type]
    assert caught.value.check == check
    assert isinstance(caught.value, ValueError)
    message = str(caught.value)
    assert message.startswith("Invalid long-term Bedrock API key: ")
    assert SECRET not in message
    assert "Canary" not in message
    for piece in (CONSOLE[4:24], SECRET.replace("/", "\t")[:12]):
        assert piece not in message
    assert caught.value.__context__ is None or "Canary" not in str(caught.value.__context__)


def test_decode_token_says_a_long_term_key_is_not_a_short_term_token() -> None:
    for key in (CONSOLE, "ABSK", "ABSK" + "!" * 9):
        with pytest.raises(btl.InvalidTokenError) as caught:
            btl.decode_token(key)
        assert caught.value.check == "long-term-key"
        message = str(caught.value)
        assert "long-term Bedrock API key" in message
        assert "not a short-term token" in message
        assert "decode_long_term_key" in message
        assert SECRET not in message
        assert CONSOLE[4:24] not in message
    with pytest.raises(btl.InvalidTokenError) as caught:
        btl.verify_token(CONSOLE, btl.Credentials("AKIDEXAMPLE", "s"))
    assert caught.value.check == "long-term-key"


def test_a_short_term_token_is_not_a_long_term_key() -> None:
    token = btl.generate_token(btl.Credentials("AKIDEXAMPLE", "s"), "us-east-1")
    with pytest.raises(btl.InvalidTokenError) as caught:
        btl.decode_long_term_key(token)
    assert caught.value.check == "prefix"


def test_the_new_names_are_public() -> None:
    assert "decode_long_term_key" in btl.__all__
    assert "LongTermKeyInfo" in btl.__all__
    assert isinstance(btl.decode_long_term_key(CONSOLE), btl.LongTermKeyInfo)


# -- a token dated in the future: TokenInfo.is_not_yet_valid and verify_token agree --

T0 = datetime(2026, 3, 4, 5, 6, 7, tzinfo=timezone.utc)
CREDS = btl.Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
TOKEN = btl.generate_token(CREDS, "us-east-1", expiry=3600, now=T0)


@pytest.mark.parametrize(
    ("before", "not_yet_valid"),
    [
        (timedelta(0), False),
        (timedelta(minutes=5), False),  # exactly the tolerance: still valid
        (timedelta(minutes=5, seconds=1), True),
        (timedelta(hours=2), True),
        (-timedelta(minutes=30), False),  # issued in the past
    ],
)
def test_not_yet_valid_beyond_the_clock_skew_tolerance(
    before: timedelta, not_yet_valid: bool
) -> None:
    info = btl.decode_token(TOKEN)
    now = T0 - before
    assert info.is_not_yet_valid(now) is not_yet_valid
    if not_yet_valid:
        with pytest.raises(btl.InvalidTokenError) as caught:
            btl.verify_token(TOKEN, CREDS, now=now)
        assert caught.value.check == "not-yet-valid"
    else:
        assert btl.verify_token(TOKEN, CREDS, now=now).issued_at == info.issued_at


def test_not_yet_valid_takes_a_tolerance_and_an_aware_instant() -> None:
    info = btl.decode_token(TOKEN)
    now = T0 - timedelta(minutes=3)
    assert not info.is_not_yet_valid(now)
    assert info.is_not_yet_valid(now, timedelta(minutes=1))
    assert not info.is_not_yet_valid(now, clock_skew=timedelta(minutes=3))
    with pytest.raises(btl.InvalidParameterError):
        info.is_not_yet_valid(datetime(2026, 3, 4))  # naive
