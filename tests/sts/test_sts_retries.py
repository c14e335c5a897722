"""Retries of the chain's AWS calls against botocore 1.44 (spec sections 0.1 item 1 and 18.5).

Each case answers every attempt from a script (the last answer repeats), runs
real botocore in a fresh process and then ours on the same files and
environment, and compares the outcome (credentials, or error class and
message), the number of requests and the requested retry delays.  Nobody
waits: botocore's ``time.sleep`` is replaced by a recorder in its process,
ours gets the ``sleep=`` hook.  Both sides seed ``random`` alike, so the
jittered delays are compared value for value.
"""

from __future__ import annotations

import random
import socket
from datetime import timedelta
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import pytest
from _support import ConnectionServer, requires_botocore_143, sample
from sts_harness import (
    ROLE_ARN,
    SOURCE_AK,
    SOURCE_SK,
    FakeAWS,
    Recorded,
    Response,
    assert_same_outcome,
    base_env,
    iso_z,
    run_botocore,
    run_ours,
    sts_error_xml,
    utc_now,
    write_home,
    write_sso_token,
)

import bedrock_token_lite as btl
from bedrock_token_lite._aws.client import ClientConfig
from bedrock_token_lite._aws.sts import call_sts

pytestmark = requires_botocore_143

STATIC = "[src]\naws_access_key_id = %s\naws_secret_access_key = %s\n" % (SOURCE_AK, SOURCE_SK)
AR = "[default]\nrole_arn = %s\nsource_profile = src\n" % ROLE_ARN
START = "https://start.example/start"
SSO = (
    "[default]\nsso_start_url = %s\nsso_region = us-east-1\nsso_account_id = 111122223333\n"
    "sso_role_name = R\n" % START
)
XML = {"Content-Type": "text/xml"}
SEED = 20260


def xml(status: int, code: str, message: str = "m", **headers: str) -> Response:
    return status, dict(XML, **headers), sts_error_xml(code, message)


def raw(status: int, body: bytes, **headers: str) -> Response:
    return status, dict(headers), body


def sso_error(status: int, code: Optional[str], body: bytes) -> Response:
    headers = {"Content-Type": "application/json"}
    if code is not None:
        headers["x-amzn-ErrorType"] = code
    return status, headers, body


class Case:
    """``answers``: one per attempt, ``None`` for the fake's normal answer; the last repeats."""

    def __init__(
        self,
        name: str,
        answers: List[Optional[Response]],
        env: Optional[Dict[str, str]] = None,
        kind: str = "assume-role",
        config: str = "",
    ) -> None:
        self.name = name
        self.answers = answers
        self.env = env or {}
        self.kind = kind
        self.config = config

    def __repr__(self) -> str:
        return self.name


CASES = [
    # standard mode, the default since botocore 1.44
    Case("500 default", [xml(500, "InternalFailure")]),
    Case("500 empty body", [raw(500, b"")]),
    Case("503 html body", [raw(503, b"<html><body>busy</body></html>")]),
    Case("502 then success", [raw(502, b""), None]),
    Case("500 twice then success", [xml(500, "InternalFailure"), None]),
    Case("500 then 403 on the last attempt", [xml(500, "InternalFailure"), xml(403, "Denied")]),
    Case("throttling 400", [xml(400, "Throttling", "slow down")]),
    Case("throttling exception 400", [xml(400, "ThrottlingException")]),
    Case("request limit exceeded", [xml(400, "RequestLimitExceeded")]),
    Case("transient code RequestTimeout", [xml(400, "RequestTimeout")]),
    Case("429 unmodelled code", [xml(429, "Foo", "slow")]),
    Case("429 modelled code", [xml(429, "RegionDisabledException")]),
    Case("429 empty body", [raw(429, b"")]),
    Case("403 not retried", [xml(403, "AccessDenied")]),
    Case("403 empty body", [raw(403, b"")]),
    Case("307 redirect without a body", [raw(307, b"", Location="http://127.0.0.1:1/x")]),
    Case("IDP communication error", [xml(400, "IDPCommunicationError")]),
    Case("IDP communication error with 403", [xml(403, "IDPCommunicationError")]),
    Case("max attempts 1, 403", [xml(403, "AccessDenied")], {"AWS_MAX_ATTEMPTS": "1"}),
    Case("max attempts 1, 500", [xml(500, "InternalFailure")], {"AWS_MAX_ATTEMPTS": "1"}),
    Case("max attempts 0", [None], {"AWS_MAX_ATTEMPTS": "0"}),
    Case("profile max_attempts -1", [None], config="max_attempts = -1\n"),
    Case("max attempts 2", [xml(500, "InternalFailure")], {"AWS_MAX_ATTEMPTS": "2"}),
    Case("max attempts 5", [xml(503, "ServiceUnavailable")], {"AWS_MAX_ATTEMPTS": "5"}),
    Case("max attempts 5 throttled", [xml(400, "Throttling")], {"AWS_MAX_ATTEMPTS": "5"}),
    Case("profile max_attempts", [xml(500, "InternalFailure")], config="max_attempts = 4\n"),
    Case("retry-after 3000 ms", [xml(500, "InternalFailure", **{"x-amz-retry-after": "3000"})]),
    Case("retry-after above the cap", [xml(500, "Boom", **{"x-amz-retry-after": "30000"})]),
    Case("retry-after zero", [xml(400, "Throttling", **{"x-amz-retry-after": "0"})]),
    Case("retry-after negative", [xml(500, "Boom", **{"x-amz-retry-after": "-5"})]),
    Case("retry-after not a number", [xml(500, "Boom", **{"x-amz-retry-after": "soon"})]),
    Case("retry-after with underscores", [xml(500, "Boom", **{"x-amz-retry-after": "1_500"})]),
    Case("connection refused", [], kind="refused"),
    Case("connection refused, max 1", [], {"AWS_MAX_ATTEMPTS": "1"}, kind="refused"),
    Case("quota runs out", [xml(500, "InternalFailure")], {"AWS_MAX_ATTEMPTS": "40"}),
    Case("quota throttled", [xml(400, "Throttling")], {"AWS_MAX_ATTEMPTS": "105"}),
    Case("new-retries flag false", [xml(500, "Boom")], {"AWS_NEW_RETRIES_2026": "false"}),
    Case("new-retries flag true", [xml(500, "Boom")], {"AWS_NEW_RETRIES_2026": "true"}),
    Case("adaptive", [xml(500, "InternalFailure")], {"AWS_RETRY_MODE": "adaptive"}),
    Case("standard asked for", [xml(500, "Boom")], config="retry_mode = standard\n"),
    # legacy mode, still there when asked for
    Case("legacy 500", [xml(500, "InternalFailure")], {"AWS_RETRY_MODE": "legacy"}),
    Case("legacy profile", [xml(503, "Unavailable")], config="retry_mode = legacy\n"),
    Case("legacy throttling", [xml(400, "Throttling")], {"AWS_RETRY_MODE": "legacy"}),
    Case("legacy 429", [xml(429, "Foo")], {"AWS_RETRY_MODE": "legacy"}),
    Case(
        "legacy max 1, 403",
        [xml(403, "AccessDenied")],
        {"AWS_RETRY_MODE": "legacy", "AWS_MAX_ATTEMPTS": "1"},
    ),
    Case(
        "legacy max 2, 500",
        [xml(500, "InternalFailure")],
        {"AWS_RETRY_MODE": "legacy", "AWS_MAX_ATTEMPTS": "2"},
    ),
    Case("legacy refused", [], {"AWS_RETRY_MODE": "legacy"}, kind="refused"),
    # accepted, then closed before any answer: botocore's ConnectionClosedError, retried
    Case("connection dropped", [], kind="dropped"),
    Case("connection dropped, max 1", [], {"AWS_MAX_ATTEMPTS": "1"}, kind="dropped"),
    Case("legacy dropped", [], {"AWS_RETRY_MODE": "legacy"}, kind="dropped"),
    # web identity (unsigned STS)
    Case("web identity 500", [xml(500, "InternalFailure")], kind="web-identity"),
    Case("web identity idp error", [xml(400, "IDPCommunicationError")], kind="web-identity"),
    Case("web identity invalid token", [xml(400, "InvalidIdentityToken")], kind="web-identity"),
    # SSO portal (rest-json)
    Case("sso 500 empty", [sso_error(500, None, b"")], kind="sso"),
    Case("sso 429 empty", [sso_error(429, None, b"")], kind="sso"),
    Case("sso 429 message", [sso_error(429, None, b'{"message":"slow"}')], kind="sso"),
    Case(
        "sso 429 modelled throttling",
        [sso_error(429, "TooManyRequestsException", b'{"message":"slow"}')],
        kind="sso",
    ),
    Case(
        "sso 429 modelled other",
        [sso_error(429, "ResourceNotFoundException", b'{"message":"x"}')],
        kind="sso",
    ),
    Case("sso 503 then success", [sso_error(503, None, b"<html>x</html>"), None], kind="sso"),
    Case("sso 400 not json", [sso_error(400, None, b"not json")], kind="sso"),
]


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _Dropper(ConnectionServer):
    """A loopback listener that accepts each connection and closes it at once."""

    def handle(self, conn: socket.socket) -> None:
        conn.settimeout(1.0)
        conn.recv(65536)


def _setup(case: Case, server: FakeAWS, home: Path) -> Dict[str, str]:
    env = base_env(home, AWS_DEFAULT_REGION="eu-west-1")
    if case.kind == "sso":
        write_home(home, SSO + case.config)
        write_sso_token(
            home,
            START,
            {
                "startUrl": START,
                "region": "us-east-1",
                "accessToken": "cached-access-token",
                "expiresAt": iso_z(utc_now() + timedelta(hours=2)),
            },
        )
        server.sso_tokens["cached-access-token"] = ("R", "111122223333")
        env["AWS_ENDPOINT_URL_SSO"] = server.url
    elif case.kind == "web-identity":
        write_home(home, "[default]\n" + case.config)
        (home / "web-token").write_text("web-identity-token")
        env.update(AWS_WEB_IDENTITY_TOKEN_FILE=str(home / "web-token"), AWS_ROLE_ARN=ROLE_ARN)
        env["AWS_ENDPOINT_URL_STS"] = server.url
    else:
        write_home(home, AR + case.config, STATIC)
        env["AWS_ENDPOINT_URL_STS"] = server.url
    env.update(case.env)
    return env


def _script(server: FakeAWS, answers: List[Optional[Response]]) -> None:
    seen: List[int] = []

    def hook(record: Recorded) -> Optional[Response]:
        seen.append(1)
        return answers[min(len(seen), len(answers)) - 1]

    server.hook = hook if answers else None


def run_both(case: Case, tmp_path: Path) -> Tuple[Dict[str, Any], List[float], int, int]:
    """(our outcome, our delays, our request count, botocore's request count); asserts the rest."""
    with FakeAWS() as server:
        home = tmp_path / "home"
        env = _setup(case, server, home)
        if case.kind == "refused":
            env["AWS_ENDPOINT_URL_STS"] = "http://127.0.0.1:%d" % _closed_port()
        with _Dropper() as dropper:
            if case.kind == "dropped":
                env["AWS_ENDPOINT_URL_STS"] = dropper.url
            _script(server, case.answers)
            theirs = run_botocore(env, seed=SEED, record_sleep=True)
            their_count = len(server.requests) + dropper.connections
            server.reset()
            dropper.connections = 0
            _script(server, case.answers)
            delays: List[float] = []
            random.seed(SEED)
            ours = run_ours(env, sleep=delays.append)
            our_count = len(server.requests) + dropper.connections
    if theirs.get("error") == "InvalidMaxRetryAttemptsError":  # one class here
        assert ours.get("error") == "InvalidConfigError", (ours, theirs)
    else:
        assert_same_outcome(ours, theirs)
    if "error" in theirs:  # the whole message, "(reached max retries: N)" included
        # (the botocore script strips quotes off messages, for KeyError)
        assert ours["message"].strip("'") == theirs["message"], (ours, theirs)
    assert our_count == their_count
    assert delays == pytest.approx(theirs["sleeps"], rel=1e-9, abs=1e-12)
    return ours, delays, our_count, their_count


@pytest.mark.parametrize("case", sample(CASES, 4), ids=repr)
def test_retries_match_botocore(case: Case, tmp_path: Path) -> None:
    ours, delays, count, _ = run_both(case, tmp_path)
    if case.name == "500 default":  # the numbers of spec section 0.1, item 1
        assert count == 3
        assert ours["message"].endswith("(reached max retries: 2): m")
        assert all(0 <= d <= 0.05 * 2**i for i, d in enumerate(delays))
    if case.name == "429 empty body":
        assert count == 1
        assert isinstance(ours["exception"], btl.ResponseParserError)
    if case.name == "quota runs out":  # 500 // 14 retries, then the quota is empty
        assert count == 36
        assert "reached max retries" not in ours["message"]
    if case.name == "legacy 500":
        assert count == 5
        assert ours["message"].endswith("(reached max retries: 4): m")


def _sts_call(url: str, env: Dict[str, str], sleep: Any) -> btl.Credentials:
    return call_sts(
        "AssumeRole",
        [("RoleArn", ROLE_ARN), ("RoleSessionName", "session")],
        config=ClientConfig(environ=dict(env, AWS_ENDPOINT_URL_STS=url), full_config={}),
        credentials=btl.Credentials(SOURCE_AK, SOURCE_SK),
        region="eu-west-1",
        method="assume-role",
        sleep=sleep,
    )


def test_standard_backoff_bounds(aws: FakeAWS) -> None:
    """Without seeding: each delay within rand(0, 1) * min(base * 2**i, 20 s)."""
    aws.hook = lambda record: xml(400, "Throttling")
    delays: List[float] = []
    with pytest.raises(btl.ClientError, match=r"\(reached max retries: 7\)"):
        _sts_call(aws.url, {"AWS_MAX_ATTEMPTS": "8"}, delays.append)
    assert len(aws.requests) == 8
    assert len(delays) == 7
    for i, delay in enumerate(delays):
        assert 0 <= delay <= min(2**i, 20)
    aws.reset()
    aws.hook = lambda record: xml(500, "Boom", **{"x-amz-retry-after": "1200"})
    delays = []
    with pytest.raises(btl.ClientError):
        _sts_call(aws.url, {}, delays.append)
    assert len(delays) == 2
    assert all(1.2 <= d <= 1.2 + 0.05 * 2**i for i, d in enumerate(delays))


def test_new_retries_flag_changes_nothing(aws: FakeAWS) -> None:
    aws.hook = lambda record: xml(500, "InternalFailure")
    counts = []
    for flag in (None, "true", "false", "1", ""):
        aws.reset()
        env = {} if flag is None else {"AWS_NEW_RETRIES_2026": flag}
        with pytest.raises(btl.ClientError, match=r"\(reached max retries: 2\)"):
            _sts_call(aws.url, env, lambda seconds: None)
        counts.append(len(aws.requests))
    assert counts == [3] * 5
