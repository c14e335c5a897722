"""ContainerProvider against real loopback servers, and differentially against botocore."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest
from _compare import assert_same, outcome, request_keys
from _loopback import Reply, closed_port, elapsed, silent_port
from _oracle import isolated_env
from _support import requires_botocore_143, sample

from bedrock_token_lite._errors import BedrockTokenError, CredentialRetrievalError
from bedrock_token_lite._source_errors import (
    AuthTokenFileNotFoundError,
    InvalidAuthTokenError,
    InvalidExpiryError,
    MissingCredentialFieldError,
    UnsupportedContainerHostError,
)
from bedrock_token_lite._sources.container import ContainerProvider, parse_expiry

NOW = datetime.now(timezone.utc).replace(microsecond=0)
FRESH = (NOW + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
SECRET = "container-secret-key-do-not-leak"
TOKEN = "container-session-token-do-not-leak"
HEADERS = ("accept", "authorization")


def creds_doc(**extra: Any) -> Dict[str, Any]:
    doc = {
        "AccessKeyId": "ASIACONTAINER",
        "SecretAccessKey": SECRET,
        "Token": TOKEN,
        "Expiration": FRESH,
    }
    doc.update(extra)
    return doc


def ours(
    env: Dict[str, str],
    relative_base: str = "http://169.254.170.2",
    pauses: Optional[List[float]] = None,
):
    def load() -> Any:
        sleep = pauses.append if pauses is not None else (lambda s: None)
        return ContainerProvider(env, relative_base=relative_base, sleep=sleep, timeout=2).load()

    return outcome(load)


# -- differential scenarios ---------------------------------------------------------------------

GOOD = [Reply(200, creds_doc())]


def _scenarios() -> List[Any]:
    return [
        # (id, routes on /creds, env extra (PORT and FILE substituted), message mode, files)
        ("token-env", GOOD, {"AWS_CONTAINER_AUTHORIZATION_TOKEN": "Bearer abc"}, "equal", {}),
        ("empty-token", GOOD, {"AWS_CONTAINER_AUTHORIZATION_TOKEN": ""}, "equal", {}),
        ("account-id", [Reply(200, creds_doc(AccountId="123456789012"))], {}, "equal", {}),
        (
            "token-file-wins",
            GOOD,
            {
                "AWS_CONTAINER_AUTHORIZATION_TOKEN": "env",
                "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": "{FILE}",
            },
            "equal",
            {"tok": "from-file"},
        ),
        (
            "token-file-newline",
            GOOD,
            {"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": "{FILE}"},
            "prefix",
            {"tok": "t\n"},
        ),
        (
            "token-file-missing",
            GOOD,
            {"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": "{FILE}"},
            "any",
            {},
        ),
        ("token-env-newline", GOOD, {"AWS_CONTAINER_AUTHORIZATION_TOKEN": "a\nb"}, "prefix", {}),
        ("full-uri-empty", GOOD, {"AWS_CONTAINER_CREDENTIALS_FULL_URI": ""}, "equal", {}),
        (
            "host-not-allowed",
            GOOD,
            {"AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://example.com/creds"},
            "equal",
            {},
        ),
        (
            "localhost",
            GOOD,
            {"AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://localhost:{PORT}/creds"},
            "equal",
            {},
        ),
        ("proxy-ignored", GOOD, {"HTTP_PROXY": "http://127.0.0.1:{CLOSED}"}, "equal", {}),
        (
            "missing-expiration",
            [Reply(200, {"AccessKeyId": "A", "SecretAccessKey": "S", "Token": "T"})],
            {},
            "any",
            {},
        ),
        (
            "missing-token",
            [Reply(200, {"AccessKeyId": "A", "SecretAccessKey": "S", "Expiration": FRESH})],
            {},
            "any",
            {},
        ),
        (
            "third-try",
            [Reply(500, "e1"), Reply(503, "e2"), Reply(200, creds_doc())],
            {},
            "equal",
            {},
        ),
        ("non-200", [Reply(404, "nope")], {}, "equal", {}),
        ("bad-json", [Reply(200, "{not json")], {}, "equal", {}),
        (
            "expired",
            [
                Reply(
                    200,
                    creds_doc(Expiration=(NOW - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")),
                )
            ],
            {},
            "prefix",
            {},
        ),
    ]


SCENARIOS = sample(_scenarios(), every=4)


@requires_botocore_143
@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s[0] for s in SCENARIOS])
def test_full_uri_matches_botocore(scenario, serve, home: Path, botocore_oracle) -> None:
    _name, replies, extra, message, files = scenario
    server = serve({("GET", "/creds"): replies})
    token_file = home / "token"
    for _, content in files.items():
        token_file.write_text(content)
    env_extra = {
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI": server.url + "/creds",
    }
    for key, value in extra.items():
        env_extra[key] = value.format(PORT=server.port, FILE=token_file, CLOSED=closed_port())
    env = isolated_env(home, env_extra)

    boto = botocore_oracle.run(home, env_extra)
    boto_requests = request_keys(server.take(), *HEADERS)
    pauses: List[float] = []
    mine = ours(env, pauses=pauses)
    my_requests = request_keys(server.take(), *HEADERS)

    assert_same(mine, boto, message=message)
    assert my_requests == boto_requests
    if "error" in mine:
        assert SECRET not in mine["message"]
        assert TOKEN not in mine["message"]
    assert pauses == boto["pauses"]  # a pause after every failed attempt, the last included


@requires_botocore_143
def test_relative_uri_matches_botocore(serve, home: Path, botocore_oracle) -> None:
    server = serve({("GET", "/v2/credentials/abc"): GOOD})
    full = serve({("GET", "/full"): [Reply(500, "must not be asked")]})
    extra = {
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/abc",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI": full.url + "/full",  # relative wins
        "AWS_CONTAINER_AUTHORIZATION_TOKEN": "tok",
    }
    boto = botocore_oracle.run(home, extra, container_ip="127.0.0.1:%d" % server.port)
    boto_requests = request_keys(server.take(), *HEADERS)
    mine = ours(isolated_env(home, extra), relative_base=server.url)
    assert_same(mine, boto)
    assert request_keys(server.take(), *HEADERS) == boto_requests
    assert boto_requests == [
        ("GET", "/v2/credentials/abc", (("accept", "application/json"), ("authorization", "tok")))
    ]
    assert full.take() == []


@requires_botocore_143
def test_unreachable_endpoint_matches_botocore(home: Path, botocore_oracle) -> None:
    extra = {
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:%d/creds" % closed_port(),
    }
    boto = botocore_oracle.run(home, extra)
    pauses: List[float] = []
    mine = ours(isolated_env(home, extra), pauses=pauses)
    assert_same(mine, boto)
    assert mine["error"] == "CredentialRetrievalError"
    assert pauses == boto["pauses"] == [1, 1, 1]


# -- our own behaviour ---------------------------------------------------------------


def test_refresh_rereads_the_token_file(serve, tmp_path: Path) -> None:
    server = serve({("GET", "/c"): [Reply(200, creds_doc())]})
    token_file = tmp_path / "token"
    token_file.write_text("first")
    env = {
        "AWS_CONTAINER_CREDENTIALS_FULL_URI": server.url + "/c",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": str(token_file),
    }
    now = [NOW]
    creds = ContainerProvider(env, clock=lambda: now[0]).load()
    assert creds is not None
    assert creds.get_frozen_credentials().secret_key == SECRET
    token_file.write_text("second")
    now[0] = NOW + timedelta(hours=2) - timedelta(minutes=5)  # mandatory window
    assert creds.get_frozen_credentials().access_key == "ASIACONTAINER"  # refreshed
    assert [s.headers["authorization"] for s in server.take()] == ["first", "second"]


def test_not_configured_returns_none_without_requests() -> None:
    assert ContainerProvider({}).load() is None


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/x",
        "http://127.9.8.7/x",
        "http://[::1]/x",
        "http://169.254.170.2/x",
        "http://169.254.170.23/x",
        "http://[fd00:ec2::23]/x",
        "http://LOCALHOST/x",
        "https://example.com/x",
    ],
)
def test_allowed_hosts(url: str) -> None:
    from bedrock_token_lite._sources.container import validate_container_url

    validate_container_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.170.2foo/x",
        "http://10.0.0.1/",
        "http://example.com",
        "",
    ],
)
def test_disallowed_hosts_raise_a_value_error_before_any_request(url: str) -> None:
    with pytest.raises(UnsupportedContainerHostError) as info:
        ContainerProvider({"AWS_CONTAINER_CREDENTIALS_FULL_URI": url}).load()
    assert isinstance(info.value, ValueError)
    assert "Can only retrieve metadata from a loopback address" in str(info.value)


@requires_botocore_143
@pytest.mark.parametrize(
    "url",
    [
        "http://[v1.fe]/",
        "https://[v1.fe]/",
        "http://[::1]/x",
        "http://[::1]:80/x",
        "http://[fe80::1%eth0]/",
        "http://[fe80::1%25eth0]/",
        "http://[fd00:ec2::23]/",
        "http://localhost/",
        "http://127.0.0.2/",
        "http://169.254.170.2/x",
        "http://example.com/",
        "http://[bad",
        "http://bad]/",
        "http://[1.2.3.4]/",
        "http://[zz]/",
    ],
)
def test_container_url_rule_is_botocores(url: str) -> None:
    """The container's own host rule (not the IMDS is_valid_uri): botocore's outcome and text.

    Where botocore lets urlsplit's bare ValueError escape (bad brackets), ours is an
    UnsupportedContainerHostError, which is also a ValueError.
    """
    from botocore.utils import ContainerMetadataFetcher

    from bedrock_token_lite._sources.container import validate_container_url

    try:
        ContainerMetadataFetcher()._validate_allowed_url(url)
        theirs: Optional[str] = None
    except ValueError as exc:
        theirs = str(exc)
    if theirs is None:
        validate_container_url(url)
        return
    with pytest.raises(UnsupportedContainerHostError) as info:
        validate_container_url(url)
    assert isinstance(info.value, ValueError)
    if theirs.startswith("Unsupported host"):
        assert str(info.value) == theirs
    else:
        assert theirs in str(info.value)


def test_ipv4_mapped_loopback_follows_the_interpreter() -> None:
    # botocore asks ipaddress; CPython 3.13 made ::ffff:127.0.0.1 a loopback address.
    import ipaddress

    from bedrock_token_lite._sources.container import validate_container_url

    if ipaddress.ip_address("::ffff:127.0.0.1").is_loopback:
        validate_container_url("http://[::ffff:127.0.0.1]/x")
    else:
        with pytest.raises(UnsupportedContainerHostError):
            validate_container_url("http://[::ffff:127.0.0.1]/x")


def test_relative_uri_without_slash_is_rejected() -> None:
    with pytest.raises(UnsupportedContainerHostError, match=r"169\.254\.170\.2foo"):
        ContainerProvider({"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "foo"}).load()


def test_error_kinds_subclass_the_builtins_botocore_leaks(tmp_path: Path, serve) -> None:
    server = serve(
        {
            ("GET", "/c"): [
                Reply(200, {"AccessKeyId": "A", "SecretAccessKey": SECRET, "Token": TOKEN})
            ]
        }
    )
    base = {"AWS_CONTAINER_CREDENTIALS_FULL_URI": server.url + "/c"}
    with pytest.raises(MissingCredentialFieldError) as missing:
        ContainerProvider(base).load()
    assert isinstance(missing.value, KeyError)
    assert "Expiration" in str(missing.value)
    assert SECRET not in str(missing.value)
    with pytest.raises(AuthTokenFileNotFoundError) as nofile:
        ContainerProvider(
            dict(base, AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=str(tmp_path / "nope"))
        ).load()
    assert isinstance(nofile.value, FileNotFoundError)
    assert "nope" in str(nofile.value)
    with pytest.raises(InvalidAuthTokenError) as bad:
        ContainerProvider(dict(base, AWS_CONTAINER_AUTHORIZATION_TOKEN=TOKEN + "\r\n")).load()
    assert isinstance(bad.value, ValueError)
    assert TOKEN not in str(bad.value)


def test_silent_endpoint_is_bounded_by_the_timeout() -> None:
    with silent_port() as port:
        pauses: List[float] = []
        provider = ContainerProvider(
            {"AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:%d/c" % port},
            timeout=0.2,
            sleep=pauses.append,
        )
        result, took = elapsed(provider.load)
    assert isinstance(result, CredentialRetrievalError)
    assert "Read timeout" in str(result)
    assert took < 2
    assert pauses == [1.0, 1.0, 1.0]


def test_huge_body_is_refused_without_retry(serve) -> None:
    server = serve({("GET", "/c"): [Reply(200, b"{" + b" " * 200000 + b"}")]})
    with pytest.raises(Exception, match="larger than") as info:
        ContainerProvider(
            {"AWS_CONTAINER_CREDENTIALS_FULL_URI": server.url + "/c"}, sleep=lambda s: None
        ).load()
    assert isinstance(info.value, RuntimeError)
    assert len(server.take()) == 1


def test_echoed_token_is_redacted_from_error_bodies(serve, caplog) -> None:
    server = serve(
        {("GET", "/c"): lambda seen: Reply(401, "bad token " + seen.headers["authorization"])}
    )
    env = {
        "AWS_CONTAINER_CREDENTIALS_FULL_URI": server.url + "/c",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN": TOKEN,
    }
    with caplog.at_level("DEBUG"), pytest.raises(CredentialRetrievalError) as info:
        ContainerProvider(env, sleep=lambda s: None).load()
    assert "Received non 200 response 401 from container metadata: bad token <redacted>" in str(
        info.value
    )
    assert TOKEN not in str(info.value)
    assert TOKEN not in caplog.text


def test_repr_and_messages_never_show_secrets(serve) -> None:
    server = serve({("GET", "/c"): [Reply(200, creds_doc())]})
    creds = ContainerProvider({"AWS_CONTAINER_CREDENTIALS_FULL_URI": server.url + "/c"}).load()
    assert creds is not None
    text = repr(creds) + repr(creds.get_frozen_credentials())
    assert SECRET not in text
    assert TOKEN not in text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2030-01-02T03:04:05Z", datetime(2030, 1, 2, 3, 4, 5, tzinfo=timezone.utc)),
        ("2030-01-02T03:04:05.123456Z", datetime(2030, 1, 2, 3, 4, 5, 123456, tzinfo=timezone.utc)),
        ("2030-01-02T03:04:05+02:00", datetime(2030, 1, 2, 1, 4, 5, tzinfo=timezone.utc)),
        ("2030-01-02 03:04:05 UTC", datetime(2030, 1, 2, 3, 4, 5, tzinfo=timezone.utc)),
        ("20300102T030405Z", datetime(2030, 1, 2, 3, 4, 5, tzinfo=timezone.utc)),
        ("Wed, 02 Jan 2030 03:04:05 GMT", datetime(2030, 1, 2, 3, 4, 5, tzinfo=timezone.utc)),
    ],
)
def test_parse_expiry_matches_dateutil(text: str, expected: datetime) -> None:
    assert parse_expiry(text, "test") == expected
    try:
        from dateutil.parser import parse
    except ImportError:  # pragma: no cover
        return
    assert parse(text) == expected


@pytest.mark.parametrize("text", ["2030-01-02T03:04:05", "tomorrow", 12345, "2030-13-40T00:00:00Z"])
def test_parse_expiry_rejects_naive_and_garbage(text: Any) -> None:
    # Also a TypeError: botocore fails with one when it compares a naive expiry.
    with pytest.raises(InvalidExpiryError, match="expiry") as info:
        parse_expiry(text, "test")
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, TypeError)


@pytest.mark.parametrize(
    "shape",
    [
        lambda t: t[: len(t) // 2] + " and " + t[len(t) // 2 :],  # split in two
        lambda t: __import__("urllib.parse").parse.quote(t, safe=""),  # percent-encoded
        lambda t: t[3:-3],  # a long fragment
        lambda t: t + "\n" + t,  # across lines
    ],
    ids=["split", "encoded", "fragment", "lines"],
)
def test_no_form_of_an_echoed_token_survives(serve, shape) -> None:  # type: ignore[no-untyped-def]
    server = serve(
        {("GET", "/c"): lambda seen: Reply(401, "bad " + shape(seen.headers["authorization"]))}
    )
    env = {
        "AWS_CONTAINER_CREDENTIALS_FULL_URI": server.url + "/c",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN": TOKEN,
    }
    with pytest.raises(CredentialRetrievalError) as info:
        ContainerProvider(env, sleep=lambda s: None).load()
    text = str(info.value)
    assert "\n" not in text
    for i in range(len(TOKEN) - 11):
        assert TOKEN[i : i + 12] not in text


def test_a_body_that_is_not_utf8_is_not_kept_on_the_error(serve) -> None:
    """The decode error holds the body (the credentials); ``from None`` kept it as context."""
    body = b'{"AccessKeyId": "A", "SecretAccessKey": "' + SECRET.encode() + b'\xff"}'
    server = serve({("GET", "/c"): [Reply(200, body)]})
    env = {"AWS_CONTAINER_CREDENTIALS_FULL_URI": server.url + "/c"}
    with pytest.raises(BedrockTokenError) as info:
        ContainerProvider(env, timeout=2).load()
    error: BaseException = info.value
    while error.__cause__ or error.__context__:
        error = error.__cause__ or error.__context__  # type: ignore[assignment]
        assert not isinstance(error, UnicodeDecodeError)
    assert SECRET not in repr(info.value)


@pytest.mark.parametrize("token", [SECRET + "\u0100", "\u20ac" + SECRET])
def test_a_token_headers_cannot_carry_is_not_kept_on_the_error(serve, token: str) -> None:
    """The encoder's error holds the whole token; raised in its handler it stayed as context."""
    server = serve({("GET", "/c"): [Reply(200, {"AccessKeyId": "A"})]})
    env = {
        "AWS_CONTAINER_CREDENTIALS_FULL_URI": server.url + "/c",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN": token,
    }
    with pytest.raises(BedrockTokenError) as info:
        ContainerProvider(env, timeout=2).load()
    error: Optional[BaseException] = info.value
    while error is not None:
        assert SECRET not in repr(error) + str(error)
        assert not isinstance(error, UnicodeError)
        error = error.__cause__ or error.__context__
    assert server.take() == []  # refused before anything was sent
