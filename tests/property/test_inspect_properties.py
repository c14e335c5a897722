"""Properties of decode_token / verify_token over random credentials, regions, expiries, times."""

from __future__ import annotations

import base64
import random
from datetime import datetime, timedelta, timezone
from typing import Optional

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import bedrock_token_lite as btl

PREFIX = "bedrock-api-key-"
B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="

# Access keys and secrets: mostly the usual alphabet, sometimes any text (the
# signer percent-encodes whatever it is given, and decoding must undo it).
keys = st.one_of(
    st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", min_size=16, max_size=20),
    st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=24),
)
secrets = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40)
session_tokens = st.one_of(
    st.none(),
    st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=60),
)
label_chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-"
regions = st.one_of(
    st.sampled_from(["us-east-1", "eu-west-3", "ap-southeast-2", "us-gov-west-1"]),
    st.text(label_chars, min_size=1, max_size=63).filter(
        lambda r: not r.startswith("-") and not r.endswith("-")
    ),
)
expiries = st.integers(min_value=1, max_value=43200)
instants = st.datetimes(
    min_value=datetime(1971, 1, 1),
    max_value=datetime(2099, 12, 31),
    timezones=st.just(timezone.utc),
)


def creds(ak: str, sk: str, tok: Optional[str]) -> btl.Credentials:
    return btl.Credentials(ak, sk, tok)


@given(keys, secrets, session_tokens, regions, expiries, instants)
def test_decode_returns_the_inputs(
    ak: str, sk: str, tok: Optional[str], region: str, expiry: int, now: datetime
) -> None:
    token = btl.generate_token(creds(ak, sk, tok), region, expiry=expiry, now=now)
    info = btl.decode_token(token)
    issued = now.replace(microsecond=0)
    assert info.access_key_id == ak
    assert info.region == region
    assert info.issued_at == issued
    assert info.expires_at == issued + timedelta(seconds=expiry)
    assert info.expiry_seconds == expiry
    assert info.has_session_token is (tok is not None)
    assert info.version == 1
    assert info.service == "bedrock"
    assert info._session_token == tok
    assert info._signature not in repr(info)


@given(keys, secrets, secrets, session_tokens, regions, expiries, instants)
def test_verify_accepts_exactly_the_matching_secret(
    ak: str, sk: str, other: str, tok: Optional[str], region: str, expiry: int, now: datetime
) -> None:
    token = btl.generate_token(creds(ak, sk, tok), region, expiry=expiry, now=now)
    assert btl.verify_token(token, creds(ak, sk, tok), now=now).region == region
    assume(other != sk)
    with pytest.raises(btl.InvalidTokenError) as caught:
        btl.verify_token(token, creds(ak, other, tok), now=now)
    assert caught.value.check == "signature"


@given(keys, secrets, session_tokens, regions, expiries, instants, st.data())
def test_any_single_character_change_of_the_token_is_rejected(
    ak: str,
    sk: str,
    tok: Optional[str],
    region: str,
    expiry: int,
    now: datetime,
    data: st.DataObject,
) -> None:
    credentials = creds(ak, sk, tok)
    token = btl.generate_token(credentials, region, expiry=expiry, now=now)
    index = data.draw(st.integers(0, len(token) - 1), label="index")
    alphabet = B64 + "-_. ~!" if index >= len(PREFIX) else "abcdefghijklmnopqrstuvwxyz-_A"
    replacement = data.draw(st.sampled_from(alphabet).filter(lambda c: c != token[index]))
    changed = token[:index] + replacement + token[index + 1 :]
    with pytest.raises(btl.InvalidTokenError):
        btl.verify_token(changed, credentials, now=now)


@given(keys, secrets, session_tokens, regions, expiries, instants, st.data())
def test_any_single_character_change_of_the_url_is_rejected(
    ak: str,
    sk: str,
    tok: Optional[str],
    region: str,
    expiry: int,
    now: datetime,
    data: st.DataObject,
) -> None:
    credentials = creds(ak, sk, tok)
    token = btl.generate_token(credentials, region, expiry=expiry, now=now)
    url = base64.b64decode(token[len(PREFIX) :]).decode("ascii")
    index = data.draw(st.integers(0, len(url) - 1), label="index")
    replacement = data.draw(
        st.characters(min_codepoint=32, max_codepoint=126).filter(lambda c: c != url[index])
    )
    changed_url = url[:index] + replacement + url[index + 1 :]
    changed = PREFIX + base64.b64encode(changed_url.encode()).decode()
    with pytest.raises(btl.InvalidTokenError):
        btl.verify_token(changed, credentials, now=now)


@given(
    keys, secrets, session_tokens, regions, expiries, instants, st.randoms(use_true_random=False)
)
def test_any_order_of_the_parameters_decodes_and_verifies_the_same(
    ak: str,
    sk: str,
    tok: Optional[str],
    region: str,
    expiry: int,
    now: datetime,
    rng: random.Random,
) -> None:
    credentials = creds(ak, sk, tok)
    token = btl.generate_token(credentials, region, expiry=expiry, now=now)
    head, query = base64.b64decode(token[len(PREFIX) :]).decode("ascii").split("?", 1)
    pairs = query.split("&")
    rng.shuffle(pairs)
    shuffled = PREFIX + base64.b64encode((head + "?" + "&".join(pairs)).encode()).decode()
    original = btl.decode_token(token)
    info = btl.verify_token(shuffled, credentials, now=now)
    for field in ("region", "access_key_id", "issued_at", "expiry_seconds", "has_session_token"):
        assert getattr(info, field) == getattr(original, field)
    assert info._signature == original._signature
    with pytest.raises(btl.InvalidTokenError) as caught:
        btl.verify_token(shuffled, creds(ak, sk + "x", tok), now=now)
    assert caught.value.check == "signature"
    # a repeated pair, wherever it lands, is an error naming the parameter
    pair = rng.choice(pairs)
    pairs.insert(rng.randrange(len(pairs) + 1), pair)
    repeated = PREFIX + base64.b64encode((head + "?" + "&".join(pairs)).encode()).decode()
    with pytest.raises(btl.InvalidTokenError) as twice:
        btl.decode_token(repeated)
    assert twice.value.check == "parameter"
    assert pair.split("=", 1)[0] in str(twice.value)
