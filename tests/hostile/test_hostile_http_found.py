"""Regression tests for what ``test_hostile_http.py`` found, one fixed script each.

Every case fails on the code before its fix: the secret (or a 12-character
piece of it) showed in the message or in the ``__context__`` chain, or a bare
builtin escaped.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any, Dict, List

import pytest
from _check import outcome
from _responses import Answer, ScriptServer
from test_hostile_http import (
    ANSWER_SECRET,
    ANSWER_TOKEN,
    CONTAINER_AUTH,
    ROLE,
    SOURCE_SECRET,
    SOURCE_TOKEN,
    SSO_ACCESS,
    SSO_CLIENT_SECRET,
    SSO_REFRESH,
    START_URL,
    _environ,
    _fast,
    _noop,
)

import bedrock_token_lite as btl
from bedrock_token_lite._sources.sso import sso_token_cache_path

OK = b"HTTP/1.1 200 OK"
CREDS = {
    "AccessKeyId": "AKIDFOUND",
    "SecretAccessKey": ANSWER_SECRET,
    "Token": ANSWER_TOKEN,
    "Expiration": "2099-01-01T00:00:00Z",
}


def _payload(status: bytes, body: bytes) -> Answer:
    return Answer(status, [], "payload", "exact", payload=body)


def test_container_error_status_with_credentials_does_not_quote_them() -> None:
    """A 201 (any non-200) whose body is a credentials document: the message quoted it."""
    answer = _payload(b"HTTP/1.1 201 Created", json.dumps(CREDS).encode())
    with ScriptServer([answer], lambda m, p: b"") as server:
        env = {
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": server.url + "/creds",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN": CONTAINER_AUTH,
        }
        provider = btl.ContainerProvider(env, timeout=0.5, attempts=1, sleep=_noop)
        _, error = outcome(provider.load, secrets=[CONTAINER_AUTH, ANSWER_SECRET, ANSWER_TOKEN])
    assert isinstance(error, btl.CredentialRetrievalError)
    assert "non 200 response 201" in str(error)
    assert "<redacted>" in str(error)


def _assume_role(script: List[Answer]) -> Any:
    config = {
        "profiles": {
            "p": {"role_arn": ROLE, "source_profile": "src"},
            "src": {
                "aws_access_key_id": "AKIDSOURCEFOUND",
                "aws_secret_access_key": SOURCE_SECRET,
                "aws_session_token": SOURCE_TOKEN,
            },
        }
    }
    with ScriptServer(script, lambda m, p: b"") as server, tempfile.TemporaryDirectory() as h:
        env = _environ(h, {"AWS_ENDPOINT_URL_STS": server.url, "AWS_MAX_ATTEMPTS": "1"})
        provider = btl.AssumeRoleProvider(
            load_config=lambda: config,
            profile_name="p",
            environ=env,
            transport=_fast,
            sleep=_noop,
        )
        return outcome(
            lambda: provider.load().get_frozen_credentials(),  # type: ignore[union-attr]
            secrets=[SOURCE_SECRET, SOURCE_TOKEN, ANSWER_SECRET, ANSWER_TOKEN],
        )


@pytest.mark.parametrize("status", [b"HTTP/1.1 301 Moved Permanently", b"HTTP/1.1 400 Bad"])
def test_sts_error_answer_echoing_the_request_is_redacted(status: bytes) -> None:
    """An error answer that is not XML is quoted: it echoed X-Amz-Security-Token."""
    _, error = _assume_role([Answer(status, [], "echo", "exact", wrap="raw")])
    assert type(error).__name__ == "ResponseParserError"
    assert "invalid XML received" in str(error)
    assert "<redacted>" in str(error)
    assert error is not None
    assert error.__context__ is None


def test_sts_error_answer_with_credentials_xml_is_redacted() -> None:
    body = (
        "<Nope><SecretAccessKey>%s</SecretAccessKey><SessionToken>%s</SessionToken>"
        % (ANSWER_SECRET, ANSWER_TOKEN)
    ).encode()
    _, error = _assume_role([_payload(b"HTTP/1.1 403 Forbidden", body)])
    assert type(error).__name__ == "ResponseParserError"


def _sso(script: List[Answer], session: bool) -> Any:
    profile: Dict[str, Any] = {"sso_account_id": "123456789012", "sso_role_name": "r"}
    config: Dict[str, Any] = {"profiles": {"p": profile}}
    token: Dict[str, Any] = {"accessToken": SSO_ACCESS, "expiresAt": "2099-01-01T00:00:00Z"}
    if session:
        profile["sso_session"] = "s"
        config["sso_sessions"] = {"s": {"sso_start_url": START_URL, "sso_region": "us-east-1"}}
        token.update(
            expiresAt="2000-01-01T00:00:00Z",
            refreshToken=SSO_REFRESH,
            clientId="client-id",
            clientSecret=SSO_CLIENT_SECRET,
            registrationExpiresAt="2099-01-01T00:00:00Z",
        )
    else:
        profile.update(sso_start_url=START_URL, sso_region="us-east-1")
    with ScriptServer(script, lambda m, p: b"") as server, tempfile.TemporaryDirectory() as h:
        cache = Path(h)
        path = sso_token_cache_path(str(cache), START_URL, "s" if session else None)
        Path(path).write_text(json.dumps(token))
        env = {"AWS_ENDPOINT_URL_SSO": server.url, "AWS_ENDPOINT_URL_SSO_OIDC": server.url}
        provider = btl.SSOProvider(
            load_config=lambda: config,
            profile_name="p",
            environ=_environ(h, env),
            token_cache_dir=str(cache),
            transport=_fast,
            sleep=_noop,
        )
        return outcome(
            lambda: provider.load().get_frozen_credentials(),  # type: ignore[union-attr]
            secrets=[SSO_ACCESS, SSO_REFRESH, SSO_CLIENT_SECRET, ANSWER_SECRET, ANSWER_TOKEN],
        )


def test_sso_error_answer_cut_inside_a_credential_is_redacted() -> None:
    """A 3xx whose body is a role-credentials document cut short: not JSON, so quoted whole."""
    body = json.dumps({"roleCredentials": {"sessionToken": ANSWER_TOKEN}}).encode()[:50]
    _, error = _sso([_payload(b"HTTP/1.1 301 Moved Permanently", body)], session=False)
    assert isinstance(error, btl.ClientError)
    assert "<redacted>" in str(error)


@pytest.mark.parametrize(
    ("answer", "builtin"),
    [
        ({}, KeyError),
        ({"accessToken": None, "expiresIn": 60}, KeyError),
        ({"accessToken": SSO_ACCESS + "New"}, KeyError),
        ({"accessToken": SSO_ACCESS + "New", "expiresIn": None}, TypeError),
        ({"accessToken": SSO_ACCESS + "New", "expiresIn": "3600"}, TypeError),
        ({"accessToken": SSO_ACCESS + "New", "expiresIn": 10**30}, TypeError),
        ({"accessToken": SSO_ACCESS + "New", "expiresIn": -5}, TypeError),
    ],
    ids=["empty", "null-token", "no-expiry", "null-expiry", "text-expiry", "huge", "negative"],
)
def test_sso_oidc_answer_of_the_wrong_shape_is_a_library_error(
    answer: Dict[str, Any], builtin: type
) -> None:
    """botocore fails with a bare KeyError/TypeError (ours did too, or OverflowError)."""
    script = [_payload(OK, json.dumps(answer).encode())]
    _, error = _sso(script, session=True)
    assert isinstance(error, btl.SSOResponseError)
    assert isinstance(error, builtin)
    assert "CreateToken" in str(error)


@pytest.mark.parametrize(
    "millis", [1.7e21, 9.2e21, 10**400 // 10**380], ids=["oserror", "overflow", "int"]
)
def test_sso_role_credentials_expiration_out_of_range_is_a_library_error(millis: float) -> None:
    role = {
        "roleCredentials": {
            "accessKeyId": "ASIAFOUND",
            "secretAccessKey": ANSWER_SECRET,
            "sessionToken": ANSWER_TOKEN,
            "expiration": millis,
        }
    }
    _, error = _sso([_payload(OK, json.dumps(role).encode())], session=False)
    assert isinstance(error, btl.ClientError)
    assert "roleCredentials lacks a usable expiration" in str(error)


DEEP = b"[" * 50000  # within the container bound (64 KiB)


def test_container_answer_nested_too_deeply_is_a_library_error() -> None:
    """json.loads ran out of stack: a bare RecursionError."""
    with ScriptServer([_payload(OK, DEEP)], lambda m, p: b"") as server:
        env = {"AWS_CONTAINER_CREDENTIALS_FULL_URI": server.url + "/creds"}
        provider = btl.ContainerProvider(env, timeout=0.5, attempts=1, sleep=_noop)
        _, error = outcome(provider.load)
    assert isinstance(error, btl.CredentialRetrievalError)
    assert "Unable to parse JSON" in str(error)


@pytest.mark.parametrize("status", [OK, b"HTTP/1.1 400 Bad Request"])
def test_sso_answer_nested_too_deeply_is_a_library_error(status: bytes) -> None:
    """The success and the error paths of the REST-JSON calls: a bare RecursionError."""
    _, error = _sso([_payload(status, DEEP)], session=False)
    assert isinstance(error, btl.ClientError)
