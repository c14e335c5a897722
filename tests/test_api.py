"""Validation and the public API surface: regions, expiries, credentials, errors."""

from __future__ import annotations

import ast
import copy
import os
import pickle
import re
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Optional

import pytest
from _support import ROOT, requires_botocore

import bedrock_token_lite as btl
from bedrock_token_lite import (
    BedrockTokenError,
    BedrockTokenGenerator,
    Credentials,
    CredentialsError,
    InvalidParameterError,
    NoCredentialsError,
    PartialCredentialsError,
    generate_token,
    provide_token,
)
from bedrock_token_lite._api import resolve_region_from_env
from bedrock_token_lite._token import check_region, expiry_seconds

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import example, given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

sys.path.insert(0, str(ROOT / "vectors"))
import btl_oracle  # noqa: E402

#: The region rule, as given: a DNS host label.
REGION_RE = re.compile(r"^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$")
NOW = datetime(2025, 6, 15, 12, 34, 56, tzinfo=timezone.utc)
CREDS = Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")


class Provider:
    def __init__(self, credentials: Any) -> None:
        self.credentials = credentials

    def load(self) -> Any:
        return self.credentials


def _expires(token: str) -> int:
    return int(btl_oracle.token_params(token)["X-Amz-Expires"])


def _region(token: str) -> str:
    return btl_oracle.token_params(token)["X-Amz-Credential"].split("/")[2]


# -- regions ------------------------------------------------------------------

region_like = st.text(
    st.sampled_from("abcxyzABCXYZ0129-_. \n\t\u00e9\u0661\uff11"), min_size=0, max_size=70
)


@given(st.one_of(region_like, st.text(max_size=70), st.from_regex(REGION_RE, fullmatch=True)))
@example("us-east-1\n")
@example("us-east-1\r\n")
@example("\u0661")  # an Arabic-Indic digit: a digit to Unicode, not to DNS
@example("a" * 63)
@example("a" * 64)
@example("-a")
@example("a-")
@example("")
@example("123")
def test_region_rule_matches_the_regex(region: str) -> None:
    valid = REGION_RE.fullmatch(region) is not None and not region.endswith("\n")
    if valid:
        assert check_region(region) == region
        assert _region(generate_token(CREDS, region, now=NOW)) == region
    else:
        with pytest.raises(InvalidParameterError):
            check_region(region)
        with pytest.raises(InvalidParameterError):
            generate_token(CREDS, region, now=NOW)


@requires_botocore
@given(st.text(st.sampled_from("abAB09-_.\u0661"), min_size=0, max_size=66))
@example("a" * 63)
@example("a" * 64)
def test_region_rule_matches_botocore_host_label(region: str) -> None:
    """botocore's endpoint-rules host label check, ASCII digits only (we refuse Unicode digits)."""
    from botocore.endpoint_provider import VALID_HOST_LABEL_RE

    botocore_ok = VALID_HOST_LABEL_RE.match(region) is not None and region.isascii()
    try:
        check_region(region)
    except InvalidParameterError:
        ours_ok = False
    else:
        ours_ok = True
    assert ours_ok == botocore_ok


@pytest.mark.parametrize("region", [None, 1, b"us-east-1", ["us-east-1"]])
def test_region_must_be_a_string(region: Any) -> None:
    with pytest.raises(InvalidParameterError, match="Region"):
        generate_token(CREDS, region, now=NOW)


def test_region_error_names_the_region_and_the_fix() -> None:
    with pytest.raises(InvalidParameterError) as info:
        generate_token(CREDS, "us_east_1", now=NOW)
    assert "'us_east_1'" in str(info.value)
    assert "us-east-1" in str(info.value)


# -- expiry -------------------------------------------------------------------


@given(st.integers(min_value=1, max_value=43200))
def test_integer_expiry(seconds: int) -> None:
    assert expiry_seconds(seconds) == seconds
    assert expiry_seconds(timedelta(seconds=seconds)) == seconds


@given(st.floats(min_value=1.0, max_value=43200.0, allow_nan=False))
def test_fractions_are_truncated(seconds: float) -> None:
    assert expiry_seconds(seconds) == int(seconds)
    delta = timedelta(seconds=seconds)
    assert expiry_seconds(delta) == int(delta.total_seconds())


@pytest.mark.parametrize(
    ("expiry", "seconds"),
    [
        (899.9, 899),
        (timedelta(seconds=899, microseconds=999999), 899),
        (1.999, 1),
        (timedelta(hours=12), 43200),
        (43200.0, 43200),
        (timedelta(minutes=90), 5400),
    ],
)
def test_expiry_examples(expiry: Any, seconds: int) -> None:
    assert _expires(generate_token(CREDS, "us-east-1", expiry=expiry, now=NOW)) == seconds


@pytest.mark.parametrize(
    "expiry",
    [
        0,
        -1,
        0.0,
        0.999,
        timedelta(0),
        timedelta(microseconds=999999),
        timedelta(seconds=-5),
        43200.000001,
        43201,
        timedelta(hours=12, microseconds=1),
        float("nan"),
        float("inf"),
        -float("inf"),
    ],
)
def test_expiry_out_of_range(expiry: Any) -> None:
    with pytest.raises(InvalidParameterError, match=r"(?i)expiry"):
        generate_token(CREDS, "us-east-1", expiry=expiry, now=NOW)


@given(
    st.one_of(
        st.integers(),
        st.floats(),
        st.timedeltas(),
        st.integers(min_value=10**300, max_value=10**400),
        st.integers(min_value=-(10**400), max_value=-(10**300)),
    )
)
@example(10**400)
@example(-(10**400))
def test_any_number_is_either_accepted_or_refused_cleanly(expiry: Any) -> None:
    """Only InvalidParameterError, never OverflowError or another surprise."""
    total = expiry.total_seconds() if isinstance(expiry, timedelta) else expiry
    if 0 < total <= 43200 and int(total) >= 1:
        assert expiry_seconds(expiry) == int(total)
    else:
        with pytest.raises(InvalidParameterError, match="expiry"):
            expiry_seconds(expiry)


@pytest.mark.parametrize("expiry", [True, False, "900", None, b"900", [900]])
def test_expiry_type(expiry: Any) -> None:
    with pytest.raises(InvalidParameterError, match="timedelta"):
        generate_token(CREDS, "us-east-1", expiry=expiry, now=NOW)


def test_expiry_default_is_twelve_hours() -> None:
    assert _expires(generate_token(CREDS, "us-east-1", now=NOW)) == 43200
    assert _expires(provide_token("us-east-1", Provider(CREDS))) == 43200
    assert _expires(BedrockTokenGenerator().get_token(CREDS, "us-east-1")) == 43200


def test_provide_token_validates_expiry_before_loading_credentials() -> None:
    class Exploding:
        def load(self) -> Any:
            raise AssertionError("credentials must not be loaded for a bad expiry")

    with pytest.raises(InvalidParameterError):
        provide_token("us-east-1", Exploding(), timedelta(0))
    with pytest.raises(InvalidParameterError):
        provide_token("us east", Exploding())


# -- credentials ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("access_key", "secret_key", "field"),
    [("", "secret", "access key"), ("AKID", "", "secret access key")],
)
def test_empty_credential_values(access_key: str, secret_key: str, field: str) -> None:
    with pytest.raises(InvalidParameterError, match=field):
        generate_token(Credentials(access_key, secret_key), "us-east-1", now=NOW)
    plain = SimpleNamespace(access_key=access_key, secret_key=secret_key, token=None)
    with pytest.raises(InvalidParameterError, match=field):
        generate_token(plain, "us-east-1", now=NOW)


def test_credentials_none() -> None:
    with pytest.raises(InvalidParameterError, match="Credentials cannot be None"):
        generate_token(None, "us-east-1", now=NOW)
    with pytest.raises(InvalidParameterError, match="Credentials cannot be None"):
        BedrockTokenGenerator().get_token(None, "us-east-1")


@pytest.mark.parametrize(
    "credentials",
    [
        object(),
        SimpleNamespace(access_key="AKID", secret_key="s"),
        SimpleNamespace(access_key=b"AKID", secret_key="s", token=None),
        SimpleNamespace(access_key="AKID", secret_key="s", token=b"t"),
    ],
    ids=["no-attributes", "no-token-attribute", "bytes-key", "bytes-token"],
)
def test_credentials_of_the_wrong_shape(credentials: Any) -> None:
    with pytest.raises(InvalidParameterError):
        generate_token(credentials, "us-east-1", now=NOW)


@pytest.mark.parametrize(
    "args",
    [(b"AKID", "secret"), ("AKID", None), ("AKID", "s", 5)],
)
def test_credentials_constructor_types(args: Any) -> None:
    with pytest.raises(InvalidParameterError):
        Credentials(*args)


def test_credentials_expiry_must_be_aware() -> None:
    with pytest.raises(InvalidParameterError, match="timezone-aware"):
        Credentials("AKID", "secret", None, datetime(2030, 1, 1))


# -- now ------------------------------------------------------------------------


def test_naive_now_is_rejected() -> None:
    with pytest.raises(InvalidParameterError, match="timezone-aware"):
        generate_token(CREDS, "us-east-1", now=datetime(2025, 1, 1))


@pytest.mark.parametrize("now", ["2025-01-01T00:00:00Z", 1735689600, datetime(2025, 1, 1).date()])
def test_now_must_be_a_datetime(now: Any) -> None:
    with pytest.raises(InvalidParameterError, match="datetime"):
        generate_token(CREDS, "us-east-1", now=now)


@pytest.mark.parametrize(
    "now",
    [
        datetime.min.replace(tzinfo=timezone(timedelta(hours=1))),
        datetime.max.replace(tzinfo=timezone(timedelta(hours=-1))),
    ],
    ids=["before-year-1", "after-year-9999"],
)
def test_now_outside_the_datetime_range_in_utc(now: datetime) -> None:
    with pytest.raises(InvalidParameterError, match="outside the years"):
        generate_token(CREDS, "us-east-1", now=now)


def test_default_now_is_the_current_time() -> None:
    before = datetime.now(timezone.utc).replace(microsecond=0)
    token = generate_token(CREDS, "us-east-1")
    after = datetime.now(timezone.utc)
    assert before <= btl_oracle.token_instant(token) <= after


# -- exceptions -------------------------------------------------------------------


def test_exception_hierarchy() -> None:
    assert issubclass(InvalidParameterError, ValueError)
    assert issubclass(InvalidParameterError, BedrockTokenError)
    assert issubclass(CredentialsError, RuntimeError)
    assert issubclass(CredentialsError, BedrockTokenError)
    assert issubclass(NoCredentialsError, CredentialsError)
    assert issubclass(NoCredentialsError, RuntimeError)
    assert issubclass(PartialCredentialsError, CredentialsError)
    assert not issubclass(InvalidParameterError, RuntimeError)
    assert not issubclass(CredentialsError, ValueError)
    for name in btl.__all__:
        obj = getattr(btl, name)
        if isinstance(obj, type) and issubclass(obj, BaseException):
            assert issubclass(obj, BedrockTokenError), name


def test_no_credentials_from_provider() -> None:
    with pytest.raises(NoCredentialsError, match="No AWS credentials found"):
        provide_token("us-east-1", Provider(None))


# -- region order ---------------------------------------------------------------

REGION_VARS = ("AWS_REGION", "AWS_DEFAULT_REGION")


@pytest.mark.parametrize(
    ("argument", "aws_region", "aws_default_region", "expected"),
    [
        ("eu-west-1", "us-west-2", "ap-south-1", "eu-west-1"),
        (None, "us-west-2", "ap-south-1", "us-west-2"),
        (None, None, "ap-south-1", "ap-south-1"),
        (None, "", "ap-south-1", "ap-south-1"),
        ("", "us-west-2", None, "us-west-2"),
        (None, "us-west-2", None, "us-west-2"),
        (None, None, None, None),
        (None, "", "", None),
    ],
)
def test_provide_token_region_order(
    monkeypatch: pytest.MonkeyPatch,
    argument: Optional[str],
    aws_region: Optional[str],
    aws_default_region: Optional[str],
    expected: Optional[str],
) -> None:
    for name, value in zip(REGION_VARS, (aws_region, aws_default_region)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    if expected is None:
        with pytest.raises(InvalidParameterError, match="AWS_REGION"):
            provide_token(argument, Provider(CREDS))
    else:
        assert _region(provide_token(argument, Provider(CREDS))) == expected
    if not argument:
        env = {k: v for k, v in zip(REGION_VARS, (aws_region, aws_default_region)) if v is not None}
        assert resolve_region_from_env(env) == expected


def test_provide_token_uses_the_given_provider(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDFROMENVIRONMENT")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "env-secret")
    token = provide_token("us-east-1", Provider(Credentials("AKIDFROMPROVIDER", "secret")))
    assert btl_oracle.token_params(token)["X-Amz-Credential"].startswith("AKIDFROMPROVIDER/")


# -- Credentials value type ---------------------------------------------------------

EXPIRY = datetime(2030, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=2)))


def test_credentials_are_immutable() -> None:
    creds = Credentials("AKID", "secret", "token", EXPIRY, account_id="123456789012")
    for name in ("access_key", "secret_key", "token", "expiry", "account_id", "method", "other"):
        with pytest.raises(AttributeError):
            setattr(creds, name, "x")
        with pytest.raises(AttributeError):
            delattr(creds, name)
    assert creds.access_key == "AKID"
    assert not hasattr(creds, "__dict__")
    assert creds.get_frozen_credentials() is creds


def test_credentials_equality() -> None:
    a = Credentials("AKID", "secret", "token", EXPIRY, account_id="1")
    assert a == Credentials("AKID", "secret", "token", EXPIRY, account_id="1")
    assert hash(a) == hash(Credentials("AKID", "secret", "token", EXPIRY, account_id="1"))
    # The same instant in another offset is the same expiry.
    assert a == Credentials(
        "AKID", "secret", "token", EXPIRY.astimezone(timezone.utc), account_id="1"
    )
    for other in (
        Credentials("AKID2", "secret", "token", EXPIRY, account_id="1"),
        Credentials("AKID", "secret2", "token", EXPIRY, account_id="1"),
        Credentials("AKID", "secret", None, EXPIRY, account_id="1"),
        Credentials("AKID", "secret", "", EXPIRY, account_id="1"),
        Credentials("AKID", "secret", "token", None, account_id="1"),
        Credentials("AKID", "secret", "token", EXPIRY, account_id="2"),
    ):
        assert a != other
    assert a != ("AKID", "secret", "token")
    assert len({a, Credentials("AKID", "secret", "token", EXPIRY, account_id="1")}) == 1


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_credentials_pickle_round_trip(protocol: int) -> None:
    creds = Credentials("AKID", "secret", "token", EXPIRY, account_id="123", method="env")
    clone = pickle.loads(pickle.dumps(creds, protocol=protocol))  # noqa: S301 - our own data
    assert clone == creds
    assert clone is not creds
    for name in ("access_key", "secret_key", "token", "expiry", "account_id", "method"):
        assert getattr(clone, name) == getattr(creds, name)
    with pytest.raises(AttributeError):
        clone.access_key = "x"  # type: ignore[misc]
    assert copy.deepcopy(creds) == creds
    assert copy.copy(creds) == creds


def test_credentials_repr() -> None:
    creds = Credentials("AKIDEXAMPLE", "the-secret", "the-token", EXPIRY, method="env")
    text = repr(creds)
    assert text.startswith("Credentials(")
    assert "'AKIDEXAMPLE'" in text
    assert "the-secret" not in text
    assert "the-token" not in text
    assert "secret_key=<redacted>" in text
    assert "token=<redacted>" in text
    assert EXPIRY.isoformat() in text
    assert "'env'" in text
    bare = repr(Credentials("AKIDEXAMPLE", "s"))
    assert bare == "Credentials(access_key='AKIDEXAMPLE', secret_key=<redacted>)"


def test_bedrock_token_generator_region_checks() -> None:
    with pytest.raises(InvalidParameterError, match="non-empty string"):
        BedrockTokenGenerator().get_token(CREDS, "")
    with pytest.raises(InvalidParameterError, match="non-empty string"):
        BedrockTokenGenerator().get_token(CREDS, None)  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError):
        BedrockTokenGenerator().get_token(CREDS, "not a region")


# -- import cost ------------------------------------------------------------------

HEAVY = (
    "json",
    "configparser",
    "subprocess",
    "argparse",
    "urllib.request",
    "http.client",
    "xml",
    "email",
    "re",
    "threading",
    "socket",
    "ssl",
)

# ``typing`` itself imports ``re`` on Python 3.7-3.12 (not 3.13); the package imports
# typing at run time, so what typing pulls in is reported separately, not counted here.
_IMPORT_CHECK = """
import sys
before = set(sys.modules)
import typing
by_typing = sorted(set(sys.modules) - before)
import bedrock_token_lite
from datetime import datetime, timezone
after_import = sorted(set(sys.modules) - before)
bedrock_token_lite.generate_token(
    bedrock_token_lite.Credentials("AKID", "secret", "token"), "us-east-1",
    now=datetime(2025, 1, 1, tzinfo=timezone.utc),
)
after_token = sorted(set(sys.modules) - before)
print(repr({"import": after_import, "token": after_token, "typing": by_typing}))
"""


def test_import_and_explicit_signing_stay_light(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-S", "-c", _IMPORT_CHECK],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=str(tmp_path),
        env={"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT)},
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    loaded = ast.literal_eval(proc.stdout)
    assert "bedrock_token_lite" in loaded["import"]
    for stage in ("import", "token"):
        heavy = [
            m
            for m in loaded[stage]
            if (m.split(".")[0] in HEAVY or m in HEAVY) and m not in loaded["typing"]
        ]
        assert heavy == [], (stage, heavy)
