"""AssumeRoleWithWebIdentityProvider against botocore (spec section 7), through the fake STS."""

from __future__ import annotations

from pathlib import Path
from typing import Dict, Iterator

import pytest
from _support import requires_botocore_143, sample
from sts_harness import (
    ROLE_ARN,
    SOURCE_AK,
    SOURCE_SK,
    FakeAWS,
    Prepared,
    Scenario,
    close_all,
    prepare_all,
)

TOKEN_ENV = {"AWS_WEB_IDENTITY_TOKEN_FILE": "{home}/token.jwt", "AWS_ROLE_ARN": ROLE_ARN}


def token_file(content: str = "eyJtoken\n"):  # type: ignore[no-untyped-def]
    def setup(home: Path, server: FakeAWS) -> None:
        (home / "token.jwt").write_text(content)

    return setup


CASES = [
    Scenario("env only", env=TOKEN_ENV, setup=token_file()),
    Scenario(
        "profile only",
        "[default]\nrole_arn = %s\nweb_identity_token_file = TOKEN\n"
        "role_session_name = prof-session\n" % ROLE_ARN,
        setup=token_file(),
    ),
    Scenario(
        "env role arn plus profile token file",
        "[default]\nweb_identity_token_file = TOKEN\n",
        env={"AWS_ROLE_ARN": ROLE_ARN},
        setup=token_file(),
    ),
    Scenario(
        "explicit profile ignores env",
        "[profile p]\nregion = eu-west-1\n",
        env=TOKEN_ENV,
        profile="p",
        setup=token_file(),
    ),
    Scenario(
        "AWS_PROFILE keeps env",
        "[profile p]\nregion = eu-west-1\n",
        env=dict(TOKEN_ENV, AWS_PROFILE="p"),
        setup=token_file(),
    ),
    Scenario(
        "empty env masks profile token file",
        "[default]\nrole_arn = %s\nweb_identity_token_file = TOKEN\n" % ROLE_ARN,
        env={"AWS_WEB_IDENTITY_TOKEN_FILE": ""},
        setup=token_file(),
    ),
    Scenario("missing token file", env=TOKEN_ENV),
    Scenario(
        "tilde path not expanded",
        env=dict(TOKEN_ENV, AWS_WEB_IDENTITY_TOKEN_FILE="~/token.jwt"),
        setup=token_file(),
    ),
    Scenario("short token", env=TOKEN_ENV, setup=token_file("ab")),
    Scenario(
        "no role arn", env={"AWS_WEB_IDENTITY_TOKEN_FILE": "{home}/token.jwt"}, setup=token_file()
    ),
    Scenario("empty role arn", env=dict(TOKEN_ENV, AWS_ROLE_ARN=""), setup=token_file()),
    Scenario(
        "session name env beats profile",
        "[default]\nrole_session_name = from-profile\n",
        env=dict(TOKEN_ENV, AWS_ROLE_SESSION_NAME="from-env"),
        setup=token_file(),
    ),
    Scenario(
        "beats static credentials file",
        credentials="[default]\naws_access_key_id = %s\naws_secret_access_key = %s\n"
        % (SOURCE_AK, SOURCE_SK),
        env=TOKEN_ENV,
        setup=token_file(),
    ),
    Scenario(
        "loses to env credentials",
        env=dict(TOKEN_ENV, AWS_ACCESS_KEY_ID=SOURCE_AK, AWS_SECRET_ACCESS_KEY=SOURCE_SK),
        setup=token_file(),
    ),
    Scenario(
        "as source profile",
        "[default]\nrole_arn = %s-outer\nsource_profile = wi\n[profile wi]\nrole_arn = %s\n"
        "web_identity_token_file = TOKEN\n" % (ROLE_ARN, ROLE_ARN),
        setup=token_file(),
    ),
    Scenario(
        "unsigned call needs no region",
        env=dict(TOKEN_ENV, AWS_ENDPOINT_URL_STS="{url}"),
        setup=token_file(),
        defaults=False,
    ),
]


def _fix_paths(cases: list[Scenario]) -> None:
    for case in cases:
        original = case.setup

        def setup(home: Path, server: FakeAWS, original=original, case=case) -> None:  # type: ignore[no-untyped-def]
            config = home / ".aws" / "config"
            if config.exists():
                config.write_text(config.read_text().replace("TOKEN", str(home / "token.jwt")))
            if original is not None:
                original(home, server)

        case.setup = setup


_fix_paths(CASES)


@pytest.fixture(scope="module")
def botocore_runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dict[str, Prepared]]:
    prepared = prepare_all(sample(CASES), tmp_path_factory.mktemp("wi"))
    yield prepared
    close_all(prepared)


@requires_botocore_143
@pytest.mark.parametrize("case", sample(CASES), ids=repr)
def test_web_identity_matches_botocore(botocore_runs: Dict[str, Prepared], case: Scenario) -> None:
    ours, requests = botocore_runs[case.name].check_ours()
    for request in requests:
        if dict(request.get("form", [])).get("Action") == "AssumeRoleWithWebIdentity":
            assert "scope" not in request, "the web-identity call must be unsigned"
            assert "x-amz-security-token" not in request
    if case.name == "env only":
        assert ("WebIdentityToken", "eyJtoken\n") in requests[0]["form"]
        assert ours["result"]["method"] == "assume-role-with-web-identity"
        assert ours["result"]["account_id"] == "123456789012"
