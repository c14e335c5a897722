"""Property tests: ``generate_token`` / ``provide_token`` against botocore.

The oracle (``vectors/btl_oracle.py``) signs with botocore exactly as
``aws_bedrock_token_generator`` 1.1.0 does, with botocore's clock frozen at the
instant under test.
"""

from __future__ import annotations

import sys
from datetime import datetime, timedelta, timezone
from typing import Any, Dict, List, Optional

import pytest
from _support import ROOT, requires_botocore, sample

from bedrock_token_lite import Credentials, generate_token, provide_token

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

sys.path.insert(0, str(ROOT / "vectors"))
import btl_oracle  # noqa: E402

pytestmark = [requires_botocore, pytest.mark.signing_oracle]

REGIONS = ("us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2", "us-gov-west-1", "il-central-1")
REGION_RE = r"[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?"
MAX = 43200

# Any Unicode except lone surrogates (which cannot be UTF-8 encoded by either side).
unicode_text = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40)
ascii_key = st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", min_size=16, max_size=20).map(
    lambda s: "AKIA" + s
)
access_keys = st.one_of(ascii_key, unicode_text)
secret_keys = st.one_of(
    st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+=", min_size=40),
    unicode_text,
)
base64ish = st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+=", min_size=1)
session_tokens = st.one_of(
    st.none(),
    st.just(""),
    base64ish,
    st.builds(lambda a, b: a * 8 + "/+=" + b, base64ish, base64ish),  # long, specials
    unicode_text,
)
regions = st.one_of(st.sampled_from(REGIONS), st.from_regex(REGION_RE, fullmatch=True))
# Any fixed offset strictly within a day, to the second (Python 3.7+ allows seconds).
offsets = st.one_of(
    st.integers(min_value=-(24 * 60 - 1), max_value=24 * 60 - 1).map(
        lambda minutes: timezone(timedelta(minutes=minutes))
    ),
    st.integers(min_value=-86399, max_value=86399).map(
        lambda seconds: timezone(timedelta(seconds=seconds))
    ),
)
instants = st.builds(
    lambda naive, tz: naive.replace(tzinfo=tz),
    st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(9998, 12, 31)),
    offsets,
)
int_expiries = st.integers(min_value=1, max_value=MAX)
timedelta_expiries = st.builds(
    lambda seconds, micros: timedelta(seconds=seconds, microseconds=micros),
    st.integers(min_value=1, max_value=MAX - 1),
    st.integers(min_value=0, max_value=999999),
) | st.sampled_from([timedelta(seconds=1), timedelta(hours=12), timedelta(minutes=15)])
float_expiries = st.floats(min_value=1.0, max_value=float(MAX), allow_nan=False)
expiries = st.one_of(int_expiries, timedelta_expiries, float_expiries)


def _seconds(expiry: Any) -> int:
    """What the official generator puts in X-Amz-Expires: ``int(total_seconds())``."""
    return int(expiry.total_seconds()) if isinstance(expiry, timedelta) else int(expiry)


def _botocore_credentials(access_key: str, secret_key: str, token: Optional[str]) -> Any:
    from botocore.credentials import Credentials as BotoCredentials

    return BotoCredentials(access_key, secret_key, token)


@given(access_keys, secret_keys, session_tokens, regions, expiries, instants)
def test_generate_token_matches_botocore(
    access_key: str,
    secret_key: str,
    token: Optional[str],
    region: str,
    expiry: Any,
    now: datetime,
) -> None:
    expected = btl_oracle.official_token(
        _botocore_credentials(access_key, secret_key, token), region, _seconds(expiry), now
    )
    ours = generate_token(
        Credentials(access_key, secret_key, token), region, expiry=expiry, now=now
    )
    assert ours == expected
    # botocore's own credentials objects are accepted as they are.
    boto_creds = _botocore_credentials(access_key, secret_key, token)
    assert generate_token(boto_creds, region, expiry=expiry, now=now) == expected


@given(access_keys, secret_keys, session_tokens, instants, offsets)
def test_offset_does_not_change_the_token(
    access_key: str, secret_key: str, token: Optional[str], now: datetime, other: timezone
) -> None:
    creds = Credentials(access_key, secret_key, token)
    assert generate_token(creds, "us-east-1", now=now) == generate_token(
        creds, "us-east-1", now=now.astimezone(other)
    )
    utc = now.astimezone(timezone.utc)
    assert btl_oracle.token_instant(generate_token(creds, "us-east-1", now=now)) == utc.replace(
        microsecond=0
    )


class _Rotating:
    """A refresh function returning new credentials on every call."""

    def __init__(self, token: Optional[str]) -> None:
        self.calls = 0
        self.token = token

    def __call__(self) -> Dict[str, Any]:
        self.calls += 1
        # 12 minutes ahead: inside botocore's 15-minute advisory window, outside the
        # 10-minute mandatory one, so every read of the credentials refreshes them.
        expiry = datetime.now(timezone.utc) + timedelta(minutes=12)
        return {
            "access_key": "AKIDROTATING%d" % self.calls,
            "secret_key": "secret-%d" % self.calls,
            "token": None if self.token is None else "%s-%d" % (self.token, self.calls),
            "expiry_time": expiry.isoformat(),
        }


def _rotating_credentials(token: Optional[str]) -> Any:
    from botocore.credentials import RefreshableCredentials

    fetcher = _Rotating(token)
    creds = RefreshableCredentials.create_from_metadata(
        metadata=fetcher(), refresh_using=fetcher, method="rotating-test"
    )
    fetcher.calls = 1
    return creds, fetcher


@given(st.sampled_from([None, "", "tok/+="]), regions, expiries, instants)
def test_refreshable_credentials_are_read_once(
    token: Optional[str], region: str, expiry: Any, now: datetime
) -> None:
    creds, fetcher = _rotating_credentials(token)
    # Reading the three attributes one by one would mix three generations.
    assert creds.access_key != creds.secret_key.replace("secret-", "AKIDROTATING")
    before = fetcher.calls
    ours = generate_token(creds, region, expiry=expiry, now=now)
    assert fetcher.calls == before + 1  # exactly one snapshot
    n = before + 1
    snapshot = _botocore_credentials(
        "AKIDROTATING%d" % n, "secret-%d" % n, None if token is None else "%s-%d" % (token, n)
    )
    assert ours == btl_oracle.official_token(snapshot, region, _seconds(expiry), now)


class _FixedProvider:
    """A custom provider: anything with ``load()``."""

    def __init__(self, credentials: Any) -> None:
        self.credentials = credentials
        self.loads = 0

    def load(self) -> Any:
        self.loads += 1
        return self.credentials


@given(access_keys, secret_keys, session_tokens, st.sampled_from(REGIONS), expiries)
def test_provide_token_matches_botocore(
    access_key: str, secret_key: str, token: Optional[str], region: str, expiry: Any
) -> None:
    provider = _FixedProvider(_botocore_credentials(access_key, secret_key, token))
    ours = provide_token(region, aws_credentials_provider=provider, expiry=expiry)
    assert provider.loads == 1
    instant = btl_oracle.token_instant(ours)
    expected = btl_oracle.official_token(provider.credentials, region, _seconds(expiry), instant)
    assert ours == expected


@given(st.sampled_from([None, "tok"]), st.sampled_from(REGIONS), int_expiries)
def test_provide_token_with_refreshable_credentials(
    token: Optional[str], region: str, expiry: int
) -> None:
    creds, fetcher = _rotating_credentials(token)
    before = fetcher.calls
    ours = provide_token(region, aws_credentials_provider=_FixedProvider(creds), expiry=expiry)
    assert fetcher.calls == before + 1
    params = btl_oracle.token_params(ours)
    n = before + 1
    assert params["X-Amz-Credential"].startswith("AKIDROTATING%d/" % n)
    assert params.get("X-Amz-Security-Token") == (None if token is None else "%s-%d" % (token, n))


def test_provide_token_with_botocore_env_provider() -> None:
    from botocore.credentials import EnvProvider as BotoEnvProvider

    environ = {
        "AWS_ACCESS_KEY_ID": "AKIDENVEXAMPLE",
        "AWS_SECRET_ACCESS_KEY": "env/secret+key=",
        "AWS_SESSION_TOKEN": "env-session/token+=",
    }
    provider = BotoEnvProvider(environ=environ)
    ours = provide_token("eu-west-1", aws_credentials_provider=provider, expiry=900)
    instant = btl_oracle.token_instant(ours)
    expected = btl_oracle.official_token(provider.load(), "eu-west-1", 900, instant)
    assert ours == expected


def _all_regions() -> List[str]:
    sys.path.insert(0, str(ROOT / "vectors"))
    import generate

    return list(generate.COMMERCIAL_REGIONS + generate.GOVCLOUD_REGIONS)


@pytest.mark.parametrize("region", sample(_all_regions()))
def test_every_listed_region_matches(region: str) -> None:
    now = datetime(2026, 11, 28, 12, 0, 1, tzinfo=timezone.utc)
    creds = Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "t/+=")
    expected = btl_oracle.official_token(
        _botocore_credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "t/+="),
        region,
        MAX,
        now,
    )
    assert generate_token(creds, region, now=now) == expected
