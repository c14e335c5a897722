"""The STS client: error documents, retries, timeouts, bounded and defensive parsing."""

from __future__ import annotations

import socket
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Dict, Iterator, List, Optional

import pytest
from _support import requires_botocore_143, sample
from sts_harness import (
    ROLE_ARN,
    SOURCE_AK,
    SOURCE_SK,
    FakeAWS,
    Prepared,
    Recorded,
    Response,
    Scenario,
    _sts_credentials_xml,
    close_all,
    prepare_all,
    sts_error_xml,
)

import bedrock_token_lite as btl
from bedrock_token_lite._aws.client import ClientConfig
from bedrock_token_lite._aws.params import validate_lengths
from bedrock_token_lite._aws.sts import account_id_from_arn, call_sts
from bedrock_token_lite._common.dates import parse_timestamp
from bedrock_token_lite._sources.assume_role import assume_role_cache_key
from bedrock_token_lite._sources.sso import sso_cache_key

STATIC = "[src]\naws_access_key_id = %s\naws_secret_access_key = %s\n" % (SOURCE_AK, SOURCE_SK)
AR = "[default]\nrole_arn = %s\nsource_profile = src\n" % ROLE_ARN


def answer(status: int, body: bytes, only: Optional[str] = None):  # type: ignore[no-untyped-def]
    def setup(home: Path, server: FakeAWS) -> None:
        def hook(record: Recorded) -> Optional[Response]:
            if only is not None and record.action != only:
                return None
            return status, {"Content-Type": "text/xml"}, body

        server.hook = hook

    return setup


#: Sockets behind closed_port(), held for the whole run so no server can take their ports.
_HELD: List[socket.socket] = []


def closed_port() -> int:
    """A refusing port: bound for the whole run, never listening.

    A port that was only free when the module was imported can be handed to a
    later test's server, which then answers where a refusal was expected.
    """
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    _HELD.append(sock)
    return int(sock.getsockname()[1])


EXPIRES = "2099-01-01T00:00:00Z"
CASES = [
    Scenario(
        "access denied is not retried",
        AR,
        STATIC,
        {"AWS_MAX_ATTEMPTS": "3"},
        setup=answer(403, sts_error_xml("AccessDenied", "not allowed")),
    ),
    Scenario(
        "500 retried to the limit",
        AR,
        STATIC,
        {"AWS_MAX_ATTEMPTS": "2"},
        setup=answer(500, sts_error_xml("InternalFailure", "boom", "Receiver")),
    ),
    Scenario(
        "throttling retried",
        AR,
        STATIC,
        {"AWS_MAX_ATTEMPTS": "2"},
        setup=answer(400, sts_error_xml("Throttling", "Rate exceeded")),
    ),
    Scenario(
        "IDP communication error retried",
        AR,
        STATIC,
        {"AWS_MAX_ATTEMPTS": "2"},
        setup=answer(400, sts_error_xml("IDPCommunicationError", "idp down")),
    ),
    Scenario(
        "expired token single attempt",
        AR,
        STATIC,
        setup=answer(400, sts_error_xml("ExpiredToken", "expired")),
    ),
    Scenario(
        "error body not xml",
        AR,
        STATIC,
        {"AWS_MAX_ATTEMPTS": "3"},
        setup=answer(403, b"<html>nope"),
    ),
    Scenario(
        "expiration without timezone",
        AR,
        STATIC,
        setup=answer(
            200,
            _sts_credentials_xml(
                "AssumeRole",
                "ASIAX",
                "sk",
                "tok",
                "2099-01-01T00:00:00",
                "arn:aws:sts::1:assumed-role/r/s",
            ),
        ),
    ),
    Scenario(
        "arn that is not an arn",
        AR,
        STATIC,
        setup=answer(
            200, _sts_credentials_xml("AssumeRole", "ASIAX", "sk", "tok", EXPIRES, "not-an-arn")
        ),
    ),
    Scenario(
        "arn with empty account",
        AR,
        STATIC,
        setup=answer(
            200,
            _sts_credentials_xml(
                "AssumeRole", "ASIAX", "sk", "tok", EXPIRES, "arn:aws:sts:::assumed-role/r/s"
            ),
        ),
    ),
    Scenario(
        "fractional expiration with offset",
        AR,
        STATIC,
        setup=answer(
            200,
            _sts_credentials_xml(
                "AssumeRole",
                "ASIAX",
                "sk",
                "tok",
                "2099-01-01T02:00:00.123+02:00",
                "arn:aws:sts::1:x/y",
            ),
        ),
    ),
    Scenario(
        "connection refused",
        AR,
        STATIC,
        {"AWS_ENDPOINT_URL_STS": "http://127.0.0.1:%d/" % closed_port()},
    ),
    Scenario(
        "web identity error",
        env={"AWS_WEB_IDENTITY_TOKEN_FILE": "{home}/t", "AWS_ROLE_ARN": ROLE_ARN},
        setup=lambda home, server: (
            (home / "t").write_text("token-value"),
            answer(400, sts_error_xml("InvalidIdentityToken", "bad jwt"))(home, server),
        ),
    ),
]


@pytest.fixture(scope="module")
def botocore_runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dict[str, Prepared]]:
    prepared = prepare_all(sample(CASES, 3), tmp_path_factory.mktemp("client"))
    yield prepared
    close_all(prepared)


@requires_botocore_143
@pytest.mark.parametrize("case", sample(CASES, 3), ids=repr)
def test_errors_and_parsing_match_botocore(
    botocore_runs: Dict[str, Prepared], case: Scenario
) -> None:
    ours, requests = botocore_runs[case.name].check_ours()
    if case.name == "500 retried to the limit":
        assert len(requests) == 2
        assert isinstance(ours["exception"], btl.ClientError)
        assert ours["exception"].code == "InternalFailure"
        assert ours["exception"].retry_attempts == 1
    if case.name == "connection refused":
        assert isinstance(ours["exception"], ConnectionError)


# -- in-process: transport limits ----------------------------------------------


def _call(url: str, **kwargs: object) -> btl.Credentials:
    config = ClientConfig(
        environ={"AWS_ENDPOINT_URL_STS": url, "AWS_MAX_ATTEMPTS": "1"}, full_config={}
    )
    return call_sts(
        "AssumeRole",
        [("RoleArn", ROLE_ARN), ("RoleSessionName", "session")],
        config=config,
        credentials=btl.Credentials(SOURCE_AK, SOURCE_SK),
        region="eu-west-1",
        method="assume-role",
        **kwargs,  # type: ignore[arg-type]
    )


def test_server_that_never_answers_times_out() -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]
    accepted: List[socket.socket] = []

    def accept() -> None:
        conn, _ = listener.accept()
        accepted.append(conn)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        start = time.monotonic()
        # botocore's class and message for a read timeout, after its retries
        with pytest.raises(
            btl.ReadTimeoutError, match="Read timeout on endpoint URL.*127.0.0.1:%d" % port
        ):
            _call("http://127.0.0.1:%d" % port, timeout=0.5)
        assert time.monotonic() - start < 5
    finally:
        thread.join(timeout=5)
        for conn in accepted:
            conn.close()
        listener.close()


def test_huge_answer_is_not_read(aws: FakeAWS) -> None:
    aws.hook = lambda record: (200, {}, b"<a>" + b"x" * (2 * 1024 * 1024) + b"</a>")
    with pytest.raises(btl.ResponseTooLargeError, match=r"127\.0\.0\.1"):
        _call(aws.url)


def test_xml_with_entities_is_rejected(aws: FakeAWS) -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
        b"<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>&b;</AccessKeyId>"
        b"</Credentials></AssumeRoleResult></AssumeRoleResponse>"
    )
    aws.hook = lambda record: (200, {}, bomb)
    with pytest.raises(btl.ResponseParserError, match="DOCTYPE"):
        _call(aws.url)
    aws.hook = lambda record: (400, {}, bomb)
    with pytest.raises(btl.ResponseParserError, match="DOCTYPE"):
        _call(aws.url)


def test_redirects_are_not_followed(aws: FakeAWS) -> None:
    moved = sts_error_xml("Moved", "elsewhere")
    aws.hook = lambda record: (307, {"Location": "http://127.0.0.1:1/elsewhere"}, moved)
    with pytest.raises(btl.ClientError) as info:
        _call(aws.url)
    assert info.value.status == 307
    assert len(aws.requests) == 1
    # without a body the answer does not parse, as in botocore (test_sts_retries.py)
    aws.reset()
    aws.hook = lambda record: (307, {"Location": "http://127.0.0.1:1/elsewhere"}, b"")
    with pytest.raises(btl.ResponseParserError):
        _call(aws.url)
    assert len(aws.requests) == 1


def test_missing_fields_in_answer(aws: FakeAWS) -> None:
    aws.hook = lambda record: (
        200,
        {},
        b"<AssumeRoleResponse><AssumeRoleResult/></AssumeRoleResponse>",
    )
    with pytest.raises(btl.CredentialsError, match="AccessKeyId, SecretAccessKey"):
        _call(aws.url)


def test_legacy_backoff_delays(aws: FakeAWS) -> None:
    aws.hook = lambda record: (503, {}, sts_error_xml("ServiceUnavailable", "later", "Receiver"))
    delays: List[float] = []
    env = {"AWS_ENDPOINT_URL_STS": aws.url, "AWS_RETRY_MODE": "legacy"}  # no longer the default
    config = ClientConfig(environ=env, full_config={})
    with pytest.raises(btl.ClientError, match=r"reached max retries: 4"):
        call_sts(
            "AssumeRole",
            [("RoleArn", ROLE_ARN), ("RoleSessionName", "session")],
            config=config,
            credentials=btl.Credentials(SOURCE_AK, SOURCE_SK),
            region="eu-west-1",
            method="assume-role",
            sleep=delays.append,
        )
    assert len(aws.requests) == 5
    assert len(delays) == 4
    for attempt, delay in enumerate(delays, start=1):
        assert 0 <= delay <= 2 ** (attempt - 1)


def test_standard_mode_three_attempts(aws: FakeAWS) -> None:
    aws.hook = lambda record: (400, {}, sts_error_xml("ThrottlingException", "slow down"))
    delays: List[float] = []
    env = {"AWS_ENDPOINT_URL_STS": aws.url, "AWS_RETRY_MODE": "standard"}
    with pytest.raises(btl.ClientError, match=r"reached max retries: 2"):
        call_sts(
            "AssumeRoleWithWebIdentity",
            [("RoleArn", ROLE_ARN), ("RoleSessionName", "session"), ("WebIdentityToken", "tok1")],
            config=ClientConfig(environ=env, full_config={}),
            method="assume-role-with-web-identity",
            sleep=delays.append,
        )
    assert len(aws.requests) == 3
    assert all(0 <= d <= 20 for d in delays)
    assert "authorization" not in aws.requests[0].headers


def test_connection_errors_are_retried(aws: FakeAWS) -> None:
    port = closed_port()
    delays: List[float] = []
    config = ClientConfig(
        environ={"AWS_ENDPOINT_URL_STS": "http://127.0.0.1:%d" % port, "AWS_MAX_ATTEMPTS": "3"},
        full_config={},
    )
    with pytest.raises(btl.EndpointConnectionError) as info:
        call_sts(
            "AssumeRole",
            [("RoleArn", ROLE_ARN), ("RoleSessionName", "session")],
            config=config,
            credentials=btl.Credentials(SOURCE_AK, SOURCE_SK),
            region="eu-west-1",
            method="assume-role",
            sleep=delays.append,
        )
    assert len(delays) == 2
    assert info.value.endpoint_url == "http://127.0.0.1:%d/" % port


def test_signed_request_shape(aws: FakeAWS) -> None:
    now = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    creds = btl.Credentials(SOURCE_AK, SOURCE_SK, "session-token")
    config = ClientConfig(environ={"AWS_ENDPOINT_URL_STS": aws.url + "/x"}, full_config={})
    result = call_sts(
        "AssumeRole",
        [("RoleSessionName", "a b!"), ("RoleArn", ROLE_ARN)],
        config=config,
        credentials=creds,
        region="eu-west-1",
        method="assume-role",
        clock=lambda: now,
    )
    assert result.method == "assume-role"
    (request,) = aws.requests
    assert request.path == "/x"
    assert request.body == (
        b"Action=AssumeRole&Version=2011-06-15&RoleSessionName=a+b%21"
        b"&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Ftest-role"
    )
    assert request.headers["content-type"] == "application/x-www-form-urlencoded; charset=utf-8"
    assert request.headers["x-amz-date"] == "20260102T030405Z"
    assert request.headers["x-amz-security-token"] == "session-token"
    assert (
        "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token,"
        in request.headers["authorization"]
    )
    assert (
        "Credential=%s/20260102/eu-west-1/sts/aws4_request" % SOURCE_AK
        in request.headers["authorization"]
    )
    assert "x-amz-content-sha256" not in request.headers
    # The server verified the signature with the secret; a wrong secret is rejected.
    with pytest.raises(btl.ClientError, match="SignatureDoesNotMatch"):
        call_sts(
            "AssumeRole",
            [("RoleArn", ROLE_ARN), ("RoleSessionName", "session")],
            config=config,
            credentials=btl.Credentials(SOURCE_AK, "wrong-secret"),
            region="eu-west-1",
            method="assume-role",
        )


# -- pure helpers -------------------------------------------------------------


def test_cache_key_vectors() -> None:
    assert assume_role_cache_key([("RoleArn", "arn:aws:iam::123456789012:role/r")], False) == (
        "6dc9e6e1e186b9f293814df3266de783142c48a2"
    )
    generated = [
        ("RoleArn", "arn:aws:iam::123456789012:role/r"),
        ("RoleSessionName", "botocore-session-1"),
    ]
    assert assume_role_cache_key(generated, True) == "6dc9e6e1e186b9f293814df3266de783142c48a2"
    assert assume_role_cache_key(generated, False) != "6dc9e6e1e186b9f293814df3266de783142c48a2"
    assert (
        sso_cache_key("R", "111122223333", None, "https://x/start")
        == "f708569f3a70f4501039add5772342a2435c96f4"
    )
    assert (
        sso_cache_key("R", "111122223333", "my-sso", "https://x/start")
        == "e3734d995fe8f67ac6f641de27b1776d4b54816d"
    )


@requires_botocore_143
def test_cache_key_with_every_option_matches_botocore() -> None:
    from botocore.credentials import AssumeRoleCredentialFetcher

    extra = {
        "DurationSeconds": 1800,
        "SerialNumber": "arn:aws:iam::123456789012:mfa/u",
        "ExternalId": "ext",
        "RoleSessionName": "s",
        "Policy": '{"Version": "2012-10-17", "Statement": []}',
    }
    fetcher = AssumeRoleCredentialFetcher(
        lambda *a, **k: None, None, "arn:aws:iam::123456789012:role/r", extra_args=extra
    )
    ours = assume_role_cache_key(
        [*extra.items(), ("RoleArn", "arn:aws:iam::123456789012:role/r")], False
    )
    assert ours == fetcher._cache_key


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-28T12:00:00Z", datetime(2026, 11, 28, 12, tzinfo=timezone.utc)),
        ("2026-11-28T12:00:00.5Z", datetime(2026, 11, 28, 12, 0, 0, 500000, tzinfo=timezone.utc)),
        ("2026-11-28T12:00:00+02:00", datetime(2026, 11, 28, 10, tzinfo=timezone.utc)),
        ("2026-11-28T12:00:00-0130", datetime(2026, 11, 28, 13, 30, tzinfo=timezone.utc)),
        ("20261128T120000Z", datetime(2026, 11, 28, 12, tzinfo=timezone.utc)),
        ("2026-11-28 12:00:00 UTC", datetime(2026, 11, 28, 12, tzinfo=timezone.utc)),
        ("Sat, 28 Nov 2026 12:00:00 GMT", datetime(2026, 11, 28, 12, tzinfo=timezone.utc)),
    ],
)
def test_parse_timestamp(text: str, expected: datetime) -> None:
    assert parse_timestamp(text) == expected


def test_parse_timestamp_naive_and_garbage() -> None:
    assert parse_timestamp("2026-11-28T12:00:00").tzinfo is None
    with pytest.raises(ValueError, match="cannot parse 'tomorrow' as a timestamp"):
        parse_timestamp("tomorrow")


@requires_botocore_143
@pytest.mark.parametrize(
    "text",
    [
        "2026-11-28T12:00:00Z",
        "2026-11-28T12:00:00.123456Z",
        "2026-11-28T12:00:00+05:30",
        "20261128T120000Z",
    ],
)
def test_parse_timestamp_matches_botocore(text: str) -> None:
    from botocore.utils import parse_timestamp as boto_parse

    assert parse_timestamp(text) == boto_parse(text)


def test_account_id_from_arn() -> None:
    assert account_id_from_arn("arn:aws:sts::123456789012:assumed-role/r/s") == "123456789012"
    assert account_id_from_arn("arn:aws:sts:::x") == ""
    assert account_id_from_arn("arn:aws:sts") is None
    assert account_id_from_arn("nope") is None
    assert account_id_from_arn(None) is None


def test_validate_lengths_messages() -> None:
    with pytest.raises(btl.ParamValidationError) as info:
        validate_lengths(
            [("RoleArn", "short"), ("DurationSeconds", 50000), ("TokenCode", "1234567")]
        )
    assert str(info.value) == (
        "Parameter validation failed:\n"
        "Invalid length for parameter RoleArn, value: 5, valid min length: 20\n"
        "Invalid value for parameter DurationSeconds, value: 50000, valid max value: 43200\n"
        "Invalid length for parameter TokenCode, value: 7, valid max length: 6"
    )
    assert isinstance(info.value, ValueError)
    validate_lengths([("RoleSessionName", "a b!"), ("Other", "")])


def test_deadline_budget_of_refreshed_expiry() -> None:
    later = datetime.now(timezone.utc) + timedelta(hours=1)
    assert parse_timestamp(later.strftime("%Y-%m-%dT%H:%M:%SZ")) <= later


def test_proxy_from_the_given_environment(aws: FakeAWS) -> None:
    target = "http://sts.example.invalid"
    env = {"AWS_ENDPOINT_URL_STS": target, "HTTP_PROXY": aws.url, "AWS_MAX_ATTEMPTS": "1"}
    call_sts(
        "AssumeRole",
        [("RoleArn", ROLE_ARN), ("RoleSessionName", "session")],
        config=ClientConfig(environ=env, full_config={}),
        credentials=btl.Credentials(SOURCE_AK, SOURCE_SK),
        region="eu-west-1",
        method="assume-role",
    )
    (request,) = aws.requests
    assert request.raw_path == target + "/"
    assert request.signature_ok
    env["NO_PROXY"] = "example.invalid"
    with pytest.raises(btl.EndpointConnectionError, match=r"sts\.example\.invalid"):
        call_sts(
            "AssumeRole",
            [("RoleArn", ROLE_ARN), ("RoleSessionName", "session")],
            config=ClientConfig(environ=env, full_config={}),
            credentials=btl.Credentials(SOURCE_AK, SOURCE_SK),
            region="eu-west-1",
            method="assume-role",
            timeout=5,
        )
    assert len(aws.requests) == 1


def test_sts_region_override(aws: FakeAWS, tmp_path: Path) -> None:
    config = {
        "profiles": {
            "default": {"role_arn": ROLE_ARN, "source_profile": "src", "region": "eu-west-1"},
            "src": {"aws_access_key_id": SOURCE_AK, "aws_secret_access_key": SOURCE_SK},
        }
    }
    env = {"AWS_ENDPOINT_URL_STS": aws.url}
    creds = btl.AssumeRoleProvider(
        load_config=lambda: config, environ=env, sts_region="ap-south-1"
    ).load()
    assert creds is not None
    creds.get_frozen_credentials()
    creds = btl.AssumeRoleProvider(load_config=lambda: config, environ=env).load()
    assert creds is not None
    creds.get_frozen_credentials()
    scopes = [r.headers["authorization"].split("/")[2] for r in aws.requests]
    assert scopes == ["ap-south-1", "eu-west-1"]


def test_unparseable_success_answer_is_not_quoted(aws: FakeAWS) -> None:
    secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY"
    aws.hook = lambda record: (
        200,
        {},
        ("<AssumeRoleResponse><SecretAccessKey>%s</SecretAccessKey>" % secret).encode(),
    )
    with pytest.raises(btl.ResponseParserError) as info:
        _call(aws.url)
    assert secret not in str(info.value)
    assert "not shown" in str(info.value)
