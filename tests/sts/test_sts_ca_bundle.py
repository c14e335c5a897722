"""The CA bundle of the chain's AWS calls against botocore 1.44 (spec section 0.1, items 2 and 3).

An empty or whitespace-only ``AWS_CA_BUNDLE`` / ``ca_bundle`` /
``REQUESTS_CA_BUNDLE`` is an ``InvalidConfigError`` when botocore creates the
STS, SSO or SSO-OIDC client: before any request, after the source
credentials and the region check, before endpoint, parameter and token
errors.  IMDS and container credentials build no client.
``REQUESTS_CA_BUNDLE`` is the fallback when neither of the others is set;
the HTTPS cases check it against a loopback server with a self-signed
certificate made by the ``openssl`` command.
"""

from __future__ import annotations

import shutil
import ssl
from datetime import timedelta
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

import pytest
from _support import requires_botocore_143, sample, self_signed_cert
from sts_harness import (
    ROLE_ARN,
    SOURCE_AK,
    SOURCE_SK,
    FakeAWS,
    assert_same_outcome,
    base_env,
    iso_z,
    leaked_builtin,
    outcome,
    run_botocore,
    run_ours,
    utc_now,
    write_home,
    write_sso_token,
)

import bedrock_token_lite as btl
from bedrock_token_lite._source_errors import SSLError
from bedrock_token_lite._sources.chain import resolve_credentials

pytestmark = requires_botocore_143

STATIC = "[src]\naws_access_key_id = %s\naws_secret_access_key = %s\n" % (SOURCE_AK, SOURCE_SK)
AR = "[default]\nrole_arn = %s\nsource_profile = src\n" % ROLE_ARN
START = "https://start.example/start"
SSO = (
    "[default]\nsso_start_url = %s\nsso_region = us-east-1\nsso_account_id = 111122223333\n"
    "sso_role_name = R\n" % START
)
SSO_SESSION = (
    "[default]\nsso_session = s\nsso_account_id = 111122223333\nsso_role_name = R\n"
    "[sso-session s]\nsso_start_url = %s\nsso_region = us-east-1\n" % START
)
EMPTY_CA = (
    "Invalid CA bundle: the configured value (ca_bundle, AWS_CA_BUNDLE, REQUESTS_CA_BUNDLE, "
    "or verify) resolved to an empty or whitespace-only string. Provide a valid path to a CA "
    "bundle file."
)


class Case:
    def __init__(
        self,
        name: str,
        env: Optional[Dict[str, Optional[str]]] = None,
        config: str = AR,
        credentials: str = STATIC,
        token_minutes: Optional[float] = None,
        error: Optional[str] = None,
    ) -> None:
        self.name = name
        self.env = env or {}
        self.config = config
        self.credentials = credentials
        self.token_minutes = token_minutes
        self.error = error  # the error class expected (a check on the scenario itself)

    def __repr__(self) -> str:
        return self.name


EMPTY = {"AWS_CA_BUNDLE": ""}
WEB = {"AWS_WEB_IDENTITY_TOKEN_FILE": "{home}/web-token", "AWS_ROLE_ARN": ROLE_ARN}
CONTAINER = {"AWS_CONTAINER_CREDENTIALS_FULL_URI": "{url}/container"}
IMDS = {"AWS_EC2_METADATA_SERVICE_ENDPOINT": "{url}", "AWS_EC2_METADATA_DISABLED": None}
ECS_ROLE = "[default]\nrole_arn = %s\ncredential_source = EcsContainer\n" % ROLE_ARN
CONFIG_ERROR = "InvalidConfigError"

CASES = [
    Case("AWS_CA_BUNDLE empty", EMPTY, error=CONFIG_ERROR),
    Case("AWS_CA_BUNDLE whitespace", {"AWS_CA_BUNDLE": " \t "}, error=CONFIG_ERROR),
    Case("REQUESTS_CA_BUNDLE empty", {"REQUESTS_CA_BUNDLE": ""}, error=CONFIG_ERROR),
    Case("REQUESTS_CA_BUNDLE whitespace", {"REQUESTS_CA_BUNDLE": "  "}, error=CONFIG_ERROR),
    Case(
        "REQUESTS_CA_BUNDLE empty under AWS_CA_BUNDLE",
        {"REQUESTS_CA_BUNDLE": "", "AWS_CA_BUNDLE": "/nonexistent/ca.pem"},
    ),
    Case("profile ca_bundle empty", config=AR + "ca_bundle =\n", error=CONFIG_ERROR),
    Case(
        "profile ca_bundle empty under AWS_CA_BUNDLE",
        {"AWS_CA_BUNDLE": "/nonexistent/ca.pem"},
        config=AR + "ca_bundle =\n",
    ),
    Case(
        "AWS_CA_BUNDLE empty over profile ca_bundle",
        EMPTY,
        config=AR + "ca_bundle = /nonexistent/ca.pem\n",
        error=CONFIG_ERROR,
    ),
    Case("unset", {}),
    # the timing against other errors
    Case(
        "before sts_regional_endpoints",
        dict(EMPTY, AWS_STS_REGIONAL_ENDPOINTS="bogus"),
        error=CONFIG_ERROR,
    ),
    Case(
        "after the region check",
        dict(EMPTY, AWS_DEFAULT_REGION="not_a_region!"),
        error="InvalidRegionError",
    ),
    Case(
        "before FIPS with an endpoint",
        dict(EMPTY, AWS_USE_FIPS_ENDPOINT="true"),
        error=CONFIG_ERROR,
    ),
    Case(
        "before dual-stack with an endpoint",
        dict(EMPTY, AWS_USE_DUALSTACK_ENDPOINT="true"),
        error=CONFIG_ERROR,
    ),
    Case("before the missing region", dict(EMPTY, AWS_DEFAULT_REGION=None), error=CONFIG_ERROR),
    Case(
        "before parameter validation",
        EMPTY,
        config=AR + "role_session_name = x\n",
        error=CONFIG_ERROR,
    ),
    Case(
        "after the source profile",
        EMPTY,
        credentials="",
        error=CONFIG_ERROR,  # the source_profile message, not the CA bundle's
    ),
    Case("web identity", dict(EMPTY, **WEB), config="", credentials="", error=CONFIG_ERROR),
    Case(
        "after the web identity token file",
        dict(EMPTY, AWS_WEB_IDENTITY_TOKEN_FILE="{home}/missing", AWS_ROLE_ARN=ROLE_ARN),
        config="",
        credentials="",
        error="TokenFileNotFoundError",  # botocore: a bare FileNotFoundError
    ),
    Case("sso", EMPTY, config=SSO, credentials="", token_minutes=120, error=CONFIG_ERROR),
    Case(
        "sso before the expired token",
        EMPTY,
        config=SSO,
        credentials="",
        token_minutes=-60,
        error=CONFIG_ERROR,
    ),
    Case(
        "sso before the missing token",
        {"REQUESTS_CA_BUNDLE": " "},
        config=SSO,
        credentials="",
        error=CONFIG_ERROR,
    ),
    Case(
        "sso session before the token refresh",
        EMPTY,
        config=SSO_SESSION,
        credentials="",
        token_minutes=2,
        error=CONFIG_ERROR,
    ),
    # no client, no check
    Case("container", dict(EMPTY, **CONTAINER), config="", credentials=""),
    Case("instance metadata", dict(EMPTY, **IMDS), config="", credentials=""),
    Case(
        "container as credential source",
        dict(EMPTY, **CONTAINER),
        config=ECS_ROLE,
        credentials="",
        error=CONFIG_ERROR,
    ),
]


def _prepare(case: Case, server: FakeAWS, home: Path) -> Dict[str, str]:
    write_home(home, case.config, case.credentials)
    (home / "web-token").write_text("web-identity-token")
    if case.token_minutes is not None:
        body: Dict[str, Any] = {
            "startUrl": START,
            "region": "us-east-1",
            "accessToken": "cached-access-token",
            "expiresAt": iso_z(utc_now() + timedelta(minutes=case.token_minutes)),
            "clientId": "client-id",
            "clientSecret": "client-secret",
            "refreshToken": "refresh-token",
            "registrationExpiresAt": iso_z(utc_now() + timedelta(days=30)),
        }
        write_sso_token(home, "s" if "sso_session" in case.config else START, body)
        server.sso_tokens["cached-access-token"] = ("R", "111122223333")
        server.sso_tokens["refreshed-access-token"] = ("R", "111122223333")
    env = base_env(
        home,
        AWS_DEFAULT_REGION="eu-west-1",
        AWS_ENDPOINT_URL_STS=server.url,
        AWS_ENDPOINT_URL_SSO=server.url,
        AWS_ENDPOINT_URL_SSO_OIDC=server.url,
    )
    for key, value in case.env.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value.format(url=server.url, home=home)
    return env


def _compare(server: FakeAWS, env: Dict[str, str], *, real_chain: bool = False) -> Dict[str, Any]:
    server.reset()
    theirs = run_botocore(env, record_sleep=True)
    their_paths = [r.path for r in server.requests]
    server.reset()
    delays: List[float] = []
    if real_chain:  # the test chain has no container or IMDS provider
        ours = outcome(lambda: resolve_credentials(environ=env, home=env["HOME"]))
    else:
        ours = run_ours(env, sleep=delays.append)
    if theirs.get("error") == "SSLError":  # the same class; the reason is worded otherwise
        assert ours.get("error") == "SSLError", (ours, theirs)
        prefix = theirs["message"].split(" [", 1)[0]
        assert ours["message"].startswith(prefix + " "), (ours, theirs)
    else:
        assert_same_outcome(ours, theirs)
    if "error" in theirs and theirs["error"] != "SSLError" and not leaked_builtin(ours, theirs):
        assert ours["message"].strip("'") == theirs["message"], (ours, theirs)
    assert [r.path for r in server.requests] == their_paths
    assert len(delays) == len(theirs["sleeps"])
    ours["requests"] = their_paths
    return ours


@pytest.mark.parametrize("case", sample(CASES, 3), ids=repr)
def test_ca_bundle_matches_botocore(case: Case, tmp_path: Path) -> None:
    with FakeAWS() as server:
        env = _prepare(case, server, tmp_path / "home")
        ours = _compare(server, env, real_chain=case.name in ("container", "instance metadata"))
    assert ours.get("error") == case.error, ours
    if case.error == CONFIG_ERROR and "source profile" not in case.name:
        assert ours["message"] == EMPTY_CA
        assert isinstance(ours["exception"], btl.InvalidConfigError)
        # nothing sent, except the container call of the credential source
        assert ours["requests"] == (["/container"] if "container" in case.name else [])


# -- a loopback HTTPS server whose certificate only a given PEM file trusts ---------


def _self_signed(directory: Path, name: str) -> Path:
    return self_signed_cert(directory, name)[0]


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> Dict[str, Path]:
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is needed to make a self-signed loopback certificate")
    directory = tmp_path_factory.mktemp("tls")
    return {"server": _self_signed(directory, "server"), "other": _self_signed(directory, "other")}


@pytest.fixture
def https_aws(certs: Dict[str, Path]) -> Iterator[FakeAWS]:
    server = FakeAWS()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    cert = certs["server"]
    context.load_cert_chain(str(cert), str(cert.with_suffix(".key")))
    server._server.socket = context.wrap_socket(server._server.socket, server_side=True)
    server.url = "https://127.0.0.1:%d" % server.port
    with server:
        yield server


HTTPS_CASES = [
    ("REQUESTS_CA_BUNDLE trusts the server", {"REQUESTS_CA_BUNDLE": "{server}"}, "", True),
    ("no bundle: the system store does not", {}, "", False),
    ("REQUESTS_CA_BUNDLE of another CA", {"REQUESTS_CA_BUNDLE": "{other}"}, "", False),
    (
        "AWS_CA_BUNDLE wins over REQUESTS_CA_BUNDLE",
        {"AWS_CA_BUNDLE": "{server}", "REQUESTS_CA_BUNDLE": "{other}"},
        "",
        True,
    ),
    (
        "profile ca_bundle wins over REQUESTS_CA_BUNDLE",
        {"REQUESTS_CA_BUNDLE": "{other}"},
        "ca_bundle = {server}\n",
        True,
    ),
    (
        "empty AWS_CA_BUNDLE hides REQUESTS_CA_BUNDLE",
        {"AWS_CA_BUNDLE": "", "REQUESTS_CA_BUNDLE": "{server}"},
        "",
        False,
    ),
    ("sso with REQUESTS_CA_BUNDLE", {"REQUESTS_CA_BUNDLE": "{server}"}, "sso", True),
]


@pytest.mark.parametrize(
    ("name", "env", "extra", "succeeds"), HTTPS_CASES, ids=[case[0] for case in HTTPS_CASES]
)
def test_https_ca_bundle_matches_botocore(
    https_aws: FakeAWS,
    certs: Dict[str, Path],
    tmp_path: Path,
    name: str,
    env: Dict[str, str],
    extra: str,
    succeeds: bool,
) -> None:
    paths = {key: str(value) for key, value in certs.items()}
    if extra == "sso":
        case = Case(name, config=SSO, credentials="", token_minutes=120)
    else:
        case = Case(name, config=AR + extra.format(**paths))
    case.env = {key: value.format(**paths) for key, value in env.items()}
    ours = _compare(https_aws, _prepare(case, https_aws, tmp_path / "home"))
    assert ("error" not in ours) is succeeds, ours
    if not succeeds and "empty" not in name:  # TLS verification failed, and was retried
        assert isinstance(ours["exception"], SSLError)
        assert isinstance(ours["exception"], ConnectionError)
        assert ours["requests"] == []
