"""Deferred fetching, refresh, MFA, the per-resolver cache and the SSO token cache file."""

from __future__ import annotations

import json
import logging
import os
import stat
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Dict, List

import pytest
from _support import requires_botocore_143
from sts_harness import (
    ROLE_ARN,
    SOURCE_AK,
    SOURCE_SK,
    FakeAWS,
    Scenario,
    base_env,
    canonical,
    close_all,
    iso_z,
    load_full_config,
    prepare_all,
    sts_error_xml,
    utc_now,
    write_home,
    write_sso_token,
)

import bedrock_token_lite as btl
from bedrock_token_lite._sources.assume_role import default_mfa_prompter

STATIC = "[src]\naws_access_key_id = %s\naws_secret_access_key = %s\n" % (SOURCE_AK, SOURCE_SK)
MFA_SERIAL = "arn:aws:iam::123456789012:mfa/user"
MFA_CONFIG = "[default]\nrole_arn = %s\nsource_profile = src\nmfa_serial = %s\n" % (
    ROLE_ARN,
    MFA_SERIAL,
)


class Clock:
    def __init__(self) -> None:
        self.now = utc_now()

    def __call__(self) -> datetime:
        return self.now


def _provider(env: Dict[str, str], **kwargs: Any) -> btl.AssumeRoleProvider:
    return btl.AssumeRoleProvider(load_config=lambda: load_full_config(env), environ=env, **kwargs)


def _env(aws: FakeAWS, home: Path, config: str, credentials: str = STATIC) -> Dict[str, str]:
    write_home(home, config, credentials)
    return base_env(
        home, AWS_ENDPOINT_URL_STS=aws.url, AWS_DEFAULT_REGION="eu-west-1", AWS_MAX_ATTEMPTS="1"
    )


@requires_botocore_143
def test_mfa_prompt_and_token_code_match_botocore(tmp_path: Path) -> None:
    case = Scenario("mfa", MFA_CONFIG, STATIC, mfa_code="123456")
    prepared = prepare_all([case], tmp_path)
    try:
        item = prepared["mfa"]
        prompts: List[str] = []

        def prompter(prompt: str) -> str:
            prompts.append(prompt)
            return "123456"

        item.server.reset()
        creds = _provider(item.env, mfa_prompter=prompter).load()
        assert creds is not None
        assert not item.server.requests, "the STS call is deferred to first use"
        frozen = creds.get_frozen_credentials()
        assert prompts == item.theirs["prompts"] == ["Enter MFA code for %s: " % MFA_SERIAL]
        assert [canonical(r) for r in item.server.requests] == item.their_requests
        assert ("TokenCode", "123456") in item.their_requests[0]["form"]
        assert frozen.access_key == item.theirs["result"]["access_key"]
    finally:
        close_all(prepared)


def test_mfa_second_refresh_fails(aws: FakeAWS, home: Path) -> None:
    clock = Clock()
    env = _env(aws, home, MFA_CONFIG)
    creds = _provider(env, mfa_prompter=lambda prompt: "123456", clock=clock).load()
    assert creds is not None
    first = creds.get_frozen_credentials()
    clock.now = aws.expiration - timedelta(minutes=5)  # mandatory window
    with pytest.raises(btl.RefreshWithMFAUnsupportedError, match="MFA token required"):
        creds.get_frozen_credentials()
    clock.now = aws.expiration - timedelta(minutes=12)  # advisory: old credentials kept
    assert creds.get_frozen_credentials() == first
    assert len(aws.requests) == 1


def test_default_mfa_prompter_without_terminal() -> None:
    import sys

    if sys.stdin is not None and sys.stdin.isatty():  # pragma: no cover - interactive runs
        pytest.skip("stdin is a terminal")
    with pytest.raises(btl.MFAPromptError, match="mfa_prompter") as info:
        default_mfa_prompter("Enter MFA code for %s: " % MFA_SERIAL)
    assert isinstance(info.value, EOFError)
    assert MFA_SERIAL in str(info.value)


def test_deferred_error_surfaces_on_first_use(aws: FakeAWS, home: Path) -> None:
    aws.hook = lambda record: (403, {}, sts_error_xml("AccessDenied", "no"))
    env = _env(aws, home, "[default]\nrole_arn = %s\nsource_profile = src\n" % ROLE_ARN)
    creds = _provider(env).load()
    assert creds is not None
    assert not aws.requests
    with pytest.raises(btl.ClientError) as info:
        creds.get_frozen_credentials()
    assert info.value.code == "AccessDenied"
    assert info.value.operation_name == "AssumeRole"


def test_shared_cache_and_refresh(aws: FakeAWS, home: Path) -> None:
    clock = Clock()
    env = _env(
        aws,
        home,
        "[default]\nrole_arn = %s\nsource_profile = src\nrole_session_name = fixed\n" % ROLE_ARN,
    )
    cache: Dict[str, Any] = {}
    first = _provider(env, cache=cache, clock=clock).load()
    second = _provider(env, cache=cache, clock=clock).load()
    assert first is not None
    assert second is not None
    assert first.get_frozen_credentials() == second.get_frozen_credentials()
    assert len(aws.requests) == 1, "the second provider must use the resolver's cache"
    assert list(cache)
    assert all(len(key) == 40 for key in cache)
    # Inside the advisory window the cache entry counts as expired: a new STS call.
    clock.now = aws.expiration - timedelta(minutes=14)
    aws.expiration += timedelta(hours=1)
    refreshed = first.get_frozen_credentials()
    assert len(aws.requests) == 2
    assert refreshed.expiry == aws.expiration
    # An advisory refresh that fails keeps the current credentials (and logs no secret).
    clock.now = aws.expiration - timedelta(minutes=12)
    aws.hook = lambda record: (500, {}, sts_error_xml("InternalFailure", "x", "Receiver"))
    assert first.get_frozen_credentials() == refreshed


def test_web_identity_token_file_reread_on_refresh(aws: FakeAWS, home: Path) -> None:
    clock = Clock()
    token = home / "token.jwt"
    token.write_text("first-token")
    env = base_env(
        home,
        AWS_ENDPOINT_URL_STS=aws.url,
        AWS_WEB_IDENTITY_TOKEN_FILE=str(token),
        AWS_ROLE_ARN=ROLE_ARN,
        AWS_ROLE_SESSION_NAME="s1",
    )
    provider = btl.AssumeRoleWithWebIdentityProvider(
        load_config=lambda: {}, environ=env, clock=clock
    )
    creds = provider.load()
    assert creds is not None
    assert not aws.requests
    creds.get_frozen_credentials()
    token.write_text("second-token")
    clock.now = aws.expiration - timedelta(minutes=5)
    aws.expiration += timedelta(hours=1)
    creds.get_frozen_credentials()
    sent = [dict(r.form)["WebIdentityToken"] for r in aws.requests]
    assert sent == ["first-token", "second-token"]


def test_web_identity_missing_token_file_is_file_not_found(home: Path) -> None:
    env = base_env(home, AWS_WEB_IDENTITY_TOKEN_FILE=str(home / "absent"), AWS_ROLE_ARN=ROLE_ARN)
    creds = btl.AssumeRoleWithWebIdentityProvider(load_config=lambda: {}, environ=env).load()
    assert creds is not None
    with pytest.raises(FileNotFoundError):
        creds.get_frozen_credentials()


SESSION = (
    "[default]\nsso_session = my-sso\nsso_account_id = 111122223333\nsso_role_name = R\n"
    "[sso-session my-sso]\nsso_start_url = https://start.example/start\nsso_region = us-east-1\n"
)


def test_sso_token_refresh_rewrites_cache_file(aws: FakeAWS, home: Path) -> None:
    write_home(home, SESSION)
    path = write_sso_token(
        home,
        "my-sso",
        {
            "startUrl": "https://start.example/start",
            "region": "us-east-1",
            "accessToken": "old-token",
            "expiresAt": iso_z(utc_now() + timedelta(minutes=5)),
            "clientId": "cid",
            "clientSecret": "csecret",
            "refreshToken": "rtoken",
            "registrationExpiresAt": "2099-01-01T00:00:00Z",
        },
    )
    aws.sso_tokens["refreshed-access-token"] = ("R", "111122223333")
    env = base_env(home, AWS_ENDPOINT_URL_SSO=aws.url, AWS_ENDPOINT_URL_SSO_OIDC=aws.url)
    clock = Clock()
    provider = btl.SSOProvider(
        load_config=lambda: load_full_config(env), environ=env, home=str(home), clock=clock
    )
    creds = provider.load()
    assert creds is not None
    assert creds.get_frozen_credentials().account_id == "111122223333"
    oidc = [r for r in aws.requests if r.path == "/token"]
    assert json.loads(oidc[0].body) == {
        "grantType": "refresh_token",
        "clientId": "cid",
        "clientSecret": "csecret",
        "refreshToken": "rtoken",
    }
    data = json.loads(path.read_text())
    assert list(data) == [
        "startUrl",
        "region",
        "accessToken",
        "expiresAt",
        "clientId",
        "clientSecret",
        "registrationExpiresAt",
        "refreshToken",
    ]
    assert data["accessToken"] == "refreshed-access-token"
    assert data["refreshToken"] == "new-refresh-token"
    assert data["expiresAt"] == (clock.now + timedelta(seconds=28800)).strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert not [p for p in path.parent.iterdir() if p.suffix == ".tmp"]


def test_sso_oidc_client_error_keeps_cached_token(aws: FakeAWS, home: Path) -> None:
    write_home(home, SESSION)
    write_sso_token(
        home,
        "my-sso",
        {
            "accessToken": "old-token",
            "expiresAt": iso_z(utc_now() + timedelta(minutes=5)),
            "clientId": "cid",
            "clientSecret": "csecret",
            "refreshToken": "rtoken",
            "registrationExpiresAt": "2099-01-01T00:00:00Z",
        },
    )
    aws.sso_tokens["old-token"] = ("R", "111122223333")
    aws.hook = lambda r: (
        (400, {"x-amzn-ErrorType": "InvalidGrantException"}, b'{"error":"invalid_grant"}')
        if r.path == "/token"
        else None
    )
    env = base_env(home, AWS_ENDPOINT_URL_SSO=aws.url, AWS_ENDPOINT_URL_SSO_OIDC=aws.url)
    creds = btl.SSOProvider(
        load_config=lambda: load_full_config(env), environ=env, home=str(home)
    ).load()
    assert creds is not None
    creds.get_frozen_credentials()
    get = [r for r in aws.requests if r.path == "/federation/credentials"]
    assert get[0].headers["x-amz-sso_bearer_token"] == "old-token"


def test_no_secret_in_logs_reprs_or_errors(
    aws: FakeAWS, home: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    clock = Clock()
    env = _env(aws, home, "[default]\nrole_arn = %s\nsource_profile = src\n" % ROLE_ARN)
    provider = _provider(env, clock=clock)
    creds = provider.load()
    assert creds is not None
    frozen = creds.get_frozen_credentials()
    clock.now = aws.expiration - timedelta(minutes=12)
    aws.hook = lambda record: (403, {}, sts_error_xml("AccessDenied", "denied"))
    creds.get_frozen_credentials()  # advisory failure: logged, swallowed
    clock.now = aws.expiration - timedelta(minutes=5)
    with pytest.raises(btl.ClientError) as info:
        creds.get_frozen_credentials()
    secrets = [
        SOURCE_SK,
        frozen.secret_key,
        frozen.token or "",
        aws.requests[0].headers["authorization"].rsplit("=", 1)[1],
    ]
    texts = [
        repr(creds),
        repr(frozen),
        repr(provider),
        str(info.value),
        repr(info.value),
        caplog.text,
    ]
    for secret in secrets:
        assert secret
        for text in texts:
            assert secret not in text
    assert "ASIA" in repr(frozen)


def test_concurrent_first_use_makes_one_call(aws: FakeAWS, home: Path) -> None:
    import threading
    import time

    original = aws.assume_role

    def slow(record: Any) -> Any:
        time.sleep(0.2)
        return original(record)

    aws.hook = lambda record: slow(record) if record.action == "AssumeRole" else None
    env = _env(aws, home, "[default]\nrole_arn = %s\nsource_profile = src\n" % ROLE_ARN)
    creds = _provider(env).load()
    assert creds is not None
    results: List[Any] = []
    threads = [
        threading.Thread(target=lambda: results.append(creds.get_frozen_credentials()))
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert len(results) == 4
    assert len({r.access_key for r in results}) == 1
    assert len(aws.requests) == 1
