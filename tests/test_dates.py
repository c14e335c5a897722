"""Expiry timestamps: our parser against ``dateutil.parser.parse`` (botocore's)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import warnings
from datetime import datetime, timedelta, timezone
from typing import Any, Iterator, Optional

import pytest
from hypothesis import given
from hypothesis import strategies as st

import bedrock_token_lite as btl
from bedrock_token_lite._common.dates import parse_expiry

dateutil_parser = pytest.importorskip("dateutil.parser")


@pytest.fixture(autouse=True)
def utc_local_zone() -> Iterator[None]:
    """dateutil maps ``Z``/``UTC`` to the *local* zone when that zone is UTC; pin it."""
    if not hasattr(time, "tzset"):  # pragma: no cover - Windows
        yield
        return
    old = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    try:
        yield
    finally:
        if old is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = old
        time.tzset()


def dateutil_parse(text: str) -> Optional[datetime]:
    """dateutil's answer, or ``None`` when it refuses the text."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            result: datetime = dateutil_parser.parse(text)
        except (ValueError, OverflowError):
            return None
    return result


def assert_same_instant(ours: datetime, theirs: Optional[datetime]) -> None:
    assert theirs is not None
    assert theirs.tzinfo is not None
    assert ours == theirs
    assert ours.utcoffset() == theirs.utcoffset()
    assert ours.tzinfo is not None


ACCEPTED = [
    "2024-01-01T00:00:00Z",
    "2024-01-01t00:00:00z",
    "2024-01-01T00:00:00.123456+00:00",
    "2024-01-01T00:00:00.1234567Z",  # .NET emits 7 digits
    "2024-01-01T00:00:00.123456789Z",  # Go emits 9
    "2024-01-01T00:00:00,5Z",
    "2024-01-01 00:00:00Z",
    "2024-01-01 00:00:00+00:00",
    "2024-01-01T00:00Z",
    "2024-01-01T00:00:00+0530",
    "2024-01-01T00:00:00+05",
    "2024-01-01T00:00:00-05:30",
    "2024-01-01T00:00:00-00:00",
    "2024-01-01T00:00:00 +02:00",
    "2024-01-01T00:00:00 UTC",
    "2024-01-01T00:00:00UTC",
    "2024-01-01T00:00:00 GMT",
    "2024-01-01T00:00:00 Z",
    "20240101T000000Z",
    "20240101T000000.5+0100",
    "Thu, 01 Jan 2099 00:00:00 GMT",
    "01 Jan 2099 00:00:00 GMT",
    "1 jan 2099 00:00 +0200",
    "Thu, 01 Jan 2099 00:00:00 +00:00",
    "  2024-01-01T00:00:00Z\n",
    "9999-12-31T23:59:59Z",
    "2024-02-29T12:00:00Z",
]


@pytest.mark.parametrize("text", ACCEPTED)
def test_accepted_forms_match_dateutil(text: str) -> None:
    assert_same_instant(parse_expiry(text), dateutil_parse(text))


NAIVE = ["2024-01-01", "2024-01-01 00:00:00", "2024-01-01T00:00:00.5", "Thu, 01 Jan 2099 00:00:00"]


@pytest.mark.parametrize("text", NAIVE)
def test_naive_is_a_type_error_as_in_botocore(text: str) -> None:
    theirs = dateutil_parse(text)
    assert theirs is not None
    assert theirs.tzinfo is None
    with pytest.raises(btl.NaiveExpiryError) as info:
        parse_expiry(text, "AWS_CREDENTIAL_EXPIRATION")
    assert isinstance(info.value, TypeError)
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, btl.BedrockTokenError)
    message = str(info.value)
    assert "AWS_CREDENTIAL_EXPIRATION" in message
    assert "add Z" in message
    assert "+00:00" in message
    assert info.value.source == "AWS_CREDENTIAL_EXPIRATION"


REJECTED_BY_BOTH = [
    "",
    "   ",
    "not a date",
    "2024-01-01T00:00:00.Z",
    "2024-02-30T00:00:00Z",
    "2024-01-01T24:00:00Z",
    "2024-01-01T00:00:60Z",
    "2024-13-01T00:00:00Z",
    "2024-01-01T00:00:00+00:00:00",
    "2024-01-01T00:00:00 utc",
    "2024-W01",
    "1700000000",
    "1700000000000",
]


@pytest.mark.parametrize("text", REJECTED_BY_BOTH)
def test_rejected_forms(text: str) -> None:
    assert dateutil_parse(text) is None
    with pytest.raises(btl.ExpiryParseError) as info:
        parse_expiry(text, "Expiration")
    assert isinstance(info.value, ValueError)
    assert not isinstance(info.value, TypeError)
    assert str(info.value).startswith("Expiration: ")
    message = str(info.value)
    assert "2024-01-01T00:00:00Z" in message or "is not a valid date and time (" in message


#: dateutil accepts these; we refuse on purpose (documented in _dates and the docs).
DELIBERATELY_REJECTED = [
    "2024-01-01T00:00:00+24:00",
    "2024-01-01T00:00:00+05:99",
    "2024-1-1T0:0:0Z",
    "2024-01-01T00Z",
    "12:00Z",
    "2024-01-01T00:00:00 EST",
    "January 1 2099 00:00 UTC",
]


@pytest.mark.parametrize("text", DELIBERATELY_REJECTED)
def test_documented_rejections(text: str) -> None:
    assert dateutil_parse(text) is not None  # dateutil guesses
    with pytest.raises(btl.ExpiryParseError):
        parse_expiry(text)


@pytest.mark.parametrize("value", [None, 1700000000, 1.5, b"2024-01-01T00:00:00Z"])
def test_non_string_is_a_type_error(value: Any) -> None:
    with pytest.raises(btl.ExpiryTypeError) as info:
        parse_expiry(value, "Expiration")
    assert isinstance(info.value, TypeError)
    assert "Expiration" in str(info.value)


def test_long_values_are_truncated_in_messages() -> None:
    with pytest.raises(btl.ExpiryParseError) as info:
        parse_expiry("x" * 500)
    assert len(str(info.value)) < 250


# -- property tests ------------------------------------------------------------

ZONES = st.sampled_from(
    ["Z", "z", "UTC", "GMT", "+00:00", "-00:00", "+05:30", "-0800", "+01", "-11:45", "+2359"]
)


@st.composite
def iso_timestamps(draw: Any) -> str:
    moment = draw(
        st.datetimes(min_value=datetime(1000, 1, 1), max_value=datetime(9999, 12, 30, 23, 59))
    )
    date_part = moment.strftime("%Y-%m-%d") if moment.year >= 1000 else None
    assert date_part is not None
    basic = draw(st.booleans())
    digits = draw(st.integers(min_value=0, max_value=9))
    fraction = ""
    if digits:
        fraction = (
            draw(st.sampled_from([".", ","])) + ("%09d" % draw(st.integers(0, 10**9 - 1)))[:digits]
        )
    zone = draw(ZONES)
    space = draw(st.sampled_from(["", " "])) if zone not in ("UTC", "GMT") or not basic else ""
    if basic:
        return "%sT%s%s%s%s" % (
            moment.strftime("%Y%m%d"),
            moment.strftime("%H%M%S"),
            fraction,
            space,
            zone,
        )
    sep = draw(st.sampled_from(["T", "t", " "]))
    seconds = draw(st.booleans()) or bool(fraction)
    clock = moment.strftime("%H:%M:%S" if seconds else "%H:%M")
    return "%s%s%s%s%s%s" % (date_part, sep, clock, fraction if seconds else "", space, zone)


@st.composite
def rfc1123_timestamps(draw: Any) -> str:
    moment = draw(st.datetimes(min_value=datetime(1000, 1, 1), max_value=datetime(9999, 12, 30)))
    weekday = draw(st.sampled_from(["", moment.strftime("%a, ")]))
    day = moment.strftime("%d") if draw(st.booleans()) else str(moment.day)
    zone = draw(st.sampled_from(["GMT", "UTC", "Z", "+0000", "-0700", "+05:30"]))
    return "%s%s %s %04d %s %s" % (
        weekday,
        day,
        moment.strftime("%b"),
        moment.year,
        moment.strftime("%H:%M:%S"),
        zone,
    )


@given(iso_timestamps())
def test_iso_forms_match_dateutil(text: str) -> None:
    assert_same_instant(parse_expiry(text), dateutil_parse(text))


@given(rfc1123_timestamps())
def test_rfc1123_forms_match_dateutil(text: str) -> None:
    assert_same_instant(parse_expiry(text), dateutil_parse(text))


@given(
    st.datetimes(
        min_value=datetime(1000, 1, 2),
        max_value=datetime(9999, 12, 30),
        timezones=st.sampled_from(
            [timezone.utc, timezone(timedelta(hours=5, minutes=30)), timezone(-timedelta(hours=8))]
        ),
    )
)
def test_isoformat_round_trips(moment: datetime) -> None:
    text = moment.isoformat()
    assert parse_expiry(text) == moment
    assert_same_instant(parse_expiry(text), dateutil_parse(text))


@given(
    st.text(
        alphabet=st.sampled_from(list("0123456789-:T Zz+.,UTCGMJan")) | st.characters(),
        max_size=40,
    )
)
def test_whatever_we_accept_dateutil_reads_the_same(text: str) -> None:
    """Anything we accept, dateutil accepts with the same instant and offset."""
    try:
        ours = parse_expiry(text)
    except btl.NaiveExpiryError:
        theirs = dateutil_parse(text)
        assert theirs is not None
        assert theirs.tzinfo is None
        return
    except btl.ExpiryParseError:
        return
    assert_same_instant(ours, dateutil_parse(text))


def test_import_stays_cheap() -> None:
    code = (
        "import sys, typing, datetime; base = set(sys.modules); "
        "import bedrock_token_lite._common.dates; "
        "print(sorted({'re', 'email', 'json'} & (set(sys.modules) - base)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    assert out.strip() == "[]"
