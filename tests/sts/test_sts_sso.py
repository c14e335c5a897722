"""SSOProvider against botocore (spec section 8.4), through the fake SSO portal and OIDC."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any, Callable, Dict, Iterator

import pytest
from _support import requires_botocore_143, sample
from sts_harness import (
    SOURCE_AK,
    SOURCE_SK,
    FakeAWS,
    Prepared,
    Scenario,
    close_all,
    iso_z,
    prepare_all,
    utc_now,
    write_sso_token,
)

START = "https://start.example/start"
LEGACY = (
    "[default]\nsso_start_url = %s\nsso_region = us-east-1\nsso_account_id = 111122223333\n"
    "sso_role_name = R\n" % START
)
SESSION = (
    "[default]\nsso_session = my-sso\nsso_account_id = 111122223333\nsso_role_name = R\n"
    "[sso-session my-sso]\nsso_start_url = %s\nsso_region = us-east-1\n" % START
)
SSO_ENV = {"AWS_ENDPOINT_URL_SSO": "{url}", "AWS_ENDPOINT_URL_SSO_OIDC": "{url}"}


def token(
    key: str, minutes: float = 120, refresh: bool = False, valid: bool = True, **extra: Any
) -> Callable[[Path, FakeAWS], None]:
    def setup(home: Path, server: FakeAWS) -> None:
        body: Dict[str, Any] = {
            "startUrl": START,
            "region": "us-east-1",
            "accessToken": "cached-access-token",
            "expiresAt": iso_z(utc_now() + timedelta(minutes=minutes)),
        }
        if refresh:
            body.update(
                clientId="client-id",
                clientSecret="client-secret",
                refreshToken="refresh-token",
                registrationExpiresAt=iso_z(utc_now() + timedelta(days=30)),
            )
        body.update(extra)
        write_sso_token(home, key, body)
        if valid:
            server.sso_tokens["cached-access-token"] = ("R", "111122223333")
        server.sso_tokens["refreshed-access-token"] = ("R", "111122223333")

    return setup


def raw_file(key: str, content: str) -> Callable[[Path, FakeAWS], None]:
    def setup(home: Path, server: FakeAWS) -> None:
        path = write_sso_token(home, key, {})
        path.write_text(content)

    return setup


CASES = [
    Scenario("legacy good token", LEGACY, env=SSO_ENV, setup=token(START)),
    Scenario("legacy expired token", LEGACY, env=SSO_ENV, setup=token(START, minutes=-60)),
    Scenario("legacy missing file", LEGACY, env=SSO_ENV),
    Scenario("legacy invalid json", LEGACY, env=SSO_ENV, setup=raw_file(START, "{not json")),
    Scenario(
        "legacy missing fields",
        LEGACY,
        env=SSO_ENV,
        setup=raw_file(START, json.dumps({"accessToken": "x"})),
    ),
    Scenario("legacy 401", LEGACY, env=SSO_ENV, setup=token(START, valid=False)),
    Scenario("session good token", SESSION, env=SSO_ENV, setup=token("my-sso")),
    Scenario("session token keyed by url", SESSION, env=SSO_ENV, setup=token(START)),
    Scenario(
        "session section missing",
        SESSION.replace("sso_session = my-sso", "sso_session = nope"),
        env=SSO_ENV,
    ),
    Scenario(
        "session conflicting value",
        SESSION.replace("sso_role_name = R\n", "sso_role_name = R\nsso_region = us-west-2\n", 1),
        env=SSO_ENV,
        setup=token("my-sso"),
    ),
    Scenario(
        "session missing region",
        SESSION.replace("sso_region = us-east-1\n", ""),
        env=SSO_ENV,
        setup=token("my-sso"),
    ),
    Scenario(
        "start url only in profile",
        SESSION.replace("sso_start_url = %s\n" % START, "").replace(
            "sso_role_name = R\n", "sso_role_name = R\nsso_start_url = %s\n" % START, 1
        ),
        env=SSO_ENV,
        setup=token("my-sso"),
    ),
    Scenario(
        "session expired no refresh data", SESSION, env=SSO_ENV, setup=token("my-sso", minutes=-60)
    ),
    Scenario(
        "session expiring refreshes",
        SESSION,
        env=SSO_ENV,
        setup=token("my-sso", minutes=5, refresh=True),
    ),
    Scenario(
        "session expired refreshes",
        SESSION,
        env=SSO_ENV,
        setup=token("my-sso", minutes=-60, refresh=True),
    ),
    Scenario(
        "session registration expired",
        SESSION,
        env=SSO_ENV,
        setup=token(
            "my-sso", minutes=5, refresh=True, registrationExpiresAt="2020-01-01T00:00:00Z"
        ),
    ),
    Scenario("account id alone", "[default]\nsso_account_id = 111122223333\n", env=SSO_ENV),
    Scenario("start url alone is ignored", "[default]\nsso_start_url = %s\n" % START, env=SSO_ENV),
    Scenario(
        "beats static credentials file",
        LEGACY,
        "[default]\naws_access_key_id = %s\naws_secret_access_key = %s\n" % (SOURCE_AK, SOURCE_SK),
        env=SSO_ENV,
        setup=token(START),
    ),
    Scenario(
        "sso as source profile",
        "[default]\nrole_arn = arn:aws:iam::123456789012:role/test-role\nsource_profile = s\n"
        + LEGACY.replace("[default]", "[profile s]"),
        env=SSO_ENV,
        setup=token(START),
    ),
]


@pytest.fixture(scope="module")
def botocore_runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dict[str, Prepared]]:
    prepared = prepare_all(sample(CASES), tmp_path_factory.mktemp("sso"))
    yield prepared
    close_all(prepared)


@requires_botocore_143
@pytest.mark.parametrize("case", sample(CASES), ids=repr)
def test_sso_matches_botocore(botocore_runs: Dict[str, Prepared], case: Scenario) -> None:
    ours, requests = botocore_runs[case.name].check_ours()
    gets = [r for r in requests if r["path"] == "/federation/credentials"]
    for request in gets:
        assert request["method"] == "GET"
        assert request["query"] == [("account_id", "111122223333"), ("role_name", "R")]
        assert "scope" not in request
    if case.name == "legacy good token":
        assert gets
        assert gets[0]["x-amz-sso_bearer_token"] == "cached-access-token"
        assert ours["result"]["account_id"] == "111122223333"
        assert ours["result"]["expiry"] % 1 == 0, "sub-seconds are truncated like botocore"
    if case.name in ("legacy expired token", "session expired no refresh data"):
        assert not requests, "an expired token must fail before any HTTP request"
    if "refreshes" in case.name:
        posts = [r for r in requests if r["path"] == "/token"]
        assert len(posts) == 1
        assert posts[0]["json"]["grantType"] == "refresh_token"
        assert gets[0]["x-amz-sso_bearer_token"] == "refreshed-access-token"
