"""Hostile credential variables, and hostile credentials from a provider."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Dict, Optional

from _check import outcome
from _strategies import hostile_text, nasty_text, planted, shares_a_fragment
from hypothesis import assume, given
from hypothesis import strategies as st

import bedrock_token_lite as btl

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)
SECRET_MARK = "CanarySK7q2Wz9xP"
TOKEN_MARK = "CanaryST4k8Rn3vY"

access_keys = st.one_of(st.just("AKIDHOSTILEEXAMPLE"), hostile_text)
secret_keys = st.one_of(planted(SECRET_MARK), st.just(""))
session_tokens = st.one_of(st.none(), planted(TOKEN_MARK), st.just(""))
expirations = st.one_of(
    st.none(),
    hostile_text,
    st.sampled_from(
        [
            "2026-12-01T13:00:00Z",
            "2026-12-01T11:00:00Z",  # already expired
            "2026-12-01T13:00:00",  # naive
            "9999-12-31T23:59:59Z",
            "0001-01-01T00:00:00Z",
            "2026-02-30T00:00:00Z",
            "2026-12-01T13:00:00+25:00",
        ]
    ),
)


def _environ(home: Path, values: Dict[str, Optional[str]]) -> Dict[str, str]:
    env = {
        "HOME": str(home),
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": str(home / "none"),
        "AWS_SHARED_CREDENTIALS_FILE": str(home / "none"),
    }
    env.update({k: v for k, v in values.items() if v is not None})
    return env


def _sign(creds: Any) -> str:
    return btl.generate_token(creds, "us-east-1", now=NOW)


@given(access_keys, secret_keys, session_tokens, expirations)
def test_environment_credentials(
    tmp_path_factory: Any, ak: str, sk: str, token: Optional[str], expiration: Optional[str]
) -> None:
    secrets = [sk, token or ""]
    assume(not shares_a_fragment(secrets, ak, expiration or ""))
    env = _environ(
        tmp_path_factory.getbasetemp(),
        {
            "AWS_ACCESS_KEY_ID": ak,
            "AWS_SECRET_ACCESS_KEY": sk,
            "AWS_SESSION_TOKEN": token,
            "AWS_CREDENTIAL_EXPIRATION": expiration,
        },
    )
    creds, error = outcome(
        lambda: btl.resolve_credentials(environ=env), secrets=secrets, clean_repr=True
    )
    if error is None:
        outcome(lambda: _sign(creds), secrets=secrets)


class _Fake:
    def __init__(self, value: Any) -> None:
        self.value = value

    def load(self) -> Any:
        return self.value


class _Loose:
    """Something credential-like with any attribute values (a third-party provider's)."""

    def __init__(self, access_key: Any, secret_key: Any, token: Any) -> None:
        self.access_key = access_key
        self.secret_key = secret_key
        self.token = token


odd_values = st.one_of(st.none(), st.integers(), st.binary(max_size=10), st.just(b"\xff"))


@given(
    access_keys,
    secret_keys,
    session_tokens,
    st.sampled_from(["ours", "loose", "odd-key", "odd-secret", "odd-token", "none", "object"]),
)
def test_provide_token_with_a_fake_provider(
    ak: str, sk: str, token: Optional[str], shape: str
) -> None:
    secrets = [sk, token or ""]
    assume(not shares_a_fragment(secrets, ak))
    makers: Dict[str, Callable[[], Any]] = {
        "ours": lambda: btl.Credentials(ak, sk, token),
        "loose": lambda: _Loose(ak, sk, token),
        "odd-key": lambda: _Loose(b"AKID", sk, token),
        "odd-secret": lambda: _Loose(ak, 12345, token),
        "odd-token": lambda: _Loose(ak, sk, b"\xfftoken"),
        "none": lambda: None,
        "object": lambda: object(),
    }
    value = makers[shape]()
    outcome(
        lambda: btl.provide_token(region="us-east-1", aws_credentials_provider=_Fake(value)),
        secrets=secrets,
    )


@given(nasty_text)
def test_provide_token_with_a_hostile_region(region: str) -> None:
    creds = btl.Credentials("AKIDHOSTILEEXAMPLE", SECRET_MARK, TOKEN_MARK)
    outcome(
        lambda: btl.provide_token(region=region, aws_credentials_provider=_Fake(creds)),
        secrets=[SECRET_MARK, TOKEN_MARK],
    )
