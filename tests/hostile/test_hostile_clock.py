"""Hostile clocks: any datetime in datetime's range, aware (any offset) or naive."""

from __future__ import annotations

import contextlib
from datetime import datetime, timedelta, timezone
from typing import Any

from _check import outcome
from hypothesis import given
from hypothesis import strategies as st

import bedrock_token_lite as btl
from bedrock_token_lite import sigv4

SECRET = "CanaryClockSecret2Pf6Uy"
TOKEN = "CanaryClockSession9Kc4Td"
SECRETS = [SECRET, TOKEN]
CREDS = btl.Credentials("AKIDCLOCK", SECRET, TOKEN)
GOOD = btl.generate_token(CREDS, "us-east-1", now=datetime(2026, 12, 1, tzinfo=timezone.utc))

offsets = st.integers(min_value=-(24 * 60 - 1), max_value=24 * 60 - 1).map(
    lambda m: timezone(timedelta(minutes=m))
)
instants = st.one_of(
    st.datetimes(timezones=st.one_of(st.just(timezone.utc), offsets)),
    st.datetimes(),  # naive
    st.sampled_from([datetime.min, datetime.max]),
    st.sampled_from([datetime.min, datetime.max]).flatmap(
        lambda d: offsets.map(lambda tz: d.replace(tzinfo=tz))
    ),
)
# Not datetimes at all, as a clock might return them.
odd = st.one_of(st.none(), st.integers(), st.floats(), st.text(max_size=5), st.just(object()))


@given(instants)
def test_generate_token(now: datetime) -> None:
    outcome(lambda: btl.generate_token(CREDS, "us-east-1", now=now), secrets=SECRETS)


@given(st.one_of(instants, odd))
def test_verify_token(now: Any) -> None:
    outcome(lambda: btl.verify_token(GOOD, CREDS, now=now), secrets=SECRETS, clean_repr=True)


@given(st.one_of(instants, odd), st.integers(min_value=-5, max_value=700_000))
def test_sigv4_presign(now: Any, expires: int) -> None:
    # sigv4 defines the root BedrockTokenError itself, so even vendored alone it
    # raises only errors of the family (SigningError is also a ValueError).
    outcome(
        lambda: sigv4.presign(
            "GET",
            "https://b.s3.amazonaws.com/k",
            credentials=CREDS,
            region="us-east-1",
            service="s3",
            now=now,
            expires_in=expires,
        ),
        secrets=SECRETS,
    )


class _Fake:
    def load(self) -> btl.Credentials:
        return CREDS


@given(st.lists(st.one_of(instants, odd), min_size=1, max_size=4))
def test_token_provider_clock(readings: Any) -> None:
    it = iter(readings * 50)

    def clock() -> Any:
        return next(it)

    def run() -> Any:
        provider = btl.TokenProvider("us-east-1", credentials_provider=_Fake(), clock=clock)
        for _ in range(len(readings)):
            with contextlib.suppress(btl.BedrockTokenError):  # the next reading may be good
                provider.token()
        repr(provider)
        return provider.token()

    outcome(run, secrets=SECRETS)
