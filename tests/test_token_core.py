"""The token hot path's per-credentials tables (``_core``): bounded, and never mixed up.

``generate_token`` keeps the fixed parts of the canonical request and URL per
(access key, session token, region, expiry), a keyed HMAC per (access key,
day, region) and the date stamp per day.  Here many credentials, secrets,
tokens, regions, expiries and days are interleaved, and every token is checked
against ``sigv4.presign``, which shares none of those tables.
"""

from __future__ import annotations

import base64
import itertools
from datetime import datetime, timedelta, timezone
from typing import Optional

import pytest

import bedrock_token_lite as btl
from bedrock_token_lite import _core, _token, sigv4

BASE = datetime(2024, 2, 28, 23, 59, 58, tzinfo=timezone.utc)


def reference(
    access_key: str,
    secret_key: str,
    token: Optional[str],
    region: str,
    expires: int,
    now: datetime,
) -> str:
    signed = sigv4.presign(
        "POST",
        "https://bedrock.amazonaws.com/?Action=CallWithBearerToken",
        credentials=btl.Credentials(access_key, secret_key, token),
        region=region,
        service="bedrock",
        now=now,
        expires_in=expires,
    )
    url = signed.url[len("https://") :] + "&Version=1"
    return "bedrock-api-key-" + base64.b64encode(url.encode()).decode()


def test_interleaved_inputs_never_borrow_each_others_parts() -> None:
    access_keys = ["AKIDEXAMPLE", "ASIA/with+odd=chars", "AKID\u00e9"]
    secrets = ["secret-one", "secret-two"]
    tokens = [None, "", "tok/en+==", "IQoJ" + "x" * 700]
    regions = ["us-east-1", "eu-west-3"]
    expiries = [1, 900, 43200]
    instants = [BASE + timedelta(seconds=s) for s in (0, 1, 2, 86400 * 366)]
    cases = list(itertools.product(access_keys, secrets, tokens, regions, expiries, instants))
    # Twice through, in a different order the second time: hits and misses alike.
    for case in cases + cases[::-7]:
        access_key, secret_key, token, region, expires, now = case
        credentials = btl.Credentials(access_key, secret_key, token)
        assert btl.generate_token(credentials, region, expiry=expires, now=now) == reference(
            *case
        ), case


def test_the_secret_is_checked_not_trusted_from_the_table() -> None:
    now = BASE
    first = btl.generate_token(btl.Credentials("AKIDSAME", "secret-a", "t"), "us-east-1", now=now)
    second = btl.generate_token(btl.Credentials("AKIDSAME", "secret-b", "t"), "us-east-1", now=now)
    assert first != second
    assert second == reference("AKIDSAME", "secret-b", "t", "us-east-1", 43200, now)


def test_the_tables_stay_bounded() -> None:
    now = BASE
    layout_sizes, mac_sizes, day_sizes = [], [], []
    for i in range(300):
        credentials = btl.Credentials("AKID%04d" % i, "secret", "token-%d" % i)
        btl.generate_token(credentials, "us-east-1", now=now + timedelta(days=i))
        layout_sizes.append(len(_core._layouts))
        mac_sizes.append(len(_core._macs))
        day_sizes.append(len(_token._days))
    assert max(layout_sizes) <= 32
    assert max(mac_sizes) <= 64
    assert max(day_sizes) <= 8


@pytest.mark.parametrize(
    "instant",
    [
        datetime(2024, 2, 29, 0, 0, 0, tzinfo=timezone.utc),
        datetime(1999, 12, 31, 23, 59, 59, tzinfo=timezone.utc),
        datetime(2038, 1, 19, 3, 14, 8, tzinfo=timezone.utc),
        datetime(2100, 3, 1, 12, 0, 0, 999999, tzinfo=timezone.utc),
    ],
)
def test_the_command_lines_stamp_matches_the_datetime_one(instant: datetime) -> None:
    expected = instant.strftime("%Y%m%dT%H%M%SZ").encode()
    assert _core.epoch_stamp(instant.timestamp()) == expected
