"""Hostile HTTP answers through every network source, one drawn script of answers per case.

Each case starts a :class:`_responses.ScriptServer` on 127.0.0.1 that answers
the requests of one source with the drawn answers (see ``_responses``), and
runs the source's ``load()`` and its credentials through ``_check.outcome``:
a result or a library error, within the documented deadline of the exchanges
the source may make, with no planted secret (what the request carried, and
the keys a valid answer carried) in any message, repr or log record.

The time bound is derived from the documented timeouts: every exchange ends
within ``connect + 2 * read`` (``http.exchange_deadline``); each source here
runs with 0.5 s timeouts, one or two attempts and no pauses, so a case may
take at most ``EXCHANGES[source] * deadline`` (plus a little for the test's
own work).  The server closes every connection after its answer, so in
practice a case takes milliseconds.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple

import pytest
from _check import outcome
from _responses import (
    TIMESTAMPS,
    Answer,
    ScriptServer,
    dumps,
    mutated,
    responses,
    xml_text,
)
from hypothesis import event, given, settings
from hypothesis import strategies as st

import bedrock_token_lite as btl
from bedrock_token_lite._aws import http as _http
from bedrock_token_lite._aws import retries as _retries
from bedrock_token_lite._sources.sso import sso_token_cache_path

TIMEOUT = 0.5
DEADLINE = _http.exchange_deadline((TIMEOUT, TIMEOUT))
#: Exchanges a source may make in one case (token, role, document; a refresh; retries).
EXCHANGES = {"imds": 6, "container": 4, "sts": 4, "web-identity": 4, "sso": 6}
SLACK = 2.0

#: Planted in the requests (what an echo sends back).
SOURCE_SECRET = "CanaryHttpSourceSecret7Wq"
SOURCE_TOKEN = "CanaryHttpSourceToken3Jx"
CONTAINER_AUTH = "CanaryHttpContainerAuth5Np"
WEB_TOKEN = "CanaryHttpWebIdentity8Ks"
IMDS_TOKEN = "CanaryHttpImdsToken2Fv"
SSO_ACCESS = "CanaryHttpSsoAccess4Hd"
SSO_REFRESH = "CanaryHttpSsoRefresh9Lb"
SSO_CLIENT_SECRET = "CanaryHttpSsoClient6Tm"
#: Carried by a valid answer (they must not show in an error about that answer).
ANSWER_SECRET = "CanaryHttpAnswerSecret1Qz"
ANSWER_TOKEN = "CanaryHttpAnswerToken0Yc"
ANSWERED = [ANSWER_SECRET, ANSWER_TOKEN]

ROLE = "arn:aws:iam::123456789012:role/r"
START_URL = "https://example.awsapps.com/start"

#: A few examples per source: each one starts a server and makes real connections.
EXAMPLES = max(10, settings.default.max_examples // 3)


def _noop(_seconds: float) -> None:
    pass


def _fast(method: str, url: str, **kwargs: Any) -> Any:
    """The package's own transport, with the per-case timeouts instead of botocore's 60 s."""
    kwargs["timeout"] = TIMEOUT
    return _retries.send(method, url, **kwargs)


def _environ(home: str, extra: Mapping[str, str]) -> Dict[str, str]:
    env = {
        "HOME": home,
        "AWS_CONFIG_FILE": str(Path(home) / "none"),
        "AWS_SHARED_CREDENTIALS_FILE": str(Path(home) / "none"),
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_MAX_ATTEMPTS": "2",
        "AWS_RETRY_MODE": "standard",
    }
    env.update(extra)
    return env


def _use(creds: Any) -> Any:
    """What a caller does with loaded credentials: freeze them, and sign a token."""
    if creds is None:
        return None
    frozen = creds.get_frozen_credentials() if hasattr(creds, "get_frozen_credentials") else creds
    btl.generate_token(frozen, "us-east-1")
    return frozen


def _run(
    source: str,
    script: List[Answer],
    route: Callable[[str, str], bytes],
    load: Callable[[str], Any],
    secrets: List[str],
) -> Tuple[Any, Optional[BaseException]]:
    with ScriptServer(script, route) as server:
        result, error = outcome(
            lambda: _use(load(server.url)),
            secrets=secrets + ANSWERED,
            seconds=EXCHANGES[source] * DEADLINE + SLACK,
            clean_repr=True,
        )
    kind = "none" if result is None else "credentials"
    event("outcome: %s" % (kind if error is None else type(error).__name__))
    return result, error


# -- IMDS ------------------------------------------------------------------------------

IMDS_DOC = {
    "Code": "Success",
    "LastUpdated": "2026-12-01T12:00:00Z",
    "Type": "AWS-HMAC",
    "AccessKeyId": "AKIDIMDSHOSTILE",
    "SecretAccessKey": ANSWER_SECRET,
    "Token": ANSWER_TOKEN,
    "Expiration": "2099-01-01T00:00:00Z",
}


@settings(max_examples=EXAMPLES)
@given(responses, mutated(IMDS_DOC, ("Expiration", "LastUpdated")), st.sampled_from(["r", ""]))
def test_imds(script: List[Answer], document: Dict[str, Any], role: str) -> None:
    body = dumps(document)

    def route(method: str, path: str) -> bytes:
        if method == "PUT":
            return IMDS_TOKEN.encode()
        if path.endswith("/security-credentials/"):
            return role.encode()
        return body

    def load(url: str) -> Any:
        env = {
            "AWS_EC2_METADATA_SERVICE_ENDPOINT": url,
            "AWS_METADATA_SERVICE_NUM_ATTEMPTS": "1",
        }
        provider = btl.InstanceMetadataProvider(environ=env)
        provider.timeout = TIMEOUT  # type: ignore[assignment]  # whole seconds from settings
        return provider.load()

    _run("imds", script, route, load, [IMDS_TOKEN])


# -- container ---------------------------------------------------------------------------

CONTAINER_DOC = {
    "AccessKeyId": "AKIDCONTAINERHOSTILE",
    "SecretAccessKey": ANSWER_SECRET,
    "Token": ANSWER_TOKEN,
    "Expiration": "2099-01-01T00:00:00Z",
    "AccountId": "123456789012",
}


@settings(max_examples=EXAMPLES)
@given(responses, mutated(CONTAINER_DOC, ("Expiration",)))
def test_container(script: List[Answer], document: Dict[str, Any]) -> None:
    body = dumps(document)

    def load(url: str) -> Any:
        env = {
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": url + "/creds",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN": CONTAINER_AUTH,
        }
        provider = btl.ContainerProvider(env, timeout=TIMEOUT, attempts=2, sleep=_noop)
        return provider.load()

    _run("container", script, lambda m, p: body, load, [CONTAINER_AUTH])


# -- STS: assume role and web identity ---------------------------------------------------

STS_FIELDS = {
    "AccessKeyId": "ASIASTSHOSTILE",
    "SecretAccessKey": ANSWER_SECRET,
    "SessionToken": ANSWER_TOKEN,
    "Expiration": "2099-01-01T00:00:00Z",
}


def _sts_xml(operation: str, fields: Dict[str, Any], arn: Any) -> bytes:
    inner = "".join("<%s>%s</%s>" % (k, xml_text(v), k) for k, v in fields.items())
    return (
        '<%(op)sResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><%(op)sResult>'
        "<Credentials>%(inner)s</Credentials><AssumedRoleUser><AssumedRoleId>AROA:s"
        "</AssumedRoleId><Arn>%(arn)s</Arn></AssumedRoleUser></%(op)sResult>"
        "<ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></%(op)sResponse>"
        % {"op": operation, "inner": inner, "arn": xml_text(arn)}
    ).encode("utf-8", "surrogatepass")


arns = st.one_of(st.just(ROLE), st.sampled_from(["", "arn", "arn:aws:sts::x:y", "\u00b2"]))


@settings(max_examples=EXAMPLES)
@given(responses, mutated(STS_FIELDS, ("Expiration",)), arns)
def test_sts_assume_role(script: List[Answer], fields: Dict[str, Any], arn: str) -> None:
    body = _sts_xml("AssumeRole", fields, arn)
    config = {
        "profiles": {
            "p": {"role_arn": ROLE, "source_profile": "src"},
            "src": {
                "aws_access_key_id": "AKIDSOURCEHOSTILE",
                "aws_secret_access_key": SOURCE_SECRET,
                "aws_session_token": SOURCE_TOKEN,
            },
        }
    }

    def load(url: str) -> Any:
        with tempfile.TemporaryDirectory() as home:
            provider = btl.AssumeRoleProvider(
                load_config=lambda: config,
                profile_name="p",
                environ=_environ(home, {"AWS_ENDPOINT_URL_STS": url}),
                transport=_fast,
                sleep=_noop,
            )
            return _use(provider.load())

    _run("sts", script, lambda m, p: body, load, [SOURCE_SECRET, SOURCE_TOKEN])


@settings(max_examples=EXAMPLES)
@given(responses, mutated(STS_FIELDS, ("Expiration",)), arns)
def test_sts_web_identity(script: List[Answer], fields: Dict[str, Any], arn: str) -> None:
    body = _sts_xml("AssumeRoleWithWebIdentity", fields, arn)

    def load(url: str) -> Any:
        with tempfile.TemporaryDirectory() as home:
            token_file = Path(home) / "token"
            token_file.write_text(WEB_TOKEN)
            config = {
                "profiles": {"p": {"role_arn": ROLE, "web_identity_token_file": str(token_file)}}
            }
            provider = btl.AssumeRoleWithWebIdentityProvider(
                load_config=lambda: config,
                profile_name="p",
                environ=_environ(home, {"AWS_ENDPOINT_URL_STS": url}),
                transport=_fast,
                sleep=_noop,
            )
            return _use(provider.load())

    _run("web-identity", script, lambda m, p: body, load, [WEB_TOKEN])


# -- SSO GetRoleCredentials (and an SSO-OIDC refresh) -----------------------------------

ROLE_CREDS = {
    "accessKeyId": "ASIASSOHOSTILE",
    "secretAccessKey": ANSWER_SECRET,
    "sessionToken": ANSWER_TOKEN,
    "expiration": 4070908800000,
}
OIDC = {"accessToken": SSO_ACCESS + "New", "expiresIn": 3600, "refreshToken": SSO_REFRESH + "New"}


@st.composite
def role_answers(draw: st.DrawFn) -> Dict[str, Any]:
    creds = draw(mutated(ROLE_CREDS, ()))
    if draw(st.integers(0, 3)) == 0:
        creds["expiration"] = draw(
            st.one_of(st.sampled_from(TIMESTAMPS), st.integers(), st.floats())
        )
    return {"roleCredentials": creds}


@settings(max_examples=EXAMPLES)
@given(responses, role_answers(), mutated(OIDC, ()), st.booleans())
def test_sso(
    script: List[Answer], role: Dict[str, Any], oidc: Dict[str, Any], session: bool
) -> None:
    role_body, oidc_body = dumps(role), dumps(oidc)

    def route(method: str, path: str) -> bytes:
        return oidc_body if path.endswith("/token") else role_body

    profile = {"sso_account_id": "123456789012", "sso_role_name": "r"}
    config: Dict[str, Any] = {"profiles": {"p": profile}}
    token: Dict[str, Any] = {"accessToken": SSO_ACCESS, "expiresAt": "2099-01-01T00:00:00Z"}
    if session:  # an expiring sso-session token: the provider refreshes it first
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

    def load(url: str) -> Any:
        with tempfile.TemporaryDirectory() as home:
            cache = Path(home) / "cache"
            cache.mkdir()
            path = sso_token_cache_path(str(cache), START_URL, "s" if session else None)
            Path(path).write_bytes(dumps(token))
            provider = btl.SSOProvider(
                load_config=lambda: config,
                profile_name="p",
                environ=_environ(
                    home, {"AWS_ENDPOINT_URL_SSO": url, "AWS_ENDPOINT_URL_SSO_OIDC": url}
                ),
                token_cache_dir=str(cache),
                transport=_fast,
                sleep=_noop,
            )
            return _use(provider.load())

    _run("sso", script, route, load, [SSO_ACCESS, SSO_REFRESH, SSO_CLIENT_SECRET])


def test_the_server_answers_as_drawn() -> None:
    """The harness itself: a valid answer is served, and an echo carries the request."""
    valid = Answer(b"HTTP/1.1 200 OK", [], "valid", "exact")
    echo = Answer(b"HTTP/1.1 400 Bad", [], "echo", "exact", wrap="raw")
    with ScriptServer([valid, echo], lambda m, p: b"doc:" + p.encode()) as server:
        first = _http.request("GET", server.url + "/a", timeout=1.0)
        second = _http.request("GET", server.url + "/b", headers={"X-Secret": "s3"}, timeout=1.0)
    assert (first.status, first.body) == (200, b"doc:/a")
    assert second.status == 400
    assert b"GET /b" in second.body
    assert b"s3" in second.body


pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")
